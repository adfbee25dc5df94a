"""A unit's budget (部门预算 / 单位预算) for a year: the plan its final accounts restate.

The budget is drawn from the same model as the final accounts of that unit and year
(synthesis: the unit plan and the year's leaves), and it is the single source of the
figures the final accounts restate: the final's T07 预算数 is the budget's B07, and its
narrative's "年初预算为 X" per 项 (NarrativeFigures.subject_budgets) is the budget's B05
row 合计. Every other figure (income by source, B06 by economic class, the fund tables)
is planned from the final's leaves, so the pair is plausible, and every budget table's
own identities hold exactly (budget_identity_findings).

Amounts are integers in cents of the final's `amount_unit`, as in model.py.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass, field

from juesuan_samples.catalogue import FUNCTION_SUBJECTS, STATEMENT_EXPENSE_CLASSES
from juesuan_samples.identities import (
    Violation,
    _check_hierarchy,
    _check_row_sums,
    _check_statement,
    _check_three_public,
    _Checker,
)
from juesuan_samples.model import (
    THREE_PUBLIC_ITEMS,
    Amount,
    Disclosure,
    Statement,
    StatementLine,
    SubjectTable,
    ThreePublic,
    amount_sum,
    shown,
)
from juesuan_samples.synthesis import (
    _derive_flows,
    _draw_leaves,
    _plan_unit,
    _quantise_leaves,
    largest_remainder,
    rollup,
    stable_seed,
)

BUDGET_AMOUNT = "预算数"
PREVIOUS_BUDGET = "上年预算数"
APPROPRIATION_COLUMNS = ("合计", "基本支出", "项目支出")  # B05, B08, B09
FUND_TYPES = {"B05": "一般公共预算", "B08": "政府性基金预算", "B09": "国有资本经营预算"}
FINAL_COUNTERPARTS = {"B05": "T05", "B08": "T08", "B09": "T09"}
# B02's income sources after the fiscal ones, by the final's T02 column they follow.
NONFISCAL_SOURCES = {
    "上级补助收入": "上级补助收入",
    "事业收入": "事业收入",
    "事业单位经营收入": "经营收入",
    "附属单位上缴收入": "附属单位上缴收入",
    "其他收入": "其他收入",
}
FISCAL_SOURCES = ("一般公共预算拨款收入", "政府性基金预算拨款收入", "国有资本经营预算拨款收入")
CARRY_SOURCE = "上年结转结余"
# B03's optional columns and the leaf field they come from.
OPTIONAL_SPENDING = {
    "上缴上级支出": "to_superior",
    "事业单位经营支出": "operating_expense",
    "对附属单位补助支出": "to_affiliated",
}
# B01 income lines, in printed order (labels without ordinals).
B01_INCOME_LINES = (*FISCAL_SOURCES, "财政专户管理资金收入", *NONFISCAL_SOURCES)
B04_INCOME_LINES = FISCAL_SOURCES
B04_EXPENSE_COLUMNS = ("合计", "一般公共预算", "政府性基金预算", "国有资本经营预算")
# The B07 items beside 三公 some templates print (机关运行经费 from the final's narrative).
RUNNING_COSTS = "机关运行经费"
THREE_PUBLIC_LEAVES = ("因公出国（境）费", "公务用车购置费", "公务用车运行维护费", "公务接待费")


@dataclass(frozen=True)
class BudgetEconRow:
    code: str | None  # None for the 合计 row
    name: str
    category: str | None  # 人员经费 / 公用经费; None for 合计
    amount: Amount


@dataclass(frozen=True)
class BudgetBasic:
    """B06: the 合计 row, then economic classes and their 款, in printed order."""

    rows: tuple[BudgetEconRow, ...]

    @property
    def total(self) -> BudgetEconRow:
        return self.rows[0]

    def category_total(self, category: str) -> int:
        return amount_sum(
            row.amount
            for row in self.rows
            if row.code is not None and len(row.code) == 3 and row.category == category
        )


@dataclass(frozen=True)
class BudgetThreePublic:
    budget: ThreePublic
    previous: ThreePublic  # last year's budget (printed as 上年预算数 by some templates)
    running_costs: Amount  # 机关运行经费 预算数

    @property
    def empty(self) -> bool:
        return all(self.budget.item(label) is None for label, _ in THREE_PUBLIC_ITEMS)


@dataclass(frozen=True)
class BudgetNarrative:
    """Figures the budget's 情况说明 states (its ground-truth key figures)."""

    income_total: int  # 收入总计
    income_this_year: int  # 本年收入合计
    basic: int
    project: int
    fiscal_total: int  # 财政拨款收支总计
    general_total: int  # 一般公共预算支出
    personnel: int
    public: int
    three_public: int

    def key_figures(self) -> dict[str, int]:
        return {
            "收支预算总计": self.income_total,
            "本年收入合计": self.income_this_year,
            "基本支出": self.basic,
            "项目支出": self.project,
            "财政拨款收支总计": self.fiscal_total,
            "一般公共预算支出": self.general_total,
            "人员经费": self.personnel,
            "公用经费": self.public,
            "三公经费预算数": self.three_public,
        }


