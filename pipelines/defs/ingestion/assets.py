"""PDF inbox → extracted documents → raw schema, one partition per document.

The three assets run a whole set of document partitions in one run (single-run backfill
policy): extraction fans out to worker processes itself, and the raw load writes DuckDB
once per run instead of once per document.
"""

import warnings
from collections import Counter
from pathlib import Path
from typing import Any

import dagster as dg

from pipelines.defs.ingestion.partitions import document_partitions
from pipelines.defs.ingestion.planning import pending_sources
from pipelines.defs.resources import DUCKDB_POOL, ExtractionResource, InboxResource
from pipelines.extract.records import DocumentExtraction
from pipelines.extract.runner import SourceFile, extract_all
from pipelines.progress import IngestProgress
from pipelines.warehouse import WarehouseResource
from pipelines.warehouse.load import RAW_TABLES, load_extraction_files
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


class ExtractionConfig(dg.Config):
    force: bool = False
    """Extract again even when the content and the extractor version are unchanged."""


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
            "skipped_entries": len(scan.skipped),
            "skipped_entry_reasons": dg.MetadataValue.md(
                "\n".join(f"- `{e.source_path}`: {e.reason}" for e in scan.skipped) or "none"
            ),
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


def _markdown_table(rows: list[dict]) -> str:
    columns = ["file", "status", "unit_name", "fiscal_year", "pages", "tables_found"]
    columns += ["camelot_accuracy", "status_reason"]
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    lines += ["| " + " | ".join(str(row[c]) for c in columns) + " |" for row in rows]
    return "\n".join(lines)


@dg.asset(
    group_name="ingestion", kinds={"camelot"}, io_manager_key="document_store", **PER_DOCUMENT_STEP
)
def document_extractions(
    context: dg.AssetExecutionContext,
    config: ExtractionConfig,
    source_documents: dict[str, dict | None],
    inbox: InboxResource,
    warehouse: WarehouseResource,
    extraction: ExtractionResource,
    progress: dg.ResourceParam[IngestProgress],
) -> dict[str, dict | None]:
    """Tables, narrative figures and provenance read from each document, in parallel
    worker processes, each stored as it completes (the value says where). A document
    already in the warehouse with the same content and extractor version is not extracted
    again (None here), unless `force` is set."""
    sources = [
        SourceFile.received(inbox.root, key, value)
        for key, value in source_documents.items()
        if value is not None
    ]
    # A full disk or a read-only store fails the step at once, not after retries.
    with permanent_faults_fail_at_once():
        todo = pending_sources(sources, warehouse, force=config.force)
        stored: dict[str, dict | None] = dict.fromkeys(source_documents)
        progress.start("extract", len(todo))
        rows = []
        for extracted in extract_all(todo, inbox.root, timeout=extraction.timeout_seconds):
            stored[extracted.document_id] = {
                "folder": extraction.save(extracted),
                "source_path": extracted.source_path,
            }
            row = document_metadata(extracted)
            rows.append(row)
            # Per-document figures, on the document's own partition.
            context.log_event(
                dg.AssetObservation(
                    asset_key=context.asset_key, partition=extracted.document_id, metadata=row
                )
            )
            if extracted.status != "loaded":
                context.log.warning(
                    f"{extracted.source_path}: rejected — {extracted.status_reason}"
                )
            progress.advance("extract", extracted.source_path)
    progress.finish("extract")
    statuses = Counter(row["status"] for row in rows)
    context.add_output_metadata(
        {
            "extracted": len(rows),
            "unchanged": sum(source is not None for source in source_documents.values())
            - len(todo),
            "loaded": statuses.get("loaded", 0),
            "rejected": statuses.get("rejected", 0),
            "pages": sum(row["pages"] for row in rows),
            "seconds": round(sum(row["seconds"] for row in rows), 2),
            "documents": dg.MetadataValue.md(_markdown_table(rows) if rows else "nothing new"),
        }
    )
    return stored


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
    with permanent_faults_fail_at_once(), warehouse.connect() as con:
        for stored in fresh:
            load_extraction_files(con, Path(stored["folder"]))
            progress.advance("load", stored["source_path"])
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
            metadata={"rows": counts[key.path[-1]], "documents_written": len(fresh)},
        )
