import dagster as dg

from pipelines.defs.ingestion.assets import document_extractions, raw_tables, source_documents
from pipelines.defs.ingestion.jobs import ingest_job
from pipelines.defs.ingestion.schedules import SCHEDULES
from pipelines.defs.ingestion.sensors import inbox_sensor

defs = dg.Definitions(
    assets=[source_documents, document_extractions, raw_tables],
    jobs=[ingest_job],
    sensors=[inbox_sensor],
    schedules=SCHEDULES,
)
