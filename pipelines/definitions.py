"""The one Definitions root of the Juesuan code location."""

from __future__ import annotations

import dagster as dg

from pipelines import settings
from pipelines.defs.ingestion.definitions import defs as ingestion_defs
from pipelines.defs.resources import InboxResource, WarehouseResource
from pipelines.defs.transformation.definitions import defs as transformation_defs

settings.use_paths()  # dbt runs as a subprocess and must see the same absolute paths

ingest_job = dg.define_asset_job(
    "ingest", selection=dg.AssetSelection.all(), description="PDF inbox → raw → dbt marts"
)

defs = dg.Definitions.merge(
    ingestion_defs,
    transformation_defs,
    dg.Definitions(
        jobs=[ingest_job],
        resources={
            "inbox": InboxResource(path=str(settings.sources_dir())),
            "warehouse": WarehouseResource(
                path=str(settings.warehouse_path()),
                extract_timeout_seconds=settings.extract_timeout_seconds(),
            ),
        },
    ),
)
