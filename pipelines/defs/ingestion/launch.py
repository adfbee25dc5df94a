"""One ingestion run from the command line: the same run the sensor or the schedule
would launch, executed in this process."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import dagster as dg

from pipelines import settings
from pipelines.defs.ingestion.partitions import register_documents
from pipelines.defs.ingestion.planning import pending_sources, range_tags
from pipelines.extract.runner import discover
from pipelines.warehouse import WarehouseResource

# The console log shows warnings (each rejected document) and errors; the full event log
# is Dagster's, under `make dev`.
QUIET_LOGS = {"loggers": {"console": {"config": {"log_level": "WARNING"}}}}


@dataclass
class IngestPlan:
    documents: int  # distinct contents in the inbox
    pending: list[str]  # document ids to extract
    tags: dict[str, str]  # the run's partition range; empty when nothing is pending
    rebuild_only: bool  # nothing to extract, but the marts or checks are behind raw


def plan_ingestion(
    instance: dg.DagsterInstance, inbox: Path, warehouse: Path, force: bool = False
) -> IngestPlan:
    """Registers the inbox's documents as partitions and decides what the run covers."""
    sources = discover(inbox, settings.inbox_hashes_path())
    partition_order = register_documents(instance, sources)
    warehouse_resource = WarehouseResource(path=str(warehouse))
    pending = [s.document_id for s in pending_sources(sources, warehouse_resource, force)]
    tags = range_tags(pending, partition_order) if pending else {}
    rebuild_only = not pending and warehouse_resource.downstream_behind_raw()
    return IngestPlan(len(sources), pending, tags, rebuild_only)


def run_ingestion(
    defs: dg.Definitions,
    instance: dg.DagsterInstance,
    plan: IngestPlan,
    force: bool = False,
) -> dg.ExecuteInProcessResult | None:
    """Executes the plan; None when there is nothing to do."""
    job = defs.resolve_job_def("ingest")
    if plan.pending:
        return job.execute_in_process(
            instance=instance,
            tags={**plan.tags, "juesuan/trigger": "cli"},
            run_config={
                **QUIET_LOGS,
                "ops": {"document_extractions": {"config": {"force": force}}},
            },
            raise_on_error=False,
        )
    if plan.rebuild_only:
        # Everything but the per-document (partitioned) assets.
        graph = job.asset_layer.asset_graph
        downstream = [
            key
            for key in job.asset_layer.executable_asset_keys
            if graph.get(key).partitions_def is None
        ]
        return job.execute_in_process(
            instance=instance,
            tags={"juesuan/trigger": "cli"},
            run_config=QUIET_LOGS,
            asset_selection=downstream,
            raise_on_error=False,
        )
    return None
