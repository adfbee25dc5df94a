"""PDF inbox → extracted documents → raw schema, one partition per document.

The three assets run a whole set of document partitions in one run (single-run backfill
policy): extraction fans out to shard steps (one by default), each with its own worker
processes, and the raw load writes DuckDB once per run instead of once per document.
"""

import os
import socket
import warnings
from collections import Counter
from pathlib import Path
from typing import Any

import dagster as dg

from pipelines import settings
from pipelines.defs.fresh_process import in_fresh_process
from pipelines.defs.ingestion.partitions import document_partitions
from pipelines.defs.ingestion.planning import pending_sources, split_into_shards
from pipelines.defs.resources import DUCKDB_POOL, ExtractionResource, InboxResource
from pipelines.extract.records import DocumentExtraction
from pipelines.extract.runner import SourceFile, extract_all
from pipelines.progress import IngestProgress
from pipelines.warehouse import WarehouseResource
from pipelines.warehouse.load import RAW_TABLES, load_extraction_folders
from pipelines.warehouse.resource import permanent_faults_fail_at_once
from pipelines.warehouse.state import downstream_behind_raw

RAW_KEYS = [dg.AssetKey(["raw", name]) for name in RAW_TABLES]
# Single-run backfills are what this pipeline is built around; Dagster marks the
# parameter beta, which is not news to print on every command.
warnings.filterwarnings("ignore", message=".*backfill_policy.*", category=dg.BetaWarning)
SINGLE_RUN = dg.BackfillPolicy.single_run()
# Transient faults: the warehouse locked by another process past the wait in `connect`,
# a network share that drops a read. A document's own problems are not faults: they are
# recorded as rejections and never retried.
TRANSIENT_RETRY = dg.RetryPolicy(
    max_retries=3, delay=15, backoff=dg.Backoff.EXPONENTIAL, jitter=dg.Jitter.PLUS_MINUS
)


# What every per-document step shares: a run covers many document partitions.
PER_DOCUMENT_STEP: dict[str, Any] = {
    "partitions_def": document_partitions,
    "backfill_policy": SINGLE_RUN,
    "retry_policy": TRANSIENT_RETRY,
}


@dg.asset(
    group_name="ingestion", kinds={"pdf"}, io_manager_key="document_store", **PER_DOCUMENT_STEP
)
def source_documents(
    context: dg.AssetExecutionContext, inbox: InboxResource
) -> dict[str, dict | None]:
    """The inbox file holding each document's content (any folder layout; the hashes the
    sensor or the planner computed are reused). None when no file has that content any
    more (re-issued and replaced, or removed): what the warehouse holds of it stays."""
    scan = inbox.scan()
    found = {source.document_id: source.handed_on() for source in scan.documents}
    files = {key: found.get(key) for key in context.partition_keys}
    gone = [key for key, source in files.items() if source is None]
    if gone:
        context.log.warning(
            f"{len(gone)} document(s) no longer in the inbox, left as loaded before: "
            + ", ".join(key[:12] for key in gone)
        )
    # Logged at info: `juesuan ingest` prints them from its plan, the sensor on its ticks.
    for entry in scan.skipped:
        context.log.info(f"已跳过收件箱条目 {entry.source_path}：{entry.reason}")
    context.add_output_metadata(
        {
            "documents": len(files),
            "no_longer_in_inbox": len(gone),
            # Counts only: Dagster copies a partitioned step's metadata into every
            # partition's materialisation, so a list here would grow as documents².
            "skipped_entries": len(scan.skipped),
        }
    )
    return files


