"""PDF inbox → extracted documents → raw schema, one partition per document.

The three assets run a whole set of document partitions in one run (single-run backfill
policy): extraction fans out to worker processes itself, and the raw load writes DuckDB
once per run instead of once per document.
"""

import warnings
from collections import Counter

import dagster as dg

from pipelines.defs.ingestion.partitions import document_partitions
from pipelines.defs.resources import (
    DUCKDB_POOL,
    ExtractionStore,
    InboxResource,
    WarehouseResource,
)
from pipelines.extract import EXTRACTOR_VERSION
from pipelines.extract.records import DocumentExtraction
from pipelines.extract.runner import SourceFile, discover, extract_all
from pipelines.progress import IngestProgress
from pipelines.warehouse.load import (
    connect,
    downstream_behind_raw,
    known_documents,
    load_extraction,
)

RAW_KEYS = [
    dg.AssetKey(["raw", name])
    for name in ("documents", "extracted_tables", "table_cells", "narrative_figures")
]
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
PER_DOCUMENT_STEP = {
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
) -> dict[str, SourceFile | None]:
    """The inbox file holding each document's content (any folder layout). None when no
    file has that content any more (re-issued and replaced, or removed): what the
    warehouse holds of it stays."""
    found = {source.document_id: source for source in discover(inbox.root)}
    files = {key: found.get(key) for key in context.partition_keys}
    gone = [key for key, source in files.items() if source is None]
    if gone:
        context.log.warning(
            f"{len(gone)} document(s) no longer in the inbox, left as loaded before: "
            + ", ".join(key[:12] for key in gone)
        )
    context.add_output_metadata({"documents": len(files), "no_longer_in_inbox": len(gone)})
    return files


def document_metadata(extraction: DocumentExtraction) -> dict:
    """What the UI shows for one document partition."""
    accuracies = [
        page["accuracy"]
        for table in extraction.tables
        for page in table.parsing_report
        if page.get("accuracy") is not None
    ]
    found = [t.table_id for t in extraction.tables if t.status != "missing"]
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
    source_documents: dict[str, SourceFile | None],
    inbox: InboxResource,
    warehouse: WarehouseResource,
    extraction_store: ExtractionStore,
    progress: dg.ResourceParam[IngestProgress],
) -> dict[str, str | None]:
    """Tables, narrative figures and provenance read from each document, in parallel
    worker processes, each stored as it completes (the value is where). A document
    already in the warehouse with the same content and extractor version is not extracted
    again (None here), unless `force` is set."""
    known = {} if config.force else known_documents(warehouse.file)
    todo = [
        source
        for source in source_documents.values()
        if source is not None and known.get(source.document_id) != EXTRACTOR_VERSION
    ]
    stored: dict[str, str | None] = dict.fromkeys(source_documents)
    progress.start("extract", len(todo))
    rows = []
    for extraction in extract_all(todo, inbox.root, timeout=warehouse.extract_timeout_seconds):
        stored[extraction.document_id] = extraction_store.save(extraction)
        row = document_metadata(extraction)
        rows.append(row)
        # Per-document figures, on the document's own partition.
        context.log_event(
            dg.AssetObservation(
                asset_key=context.asset_key, partition=extraction.document_id, metadata=row
            )
        )
        if extraction.status != "loaded":
            context.log.warning(f"{extraction.source_path}: rejected — {extraction.status_reason}")
        progress.advance("extract", extraction.source_path)
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
    document_extractions: dict[str, str | None],
    warehouse: WarehouseResource,
    extraction_store: ExtractionStore,
    progress: dg.ResourceParam[IngestProgress],
):
    """Each new extraction replaces its document's rows in raw, one transaction per
    document. With nothing new and the marts current, nothing is materialised and the
    dbt build, the checks and the report downstream are skipped."""
    fresh = [stored for stored in document_extractions.values() if stored is not None]
    progress.start("load", len(fresh))
    with connect(warehouse.file) as con:
        for stored in fresh:
            extraction = extraction_store.load(stored)
            load_extraction(con, extraction)
            progress.advance("load", extraction.source_path)
        behind = downstream_behind_raw(con)
        counts = {
            key.path[-1]: con.execute(f"select count(*) from raw.{key.path[-1]}").fetchone()[0]
            for key in RAW_KEYS
        }
    progress.finish("load")
    if not fresh and not behind:
        context.log.info("Nothing new and the marts are current: downstream steps skip.")
        return
    for key in RAW_KEYS:
        yield dg.MaterializeResult(
            asset_key=key,
            metadata={"rows": counts[key.path[-1]], "documents_written": len(fresh)},
        )
