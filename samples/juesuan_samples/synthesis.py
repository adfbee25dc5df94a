"""Synthesise a Disclosure whose accounting identities hold exactly.

Leaf quantities (spending per subject, fund and type; non-fiscal income; carry-overs)
are drawn in 元 cents, quantised to cents of the document's amount unit, and every
subtotal, total and cross-table figure is then computed from the quantised leaves, so
all identities of domain.md hold to the cent.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

from juesuan_samples.catalogue import (
    BASIC_ONLY_SUBJECTS,
    COMMON_ADMIN_SUBJECTS,
    COMMON_INSTITUTION_SUBJECTS,
    ECONOMIC_CLASSES,
    FUNCTION_SUBJECTS,
    OCCASIONAL_SUBJECTS,
    OPTIONAL_PUBLIC_ECON_CLASSES,
    RUNNING_ITEM_NAMES,
    STATEMENT_EXPENSE_CLASSES,
    T01_INCOME_LINES,
    T04_FUND_LINES,
    UnitProfile,
)
from juesuan_samples.model import (
    STATEMENT_FINAL,
    T02_COLUMNS,
    T03_COLUMNS,
    T04_EXPENSE_COLUMNS,
    T05_COLUMNS,
    T08_COLUMNS,
    T09_STYLE_EXPENDITURE,
    T09_STYLE_INCOME_EXPENDITURE,
    BasicExpenditure,
    Disclosure,
    EconRow,
    NarrativeFigures,
    PriorYear,
    Statement,
    StatementLine,
    SubjectBudget,
    SubjectRow,
    SubjectTable,
    ThreePublic,
    ThreePublicTable,
    shown,
)
from juesuan_samples.variants import Variants
from pipelines.domain.subjects import cost_category

FEN_PER_WAN = 1_000_000  # 元 cents in one 万元
BASE_YEAR = 2023


def stable_seed(*parts: object) -> int:
    """A seed that depends only on the parts' text (never on hash randomisation)."""
    digest = hashlib.sha256("|".join(str(part) for part in parts).encode()).digest()
    return int.from_bytes(digest[:8], "big")


def _fen(wan: float) -> int:
    """万元 (float draw) to whole 元 cents."""
    return max(0, round(wan * FEN_PER_WAN))


def largest_remainder(total: int, weights: Sequence[float]) -> list[int]:
    """Split an integer total by weights into integers that sum to it exactly."""
    weight_sum = sum(weights)
    if total == 0 or weight_sum == 0:
        return [0] * len(weights)
    raw = [total * weight / weight_sum for weight in weights]
    parts = [int(value) for value in raw]
    leftover = total - sum(parts)
    by_fraction = sorted(range(len(raw)), key=lambda index: (parts[index] - raw[index], index))
    for index in by_fraction[:leftover]:
        parts[index] += 1
    return parts


# ---------------------------------------------------------------------------
# Unit-level plan: what does not change from year to year


@dataclass(frozen=True)
class _UnitPlan:
    unit: UnitProfile
    scale_wan: float
    growth: float
    subjects: tuple[str, ...]  # general-budget 项 codes
    weights: Mapping[str, float]
    fund_subjects: tuple[str, ...]
    capital_subjects: tuple[str, ...]
    business_income: bool  # 事业收入
    other_income: bool
    superior_grant: bool
    affiliated_income: bool
    operating: bool
    to_superior: bool
    to_affiliated: bool
    three_public: bool
    abroad: bool


def _is_running(code: str) -> bool:
    return FUNCTION_SUBJECTS[code] in RUNNING_ITEM_NAMES


def _plan_unit(unit: UnitProfile, seed: int) -> _UnitPlan:
    rng = random.Random(stable_seed("unit", seed, unit.name))
    kind = unit.kind
    optional = [code for code in kind.optional_subjects if rng.random() < 0.55]
    common = COMMON_INSTITUTION_SUBJECTS if kind.institution else COMMON_ADMIN_SUBJECTS
    occasional = [code for code in OCCASIONAL_SUBJECTS if rng.random() < 0.4]
    subjects = tuple(sorted(dict.fromkeys([*kind.subjects, *optional, *common, *occasional])))
    weights: dict[str, float] = {}
    for code in subjects:
        if _is_running(code):
            weights[code] = rng.uniform(0.2, 0.35)
        elif code in BASIC_ONLY_SUBJECTS:
            weights[code] = rng.uniform(0.01, 0.06)
        else:
            weights[code] = rng.uniform(0.03, 0.22)
    is_department = unit.level == "部门"
    return _UnitPlan(
        unit=unit,
        scale_wan=rng.uniform(*kind.scale),
        growth=rng.choice((0.82, 0.9, 0.96, 1.03, 1.08, 1.15, 1.3)),
        subjects=subjects,
        weights=weights,
        fund_subjects=kind.fund_subjects,
        capital_subjects=kind.capital_subjects,
        business_income=kind.institution or rng.random() < 0.12,
        other_income=rng.random() < 0.35,
        superior_grant=rng.random() < 0.15,
        affiliated_income=is_department and rng.random() < 0.12,
        operating=kind.institution and rng.random() < 0.5,
        to_superior=kind.institution and rng.random() < 0.4,
        to_affiliated=is_department and rng.random() < 0.15,
        three_public=rng.random() < 0.88,
        abroad=rng.random() < 0.25,
    )


