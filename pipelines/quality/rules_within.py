"""Identities within one table (domain.md "Within a table").

Locations follow the planted-error conventions (juesuan_samples.identities): a subject
table's row code or '合计'; a T01/T04 line label ('本年收入合计', '总计', a class line's
name); a T06 econ code or '人员经费合计'/'公用经费合计'; a T07 item label. A check that
compares several columns reports one outcome per column (`measure`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from pipelines.domain.subjects import cost_category
from pipelines.quality.document import Document, Row, Table
from pipelines.quality.outcomes import Collector, table_place
from pipelines.quality.statements import EXPENSE, FUND_COLUMNS, INCOME, statement_side
from pipelines.quality.tolerance import Term

SUBJECT_TABLES = ("T02", "T03", "T05", "T08", "T09")

# Row totals of the subject tables: total column = Σ part columns.
ROW_TOTALS = {
    "T02": (
        "本年收入合计",
        ("财政拨款收入", "上级补助收入", "事业收入", "经营收入", "附属单位上缴收入", "其他收入"),
    ),
    "T03": (
        "本年支出合计",
        ("基本支出", "项目支出", "上缴上级支出", "经营支出", "对附属单位补助支出"),
    ),
    "T05": ("合计", ("基本支出", "项目支出")),
    "T09": ("合计", ("基本支出", "项目支出")),
}
# T08 (and T09 as printed since 2024): spending and carry-over columns.
FLOW_SPENT, FLOW_BASIC, FLOW_PROJECT = "本年支出小计", "本年支出基本支出", "本年支出项目支出"
FLOW_OPENING, FLOW_INCOME, FLOW_CLOSING = "年初结转和结余", "本年收入", "年末结转和结余"
T07_TOTAL = "合计"
T07_VEHICLES = "公务用车购置及运行维护费"
T06_CATEGORY_TOTALS = ("人员经费合计", "公用经费合计")


def is_flow_layout(table: Table) -> bool:
    """T08, and T09 when printed like T08 (年初/本年收入/本年支出/年末 columns)."""
    columns = table.columns
    return table.table_id == "T08" or FLOW_SPENT in columns or FLOW_OPENING in columns


# ---------------------------------------------------------------------------
# Subject tables (T02, T03, T05, T08, T09)


def parent_of(row: Row, printed: set[str]) -> str | None:
    """The nearest printed ancestor code of a coded row (None: directly under 合计)."""
    code = row.code or ""
    for length in (5, 3):
        if len(code) > length and code[:length] in printed:
            return code[:length]
    return None


def children_by_parent(table: Table) -> dict[str | None, list[Row]]:
    """Coded rows grouped under their nearest printed ancestor (None: the 合计 row)."""
    coded = table.coded_rows()
    printed = {row.code for row in coded if row.code is not None}
    grouped: dict[str | None, list[Row]] = {}
    for row in coded:
        grouped.setdefault(parent_of(row, printed), []).append(row)
    return grouped


def _row_total_identities(
    c: Collector,
    check: str,
    table: Table,
    total: str,
    parts: Sequence[str],
    parts_label: str,
    measure: str | None = None,
    locate: Callable[[Row], str] = lambda row: row.location,
) -> None:
    """total column = Σ part columns, on every coded row and the total rows."""
    table_id = table.table_id
    for row in table.rows:
        if row.code is None and not row.is_total:
            continue
        location = locate(row)
        c.identity(
            check,
            table_id,
            location,
            [table.term(row, total)],
            [table.term(row, part) for part in parts],
            where=table_place(table_id, location, measure),
            observed_label=total.replace("本年支出小计", "本年支出"),
            expected_label=parts_label,
            measure=measure,
        )


def _row_totals(c: Collector, table: Table) -> None:
    table_id = table.table_id
    check = f"{table_id.lower()}_row_total"
    flow = is_flow_layout(table)
    parts: tuple[str, ...]
    if flow:
        total, parts = FLOW_SPENT, (FLOW_BASIC, FLOW_PROJECT)
        parts_label = "基本支出 + 项目支出"
    else:
        total, parts = ROW_TOTALS[table_id]
        parts_label = "各项之和" if len(parts) > 2 else "基本支出 + 项目支出"
    _row_total_identities(c, check, table, total, parts, parts_label)
    if flow:
        rows = [row for row in table.rows if row.code is not None or row.is_total]
        for row in rows:
            c.identity(
                f"{table_id.lower()}_carry_over",
                table_id,
                row.location,
                [table.term(row, FLOW_CLOSING)],
                [
                    table.term(row, FLOW_OPENING),
                    table.term(row, FLOW_INCOME),
                    table.term(row, FLOW_SPENT).negated(),
                ],
                where=table_place(table_id, row.location),
                observed_label="年末结转和结余",
                expected_label="年初结转和结余 + 本年收入 − 本年支出",
            )


def prints_amounts(row: Row) -> bool:
    """Whether any amount was read on the row."""
    return any(cell.amount is not None for cell in row.cells.values())


def _hierarchy(c: Collector, table: Table, check: str = "subject_hierarchy") -> None:
    """合计 = Σ 类, 类 = Σ 款, 款 = Σ 项, in every column, where children are printed."""
    grouped = children_by_parent(table)
    total_row = table.total_row()
    # (location, the parent's printings, its children's)
    parents: list[tuple[str, tuple[Row, ...], list[Row]]] = []
    if total_row is not None and grouped.get(None):
        parents.append((total_row.location, (total_row,), grouped[None]))
    for code in dict.fromkeys(row.code for row in table.coded_rows() if row.code is not None):
        if grouped.get(code):
            parents.append((code, table.printings(code), grouped[code]))
    # Children printing no amount in any column were not read (a continuation page whose
    # columns were not found): their parent against 0.00 would be our misreading.
    parents = [parent for parent in parents if any(prints_amounts(row) for row in parent[2])]
    for column in table.columns:
        for location, printings, children in parents:
            c.identity(
                check,
                table.table_id,
                location,
                [table.term(parent, column) for parent in printings],
                [table.term(child, column) for child in children],
                where=table_place(table.table_id, location),
                observed_label=column,
                expected_label="各类之和" if total_row in printings else "下级科目之和",
                measure=column,
            )


# ---------------------------------------------------------------------------
# T06 basic expenditure by economic class


def econ_location(row: Row) -> str:
    """Where a finding on an econ row is reported: its code, else its label (合计,
    人员经费合计, 公用经费合计)."""
    return row.code or row.label or f"第{row.row_number}行"


def t06_total_row(table: Table, category: str) -> Row | None:
    return table.labelled(category, "合计")


def t06_top_rows(table: Table, category: str) -> list[Row]:
    """The classes of a cost category (a 款 whose class is not printed stands for it)."""
    coded = [(row.code, row) for row in table.coded_rows() if row.code is not None]
    classes = {code for code, _ in coded if len(code) == 3}
    return [
        row
        for code, row in coded
        if cost_category(code) == category and (len(code) == 3 or code[:3] not in classes)
    ]


def t06_category_terms(table: Table, category: str, column: str = "决算数") -> list[Term]:
    """A cost category's amount: its total row, else its classes when no total is printed."""
    total_row = t06_total_row(table, category)
    if total_row is not None:
        return [table.term(total_row, column)]
    return [table.term(row, column) for row in t06_top_rows(table, category)]


