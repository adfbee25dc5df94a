"""Identities across tables (domain.md "Across tables").

A cross-table check is reported at the first table of its id (t01_t03_expenditure at
T01, t03_t05_basic_at_least at T03), at that table's line label or row code, and names
the other table in `compared_table`. observed is the first table's figure, expected the
second's. A check is skipped when either table is missing.
"""

from __future__ import annotations

from pipelines.domain.tables import BUDGET_AMOUNT
from pipelines.quality.document import Document, Row, Table
from pipelines.quality.outcomes import Collector, table_place
from pipelines.quality.rules_within import (
    BUDGET_ROW_PARTS,
    FLOW_INCOME,
    FLOW_SPENT,
    T07_TOTAL,
    T07_VEHICLES,
    children_by_parent,
    is_flow_layout,
    t06_category_terms,
    t07_item,
)
from pipelines.quality.statements import EXPENSE, INCOME, StatementSide, statement_side
from pipelines.quality.tolerance import Term

# How a department's own level is named among its units' rows (labels are normalised to
# ASCII brackets; both kept for a label read otherwise).
OWN_LEVEL_SUFFIXES = ("(本级)", "（本级）")

# T02 source columns other than appropriations, and the fragment naming each T01 line.
T02_OTHER_SOURCES = {
    "上级补助收入": "上级补助",
    "事业收入": "事业收入",
    "经营收入": "经营收入",
    "附属单位上缴收入": "附属单位",
    "其他收入": "其他收入",
}


def subject_total_terms(table: Table, column: str) -> list[Term]:
    """A subject table's 合计 in a column: its 合计 row, else the sum of its top rows;
    a budget table listing its units' lines with neither (北京 B02: one unlabelled line
    for the department) adds those lines."""
    total_row = table.total_row()
    if total_row is not None:
        return [table.term(total_row, column)]
    top_rows = children_by_parent(table).get(None, [])
    if not top_rows and table.sums_repeated_codes:
        top_rows = list(table.rows)
        heading = department_heading_row(top_rows)
        if heading is not None:  # 深圳: the department, then its units (本级 first)
            top_rows = [heading]
    # nothing printed: one blank (it carries the table's doubt when read empty, Table.unread)
    return [table.term(row, column) for row in top_rows] or [table.term(None, column)]


def department_heading_row(rows: list[Row]) -> Row | None:
    """The row of a department printed above its units' rows: the one whose name comes
    back with (本级) on another row ("深圳市人力资源和社会保障局" over "深圳市人力资源和
    社会保障局(本级)" and its other units). It is their total, not one more unit."""
    labels = {row.label for row in rows if row.label}
    for row in rows:
        label = row.label or ""
        if label and any(f"{label}{own}" in labels for own in OWN_LEVEL_SUFFIXES):
            return row
    return None


def _subject_terms(table: Table, code: str | None, column: str) -> list[Term]:
    if code is None:
        return subject_total_terms(table, column)
    return [table.term(row, column) for row in table.printings(code)] or [table.term(None, column)]


def _first_column(side: StatementSide) -> str:
    return side.first_column or "决算数"


def _t01_t02(c: Collector, t01: Table, t02: Table) -> None:
    income = statement_side(t01, INCOME)
    column = _first_column(income)

    def compare(location: str, t01_rows: list[Row | None], t02_column: str) -> None:
        c.identity(
            "t01_t02_income",
            "T01",
            location,
            [t01.term(row, column) for row in t01_rows],
            subject_total_terms(t02, t02_column),
            where=table_place("T01", location),
            observed_label=location,
            expected_label=f"收入决算表合计 {t02_column}",
            compared_table="T02",
        )

    compare("本年收入合计", [income.subtotal], "本年收入合计")
    compare("财政拨款收入", list(income.appropriation_lines()), "财政拨款收入")
    for t02_column, fragment in T02_OTHER_SOURCES.items():
        compare(t02_column, [income.line_with(fragment)], t02_column)


def _t01_t03(c: Collector, t01: Table, t03: Table) -> None:
    expense = statement_side(t01, EXPENSE)
    column = _first_column(expense)
    c.identity(
        "t01_t03_expenditure",
        "T01",
        "本年支出合计",
        [t01.term(expense.subtotal, column)],
        subject_total_terms(t03, "本年支出合计"),
        where=table_place("T01", "本年支出合计"),
        observed_label="本年支出合计",
        expected_label="支出决算表合计",
        compared_table="T03",
    )
    for line in expense.class_lines():
        location = expense.location(line)
        c.identity(
            "t01_t03_expenditure",
            "T01",
            location,
            [t01.term(line, column)],
            _subject_terms(t03, line.code, "本年支出合计"),
            where=table_place("T01", location),
            observed_label=location,
            expected_label=f"支出决算表 {line.code} 本年支出合计",
            compared_table="T03",
        )


