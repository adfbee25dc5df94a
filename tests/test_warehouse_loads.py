"""Loading is idempotent per document; a re-issued PDF supersedes the earlier one; a bad
file never costs what was already loaded; a new document's load costs the same in a large
warehouse as in an empty one."""

from __future__ import annotations

import hashlib
import shutil
from decimal import Decimal

import duckdb
import pytest

from juesuan_samples import generate_document, load_truth
from pipelines.extract.records import (
    DocumentExtraction,
    ExtractedCell,
    ExtractedRow,
    ExtractedTable,
    PageLine,
)
from pipelines.warehouse.connection import connect
from pipelines.warehouse.load import (
    RAW_TABLES,
    load_extraction,
    load_extraction_files,
    save_extraction_files,
)
from tests.conftest import run_ingest
from tests.ground_truth import expected_expenditure_facts

slow = pytest.mark.slow  # the tests on a warehouse built by `juesuan ingest`

MARTS = (
    "dim_unit",
    "dim_document",
    "dim_fiscal_year",
    "dim_function_subject",
    "dim_economic_class",
    "fct_expenditure",
    "fct_income",
    "fct_appropriation_expenditure",
    "fct_basic_expenditure_econ",
    "fct_three_public_costs",
    "fct_statement_lines",
)


def sha256(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def snapshot(warehouse) -> dict:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        counts = {t: con.execute(f"select count(*) from marts.{t}").fetchone()[0] for t in MARTS}
        documents = con.execute(
            "select document_id, file_name, status, ingested_at from marts.dim_document order by 1"
        ).fetchall()
        return {"counts": counts, "documents": documents}
    finally:
        con.close()


def query(warehouse, sql: str, params=()):
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return con.execute(sql, list(params)).fetchall()
    finally:
        con.close()


@pytest.fixture(scope="module")
def inbox(tmp_path_factory):
    root = tmp_path_factory.mktemp("inbox")
    first = generate_document(root / "2023", unit="枣庄市教育局", fiscal_year=2023, seed=1)
    second = generate_document(root / "2023", unit="枣庄市财政局", fiscal_year=2023, seed=2)
    return root, first, second


@pytest.fixture(scope="module")
def warehouse(inbox, tmp_path_factory):
    path = tmp_path_factory.mktemp("warehouse") / "juesuan.duckdb"
    result = run_ingest(inbox[0], path)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return path


def ingest(inbox_root, warehouse):
    result = run_ingest(inbox_root, warehouse)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]


@slow
def test_ingesting_the_same_inbox_twice_changes_nothing(inbox, warehouse):
    before = snapshot(warehouse)
    ingest(inbox[0], warehouse)
    assert snapshot(warehouse) == before  # same rows, same ingestion times: nothing reloaded


@slow
def test_the_same_file_under_another_name_is_the_same_document(inbox, warehouse):
    before = snapshot(warehouse)
    copy = inbox[0] / "elsewhere" / "copy-of-first.pdf"
    copy.parent.mkdir()
    shutil.copy(inbox[1].pdf_path, copy)
    ingest(inbox[0], warehouse)
    assert snapshot(warehouse) == before
    copy.unlink()


@slow
def test_a_corrupt_reissue_leaves_the_loaded_version_intact(inbox, warehouse):
    second = inbox[2]
    facts_before = query(
        warehouse,
        "select subject_code, expenditure_type, amount from marts.fct_expenditure "
        "where document_id = ? order by all",
        [sha256(second.pdf_path)],
    )
    broken = second.pdf_path.with_name("枣庄市财政局2023年度部门决算（更正）.pdf")
    broken.write_bytes(second.pdf_path.read_bytes()[:5000])
    ingest(inbox[0], warehouse)
    statuses = dict(query(warehouse, "select file_name, status from marts.dim_document"))
    assert statuses[broken.name] == "rejected"
    assert statuses[second.pdf_path.name] == "loaded"
    assert facts_before and facts_before == query(
        warehouse,
        "select subject_code, expenditure_type, amount from marts.fct_expenditure "
        "where document_id = ? order by all",
        [sha256(second.pdf_path)],
    )
    broken.unlink()


