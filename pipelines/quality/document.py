"""One loaded document as the checks see it: its nine tables, its narrative figures and
every printed line of its pages.

Read after dbt has built the warehouse: which documents are loaded (and their unit) from
the marts dbt derives them in, what they print from the staging models over the raw
tables (cells with provenance, each table's printed money unit, narrative figures).
Nothing here judges a figure; it only gives the checks an immutable view of what was
printed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from functools import cached_property

from pipelines.domain.amounts import parse_amount, to_wan
from pipelines.domain.tables import BUDGET_TABLES_BY_ID, TABLES_BY_ID
from pipelines.quality.text import Box, FoldedText, PageLine, locate
from pipelines.quality.tolerance import TABLE_DECIMALS, WAN, YUAN, Term, printed_decimals

# The two disclosures (raw.documents.document_kind): final accounts and budgets.
FINAL, BUDGET = "决算", "预算"
# The final accounts' nine tables (T01…T09).
TABLE_IDS = tuple(TABLES_BY_ID)
# A budget's tables: the standard ones (BUDGET_STANDARD_IDS, B01…B09) and the two printed
# only by some templates (B10 项目支出表, B11 政府采购预算表, recorded only where printed).
BUDGET_TABLE_IDS = tuple(BUDGET_TABLES_BY_ID)
TABLE_IDS_BY_KIND = {FINAL: TABLE_IDS, BUDGET: BUDGET_TABLE_IDS}
# Absent: 'missing', and 'not_in_template' (an eight-table template has no T09).
PRESENT_STATUSES = ("extracted", "empty")
# How a message names each table: the canonical title, T07's shortened to its usual name.
TABLE_TITLES = {table_id: spec.canonical_title for table_id, spec in TABLES_BY_ID.items()} | {
    "T07": "“三公”经费支出决算表"
}
# A budget table is named as budgets title it, with 预算 in the name, so that a finding on
# a budget never reads like one on the final accounts (B02 is not 收入决算表).
TABLE_TITLES |= {
    "B01": "收支预算总表",
    "B02": "收入预算总表",
    "B03": "支出预算总表",
    "B04": "财政拨款收支预算总表",
    "B05": "一般公共预算支出预算表",
    "B06": "一般公共预算基本支出预算表",
    "B07": "“三公”经费支出预算表",
    "B08": "政府性基金预算支出预算表",
    "B09": "国有资本经营预算支出预算表",
    "B10": "项目支出预算表",
    "B11": "政府采购预算表",
}
NARRATIVE = "情况说明"


@dataclass(frozen=True)
class Cell:
    amount: Decimal | None  # 万元; None when blank or a dash
    printed_text: str
    uncertain_reason: str | None = None  # why the extractor is unsure of it; None when sure
    box: Box | None = None  # where it is printed on its row's page; None when not known


@dataclass(frozen=True)
class Row:
    """One printed row of a table body (a two-sided statement row holds one side only)."""

    row_number: int
    page: int
    side: str | None
    code: str | None
    label: str | None
    cells: dict[str, Cell]

    @property
    def is_total(self) -> bool:
        """The 合计 row of a subject table (no code, labelled 合计)."""
        return self.code is None and (self.label or "").endswith("合计")

    @property
    def location(self) -> str:
        """Where a finding on this row is reported: its code, else its label."""
        return self.code or ("合计" if self.is_total else (self.label or f"第{self.row_number}行"))


@dataclass(frozen=True)
class Table:
    table_id: str
    status: str  # 'extracted', 'empty', 'missing' or 'not_in_template'
    money_unit: str | None
    first_page: int | None
    rows: tuple[Row, ...] = ()
    last_page: int | None = None
    note: str | None = None  # the printed reason an empty table has no data ("…故本表无数据")
    # Why its blanks are unsure: a table read empty whose lines print amounts (set by
    # pipelines.quality.checks from rules_identity.unread_amounts); None when sure.
    unread: str | None = None

    @property
    def present(self) -> bool:
        return self.status in PRESENT_STATUSES

    @property
    def unit(self) -> str:
        return self.money_unit if self.money_unit in (WAN, YUAN) else WAN

    @property
    def columns(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(column for row in self.rows for column in row.cells))

    @cached_property
    def decimals(self) -> int:
        """The decimals the table prints its money with: the most any of its figures
        shows (元 integers 0, 万元 2, Beijing's 万元 6). A "0" printed in a two-decimal
        table is a zero to the cent, not a figure rounded to the 万元; a table with no
        figure counts as two decimals."""
        printed = [
            printed_decimals(cell.printed_text)
            for row in self.rows
            for cell in row.cells.values()
            if cell.amount is not None
        ]
        return max(printed, default=TABLE_DECIMALS)

    def term(self, row: Row | None, column: str) -> Term:
        """The figure a row prints in a column; an absent row or cell is a blank term.
        Its rounding is half a unit of the table's printed last digit (`decimals`)."""
        if row is None:
            return Term(
                None,
                self.unit,
                self.decimals,
                page=self.first_page,
                table=self.table_id,
                uncertain_reason=self.unread,
            )
        cell = row.cells.get(column)
        blank = cell is None or cell.amount is None
        return Term(
            None if cell is None else cell.amount,
            self.unit,
            self.decimals,
            page=row.page,
            table=self.table_id,
            uncertain_reason=self.unread if blank or cell is None else cell.uncertain_reason,
            box=None if cell is None else cell.box,
        )

    def side(self, side: str) -> tuple[Row, ...]:
        return tuple(row for row in self.rows if row.side == side)

    @property
    def sums_repeated_codes(self) -> bool:
        """Whether a code printed twice is two amounts: a department's budget tables list
        each of its units' subjects one unit after another (北京, 深圳), so a code repeats
        once per unit. In final accounts a repeated code is a plausibility finding."""
        return self.table_id in BUDGET_TABLE_IDS

    def coded_rows(self) -> tuple[Row, ...]:
        """Rows with a code: every printing in a budget table (`sums_repeated_codes`), else
        the first printing of each code only (a repeated code is a plausibility finding,
        not a second summand)."""
        seen: set[str] = set()
        rows = []
        for row in self.rows:
            if row.code is not None and (self.sums_repeated_codes or row.code not in seen):
                seen.add(row.code)
                rows.append(row)
        return tuple(rows)

    def printings(self, code: str) -> tuple[Row, ...]:
        """The rows a code's amount is read from (see coded_rows)."""
        return tuple(row for row in self.coded_rows() if row.code == code)

    def find(self, code: str) -> Row | None:
        return next((row for row in self.rows if row.code == code), None)

    def total_row(self) -> Row | None:
        return next((row for row in self.rows if row.is_total), None)

    def labelled(self, *fragments: str, exclude: Iterable[str] = ()) -> Row | None:
        """The first uncoded row whose label holds every fragment and none of `exclude`."""
        excluded = tuple(exclude)
        for row in self.rows:
            label = row.label or ""
            if all(f in label for f in fragments) and not any(x in label for x in excluded):
                return row
        return None


@dataclass(frozen=True)
class NarrativeFigure:
    figure: str
    amount: Decimal  # 万元
    page: int
    context: str
    unit: str  # as printed: 万元 or 元
    decimals: int  # as printed
    box: Box | None = None  # the lines its context is printed on, on `page`

    def term(self) -> Term:
        return Term(self.amount, self.unit, self.decimals, page=self.page, table=None, box=self.box)


@dataclass(frozen=True)
class Document:
    document_id: str
    unit_id: str | None
    unit_name: str | None
    fiscal_year: int | None
    tables: dict[str, Table]
    narrative: dict[str, NarrativeFigure] = field(default_factory=dict)
    # Every printed line of every page, by page then top to bottom (pipelines.quality.text
    # searches them).
    lines: tuple[PageLine, ...] = ()
    unit_level: str | None = None  # '部门' or '单位', as extraction read it from the cover
    kind: str = FINAL  # '决算' or '预算' (raw.documents.document_kind)

    @property
    def is_budget(self) -> bool:
        return self.kind == BUDGET

    @cached_property
    def text(self) -> FoldedText:
        """The lines folded once, for pipelines.quality.text's searches."""
        return FoldedText.of(self.lines)

    def table(self, table_id: str) -> Table:
        """A table by id; another kind's table (T05 of a budget) reads as missing."""
        table = self.tables.get(table_id)
        return Table(table_id, "missing", None, None) if table is None else table

    def present(self, *table_ids: str) -> bool:
        return all(self.table(t).present for t in table_ids)


# ---------------------------------------------------------------------------
# The narrative figure's printed precision, read back from its context

_AMOUNT = re.compile(r"(\d[\d,]*(?:\.\d+)?)(万元|元)")


def narrative_precision(amount: Decimal, context: str) -> tuple[str, int]:
    """The unit and decimals a narrative figure was printed with.

    The extractor keeps the sentence fragment it read the figure from, ending just after
    it; the figure is the last amount in that fragment whose value (converted to 万元)
    is the stored amount. When none matches, the figure counts as a table-like 万元
    figure with two decimals.
    """
    for match in reversed(list(_AMOUNT.finditer(context))):
        text, unit = match.group(1), match.group(2)
        if to_wan(parse_amount(text), unit) == amount:
            return unit, printed_decimals(text)
    return WAN, TABLE_DECIMALS


# ---------------------------------------------------------------------------
# Reading from the warehouse


# The relations the checks read: dbt's models, never raw.* (dbt owns status and unit_id).
DOCUMENT_RELATIONS = (
    "marts.dim_document",
    "marts.dim_unit",
    "staging.stg_raw__extracted_tables",
    "staging.stg_raw__table_cells",
    "staging.stg_raw__narrative_figures",
    "staging.stg_raw__page_lines",
    "staging.stg_raw__documents",
)


@dataclass(frozen=True)
class DocumentVersion:
    """A loaded document as the engine schedules its checks: who and what it is (the
    pairing with other documents reads these) and which reading of it is loaded."""

    document_id: str
    unit_id: str | None
    unit_name: str | None
    fiscal_year: int | None
    unit_level: str | None
    kind: str | None
    ingested_at: datetime | None
    extractor_version: str | None

    @property
    def is_budget(self) -> bool:
        return self.kind == BUDGET

    @property
    def header(self) -> tuple:
        """The row assemble_documents reads a document's identity from."""
        return (
            self.document_id,
            self.unit_id,
            self.unit_name,
            self.fiscal_year,
            self.unit_level,
            self.kind,
        )


def loaded_versions(con) -> list[DocumentVersion]:
    """Every loaded document (marts.dim_document, status 'loaded'), by year, unit and id.

    The order is the one the checks pair documents in (checks.compared_documents keeps
    the first document of a unit × year × kind)."""
    rows = con.execute(
        """select documents.document_id, documents.unit_id, units.unit_name,
                  documents.fiscal_year, raw_documents.unit_level, raw_documents.document_kind,
                  raw_documents.ingested_at, raw_documents.extractor_version
           from marts.dim_document as documents
           left join marts.dim_unit as units using (unit_id)
           left join staging.stg_raw__documents as raw_documents using (document_id)
           where documents.status = 'loaded'
           order by documents.fiscal_year, units.unit_name, documents.document_id"""
    ).fetchall()
    return [DocumentVersion(*row) for row in rows]


def load_documents(con, versions: Sequence[DocumentVersion] | None = None) -> list[Document]:
    """The documents with their tables, cells, narrative figures and page lines: those of
    `versions` (in their order), or every loaded document when None.

    Each read is restricted to the documents' ids, passed as one list parameter, so that
    a batch reads only its own rows."""
    if versions is None:
        versions = loaded_versions(con)
    selected = "(select unnest(?::varchar[]))"
    ids = [[version.document_id for version in versions]]
    tables = con.execute(
        f"""select document_id, table_id, extraction_status, money_unit, first_page,
                   last_page, note
            from staging.stg_raw__extracted_tables where document_id in {selected}""",
        ids,
    ).fetchall()
    cells = con.execute(
        f"""select document_id, table_id, row_number, page, side, subject_code, line_label,
                   column_name, printed_text, amount, uncertain_reason, x0, y0, x1, y1
            from staging.stg_raw__table_cells where document_id in {selected}
            order by document_id, table_id, row_number, column_name""",
        ids,
    ).fetchall()
    figures = con.execute(
        f"""select document_id, figure, amount, page, context
            from staging.stg_raw__narrative_figures where document_id in {selected}""",
        ids,
    ).fetchall()
    lines = con.execute(
        f"""select document_id, page, line_number, text, x0, y0, x1, y1
            from staging.stg_raw__page_lines where document_id in {selected}
            order by document_id, page, line_number""",
        ids,
    ).fetchall()
    headers = [version.header for version in versions]
    return assemble_documents(headers, tables, cells, figures, lines)


def _box(values: tuple) -> Box | None:
    """A box from four nullable coordinates (a cell read by an older extractor has none)."""
    if len(values) < 4 or any(v is None for v in values):
        return None
    x0, y0, x1, y1 = (float(v) for v in values)
    return (x0, y0, x1, y1)


def _rows(cells: list[tuple]) -> tuple[Row, ...]:
    """Cells (one table, ordered by row) grouped into rows; a two-sided row splits by side."""
    grouped: dict[tuple[int, str | None], list[tuple]] = {}
    for cell in cells:
        grouped.setdefault((cell[2], cell[4]), []).append(cell)
    rows = []
    for (row_number, side), row_cells in grouped.items():
        first = row_cells[0]
        rows.append(
            Row(
                row_number=row_number,
                page=first[3],
                side=side,
                code=first[5],
                label=first[6],
                cells={c[7]: Cell(c[9], c[8] or "", c[10], _box(c[11:15])) for c in row_cells},
            )
        )
    return tuple(sorted(rows, key=lambda row: (row.row_number, row.side or "")))


def assemble_documents(
    documents: list[tuple],
    tables: list[tuple],
    cells: list[tuple],
    figures: list[tuple],
    lines: Sequence[tuple] = (),
) -> list[Document]:
    """Documents from the warehouse's rows (pure; the tuples are the SQL rows above)."""
    lines_by_document: dict[str, list[PageLine]] = {}
    for document_id, page, line_number, text, x0, y0, x1, y1 in lines:
        box = (float(x0), float(y0), float(x1), float(y1))
        lines_by_document.setdefault(document_id, []).append(PageLine(page, line_number, text, box))
    cells_by_table: dict[tuple[str, str], list[tuple]] = {}
    for cell in cells:
        cells_by_table.setdefault((cell[0], cell[1]), []).append(cell)
    table_rows = {(t[0], t[1]): t for t in tables}
    figures_by_document: dict[str, dict[str, NarrativeFigure]] = {}
    folded: dict[str, FoldedText] = {}  # each document's text folded once
    for document_id, figure, amount, page, context in figures:
        unit, decimals = narrative_precision(amount, context)
        if document_id not in folded:
            folded[document_id] = FoldedText.of(lines_by_document.get(document_id, []))
        figures_by_document.setdefault(document_id, {})[figure] = NarrativeFigure(
            figure,
            amount,
            page,
            context,
            unit,
            decimals,
            locate(folded[document_id], context, page),
        )
    result = []
    for document_id, unit_id, unit_name, fiscal_year, unit_level, *more in documents:
        # the kind is the sixth column (a row without it, or a null kind: final accounts)
        kind = more[0] if more and more[0] in TABLE_IDS_BY_KIND else FINAL
        doc_tables = {}
        for table_id in TABLE_IDS_BY_KIND[kind]:
            row = table_rows.get((document_id, table_id))
            # A table the extractor did not record at all is as absent as a missing one.
            status, unit, first_page, last_page, note = (
                ("missing", None, None, None, None) if row is None else row[2:7]
            )
            doc_tables[table_id] = Table(
                table_id,
                status,
                unit,
                first_page,
                _rows(cells_by_table.get((document_id, table_id), [])),
                last_page,
                note,
            )
        result.append(
            Document(
                document_id,
                unit_id,
                unit_name,
                fiscal_year,
                doc_tables,
                figures_by_document.get(document_id, {}),
                tuple(lines_by_document.get(document_id, ())),
                unit_level,
                kind,
            )
        )
    return result
