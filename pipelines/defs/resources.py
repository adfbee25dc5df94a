"""Resources shared by the domains: where the inbox and the warehouse are."""

from __future__ import annotations

from pathlib import Path

import dagster as dg

from pipelines import settings

# DuckDB allows one writer process: every asset that writes the warehouse takes this pool,
# whose limit is 1 (dagster_home/dagster.yaml).
DUCKDB_POOL = "duckdb"


class InboxResource(dg.ConfigurableResource):
    """The folder of disclosure PDFs (JUESUAN_SOURCES; any layout below it)."""

    path: str

    @property
    def root(self) -> Path:
        return Path(self.path)


class ReportsResource(dg.ConfigurableResource):
    """Where the quality report, its Excel export and the Data Docs are written."""

    path: str

    @property
    def directory(self) -> Path:
        return Path(self.path)


class WarehouseResource(dg.ConfigurableResource):
    """The DuckDB warehouse file (JUESUAN_WAREHOUSE)."""

    path: str
    extract_timeout_seconds: float = settings.DEFAULT_EXTRACT_TIMEOUT_SECONDS

    @property
    def file(self) -> Path:
        return Path(self.path)