# ---------------------------------------------------------------------------
# Year-level leaves, in 元 cents, then quantised


@dataclass
class _SubjectLeaves:
    general_basic: int = 0
    general_project: int = 0
    general_opening: int = 0
    general_closing: int = 0
    fund_opening: int = 0
    fund_project: int = 0
    fund_closing: int = 0
    capital_opening: int = 0
    capital_project: int = 0
    capital_closing: int = 0
    nonfiscal_basic: int = 0
    nonfiscal_project: int = 0
    operating_expense: int = 0
    to_superior: int = 0
    to_affiliated: int = 0
    superior_income: int = 0
    business_income: int = 0
    operating_income: int = 0
    affiliated_income: int = 0
    other_income: int = 0


@dataclass
class _Leaves:
    subjects: dict[str, _SubjectLeaves] = field(default_factory=dict)
    nonfiscal_opening: int = 0
    nonfiscal_use: int = 0  # 使用非财政拨款结余
    distribution: int = 0  # 结余分配
    three_public_budget: dict[str, int] = field(default_factory=dict)
    three_public_final: dict[str, int] = field(default_factory=dict)
    procurement: dict[str, int] = field(default_factory=dict)
    scale_fen: int = 0

    def subject(self, code: str) -> _SubjectLeaves:
        return self.subjects.setdefault(code, _SubjectLeaves())


def _draw_leaves(plan: _UnitPlan, fiscal_year: int, seed: int) -> _Leaves:
    rng = random.Random(stable_seed("year", seed, plan.unit.name, fiscal_year))
    scale = plan.scale_wan * plan.growth ** (fiscal_year - BASE_YEAR) * rng.uniform(0.95, 1.05)
    leaves = _Leaves(scale_fen=_fen(scale))
    # Mostly the same subjects every year: an optional one drops out now and then.
    always = {*plan.unit.kind.subjects, *COMMON_ADMIN_SUBJECTS, *COMMON_INSTITUTION_SUBJECTS}
    subjects = [
        code for code in plan.subjects if code in always or _is_running(code) or rng.random() < 0.9
    ]
    weights = {code: plan.weights[code] * rng.uniform(0.85, 1.15) for code in subjects}
    weight_sum = sum(weights.values())
    for code in subjects:
        amount = _fen(scale * weights[code] / weight_sum)
        item = leaves.subject(code)
        if code in BASIC_ONLY_SUBJECTS:
            item.general_basic = amount
        elif _is_running(code):
            project_share = rng.uniform(0.005, 0.05) if rng.random() < 0.25 else 0.0
            item.general_project = round(amount * project_share)
            item.general_basic = amount - item.general_project
        else:
            basic_share = rng.uniform(0.05, 0.3) if rng.random() < 0.12 else 0.0
            item.general_basic = round(amount * basic_share)
            item.general_project = amount - item.general_basic

    project_subjects = [code for code in subjects if leaves.subjects[code].general_project > 0]
    if project_subjects and rng.random() < 0.6:
        code = rng.choice(project_subjects)
        item = leaves.subjects[code]
        item.general_opening = min(item.general_project, _fen(scale * rng.uniform(0.002, 0.03)))
    if project_subjects and rng.random() < 0.6:
        leaves.subject(rng.choice(project_subjects)).general_closing = _fen(
            scale * rng.uniform(0.002, 0.04)
        )

    if plan.fund_subjects and rng.random() < 0.85:
        fund_scale = scale * rng.uniform(0.15, 1.2)
        chosen = [code for code in plan.fund_subjects if rng.random() < 0.75] or [
            plan.fund_subjects[0]
        ]
        for code, share in zip(
            chosen, largest_remainder(1000, [rng.uniform(1, 3) for _ in chosen]), strict=True
        ):
            item = leaves.subject(code)
            item.fund_project = _fen(fund_scale * share / 1000)
            if rng.random() < 0.5:
                item.fund_opening = _fen(fund_scale * share / 1000 * rng.uniform(0.0, 0.08))
            if rng.random() < 0.5:
                item.fund_closing = _fen(fund_scale * share / 1000 * rng.uniform(0.0, 0.1))
    if plan.capital_subjects and rng.random() < 0.9:
        capital_scale = scale * rng.uniform(0.3, 1.5)
        chosen = [code for code in plan.capital_subjects if rng.random() < 0.7] or [
            plan.capital_subjects[0]
        ]
        for code in chosen:
            item = leaves.subject(code)
            item.capital_project = _fen(capital_scale / len(chosen) * rng.uniform(0.6, 1.4))
            if rng.random() < 0.4:
                item.capital_closing = _fen(capital_scale * rng.uniform(0.01, 0.1))
            if rng.random() < 0.3:
                item.capital_opening = _fen(capital_scale * rng.uniform(0.0, 0.05))

    _draw_nonfiscal(plan, leaves, subjects, scale, rng)
    _draw_three_public(plan, leaves, scale, rng)
    leaves.procurement = {
        "goods": _fen(scale * rng.uniform(0.004, 0.04)),
        "works": _fen(scale * rng.uniform(0.01, 0.08)) if rng.random() < 0.35 else 0,
        "services": _fen(scale * rng.uniform(0.02, 0.18)),
    }
    return leaves