def document_metadata(extraction: DocumentExtraction) -> dict:
    """What the UI shows for one document partition."""
    accuracies = [
        page["accuracy"]
        for table in extraction.tables
        for page in table.parsing_report
        if page.get("accuracy") is not None
    ]
    found = [t.table_id for t in extraction.tables if t.status in ("extracted", "empty")]
    missing = [t.table_id for t in extraction.tables if t.status == "missing"]
    return {
        "file": extraction.source_path,
        "status": extraction.status,
        "status_reason": extraction.status_reason or "",
        "unit_name": extraction.unit_name or "",
        "fiscal_year": extraction.fiscal_year or 0,
        "pages": extraction.page_count or 0,
        "tables_found": len(found),
        "tables_missing": ", ".join(missing),
        "camelot_accuracy": round(sum(accuracies) / len(accuracies), 1) if accuracies else 0.0,
        "seconds": round(extraction.seconds, 2),
    }


class ExtractionConfig(dg.Config):
    force: bool = False
    """Extract again even when the content and the extractor version are unchanged."""
    shards: int = 1
    """How many steps the run's documents are split into, each extracting its share with
    its own process pool. With Dagster's multiprocess executor 1 is best (one pool uses
    every CPU); with the Celery or Kubernetes executor each shard is a task or pod, so
    several spread the extraction over the workers."""


EXTRACTIONS_KEY = dg.AssetKey("document_extractions")


@dg.op(out=dg.DynamicOut(dict), retry_policy=TRANSIENT_RETRY)
def plan_extraction_shards(
    config: ExtractionConfig,
    source_documents: dict[str, dict | None],
    inbox: InboxResource,
    warehouse: WarehouseResource,
    progress: dg.ResourceParam[IngestProgress],
):
    """The run's documents still to extract (content or extractor version not yet in the
    warehouse, or all with `force`), split into `shards` groups of similar size; always
    one group, empty when nothing is new, so that the collecting step runs."""
    sources = [
        SourceFile.received(inbox.root, key, value)
        for key, value in source_documents.items()
        if value is not None
    ]
    with permanent_faults_fail_at_once():
        todo = pending_sources(sources, warehouse, force=config.force)
    progress.start("extract", len(todo))
    for index, shard in enumerate(split_into_shards(todo, config.shards)):
        yield dg.DynamicOutput(
            {source.document_id: source.handed_on() for source in shard},
            mapping_key=f"shard_{index}",
        )


@dg.op(retry_policy=TRANSIENT_RETRY)
def extract_shard(
    context: dg.OpExecutionContext,
    shard: dict[str, dict],
    inbox: InboxResource,
    extraction: ExtractionResource,
    progress: dg.ResourceParam[IngestProgress],
) -> dict:
    """Extracts one shard's documents in parallel worker processes, storing each as it
    completes; hands on where each is stored and its figures, and which process ran it
    (a Celery worker or pod with a distributed executor)."""
    sources = [SourceFile.received(inbox.root, key, value) for key, value in shard.items()]
    stored: dict[str, dict] = {}
    rows = []
    # A full disk or a read-only store fails the step at once, not after retries.
    with permanent_faults_fail_at_once():
        for extracted in extract_all(sources, inbox.root, timeout=extraction.timeout_seconds):
            stored[extracted.document_id] = {
                "folder": extraction.save(extracted),
                "source_path": extracted.source_path,
            }
            row = document_metadata(extracted)
            rows.append(row)
            # Per-document figures, on the document's own partition.
            context.log_event(
                dg.AssetObservation(
                    asset_key=EXTRACTIONS_KEY, partition=extracted.document_id, metadata=row
                )
            )
            if extracted.status != "loaded":
                context.log.warning(
                    f"{extracted.source_path}: rejected — {extracted.status_reason}"
                )
            progress.advance("extract", extracted.source_path)
    executed_by = f"{os.getpid()}@{socket.gethostname()}"
    context.add_output_metadata({"documents": len(rows), "executed_by": executed_by})
    return {"stored": stored, "rows": rows}