@dataclass(frozen=True)
class ListingRow:
    """A row of B10 (a project) or B11 (a purchase): its name, and for a project its 项."""

    name: str
    code: str | None
    values: tuple[Amount, ...]
    category: str | None = None  # a purchase's 采购品目 (货物 / 工程 / 服务), printed as text


@dataclass(frozen=True)
class Listing:
    """B10 项目支出表 / B11 政府采购预算表: the 合计 row first, then one row per item."""

    columns: tuple[str, ...]  # amount columns, 合计 first
    rows: tuple[ListingRow, ...]


PROJECT_COLUMNS = ("合计", "一般公共预算", "政府性基金预算", "国有资本经营预算")
PURCHASE_COLUMNS = ("合计",)
_PROJECT_SUFFIXES = ("专项经费", "专项业务费", "工作经费", "项目")
_PURCHASES = (("goods", "办公设备购置", "货物"), ("works", "办公用房维修改造", "工程"))
_PURCHASES += (("services", "信息系统运行维护服务", "服务"),)


@dataclass(frozen=True)
class Budget:
    """Every figure a budget document prints, before any layout."""

    unit_name: str
    unit_level: str
    region: str
    fiscal_year: int
    amount_unit: str  # of every Amount, as the paired final's: 万元 or 元
    subject_names: Mapping[str, str]
    b01: Statement
    b02: SubjectTable
    b03: SubjectTable
    b04: Statement
    b05: SubjectTable
    b06: BudgetBasic
    b07: BudgetThreePublic
    b08: SubjectTable
    b09: SubjectTable
    narrative: BudgetNarrative
    b10: Listing  # printed by the families that print it (budget_tables.Family.extras)
    b11: Listing
    duties: tuple[str, ...] = field(default=())
    offices: tuple[str, ...] = field(default=())

    def subject_table(self, table_id: str) -> SubjectTable:
        return getattr(self, table_id.lower())


@dataclass
class _Plan:
    """Per 项 budget leaves, cents of the amount unit."""

    general_basic: int = 0
    general_project: int = 0
    fund: int = 0
    capital: int = 0
    nonfiscal_basic: int = 0
    nonfiscal_project: int = 0
    optional: dict[str, int] = field(default_factory=dict)
    carry: int = 0  # 上年结转结余 spent on this 项's general projects


def _whole(value: int, amount_unit: str, rng: random.Random) -> int:
    """Plans are mostly set in whole 万元 (or whole 元)."""
    whole = 100 if amount_unit == "万元" else 1_000_000
    return round(value / whole) * whole if rng.random() < 0.6 else value


def _scaled(value: int, amount_unit: str, rng: random.Random) -> int:
    return _whole(round(value * rng.uniform(0.85, 1.15)), amount_unit, rng) if value else 0


