"""Resources shared by the domains: the inbox, the extraction, the reports, and what one
per-document step hands the next (the warehouse's resource is pipelines.warehouse's)."""

from __future__ import annotations

import json
from pathlib import Path

import dagster as dg

from pipelines import settings
from pipelines.extract.records import DocumentExtraction
from pipelines.extract.runner import InboxScan, discover
from pipelines.warehouse.load import save_extraction_files

# DuckDB allows one writer process: every asset that writes the warehouse takes this pool,
# whose limit is 1 (dagster_home/dagster.yaml).
DUCKDB_POOL = "duckdb"


class InboxResource(dg.ConfigurableResource):
    """The folder of disclosure PDFs (JUESUAN_SOURCES; any layout below it), and the file
    of their hashes that every scan shares (settings.inbox_hashes_path)."""

    path: str
    hash_cache: str

    @property
    def root(self) -> Path:
        return Path(self.path)

    def scan(self, settle_seconds: float = 0.0) -> InboxScan:
        """The inbox's documents, and the entries skipped with their reasons; only files
        new or changed since any earlier scan are read."""
        return discover(self.root, Path(self.hash_cache), settle_seconds=settle_seconds)


class ReportsResource(dg.ConfigurableResource):
    """Where the quality report, its Excel export and the Data Docs are written."""

    path: str

    @property
    def directory(self) -> Path:
        return Path(self.path)


class ExtractionResource(dg.ConfigurableResource):
    """How documents are extracted (the time one may take: JUESUAN_EXTRACT_TIMEOUT) and
    where each extraction waits for the raw load: a folder per document of Parquet files
    shaped like the raw tables, written as soon as it is done, so a run over thousands of
    documents holds one extraction in memory at a time."""

    store_path: str
    timeout_seconds: float = settings.DEFAULT_EXTRACT_TIMEOUT_SECONDS

    def save(self, extraction: DocumentExtraction) -> str:
        """Stores one extraction; returns its folder."""
        folder = Path(self.store_path, extraction.document_id)
        save_extraction_files(extraction, folder)
        return str(folder)


class DocumentStoreIOManager(dg.ConfigurableIOManager):
    """Hands per-document values between the document-partitioned assets of a run.

    One JSON file per asset and document partition (readable, and small: the extraction
    itself is in the ExtractionResource's store). Unlike Dagster's filesystem IO manager it
    stores a run that covers many partitions (single-run backfills, `juesuan ingest`): the
    asset returns {partition key: value}, and its downstream asset reads the same.
    """

    base_dir: str

    def _path(self, asset_key: dg.AssetKey, partition_key: str) -> Path:
        return Path(self.base_dir, *asset_key.path, f"{partition_key}.json")

    def handle_output(self, context: dg.OutputContext, obj: dict) -> None:
        missing = set(context.asset_partition_keys) - set(obj)
        if missing:
            raise ValueError(f"{context.asset_key.to_user_string()}: no value for {missing}")
        for partition_key in context.asset_partition_keys:
            path = self._path(context.asset_key, partition_key)
            path.parent.mkdir(parents=True, exist_ok=True)
            partial = path.with_suffix(".partial")
            partial.write_text(json.dumps(obj[partition_key], ensure_ascii=False), "utf-8")
            partial.replace(path)  # a reader never sees half a file

    def load_input(self, context: dg.InputContext) -> dict:
        return {
            partition_key: json.loads(
                self._path(context.asset_key, partition_key).read_text("utf-8")
            )
            for partition_key in context.asset_partition_keys
        }
