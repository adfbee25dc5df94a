"""The DuckDB warehouse: raw schema and loading."""
