"""PDF inbox → extracted documents → raw schema."""

from collections import Counter

import dagster as dg

from pipelines.defs.resources import DUCKDB_POOL, InboxResource, WarehouseResource
from pipelines.extract import EXTRACTOR_VERSION
from pipelines.extract.records import DocumentExtraction
from pipelines.extract.runner import SourceFile, discover, extract_all
from pipelines.warehouse.load import connect, known_documents, load_extraction

RAW_KEYS = [
    dg.AssetKey(["raw", name])
    for name in ("documents", "extracted_tables", "table_cells", "narrative_figures")
]


@dg.asset(group_name="ingestion", kinds={"pdf"})
def source_documents(context: dg.AssetExecutionContext, inbox: InboxResource) -> list[SourceFile]:
    """Every PDF in the inbox, one per distinct content (sha256); any folder layout."""
    sources = discover(inbox.root)
    context.add_output_metadata({"documents": len(sources), "inbox": str(inbox.root)})
    return sources


@dg.asset(group_name="ingestion", kinds={"camelot"})
def document_extractions(
    context: dg.AssetExecutionContext,
    source_documents: list[SourceFile],
    inbox: InboxResource,
    warehouse: WarehouseResource,
) -> list[DocumentExtraction]:
    """Tables and provenance read from each new or changed PDF, in parallel processes.

    A document already in the warehouse with the same content and extractor version is
    not extracted again.
    """
    known = known_documents(warehouse.file)
    todo = [s for s in source_documents if known.get(s.document_id) != EXTRACTOR_VERSION]
    results = []
    for extraction in extract_all(todo, inbox.root, timeout=warehouse.extract_timeout_seconds):
        level = "info" if extraction.status == "loaded" else "warning"
        getattr(context.log, level)(
            f"{extraction.source_path}: {extraction.status}"
            + (f" — {extraction.status_reason}" if extraction.status_reason else "")
        )
        results.append(extraction)
    statuses = Counter(r.status for r in results)
    context.add_output_metadata(
        {
            "extracted": len(results),
            "unchanged": len(source_documents) - len(todo),
            "loaded": statuses.get("loaded", 0),
            "rejected": statuses.get("rejected", 0),
            "pages": sum(r.page_count or 0 for r in results),
            "seconds": round(sum(r.seconds for r in results), 2),
            "rejections": dg.MetadataValue.md(
                "\n".join(
                    f"- {r.source_path}: {r.status_reason}" for r in results if r.status_reason
                )
                or "none"
            ),
        }
    )
    return results


@dg.multi_asset(
    specs=[
        dg.AssetSpec(key, group_name="raw", kinds={"duckdb"}, deps=["document_extractions"])
        for key in RAW_KEYS
    ],
    ins={"document_extractions": dg.AssetIn()},
    pool=DUCKDB_POOL,
)
def raw_tables(
    context: dg.AssetExecutionContext,
    document_extractions: list[DocumentExtraction],
    warehouse: WarehouseResource,
):
    """Each extraction replaces its document's rows in raw, one transaction per document."""
    with connect(warehouse.file) as con:
        for extraction in document_extractions:
            load_extraction(con, extraction)
        counts = {
            key.path[-1]: con.execute(f"select count(*) from raw.{key.path[-1]}").fetchone()[0]
            for key in RAW_KEYS
        }
    for key in RAW_KEYS:
        yield dg.MaterializeResult(
            asset_key=key,
            metadata={"rows": counts[key.path[-1]], "documents_written": len(document_extractions)},
        )
