"""Juesuan: final-accounts disclosures (决算公开) from PDF to a checked DuckDB warehouse."""
