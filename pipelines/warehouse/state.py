"""What the warehouse knows about itself: each question asked in one place.

Every function reads an open connection (pipelines.warehouse.connection.connect) and
writes nothing. The questions: which relations exist; which documents are loaded, and by
which extractor version; whether the marts or the checks are behind raw; the latest
quality run and its findings; and where the documents stand, for `juesuan status` and
the run summary.

Statuses come from marts.dim_document (loaded, rejected, superseded); before dbt has built
the marts they come from raw.documents, which knows only loaded and rejected (a superseded
version is still 'loaded' there), and the result names the relation it read. A fiscal
year of None is a document whose year was never read (typically rejected before the
cover was understood): it is a group of its own.
"""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

import duckdb

MARTS_DOCUMENTS = "marts.dim_document"
RAW_DOCUMENTS = "raw.documents"
COVERAGE = "quality.document_coverage"
# Each document's results from the latest run that checked it (written by the quality
# engine with quality.check_results): the one answer to "the latest quality run".
LATEST_RESULTS = "quality.check_results_latest"
# What each document's latest results were computed from (the quality engine's staleness).
CHECK_STATE = "quality.check_state"
PROBLEM_STATUSES = ("rejected", "superseded")


def existing_relations(con: duckdb.DuckDBPyConnection) -> set[str]:
    """Every table and view of the warehouse, as 'schema.name'."""
    rows = con.execute(
        "select schema_name || '.' || table_name from duckdb_tables() "
        "union all select schema_name || '.' || view_name from duckdb_views()"
    ).fetchall()
    return {name for (name,) in rows}