@dg.op(out=dg.Out(io_manager_key="document_store"))
def collect_extractions(
    context: dg.OpExecutionContext,
    source_documents: dict[str, dict | None],
    shards: list[dict],
    progress: dg.ResourceParam[IngestProgress],
) -> dict[str, dict | None]:
    """Every document of the run with where its new extraction is stored (None: unchanged
    or gone from the inbox), and the run's extraction figures."""
    progress.finish("extract")
    stored: dict[str, dict | None] = dict.fromkeys(source_documents)
    rows = []
    for shard in shards:
        stored.update(shard["stored"])
        rows += shard["rows"]
    statuses = Counter(row["status"] for row in rows)
    context.add_output_metadata(
        {
            "extracted": len(rows),
            "unchanged": sum(source is not None for source in source_documents.values())
            - len(rows),
            "shards": len(shards),
            "loaded": statuses.get("loaded", 0),
            "rejected": statuses.get("rejected", 0),
            "pages": sum(row["pages"] for row in rows),
            # Counts only (each document's figures are on its own partition's observation):
            # this metadata is copied into every partition's materialisation.
            "seconds": round(sum(row["seconds"] for row in rows), 2),
        }
    )
    return stored


@dg.graph_asset(
    group_name="ingestion",
    kinds={"camelot"},
    partitions_def=document_partitions,
    backfill_policy=SINGLE_RUN,
    # Run config keeps the shape of a single step's: ops: {document_extractions: {config:
    # {force: true, shards: 4}}}.
    config=dg.ConfigMapping(
        config_schema=ExtractionConfig.to_config_schema(),
        config_fn=lambda config: {"plan_extraction_shards": {"config": config}},
    ),
)
def document_extractions(source_documents: dict[str, dict | None]) -> dict[str, dict | None]:
    """Tables, narrative figures and provenance read from each document, each stored as it
    completes (the value says where). The documents are split into shards, one step each,
    so a distributed executor spreads them over its workers. A document already in the
    warehouse with the same content and extractor version is not extracted again (None
    here), unless `force` is set."""
    shards = plan_extraction_shards(source_documents)
    return collect_extractions(source_documents, shards.map(extract_shard).collect())


@dg.multi_asset(
    specs=[
        dg.AssetSpec(
            key,
            group_name="raw",
            kinds={"duckdb"},
            deps=[document_extractions],
            skippable=True,
        )
        for key in RAW_KEYS
    ],
    ins={"document_extractions": dg.AssetIn()},
    pool=DUCKDB_POOL,
    **PER_DOCUMENT_STEP,
)
def raw_tables(
    context: dg.AssetExecutionContext,
    document_extractions: dict[str, dict | None],
    warehouse: WarehouseResource,
    progress: dg.ResourceParam[IngestProgress],
):
    """Each new extraction replaces its document's rows in raw, one transaction per
    document. With nothing new and the marts current, nothing is materialised and the
    dbt build, the checks and the report downstream are skipped."""
    fresh = [stored for stored in document_extractions.values() if stored is not None]
    progress.start("load", len(fresh))
    per_process = settings.raw_load_documents_per_process()
    processes: set[int] = set()
    with permanent_faults_fail_at_once():
        # In consecutive processes of their own, so that what loading leaves behind goes
        # with them (pipelines.defs.fresh_process) and this one's peak does not grow with
        # the documents; a failure keeps the documents loaded before it.
        for start in range(0, len(fresh), per_process):
            chunk = fresh[start : start + per_process]
            loaded = in_fresh_process(
                load_extraction_folders,
                warehouse.file,
                [Path(stored["folder"]) for stored in chunk],
            )
            processes.add(loaded.process_id)
            for stored in chunk:
                progress.advance("load", stored["source_path"])
        with warehouse.connect() as con:
            behind = downstream_behind_raw(con)
            counts = dict(
                con.execute(
                    " union all ".join(f"select '{t}', count(*) from raw.{t}" for t in RAW_TABLES)
                ).fetchall()
            )
    progress.finish("load")
    if not fresh and not behind:
        context.log.info("Nothing new and the marts are current: downstream steps skip.")
        return
    for key in RAW_KEYS:
        yield dg.MaterializeResult(
            asset_key=key,
            metadata={
                "rows": counts[key.path[-1]],
                "documents_written": len(fresh),
                "load_processes": len(processes),
            },
        )