def plan_budget(final: Disclosure, seed: int, duties: tuple[str, ...] = ()) -> Budget:
    """The budget of final.unit for final.fiscal_year, from the same model as `final`.

    `final` is the clean synthesised disclosure (before any planted error or mismatch).
    """
    unit, year, amount_unit = final.unit, final.fiscal_year, final.amount_unit
    rng = random.Random(stable_seed("budget", seed, unit.name, year))
    plan_unit = _plan_unit(unit, seed)
    leaves = _quantise_leaves(_draw_leaves(plan_unit, year, seed), amount_unit)
    _flows, leaves = _derive_flows(leaves)
    stated = {item.code: item.budget for item in final.narrative.subject_budgets}
    plans: dict[str, _Plan] = {}
    for code, item in sorted(leaves.subjects.items()):
        plan = _Plan()
        budget = stated.get(code, 0)
        if budget:  # the final restates this 项's B05 合计
            basic, project = item.general_basic, item.general_project
            plan.general_basic = budget if not project else budget * basic // (basic + project)
            plan.general_project = budget - plan.general_basic
        plan.fund = _scaled(item.fund_project, amount_unit, rng)
        plan.capital = _scaled(item.capital_project, amount_unit, rng)
        plan.nonfiscal_basic = _scaled(item.nonfiscal_basic, amount_unit, rng)
        plan.nonfiscal_project = _scaled(item.nonfiscal_project, amount_unit, rng)
        for column, name in OPTIONAL_SPENDING.items():
            value = _scaled(getattr(item, name), amount_unit, rng)
            if value:
                plan.optional[column] = value
        spending = (plan.general_basic, plan.general_project, plan.fund, plan.capital)
        if any((*spending, plan.nonfiscal_basic, plan.nonfiscal_project, *plan.optional.values())):
            plans[code] = plan
    projects = [code for code, plan in plans.items() if plan.general_project]
    if projects and rng.random() < 0.5:
        chosen = plans[rng.choice(projects)]
        chosen.carry = round(chosen.general_project * rng.uniform(0.05, 0.3))
    names = {c: FUNCTION_SUBJECTS[c] for code in plans for c in (code[:3], code[:5], code)}
    t02_total = final.t02.total
    weights = {
        source: final.t02.value(t02_total, column) or 0
        for source, column in NONFISCAL_SOURCES.items()
    }
    if not any(weights.values()):
        weights["其他收入"] = 1
    optional_columns = tuple(
        column for column in OPTIONAL_SPENDING if any(column in p.optional for p in plans.values())
    )
    income_columns = (
        "合计",
        *FISCAL_SOURCES,
        *(source for source, weight in weights.items() if weight),
        CARRY_SOURCE,
    )
    spending_columns = ("合计", "基本支出", "项目支出", *optional_columns)
    b02_leaves, b03_leaves, b05_leaves, b08_leaves, b09_leaves = {}, {}, {}, {}, {}
    for code, plan in plans.items():
        nonfiscal = plan.nonfiscal_basic + plan.nonfiscal_project + sum(plan.optional.values())
        sources = dict(
            zip(
                weights,
                largest_remainder(nonfiscal, list(weights.values())),
                strict=True,
            )
        )
        general = plan.general_basic + plan.general_project
        income = (
            general - plan.carry,
            plan.fund,
            plan.capital,
            *(sources[source] for source in income_columns[4:-1]),
            plan.carry,
        )
        b02_leaves[code] = (sum(income), *income)
        spending = (
            plan.general_basic + plan.nonfiscal_basic,
            plan.general_project + plan.fund + plan.capital + plan.nonfiscal_project,
            *(plan.optional.get(column, 0) for column in optional_columns),
        )
        b03_leaves[code] = (sum(spending), *spending)
        if general:
            b05_leaves[code] = (general, plan.general_basic, plan.general_project)
        if plan.fund:
            b08_leaves[code] = (plan.fund, 0, plan.fund)
        if plan.capital:
            b09_leaves[code] = (plan.capital, 0, plan.capital)
    b02 = rollup(income_columns, b02_leaves, names)
    b03 = rollup(spending_columns, b03_leaves, names)
    b05 = rollup(APPROPRIATION_COLUMNS, b05_leaves, names)
    b08 = rollup(APPROPRIATION_COLUMNS, b08_leaves, names)
    b09 = rollup(APPROPRIATION_COLUMNS, b09_leaves, names)
    b06 = _basic(final, b05.value(b05.total, "基本支出") or 0)
    previous = _quantise_leaves(_draw_leaves(plan_unit, year - 1, seed), amount_unit)
    b07 = BudgetThreePublic(
        budget=final.t07.budget,
        previous=_three_public(previous.three_public_budget),
        running_costs=shown(final.narrative.running_costs_budget),
    )
    b01 = _statement_b01(b02, b03)
    b04 = _statement_b04(b02, b05, b08, b09)
    personnel, public = b06.category_total("人员经费"), b06.category_total("公用经费")
    narrative = BudgetNarrative(
        income_total=b01.of_kind("收入", "grand_total")[0].values[0] or 0,
        income_this_year=b01.of_kind("收入", "subtotal")[0].values[0] or 0,
        basic=b03.value(b03.total, "基本支出") or 0,
        project=b03.value(b03.total, "项目支出") or 0,
        fiscal_total=b04.of_kind("收入", "grand_total")[0].values[0] or 0,
        general_total=b05.value(b05.total, "合计") or 0,
        personnel=personnel,
        public=public,
        three_public=b07.budget.total or 0,
    )
    projects = []
    for code, plan in plans.items():
        funds = (plan.general_project, plan.fund, plan.capital)
        if any(funds):
            name = f"{names[code]}{rng.choice(_PROJECT_SUFFIXES)}"
            projects.append(ListingRow(name, code, tuple(shown(v) for v in (sum(funds), *funds))))
    project_totals = [amount_sum(row.values[k] for row in projects) for k in range(4)]
    stated = final.narrative
    procurement = {
        "goods": stated.procurement_goods,
        "works": stated.procurement_works,
        "services": stated.procurement_services,
    }
    purchases = []
    for key, name, category in _PURCHASES:
        value = _scaled(procurement[key], amount_unit, rng)
        if value:
            purchases.append(ListingRow(name, None, (value,), category))
    purchase_total = amount_sum(row.values[0] for row in purchases)
    b10 = Listing(
        PROJECT_COLUMNS,
        (ListingRow("合计", None, tuple(shown(v) for v in project_totals)), *projects),
    )
    b11 = Listing(
        PURCHASE_COLUMNS, (ListingRow("合计", None, (shown(purchase_total),)), *purchases)
    )
    return Budget(
        unit_name=unit.name,
        unit_level=unit.level,
        region=unit.region,
        fiscal_year=year,
        amount_unit=amount_unit,
        subject_names=names,
        b01=b01,
        b02=b02,
        b03=b03,
        b04=b04,
        b05=b05,
        b06=b06,
        b07=b07,
        b08=b08,
        b09=b09,
        narrative=narrative,
        b10=b10,
        b11=b11,
        duties=duties,
        offices=final.offices or unit.kind.offices,
    )


