"""The one Definitions root of the Juesuan code location."""

from __future__ import annotations

import dagster as dg

from pipelines import settings
from pipelines.defs.ingestion import definitions as ingestion
from pipelines.defs.quality import definitions as quality
from pipelines.defs.resources import InboxResource, ReportsResource, WarehouseResource
from pipelines.defs.transformation import definitions as transformation

settings.use_paths()  # dbt runs as a subprocess and must see the same absolute paths

ingest_job = dg.define_asset_job(
    "ingest",
    selection=dg.AssetSelection.all(),
    description="PDF inbox → raw → dbt marts → quality checks and report",
)

# Domain modules are imported as modules: Dagster allows one Definitions object at this
# module's scope.
defs = dg.Definitions.merge(
    ingestion.defs,
    transformation.defs,
    quality.defs,
    dg.Definitions(
        jobs=[ingest_job],
        resources={
            "inbox": InboxResource(path=str(settings.sources_dir())),
            "reports": ReportsResource(path=str(settings.reports_dir())),
            "warehouse": WarehouseResource(
                path=str(settings.warehouse_path()),
                extract_timeout_seconds=settings.extract_timeout_seconds(),
            ),
        },
    ),
)
