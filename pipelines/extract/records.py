"""What extraction produces: canonical records with provenance, one document at a time."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

# A box on the page: (x0, y0, x1, y1) in PDF points, origin bottom-left (pdfium's space).
Box = tuple[float, float, float, float]


@dataclass(frozen=True)
class ExtractedCell:
    column_name: str  # canonical column name
    printed_text: str  # as printed ('' when blank)
    amount: Decimal | None  # 万元, exact; None when blank or a dash
    # Why the reading is unsure (Chinese), when a second, independent reading disagrees
    # or the table's totals fail as a column shift would make them; None when sure.
    uncertain_reason: str | None = None
    box: Box | None = None  # the cell's printed box (its grid region); None when unknown


@dataclass
class ExtractedRow:
    row_number: int  # order within the table, from 1
    page: int  # 1-based
    subject_code: str | None
    line_label: str | None  # normalised printed label
    cells: list[ExtractedCell]
    side: str | None = None  # '收入' / '支出' for two-sided statements


@dataclass
class ExtractedTable:
    table_id: str
    canonical_title: str
    printed_title: str | None
    status: str  # 'extracted', 'empty', 'missing', 'not_in_template'
    money_unit: str | None = None
    first_page: int | None = None
    last_page: int | None = None
    note: str | None = None
    parsing_report: list[dict] = field(default_factory=list)
    rows: list[ExtractedRow] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class NarrativeFigure:
    figure: str  # e.g. 本年收入合计 (pipelines.extract.narrative.FIGURE_PATTERNS)
    amount: Decimal  # 万元 (converted exactly when the narrative prints 元)
    page: int
    context: str  # the sentence fragment it was read from


@dataclass(frozen=True)
class PageLine:
    """One printed line of a page, as pipelines.extract.layout.printed_lines groups it."""

    page: int  # 1-based
    line_number: int  # top to bottom on its page, from 1
    text: str  # the line's characters left to right, a space where a word gap is
    box: Box


@dataclass
class DocumentExtraction:
    document_id: str  # sha256 of the file
    file_name: str
    source_path: str  # relative to the inbox
    file_size: int
    extractor_version: str
    status: str  # 'loaded' or 'rejected'
    status_reason: str | None = None
    page_count: int | None = None
    document_kind: str | None = None
    unit_name: str | None = None
    region: str | None = None
    unit_level: str | None = None
    fiscal_year: int | None = None
    tables: list[ExtractedTable] = field(default_factory=list)
    narrative: list[NarrativeFigure] = field(default_factory=list)
    lines: list[PageLine] = field(default_factory=list)  # every text line of every page
    seconds: float = 0.0

    def table(self, table_id: str) -> ExtractedTable | None:
        return next((t for t in self.tables if t.table_id == table_id), None)
