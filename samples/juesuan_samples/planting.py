"""Planted errors: one wrong thing each, and the checks each must trip.

Errors are planted in a consistent Disclosure, after every figure has been computed, so
exactly one thing is wrong per error and far outside rounding (at least 1.00 万元 and at
least 1% of the figure):

    leaf_amount         one leaf figure (a 项 row's part column in T02/T03/T05/T08/T09, a
                        T06 款, a T07 item) changed, its totals left alone
    wrong_total         one printed total changed (合计 or a 类 row of a subject table,
                        本年收入合计 / 本年支出合计 / 总计 of T01 or T04, a T06 class or
                        category total, the T07 合计 or 公务用车 小计)
    narrative_mismatch  one narrative figure (a ground-truth narrative key) misstated
    unit_slip           one table (T02, T03, T05, T06 or T07) printing its amounts in 元
                        under a 万元 header: the figures read 10000 times too large
    missing_table       one of the nine tables left out, title and body

The checks an error must trip are derived here from the identities of domain.md, rule by
rule, not by running the checker; juesuan_samples.identities confirms them (and the
generator refuses a document where the two disagree). Sites follow the checker's
conventions: (check id, table, location), see juesuan_samples.identities. Two errors of
a document never share a check site, and a table-level error (unit_slip, missing_table)
is the only one of its document to involve its table, so the checks of a document are
exactly the union of its errors' checks.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, replace

from juesuan_samples.identities import T07_SUBTOTAL_LABEL, involved_tables
from juesuan_samples.model import (
    HEADINGS,
    PLACEHOLDER,
    T09_STYLE_EXPENDITURE,
    THREE_PUBLIC_FIELDS,
    THREE_PUBLIC_ITEMS,
    Amount,
    BasicExpenditure,
    Disclosure,
    EconRow,
    Statement,
    StatementLine,
    SubjectRow,
    SubjectTable,
    ThreePublic,
    ThreePublicTable,
)
from juesuan_samples.synthesis import stable_seed
from juesuan_samples.tables import TABLE_IDS

ERROR_KINDS = ("leaf_amount", "wrong_total", "narrative_mismatch", "unit_slip", "missing_table")
# What a reviewer reads besides the figures (planted by request, or with
# generate_corpus(review_errors=…)), each tripping the one check named:
#     narrative_word    a 五(三) item's 大于/小于 contradicting its figures   narrative_budget_words
#     empty_table_note  an empty T07/T08/T09 printed with no 本表无数据 note  empty_table_note
#     placeholder       "XX局" in a part's heading                          placeholder_text
#     wrong_year        the year before the report year in a part's heading report_year
REVIEW_KINDS = ("narrative_word", "empty_table_note", "placeholder", "wrong_year")
REVIEW_CHECKS = {
    "narrative_word": "narrative_budget_words",
    "empty_table_note": "empty_table_note",
    "placeholder": "placeholder_text",
    "wrong_year": "report_year",
}
# Across the two documents of a unit and year (generate_corpus(budget_mismatches=…)): the
# final restates its budget wrongly, consistently within itself, so that only the
# comparison with the budget document trips:
#     three_public_budget_mismatch  a T07 预算数 item ≠ the budget's B07 item (T07's 小计 and
#                                   合计 and the narrative's 三公 figures move with it)
#     narrative_budget_mismatch     a 五(三) item's "年初预算为 X" ≠ the budget's B05 row
MISMATCH_KINDS = ("three_public_budget_mismatch", "narrative_budget_mismatch")
MISMATCH_CHECKS = {
    "three_public_budget_mismatch": "t07_budget_vs_b07",
    "narrative_budget_mismatch": "narrative_budget_vs_table",
}
TABLE_LEVEL_KINDS = frozenset({"unit_slip", "missing_table"})
NOTED_TABLES = ("T07", "T08", "T09")  # tables printed empty with a 本表无数据 note
SUBJECT_TABLES = ("T02", "T03", "T05", "T08", "T09")
UNIT_SLIP_TABLES = ("T02", "T03", "T05", "T06", "T07")
UNIT_SLIP_FACTOR = 10_000
# Checks that are not accounting identities: identities.identity_findings never reports them.
NON_IDENTITY_CHECKS = frozenset(
    {"scale_outlier", "tables_complete", *REVIEW_CHECKS.values(), *MISMATCH_CHECKS.values()}
)

# Narrative figures that can be misstated (ground-truth keys) and their NarrativeFigures field.
NARRATIVE_FIELDS = {
    "本年收入合计": "income_total",
    "本年支出合计": "expenditure_total",
    "基本支出": "basic",
    "项目支出": "project",
    "财政拨款收入支出总计": "fiscal_grand_total",
    "三公经费预算数": "three_public_budget",
    "三公经费决算数": "three_public_final",
}

Site = tuple[str, str | None, str | None]  # (check id, table, location)

_ROW_TOTAL_COLUMN = {"T02": "本年收入合计", "T03": "本年支出合计", "T05": "合计", "T09": "合计"}
_FLOW_SPENDING = ("本年支出小计", "本年支出基本支出", "本年支出项目支出")
_FLOW_CARRY = ("年初结转和结余", "本年收入", "本年支出小计", "年末结转和结余")
_T02_SOURCES = ("上级补助收入", "事业收入", "经营收入", "附属单位上缴收入", "其他收入")
_T07_LEAVES = ("因公出国（境）费", "公务用车购置费", "公务用车运行维护费", "公务接待费")
_T07_TOTALS = ("合计", T07_SUBTOTAL_LABEL)
_SIDE_NAMES = {"收入": "income", "支出": "expense"}


@dataclass(frozen=True)
class ErrorRequest:
    """An error to plant: its kind, and optionally where (else drawn at random).

    table: T01…T09 (None for a narrative figure); location and column as in the ground
    truth: a subject code or '合计', a T01/T04 line label, a T06 code or category total,
    a T07 item label, a narrative key; side ('收入'/'支出') for T01/T04 lines.
    """

    kind: str
    table: str | None = None
    location: str | None = None
    column: str | None = None
    side: str | None = None

    def __post_init__(self) -> None:
        if self.kind not in ERROR_KINDS + REVIEW_KINDS:
            raise ValueError(
                f"error kind must be one of {ERROR_KINDS + REVIEW_KINDS}, got {self.kind!r}"
            )


@dataclass(frozen=True)
class PlantedError:
    """One planted error. printed/correct are figures in cents of the document's amount
    unit (None for a table-level error); checks are the sites it must trip."""

    kind: str
    table: str | None
    location: str | None
    column: str | None
    side: str | None
    printed: int | None
    correct: int | None
    checks: tuple[Site, ...]


# ---------------------------------------------------------------------------
# Addressing one printed figure


@dataclass(frozen=True)
class _Cell:
    table: str | None  # None: a narrative figure
    location: str
    column: str | None
    side: str | None = None


def _subject(d: Disclosure, table_id: str) -> SubjectTable:
    return getattr(d, table_id.lower())


def _subject_row(table: SubjectTable, location: str) -> SubjectRow | None:
    return table.total if location == "合计" else table.find(location)


def _statement(d: Disclosure, table_id: str) -> Statement:
    return d.t01 if table_id == "T01" else d.t04


def _statement_line(statement: Statement, side: str, label: str) -> StatementLine:
    return statement.line(side, label)


def _statement_index(statement: Statement, side: str, column: str | None) -> int:
    columns = statement.income_columns if side == "收入" else statement.expense_columns
    return columns.index(column) if column is not None else 0


def _t07_side(t07: ThreePublicTable, column: str) -> ThreePublic:
    return t07.budget if column == "预算数" else t07.final


def get_value(d: Disclosure, cell: _Cell) -> Amount:
    """The figure a cell prints (cents of d.amount_unit)."""
    if cell.table is None:
        return getattr(d.narrative, NARRATIVE_FIELDS[cell.location])
    if cell.table in SUBJECT_TABLES:
        table = _subject(d, cell.table)
        row = _subject_row(table, cell.location)
        return None if row is None else table.value(row, cell.column)
    if cell.table in ("T01", "T04"):
        statement = _statement(d, cell.table)
        line = _statement_line(statement, cell.side, cell.location)
        return line.values[_statement_index(statement, cell.side, cell.column)]
    if cell.table == "T06":
        if cell.location == "人员经费合计":
            return d.t06.personnel_total
        if cell.location == "公用经费合计":
            return d.t06.public_total
        return next(row.amount for row in d.t06.rows if row.code == cell.location)
    return getattr(_t07_side(d.t07, cell.column), THREE_PUBLIC_FIELDS[cell.location])


def _set_value(d: Disclosure, cell: _Cell, value: int) -> Disclosure:
    if cell.table is None:
        field_name = NARRATIVE_FIELDS[cell.location]
        return replace(d, narrative=replace(d.narrative, **{field_name: value}))
    if cell.table in SUBJECT_TABLES:
        table = _subject(d, cell.table)
        target = _subject_row(table, cell.location)
        index = table.columns.index(cell.column)
        rows = tuple(
            replace(row, values=(*row.values[:index], value, *row.values[index + 1 :]))
            if row is target
            else row
            for row in table.rows
        )
        return replace(d, **{cell.table.lower(): replace(table, rows=rows)})
    if cell.table in ("T01", "T04"):
        statement = _statement(d, cell.table)
        target = _statement_line(statement, cell.side, cell.location)
        index = _statement_index(statement, cell.side, cell.column)
        changed = replace(
            target, values=(*target.values[:index], value, *target.values[index + 1 :])
        )
        side = "income" if cell.side == "收入" else "expense"
        lines = tuple(changed if line is target else line for line in getattr(statement, side))
        return replace(d, **{cell.table.lower(): replace(statement, **{side: lines})})
    if cell.table == "T06":
        t06 = d.t06
        if cell.location == "人员经费合计":
            return replace(d, t06=replace(t06, personnel_total=value))
        if cell.location == "公用经费合计":
            return replace(d, t06=replace(t06, public_total=value))
        rows = tuple(
            replace(row, amount=value) if row.code == cell.location else row for row in t06.rows
        )
        return replace(d, t06=replace(t06, rows=rows))
    side_name = "budget" if cell.column == "预算数" else "final"
    side = replace(_t07_side(d.t07, cell.column), **{THREE_PUBLIC_FIELDS[cell.location]: value})
    return replace(d, t07=replace(d.t07, **{side_name: side}))


# ---------------------------------------------------------------------------
# Where each figure is checked: (site, whether the planted value breaks it)


def _class_line_label(statement: Statement, code: str) -> str | None:
    return next(
        (line.label for line in statement.of_kind("支出", "line") if line.code == code), None
    )


def _statement_line_sites(
    check: str, statement_id: str, statement: Statement, code: str | None
) -> list[tuple[Site, bool]]:
    """A subject table's total column against a statement: the 合计 row against 本年支出合计,
    a 类 row against its class line (when the statement prints one)."""
    if code is None:
        return [((check, statement_id, "本年支出合计"), True)]
    label = _class_line_label(statement, code) if len(code) == 3 else None
    return [] if label is None else [((check, statement_id, label), True)]


def _basic(table: SubjectTable, location: str) -> int:
    row = _subject_row(table, location)
    return 0 if row is None else table.value(row, "基本支出") or 0


def _fund_flow(d: Disclosure, table_id: str) -> bool:
    return table_id == "T08" or (table_id == "T09" and d.t09_style != T09_STYLE_EXPENDITURE)


def _subject_sites(d: Disclosure, cell: _Cell, new: int) -> list[tuple[Site, bool]]:
    table_id, location, column = cell.table, cell.location, cell.column
    table = _subject(d, table_id)
    code = None if location == "合计" else location
    sites: list[tuple[Site, bool]] = []
    # The row's own identity.
    if _fund_flow(d, table_id):
        if column in _FLOW_SPENDING:
            sites.append(((f"{table_id.lower()}_row_total", table_id, location), True))
        if column in _FLOW_CARRY:
            sites.append(((f"{table_id.lower()}_carry_over", table_id, location), True))
    else:
        sites.append(((f"{table_id.lower()}_row_total", table_id, location), True))
    # The hierarchy: as a child of its parent, as the parent of its children.
    codes = [row.code for row in table.rows if row.code is not None]
    if code is not None:
        parent = {3: "合计", 5: code[:3], 7: code[:5]}[len(code)]
        sites.append((("subject_hierarchy", table_id, parent), True))
    child_length = {None: 3, 3: 5, 5: 7}.get(None if code is None else len(code))
    if child_length and any(
        len(other) == child_length and other.startswith(code or "") for other in codes
    ):
        sites.append((("subject_hierarchy", table_id, location), True))
    # Across tables.
    if table_id == "T02" and code is None:  # T01 compares every column of the 合计 row
        sites.append((("t01_t02_income", "T01", column), True))
    if table_id == "T03":
        if column == "本年支出合计":
            sites += _statement_line_sites("t01_t03_expenditure", "T01", d.t01, code)
        if column in ("基本支出", "项目支出") and code is None:
            sites.append((("narrative_matches_tables", None, column), True))
        if column == "基本支出" and _subject_row(d.t05, location) is not None:
            broken = new < _basic(d.t05, location)
            sites.append((("t03_t05_basic_at_least", "T03", location), broken))
    if table_id == "T05":
        if column == "合计":
            sites += _statement_line_sites("t04_t05_general_budget", "T04", d.t04, code)
        if column == "基本支出" and code is None:
            sites.append((("t05_t06_basic", "T05", "合计"), True))
        if column == "基本支出":
            broken = _basic(d.t03, location) < new
            sites.append((("t03_t05_basic_at_least", "T03", location), broken))
    capital_column = "合计" if d.t09_style == T09_STYLE_EXPENDITURE else "本年支出小计"
    fund_columns = {"T08": ("本年支出小计", "t04_t08_government_fund")}
    fund_columns["T09"] = (capital_column, "t04_t09_state_capital")
    if table_id in fund_columns and column == fund_columns[table_id][0]:
        sites += _statement_line_sites(fund_columns[table_id][1], "T04", d.t04, code)
    if table_id == "T08" and column == "本年收入" and code is None:
        fund_income = d.t04.of_kind("收入", "line")[1].label
        sites.append((("t04_t08_government_fund", "T04", fund_income), True))
    return sites


def _statement_sites(d: Disclosure, cell: _Cell) -> list[tuple[Site, bool]]:
    table_id, side, label = cell.table, cell.side, cell.location
    statement = _statement(d, table_id)
    kind = _statement_line(statement, side, label).kind
    index = _statement_index(statement, side, cell.column)
    side_name = _SIDE_NAMES[side]
    sites: list[Site] = []
    if kind == "subtotal":
        sites += [
            (f"statement_{side_name}_total", table_id, label),
            (f"statement_{side_name}_grand_total", table_id, "总计"),
        ]
        if table_id == "T01":
            compared = "t01_t02_income" if side == "收入" else "t01_t03_expenditure"
            sites += [(compared, "T01", label), ("narrative_matches_tables", None, label)]
    elif kind == "grand_total":
        sites.append((f"statement_{side_name}_grand_total", table_id, label))
        if index == 0:
            sites.append(("statement_balance", table_id, label))
        if table_id == "T04" and side == "收入":
            sites.append(("narrative_matches_tables", None, "财政拨款收入支出总计"))
    else:
        raise ValueError(f"{table_id} {label}: only totals are planted in statements")
    if table_id == "T04" and side == "支出":
        sites.append(("t04_fund_columns", "T04", label))
        cross = {
            1: "t04_t05_general_budget",
            2: "t04_t08_government_fund",
            3: "t04_t09_state_capital",
        }
        if kind == "subtotal" and index in cross:
            sites.append((cross[index], "T04", label))
    return [(site, True) for site in sites]


def _t06_sites(d: Disclosure, cell: _Cell) -> list[tuple[Site, bool]]:
    location = cell.location
    if location in ("人员经费合计", "公用经费合计"):
        sites = [("t06_category_totals", "T06", location), ("t05_t06_basic", "T05", "合计")]
    elif len(location) == 5:
        sites = [("t06_hierarchy", "T06", location[:3])]
    else:
        category = next(row.category for row in d.t06.rows if row.code == location)
        sites = [("t06_category_totals", "T06", f"{category}合计")]
        if any(len(row.code) == 5 and row.code[:3] == location for row in d.t06.rows):
            sites.append(("t06_hierarchy", "T06", location))
    return [(site, True) for site in sites]


def _t07_sites(cell: _Cell) -> list[tuple[Site, bool]]:
    location = cell.location
    sites: list[Site] = []
    if location in ("合计", "因公出国（境）费", T07_SUBTOTAL_LABEL, "公务接待费"):
        sites.append(("t07_total", "T07", "合计"))
    if location in (T07_SUBTOTAL_LABEL, "公务用车购置费", "公务用车运行维护费"):
        sites.append(("t07_vehicle_subtotal", "T07", T07_SUBTOTAL_LABEL))
    if location == "合计":
        sites.append(("narrative_matches_tables", None, f"三公经费{cell.column}"))
    return [(site, True) for site in sites]


def cell_sites(d: Disclosure, cell: _Cell, new: int) -> list[tuple[Site, bool]]:
    """Every check site the cell's figure takes part in, and whether `new` breaks it."""
    if cell.table is None:
        return [(("narrative_matches_tables", None, cell.location), True)]
    if cell.table in SUBJECT_TABLES:
        return _subject_sites(d, cell, new)
    if cell.table in ("T01", "T04"):
        return _statement_sites(d, cell)
    if cell.table == "T06":
        return _t06_sites(d, cell)
    return _t07_sites(cell)