def _t01_t04(c: Collector, t01: Table, t04: Table) -> None:
    t01_income, t04_income = statement_side(t01, INCOME), statement_side(t04, INCOME)
    t01_column, t04_column = _first_column(t01_income), _first_column(t04_income)
    for fund in ("一般公共预算", "政府性基金预算", "国有资本经营预算"):
        t01_line, t04_line = t01_income.fund_line(fund), t04_income.fund_line(fund)
        if t01_line is None:
            continue
        location = t01_income.location(t01_line)
        c.identity(
            "t01_t04_income",
            "T01",
            location,
            [t01.term(t01_line, t01_column)],
            [t04.term(t04_line, t04_column)],
            where=table_place("T01", location),
            observed_label=location,
            expected_label=f"财政拨款收入支出决算总表 {fund}财政拨款",
            compared_table="T04",
        )


def _t04_fund(
    c: Collector, check: str, t04: Table, fund: str, other: Table, other_column: str
) -> None:
    """T04's (B04's) fund column, class lines and 本年支出合计, against the fund's own table."""
    expense = statement_side(t04, EXPENSE)
    title = table_place(other.table_id, None)
    for line in (*expense.class_lines(), expense.subtotal):
        if line is None:
            continue
        location = expense.location(line)
        code = line.code if line is not expense.subtotal else None
        c.identity(
            check,
            t04.table_id,
            location,
            [t04.term(line, fund)],
            _subject_terms(other, code, other_column),
            where=table_place(t04.table_id, location, fund),
            observed_label=fund,
            expected_label=f"{title} {code or '合计'} {other_column}",
            compared_table=other.table_id,
        )


def _t04_t08_income(c: Collector, t04: Table, t08: Table) -> None:
    income = statement_side(t04, INCOME)
    line = income.fund_line("政府性基金预算")
    if line is None:
        return
    location = income.location(line)
    c.identity(
        "t04_t08_government_fund",
        "T04",
        location,
        [t04.term(line, _first_column(income))],
        subject_total_terms(t08, FLOW_INCOME),
        where=table_place("T04", location),
        observed_label=location,
        expected_label="政府性基金预算财政拨款表合计 本年收入",
        compared_table="T08",
    )


def t06_basic_terms(t06: Table) -> list[Term]:
    """T06 人员经费合计 + 公用经费合计 (their classes when a total is not printed)."""
    return [*t06_category_terms(t06, "人员经费"), *t06_category_terms(t06, "公用经费")]


def _t05_t06(c: Collector, t05: Table, t06: Table) -> None:
    c.identity(
        "t05_t06_basic",
        "T05",
        "合计",
        subject_total_terms(t05, "基本支出"),
        t06_basic_terms(t06),
        where=table_place("T05", "合计"),
        observed_label="基本支出",
        expected_label="基本支出决算表 人员经费合计 + 公用经费合计",
        compared_table="T06",
    )


def _t03_t05(c: Collector, t03: Table, t05: Table) -> None:
    rows = [t05.total_row(), *t05.coded_rows()]
    for t05_row in rows:
        if t05_row is None:
            continue
        location = t05_row.location
        t03_terms = _subject_terms(t03, t05_row.code, "基本支出")
        c.identity(
            "t03_t05_basic_at_least",
            "T03",
            location,
            t03_terms,
            [t05.term(t05_row, "基本支出")],
            where=table_place("T03", location),
            observed_label="基本支出",
            expected_label="一般公共预算财政拨款 基本支出",
            compared_table="T05",
        )


# ---------------------------------------------------------------------------
# Budgets: B01 against B02/B03, B04's fund columns against B05/B08/B09, B05 against B06

BUDGET_FUND_TABLES = (
    ("b04_b05_general_budget", "一般公共预算", "B05"),
    ("b04_b08_government_fund", "政府性基金预算", "B08"),
    ("b04_b09_state_capital", "国有资本经营预算", "B09"),
)


# B02's carry-over column: its 合计 counts it, B01's 本年收入合计 does not (it is a line
# below, with 收入总计).
B02_CARRY_OVER = "上年结转结余"


def _b01_total(c: Collector, check: str, b01: Table, side: str, other: Table, what: str) -> None:
    """B01's 本年收入合计 / 本年支出合计 against B02's / B03's 合计 (B02's less its
    上年结转结余 column where printed)."""
    structure = statement_side(b01, side)
    if structure.subtotal is None:
        return
    location = structure.location(structure.subtotal)
    expected = subject_total_terms(other, "合计")
    expected_label = f"{what}合计"
    if side == INCOME and B02_CARRY_OVER in other.columns:
        expected += [term.negated() for term in subject_total_terms(other, B02_CARRY_OVER)]
        expected_label += f" − {B02_CARRY_OVER}"
    # sources B01 prints below its 合计 but B02/B03 count in theirs (上级补助收入 …)
    parts = BUDGET_ROW_PARTS[other.table_id]
    below = structure.sources_below_total(tuple(c for c in other.columns if c in parts))
    column = _first_column(structure)
    c.identity(
        check,
        "B01",
        location,
        [b01.term(row, column) for row in (structure.subtotal, *below)],
        expected,
        where=table_place("B01", location),
        observed_label=" + ".join([location, *(structure.location(row) for row in below)]),
        expected_label=expected_label,
        compared_table=other.table_id,
    )