def _draw_nonfiscal(
    plan: _UnitPlan, leaves: _Leaves, subjects: list[str], scale: float, rng: random.Random
) -> None:
    running = [code for code in subjects if _is_running(code)] or subjects[:1]
    services = [
        code for code in subjects if code not in BASIC_ONLY_SUBJECTS and not _is_running(code)
    ] or running
    if plan.business_income:
        for code in rng.sample(running + services, min(2, len(running + services))):
            item = leaves.subject(code)
            spent = _fen(scale * rng.uniform(0.03, 0.15))
            item.nonfiscal_basic += round(spent * 0.7)
            item.nonfiscal_project += spent - round(spent * 0.7)
            item.business_income += round(spent * rng.uniform(0.96, 1.08))
    if plan.other_income:
        item = leaves.subject(rng.choice(running + services))
        income = _fen(scale * rng.uniform(0.001, 0.01))
        item.other_income += income
        item.nonfiscal_project += round(income * rng.uniform(0.4, 1.0))
    if plan.superior_grant and rng.random() < 0.8:
        item = leaves.subject(rng.choice(services))
        grant = _fen(scale * rng.uniform(0.01, 0.05))
        item.superior_income += grant
        item.nonfiscal_project += round(grant * rng.uniform(0.7, 1.0))
    if plan.affiliated_income and rng.random() < 0.8:
        item = leaves.subject(running[0])
        income = _fen(scale * rng.uniform(0.005, 0.02))
        item.affiliated_income += income
        item.nonfiscal_basic += round(income * rng.uniform(0.5, 1.0))
    if plan.operating:
        item = leaves.subject(rng.choice(running + services))
        income = _fen(scale * rng.uniform(0.01, 0.04))
        item.operating_income += income
        item.operating_expense += round(income * rng.uniform(0.8, 0.98))
        if rng.random() < 0.5:
            leaves.distribution = round(income * rng.uniform(0.005, 0.02))
    if plan.to_superior and rng.random() < 0.7:
        leaves.subject(running[0]).to_superior += _fen(scale * rng.uniform(0.002, 0.01))
    if plan.to_affiliated and rng.random() < 0.7:
        item = leaves.subject(rng.choice(services))
        amount = _fen(scale * rng.uniform(0.005, 0.02))
        item.to_affiliated += amount
        item.other_income += amount  # funded by a matching transfer in, so the books stay plausible
    if any(
        item.business_income or item.other_income or item.operating_income
        for item in leaves.subjects.values()
    ):
        leaves.nonfiscal_opening = _fen(scale * rng.uniform(0.0, 0.03)) if rng.random() < 0.6 else 0
        if rng.random() < 0.15:
            leaves.nonfiscal_use = _fen(scale * rng.uniform(0.001, 0.01))


def _draw_three_public(plan: _UnitPlan, leaves: _Leaves, scale: float, rng: random.Random) -> None:
    budget = {"abroad": 0, "vehicle_purchase": 0, "vehicle_operation": 0, "reception": 0}
    if plan.three_public:
        budget["reception"] = _fen(scale * rng.uniform(0.0008, 0.005)) if rng.random() < 0.9 else 0
        budget["vehicle_operation"] = (
            _fen(scale * rng.uniform(0.001, 0.004)) if rng.random() < 0.75 else 0
        )
        budget["vehicle_purchase"] = _fen(rng.uniform(12, 35)) if rng.random() < 0.1 else 0
        budget["abroad"] = _fen(scale * rng.uniform(0.0005, 0.003)) if plan.abroad else 0
        if not any(budget.values()):
            budget["reception"] = _fen(scale * 0.001)
    final = {}
    for item, planned in budget.items():
        spent_nothing = rng.random() < (0.4 if item == "abroad" else 0.08)
        final[item] = 0 if spent_nothing else round(planned * rng.uniform(0.25, 1.0))
    leaves.three_public_budget = budget
    leaves.three_public_final = final