def _t06(c: Collector, table: Table, prefix: str = "t06") -> None:
    """类 = Σ 款 and 人员经费合计 / 公用经费合计 = Σ their classes, in every column (the
    checks `<prefix>_hierarchy`, `<prefix>_category_totals`: t06 for T06, b06 for B06)."""
    table_id = table.table_id
    coded = [(row.code, row) for row in table.coded_rows() if row.code is not None]
    classes = []  # (class code, its printings, its printed 款), for the classes printing any
    for code in dict.fromkeys(code for code, _ in coded if len(code) == 3):
        items = [row for item, row in coded if len(item) == 5 and item[:3] == code]
        if items:
            classes.append((code, table.printings(code), items))
    categories = []  # (category, location, total row, its classes)
    for category, location in zip(("人员经费", "公用经费"), T06_CATEGORY_TOTALS, strict=True):
        total_row = t06_total_row(table, category)
        # a layout without the category split has nothing to compare
        if total_row is not None:
            categories.append((category, location, total_row, t06_top_rows(table, category)))
    for column in table.columns:
        for code, printings, items in classes:
            c.identity(
                f"{prefix}_hierarchy",
                table_id,
                code,
                [table.term(econ_class, column) for econ_class in printings],
                [table.term(row, column) for row in items],
                where=table_place(table_id, code),
                observed_label=printings[0].label or code,
                expected_label="各款之和",
                measure=column,
            )
        for category, location, total_row, top_rows in categories:
            c.identity(
                f"{prefix}_category_totals",
                table_id,
                location,
                [table.term(total_row, column)],
                [table.term(row, column) for row in top_rows],
                where=table_place(table_id, location),
                observed_label=location,
                expected_label=f"{category}各类之和",
                measure=column,
            )


# ---------------------------------------------------------------------------
# T07 "三公" costs