def b06_total_terms(b06: Table) -> list[Term]:
    """B06's total: its 合计 row, else 人员经费合计 + 公用经费合计, else its classes (the
    合计 column, a B06 printing one amount per row has it alone)."""
    total_row = next((r for r in b06.rows if r.code is None and r.label == "合计"), None)
    if total_row is not None:
        return [b06.term(total_row, "合计")]
    return [
        *t06_category_terms(b06, "人员经费", "合计"),
        *t06_category_terms(b06, "公用经费", "合计"),
    ]


def budget_across_table_rules(c: Collector, document: Document) -> None:
    """Every cross-table identity of a budget whose tables are all present. B04's fund
    columns are compared only where B04 prints them (a B04 printing 合计 alone says
    nothing per fund)."""
    tables = document.tables
    if document.present("B01", "B02"):
        _b01_total(c, "b01_b02_income", tables["B01"], INCOME, tables["B02"], "收入预算总表")
    if document.present("B01", "B03"):
        _b01_total(c, "b01_b03_expenditure", tables["B01"], EXPENSE, tables["B03"], "支出预算总表")
    for check, fund, table_id in BUDGET_FUND_TABLES:
        if document.present("B04", table_id):
            b04 = tables["B04"]
            if fund in statement_side(b04, EXPENSE).columns:
                _t04_fund(c, check, b04, fund, tables[table_id], "合计")
    b06_terms = b06_total_terms(tables["B06"])
    # a B06 printing neither a 合计 nor a code (深圳, 杭州: names only) has no total we read
    b06_read = any(term.printed for term in b06_terms)
    if document.present("B05", "B06") and "基本支出" in tables["B05"].columns and b06_read:
        c.identity(
            "b05_b06_basic",
            "B05",
            "合计",
            subject_total_terms(tables["B05"], "基本支出"),
            b06_terms,
            where=table_place("B05", "合计"),
            observed_label="基本支出",
            expected_label="一般公共预算基本支出预算表 合计",
            compared_table="B06",
        )


def across_table_rules(c: Collector, document: Document) -> None:
    """Every cross-table identity whose tables are all present."""
    if document.is_budget:
        budget_across_table_rules(c, document)
        return
    tables = document.tables
    if document.present("T01", "T02"):
        _t01_t02(c, tables["T01"], tables["T02"])
    if document.present("T01", "T03"):
        _t01_t03(c, tables["T01"], tables["T03"])
    if document.present("T01", "T04"):
        _t01_t04(c, tables["T01"], tables["T04"])
    if document.present("T04", "T05"):
        _t04_fund(c, "t04_t05_general_budget", tables["T04"], "一般公共预算", tables["T05"], "合计")
    if document.present("T04", "T08"):
        t08 = tables["T08"]
        _t04_fund(c, "t04_t08_government_fund", tables["T04"], "政府性基金预算", t08, FLOW_SPENT)
        _t04_t08_income(c, tables["T04"], t08)
    if document.present("T04", "T09"):
        t09 = tables["T09"]
        column = FLOW_SPENT if is_flow_layout(t09) else "合计"
        _t04_fund(c, "t04_t09_state_capital", tables["T04"], "国有资本经营预算", t09, column)
    if document.present("T05", "T06"):
        _t05_t06(c, tables["T05"], tables["T06"])
    if document.present("T03", "T05"):
        _t03_t05(c, tables["T03"], tables["T05"])


# ---------------------------------------------------------------------------
# Across documents: the final accounts against the same unit's and year's budget

# The 三公 items both documents print (机关运行经费, 会议费, 培训费 are no 三公 item).
THREE_PUBLIC_ITEMS = (
    T07_TOTAL,
    "因公出国（境）费",
    T07_VEHICLES,
    "公务用车购置费",
    "公务用车运行维护费",
    "公务接待费",
)


def final_against_budget_rules(c: Collector, final: Document, budget: Document) -> None:
    """The final accounts' T07 预算数 per 三公 item = the budget's B07 预算数, reported at
    T07 with other_document_id = the budget. An item either document does not print, or
    a T07/B07 with no 预算数 column, is not compared."""
    if not (final.present("T07") and budget.present("B07")):
        return
    t07, b07 = final.table("T07"), budget.table("B07")
    if BUDGET_AMOUNT not in t07.columns or BUDGET_AMOUNT not in b07.columns:
        return
    year = f"{budget.fiscal_year}年预算" if budget.fiscal_year is not None else "预算文件"
    for item in THREE_PUBLIC_ITEMS:
        final_row, budget_row = t07_item(t07, item), t07_item(b07, item)
        if final_row is None or budget_row is None:
            continue
        outcome = c.identity(
            "t07_budget_vs_b07",
            "T07",
            item,
            [t07.term(final_row, BUDGET_AMOUNT)],
            [b07.term(budget_row, BUDGET_AMOUNT)],
            where=table_place("T07", item, BUDGET_AMOUNT),
            observed_label="决算表所印预算数",
            expected_label=f"{year}{table_place('B07', item, BUDGET_AMOUNT)}",
            measure=BUDGET_AMOUNT,
            compared_table="B07",
        )
        if outcome is not None:
            outcome.other_document_id = budget.document_id
