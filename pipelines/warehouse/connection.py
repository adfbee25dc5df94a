"""The one way to open the DuckDB warehouse: every reader and writer waits for the lock.

DuckDB lets one process write a file, or several read it, at a time; dbt, a concurrent
run or an analyst's session may hold it for a while. A connection is opened for one piece
of work and closed after it, so the next process (dbt runs next) is not kept waiting.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

RAW_SCHEMA_SQL = Path(__file__).with_name("raw_schema.sql")

# How long to wait for another process (dbt, a concurrent run, an analyst's session) to
# release the DuckDB file before giving up.
LOCK_WAIT_SECONDS = 60.0
# Retry delays double from the first to the longest: quick for a short dbt step, without
# spinning on the file through a long one.
FIRST_RETRY_SECONDS = 0.2
LONGEST_RETRY_SECONDS = 5.0
# A private database in memory (with the raw schema when writable): for shaping rows as
# the warehouse would, without touching the file.
IN_MEMORY = Path(":memory:")


class WarehouseLockedError(duckdb.IOException):
    """Another process held the warehouse for longer than the wait allowed.

    A duckdb.IOException still, so the callers that already treat an unreadable warehouse
    (and the transient-fault retries of the Dagster steps) treat this one alike."""


def _is_lock_conflict(error: duckdb.IOException) -> bool:
    return "lock" in str(error).lower()


def _open(path: Path, read_only: bool, lock_wait: float) -> duckdb.DuckDBPyConnection:
    deadline = time.monotonic() + lock_wait
    delay = FIRST_RETRY_SECONDS
    while True:
        try:
            return duckdb.connect(str(path), read_only=read_only)
        except duckdb.IOException as error:
            if not _is_lock_conflict(error):
                raise
            if time.monotonic() + delay > deadline:
                raise WarehouseLockedError(
                    f"数据仓库被另一个进程占用，等待 {lock_wait:g} 秒后放弃 "
                    f"(the warehouse {path} is locked by another process): {error}"
                ) from error
            time.sleep(delay)
            delay = min(delay * 2, LONGEST_RETRY_SECONDS)


@contextmanager
def connect(
    path: Path, read_only: bool = False, lock_wait: float = LOCK_WAIT_SECONDS
) -> Iterator[duckdb.DuckDBPyConnection]:
    """A connection to the warehouse file, closed on exit. Waits up to `lock_wait`
    seconds while another process holds the file, then raises WarehouseLockedError.
    A writable connection creates the file's folder and the raw schema if absent."""
    if not read_only and path != IN_MEMORY:
        path.parent.mkdir(parents=True, exist_ok=True)
    con = _open(path, read_only, lock_wait)
    try:
        if not read_only:
            con.execute(RAW_SCHEMA_SQL.read_text(encoding="utf-8"))
        yield con
    finally:
        con.close()
