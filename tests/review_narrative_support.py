"""A document as the quality checks see it, straight from extraction (no warehouse, no dbt).

The tuples are the rows the warehouse would hold (pipelines.warehouse.load) as
pipelines.quality.document.load_documents reads them back, so the checks run on exactly
what they would read after an ingest. For tests of the narrative checks on real PDFs.
"""

from __future__ import annotations

from pathlib import Path

from pipelines.extract.document import extract_document
from pipelines.extract.records import DocumentExtraction
from pipelines.quality.checks import check_document
from pipelines.quality.document import Document, assemble_documents
from pipelines.quality.gx import validate_outcomes
from pipelines.quality.outcomes import Outcome


def quality_document(extraction: DocumentExtraction, unit_id: str = "unit") -> Document:
    doc = extraction.document_id
    documents = [
        (doc, unit_id, extraction.unit_name, extraction.fiscal_year, extraction.unit_level)
    ]
    tables = [
        (doc, t.table_id, t.status, t.money_unit, t.first_page, t.last_page, t.note)
        for t in extraction.tables
    ]
    cells = [
        (
            doc,
            t.table_id,
            row.row_number,
            row.page,
            row.side,
            row.subject_code,
            row.line_label,
            cell.column_name,
            cell.printed_text,
            cell.amount,
            cell.uncertain_reason,
            *(cell.box or (None, None, None, None)),
        )
        for t in extraction.tables
        for row in t.rows
        for cell in row.cells
    ]
    figures = [(doc, f.figure, f.amount, f.page, f.context) for f in extraction.narrative]
    lines = [(doc, line.page, line.line_number, line.text, *line.box) for line in extraction.lines]
    (document,) = assemble_documents(documents, tables, cells, figures, lines)
    return document


def checked(path: Path, prior: Document | None = None) -> tuple[Document, list[Outcome]]:
    """The PDF's document and its outcomes, decided by the suites."""
    document = quality_document(extract_document(path, path.parent))
    outcomes = check_document(document, prior=prior)
    validate_outcomes(outcomes, "narrative-test")
    return document, outcomes
