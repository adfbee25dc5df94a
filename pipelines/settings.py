"""Where things are: the inbox, the warehouse, the dbt project. One place decides.

Defaults are relative to the project checkout; JUESUAN_SOURCES and JUESUAN_WAREHOUSE
override them for the pipeline, dbt and the CLI alike.
"""

from __future__ import annotations

import csv
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
EXTRACT_MEMORY_ENV = "JUESUAN_EXTRACT_MEMORY_MB"
EXTRACT_MAX_PAGES_ENV = "JUESUAN_EXTRACT_MAX_PAGES"
POOL_WAIT_ENV = "JUESUAN_POOL_WAIT_SECONDS"
QUALITY_BATCH_ENV = "JUESUAN_QUALITY_BATCH"
QUALITY_BATCHES_PER_PROCESS_ENV = "JUESUAN_QUALITY_BATCHES_PER_PROCESS"
DOCUMENTS_PER_RUN_ENV = "JUESUAN_DOCUMENTS_PER_RUN"
RAW_LOAD_DOCUMENTS_PER_PROCESS_ENV = "JUESUAN_RAW_LOAD_DOCUMENTS_PER_PROCESS"
DUCKDB_MEMORY_ENV = "JUESUAN_DUCKDB_MEMORY_LIMIT"
DUCKDB_THREADS_ENV = "JUESUAN_DUCKDB_THREADS"
DEFAULT_EXTRACT_TIMEOUT_SECONDS = 300.0
# Every disclosure measured (the real corpus, generated ones of both producers) extracts
# within 350 MB, about 260 MB of it the extractor's libraries; bombs pass several GB.
DEFAULT_EXTRACT_MEMORY_MB = 2048
# Disclosures run to tens of pages, a file of several merged ones to hundreds; a page-tree
# bomb declares up to a million.
DEFAULT_EXTRACT_MAX_PAGES = 2000
# Long enough for another run's dbt build and checks over a large corpus.
DEFAULT_POOL_WAIT_SECONDS = 1800.0
# Documents the quality checks read at once, those checked and those they are compared
# with: a generated disclosure and its outcomes take a few MB while checked.
DEFAULT_QUALITY_BATCH = 50
# Batches one process checks before the next takes over: a process that goes on checking
# keeps a little of each batch (some MB, DuckDB's and the allocator's), so a cold run over
# 1,000 documents peaked 9% above one over 200 in a single process.
DEFAULT_QUALITY_BATCHES_PER_PROCESS = 8
# Documents one run of `juesuan ingest` extracts and loads; more pending make consecutive
# runs. Without DAGSTER_HOME the command's instance is in memory and holds a run's events
# (about 38 KiB a document) until the run is over. Each further run costs one more dbt
# build, checks start and report: 2,000 documents in two runs of 1,000 took 14% longer per
# document than 1,000 in one (measured when the raw load was still in the command's
# process). So a run splits only inboxes far beyond a city's year.
DEFAULT_DOCUMENTS_PER_RUN = 5000
# Documents one raw-load process loads before a fresh one goes on. A process keeps what
# its loads leave behind: in one holding Dagster (281 MiB) they raised the peak by 94 MiB
# at 200 documents and 175 at 2,000. A fresh one starts in about 0.4 s at 72 MiB and
# peaked at 147 MiB loading 250 documents into an empty warehouse, near 210 (DuckDB's
# limit reached) into one of 1,000, as with 500 or 1,000 documents. 2,000 documents
# loaded in 61 s in processes of 250, 64 of 500, 73 of 100 (each opens the warehouse).
DEFAULT_RAW_LOAD_DOCUMENTS_PER_PROCESS = 250
# What the DuckDB of one of the pipeline's processes may hold in buffers before it spills
# to its temporary folder (DuckDB's own default is 80% of the machine's memory, so the
# buffers of a process grow with the warehouse it reads). The pipeline reads and writes a
# batch or a document at a time; with 512MB the checkpoint of a write connection closing on
# a 2,000-document warehouse held 240 MiB more than the work, with 128MB nothing. dbt builds
# whole models and has its own limit, JUESUAN_DBT_MEMORY_LIMIT (profiles.yml, 512MB).
DEFAULT_DUCKDB_MEMORY_LIMIT = "128MB"
# DuckDB's threads per process; each holds its own buffers while it runs.
DEFAULT_DUCKDB_THREADS = 2


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


def inbox_hashes_path() -> Path:
    """The inbox files' hashes, kept so that each file is hashed once per change."""
    return document_store_dir() / "inbox_hashes.json"


UNIT_REGISTRY_COLUMNS = ("unit_name", "region", "unit_level")