def _three_public(budget: Mapping[str, int]) -> ThreePublic:
    vehicles = budget["vehicle_purchase"] + budget["vehicle_operation"]
    return ThreePublic(
        total=shown(budget["abroad"] + vehicles + budget["reception"]),
        abroad=shown(budget["abroad"]),
        vehicles=shown(vehicles),
        vehicle_purchase=shown(budget["vehicle_purchase"]),
        vehicle_operation=shown(budget["vehicle_operation"]),
        reception=shown(budget["reception"]),
    )


def _basic(final: Disclosure, total: int) -> BudgetBasic:
    """B06: the budget's basic spending over the economic 款 the final spends on, in the
    final's proportions (classes and totals summed from the 款)."""
    items = [row for row in final.t06.rows if len(row.code) == 5 and row.amount]
    if not items:
        items = [row for row in final.t06.rows if len(row.code) == 5][:1]
    amounts = dict(
        zip(
            (row.code for row in items),
            largest_remainder(total, [float(row.amount or 1) for row in items]),
            strict=True,
        )
    )
    rows = [BudgetEconRow(None, "合计", None, shown(total))]
    for row in final.t06.rows:
        if len(row.code) == 3:
            value = sum(v for code, v in amounts.items() if code[:3] == row.code)
            if value:
                rows.append(BudgetEconRow(row.code, row.name, row.category, value))
        elif amounts.get(row.code):
            rows.append(BudgetEconRow(row.code, row.name, row.category, amounts[row.code]))
    return BudgetBasic(tuple(rows))