def _nonzero(value: Amount) -> bool:
    return bool(value)


def unit_slip_sites(d: Disclosure, table_id: str) -> list[tuple[Site, bool]]:
    """The cross-table sites a table's figures take part in, and which a ×10000 slip breaks.

    A slip keeps every identity within the table (all of it is scaled); a comparison with
    another table breaks wherever the slipped figure is not zero.
    """
    sites: list[tuple[Site, bool]] = [(("scale_outlier", table_id, None), True)]
    if table_id == "T02":
        total = d.t02.total
        for column in ("本年收入合计", "财政拨款收入", *_T02_SOURCES):
            broken = _nonzero(d.t02.value(total, column))
            sites.append((("t01_t02_income", "T01", column), broken))
    elif table_id == "T03":
        t03 = d.t03
        sites.append(
            (
                ("t01_t03_expenditure", "T01", "本年支出合计"),
                _nonzero(t03.value(t03.total, "本年支出合计")),
            )
        )
        for line in d.t01.of_kind("支出", "line"):
            row = t03.find(line.code)
            broken = row is not None and _nonzero(t03.value(row, "本年支出合计"))
            sites.append((("t01_t03_expenditure", "T01", line.label), broken))
        for figure in ("基本支出", "项目支出"):
            broken = _nonzero(t03.value(t03.total, figure))
            sites.append((("narrative_matches_tables", None, figure), broken))
        for row in d.t05.rows:  # T03 only grows: never below T05
            sites.append((("t03_t05_basic_at_least", "T03", row.code or "合计"), False))
    elif table_id == "T05":
        t05 = d.t05
        for line in d.t04.of_kind("支出", "line"):
            row = t05.find(line.code)
            broken = row is not None and _nonzero(t05.value(row, "合计"))
            sites.append((("t04_t05_general_budget", "T04", line.label), broken))
        sites.append(
            (
                ("t04_t05_general_budget", "T04", "本年支出合计"),
                _nonzero(t05.value(t05.total, "合计")),
            )
        )
        sites.append((("t05_t06_basic", "T05", "合计"), _nonzero(t05.value(t05.total, "基本支出"))))
        for row in t05.rows:
            location = row.code or "合计"
            slipped = (t05.value(row, "基本支出") or 0) * UNIT_SLIP_FACTOR
            broken = _basic(d.t03, location) < slipped
            sites.append((("t03_t05_basic_at_least", "T03", location), broken))
    elif table_id == "T06":
        total = (d.t06.personnel_total or 0) + (d.t06.public_total or 0)
        sites.append((("t05_t06_basic", "T05", "合计"), total != 0))
    elif table_id == "T07":
        for column in ("预算数", "决算数"):
            total = _t07_side(d.t07, column).total
            sites.append((("narrative_matches_tables", None, f"三公经费{column}"), _nonzero(total)))
    else:
        raise ValueError(f"unit slips are planted in {UNIT_SLIP_TABLES}, not {table_id}")
    return sites