def _quantise(value: int, amount_unit: str) -> int:
    """元 cents to cents of the amount unit, rounding half up (values are never negative)."""
    return value if amount_unit == "元" else (value + 5_000) // 10_000


def _quantise_leaves(leaves: _Leaves, amount_unit: str) -> _Leaves:
    quantised = _Leaves(
        nonfiscal_opening=_quantise(leaves.nonfiscal_opening, amount_unit),
        nonfiscal_use=_quantise(leaves.nonfiscal_use, amount_unit),
        distribution=_quantise(leaves.distribution, amount_unit),
        three_public_budget={
            k: _quantise(v, amount_unit) for k, v in leaves.three_public_budget.items()
        },
        three_public_final={
            k: _quantise(v, amount_unit) for k, v in leaves.three_public_final.items()
        },
        procurement={k: _quantise(v, amount_unit) for k, v in leaves.procurement.items()},
        scale_fen=leaves.scale_fen,
    )
    for code, item in sorted(leaves.subjects.items()):
        quantised.subjects[code] = _SubjectLeaves(
            **{name: _quantise(value, amount_unit) for name, value in vars(item).items()}
        )
    # Keep carry-overs feasible after rounding: an opening balance never exceeds what it funds.
    for item in quantised.subjects.values():
        item.general_opening = min(
            item.general_opening, item.general_basic + item.general_project + item.general_closing
        )
        item.fund_opening = min(item.fund_opening, item.fund_project + item.fund_closing)
        item.capital_opening = min(
            item.capital_opening, item.capital_project + item.capital_closing
        )
    return quantised


# ---------------------------------------------------------------------------
# Tables from quantised leaves


def rollup(
    columns: tuple[str, ...],
    leaves: Mapping[str, tuple[int, ...]],
    names: Mapping[str, str],
    keep_zero_columns: frozenset[str] = frozenset(),
) -> SubjectTable:
    """合计, 类, 款 and 项 rows summed from 项 leaves, in code order."""

    def summed(codes: list[str]) -> tuple[int, ...]:
        return tuple(sum(leaves[code][index] for code in codes) for index in range(len(columns)))

    def printed(values: tuple[int, ...]) -> tuple[int | None, ...]:
        return tuple(
            shown(value, keep_zero=column in keep_zero_columns)
            for value, column in zip(values, columns, strict=True)
        )

    items = sorted(leaves)
    rows = [SubjectRow(None, "合计", printed(summed(items)))]
    for class_code in sorted({code[:3] for code in items}):
        class_items = [code for code in items if code.startswith(class_code)]
        rows.append(SubjectRow(class_code, names[class_code], printed(summed(class_items))))
        for section_code in sorted({code[:5] for code in class_items}):
            section_items = [code for code in class_items if code.startswith(section_code)]
            rows.append(
                SubjectRow(section_code, names[section_code], printed(summed(section_items)))
            )
            rows.extend(
                SubjectRow(code, names[code], printed(leaves[code])) for code in section_items
            )
    return SubjectTable(columns, tuple(rows))


@dataclass(frozen=True)
class _Flows:
    """Per-fund totals derived from the leaves."""

    general_income: int
    fund_income: int
    capital_income: int
    general_opening: int
    fund_opening: int
    capital_opening: int
    general_closing: int
    fund_closing: int
    capital_closing: int
    nonfiscal_opening: int
    nonfiscal_closing: int