_T07_MATCHERS = {
    T07_TOTAL: lambda label: label == "合计" or label.endswith("合计"),
    "因公出国（境）费": lambda label: "出国" in label,
    T07_VEHICLES: lambda label: "购置及运行" in label or label in ("公务用车费", "公务用车"),
    "公务用车购置费": lambda label: "购置费" in label and "运行" not in label,
    "公务用车运行维护费": lambda label: "运行维护费" in label and "购置及" not in label,
    "公务接待费": lambda label: "接待" in label,
}
# (check suffix, total item, its parts, observed label suffix, expected label); the check
# is the table's id + suffix (t07_total, b07_total)
_T07_SUMS = (
    (
        "_total",
        T07_TOTAL,
        ("因公出国（境）费", T07_VEHICLES, "公务接待费"),
        "合计",
        "因公出国（境）费 + 公务用车购置及运行维护费 + 公务接待费",
    ),
    (
        "_vehicle_subtotal",
        T07_VEHICLES,
        ("公务用车购置费", "公务用车运行维护费"),
        "小计",
        "购置费 + 运行维护费",
    ),
)


def t07_item(table: Table, item: str) -> Row | None:
    """A T07 row by item, whatever its parentheses or wording."""
    matches = _T07_MATCHERS[item]
    return next((row for row in table.rows if matches(row.label or "")), None)


def _t07(c: Collector, table: Table) -> None:
    """合计 = 出国 + 用车 + 接待 and 用车 = 购置 + 运行维护, in every column (T07's 预算数
    and 决算数, B07's 预算数 and a printed 上年预算数)."""
    table_id = table.table_id
    sums = []  # the sums whose total row is printed, with their rows found once
    for check_suffix, item, parts, suffix, expected_label in _T07_SUMS:
        total_row = t07_item(table, item)
        part_rows = [t07_item(table, part) for part in parts]
        # a part not printed at all (no row for it) leaves the sum unknown: not checked
        if total_row is not None and None not in part_rows:
            check = f"{table_id.lower()}{check_suffix}"
            sums.append((check, item, total_row, part_rows, suffix, expected_label))
    for column in table.columns:
        for check, item, total_row, part_rows, suffix, expected_label in sums:
            c.identity(
                check,
                table_id,
                item,
                [table.term(total_row, column)],
                [table.term(row, column) for row in part_rows],
                where=table_place(table_id, item),
                observed_label=f"{column}{suffix}",
                expected_label=expected_label,
                measure=column,
            )


# ---------------------------------------------------------------------------
# Two-sided statements (T01, T04)


@dataclass(frozen=True)
class StatementChecks:
    """The checks of a two-sided statement: the final accounts' T01/T04 or a budget's B01/B04."""

    income_total: str
    income_grand_total: str
    expense_total: str
    expense_grand_total: str
    balance: str
    carry_by_fund: str | None  # a carry-over line = Σ its per-fund sub-lines
    fund_columns: str | None  # every expense line: 合计 = Σ fund columns (T04, B04)


_FINAL_STATEMENT = StatementChecks(
    "statement_income_total",
    "statement_income_grand_total",
    "statement_expense_total",
    "statement_expense_grand_total",
    "statement_balance",
    "statement_carry_by_fund",
    None,
)
_BUDGET_STATEMENT = StatementChecks(
    "budget_statement_income_total",
    "budget_statement_income_grand_total",
    "budget_statement_expense_total",
    "budget_statement_expense_grand_total",
    "budget_statement_balance",
    None,  # budgets print 上年结转 by fund in too many shapes to tell sub-lines apart
    None,
)
ROW_TOTAL_COLUMNS = ("合计", "预算数")
STATEMENT_CHECKS = {
    "T01": _FINAL_STATEMENT,
    "T04": replace(_FINAL_STATEMENT, fund_columns="t04_fund_columns"),
    "B01": _BUDGET_STATEMENT,
    "B04": replace(_BUDGET_STATEMENT, fund_columns="b04_fund_columns"),
}


