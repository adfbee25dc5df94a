"""The warehouse as a Dagster resource: its file, its connections, its state queries; and
how a step that uses it fails on a fault no retry can mend."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import dagster as dg
import duckdb

from pipelines.warehouse import state
from pipelines.warehouse.connection import connect, permanent_fault


class WarehouseResource(dg.ConfigurableResource):
    """The DuckDB warehouse file (JUESUAN_WAREHOUSE)."""

    path: str

    @property
    def file(self) -> Path:
        return Path(self.path)

    @contextmanager
    def connect(self, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
        """A connection, closed on exit, after waiting for the lock (connection.connect)."""
        with connect(self.file, read_only=read_only) as con:
            yield con

    def known_documents(self) -> dict[str, str]:
        """document_id → extractor_version of every loaded document; {} before the first
        load (no file yet)."""
        if not self.file.exists():
            return {}
        with self.connect(read_only=True) as con:
            return state.known_documents(con)

    def downstream_behind_raw(self) -> bool:
        """Whether the marts or the checks have not seen raw as it is (state.py)."""
        if not self.file.exists():
            return False
        with self.connect(read_only=True) as con:
            return state.downstream_behind_raw(con)


@contextmanager
def permanent_faults_fail_at_once() -> Iterator[None]:
    """Around a step's work: a permanent fault (a full disk, a read-only folder, a corrupt
    warehouse: connection.permanent_fault) fails the step at once with its cause in
    Chinese, past the step's retry policy, which is for faults that pass (a lock)."""
    try:
        yield
    except dg.Failure:
        raise
    except Exception as error:
        fault = permanent_fault(error)
        if fault is None:
            raise
        raise dg.Failure(description=fault.describe(), allow_retries=False) from error