def _derive_flows(leaves: _Leaves) -> tuple[_Flows, _Leaves]:
    items = leaves.subjects.values()
    general_spent = sum(i.general_basic + i.general_project for i in items)
    fund_spent = sum(i.fund_project for i in items)
    capital_spent = sum(i.capital_project for i in items)
    nonfiscal_income = sum(
        i.superior_income
        + i.business_income
        + i.operating_income
        + i.affiliated_income
        + i.other_income
        for i in items
    )
    nonfiscal_spent = sum(
        i.nonfiscal_basic
        + i.nonfiscal_project
        + i.operating_expense
        + i.to_superior
        + i.to_affiliated
        for i in items
    )
    opening = leaves.nonfiscal_opening
    closing = (
        opening + nonfiscal_income + leaves.nonfiscal_use - nonfiscal_spent - leaves.distribution
    )
    if closing < 0:  # top up the opening balance so that non-fiscal money never runs negative
        opening -= closing
        closing = 0
        leaves.nonfiscal_opening = opening
    general_opening = sum(i.general_opening for i in items)
    general_closing = sum(i.general_closing for i in items)
    fund_opening = sum(i.fund_opening for i in items)
    fund_closing = sum(i.fund_closing for i in items)
    capital_opening = sum(i.capital_opening for i in items)
    capital_closing = sum(i.capital_closing for i in items)
    return (
        _Flows(
            general_income=general_spent + general_closing - general_opening,
            fund_income=fund_spent + fund_closing - fund_opening,
            capital_income=capital_spent + capital_closing - capital_opening,
            general_opening=general_opening,
            fund_opening=fund_opening,
            capital_opening=capital_opening,
            general_closing=general_closing,
            fund_closing=fund_closing,
            capital_closing=capital_closing,
            nonfiscal_opening=opening,
            nonfiscal_closing=closing,
        ),
        leaves,
    )


def _subject_tables(leaves: _Leaves, names: Mapping[str, str], t09_style: str, keep_zero: bool):
    t02_leaves, t03_leaves, t05_leaves, t08_leaves, t09_leaves = {}, {}, {}, {}, {}
    for code, i in sorted(leaves.subjects.items()):
        general_income = i.general_basic + i.general_project + i.general_closing - i.general_opening
        fund_income = i.fund_project + i.fund_closing - i.fund_opening
        capital_income = i.capital_project + i.capital_closing - i.capital_opening
        fiscal_income = general_income + fund_income + capital_income
        sources = (
            fiscal_income,
            i.superior_income,
            i.business_income,
            i.operating_income,
            i.affiliated_income,
            i.other_income,
        )
        if any(sources):
            t02_leaves[code] = (sum(sources), *sources)
        basic = i.general_basic + i.nonfiscal_basic
        project = i.general_project + i.fund_project + i.capital_project + i.nonfiscal_project
        spending = (basic, project, i.to_superior, i.operating_expense, i.to_affiliated)
        if any(spending):
            t03_leaves[code] = (sum(spending), *spending)
        if i.general_basic or i.general_project:
            t05_leaves[code] = (
                i.general_basic + i.general_project,
                i.general_basic,
                i.general_project,
            )
        if i.fund_opening or i.fund_project or i.fund_closing:
            t08_leaves[code] = (
                i.fund_opening,
                fund_income,
                i.fund_project,
                0,
                i.fund_project,
                i.fund_closing,
            )
        if i.capital_opening or i.capital_project or i.capital_closing:
            if t09_style == T09_STYLE_EXPENDITURE:
                t09_leaves[code] = (i.capital_project, 0, i.capital_project)
            else:
                t09_leaves[code] = (
                    i.capital_opening,
                    capital_income,
                    i.capital_project,
                    0,
                    i.capital_project,
                    i.capital_closing,
                )
    closing_zero = frozenset({"年末结转和结余"} if keep_zero else ())
    t09_columns = T05_COLUMNS if t09_style == T09_STYLE_EXPENDITURE else T08_COLUMNS
    return (
        rollup(T02_COLUMNS, t02_leaves, names),
        rollup(T03_COLUMNS, t03_leaves, names),
        rollup(T05_COLUMNS, t05_leaves, names),
        rollup(T08_COLUMNS, t08_leaves, names, closing_zero if t08_leaves else frozenset()),
        rollup(t09_columns, t09_leaves, names, closing_zero if t09_leaves else frozenset()),
    )


def _class_amount(table: SubjectTable, code: str, column: str) -> int:
    row = table.find(code)
    return 0 if row is None else table.value(row, column) or 0


def _ordinal_lines(
    side: str, labels_values: Sequence[tuple[str, tuple[int, ...], str | None]]
) -> list[StatementLine]:
    return [
        StatementLine(side, label, "line", tuple(shown(value) for value in values), code)
        for label, values, code in labels_values
    ]


