"""Dagster definitions by domain: ingestion (PDF → raw) and transformation (dbt marts)."""
