"""Identities across tables (domain.md "Across tables").

A cross-table check is reported at the first table of its id (t01_t03_expenditure at
T01, t03_t05_basic_at_least at T03), at that table's line label or row code, and names
the other table in `compared_table`. observed is the first table's figure, expected the
second's. A check is skipped when either table is missing.
"""

from __future__ import annotations

from pipelines.quality.document import Document, Row, Table
from pipelines.quality.outcomes import Collector, table_place
from pipelines.quality.rules_within import (
    FLOW_INCOME,
    FLOW_SPENT,
    children_by_parent,
    is_flow_layout,
    t06_category_terms,
)
from pipelines.quality.statements import EXPENSE, INCOME, StatementSide, statement_side
from pipelines.quality.tolerance import Term

# T02 source columns other than appropriations, and the fragment naming each T01 line.
T02_OTHER_SOURCES = {
    "上级补助收入": "上级补助",
    "事业收入": "事业收入",
    "经营收入": "经营收入",
    "附属单位上缴收入": "附属单位",
    "其他收入": "其他收入",
}


def subject_total_terms(table: Table, column: str) -> list[Term]:
    """A subject table's 合计 in a column: its 合计 row, else the sum of its top rows."""
    total_row = table.total_row()
    if total_row is not None:
        return [table.term(total_row, column)]
    return [table.term(row, column) for row in children_by_parent(table).get(None, [])]


def _subject_terms(table: Table, code: str | None, column: str) -> list[Term]:
    if code is None:
        return subject_total_terms(table, column)
    return [table.term(table.find(code), column)]


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
    """T04's fund column, class lines and 本年支出合计, against the fund's own table."""
    expense = statement_side(t04, EXPENSE)
    title = table_place(other.table_id, None)
    for line in (*expense.class_lines(), expense.subtotal):
        if line is None:
            continue
        location = expense.location(line)
        code = line.code if line is not expense.subtotal else None
        c.identity(
            check,
            "T04",
            location,
            [t04.term(line, fund)],
            _subject_terms(other, code, other_column),
            where=table_place("T04", location, fund),
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


def across_table_rules(c: Collector, document: Document) -> None:
    """Every cross-table identity whose tables are all present."""
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