class UnitRegistryError(ValueError):
    """The configured unit registry cannot be read as one."""


def unit_registry_path() -> Path | None:
    """The operator's CSV of expected units (unit_name, region, unit_level), if configured.

    Its header is checked here, before dbt reads it, so that a wrong file is named with
    what it lacks rather than failing the dbt build with DuckDB's binder error."""
    value = os.environ.get(UNIT_REGISTRY_ENV)
    if not value:
        return None
    path = Path(value).resolve()
    try:
        with path.open(encoding="utf-8-sig", newline="") as file:
            header = next(csv.reader(file), [])
    except (OSError, UnicodeDecodeError) as error:
        raise UnitRegistryError(
            f"单位登记表无法读取 (unit registry {UNIT_REGISTRY_ENV}={value}): {error}"
        ) from error
    missing = [name for name in UNIT_REGISTRY_COLUMNS if name not in {h.strip() for h in header}]
    if missing:
        raise UnitRegistryError(
            f"单位登记表缺少列 {', '.join(missing)} (unit registry {path}: the first line must "
            f"name the columns {', '.join(UNIT_REGISTRY_COLUMNS)})"
        )
    return path


def extract_timeout_seconds() -> float:
    return float(os.environ.get(EXTRACT_TIMEOUT_ENV) or DEFAULT_EXTRACT_TIMEOUT_SECONDS)


def pool_wait_seconds() -> float:
    """How long a step waits for the warehouse's pool "duckdb" while another run holds it."""
    return float(os.environ.get(POOL_WAIT_ENV) or DEFAULT_POOL_WAIT_SECONDS)


def _positive_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if not value:
        return default
    try:
        number = int(value)
    except ValueError:
        number = 0
    if number <= 0:
        raise ValueError(f"{name}={value}：须为正整数 (must be a positive integer)")
    return number


def extract_memory_mb() -> int:
    """The memory (MB) one extraction worker may allocate; a document needing more is
    rejected, as a compression bomb or a broken file."""
    return _positive_int(EXTRACT_MEMORY_ENV, DEFAULT_EXTRACT_MEMORY_MB)


def extract_max_pages() -> int:
    """The most pages a document may declare before anything is read from it."""
    return _positive_int(EXTRACT_MAX_PAGES_ENV, DEFAULT_EXTRACT_MAX_PAGES)


def quality_batch() -> int:
    """How many documents the quality checks read, check and write at a time."""
    return _positive_int(QUALITY_BATCH_ENV, DEFAULT_QUALITY_BATCH)


def quality_batches_per_process() -> int:
    """How many batches one quality process checks before a fresh one goes on."""
    return _positive_int(QUALITY_BATCHES_PER_PROCESS_ENV, DEFAULT_QUALITY_BATCHES_PER_PROCESS)


def documents_per_run() -> int:
    """The most documents one run of `juesuan ingest` extracts; more make further runs."""
    return _positive_int(DOCUMENTS_PER_RUN_ENV, DEFAULT_DOCUMENTS_PER_RUN)


def raw_load_documents_per_process() -> int:
    """How many documents one raw-load process loads before a fresh one goes on."""
    return _positive_int(RAW_LOAD_DOCUMENTS_PER_PROCESS_ENV, DEFAULT_RAW_LOAD_DOCUMENTS_PER_PROCESS)


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
    """The CLI's options, at its entry: fixes both paths as absolute environment variables,
    which every later reading of the settings (and the code location) then sees."""
    if sources is not None:
        os.environ[SOURCES_ENV] = str(Path(sources).resolve())
    if warehouse is not None:
        os.environ[WAREHOUSE_ENV] = str(Path(warehouse).resolve())
    os.environ[SOURCES_ENV] = str(sources_dir())
    os.environ[WAREHOUSE_ENV] = str(warehouse_path())


_MEMORY_SIZE = re.compile(r"\d+(\.\d+)?\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)", re.IGNORECASE)


def duckdb_memory_limit() -> str:
    """The memory_limit of the pipeline's DuckDB connections (a size as DuckDB reads it:
    128MB, 2GiB)."""
    value = (os.environ.get(DUCKDB_MEMORY_ENV) or DEFAULT_DUCKDB_MEMORY_LIMIT).strip()
    if not _MEMORY_SIZE.fullmatch(value):
        raise ValueError(
            f"{DUCKDB_MEMORY_ENV}={value}：须为带单位的大小，如 512MB、2GB "
            "(must be a size with its unit, e.g. 512MB or 2GB)"
        )
    return value


def duckdb_threads() -> int:
    """The threads of every DuckDB connection."""
    return _positive_int(DUCKDB_THREADS_ENV, DEFAULT_DUCKDB_THREADS)
