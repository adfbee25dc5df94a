"""Where the documents stand: counts by fiscal year and status, the problem documents and
the coverage gaps, for `juesuan status`.

Pure reads on an open (read-only) DuckDB connection. Statuses come from marts.dim_document
(loaded, rejected, superseded); before dbt has built the marts they come from raw.documents,
which knows only loaded and rejected (a superseded version is still 'loaded' there), and the
result names the relation it read. A fiscal year of None is a document whose year was never
read (typically rejected before the cover was understood): it is a group of its own.
"""

from __future__ import annotations

from typing import NamedTuple

from pipelines.warehouse.load import existing_relations

MARTS_DOCUMENTS = "marts.dim_document"
RAW_DOCUMENTS = "raw.documents"
COVERAGE = "quality.document_coverage"
STATUSES = ("loaded", "rejected", "superseded")
PROBLEM_STATUSES = ("rejected", "superseded")


class Counts(NamedTuple):
    source: str  # the relation read: MARTS_DOCUMENTS, or RAW_DOCUMENTS before the marts exist
    rows: list[tuple[int | None, str, int]]  # (fiscal_year, status, documents)


class Problems(NamedTuple):
    source: str
    rows: list[tuple[str, int | None, str, str | None]]  # file_name, year, status, reason


class Reasons(NamedTuple):
    source: str
    rows: list[tuple[str | None, int]]  # (status_reason, documents), most common first


class Coverage(NamedTuple):
    expected_from: list[str]  # where the expected units came from (registry or warehouse)
    rows: list[tuple[int, int, int]]  # (fiscal_year, expected_units, units_without_loaded)


def document_source(con) -> str:
    """The relation the document statuses are read from; LookupError when there is none."""
    present = existing_relations(con)
    for name in (MARTS_DOCUMENTS, RAW_DOCUMENTS):
        if name in present:
            return name
    raise LookupError(f"neither {MARTS_DOCUMENTS} nor {RAW_DOCUMENTS} exists")


def _year_filter(year: int | None) -> tuple[str, list]:
    return ("where fiscal_year = ?", [year]) if year is not None else ("where true", [])


def documents_by_status(con, year: int | None = None) -> Counts:
    """(fiscal_year, status, documents), years ascending with the unknown year last."""
    source = document_source(con)
    where, params = _year_filter(year)
    rows = con.execute(
        f"""
        select fiscal_year, status, count(*) as documents
        from {source}
        {where}
        group by fiscal_year, status
        order by fiscal_year nulls last, status
        """,
        params,
    ).fetchall()
    return Counts(source, rows)


def problem_documents(con, year: int | None = None) -> Problems:
    """The rejected and superseded documents, by status, year (unknown last) and file name."""
    source = document_source(con)
    where, params = _year_filter(year)
    rows = con.execute(
        f"""
        select file_name, fiscal_year, status, status_reason
        from {source}
        {where} and status in ('rejected', 'superseded')
        order by status, fiscal_year nulls last, file_name
        """,
        params,
    ).fetchall()
    return Problems(source, rows)


def rejection_reasons(con, year: int | None = None) -> Reasons:
    """Why documents were rejected: (status_reason, documents), most common first."""
    source = document_source(con)
    where, params = _year_filter(year)
    rows = con.execute(
        f"""
        select status_reason, count(*) as documents
        from {source}
        {where} and status = 'rejected'
        group by status_reason
        order by documents desc, status_reason nulls last
        """,
        params,
    ).fetchall()
    return Reasons(source, rows)


def coverage_gaps(con, year: int | None = None) -> Coverage | None:
    """Per fiscal year: expected units and how many have no loaded document, from the
    quality engine's quality.document_coverage; None when that table (or its
    has_loaded_document flag) is absent. Units that sent documents without being in the
    unit registry (in_registry false) are not expected, so they are not counted."""
    if COVERAGE not in existing_relations(con):
        return None
    columns = {
        name
        for (name,) in con.execute(
            "select column_name from duckdb_columns() "
            "where schema_name = 'quality' and table_name = 'document_coverage'"
        ).fetchall()
    }
    if not {"fiscal_year", "has_loaded_document"} <= columns:
        return None
    where, params = _year_filter(year)
    where += " and fiscal_year is not null"
    if "in_registry" in columns:
        where += " and in_registry is distinct from false"
    rows = con.execute(
        f"""
        select fiscal_year,
               count(*) as expected_units,
               count(*) filter (where not coalesce(has_loaded_document, false)) as gaps
        from {COVERAGE}
        {where}
        group by fiscal_year
        order by fiscal_year
        """,
        params,
    ).fetchall()
    expected_from: list[str] = []
    if "expected_from" in columns:
        expected_from = [
            name
            for (name,) in con.execute(
                f"select distinct expected_from from {COVERAGE} {where} "
                "and expected_from is not null order by expected_from",
                params,
            ).fetchall()
        ]
    return Coverage(expected_from, rows)
