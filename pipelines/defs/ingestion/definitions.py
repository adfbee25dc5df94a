import dagster as dg

from pipelines.defs.ingestion.assets import document_extractions, raw_tables, source_documents

defs = dg.Definitions(assets=[source_documents, document_extractions, raw_tables])
