"""Identities within one table (domain.md "Within a table").

Locations follow the planted-error conventions (juesuan_samples.identities): a subject
table's row code or '合计'; a T01/T04 line label ('本年收入合计', '总计', a class line's
name); a T06 econ code or '人员经费合计'/'公用经费合计'; a T07 item label. A check that
compares several columns reports one outcome per column (`measure`).
"""

from __future__ import annotations

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
    rows = [row for row in table.rows if row.code is not None or row.is_total]
    for row in rows:
        c.identity(
            check,
            table_id,
            row.location,
            [table.term(row, total)],
            [table.term(row, part) for part in parts],
            where=table_place(table_id, row.location),
            observed_label=total.replace("本年支出小计", "本年支出"),
            expected_label=parts_label,
        )
    if flow:
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


def _hierarchy(c: Collector, table: Table) -> None:
    """合计 = Σ 类, 类 = Σ 款, 款 = Σ 项, in every column, where children are printed."""
    grouped = children_by_parent(table)
    total_row = table.total_row()
    parents: list[tuple[Row, list[Row]]] = []
    if total_row is not None and grouped.get(None):
        parents.append((total_row, grouped[None]))
    for row in table.coded_rows():
        if grouped.get(row.code):
            parents.append((row, grouped[row.code]))
    for column in table.columns:
        for parent, children in parents:
            c.identity(
                "subject_hierarchy",
                table.table_id,
                parent.location,
                [table.term(parent, column)],
                [table.term(child, column) for child in children],
                where=table_place(table.table_id, parent.location),
                observed_label=column,
                expected_label="各类之和" if parent.code is None else "下级科目之和",
                measure=column,
            )


# ---------------------------------------------------------------------------
# T06 basic expenditure by economic class


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


def t06_category_terms(table: Table, category: str) -> list[Term]:
    """A cost category's 决算数: its total row, else its classes when no total is printed."""
    total_row = t06_total_row(table, category)
    if total_row is not None:
        return [table.term(total_row, "决算数")]
    return [table.term(row, "决算数") for row in t06_top_rows(table, category)]


def _t06(c: Collector, table: Table) -> None:
    coded = [(row.code, row) for row in table.coded_rows() if row.code is not None]
    classes = []  # (class code, class row, its printed 款), for the classes that print any
    for code, econ_class in coded:
        if len(code) == 3:
            items = [row for item, row in coded if len(item) == 5 and item[:3] == code]
            if items:
                classes.append((code, econ_class, items))
    categories = []  # (category, location, total row, its classes)
    for category, location in zip(("人员经费", "公用经费"), T06_CATEGORY_TOTALS, strict=True):
        total_row = t06_total_row(table, category)
        # a layout without the category split has nothing to compare
        if total_row is not None:
            categories.append((category, location, total_row, t06_top_rows(table, category)))
    for column in table.columns:
        for code, econ_class, items in classes:
            c.identity(
                "t06_hierarchy",
                "T06",
                code,
                [table.term(econ_class, column)],
                [table.term(row, column) for row in items],
                where=table_place("T06", code),
                observed_label=econ_class.label or code,
                expected_label="各款之和",
                measure=column,
            )
        for category, location, total_row, top_rows in categories:
            c.identity(
                "t06_category_totals",
                "T06",
                location,
                [table.term(total_row, column)],
                [table.term(row, column) for row in top_rows],
                where=table_place("T06", location),
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
# (check, total item, its parts, observed label suffix, expected label)
_T07_SUMS = (
    (
        "t07_total",
        T07_TOTAL,
        ("因公出国（境）费", T07_VEHICLES, "公务接待费"),
        "合计",
        "因公出国（境）费 + 公务用车购置及运行维护费 + 公务接待费",
    ),
    (
        "t07_vehicle_subtotal",
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
    sums = []  # the sums whose total row is printed, with their rows found once
    for check, item, parts, suffix, expected_label in _T07_SUMS:
        total_row = t07_item(table, item)
        if total_row is not None:
            part_rows = [t07_item(table, part) for part in parts]
            sums.append((check, item, total_row, part_rows, suffix, expected_label))
    for column in table.columns:
        for check, item, total_row, part_rows, suffix, expected_label in sums:
            c.identity(
                check,
                "T07",
                item,
                [table.term(total_row, column)],
                [table.term(row, column) for row in part_rows],
                where=table_place("T07", item),
                observed_label=f"{column}{suffix}",
                expected_label=expected_label,
                measure=column,
            )


# ---------------------------------------------------------------------------
# Two-sided statements (T01, T04)

_SIDE_CHECKS = {
    INCOME: ("statement_income_total", "statement_income_grand_total"),
    EXPENSE: ("statement_expense_total", "statement_expense_grand_total"),
}


def _statement(c: Collector, table: Table) -> None:
    table_id = table.table_id
    sides = {side: statement_side(table, side) for side in (INCOME, EXPENSE)}
    for side, structure in sides.items():
        total_check, grand_check = _SIDE_CHECKS[side]
        subtotal, grand = structure.subtotal, structure.grand
        for column in structure.columns:
            if subtotal is not None:
                location = structure.location(subtotal)
                c.identity(
                    total_check,
                    table_id,
                    location,
                    [table.term(subtotal, column)],
                    [table.term(line, column) for line in structure.lines],
                    where=table_place(table_id, location, column),
                    observed_label=location,
                    expected_label=f"各{side}项之和",
                    measure=column,
                )
            if grand is not None:
                c.identity(
                    grand_check,
                    table_id,
                    structure.location(grand),
                    [table.term(grand, column)],
                    [table.term(subtotal, column)]
                    + [table.term(carry, column) for carry in structure.carries],
                    where=table_place(table_id, f"{side}总计", column),
                    observed_label=f"{side}总计",
                    expected_label=f"{structure.location(subtotal) if subtotal else side} + "
                    + " + ".join(structure.location(carry) for carry in structure.carries),
                    measure=column,
                )
            for carry in structure.carries:
                subs = structure.subs.get(carry.row_number)
                if subs:
                    location = structure.location(carry)
                    c.identity(
                        "statement_carry_by_fund",
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
            "statement_balance",
            table_id,
            income.location(income.grand),
            [table.term(income.grand, income.first_column or "")],
            [table.term(expense.grand, expense.first_column or "")],
            where=table_place(table_id, "总计"),
            observed_label="收入总计",
            expected_label="支出总计",
        )
    if table_id == "T04":
        for row in (expense.subtotal, *expense.lines, *expense.carries, expense.grand):
            if row is None:
                continue
            location = expense.location(row)
            c.identity(
                "t04_fund_columns",
                "T04",
                location,
                [table.term(row, "合计")],
                [table.term(row, fund) for fund in FUND_COLUMNS],
                where=table_place("T04", location),
                observed_label="合计",
                expected_label="各资金来源列之和",
            )


def within_table_rules(c: Collector, document: Document) -> None:
    """Every within-table identity of every present table of the document."""
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
