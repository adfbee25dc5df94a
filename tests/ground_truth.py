"""Reading a generated corpus and its ground truth, shared by the tests that compare them.

The expectations here are derived from the truth JSON on their own (not through the
extractor or the marts), so they stay independent oracles for what the warehouse stores.
"""

from __future__ import annotations

import hashlib
import re
from decimal import Decimal
from functools import cache
from pathlib import Path

import pypdfium2 as pdfium

from pipelines.samples import GeneratedDocument, load_truth
from pipelines.samples.model import T03_COLUMNS

EXPENDITURE_TYPES = T03_COLUMNS[1:]  # every T03 column but 本年支出合计


def truth_of(doc: GeneratedDocument) -> dict:
    """The document's ground truth, read once per test session (treat it as read-only)."""
    return _cached_truth(doc.truth_path)


def document_id(doc: GeneratedDocument) -> str:
    """The warehouse's document_id: the PDF's sha256, hashed once per test session.

    Hashed here rather than by pipelines.extract.document.file_sha256: the tests check
    that the warehouse keys documents by exactly this digest.
    """
    return _sha256(doc.pdf_path)


# The corpora read through these helpers are never rewritten in place: the path is a
# safe cache key (tests that re-issue a file hash and read it themselves).
_cached_truth = cache(load_truth)


@cache
def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def leaves(rows: list[dict]) -> list[dict]:
    """Truth rows with a code and no printed child (a longer code starting with it)."""
    codes = [r["code"] for r in rows if r.get("code")]
    return [
        r
        for r in rows
        if r.get("code") and not any(c != r["code"] and c.startswith(r["code"]) for c in codes)
    ]


def expected_expenditure_facts(truth: dict) -> set[tuple[str, str, Decimal]]:
    """Leaf rows of the truth's T03 (no printed child), one fact per printed amount."""
    return {
        (row["code"], column, Decimal(row["values"][column]))
        for row in leaves(truth["tables"]["T03"]["rows"])
        for column in EXPENDITURE_TYPES
        if row["values"].get(column) is not None
    }


def statement_line_label(row: dict) -> str:
    """A T01/T04 line as the warehouse labels it: a per-fund sub-line as "<parent>-<label>"."""
    return f"{row['parent']}-{row['label']}" if row.get("parent") else row["label"]


def compact(text: str) -> str:
    """Text without any whitespace (page texts wrap and space out characters)."""
    return re.sub(r"\s+", "", text)


def pdf_texts(pdf_path: Path) -> list[str]:
    """The text layer of every page, in page order."""
    pdf = pdfium.PdfDocument(pdf_path)
    try:
        return [pdf[index].get_textpage().get_text_range() for index in range(len(pdf))]
    finally:
        pdf.close()
