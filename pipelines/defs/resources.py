"""Resources shared by the domains: where the inbox and the warehouse are."""

from __future__ import annotations

import pickle
from pathlib import Path

import dagster as dg

from pipelines import settings
from pipelines.extract.records import DocumentExtraction

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


def _write_pickle(path: Path, value: object) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".partial")
    partial.write_bytes(pickle.dumps(value))
    partial.replace(path)  # a reader never sees half a file


class DocumentStoreIOManager(dg.ConfigurableIOManager):
    """Hands per-document values between the document-partitioned assets of a run.

    One pickle per asset and document partition. Unlike Dagster's filesystem IO manager it
    stores a run that covers many partitions (single-run backfills, `juesuan ingest`):
    the asset returns {partition key: value}, and its downstream asset reads the same.
    """

    base_dir: str

    def _path(self, asset_key: dg.AssetKey, partition_key: str) -> Path:
        return Path(self.base_dir, *asset_key.path, f"{partition_key}.pickle")

    def handle_output(self, context: dg.OutputContext, obj: dict) -> None:
        missing = set(context.asset_partition_keys) - set(obj)
        if missing:
            raise ValueError(f"{context.asset_key.to_user_string()}: no value for {missing}")
        for partition_key in context.asset_partition_keys:
            _write_pickle(self._path(context.asset_key, partition_key), obj[partition_key])

    def load_input(self, context: dg.InputContext) -> dict:
        return {
            partition_key: pickle.loads(self._path(context.asset_key, partition_key).read_bytes())
            for partition_key in context.asset_partition_keys
        }


class ExtractionStore(dg.ConfigurableResource):
    """Each document's extraction, pickled as soon as it is done. The per-document assets
    hand on only its path, so a run over thousands of documents holds one extraction in
    memory at a time, not all of them."""

    path: str

    def save(self, extraction: DocumentExtraction) -> str:
        target = Path(self.path, f"{extraction.document_id}.pickle")
        _write_pickle(target, extraction)
        return str(target)

    def load(self, stored: str) -> DocumentExtraction:
        return pickle.loads(Path(stored).read_bytes())