def _statement(c: Collector, table: Table) -> None:
    table_id = table.table_id
    checks = STATEMENT_CHECKS[table_id]
    sides = {side: statement_side(table, side) for side in (INCOME, EXPENSE)}
    for side, structure in sides.items():
        total_check, grand_check = {
            INCOME: (checks.income_total, checks.income_grand_total),
            EXPENSE: (checks.expense_total, checks.expense_grand_total),
        }[side]
        subtotal, grand = structure.subtotal, structure.grand
        for column in structure.columns:
            if subtotal is not None:
                location = structure.location(subtotal)
                c.identity(
                    total_check,
                    table_id,
                    location,
                    [table.term(subtotal, column)],
                    [table.term(line, column) for line in structure.summands],
                    where=table_place(table_id, location, column),
                    observed_label=location,
                    expected_label=f"各{side}项之和",
                    measure=column,
                )
            if grand is not None:
                # without a 本年收入合计, 总计 adds the lines themselves
                this_year = [subtotal] if subtotal is not None else list(structure.summands)
                this_year_label = (
                    structure.location(subtotal) if subtotal is not None else f"各{side}项"
                )
                c.identity(
                    grand_check,
                    table_id,
                    structure.location(grand),
                    [table.term(grand, column)],
                    [table.term(row, column) for row in this_year]
                    + [table.term(carry, column) for carry in structure.carries],
                    where=table_place(table_id, f"{side}总计", column),
                    observed_label=f"{side}总计",
                    expected_label=" + ".join(
                        [this_year_label, *(structure.location(c) for c in structure.carries)]
                    ),
                    measure=column,
                )
            carry_check = checks.carry_by_fund
            for carry in structure.carries if carry_check else ():
                subs = structure.subs.get(carry.row_number)
                if subs and carry_check:
                    location = structure.location(carry)
                    c.identity(
                        carry_check,
                        table_id,
                        location,
                        [table.term(carry, column)],
                        [table.term(sub, column) for sub in subs],
                        where=table_place(table_id, location, column),
                        observed_label=location,
                        expected_label="各资金来源之和",
                        measure=column,
                    )
    income, expense = sides[INCOME], sides[EXPENSE]
    if income.grand is not None and expense.grand is not None:
        c.identity(
            checks.balance,
            table_id,
            income.location(income.grand),
            [table.term(income.grand, income.first_column or "")],
            [table.term(expense.grand, expense.first_column or "")],
            where=table_place(table_id, "总计"),
            observed_label="收入总计",
            expected_label="支出总计",
        )
    # the expense side's total column: 合计 (a budget's may be headed 预算数)
    total_column = next((c for c in ROW_TOTAL_COLUMNS if c in expense.columns), None)
    funds_printed = set(FUND_COLUMNS) & set(expense.columns)
    if checks.fund_columns is not None and total_column is not None and funds_printed:
        for row in (expense.subtotal, *expense.lines, *expense.carries, expense.grand):
            if row is None:
                continue
            location = expense.location(row)
            c.identity(
                checks.fund_columns,
                table_id,
                location,
                [table.term(row, total_column)],
                [table.term(row, fund) for fund in FUND_COLUMNS],
                where=table_place(table_id, location),
                observed_label=total_column,
                expected_label="各资金来源列之和",
            )


# ---------------------------------------------------------------------------
# Budgets (B01…B09): the final accounts' identities, over the budget's columns

BUDGET_SUBJECT_TABLES = ("B02", "B03", "B05", "B08", "B09")
BUDGET_TOTAL = "合计"
CARRY_OVER = "上年结转结余"  # its parts, "上年结转结余<part>", are details inside it
_FUNDS = ("一般公共预算拨款收入", "政府性基金预算拨款收入", "国有资本经营预算拨款收入")
_UNIT_FUNDS = ("事业收入", "事业单位经营收入", "上级补助收入", "附属单位上缴收入", "其他收入")
_INCOME_PARTS = (
    "财政拨款收入小计",
    "财政拨款收入",
    *_FUNDS,
    "财政专户管理资金收入",
    "单位资金",
    *_UNIT_FUNDS,
    "用事业基金弥补收支差额",
    "上年实户资金余额",
    "使用非财政拨款结余",
)
_EXPENSE_PARTS = (
    "基本支出",
    "人员经费",
    "公用经费",
    "项目支出",
    "上缴上级支出",
    "事业单位经营支出",
    "对附属单位补助支出",
)
# What a budget subject table's 合计 adds (the columns it prints among these): this year's
# parts, "本年…小计" over them when printed, and the carry-over.
BUDGET_ROW_PARTS = {
    "B02": _INCOME_PARTS,
    "B03": _EXPENSE_PARTS,
    "B05": _EXPENSE_PARTS,
    "B08": _EXPENSE_PARTS,
    "B09": _EXPENSE_PARTS,
}
# A group column and the parts it adds up. A group whose parts are printed is a subtotal
# (checked on its own, not added again into 合计); one printed without them is a part.
BUDGET_GROUPS = {
    "财政拨款收入小计": _FUNDS,
    "财政拨款收入": _FUNDS,
    "单位资金": _UNIT_FUNDS,
    "基本支出": ("人员经费", "公用经费"),
}
# "本年收入小计" and the like: this year's parts, without the carry-over
THIS_YEAR_SUBTOTALS = ("本年收入小计", "本年支出小计", "本年预算小计")
B06_CATEGORIES = ("人员经费", "公用经费")