def _scaled(value: Amount) -> Amount:
    return None if value is None else value * UNIT_SLIP_FACTOR


def _slip(d: Disclosure, table_id: str) -> Disclosure:
    """The table's figures ×10000, printed under a 万元 header (Disclosure.unit_slips)."""
    slips = d.unit_slips | {table_id}
    if table_id in SUBJECT_TABLES:
        table = _subject(d, table_id)
        rows = tuple(
            replace(row, values=tuple(_scaled(v) for v in row.values)) for row in table.rows
        )
        return replace(d, **{table_id.lower(): replace(table, rows=rows)}, unit_slips=slips)
    if table_id == "T06":
        t06 = d.t06
        scaled = BasicExpenditure(
            tuple(EconRow(r.code, r.name, r.category, _scaled(r.amount)) for r in t06.rows),
            _scaled(t06.personnel_total),
            _scaled(t06.public_total),
        )
        return replace(d, t06=scaled, unit_slips=slips)
    sides = {
        name: ThreePublic(
            *(_scaled(getattr(getattr(d.t07, name), field)) for _, field in THREE_PUBLIC_ITEMS)
        )
        for name in ("budget", "final")
    }
    return replace(d, t07=ThreePublicTable(**sides), unit_slips=slips)


# ---------------------------------------------------------------------------
# Candidates


