"""Loading is idempotent per document; a re-issued PDF supersedes the earlier one; a bad
file never costs what was already loaded; a new document's load costs the same in a large
warehouse as in an empty one; the raw load runs in fresh processes of a bounded number of
documents each, with the rows and errors it would have in one."""

from __future__ import annotations

import hashlib
import shutil
from decimal import Decimal
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from juesuan_samples import generate_document, load_truth
from pipelines import settings
from pipelines.defs.fresh_process import RemoteTraceback
from pipelines.defs.ingestion import assets as ingestion_assets
from pipelines.defs.ingestion.assets import raw_tables
from pipelines.extract.records import (
    DocumentExtraction,
    ExtractedCell,
    ExtractedRow,
    ExtractedTable,
    PageLine,
)
from pipelines.progress import IngestProgress
from pipelines.warehouse import WarehouseResource
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


class RecordingProgress(IngestProgress):
    def __init__(self) -> None:
        self.advanced: list[str | None] = []

    def advance(self, phase: str, note: str | None = None) -> None:
        assert phase == "load"
        self.advanced.append(note)


def _stored_extractions(store, count: int) -> dict[str, dict]:
    """`count` extractions saved as the extraction steps save them, as raw_tables receives
    them: document_id → where stored and the file it came from."""
    stored = {}
    for number in range(count):
        document_id = f"{number:064x}"
        folder = store / document_id
        save_extraction_files(_extraction(document_id, f"{number}.25"), folder)
        stored[document_id] = {"folder": str(folder), "source_path": f"inbox/{number}.pdf"}
    return stored


def _load_raw(stored: dict[str, dict | None], file, progress=None) -> list:
    """The step raw_tables, invoked directly: its materialisations."""
    with dg.build_asset_context() as context:
        return list(
            raw_tables(
                context,
                document_extractions=stored,
                warehouse=WarehouseResource(path=str(file)),
                progress=progress or IngestProgress(),
            )
        )


def _raw_contents(file) -> dict[str, list]:
    """Every raw table's rows (the documents' without the time of their load)."""
    with connect(file, read_only=True) as con:
        return {
            table: con.execute(
                f"select * exclude (ingested_at) from raw.{table} order by all"
                if table == "documents"
                else f"select * from raw.{table} order by all"
            ).fetchall()
            for table in RAW_TABLES
        }


def test_the_raw_load_runs_in_fresh_processes_of_at_most_n_documents(tmp_path, monkeypatch):
    """What a load leaves behind in Python and DuckDB goes with its process: 5 documents,
    2 per process, make 3 processes, and the same rows as one process loading them all."""
    monkeypatch.setenv(settings.RAW_LOAD_DOCUMENTS_PER_PROCESS_ENV, "2")
    stored = _stored_extractions(tmp_path / "store", 5)
    progress = RecordingProgress()
    results = _load_raw(stored, tmp_path / "split.duckdb", progress)
    assert [result.metadata["load_processes"] for result in results] == [3] * len(RAW_TABLES)
    assert {result.metadata["documents_written"] for result in results} == {5}
    assert progress.advanced == [value["source_path"] for value in stored.values()]
    with connect(tmp_path / "whole.duckdb") as con:
        for value in stored.values():
            load_extraction_files(con, Path(value["folder"]))
    contents = _raw_contents(tmp_path / "split.duckdb")
    assert len(contents["documents"]) == 5
    assert contents == _raw_contents(tmp_path / "whole.duckdb")


def test_a_failed_load_process_fails_the_step_with_its_document_error_and_keeps_the_earlier(
    tmp_path, monkeypatch
):
    monkeypatch.setenv(settings.RAW_LOAD_DOCUMENTS_PER_PROCESS_ENV, "2")
    stored = _stored_extractions(tmp_path / "store", 5)
    ids = list(stored)
    corrupt = Path(stored[ids[3]]["folder"]) / "documents.parquet"
    corrupt.write_bytes(b"not parquet")
    progress = RecordingProgress()
    with pytest.raises(duckdb.InvalidInputException, match="Parquet") as caught:
        _load_raw(stored, tmp_path / "w.duckdb", progress)
    assert str(corrupt) in str(caught.value)  # the document's own error, naming its file
    assert isinstance(caught.value.__cause__, RemoteTraceback)  # raised in the child
    # The first process's documents, and the one loaded before the failure in the second
    # (a transaction each), stay; the third process never started.
    with connect(tmp_path / "w.duckdb", read_only=True) as con:
        loaded = con.execute("select document_id from raw.documents order by 1").fetchall()
    assert [document_id for (document_id,) in loaded] == ids[:3]
    assert progress.advanced == [stored[key]["source_path"] for key in ids[:2]]


def test_a_permanent_fault_in_a_load_process_fails_the_step_at_once(tmp_path):
    stored = _stored_extractions(tmp_path / "store", 1)
    not_a_warehouse = tmp_path / "w.duckdb"
    not_a_warehouse.write_bytes(b"x" * 8192)
    with pytest.raises(dg.Failure, match="永久性故障") as caught:
        _load_raw(stored, not_a_warehouse)
    assert caught.value.allow_retries is False


def test_nothing_fresh_starts_no_load_process(tmp_path, monkeypatch):
    stored = _stored_extractions(tmp_path / "store", 2)
    file = tmp_path / "w.duckdb"
    with connect(file) as con:
        for value in stored.values():
            load_extraction_files(con, Path(value["folder"]))

    def no_process(*args, **kwargs):
        raise AssertionError("a process was started with nothing to load")

    monkeypatch.setattr(ingestion_assets, "in_fresh_process", no_process)
    # Loaded, but never built into the marts: the step still materialises, loading nothing.
    results = _load_raw(dict.fromkeys(stored), file)
    assert {(r.metadata["documents_written"], r.metadata["load_processes"]) for r in results} == {
        (0, 0)
    }