def _statement_t01(
    t02: SubjectTable, t03: SubjectTable, flows: _Flows, leaves: _Leaves, keep_zero: bool
) -> Statement:
    total = t02.total
    sources = [total.values[T02_COLUMNS.index(name)] or 0 for name in T02_COLUMNS[2:]]
    income_values = [flows.general_income, flows.fund_income, flows.capital_income, *sources]
    income_lines = _ordinal_lines(
        "收入",
        [
            (label, (value,), None)
            for label, value in zip(T01_INCOME_LINES, income_values, strict=True)
        ],
    )
    income_subtotal = sum(income_values)
    opening = (
        flows.general_opening + flows.fund_opening + flows.capital_opening + flows.nonfiscal_opening
    )
    income = [
        *income_lines,
        StatementLine("收入", "本年收入合计", "subtotal", (shown(income_subtotal),)),
        StatementLine(
            "收入", "使用非财政拨款结余", "carry", (shown(leaves.nonfiscal_use, keep_zero),)
        ),
        StatementLine("收入", "年初结转和结余", "carry", (shown(opening, keep_zero),)),
        StatementLine(
            "收入",
            "总计",
            "grand_total",
            (shown(income_subtotal + leaves.nonfiscal_use + opening),),
        ),
    ]
    expense_values = [
        (name, (_class_amount(t03, code, "本年支出合计"),), code)
        for code, name in STATEMENT_EXPENSE_CLASSES
    ]
    expense_subtotal = sum(values[0] for _, values, _ in expense_values)
    closing = (
        flows.general_closing + flows.fund_closing + flows.capital_closing + flows.nonfiscal_closing
    )
    expense = [
        *_ordinal_lines("支出", expense_values),
        StatementLine("支出", "本年支出合计", "subtotal", (shown(expense_subtotal),)),
        StatementLine("支出", "结余分配", "carry", (shown(leaves.distribution, keep_zero),)),
        StatementLine("支出", "年末结转和结余", "carry", (shown(closing, keep_zero),)),
        StatementLine(
            "支出",
            "总计",
            "grand_total",
            (shown(expense_subtotal + leaves.distribution + closing),),
        ),
    ]
    return Statement(STATEMENT_FINAL, STATEMENT_FINAL, tuple(income), tuple(expense))


def _statement_t04(
    t05: SubjectTable,
    t08: SubjectTable,
    t09: SubjectTable,
    t09_style: str,
    flows: _Flows,
    keep_zero: bool,
) -> Statement:
    incomes = (flows.general_income, flows.fund_income, flows.capital_income)
    openings = (flows.general_opening, flows.fund_opening, flows.capital_opening)
    closings = (flows.general_closing, flows.fund_closing, flows.capital_closing)
    opening_label = "年初财政拨款结转和结余"
    income = [
        *_ordinal_lines(
            "收入",
            [(label, (value,), None) for label, value in zip(T04_FUND_LINES, incomes, strict=True)],
        ),
        StatementLine("收入", "本年收入合计", "subtotal", (shown(sum(incomes)),)),
        StatementLine("收入", opening_label, "carry", (shown(sum(openings), keep_zero),)),
        *(
            StatementLine("收入", label, "sub", (shown(value, keep_zero),), parent=opening_label)
            for label, value in zip(T04_FUND_LINES, openings, strict=True)
        ),
        StatementLine("收入", "总计", "grand_total", (shown(sum(incomes) + sum(openings)),)),
    ]
    capital_column = "合计" if t09_style == T09_STYLE_EXPENDITURE else "本年支出小计"
    class_lines = []
    spent = [0, 0, 0]
    for code, name in STATEMENT_EXPENSE_CLASSES:
        funds = (
            _class_amount(t05, code, "合计"),
            _class_amount(t08, code, "本年支出小计"),
            _class_amount(t09, code, capital_column),
        )
        spent = [total + value for total, value in zip(spent, funds, strict=True)]
        class_lines.append((name, (sum(funds), *funds), code))

    def row(label: str, kind: str, funds: Sequence[int], keep: bool = False) -> StatementLine:
        return StatementLine(
            "支出", label, kind, tuple(shown(v, keep) for v in (sum(funds), *funds))
        )

    expense = [
        *_ordinal_lines("支出", class_lines),
        row("本年支出合计", "subtotal", spent),
        row("年末财政拨款结转和结余", "carry", closings, keep_zero),
        row("总计", "grand_total", [s + c for s, c in zip(spent, closings, strict=True)]),
    ]
    return Statement(STATEMENT_FINAL, T04_EXPENSE_COLUMNS, tuple(income), tuple(expense))


# Economic items linked to function subjects: the T06 amount is that subject's basic spending.
_LINKED_ECON = {
    "30108": ("2080505",),
    "30109": ("2080506",),
    "30110": ("2101101", "2101102"),
    "30111": ("2101103",),
    "30113": ("2210201",),
    "30302": ("2080501", "2080502"),
    "30304": ("2080801",),
    "30399": ("2210202", "2210203"),
}
_PERSONNEL_WEIGHTS = {
    "30101": 0.22,
    "30102": 0.30,
    "30103": 0.10,
    "30106": 0.02,
    "30107": 0.14,
    "30112": 0.015,
    "30114": 0.01,
    "30199": 0.05,
    "30301": 0.005,
    "30305": 0.01,
    "30309": 0.01,
}
_PUBLIC_WEIGHTS = {
    "30201": 0.10,
    "30202": 0.03,
    "30205": 0.01,
    "30206": 0.03,
    "30207": 0.03,
    "30209": 0.08,
    "30211": 0.08,
    "30213": 0.06,
    "30215": 0.02,
    "30216": 0.04,
    "30217": 0.02,
    "30226": 0.05,
    "30227": 0.05,
    "30228": 0.10,
    "30229": 0.05,
    "30231": 0.04,
    "30239": 0.12,
    "30299": 0.10,
    "31002": 0.03,
    "31007": 0.03,
}
_ALWAYS_WEIGHTED = frozenset({"30101", "30102", "30107", "30201", "30211", "30228", "30299"})


