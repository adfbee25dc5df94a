"""The data tests of the raw tables, the staging views and the per-document intermediate
views read only the documents no passed build tested (dbt_project/macros/test_scope.sql,
written by the pipeline before each build: pipelines/defs/transformation/definitions.py),
so one new document does not cost a test of the whole warehouse; without a scope every
document is tested.

A defect planted in a tested document's raw rows shows both sides: the scoped tests pass
over it, the same tests over every document fail on it; planted in the new document, the
scoped tests fail on it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest
from dbt.cli.main import dbtRunner

from pipelines.defs.transformation.definitions import (
    TEST_SCOPE,
    record_tested_versions,
    write_test_scope,
)
from tests import test_dbt_marts as finals
from tests.test_dbt_incremental import KINDS, TABLES, Warehouse

pytestmark = pytest.mark.slow  # dbt builds

# The per-document relations' tests (the macro's), and a fact mart's, which stay whole.
SCOPED = [
    "source:raw.table_cells",
    "stg_raw__table_cells",
    "int_function_subject_rows",
    "int_leaf_amounts__loaded",
    "int_statement_lines__loaded",
]


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Warehouse]:
    warehouse = Warehouse(tmp_path_factory.mktemp("dbt_test_scope"))
    warehouse.add([finals.OFFICE_V1, finals.FINANCE_2019], TABLES, KINDS)
    warehouse.build()
    with duckdb.connect(str(warehouse.file)) as con:
        record_tested_versions(con)
    warehouse.add([finals.FINANCE_2020], TABLES, KINDS)
    warehouse.build()
    yield warehouse


def failed_tests(warehouse: Warehouse) -> set[str]:
    """The tests of SCOPED that fail, by name (dbt test, in-process)."""
    result = dbtRunner(manifest=warehouse.manifest).invoke(
        ["test", "--select", *SCOPED, *warehouse.project_args(warehouse.file)]
    )
    assert result.result is not None, result.exception
    ran = list(result.result)
    assert len(ran) > 10, "the scoped relations' tests did not run"
    errors = [r for r in ran if str(r.status) == "error"]
    assert not errors, [f"{r.node.unique_id}: {r.message}" for r in errors]
    return {r.node.name for r in ran if str(r.status) == "fail"}


def split_a_row(warehouse: Warehouse, document_id: str) -> None:
    """One cell of a printed row of the document's 支出决算表 with another row label than
    its row's other cells: the row reads as two (int_function_subject_rows' grain)."""
    with duckdb.connect(str(warehouse.file)) as con:
        (row_number, column_name) = con.execute(
            """
            select row_number, max(column_name) from raw.table_cells
            where document_id = ? and table_id = 'T03' and subject_code is not null
            group by row_number having count(*) > 1 order by row_number limit 1
            """,
            [document_id],
        ).fetchone()
        con.execute(
            """
            update raw.table_cells set line_label = line_label || '（另）'
            where document_id = ? and table_id = 'T03' and row_number = ? and column_name = ?
            """,
            [document_id, row_number, column_name],
        )


def scope(warehouse: Warehouse, every_document: bool = False) -> int | None:
    with duckdb.connect(str(warehouse.file)) as con:
        return write_test_scope(con, every_document=every_document)


def test_the_scope_is_the_versions_no_passed_build_tested(warehouse: Warehouse) -> None:
    assert scope(warehouse) == 1
    (scoped,) = warehouse.query(f"select document_id from {TEST_SCOPE}")
    assert scoped == (finals.FINANCE_2020.document_id,)
    # every document tested: no scope table
    assert scope(warehouse, every_document=True) is None
    assert not warehouse.query(
        "select * from duckdb_tables() where schema_name = 'pipeline' "
        "and table_name = 'dbt_test_scope'"
    )


def test_scoped_tests_skip_the_tested_documents_and_read_the_new(warehouse: Warehouse) -> None:
    grain = (
        "unique_combination_of_columns_int_function_subject_rows_document_id__table_id__row_number"
    )
    split_a_row(warehouse, finals.FINANCE_2019.document_id)  # tested before
    assert scope(warehouse) == 1
    assert failed_tests(warehouse) == set()
    # Every document: the same test finds it.
    scope(warehouse, every_document=True)
    assert grain in failed_tests(warehouse)
    # The new document's own defect is caught within the scope.
    split_a_row(warehouse, finals.FINANCE_2020.document_id)
    assert scope(warehouse) == 1
    assert grain in failed_tests(warehouse)


def test_the_scoped_test_of_a_view_reads_the_view_for_its_documents(
    warehouse: Warehouse, tmp_path: Path
) -> None:
    """The compiled test of an intermediate view inlines the scope's document ids inside
    the view's SQL (so DuckDB filters the raw scans), not around the whole view."""
    scope(warehouse)
    result = dbtRunner(manifest=warehouse.manifest).invoke(
        ["compile", "--select", "int_statement_lines__loaded,resource_type:test",
         *warehouse.project_args(warehouse.file)]
    )  # fmt: skip
    assert result.success, result.exception
    # Its generic tests (the singular statement_labels_printed_once reads the view whole).
    compiled = [
        r.node.compiled_code for r in result.result if getattr(r.node, "test_metadata", None)
    ]
    assert len(compiled) >= 5
    new_id = finals.FINANCE_2020.document_id
    for sql in compiled:
        assert f"document_id in ('{new_id}')" in sql
        assert "int_statement_lines__loaded" not in sql.split("dbt_subquery")[0]
