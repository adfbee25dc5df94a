import dagster as dg

# The whole pipeline; runs over a range of document partitions. Unpartitioned assets
# downstream (dbt models, quality, report) run once per run.
ingest_job = dg.define_asset_job(
    "ingest",
    selection=dg.AssetSelection.all(),
    description="PDF inbox → raw → dbt marts → quality checks and report",
)
