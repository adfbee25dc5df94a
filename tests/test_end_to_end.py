"""`juesuan ingest` on the generated corpus: the marts equal the ground truth exactly."""

from __future__ import annotations

import hashlib
import re
from decimal import Decimal

import duckdb
import pytest

from pipelines.samples import load_truth

EXPENDITURE_TYPES = ("基本支出", "项目支出", "上缴上级支出", "经营支出", "对附属单位补助支出")
SEED_UNIT = "枣庄市人民政府办公室本级"


def sha256(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def expected_expenditure_facts(truth: dict) -> set[tuple[str, str, Decimal]]:
    """Leaf rows of the truth's T03 (no printed child), one fact per printed amount."""
    rows = truth["tables"]["T03"]["rows"]
    codes = [row["code"] for row in rows if row.get("code")]
    facts = set()
    for row in rows:
        code = row.get("code")
        if not code or any(other != code and other.startswith(code) for other in codes):
            continue
        for column in EXPENDITURE_TYPES:
            value = row["values"].get(column)
            if value is not None:
                facts.add((code, column, Decimal(value)))
    return facts


@pytest.fixture(scope="module")
def warehouse(demo_warehouse):
    con = duckdb.connect(str(demo_warehouse), read_only=True)
    yield con
    con.close()


def test_every_generated_document_is_loaded(demo_corpus, warehouse):
    statuses = dict(
        warehouse.execute("select document_id, status from marts.dim_document").fetchall()
    )
    for doc in demo_corpus:
        assert statuses.get(sha256(doc.pdf_path)) == "loaded", doc.pdf_path.name


def test_fct_expenditure_equals_ground_truth_for_every_document(demo_corpus, warehouse):
    mismatches = []
    for doc in demo_corpus:
        truth = load_truth(doc.truth_path)
        actual = {
            (code, kind, amount)
            for code, kind, amount in warehouse.execute(
                "select subject_code, expenditure_type, amount from marts.fct_expenditure "
                "where document_id = ?",
                [sha256(doc.pdf_path)],
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


def test_fct_expenditure_provenance_points_at_the_printed_page(demo_corpus, warehouse):
    for doc in demo_corpus:
        truth = load_truth(doc.truth_path)
        pages = {
            row["code"]: row["page"] for row in truth["tables"]["T03"]["rows"] if row.get("code")
        }
        rows = warehouse.execute(
            "select distinct subject_code, source_page, source_table, unit_id, fiscal_year "
            "from marts.fct_expenditure where document_id = ?",
            [sha256(doc.pdf_path)],
        ).fetchall()
        for code, page, source_table, unit_id, year in rows:
            assert page == pages[code], (doc.pdf_path.name, code)
            assert source_table == "T03"
            assert unit_id and year == truth["document"]["fiscal_year"]


def test_dim_unit_holds_each_generated_unit_once(demo_corpus, warehouse):
    units = dict(warehouse.execute("select unit_name, region from marts.dim_unit").fetchall())
    for doc in demo_corpus:
        document = load_truth(doc.truth_path)["document"]
        assert units[document["unit_name"]] == document["region"]
    assert len(units) == len(
        {load_truth(d.truth_path)["document"]["unit_name"] for d in demo_corpus}
    )


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


def test_seed_case_t03_in_the_warehouse_equals_the_seed_document(seed_text, demo_corpus, warehouse):
    seed_doc = next(
        d for d in demo_corpus if load_truth(d.truth_path)["document"]["unit_name"] == SEED_UNIT
    )
    stored = {
        (code or label, column): amount
        for code, label, column, amount in warehouse.execute(
            "select subject_code, line_label, column_name, amount from raw.table_cells "
            "where document_id = ? and table_id = 'T03' and amount is not null",
            [sha256(seed_doc.pdf_path)],
        ).fetchall()
    }
    expected = _seed_t03(seed_text)
    assert len(expected) == 59  # 28 printed rows, 59 printed amounts: the whole table
    assert stored == expected
