"""Every amount of every table and every narrative figure, against the ground truth.

Reads what `juesuan ingest` stored in the raw schema for the whole generated corpus
(all layout variants: ruled, filled-rectangle and unruled tables; split codes; 元 and
万元; continuation pages; wrapped and spaced names), so extraction and loading are
checked together.
"""

from __future__ import annotations

from collections import Counter
from decimal import Decimal

from pipelines.domain.tables import TABLES
from tests.ground_truth import STATEMENTS, document_id, truth_cells, truth_of


def stored_cells(con, doc_id: str, table_id: str) -> Counter:
    rows = con.execute(
        "select side, subject_code, line_label, column_name, amount from raw.table_cells "
        "where document_id = ? and table_id = ? and amount is not null",
        [doc_id, table_id],
    ).fetchall()
    cells: Counter = Counter()
    for side, code, label, column, amount in rows:
        key = label if table_id in STATEMENTS else (code or label)
        cells[(side, key, column, amount)] += 1
    return cells


def test_every_amount_of_every_table_equals_the_ground_truth(demo_corpus, demo_db):
    mismatches, compared = [], 0
    for doc in demo_corpus:
        truth = truth_of(doc)
        for spec in TABLES:
            expected = truth_cells(truth["tables"][spec.table_id], spec.table_id)
            actual = stored_cells(demo_db, document_id(doc), spec.table_id)
            compared += sum(expected.values())
            if actual != expected:
                mismatches.append(
                    f"{doc.pdf_path.name} {spec.table_id} {truth['variants']}: "
                    f"missing {sorted(expected - actual)[:3]}, "
                    f"unexpected {sorted(actual - expected)[:3]}"
                )
    assert not mismatches, "\n".join(mismatches)
    assert compared > 5_000  # the whole corpus was compared (9,329 amounts), not a sample


def test_tables_are_found_on_their_pages_and_empty_ones_recorded_empty(demo_corpus, demo_db):
    for doc in demo_corpus:
        truth = truth_of(doc)
        stored = {
            table_id: (status, first_page, note)
            for table_id, status, first_page, note in demo_db.execute(
                "select table_id, status, first_page, note from raw.extracted_tables "
                "where document_id = ?",
                [document_id(doc)],
            ).fetchall()
        }
        for table_id, table in truth["tables"].items():
            status, first_page, note = stored[table_id]
            assert first_page == table["pages"][0], (doc.pdf_path.name, table_id)
            if table["empty"]:
                assert status == "empty" and note, (doc.pdf_path.name, table_id)
            else:
                assert status == "extracted", (doc.pdf_path.name, table_id)


def test_money_units_are_read_per_table(demo_corpus, demo_db):
    for doc in demo_corpus:
        truth = truth_of(doc)
        units = dict(
            demo_db.execute(
                "select table_id, money_unit from raw.extracted_tables where document_id = ?",
                [document_id(doc)],
            ).fetchall()
        )
        assert units == {tid: t["money_unit"] for tid, t in truth["tables"].items()}


def test_narrative_figures_equal_the_ground_truth(demo_corpus, demo_db):
    mismatches = []
    for doc in demo_corpus:
        truth = truth_of(doc)
        stored = dict(
            demo_db.execute(
                "select figure, amount from raw.narrative_figures where document_id = ?",
                [document_id(doc)],
            ).fetchall()
        )
        for figure, value in truth["narrative"].items():
            if value is not None and stored.get(figure) != Decimal(value):
                mismatches.append(f"{doc.pdf_path.name} {figure}: {value} vs {stored.get(figure)}")
    assert not mismatches, "\n".join(mismatches)


def test_documents_are_recognised_from_their_text(demo_corpus, demo_db):
    for doc in demo_corpus:
        expected = truth_of(doc)["document"]
        stored = demo_db.execute(
            "select unit_name, fiscal_year, region, unit_level, document_kind, page_count "
            "from raw.documents where document_id = ?",
            [document_id(doc)],
        ).fetchone()
        assert stored == (
            expected["unit_name"],
            expected["fiscal_year"],
            expected["region"],
            expected["unit_level"],
            "决算",
            expected["page_count"],
        ), doc.pdf_path.name