@slow
def test_a_reissued_pdf_supersedes_the_earlier_one(inbox, warehouse):
    root, first, _ = inbox
    old_id = sha256(first.pdf_path)
    # The unit re-issues its 2023 disclosure with changed figures, same file name.
    reissued = generate_document(root / "2023", unit="枣庄市教育局", fiscal_year=2023, seed=99)
    assert sha256(reissued.pdf_path) != old_id
    ingest(root, warehouse)
    documents = {
        document_id: (status, reason)
        for document_id, status, reason in query(
            warehouse, "select document_id, status, status_reason from marts.dim_document"
        )
    }
    assert documents[old_id][0] == "superseded"
    assert reissued.pdf_path.name in documents[old_id][1]
    assert documents[sha256(reissued.pdf_path)][0] == "loaded"
    unit_facts = {
        (code, kind, amount)
        for code, kind, amount in query(
            warehouse,
            "select f.subject_code, f.expenditure_type, f.amount from marts.fct_expenditure f "
            "join marts.dim_unit u using (unit_id) "
            "where u.unit_name = '枣庄市教育局' and f.fiscal_year = 2023",
        )
    }
    assert unit_facts == expected_expenditure_facts(load_truth(reissued.truth_path))
    # The superseded version stays in raw, for audit.
    assert (
        query(warehouse, "select count(*) from raw.table_cells where document_id = ?", [old_id])[0][
            0
        ]
        > 0
    )


def _extraction(document_id: str, amount: str) -> DocumentExtraction:
    cells = [ExtractedCell("决算数", amount, Decimal(amount.replace(",", "")))]
    table = ExtractedTable("T01", "收入支出决算总表", "收入支出决算总表", "extracted", "万元", 1, 1)
    table.rows = [ExtractedRow(1, 1, None, "一般公共预算财政拨款收入", cells, "收入")]
    line = PageLine(1, 1, "收入支出决算总表", (10.0, 700.0, 300.0, 712.0))
    return DocumentExtraction(
        document_id, "a.pdf", "a.pdf", 1, "test", "loaded", tables=[table], lines=[line]
    )


class RecordingConnection:
    """A DuckDB connection that keeps the statements it was given."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self.con = con
        self.statements: list[str] = []

    def execute(self, sql: str, *args):
        self.statements.append(" ".join(sql.split()))
        return self.con.execute(sql, *args)

    def __getattr__(self, name: str):
        return getattr(self.con, name)


def _rows(con, document_id: str) -> dict[str, int]:
    return {
        table: con.execute(
            f"select count(*) from raw.{table} where document_id = ?", [document_id]
        ).fetchone()[0]
        for table in RAW_TABLES
    }


def test_a_new_document_is_inserted_without_deleting_and_a_reload_replaces(tmp_path):
    """Every delete scans its whole raw table: a document never loaded has nothing to
    delete, so its load must not pay them (they grow with the warehouse)."""
    first, second = "a" * 64, "b" * 64
    with connect(tmp_path / "w.duckdb") as con:
        recording = RecordingConnection(con)
        load_extraction(recording, _extraction(first, "1.00"))
        load_extraction(recording, _extraction(second, "2.00"))
        assert not [sql for sql in recording.statements if sql.startswith("delete")]
        recording.statements.clear()
        load_extraction(recording, _extraction(first, "3.00"))
        deletes = [sql for sql in recording.statements if sql.startswith("delete")]
        assert len(deletes) == len(RAW_TABLES)
        amounts = con.execute(
            "select document_id, amount from raw.table_cells order by document_id"
        ).fetchall()
        assert amounts == [(first, Decimal("3.000000")), (second, Decimal("2.000000"))]
        assert _rows(con, first) == _rows(con, second)


def test_saved_extractions_load_once_per_document_however_often_loaded(tmp_path):
    first, second = "c" * 64, "d" * 64
    folders = []
    for document_id, amount in ((first, "1.50"), (second, "2.50")):
        folder = tmp_path / "store" / document_id
        save_extraction_files(_extraction(document_id, amount), folder)
        folders.append(folder)
    with connect(tmp_path / "w.duckdb") as con:
        for folder in [*folders, folders[0], folders[0]]:
            load_extraction_files(con, folder)
        expected = {"documents": 1, "extracted_tables": 1, "table_cells": 1}
        expected |= {"narrative_figures": 0, "page_lines": 1}
        assert _rows(con, first) == expected == _rows(con, second)