def _basic_expenditure(t05: SubjectTable, leaves: _Leaves, rng: random.Random) -> BasicExpenditure:
    basic_total = t05.value(t05.total, "基本支出") or 0
    amounts: dict[str, int] = {}
    for econ_code, subject_codes in _LINKED_ECON.items():
        linked = sum(
            leaves.subjects[c].general_basic for c in subject_codes if c in leaves.subjects
        )
        if linked:
            amounts[econ_code] = linked
    remainder = basic_total - sum(amounts.values())
    personnel_part = round(remainder * rng.uniform(0.72, 0.88))
    for weights, part in (
        (_PERSONNEL_WEIGHTS, personnel_part),
        (_PUBLIC_WEIGHTS, remainder - personnel_part),
    ):
        codes = [code for code in weights if code in _ALWAYS_WEIGHTED or rng.random() < 0.55]
        for code, value in zip(
            codes,
            largest_remainder(part, [weights[c] * rng.uniform(0.6, 1.4) for c in codes]),
            strict=True,
        ):
            amounts[code] = amounts.get(code, 0) + value
    present_classes = {code[:3] for code, value in amounts.items() if value}
    rows = []
    for code, name in ECONOMIC_CLASSES:
        econ_class = code[:3]
        if econ_class in OPTIONAL_PUBLIC_ECON_CLASSES and econ_class not in present_classes:
            continue  # 307/312/399 are listed only when they carry an amount (as in Shanghai)
        if len(code) == 3:
            value = sum(v for c, v in amounts.items() if c[:3] == code)
        else:
            value = amounts.get(code, 0)
        rows.append(EconRow(code, name, cost_category(code), shown(value)))
    personnel = sum(r.amount or 0 for r in rows if len(r.code) == 3 and r.category == "人员经费")
    public = sum(r.amount or 0 for r in rows if len(r.code) == 3 and r.category == "公用经费")
    return BasicExpenditure(tuple(rows), shown(personnel), shown(public))


def _three_public(budget: Mapping[str, int], keep_zero: bool) -> ThreePublic:
    vehicles = budget["vehicle_purchase"] + budget["vehicle_operation"]
    return ThreePublic(
        total=shown(budget["abroad"] + vehicles + budget["reception"], keep_zero),
        abroad=shown(budget["abroad"], keep_zero),
        vehicles=shown(vehicles, keep_zero),
        vehicle_purchase=shown(budget["vehicle_purchase"], keep_zero),
        vehicle_operation=shown(budget["vehicle_operation"], keep_zero),
        reception=shown(budget["reception"], keep_zero),
    )


def _round_to_whole(value: int, amount_unit: str, rng: random.Random) -> int:
    """Budgets are often set in whole 万元 (or whole 元)."""
    whole = 100 if amount_unit == "万元" else 1_000_000
    return round(value / whole) * whole if rng.random() < 0.5 else value