def _class_total(table: SubjectTable, code: str, column: str = "合计") -> int:
    row = table.find(code)
    return 0 if row is None else table.value(row, column) or 0


def _statement_b01(b02: SubjectTable, b03: SubjectTable) -> Statement:
    total = b02.total
    income_values = {
        label: (b02.value(total, label) or 0) if label in b02.columns else 0
        for label in B01_INCOME_LINES
    }
    this_year = sum(income_values.values())
    carry = b02.value(total, CARRY_SOURCE) or 0
    income = [
        *(
            StatementLine("收入", label, "line", (shown(value),))
            for label, value in income_values.items()
        ),
        StatementLine("收入", "本年收入合计", "subtotal", (shown(this_year),)),
        StatementLine("收入", CARRY_SOURCE, "carry", (shown(carry),)),
        StatementLine("收入", "收入总计", "grand_total", (shown(this_year + carry),)),
    ]
    classes = [
        (code, name, _class_total(b03, code))
        for code, name in STATEMENT_EXPENSE_CLASSES
        if _class_total(b03, code)
    ]
    spent = sum(value for _, _, value in classes)
    expense = [
        *(StatementLine("支出", name, "line", (value,), code) for code, name, value in classes),
        StatementLine("支出", "本年支出合计", "subtotal", (shown(spent),)),
        StatementLine("支出", "结转下年", "carry", (None,)),
        StatementLine("支出", "支出总计", "grand_total", (shown(spent),)),
    ]
    return Statement((BUDGET_AMOUNT,), (BUDGET_AMOUNT,), tuple(income), tuple(expense))


def _statement_b04(
    b02: SubjectTable, b05: SubjectTable, b08: SubjectTable, b09: SubjectTable
) -> Statement:
    total = b02.total
    incomes = [b02.value(total, label) or 0 for label in FISCAL_SOURCES]
    carry = b02.value(total, CARRY_SOURCE) or 0
    income = [
        *(
            StatementLine("收入", label, "line", (shown(value),))
            for label, value in zip(FISCAL_SOURCES, incomes, strict=True)
        ),
        StatementLine("收入", "本年收入合计", "subtotal", (shown(sum(incomes)),)),
        StatementLine("收入", "上年结转", "carry", (shown(carry),)),
        StatementLine("收入", "收入总计", "grand_total", (shown(sum(incomes) + carry),)),
    ]
    lines = []
    spent = [0, 0, 0]
    for code, name in STATEMENT_EXPENSE_CLASSES:
        funds = (_class_total(b05, code), _class_total(b08, code), _class_total(b09, code))
        if any(funds):
            spent = [s + f for s, f in zip(spent, funds, strict=True)]
            values = tuple(shown(v) for v in (sum(funds), *funds))
            lines.append(StatementLine("支出", name, "line", values, code))
    totals = tuple(shown(v) for v in (sum(spent), *spent))
    expense = [
        *lines,
        StatementLine("支出", "本年支出合计", "subtotal", totals),
        StatementLine("支出", "支出总计", "grand_total", totals),
    ]
    return Statement((BUDGET_AMOUNT,), B04_EXPENSE_COLUMNS, tuple(income), tuple(expense))


# ---------------------------------------------------------------------------
# Identities of the budget tables (domain.md "Budgets"), checked exactly


def budget_identity_findings(b: Budget) -> list[Violation]:
    """Every identity of the budget tables that does not hold exactly."""
    check = _Checker(frozenset())
    for table_id in ("B02", "B03", "B05", "B08", "B09"):
        table = b.subject_table(table_id)
        _check_row_sums(check, table_id, table, "合计")
        _check_hierarchy(check, table_id, table)
    _check_statement(check, "B01", b.b01)
    _check_statement(check, "B04", b.b04)
    for line in b.b04.expense:
        check.equal(
            ("b04_fund_columns", "B04", line.label),
            f"B04 {line.label} 合计 = Σ funds",
            line.values[0],
            amount_sum(line.values[1:]),
        )
    b02_total, b03_total = b.b02.total, b.b03.total
    for line in b.b01.of_kind("收入", "line"):
        printed = b.b02.value(b02_total, line.label) if line.label in b.b02.columns else None
        check.equal(
            ("b01_b02_income", "B01", line.label), f"B01 {line.label}", printed, line.values[0] or 0
        )
    for line in b.b01.of_kind("支出", "line"):
        check.equal(
            ("b01_b03_expenditure", "B01", line.label),
            f"B01 {line.label}",
            line.values[0],
            _class_total(b.b03, line.code or ""),
        )
    check.equal(
        ("b01_b03_expenditure", "B01", "本年支出合计"),
        "B01 本年支出合计 = B03 合计",
        b.b01.line("支出", "本年支出合计").values[0],
        b.b03.value(b03_total, "合计") or 0,
    )
    for index, (table_id, fund) in enumerate(
        (("B05", "一般公共预算"), ("B08", "政府性基金预算"), ("B09", "国有资本经营预算")), 1
    ):
        table = b.subject_table(table_id)
        for line in b.b04.of_kind("支出", "line"):
            check.equal(
                (f"b04_{table_id.lower()}", "B04", line.label),
                f"B04 {line.label} {fund}",
                line.values[index],
                _class_total(table, line.code or ""),
            )
        check.equal(
            (f"b04_{table_id.lower()}", "B04", "本年支出合计"),
            f"B04 本年支出合计 {fund} = {table_id} 合计",
            b.b04.line("支出", "本年支出合计").values[index],
            table.value(table.total, "合计") or 0,
        )
    basic = b.b06
    check.equal(
        ("b05_b06_basic", "B05", "合计"),
        "B05 基本支出 = B06 合计",
        b.b05.value(b.b05.total, "基本支出"),
        basic.total.amount or 0,
    )
    check.equal(
        ("b06_total", "B06", "合计"),
        "B06 合计 = Σ 类",
        basic.total.amount,
        basic.category_total("人员经费") + basic.category_total("公用经费"),
    )
    for row in basic.rows:
        if row.code is not None and len(row.code) == 3:
            check.equal(
                ("b06_hierarchy", "B06", row.code),
                f"B06 {row.code}",
                row.amount,
                amount_sum(
                    r.amount
                    for r in basic.rows
                    if r.code and len(r.code) == 5 and r.code[:3] == row.code
                ),
            )
    _check_three_public(check, BUDGET_AMOUNT, b.b07.budget)
    _check_three_public(check, PREVIOUS_BUDGET, b.b07.previous)
    for table_id, listing in (("B10", b.b10), ("B11", b.b11)):
        total, *items = listing.rows
        for index, column in enumerate(listing.columns):
            check.equal(
                ("listing_total", table_id, column),
                f"{table_id} 合计 {column} = Σ rows",
                total.values[index],
                amount_sum(row.values[index] for row in items),
            )
        for row in listing.rows if len(listing.columns) > 1 else ():
            check.equal(
                ("listing_row_total", table_id, row.name),
                f"{table_id} {row.name} 合计 = Σ columns",
                row.values[0],
                amount_sum(row.values[1:]),
            )
    projects = b.b10.rows[0].values
    for index, table_id in enumerate(("B05", "B08", "B09"), start=1):
        table = b.subject_table(table_id)
        check.equal(
            ("b10_projects", "B10", PROJECT_COLUMNS[index]),
            f"B10 合计 {PROJECT_COLUMNS[index]} = {table_id} 项目支出",
            projects[index],
            table.value(table.total, "项目支出") or 0,
        )
    return check.violations