def budget_row_parts(table: Table) -> tuple[list[str], dict[str, list[str]]]:
    """The printed columns a budget table's 合计 adds, and each printed subtotal column
    with the printed columns it adds.

    Budgets print their columns in groups (财政拨款 小计 | 一般公共预算 | 政府性基金 …,
    单位资金 | 事业收入 …, 基本支出 split as 人员经费 | 公用经费, 本年收入小计 | 上年结转结余):
    合计 adds the finest columns printed, each group with printed parts is checked as a
    subtotal of them. A column the canonical names do not list is no part (it is read
    but not added). A table printing only 合计 has no row total, nor one whose
    this-year parts are not read (Xi'an's 支出总表, printed by funding source: only 合计
    and 上年结转 are read, so 合计 = 上年结转 alone would be our misreading)."""
    columns = set(table.columns)
    printed = [part for part in BUDGET_ROW_PARTS[table.table_id] if part in columns]
    if not printed:
        return [], {}
    subtotals: dict[str, list[str]] = {}
    for group, group_parts in BUDGET_GROUPS.items():
        found = [part for part in group_parts if part in columns]
        if group in columns and found:
            subtotals[group] = found
    grouped = set(subtotals)
    parts = [part for part in printed if part not in grouped]
    this_year = list(parts)
    for subtotal in THIS_YEAR_SUBTOTALS:
        if subtotal in columns and this_year:
            subtotals[subtotal] = this_year
    if CARRY_OVER in columns:
        parts.append(CARRY_OVER)
    return parts, subtotals


def _budget_row_totals(c: Collector, table: Table) -> None:
    parts, subtotals = budget_row_parts(table)
    if not parts or BUDGET_TOTAL not in table.columns:
        return
    check = f"{table.table_id.lower()}_row_total"
    label = "基本支出 + 项目支出" if parts == ["基本支出", "项目支出"] else "各列之和"
    _row_total_identities(c, check, table, BUDGET_TOTAL, parts, label)
    for subtotal, its_parts in subtotals.items():
        _row_total_identities(c, check, table, subtotal, its_parts, "各分列之和", subtotal)


def _b06(c: Collector, table: Table) -> None:
    """B06: 类 = Σ 款 and the category totals (as T06), the 合计 row = Σ classes, and,
    where 人员经费 / 公用经费 are printed as columns, 合计 = 人员经费 + 公用经费 per row."""
    _t06(c, table, "b06")
    total_row = next((r for r in table.rows if r.code is None and r.label == "合计"), None)
    top_rows = [row for category in B06_CATEGORIES for row in t06_top_rows(table, category)]
    if total_row is not None and top_rows:
        for column in table.columns:
            c.identity(
                "b06_category_totals",
                "B06",
                "合计",
                [table.term(total_row, column)],
                [table.term(row, column) for row in top_rows],
                where=table_place("B06", "合计"),
                observed_label="合计",
                expected_label="各类之和",
                measure=column,
            )
    if BUDGET_TOTAL in table.columns and set(B06_CATEGORIES) & set(table.columns):
        _row_total_identities(
            c,
            "b06_row_total",
            table,
            BUDGET_TOTAL,
            B06_CATEGORIES,
            "人员经费 + 公用经费",
            locate=econ_location,
        )


def budget_within_table_rules(c: Collector, document: Document) -> None:
    """Every within-table identity of a budget's present tables (B10/B11 are listings
    with no identity)."""
    for table_id in BUDGET_SUBJECT_TABLES:
        table = document.table(table_id)
        if table.present:
            _budget_row_totals(c, table)
            _hierarchy(c, table, "budget_subject_hierarchy")
    if document.present("B06"):
        _b06(c, document.table("B06"))
    if document.present("B07"):
        _t07(c, document.table("B07"))
    for table_id in ("B01", "B04"):
        if document.present(table_id):
            _statement(c, document.table(table_id))


def within_table_rules(c: Collector, document: Document) -> None:
    """Every within-table identity of every present table of the document."""
    if document.is_budget:
        budget_within_table_rules(c, document)
        return
    for table_id in SUBJECT_TABLES:
        table = document.table(table_id)
        if table.present:
            _row_totals(c, table)
            _hierarchy(c, table)
    if document.present("T06"):
        _t06(c, document.table("T06"))
    if document.present("T07"):
        _t07(c, document.table("T07"))
    for table_id in ("T01", "T04"):
        if document.present(table_id):
            _statement(c, document.table(table_id))
