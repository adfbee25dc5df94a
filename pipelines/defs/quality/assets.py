"""The quality engine and the finance bureau's report, after the dbt models build."""

import dagster as dg

from pipelines import settings
from pipelines.defs.fresh_process import in_fresh_process
from pipelines.defs.ingestion.assets import TRANSIENT_RETRY
from pipelines.defs.resources import DUCKDB_POOL, ReportsResource
from pipelines.defs.transformation.definitions import juesuan_dbt_models
from pipelines.progress import IngestProgress
from pipelines.quality import QualitySummary, run_quality_checks
from pipelines.report import write_report
from pipelines.warehouse import WarehouseResource
from pipelines.warehouse.resource import permanent_faults_fail_at_once

QUALITY_RESULTS = dg.AssetKey(["quality", "check_results"])
QUALITY_REPORT = dg.AssetKey(["quality", "report"])


@dg.asset(
    key=QUALITY_RESULTS,
    deps=[juesuan_dbt_models],
    group_name="quality",
    kinds={"great_expectations", "duckdb"},
    pool=DUCKDB_POOL,
    retry_policy=TRANSIENT_RETRY,
)
def quality_check_results(
    context: dg.AssetExecutionContext,
    warehouse: WarehouseResource,
    reports: ReportsResource,
    progress: dg.ResourceParam[IngestProgress],
) -> dg.MaterializeResult:
    """Every accounting identity of every loaded document whose checks are stale (new,
    read again, compared with a changed document, or checked by changed rules), checked
    (Great Expectations) batch by batch into quality.check_results. A document's broken
    identities are findings, recorded here; they never fail the run.
    (quality.document_coverage is a dbt model.)"""
    progress.start("quality")
    # In processes of their own, a few batches each, so that what checking leaves behind
    # goes with them (pipelines.defs.fresh_process); each goes on where the last stopped.
    parts: list[QualitySummary] = []
    with permanent_faults_fail_at_once():
        while not parts or not parts[-1].complete:
            parts.append(
                in_fresh_process(
                    run_quality_checks,
                    warehouse.file,
                    run_id=context.run_id,
                    reports_dir=reports.directory,
                    max_batches=settings.quality_batches_per_process(),
                )
            )
    progress.finish("quality")
    summary = parts[-1]
    checked = sum(part.documents_checked for part in parts)
    # This run's work, then the warehouse's findings over every loaded document's latest
    # results (a run checks only the stale documents).
    metadata: dict = {
        "documents_checked": checked,
        "documents_up_to_date": summary.documents_loaded - checked,
        "outcomes_written": sum(part.outcomes for part in parts),
        "batches": sum(part.batches for part in parts),
        "processes": len(parts),
        "errors": summary.latest.errors,
        "review": summary.latest.review,
        "rounding": summary.latest.rounding,
        "documents_with_errors": summary.latest.documents_with_errors,
    }
    if summary.data_docs_index is not None:
        metadata["data_docs"] = dg.MetadataValue.path(str(summary.data_docs_index))
    return dg.MaterializeResult(metadata=metadata)


@dg.asset(key=QUALITY_REPORT, deps=[QUALITY_RESULTS], group_name="quality", kinds={"html"})
def quality_report(warehouse: WarehouseResource, reports: ReportsResource) -> dg.MaterializeResult:
    """The finance bureau's report: the overview (one self-contained HTML file), a page
    per document (rewritten only for documents whose results changed) and the Excel, CSV
    and JSON exports."""
    data_docs = reports.directory / "data_docs" / "index.html"
    with permanent_faults_fail_at_once():
        files = in_fresh_process(
            write_report,
            warehouse.file,
            reports.directory,
            data_docs if data_docs.exists() else None,
        )
    return dg.MaterializeResult(
        metadata={
            "html": dg.MetadataValue.path(str(files.html)),
            "excel": dg.MetadataValue.path(str(files.xlsx)),
            "document_pages": dg.MetadataValue.path(str(files.documents_folder)),
            "pages_rendered": dg.MetadataValue.int(len(files.pages_rendered)),
            "pages_removed": dg.MetadataValue.int(files.pages_removed),
        }
    )
