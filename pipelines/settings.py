"""Where things are: the inbox, the warehouse, the dbt project. One place decides.

Defaults are relative to the project checkout; JUESUAN_SOURCES and JUESUAN_WAREHOUSE
override them for the pipeline, dbt and the CLI alike.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DBT_PROJECT_DIR = PROJECT_ROOT / "dbt_project"
SOURCES_ENV = "JUESUAN_SOURCES"
WAREHOUSE_ENV = "JUESUAN_WAREHOUSE"
REPORTS_ENV = "JUESUAN_REPORTS"
UNIT_REGISTRY_ENV = "JUESUAN_UNIT_REGISTRY"
EXTRACT_TIMEOUT_ENV = "JUESUAN_EXTRACT_TIMEOUT"
EXTRACT_WORKERS_ENV = "JUESUAN_EXTRACT_WORKERS"
EXECUTOR_ENV = "JUESUAN_EXECUTOR"
DEFAULT_EXTRACT_TIMEOUT_SECONDS = 300.0


def sources_dir() -> Path:
    return Path(os.environ.get(SOURCES_ENV) or PROJECT_ROOT / "sources").resolve()


def warehouse_path() -> Path:
    value = os.environ.get(WAREHOUSE_ENV)
    if value and re.match(r"[A-Za-z][A-Za-z0-9+.-]+:", value):
        # md:…, ducklake:…, s3://…: resolved as a path, this would quietly become a local
        # file of that name.
        raise ValueError(
            f"{WAREHOUSE_ENV}={value}: the warehouse must be a DuckDB file path; "
            "MotherDuck and DuckLake are not supported yet (README, Scaling out)"
        )
    return Path(value or PROJECT_ROOT / "warehouse" / "juesuan.duckdb").resolve()


def reports_dir() -> Path:
    """Where each run writes the quality report, its Excel export and the Data Docs."""
    return Path(os.environ.get(REPORTS_ENV) or PROJECT_ROOT / "reports").resolve()


def document_store_dir() -> Path:
    """Per-document values handed between the pipeline's steps, beside the warehouse."""
    return warehouse_path().parent / "document_store"


def unit_registry_path() -> Path | None:
    """The operator's CSV of expected units (unit_name, region, unit_level), if configured."""
    value = os.environ.get(UNIT_REGISTRY_ENV)
    return Path(value).resolve() if value else None


def extract_timeout_seconds() -> float:
    return float(os.environ.get(EXTRACT_TIMEOUT_ENV) or DEFAULT_EXTRACT_TIMEOUT_SECONDS)


def extract_workers() -> int | None:
    """Extraction worker processes per run; None: one per CPU available."""
    value = os.environ.get(EXTRACT_WORKERS_ENV)
    return int(value) if value else None


def executor_name() -> str:
    """How a run's steps execute: 'default' (Dagster's multiprocess executor; in-process
    for `juesuan ingest`), 'k8s' (a pod per step, dagster-k8s) or 'celery' (a Celery task
    per step, dagster-celery)."""
    return os.environ.get(EXECUTOR_ENV) or "default"


def use_paths(sources: Path | None = None, warehouse: Path | None = None) -> None:
    """Fix both paths as absolute environment variables, so that dbt (a subprocess run
    from its own folder) writes the same DuckDB file as Python."""
    if sources is not None:
        os.environ[SOURCES_ENV] = str(Path(sources).resolve())
    if warehouse is not None:
        os.environ[WAREHOUSE_ENV] = str(Path(warehouse).resolve())
    os.environ[SOURCES_ENV] = str(sources_dir())
    os.environ[WAREHOUSE_ENV] = str(warehouse_path())