def _subject_candidates(d: Disclosure, table_id: str, leaf: bool) -> list[_Cell]:
    table = _subject(d, table_id)
    if table.empty:
        return []
    if leaf:
        if _fund_flow(d, table_id):
            columns = _FLOW_SPENDING[1:]
        else:
            columns = tuple(c for c in table.columns if c != _ROW_TOTAL_COLUMN[table_id])
        rows = [row for row in table.rows if row.code is not None and len(row.code) == 7]
    else:
        columns = table.columns
        rows = [row for row in table.rows if row.code is None or len(row.code) == 3]
    return [
        _Cell(table_id, row.code or "合计", column)
        for row in rows
        for column in columns
        if table.value(row, column)
    ]


def _candidates(d: Disclosure, kind: str) -> dict[str, list[_Cell]]:
    """Cells a figure error can be planted in, by table (None: the narrative)."""
    by_table: dict[str, list[_Cell]] = {}
    if kind == "leaf_amount":
        for table_id in SUBJECT_TABLES:
            by_table[table_id] = _subject_candidates(d, table_id, leaf=True)
        by_table["T06"] = [
            _Cell("T06", row.code, "决算数")
            for row in d.t06.rows
            if len(row.code) == 5 and row.amount
        ]
        by_table["T07"] = [
            _Cell("T07", label, column)
            for label in _T07_LEAVES
            for column in ("预算数", "决算数")
            if get_value(d, _Cell("T07", label, column))
        ]
    elif kind == "wrong_total":
        for table_id in SUBJECT_TABLES:
            by_table[table_id] = _subject_candidates(d, table_id, leaf=False)
        for table_id, statement in (("T01", d.t01), ("T04", d.t04)):
            cells = []
            for side in ("收入", "支出"):
                columns = statement.income_columns if side == "收入" else statement.expense_columns
                for kind_name in ("subtotal", "grand_total"):
                    (line,) = statement.of_kind(side, kind_name)
                    cells += [
                        _Cell(table_id, line.label, column, side)
                        for column, value in zip(columns, line.values, strict=True)
                        if value
                    ]
            by_table[table_id] = cells
        t06 = d.t06
        by_table["T06"] = [
            _Cell("T06", row.code, "决算数")
            for row in t06.rows
            if len(row.code) == 3 and row.amount
        ] + [
            _Cell("T06", label, "决算数")
            for label, value in (
                ("人员经费合计", t06.personnel_total),
                ("公用经费合计", t06.public_total),
            )
            if value
        ]
        by_table["T07"] = [
            _Cell("T07", label, column)
            for label in _T07_TOTALS
            for column in ("预算数", "决算数")
            if get_value(d, _Cell("T07", label, column))
        ]
    elif kind == "narrative_mismatch":
        by_table["narrative"] = [
            _Cell(None, key, None)
            for key in NARRATIVE_FIELDS
            if get_value(d, _Cell(None, key, None))
        ]
    return {table: cells for table, cells in by_table.items() if cells}