def known_documents(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """document_id → extractor_version of every document already in the warehouse."""
    if RAW_DOCUMENTS not in existing_relations(con):
        return {}
    query = f"select document_id, extractor_version from {RAW_DOCUMENTS}"
    return dict(con.execute(query).fetchall())


def downstream_behind_raw(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether the marts or the quality checks have not yet seen the raw schema as it is:
    a document loaded after the last dbt build, or a loaded document whose checks have not
    seen its current reading (e.g. when a run failed after loading), so that a run with
    nothing new still brings them up to date.

    The checks are behind when a document the marts hold as loaded has no check state for
    its ingested_at (quality.check_state, which the engine writes for every document it
    checks); a warehouse checked before that table existed is behind when its latest
    results are older than its latest load."""
    relations = existing_relations(con)
    if RAW_DOCUMENTS not in relations or not _count(con, f"select count(*) from {RAW_DOCUMENTS}"):
        return False
    if not {MARTS_DOCUMENTS, "quality.check_results"} <= relations:
        return True
    marts_behind = """
        exists (
            select 1 from raw.documents as r
            where not exists (
                select 1 from marts.dim_document as d
                where d.document_id = r.document_id and d.ingested_at = r.ingested_at
            )
        )
    """
    if CHECK_STATE in relations:
        checks_behind = f"""
            exists (
                select 1 from {MARTS_DOCUMENTS} as d
                where d.status = 'loaded' and not exists (
                    select 1 from {CHECK_STATE} as s
                    where s.document_id = d.document_id and s.ingested_at = d.ingested_at
                )
            )
        """
    else:
        checks_behind = """
            coalesce(
                (select max(checked_at) from quality.check_results)
                < (select max(ingested_at) from raw.documents),
                true
            )
        """
    return bool(_one(con, f"select ({marts_behind}) or ({checks_behind})"))


class QualityRun(NamedTuple):
    run_id: str
    checked_at: datetime  # naive UTC, as the warehouse stores it


class FindingCounts(NamedTuple):
    errors: int
    rounding: int
    documents_with_errors: int
    review: int = 0  # failed on a figure read with doubt (需人工核对), not counted as errors


def quality_run(con: duckdb.DuckDBPyConnection, run_id: str | None = None) -> QualityRun | None:
    """The run `run_id` when it recorded results, else the latest run; None before the
    first run. Read from quality.check_results_latest, so a run is one whose results are
    still some document's latest."""
    if LATEST_RESULTS not in existing_relations(con):
        return None
    latest = f"select run_id, max(checked_at) from {LATEST_RESULTS}"
    row = None
    if run_id is not None:
        row = con.execute(f"{latest} where run_id = ? group by run_id", [run_id]).fetchone()
    if row is None:
        row = con.execute(f"{latest} group by run_id order by 2 desc, 1 desc limit 1").fetchone()
    return QualityRun(*row) if row is not None else None


_FINDING_COUNTS = """
    count(*) filter (where severity = 'error' and not dismissed),
    count(*) filter (where severity = 'rounding' and not dismissed),
    count(distinct document_id) filter (where severity = 'error' and not dismissed),
    count(*) filter (where severity = 'review' and not dismissed)
"""
# A reviewer's dismissals (pipelines.quality.store): a dismissed finding is counted apart.
DISMISSALS = "quality.dismissals"


def _results(con: duckdb.DuckDBPyConnection) -> str:
    """The latest results with `dismissed`: whether a reviewer dismissed the finding."""
    if DISMISSALS not in existing_relations(con):
        return f"(select *, false as dismissed from {LATEST_RESULTS})"
    return (
        f"(select results.*, dismissals.finding_id is not null as dismissed "
        f"from {LATEST_RESULTS} as results left join {DISMISSALS} as dismissals "
        f"on dismissals.finding_id = results.finding_id and not results.passed)"
    )


def run_findings(con: duckdb.DuckDBPyConnection, run: QualityRun) -> FindingCounts:
    """Errors, rounding differences and findings to review of a run, and how many
    documents have errors."""
    row = con.execute(
        f"select {_FINDING_COUNTS} from {_results(con)} where run_id = ?", [run.run_id]
    ).fetchone()
    return FindingCounts(*row) if row is not None else FindingCounts(0, 0, 0)


def dismissed_findings(con: duckdb.DuckDBPyConnection, run: QualityRun) -> int:
    """How many of the run's findings a reviewer dismissed (not counted in run_findings)."""
    row = con.execute(
        f"select count(*) filter (where dismissed) from {_results(con)} where run_id = ?",
        [run.run_id],
    ).fetchone()
    return int(row[0]) if row is not None else 0


def run_findings_by_check(
    con: duckdb.DuckDBPyConnection, run: QualityRun
) -> dict[str, FindingCounts]:
    """check_name → the run's findings of that check (checks with none are absent)."""
    rows = con.execute(
        f"select check_name, {_FINDING_COUNTS} from {_results(con)} "
        "where run_id = ? group by check_name",
        [run.run_id],
    ).fetchall()
    return {name: FindingCounts(*counts) for name, *counts in rows}


def _loaded(con: duckdb.DuckDBPyConnection) -> str:
    """The filter to the documents the marts hold as loaded (every one before the marts)."""
    if MARTS_DOCUMENTS not in existing_relations(con):
        return "true"
    return f"document_id in (select document_id from {MARTS_DOCUMENTS} where status = 'loaded')"


def current_findings(con: duckdb.DuckDBPyConnection) -> FindingCounts:
    """Errors, rounding differences and findings to review over every loaded document's
    latest results, whichever run checked it (a run checks only the stale documents, so
    one run's results are not the warehouse's); dismissed findings are not counted."""
    if LATEST_RESULTS not in existing_relations(con):
        return FindingCounts(0, 0, 0)
    row = con.execute(
        f"select {_FINDING_COUNTS} from {_results(con)} where {_loaded(con)}"
    ).fetchone()
    return FindingCounts(*row) if row is not None else FindingCounts(0, 0, 0)


def current_dismissed_findings(con: duckdb.DuckDBPyConnection) -> int:
    """How many of the loaded documents' latest findings a reviewer dismissed."""
    if LATEST_RESULTS not in existing_relations(con):
        return 0
    row = con.execute(
        f"select count(*) filter (where dismissed) from {_results(con)} where {_loaded(con)}"
    ).fetchone()
    return int(row[0]) if row is not None else 0


def current_findings_by_check(con: duckdb.DuckDBPyConnection) -> dict[str, FindingCounts]:
    """check_name → current_findings of that check (checks without results are absent)."""
    if LATEST_RESULTS not in existing_relations(con):
        return {}
    rows = con.execute(
        f"select check_name, {_FINDING_COUNTS} from {_results(con)} "
        f"where {_loaded(con)} group by check_name"
    ).fetchall()
    return {name: FindingCounts(*counts) for name, *counts in rows}


def _one(con: duckdb.DuckDBPyConnection, query: str) -> object:
    row = con.execute(query).fetchone()
    return row[0] if row is not None else None


def _count(con: duckdb.DuckDBPyConnection, query: str) -> int:
    value = _one(con, query)
    return int(value) if isinstance(value, int) else 0


# --- Where the documents stand -------------------------------------------------------


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
    # (fiscal_year, document_kind, expected_units, units_without_loaded); the kind is
    # '决算' in a warehouse built before budgets were read
    rows: list[tuple[int, str, int, int]]


def document_source(con: duckdb.DuckDBPyConnection) -> str:
    """The relation the document statuses are read from; LookupError when there is none."""
    present = existing_relations(con)
    for name in (MARTS_DOCUMENTS, RAW_DOCUMENTS):
        if name in present:
            return name
    raise LookupError(f"neither {MARTS_DOCUMENTS} nor {RAW_DOCUMENTS} exists")


def _year_filter(year: int | None) -> tuple[str, list]:
    return ("where fiscal_year = ?", [year]) if year is not None else ("where true", [])


def documents_by_status(con: duckdb.DuckDBPyConnection, year: int | None = None) -> Counts:
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


def problem_documents(con: duckdb.DuckDBPyConnection, year: int | None = None) -> Problems:
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


def rejection_reasons(con: duckdb.DuckDBPyConnection, year: int | None = None) -> Reasons:
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


def coverage_gaps(con: duckdb.DuckDBPyConnection, year: int | None = None) -> Coverage | None:
    """Per fiscal year and document kind (预算, 决算): expected units and how many have no
    loaded document of that kind, from
    quality.document_coverage; None when that table (or its has_loaded_document flag) is
    absent. Units that sent documents without being in the unit registry (in_registry
    false) are not expected, so they are not counted."""
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
    kind = "document_kind" if "document_kind" in columns else "'决算'"
    rows = con.execute(
        f"""
        select fiscal_year,
               coalesce({kind}, '决算') as document_kind,
               count(*) as expected_units,
               count(*) filter (where not coalesce(has_loaded_document, false)) as gaps
        from {COVERAGE}
        {where}
        group by all
        order by fiscal_year, document_kind
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
