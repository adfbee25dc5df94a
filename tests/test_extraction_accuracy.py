"""Every amount of every table and every narrative figure, against the ground truth.

Reads what `juesuan ingest` stored in the raw schema for the whole generated corpus
(all layout variants: ruled, filled-rectangle and unruled tables; split codes; 元 and
万元; continuation pages; wrapped and spaced names), so extraction and loading are
checked together.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from decimal import Decimal

import duckdb
import pytest

from pipelines.domain.tables import TABLES
from pipelines.samples import load_truth

STATEMENTS = ("T01", "T04")


def sha256(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def truth_cells(table: dict, table_id: str) -> Counter:
    """(side, code or label, column, amount) of every printed amount."""
    cells: Counter = Counter()
    for row in table.get("rows", []):
        if table_id in STATEMENTS:
            key = f"{row['parent']}-{row['label']}" if row.get("parent") else row["label"]
        else:
            key = row.get("code") or row.get("label")
        for column, value in row.get("values", {}).items():
            if value is not None:
                cells[(row.get("side"), key, column, Decimal(value))] += 1
    return cells


@pytest.fixture(scope="module")
def raw(demo_warehouse):
    con = duckdb.connect(str(demo_warehouse), read_only=True)
    yield con
    con.close()


def stored_cells(raw, document_id: str, table_id: str) -> Counter:
    rows = raw.execute(
        "select side, subject_code, line_label, column_name, amount from raw.table_cells "
        "where document_id = ? and table_id = ? and amount is not null",
        [document_id, table_id],
    ).fetchall()
    cells: Counter = Counter()
    for side, code, label, column, amount in rows:
        key = label if table_id in STATEMENTS else (code or label)
        cells[(side, key, column, amount)] += 1
    return cells


def test_every_amount_of_every_table_equals_the_ground_truth(demo_corpus, raw):
    mismatches, compared = [], 0
    for doc in demo_corpus:
        truth = load_truth(doc.truth_path)
        document_id = sha256(doc.pdf_path)
        for spec in TABLES:
            expected = truth_cells(truth["tables"][spec.table_id], spec.table_id)
            actual = stored_cells(raw, document_id, spec.table_id)
            compared += sum(expected.values())
            if actual != expected:
                mismatches.append(
                    f"{doc.pdf_path.name} {spec.table_id} {truth['variants']}: "
                    f"missing {sorted(expected - actual)[:3]}, "
                    f"unexpected {sorted(actual - expected)[:3]}"
                )
    assert not mismatches, "\n".join(mismatches)
    assert compared > 5_000  # the whole corpus was compared (9,329 amounts), not a sample


def test_tables_are_found_on_their_pages_and_empty_ones_recorded_empty(demo_corpus, raw):
    for doc in demo_corpus:
        truth = load_truth(doc.truth_path)
        stored = {
            table_id: (status, first_page, note)
            for table_id, status, first_page, note in raw.execute(
                "select table_id, status, first_page, note from raw.extracted_tables "
                "where document_id = ?",
                [sha256(doc.pdf_path)],
            ).fetchall()
        }
        for table_id, table in truth["tables"].items():
            status, first_page, note = stored[table_id]
            assert first_page == table["pages"][0], (doc.pdf_path.name, table_id)
            if table["empty"]:
                assert status == "empty" and note, (doc.pdf_path.name, table_id)
            else:
                assert status == "extracted", (doc.pdf_path.name, table_id)


def test_money_units_are_read_per_table(demo_corpus, raw):
    for doc in demo_corpus:
        truth = load_truth(doc.truth_path)
        units = dict(
            raw.execute(
                "select table_id, money_unit from raw.extracted_tables where document_id = ?",
                [sha256(doc.pdf_path)],
            ).fetchall()
        )
        assert units == {tid: t["money_unit"] for tid, t in truth["tables"].items()}


def test_narrative_figures_equal_the_ground_truth(demo_corpus, raw):
    mismatches = []
    for doc in demo_corpus:
        truth = load_truth(doc.truth_path)
        stored = dict(
            raw.execute(
                "select figure, amount from raw.narrative_figures where document_id = ?",
                [sha256(doc.pdf_path)],
            ).fetchall()
        )
        for figure, value in truth["narrative"].items():
            if value is not None and stored.get(figure) != Decimal(value):
                mismatches.append(f"{doc.pdf_path.name} {figure}: {value} vs {stored.get(figure)}")
    assert not mismatches, "\n".join(mismatches)


def test_documents_are_recognised_from_their_text(demo_corpus, raw):
    for doc in demo_corpus:
        expected = load_truth(doc.truth_path)["document"]
        stored = raw.execute(
            "select unit_name, fiscal_year, region, unit_level, document_kind, page_count "
            "from raw.documents where document_id = ?",
            [sha256(doc.pdf_path)],
        ).fetchone()
        assert stored == (
            expected["unit_name"],
            expected["fiscal_year"],
            expected["region"],
            expected["unit_level"],
            "决算",
            expected["page_count"],
        ), doc.pdf_path.name