def _matches(cell: _Cell, request: ErrorRequest) -> bool:
    return all(
        wanted is None or wanted == actual
        for wanted, actual in (
            (request.table, cell.table),
            (request.location, cell.location),
            (request.column, cell.column),
            (request.side, cell.side),
        )
    )


def wrong_value(value: int, one_wan: int, rng: random.Random) -> int:
    """A figure far outside rounding: off by at least 1.00 万元 and at least 1% of it."""
    least = max(one_wan, -(-value // 100))
    delta = least + rng.randint(0, max(least, value // 4))
    if value - delta >= least and rng.random() < 0.5:
        return value - delta
    return value + delta


# ---------------------------------------------------------------------------
# Planting


@dataclass
class _Planted:
    error: PlantedError
    sites: frozenset[Site]  # every site the error takes part in, broken or not
    tables: frozenset[str]  # tables those sites (and the error itself) involve


def _involved(sites: frozenset[Site], table: str | None) -> frozenset[str]:
    tables = {table or "narrative"}
    for site in sites:
        tables |= involved_tables(*site)
    return frozenset(tables)


def _compatible(new: _Planted, kind: str, table: str | None, planted: list[_Planted]) -> bool:
    for other in planted:
        if new.sites & other.sites:
            return False
        if kind in TABLE_LEVEL_KINDS and (
            other.error.kind in TABLE_LEVEL_KINDS or table in other.tables
        ):
            return False
        if other.error.kind in TABLE_LEVEL_KINDS and other.error.table in new.tables:
            return False
    return True


def _plant_table_level(d: Disclosure, request: ErrorRequest, table_id: str) -> _Planted:
    if request.kind == "missing_table":
        sites = [(("tables_complete", table_id, None), True)]
    else:
        sites = unit_slip_sites(d, table_id)
    all_sites = frozenset(site for site, _ in sites)
    broken = tuple(site for site, is_broken in sites if is_broken)
    error = PlantedError(request.kind, table_id, None, None, None, None, None, broken)
    return _Planted(error, all_sites, _involved(all_sites, table_id))


def _review_candidates(d: Disclosure, kind: str) -> list[str]:
    """Where a review problem can be planted: item codes, table ids or HEADINGS."""
    if kind == "narrative_word":
        return [
            item.code
            for item in d.narrative.subject_budgets
            if item.budget and item.final != item.budget and item.code not in d.flipped_words
        ]
    if kind == "empty_table_note":
        return [
            table_id
            for table_id in NOTED_TABLES
            if getattr(d, table_id.lower()).empty
            and table_id not in d.missing_tables | d.unnoted_tables
        ]
    taken = d.placeholder_headings | d.wrong_year_headings
    return [heading for heading in HEADINGS if heading not in taken]


def _plant_review(
    d: Disclosure, request: ErrorRequest, rng: random.Random
) -> tuple[Disclosure, _Planted]:
    """A problem of words, not figures: no identity breaks, one check reports it."""
    candidates = [
        place
        for place in _review_candidates(d, request.kind)
        if request.location in (None, place) and request.table in (None, place)
    ]
    if not candidates:
        raise ValueError(f"nowhere left to plant {request}")
    place = rng.choice(candidates)
    check = REVIEW_CHECKS[request.kind]
    table = place if request.kind == "empty_table_note" else None
    if request.kind == "narrative_word":
        d = replace(d, flipped_words=d.flipped_words | {place})
        site: Site = (check, None, place)
    elif request.kind == "empty_table_note":
        d = replace(d, unnoted_tables=d.unnoted_tables | {place})
        site = (check, place, place)
    elif request.kind == "placeholder":
        d = replace(d, placeholder_headings=d.placeholder_headings | {place})
        site = (check, None, PLACEHOLDER)  # the placeholder as the check quotes it
    else:
        d = replace(d, wrong_year_headings=d.wrong_year_headings | {place})
        site = (check, None, f"{d.fiscal_year - 1}年度")  # the phrase as the check quotes it
    error = PlantedError(request.kind, table, place, None, None, None, None, (site,))
    return d, _Planted(error, frozenset({site}), frozenset({table or "narrative"}))


def _plant_one(
    d: Disclosure, request: ErrorRequest, planted: list[_Planted], rng: random.Random
) -> tuple[Disclosure, _Planted]:
    if request.kind in REVIEW_KINDS:
        return _plant_review(d, request, rng)
    one_wan = 100 if d.amount_unit == "万元" else 1_000_000
    if request.kind in TABLE_LEVEL_KINDS:
        if request.kind == "missing_table":
            tables = [t for t in TABLE_IDS if request.table in (None, t)]
        else:
            tables = [
                t for t in UNIT_SLIP_TABLES if request.table in (None, t) and _slip_candidate(d, t)
            ]
        rng.shuffle(tables)
        for table_id in tables:
            attempt = _plant_table_level(d, request, table_id)
            if _compatible(attempt, request.kind, table_id, planted):
                if request.kind == "missing_table":
                    return replace(d, missing_tables=d.missing_tables | {table_id}), attempt
                return _slip(d, table_id), attempt
        raise ValueError(f"no table left to plant {request}")
    by_table = {
        table: [cell for cell in cells if _matches(cell, request)]
        for table, cells in _candidates(d, request.kind).items()
    }
    tables = sorted(table for table, cells in by_table.items() if cells)
    rng.shuffle(tables)
    for table in tables:  # a table first, then a cell of it, so that every table gets its turn
        cells = list(by_table[table])
        rng.shuffle(cells)
        for cell in cells:
            correct = get_value(d, cell)
            printed = wrong_value(correct, one_wan, rng)
            sites = cell_sites(d, cell, printed)
            all_sites = frozenset(site for site, _ in sites)
            error = PlantedError(
                request.kind,
                cell.table,
                cell.location,
                cell.column,
                cell.side,
                printed,
                correct,
                tuple(dict.fromkeys(site for site, broken in sites if broken)),
            )
            attempt = _Planted(error, all_sites, _involved(all_sites, cell.table))
            if _compatible(attempt, request.kind, cell.table, planted):
                return _set_value(d, cell, printed), attempt
    raise ValueError(f"no figure left to plant {request}")


def _slip_candidate(d: Disclosure, table_id: str) -> bool:
    if table_id in SUBJECT_TABLES:
        return not _subject(d, table_id).empty
    if table_id == "T06":
        return bool((d.t06.personnel_total or 0) + (d.t06.public_total or 0))
    return not d.t07.empty


def plant_errors(
    d: Disclosure, requests: Sequence[ErrorRequest | str], rng: random.Random
) -> tuple[Disclosure, tuple[PlantedError, ...]]:
    """The disclosure as printed with the requested errors, and what each must trip.

    Sites are drawn with rng among those the request allows; every error of a document
    keeps to check sites of its own (see the module docstring). A table-level error is
    planted (and listed) first.
    """
    planted: list[_Planted] = []
    requests = [ErrorRequest(r) if isinstance(r, str) else r for r in requests]
    # A table-level error first, so that figure errors find their sites around it.
    for request in sorted(requests, key=lambda request: request.kind not in TABLE_LEVEL_KINDS):
        d, attempt = _plant_one(d, request, planted, rng)
        planted.append(attempt)
    return d, tuple(item.error for item in planted)


def expected_sites(errors: Sequence[PlantedError]) -> set[Site]:
    """The identity sites a document with these errors must report, all of them."""
    return {site for error in errors for site in error.checks if site[0] not in NON_IDENTITY_CHECKS}


def assign_errors(count: int, documents: int, seed: int) -> dict[int, tuple[str, ...]]:
    """Which of `count` documents get planted errors, and of which kinds.

    `documents` of them (at most `count`), drawn from `seed`, get one to three errors
    each. Kinds are dealt in turn from shuffled rounds of all five, so that every kind is
    planted once five errors are dealt; a document gets at most one table-level error.
    """
    if documents < 0:
        raise ValueError(f"planted_errors must not be negative, got {documents}")
    rng = random.Random(stable_seed("planted errors", seed))
    chosen = sorted(rng.sample(range(count), min(documents, count)))
    deck: list[str] = []
    assigned: dict[int, tuple[str, ...]] = {}
    for index in chosen:
        wanted = rng.choice((1, 1, 2, 3))
        kinds: list[str] = []
        while len(kinds) < wanted:
            if not deck:
                deck = rng.sample(ERROR_KINDS, len(ERROR_KINDS))
            has_table_level = any(kind in TABLE_LEVEL_KINDS for kind in kinds)
            pick = next((k for k in deck if not (has_table_level and k in TABLE_LEVEL_KINDS)), None)
            if pick is None:
                deck += rng.sample(ERROR_KINDS, len(ERROR_KINDS))
                continue
            deck.remove(pick)
            kinds.append(pick)
        assigned[index] = tuple(kinds)
    return assigned


def assign_review_errors(
    count: int, documents: int, seed: int, taken: Sequence[int] = ()
) -> dict[int, tuple[str, ...]]:
    """Which of `count` documents (not those `taken` by figure errors) get planted review
    problems (REVIEW_KINDS), one or two each, dealt in shuffled rounds of all four kinds so
    that every kind is planted once four are dealt."""
    if documents < 0:
        raise ValueError(f"review_errors must not be negative, got {documents}")
    rng = random.Random(stable_seed("planted review problems", seed))
    free = sorted(set(range(count)) - set(taken))
    chosen = sorted(rng.sample(free, min(documents, len(free))))
    deck: list[str] = []
    assigned: dict[int, tuple[str, ...]] = {}
    for index in chosen:
        kinds: list[str] = []
        for _ in range(rng.choice((1, 2))):
            if not deck:
                deck = rng.sample(REVIEW_KINDS, len(REVIEW_KINDS))
            kinds.append(deck.pop())
        assigned[index] = tuple(kinds)
    return assigned


# ---------------------------------------------------------------------------
# Cross-document mismatches: the final restates its budget wrongly


_T07_VEHICLE_ITEMS = ("公务用车购置费", "公务用车运行维护费")


def _mismatch_three_public(d: Disclosure, rng: random.Random) -> tuple[Disclosure, PlantedError]:
    budget = d.t07.budget
    items = [label for label in _T07_LEAVES if budget.item(label)]
    if not items:
        raise ValueError("no 三公 budget item to misstate")
    label = rng.choice(items)
    correct = budget.item(label) or 0
    one_wan = 100 if d.amount_unit == "万元" else 1_000_000
    printed = wrong_value(correct, one_wan, rng)
    delta = printed - correct
    changed = {THREE_PUBLIC_FIELDS[label]: printed, "total": (budget.total or 0) + delta}
    moved = [label, "合计"]
    if label in _T07_VEHICLE_ITEMS:
        changed["vehicles"] = (budget.vehicles or 0) + delta
        moved.append(T07_SUBTOTAL_LABEL)
    t07 = replace(d.t07, budget=replace(budget, **changed))
    narrative = replace(d.narrative, three_public_budget=d.narrative.three_public_budget + delta)
    check = MISMATCH_CHECKS["three_public_budget_mismatch"]
    error = PlantedError(
        "three_public_budget_mismatch",
        "T07",
        label,
        "预算数",
        None,
        printed,
        correct,
        tuple((check, "T07", item) for item in moved),
    )
    return replace(d, t07=t07, narrative=narrative), error


def _mismatch_narrative(d: Disclosure, rng: random.Random) -> tuple[Disclosure, PlantedError]:
    items = [item for item in d.narrative.subject_budgets if item.budget]
    if not items:
        raise ValueError("no 五(三) item with a budget to misstate")
    item = rng.choice(items)
    one_wan = 100 if d.amount_unit == "万元" else 1_000_000
    printed = wrong_value(item.budget, one_wan, rng)
    budgets = tuple(
        replace(other, budget=printed) if other is item else other
        for other in d.narrative.subject_budgets
    )
    check = MISMATCH_CHECKS["narrative_budget_mismatch"]
    error = PlantedError(
        "narrative_budget_mismatch",
        None,
        item.code,
        "年初预算",
        None,
        printed,
        item.budget,
        ((check, None, item.code),),
    )
    return replace(d, narrative=replace(d.narrative, subject_budgets=budgets)), error


def plant_mismatches(
    d: Disclosure, kinds: Sequence[str], rng: random.Random
) -> tuple[Disclosure, tuple[PlantedError, ...]]:
    """The final restating its budget wrongly (MISMATCH_KINDS), each kind at most once."""
    planted = []
    for kind in dict.fromkeys(kinds):
        if kind == "three_public_budget_mismatch":
            d, error = _mismatch_three_public(d, rng)
        elif kind == "narrative_budget_mismatch":
            d, error = _mismatch_narrative(d, rng)
        else:
            raise ValueError(f"mismatch kind must be one of {MISMATCH_KINDS}, got {kind!r}")
        planted.append(error)
    return d, tuple(planted)


def mismatch_candidates(d: Disclosure) -> tuple[str, ...]:
    """The mismatch kinds a final can carry (a 三公 budget item; a 五(三) item's budget)."""
    kinds = []
    if any(d.t07.budget.item(label) for label in _T07_LEAVES):
        kinds.append("three_public_budget_mismatch")
    if any(item.budget for item in d.narrative.subject_budgets):
        kinds.append("narrative_budget_mismatch")
    return tuple(kinds)


def assign_mismatches(count: int, documents: int, seed: int) -> dict[int, tuple[str, ...]]:
    """Which of `count` finals restate their budget wrongly, and how: `documents` of them,
    kinds dealt in turn (one each, now and then both)."""
    if documents < 0:
        raise ValueError(f"budget_mismatches must not be negative, got {documents}")
    rng = random.Random(stable_seed("budget mismatches", seed))
    chosen = sorted(rng.sample(range(count), min(documents, count)))
    assigned = {}
    for position, index in enumerate(chosen):
        first = MISMATCH_KINDS[position % 2]
        assigned[index] = MISMATCH_KINDS if rng.random() < 0.25 else (first,)
    return assigned


def with_budget_comparison(
    planned: ThreePublic,
    printed: Disclosure,
    restated: Sequence[PlantedError],
    in_document: Sequence[PlantedError],
) -> tuple[PlantedError, ...]:
    """`in_document` errors with the cross-document sites they trip as well, when the
    final has a budget: a planted T07 预算数 (a leaf or total changed, or the whole table
    slipped to 元) differs from the budget's B07 (`planned`), so t07_budget_vs_b07 reports
    it too. Sites the mismatches (`restated`) already hold stay theirs."""
    if "T07" in printed.missing_tables:
        return tuple(in_document)
    check = MISMATCH_CHECKS["three_public_budget_mismatch"]
    taken = {site for error in restated for site in error.checks}
    differing = [
        label
        for label, _ in THREE_PUBLIC_ITEMS
        if (printed.t07.budget.item(label) or 0) != (planned.item(label) or 0)
        and (check, "T07", label) not in taken
    ]
    errors = []
    for error in in_document:
        if error.table == "T07" and (error.kind == "unit_slip" or error.column == "预算数"):
            mine = [
                label for label in differing if error.kind == "unit_slip" or label == error.location
            ]
            error = replace(error, checks=(*error.checks, *((check, "T07", item) for item in mine)))
        errors.append(error)
    return tuple(errors)
