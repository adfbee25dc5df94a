"""pipelines.warehouse: the one connection (waiting for another process's lock) and the
state queries, on tiny warehouses built here."""

from __future__ import annotations

import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

import pytest

from pipelines.quality.store import LATEST_VIEW_SQL
from pipelines.warehouse import WarehouseLockedError, WarehouseResource, connect, state

T0 = datetime(2024, 9, 1, 10, 0)
RUN1 = datetime(2024, 9, 1, 12, 0)
RUN2 = datetime(2024, 9, 2, 9, 30)


def _load(con, document_id: str, version: str = "v1", ingested_at: datetime = T0) -> None:
    con.execute(
        "insert into raw.documents (document_id, file_name, source_path, file_size, status, "
        "extractor_version, ingested_at) values (?, ?, ?, 1, 'loaded', ?, ?)",
        [document_id, f"{document_id}.pdf", f"{document_id}.pdf", version, ingested_at],
    )


def _build_marts(con, *document_ids: str) -> None:
    con.execute("create schema if not exists marts")
    con.execute(
        "create or replace table marts.dim_document as "
        "select document_id, ingested_at from raw.documents where document_id in "
        "(select unnest(?::varchar[]))",
        [list(document_ids)],
    )


def _record_results(con, rows: list[tuple[str, datetime, str, str, str]]) -> None:
    """quality.check_results rows (run_id, checked_at, document_id, check_name, severity)
    and the latest view, as the quality engine writes them."""
    con.execute("create schema if not exists quality")
    con.execute(
        "create table if not exists quality.check_results (run_id varchar, "
        "checked_at timestamp, document_id varchar, check_name varchar, severity varchar)"
    )
    if rows:
        con.executemany("insert into quality.check_results values (?, ?, ?, ?, ?)", rows)
    con.execute(LATEST_VIEW_SQL)


@pytest.fixture
def warehouse(tmp_path) -> Path:
    return tmp_path / "juesuan.duckdb"


def test_a_writable_connection_creates_the_raw_schema_and_folder(tmp_path):
    path = tmp_path / "new" / "juesuan.duckdb"
    with connect(path) as con:
        assert {"raw.documents", "raw.table_cells"} <= state.existing_relations(con)
    with connect(path, read_only=True) as con:
        assert state.known_documents(con) == {}


def test_known_documents_maps_each_document_to_its_extractor_version(warehouse):
    assert WarehouseResource(path=str(warehouse)).known_documents() == {}  # no file yet
    assert not warehouse.exists()  # and asking did not create one
    with connect(warehouse) as con:
        _load(con, "d1", "v1")
        _load(con, "d2", "v2")
    assert WarehouseResource(path=str(warehouse)).known_documents() == {"d1": "v1", "d2": "v2"}


def test_a_warehouse_without_raw_knows_no_documents_and_is_not_behind(warehouse):
    import duckdb

    duckdb.connect(str(warehouse)).close()  # a file no loader has written
    with connect(warehouse, read_only=True) as con:
        assert state.known_documents(con) == {}
        assert not state.downstream_behind_raw(con)


def test_downstream_is_behind_until_dbt_and_the_checks_have_seen_every_load(warehouse):
    resource = WarehouseResource(path=str(warehouse))
    assert not resource.downstream_behind_raw()  # no warehouse: nothing to catch up
    with connect(warehouse) as con:
        _load(con, "d1")
        _load(con, "d2")
        _build_marts(con, "d1")
        _record_results(con, [("r1", RUN1, "d1", "t02_row_total", "info")])
    assert resource.downstream_behind_raw()  # d2 is not in the marts
    with connect(warehouse) as con:
        _build_marts(con, "d1", "d2")
    assert not resource.downstream_behind_raw()  # built and checked after both loads
    with connect(warehouse) as con:
        con.execute("update raw.documents set ingested_at = ? where document_id = 'd2'", [RUN2])
        _build_marts(con, "d1", "d2")
    assert resource.downstream_behind_raw()  # the marts are current, the checks are not


def test_no_quality_run_before_the_first(warehouse):
    with connect(warehouse) as con:
        assert state.quality_run(con) is None
        _record_results(con, [])
        assert state.quality_run(con) is None


def test_the_latest_run_and_a_named_one_with_their_findings(warehouse):
    with connect(warehouse) as con:
        _record_results(
            con,
            [
                ("r1", RUN1, "d1", "t02_row_total", "error"),
                ("r1", RUN1, "old", "t02_row_total", "error"),  # a version r2 did not check
                ("r2", RUN2, "d1", "t02_row_total", "rounding"),
                ("r2", RUN2, "d1", "t03_row_total", "error"),
                ("r2", RUN2, "d1", "t03_row_total", "error"),
                ("r2", RUN2, "d2", "t03_row_total", "error"),
                ("r2", RUN2, "d2", "t07_total", "info"),
            ],
        )
        latest = state.quality_run(con)
        assert latest == state.QualityRun("r2", RUN2)
        # A run that recorded nothing (the checks running on their own) reads the latest.
        assert state.quality_run(con, "no-such-run") == latest
        assert state.quality_run(con, "r1") == state.QualityRun("r1", RUN1)
        assert state.run_findings(con, latest) == state.FindingCounts(3, 1, 2)
        assert state.run_findings_by_check(con, latest) == {
            "t02_row_total": state.FindingCounts(0, 1, 0),
            "t03_row_total": state.FindingCounts(3, 0, 2),
            "t07_total": state.FindingCounts(0, 0, 0),
        }
        # r1's results on d1 are no longer anyone's latest; those on `old` still are.
        assert state.run_findings(con, state.QualityRun("r1", RUN1)) == (1, 0, 1, 0)


def _hold_write_lock(path: Path, seconds: float) -> subprocess.Popen:
    """Another process holding the warehouse for writing; returns once it holds it."""
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import duckdb, sys, time\n"
            "con = duckdb.connect(sys.argv[1])\n"
            "print('held', flush=True)\n"
            "time.sleep(float(sys.argv[2]))\n"
            "con.close()\n",
            str(path),
            str(seconds),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
    return holder


@pytest.mark.parametrize("read_only", [False, True])
def test_a_connection_waits_for_another_process_to_release_the_file(warehouse, read_only):
    with connect(warehouse) as con:
        _load(con, "d1")
    holder = _hold_write_lock(warehouse, 1.0)
    try:
        started = time.monotonic()
        with connect(warehouse, read_only=read_only, lock_wait=30) as con:
            assert state.known_documents(con) == {"d1": "v1"}
        assert time.monotonic() - started > 0.5  # it did wait for the holder
    finally:
        holder.wait(timeout=30)


def test_a_lock_held_past_the_wait_is_a_clear_error(warehouse):
    with connect(warehouse):
        pass
    holder = _hold_write_lock(warehouse, 5.0)
    try:
        started = time.monotonic()
        with (
            pytest.raises(WarehouseLockedError, match="locked by another process"),
            connect(warehouse, read_only=True, lock_wait=0.5),
        ):
            pass
        assert time.monotonic() - started < 3  # gave up after its wait, not the holder's
    finally:
        holder.kill()
        holder.wait(timeout=30)
