"""Loading extractions into the raw schema: one transaction per document.

A document's rows are replaced as a whole, so loading the same document again changes
nothing, and a failure leaves what was there before intact.
"""

from __future__ import annotations

import json
import time
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pandas as pd

from pipelines.extract.records import DocumentExtraction

RAW_SCHEMA_SQL = Path(__file__).with_name("raw_schema.sql")


# How long to wait for another process (dbt, a concurrent run, an analyst's session) to
# release the DuckDB file before giving up.
LOCK_WAIT_SECONDS = 60.0


def _open(path: Path, read_only: bool, lock_wait: float) -> duckdb.DuckDBPyConnection:
    deadline = time.monotonic() + lock_wait
    delay = 0.2
    while True:
        try:
            return duckdb.connect(str(path), read_only=read_only)
        except duckdb.IOException as exc:
            if "lock" not in str(exc).lower() or time.monotonic() + delay > deadline:
                raise
            time.sleep(delay)
            delay = min(delay * 2, 5.0)


@contextmanager
def connect(path: Path, read_only: bool = False, lock_wait: float = LOCK_WAIT_SECONDS):
    """A DuckDB connection with the raw schema in place; closed on exit, because DuckDB
    allows one writer process and dbt runs next. Waits up to `lock_wait` seconds while
    another process holds the file."""
    if not read_only:
        path.parent.mkdir(parents=True, exist_ok=True)
    con = _open(path, read_only, lock_wait)
    try:
        if not read_only:
            con.execute(RAW_SCHEMA_SQL.read_text(encoding="utf-8"))
        yield con
    finally:
        con.close()


def known_documents(path: Path) -> dict[str, str]:
    """document_id → extractor_version of every document already in the warehouse."""
    if not path.exists():
        return {}
    with connect(path, read_only=True) as con:
        if "raw.documents" not in existing_relations(con):
            return {}
        return dict(
            con.execute("select document_id, extractor_version from raw.documents").fetchall()
        )


def existing_relations(con: duckdb.DuckDBPyConnection) -> set[str]:
    """Every table and view of the warehouse, as 'schema.name'."""
    rows = con.execute(
        "select schema_name || '.' || table_name from duckdb_tables() "
        "union all select schema_name || '.' || view_name from duckdb_views()"
    ).fetchall()
    return {name for (name,) in rows}


def downstream_behind_raw(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether the marts or the quality checks have not yet seen the raw schema as it is:
    a document loaded after the last dbt build or the last quality run (e.g. when a run
    failed after loading), so that a run with nothing new still brings them up to date."""
    if not con.execute("select count(*) from raw.documents").fetchone()[0]:
        return False
    if not {"marts.dim_document", "quality.check_results"} <= existing_relations(con):
        return True
    return bool(
        con.execute(
            """
            select
                exists (
                    select 1 from raw.documents as r
                    where not exists (
                        select 1 from marts.dim_document as d
                        where d.document_id = r.document_id and d.ingested_at = r.ingested_at
                    )
                )
                or coalesce(
                    (select max(checked_at) from quality.check_results)
                    < (select max(ingested_at) from raw.documents),
                    true
                )
            """
        ).fetchone()[0]
    )


def _cells_frame(extraction: DocumentExtraction) -> pd.DataFrame:
    records = [
        (
            extraction.document_id,
            table.table_id,
            row.row_number,
            row.page,
            row.side,
            row.subject_code,
            row.line_label,
            cell.column_name,
            cell.printed_text,
            None if cell.amount is None else str(cell.amount),
        )
        for table in extraction.tables
        for row in table.rows
        for cell in row.cells
    ]
    return pd.DataFrame.from_records(
        records,
        columns=[
            "document_id",
            "table_id",
            "row_number",
            "page",
            "side",
            "subject_code",
            "line_label",
            "column_name",
            "printed_text",
            "amount",
        ],
    ).astype(object)


def load_extraction(con: duckdb.DuckDBPyConnection, extraction: DocumentExtraction) -> None:
    """Replace one document's rows in one transaction."""
    document_id = extraction.document_id
    cells = _cells_frame(extraction)
    con.execute("begin transaction")
    try:
        for table in ("narrative_figures", "table_cells", "extracted_tables", "documents"):
            con.execute(f"delete from raw.{table} where document_id = ?", [document_id])
        con.execute(
            "insert into raw.documents values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                document_id,
                extraction.file_name,
                extraction.source_path,
                extraction.file_size,
                extraction.page_count,
                extraction.document_kind,
                extraction.unit_name,
                extraction.region,
                extraction.unit_level,
                extraction.fiscal_year,
                extraction.status,
                extraction.status_reason,
                extraction.extractor_version,
                datetime.now(UTC).replace(tzinfo=None),
            ],
        )
        if extraction.tables:
            con.executemany(
                "insert into raw.extracted_tables values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    [
                        document_id,
                        t.table_id,
                        t.canonical_title,
                        t.printed_title,
                        t.status,
                        t.money_unit,
                        t.first_page,
                        t.last_page,
                        t.note,
                        json.dumps(
                            {"pages": t.parsing_report, "problems": t.problems},
                            ensure_ascii=False,
                        ),
                    ]
                    for t in extraction.tables
                ],
            )
        if extraction.narrative:
            con.executemany(
                "insert into raw.narrative_figures values (?, ?, ?::decimal(20, 6), ?, ?)",
                [
                    [document_id, f.figure, str(f.amount), f.page, f.context]
                    for f in extraction.narrative
                ],
            )
        if len(cells):
            con.register("incoming_cells", cells)
            con.execute(
                """
                insert into raw.table_cells
                select document_id, table_id, row_number::integer, page::integer, side,
                       subject_code, line_label, column_name, printed_text,
                       amount::decimal(20, 6)
                from incoming_cells
                """
            )
            con.unregister("incoming_cells")
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise
