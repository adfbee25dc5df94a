"""Reading a generated corpus and its ground truth, shared by the tests that compare them.

The expectations here are derived from the truth JSON on their own (not through the
extractor or the marts), so they stay independent oracles for what the warehouse stores.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from pathlib import Path

import duckdb
import pypdfium2 as pdfium

from juesuan_samples import GeneratedDocument, load_truth
from juesuan_samples.model import T03_COLUMNS

EXPENDITURE_TYPES = T03_COLUMNS[1:]  # every T03 column but 本年支出合计
STATEMENTS = ("T01", "T04")  # two-sided tables: lines are keyed by label, not code


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


def truth_cells(table: dict, table_id: str) -> Counter:
    """(side, code or label, column, amount) of every printed amount of a truth table."""
    cells: Counter = Counter()
    for row in table.get("rows", []):
        if table_id in STATEMENTS:
            key = statement_line_label(row)
        else:
            key = row.get("code") or row.get("label")
        for column, value in row.get("values", {}).items():
            if value is not None:
                cells[(row.get("side"), key, column, Decimal(value))] += 1
    return cells


def extracted_cells(table) -> Counter:
    """The same facts from an ExtractedTable (pipelines.extract.records), as raw stores them."""
    cells: Counter = Counter()
    for row in table.rows:
        key = (
            row.line_label if table.table_id in STATEMENTS else (row.subject_code or row.line_label)
        )
        for cell in row.cells:
            if cell.amount is not None:
                cells[(row.side, key, cell.column_name, cell.amount)] += 1
    return cells


@dataclass
class FactTally:
    """Truth facts read exactly, read with another amount, or not read; and extra readings."""

    exact: int = 0
    wrong: int = 0
    missing: int = 0
    extra: int = 0

    def add(self, other: FactTally) -> None:
        self.exact += other.exact
        self.wrong += other.wrong
        self.missing += other.missing
        self.extra += other.extra

    @property
    def facts(self) -> int:
        return self.exact + self.wrong + self.missing


def compare_cells(expected: Counter, actual: Counter) -> FactTally:
    """A fact is exact when the same (side, key, column) holds the same amount; wrong when
    that place holds another amount; missing when the place was not read at all."""
    exact = expected & actual
    left_expected, left_actual = expected - exact, actual - exact
    places_expected: Counter = Counter()
    places_actual: Counter = Counter()
    for (side, key, column, _), count in left_expected.items():
        places_expected[(side, key, column)] += count
    for (side, key, column, _), count in left_actual.items():
        places_actual[(side, key, column)] += count
    wrong = sum((places_expected & places_actual).values())
    return FactTally(
        exact=sum(exact.values()),
        wrong=wrong,
        missing=sum(left_expected.values()) - wrong,
        extra=sum(left_actual.values()) - wrong,
    )


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


# ---------------------------------------------------------------------------
# Planted errors against the quality findings

# Where a finding sits: (check_name, source_table, location), as quality.check_results
# records it and as a planted error's truth lists the checks it must trip.
Site = tuple[str, str | None, str | None]
DocumentKey = tuple[str, int]  # (unit name, fiscal year): one document per unit and year


def document_key(truth: dict) -> DocumentKey:
    return truth["document"]["unit_name"], truth["document"]["fiscal_year"]


def planted_sites(truth: dict) -> set[Site]:
    """Every site a document's planted errors must be reported at (none for a clean one)."""
    return {
        (check["check"], check["table"], check["location"])
        for error in truth["planted_errors"]
        for check in error["checks"]
    }


def error_findings(warehouse: Path, run_id: str | None = None) -> dict[DocumentKey, set[Site]]:
    """The sites of every `error` finding of a quality run (by default the latest), per
    document."""
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        rows = con.execute(
            """select d.unit_name, r.fiscal_year, r.check_name, r.source_table, r.location
               from quality.check_results r join raw.documents d using (document_id)
               where r.severity = 'error' and r.run_id = coalesce(?, (
                   select run_id from quality.check_results
                   order by checked_at desc, run_id desc limit 1))""",
            [run_id],
        ).fetchall()
    finally:
        con.close()
    errors: dict[DocumentKey, set[Site]] = {}
    for unit_name, year, *site in rows:
        errors.setdefault((unit_name, year), set()).add(tuple(site))  # type: ignore[arg-type]
    return errors


@dataclass
class PlantedTally:
    """Findings of one corpus against its truths: planted errors found at their sites,
    and `error` findings no planted error explains."""

    clean_documents: int = 0
    errors_on_clean: int = 0  # error findings on documents with nothing planted
    planted_sites: int = 0
    planted_found: int = 0
    errors_beyond_planted: int = 0  # on planted documents, at sites no planted error lists
    # The sites behind the two counts above, and the planted sites not reported.
    unexplained: list[tuple[DocumentKey, Site]] = field(default_factory=list)
    missed: list[tuple[DocumentKey, Site]] = field(default_factory=list)


def score_findings(truths: list[dict], errors: dict[DocumentKey, set[Site]]) -> PlantedTally:
    tally = PlantedTally()
    for truth in truths:
        key = document_key(truth)
        expected, reported = planted_sites(truth), errors.get(key, set())
        if not truth["planted_errors"]:
            tally.clean_documents += 1
            tally.errors_on_clean += len(reported)
        tally.planted_sites += len(expected)
        tally.planted_found += len(expected & reported)
        tally.errors_beyond_planted += len(reported - expected) if expected else 0
        tally.unexplained += [(key, site) for site in sorted(reported - expected, key=str)]
        tally.missed += [(key, site) for site in sorted(expected - reported, key=str)]
    return tally
