"""`juesuan ingest` on the generated corpus: the marts equal the ground truth exactly."""

from __future__ import annotations

import re
from decimal import Decimal

from tests.ground_truth import (
    EXPENDITURE_TYPES,
    document_id,
    expected_expenditure_facts,
    truth_of,
)

SEED_UNIT = "枣庄市人民政府办公室本级"


def test_every_generated_document_is_loaded(demo_corpus, demo_db):
    statuses = dict(
        demo_db.execute("select document_id, status from marts.dim_document").fetchall()
    )
    for doc in demo_corpus:
        assert statuses.get(document_id(doc)) == "loaded", doc.pdf_path.name


def test_fct_expenditure_equals_ground_truth_for_every_document(demo_corpus, demo_db):
    mismatches = []
    for doc in demo_corpus:
        truth = truth_of(doc)
        actual = {
            (code, kind, amount)
            for code, kind, amount in demo_db.execute(
                "select subject_code, expenditure_type, amount from marts.fct_expenditure "
                "where document_id = ?",
                [document_id(doc)],
            ).fetchall()
        }
        expected = expected_expenditure_facts(truth)
        if actual != expected:
            mismatches.append(
                f"{doc.pdf_path.name} ({truth['variants']}): "
                f"missing {sorted(expected - actual)[:5]}, "
                f"unexpected {sorted(actual - expected)[:5]}"
            )
    assert not mismatches, "\n".join(mismatches)


def test_fct_expenditure_provenance_points_at_the_printed_page(demo_corpus, demo_db):
    for doc in demo_corpus:
        truth = truth_of(doc)
        pages = {
            row["code"]: row["page"] for row in truth["tables"]["T03"]["rows"] if row.get("code")
        }
        rows = demo_db.execute(
            "select distinct subject_code, source_page, source_table, unit_id, fiscal_year "
            "from marts.fct_expenditure where document_id = ?",
            [document_id(doc)],
        ).fetchall()
        for code, page, source_table, unit_id, year in rows:
            assert page == pages[code], (doc.pdf_path.name, code)
            assert source_table == "T03"
            assert unit_id and year == truth["document"]["fiscal_year"]


def test_dim_unit_holds_each_generated_unit_once(demo_corpus, demo_db):
    units = dict(demo_db.execute("select unit_name, region from marts.dim_unit").fetchall())
    for doc in demo_corpus:
        document = truth_of(doc)["document"]
        assert units[document["unit_name"]] == document["region"]
    assert len(units) == len({truth_of(d)["document"]["unit_name"] for d in demo_corpus})


def _seed_t03(seed_text: str) -> dict[tuple[str, str], Decimal]:
    """The seed's 支出决算表 as (code or 合计, column) → amount, read from its text layer."""
    block = seed_text.split("\n支出决算表\n", 1)[1].split("注：本表反映单位本年度各项支出情况", 1)[
        0
    ]
    columns = ("本年支出合计", *EXPENDITURE_TYPES)
    figures = {}
    for line in block.splitlines():
        cells = line.split("\t")
        if len(cells) < 3 or not (re.fullmatch(r"\d{3,7}", cells[0]) or cells[1] == "合计"):
            continue
        key = cells[0] or "合计"
        for column, text in zip(columns, cells[2:], strict=False):
            if text.strip():
                figures[(key, column)] = Decimal(text.strip())
    return figures


def test_seed_case_t03_in_the_warehouse_equals_the_seed_document(seed_text, demo_corpus, demo_db):
    seed_doc = next(d for d in demo_corpus if truth_of(d)["document"]["unit_name"] == SEED_UNIT)
    stored = {
        (code or label, column): amount
        for code, label, column, amount in demo_db.execute(
            "select subject_code, line_label, column_name, amount from raw.table_cells "
            "where document_id = ? and table_id = 'T03' and amount is not null",
            [document_id(seed_doc)],
        ).fetchall()
    }
    expected = _seed_t03(seed_text)
    assert len(expected) == 59  # 28 printed rows, 59 printed amounts: the whole table
    assert stored == expected
