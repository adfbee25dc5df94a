"""The warehouse as a Dagster resource: its file, its connections, its state queries."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import dagster as dg
import duckdb

from pipelines.warehouse import state
from pipelines.warehouse.connection import connect


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
