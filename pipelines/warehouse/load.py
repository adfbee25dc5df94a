"""Loading extractions into the raw schema: one transaction per document.

The connection comes from pipelines.warehouse.connection.connect. A document's rows are
replaced as a whole, so loading the same document again changes nothing, and a failure
leaves what was there before intact.

No Dagster here, and pandas only where a frame is built: a fresh process that loads saved
extractions (load_extraction_folders) starts with this module, DuckDB and little else.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb

from pipelines.extract.records import DocumentExtraction
from pipelines.warehouse.connection import IN_MEMORY, connect

if TYPE_CHECKING:
    import pandas as pd


def _cells_frame(extraction: DocumentExtraction) -> pd.DataFrame:
    import pandas as pd  # here: a process that only loads saved extractions spares it

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
            cell.uncertain_reason is not None,
            cell.uncertain_reason,
            *(cell.box or (None, None, None, None)),
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
            "reading_uncertain",
            "uncertain_reason",
            "x0",
            "y0",
            "x1",
            "y1",
        ],
    ).astype(object)


def _lines_frame(extraction: DocumentExtraction) -> pd.DataFrame:
    import pandas as pd

    records = [
        (extraction.document_id, line.page, line.line_number, line.text, *line.box)
        for line in extraction.lines
    ]
    return pd.DataFrame.from_records(
        records,
        columns=["document_id", "page", "line_number", "text", "x0", "y0", "x1", "y1"],
    )


def load_extraction(con: duckdb.DuckDBPyConnection, extraction: DocumentExtraction) -> None:
    """Replace one document's rows in one transaction."""
    document_id = extraction.document_id
    cells = _cells_frame(extraction)
    lines = _lines_frame(extraction)
    con.execute("begin transaction")
    try:
        delete_loaded_rows(con, document_id)
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
                insert into raw.table_cells by name
                select document_id, table_id, row_number::integer as row_number,
                       page::integer as page, side, subject_code, line_label, column_name,
                       printed_text, amount::decimal(20, 6) as amount,
                       reading_uncertain::boolean as reading_uncertain,
                       uncertain_reason::varchar as uncertain_reason,
                       x0::double as x0, y0::double as y0, x1::double as x1, y1::double as y1
                from incoming_cells
                """
            )
            con.unregister("incoming_cells")
        if len(lines):
            con.register("incoming_lines", lines)
            con.execute(
                """
                insert into raw.page_lines by name
                select document_id, page::integer as page, line_number::integer as line_number,
                       text, x0::double as x0, y0::double as y0, x1::double as x1,
                       y1::double as y1
                from incoming_lines
                """
            )
            con.unregister("incoming_lines")
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise


# The raw tables, in the order a document's rows are inserted (documents first).
RAW_TABLES = ("documents", "extracted_tables", "table_cells", "narrative_figures", "page_lines")


def delete_loaded_rows(con: duckdb.DuckDBPyConnection, document_id: str) -> None:
    """Delete a document's rows from every raw table, if it was loaded before. A document
    is loaded with its raw.documents row, in one transaction, so a document without that
    row has no rows anywhere; looking it up there (its primary key) spares the deletes,
    each of which scans its whole table (document_id alone is no index's key): a cost
    that grows with the warehouse, paid by every new document of a large load."""
    (loaded,) = con.execute(
        "select count(*) from raw.documents where document_id = ?", [document_id]
    ).fetchone() or (0,)
    if not loaded:
        return
    for table in reversed(RAW_TABLES):
        con.execute(f"delete from raw.{table} where document_id = ?", [document_id])


def _parquet(folder: Path, table: str) -> str:
    return str(folder / f"{table}.parquet")


def save_extraction_files(extraction: DocumentExtraction, folder: Path) -> None:
    """One extraction as Parquet files, one per raw table, with the raw schema's columns
    and types (inspect with DuckDB: `select * from 'table_cells.parquet'`). Written into a
    sibling folder and renamed, so a reader never sees half an extraction."""
    partial = folder.with_name(folder.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(parents=True)
    # The raw schema in memory: the same rows load_extraction writes to the warehouse.
    with connect(IN_MEMORY) as con:
        load_extraction(con, extraction)
        for table in RAW_TABLES:
            target = _parquet(partial, table).replace("'", "''")
            con.execute(f"copy raw.{table} to '{target}' (format parquet)")
    shutil.rmtree(folder, ignore_errors=True)
    partial.rename(folder)


def load_extraction_files(con: duckdb.DuckDBPyConnection, folder: Path) -> str:
    """Replace one document's rows with those saved in `folder` (save_extraction_files),
    in one transaction; returns its document_id. ingested_at is the time of this load."""
    (document_id,) = con.execute(
        "select document_id from read_parquet(?)", [_parquet(folder, "documents")]
    ).fetchone() or (None,)
    if document_id is None:
        raise ValueError(f"{folder}: no document in documents.parquet")
    con.execute("begin transaction")
    try:
        delete_loaded_rows(con, document_id)
        con.execute(
            "insert into raw.documents by name "
            "select * replace (?::timestamp as ingested_at) from read_parquet(?)",
            [datetime.now(UTC).replace(tzinfo=None), _parquet(folder, "documents")],
        )
        for table in RAW_TABLES[1:]:
            if not Path(_parquet(folder, table)).is_file():
                continue  # saved by an older extractor that did not read this table
            con.execute(
                f"insert into raw.{table} by name select * from read_parquet(?)",
                [_parquet(folder, table)],
            )
        con.execute("commit")
    except Exception:
        # A commit that failed has rolled back already; its error is the one to raise.
        with contextlib.suppress(duckdb.TransactionException):
            con.execute("rollback")
        raise
    return document_id


@dataclass(frozen=True)
class FoldersLoaded:
    """What a process that loaded extractions tells the one that started it."""

    document_ids: list[str]  # in the order loaded
    process_id: int


def load_extraction_folders(warehouse: Path, folders: list[Path]) -> FoldersLoaded:
    """Loads each of `folders` (save_extraction_files) into the warehouse file, one
    transaction per document, on one connection. Meant for a fresh process
    (pipelines.defs.fresh_process): the memory Python and DuckDB keep after each load goes
    with the process, instead of raising the high-water mark of the run's."""
    with connect(warehouse) as con:
        document_ids = [load_extraction_files(con, folder) for folder in folders]
    return FoldersLoaded(document_ids, os.getpid())