def _build(
    unit: UnitProfile,
    fiscal_year: int,
    variants: Variants,
    seed: int,
    prior: PriorYear | None,
) -> Disclosure:
    amount_unit = "元" if variants.money_unit == "元" else "万元"
    keep_zero = variants.printed_zeros
    plan = _plan_unit(unit, seed)
    leaves = _quantise_leaves(_draw_leaves(plan, fiscal_year, seed), amount_unit)
    flows, leaves = _derive_flows(leaves)
    rng = random.Random(stable_seed("details", seed, unit.name, fiscal_year))
    names = {
        code: FUNCTION_SUBJECTS[code]
        for item in leaves.subjects
        for code in (item[:3], item[:5], item)
    }
    t09_style = T09_STYLE_INCOME_EXPENDITURE if fiscal_year >= 2024 else T09_STYLE_EXPENDITURE
    t02, t03, t05, t08, t09 = _subject_tables(leaves, names, t09_style, keep_zero)
    t01 = _statement_t01(t02, t03, flows, leaves, keep_zero)
    t04 = _statement_t04(t05, t08, t09, t09_style, flows, keep_zero)
    t06 = _basic_expenditure(t05, leaves, rng)
    has_three_public = any(leaves.three_public_budget.values()) or any(
        leaves.three_public_final.values()
    )
    t07 = ThreePublicTable(
        _three_public(leaves.three_public_budget, keep_zero and has_three_public),
        _three_public(leaves.three_public_final, keep_zero and has_three_public),
    )
    procurement = leaves.procurement
    public_total = t06.public_total or 0
    running_costs = round(public_total * rng.uniform(0.5, 0.9))
    general_total = t05.value(t05.total, "合计") or 0
    t03_total = t03.total
    narrative = NarrativeFigures(
        income_total=t01.line("收入", "本年收入合计").values[0] or 0,
        expenditure_total=t01.line("支出", "本年支出合计").values[0] or 0,
        basic=t03.value(t03_total, "基本支出") or 0,
        project=t03.value(t03_total, "项目支出") or 0,
        fiscal_grand_total=t04.of_kind("收入", "grand_total")[0].values[0] or 0,
        three_public_budget=t07.budget.total or 0,
        three_public_final=t07.final.total or 0,
        running_costs=running_costs,
        procurement_goods=procurement["goods"],
        procurement_works=procurement["works"],
        procurement_services=procurement["services"],
        procurement_total=sum(procurement.values()),
        general_basic_stated=t05.value(t05.total, "基本支出") or 0,
        running_costs_budget=_round_to_whole(
            round(running_costs * rng.uniform(0.92, 1.15)), amount_unit, rng
        ),
        general_budget=_round_to_whole(
            round(general_total * rng.uniform(0.8, 1.05)), amount_unit, rng
        ),
        subject_budgets=tuple(
            SubjectBudget(
                row.code,
                row.values[0]
                if rng.random() < 0.35
                else _round_to_whole(
                    round((row.values[0] or 0) * rng.uniform(0.7, 1.25)), amount_unit, rng
                ),
                row.values[0] or 0,
            )
            for row in t05.rows
            if row.code is not None and len(row.code) == 7
        ),
        prior=prior if prior is not None else _placeholder_prior(fiscal_year),
        vehicles=rng.randint(1, 8) if leaves.three_public_budget.get("vehicle_operation") else 0,
        reception_batches=rng.randint(5, 80) if leaves.three_public_final.get("reception") else 0,
        reception_visitors=0,
        evaluated_projects=rng.randint(3, 30),
        evaluated_funds=t03.value(t03_total, "项目支出") or 0,
    )
    narrative = _with_visitors(narrative, rng)
    # The budget document (budget.plan_budget) prints these 项 budgets as its B05 rows, so
    # the stated 一般公共预算 budget is their sum, B05's 合计 (the draw above keeps the
    # random stream of every later figure unchanged).
    narrative = replace(
        narrative, general_budget=sum(item.budget for item in narrative.subject_budgets)
    )
    return Disclosure(
        unit=unit,
        fiscal_year=fiscal_year,
        amount_unit=amount_unit,
        subject_names=names,
        t01=t01,
        t02=t02,
        t03=t03,
        t04=t04,
        t05=t05,
        t06=t06,
        t07=t07,
        t08=t08,
        t09=t09,
        narrative=narrative,
        t09_style=t09_style,
        offices=unit.kind.offices,
    )


def _with_visitors(narrative: NarrativeFigures, rng: random.Random) -> NarrativeFigures:
    return replace(narrative, reception_visitors=narrative.reception_batches * rng.randint(3, 9))


def _placeholder_prior(fiscal_year: int) -> PriorYear:
    """Used only while computing a prior year itself, whose own comparison is never printed."""
    return PriorYear(fiscal_year - 1, 0, 0, 0, 0, 0, 0)


def _prior_year(d: Disclosure) -> PriorYear:
    n = d.narrative
    return PriorYear(
        fiscal_year=d.fiscal_year,
        grand_total=d.t01.line("收入", "总计").values[0] or 0,
        fiscal_income=sum(line.values[0] or 0 for line in d.t01.of_kind("收入", "line")[:3]),
        basic=n.basic,
        project=n.project,
        fiscal_grand_total=n.fiscal_grand_total,
        general_expenditure=d.t05.value(d.t05.total, "合计") or 0,
    )


def synthesize(unit: UnitProfile, fiscal_year: int, variants: Variants, seed: int) -> Disclosure:
    """The disclosure of `unit` for `fiscal_year`, with last year's figures for comparisons.

    The same (unit, year, seed) gives the same economic figures whatever the variants,
    except for the money unit (figures drawn in 元 keep their 元 cents) and printed zeros.
    """
    prior = _prior_year(_build(unit, fiscal_year - 1, variants, seed, None))
    return _build(unit, fiscal_year, variants, seed, prior)
