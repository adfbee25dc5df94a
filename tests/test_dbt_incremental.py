"""The per-document fact marts are built incrementally by document, and an incremental
build holds exactly what a full build (--full-refresh) holds.

One warehouse goes through the changes the pipeline makes between two builds: documents
added, a re-issued version superseding an older one, a document re-extracted (same file,
new ingested_at, other rows) and a newer version removed from raw (no product path
deletes a document's raw rows without loading it again: simulated with SQL here), so the
older one is current again. After each incremental build every fact mart is compared
both ways (EXCEPT ALL) with what a full build makes of the same raw rows: the SQL dbt
compiles for a full build (no batch: it reads the views over raw), run on the warehouse;
and after the last change, with a copy of the warehouse built by `dbt run --full-refresh`.
An incremental build of new documents leaves every other document's rows untouched. The
raw rows are the hand-made documents of test_dbt_marts (final accounts) and
test_budget_marts (budgets); dbt runs in-process, on the fact marts and what they read.
"""

from __future__ import annotations

import gc
import shutil
from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest
from dbt.adapters.duckdb.connections import DuckDBConnectionManager
from dbt.cli.main import dbtRunner

from tests import test_budget_marts as budgets
from tests import test_dbt_marts as finals
from tests.test_dbt_marts import DBT_PROJECT, RAW_SCHEMA, Doc, RawTable, insert_document

pytestmark = pytest.mark.slow  # dbt builds

# Every model built by document: the folder says which (the test follows new ones).
FACT_MARTS = tuple(
    sorted(sql.stem for sql in (DBT_PROJECT / "models" / "marts" / "by_document").glob("*.sql"))
)
assert FACT_MARTS, "no fact marts found in dbt_project/models/marts/by_document"
FACT_FOLDER = "path:models/marts/by_document"
# The fact marts and every model they read (dbt's "+" also brings the dimensions their
# relationship tests read: not needed here); once the views exist, the fact marts and the
# one table they read (the documents' current versions).
FIRST_BUILD = ["--select", f"+{FACT_FOLDER}", "--exclude", "dim_*"]
NEXT_BUILD = ["--select", "int_documents__current", FACT_FOLDER]
RAW_TABLES = ("documents", "extracted_tables", "table_cells", "narrative_figures", "page_lines")


class Warehouse:
    """A raw layer changed step by step, and dbt run over it in-process."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.file = folder / "juesuan.duckdb"
        with duckdb.connect(str(self.file)) as con:
            con.execute(RAW_SCHEMA.read_text(encoding="utf-8"))
        # parsed once: every run below reuses the manifest
        parsed = dbtRunner().invoke(["parse", *self.project_args(self.file)])
        assert parsed.success, parsed.exception
        self.manifest = parsed.result
        self.dbt(self.file, "seed")
        # compiled before the marts exist: the full build's SQL, batch-free
        self.dbt(self.file, "compile", "--select", FACT_FOLDER)
        compiled = self.folder / "target" / "compiled" / "juesuan" / "models" / "marts"
        self.full_build_sql = {
            mart: (compiled / "by_document" / f"{mart}.sql").read_text(encoding="utf-8")
            for mart in FACT_MARTS
        }
        self.views_built = False

    def project_args(self, warehouse: Path) -> list[str]:
        return [
            "--project-dir",
            str(DBT_PROJECT),
            "--profiles-dir",
            str(DBT_PROJECT),
            "--target-path",
            str(self.folder / "target"),
            "--log-path",
            str(self.folder / "logs"),
            # one connection for the whole run, as the pipeline's build
            "--vars",
            f"{{juesuan_warehouse: '{warehouse}', juesuan_hold_warehouse: true}}",
        ]

    def dbt(self, warehouse: Path, *command: str) -> None:
        result = dbtRunner(manifest=self.manifest).invoke([*command, *self.project_args(warehouse)])
        # the run's connection, held open to its end, is released as when dbt's process ends
        DuckDBConnectionManager.close_all_connections()
        gc.collect()
        failures = [
            f"{r.node.unique_id}: {r.status} {r.message}"
            for r in (result.result or [])
            if str(r.status) not in ("success", "pass")
        ]
        assert result.success and not failures, (result.exception, failures)

    def build(self) -> None:
        """What the pipeline's build does to the fact marts: incremental once they exist."""
        self.dbt(self.file, "run", *(NEXT_BUILD if self.views_built else FIRST_BUILD))
        self.views_built = True

    def full_refresh_copy(self) -> Path:
        """A copy of the warehouse with its fact marts built from scratch (the same file
        name: DuckDB names the catalog after it, and the parsed manifest holds that name)."""
        copy = self.folder / "full_refresh" / self.file.name
        copy.parent.mkdir(exist_ok=True)
        shutil.copyfile(self.file, copy)
        self.dbt(copy, "run", "--full-refresh", *NEXT_BUILD)
        return copy

    def add(self, docs: list[Doc], tables: list[RawTable], kind: dict[Doc, str | None]) -> None:
        with duckdb.connect(str(self.file)) as con:
            for doc in docs:
                insert_document(
                    con,
                    doc,
                    path=f"{doc.fiscal_year}/{doc.file_name}",
                    page_count=30,
                    kind=kind[doc],
                )
            finals.insert_tables(con, [t for t in tables if t.doc in docs], budgets.amount_of)

    def remove(self, document_id: str) -> None:
        """A document's raw rows deleted, every table."""
        with duckdb.connect(str(self.file)) as con:
            for table in reversed(RAW_TABLES):
                con.execute(f"delete from raw.{table} where document_id = ?", [document_id])

    def query(self, sql: str, warehouse: Path | None = None) -> list[tuple]:
        with duckdb.connect(str(warehouse or self.file), read_only=True) as con:
            return con.execute(sql).fetchall()


def differences(con: duckdb.DuckDBPyConnection, full_build: dict[str, str]) -> dict:
    """Per fact mart, the rows only the mart holds and those only its full build holds
    (EXCEPT ALL, every column), where either is non-zero. full_build: mart → a relation or
    a parenthesised query giving the full build's rows."""
    found = {}
    for mart in FACT_MARTS:
        built, full = f"marts.{mart}", full_build[mart]
        only = [
            con.execute(
                f"select count(*) from (select * from {a} except all select * from {b})"
            ).fetchone()[0]
            for a, b in ((built, full), (full, built))
        ]
        if any(only):
            found[mart] = tuple(only)
    return found


def assert_same_as_full_build(warehouse: Warehouse) -> None:
    """The marts hold what the full build's SQL makes of the raw rows now."""
    with duckdb.connect(str(warehouse.file), read_only=True) as con:
        full_build = {mart: f"({sql})" for mart, sql in warehouse.full_build_sql.items()}
        assert differences(con, full_build) == {}


def assert_same_as_full_refresh(warehouse: Warehouse) -> None:
    """The marts hold what `dbt run --full-refresh` builds in a copy of the warehouse."""
    copy = warehouse.full_refresh_copy()
    with duckdb.connect(str(warehouse.file), read_only=True) as con:
        con.execute(f"attach '{copy}' as full_refresh (read_only)")
        full_build = {mart: f"full_refresh.marts.{mart}" for mart in FACT_MARTS}
        assert differences(con, full_build) == {}


def fact_documents(warehouse: Warehouse, mart: str) -> set[str]:
    return {row[0] for row in warehouse.query(f"select distinct document_id from marts.{mart}")}


# The documents: final accounts of test_dbt_marts, budgets of test_budget_marts.
KINDS: dict[Doc, str | None] = {doc: "决算" for doc in finals.DOCS}
KINDS[finals.SCAN] = None
KINDS |= {doc: kind for doc, kind in budgets.KINDS.items() if kind == budgets.BUDGET}
TABLES = finals.TABLES + [t for t in budgets.TABLES if t.doc in KINDS]

# FINANCE_2020 extracted again: a later ingested_at, its T03 without the last row (the 项
# 2010601), so the 款 20106 is the leaf, read as 7.77 where 30.00 was printed.
FINANCE_2020_AGAIN = replace(finals.FINANCE_2020, ingested_at=datetime(2022, 3, 1, 9, 0, 0))
KINDS[FINANCE_2020_AGAIN] = "决算"


def reextracted_tables() -> list[RawTable]:
    tables = []
    for table in TABLES:
        if table.doc != finals.FINANCE_2020:
            continue
        rows = table.rows
        if table.table_id == "T03":
            page, side, code, label, cells = rows[-2]
            cells = tuple((column, "7.77" if text else text) for column, text in cells)
            rows = [*rows[:-2], (page, side, code, label, cells)]
        tables.append(replace(table, doc=FINANCE_2020_AGAIN, rows=rows))
    return tables


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Warehouse]:
    warehouse = Warehouse(tmp_path_factory.mktemp("dbt_incremental"))
    # the first build: one final, its unit's budget, a rejected scan
    warehouse.add(
        [finals.OFFICE_V1, finals.FINANCE_2019, finals.SCAN, budgets.OFFICE_BUDGET_V1],
        TABLES,
        KINDS,
    )
    warehouse.build()
    yield warehouse


def test_first_build_holds_the_loaded_documents(warehouse: Warehouse) -> None:
    assert fact_documents(warehouse, "fct_income") == {
        finals.OFFICE_V1.document_id,
        finals.FINANCE_2019.document_id,
    }
    assert fact_documents(warehouse, "fct_budget_appropriation_expenditure") == {
        budgets.OFFICE_BUDGET_V1.document_id
    }
    # each row records the version it was built from
    assert warehouse.query(
        "select distinct document_id, document_ingested_at from marts.fct_income order by 2"
    ) == [
        (finals.OFFICE_V1.document_id, finals.OFFICE_V1.ingested_at),
        (finals.FINANCE_2019.document_id, finals.FINANCE_2019.ingested_at),
    ]


def test_documents_added(warehouse: Warehouse) -> None:
    added = [finals.FINANCE_2020, finals.FINANCE_2020_BROKEN, budgets.OFFICE_BUDGET_REJECTED]
    warehouse.add(added, TABLES, KINDS)
    warehouse.build()
    assert finals.FINANCE_2020.document_id in fact_documents(warehouse, "fct_expenditure")
    assert finals.FINANCE_2020_BROKEN.document_id not in fact_documents(
        warehouse, "fct_expenditure"
    )
    assert_same_as_full_build(warehouse)


def test_reissued_versions_supersede_the_older(warehouse: Warehouse) -> None:
    warehouse.add([finals.OFFICE_V2, budgets.OFFICE_BUDGET_V2], TABLES, KINDS)
    warehouse.build()
    assert finals.OFFICE_V1.document_id not in fact_documents(warehouse, "fct_income")
    assert finals.OFFICE_V2.document_id in fact_documents(warehouse, "fct_income")
    assert fact_documents(warehouse, "fct_budget_basic_expenditure_econ") == {
        budgets.OFFICE_BUDGET_V2.document_id
    }
    assert_same_as_full_build(warehouse)


def test_reextracted_document_is_rebuilt(warehouse: Warehouse) -> None:
    document_id = finals.FINANCE_2020.document_id
    sql = (
        "select subject_code, expenditure_type, amount from marts.fct_expenditure"
        f" where document_id = '{document_id}'"
    )
    before = warehouse.query(sql)
    warehouse.remove(document_id)
    warehouse.add([FINANCE_2020_AGAIN], reextracted_tables(), KINDS)
    warehouse.build()
    assert before == [("2010601", "基本支出", Decimal("30.000000"))]
    assert warehouse.query(sql) == [("20106", "基本支出", Decimal("7.770000"))]
    assert warehouse.query(
        "select distinct document_ingested_at from marts.fct_expenditure"
        f" where document_id = '{document_id}'"
    ) == [(FINANCE_2020_AGAIN.ingested_at,)]
    assert_same_as_full_build(warehouse)


def test_removed_version_makes_the_older_current_again(warehouse: Warehouse) -> None:
    warehouse.remove(finals.OFFICE_V2.document_id)
    warehouse.build()
    assert finals.OFFICE_V1.document_id in fact_documents(warehouse, "fct_income")
    assert finals.OFFICE_V2.document_id not in fact_documents(warehouse, "fct_income")
    assert_same_as_full_build(warehouse)
    assert_same_as_full_refresh(warehouse)


def test_new_documents_touch_only_their_own_rows(warehouse: Warehouse) -> None:
    # every row there is now is marked; a build that rebuilt them would lose the mark
    with duckdb.connect(str(warehouse.file)) as con:
        for mart in FACT_MARTS:
            con.execute(f"update marts.{mart} set source_page = -source_page")
    before = {
        mart: warehouse.query(f"select * from marts.{mart} order by all") for mart in FACT_MARTS
    }
    new = [finals.OFFICE_2024, budgets.FINANCE_BUDGET]
    warehouse.add(new, TABLES, KINDS)
    warehouse.build()
    new_ids = ", ".join(f"'{doc.document_id}'" for doc in new)
    for mart in FACT_MARTS:
        others = warehouse.query(
            f"select * from marts.{mart} where document_id not in ({new_ids}) order by all"
        )
        assert others == before[mart], mart
    new_rows = warehouse.query(
        "select count(*), min(source_page) from marts.fct_appropriation_expenditure"
        f" where document_id = '{finals.OFFICE_2024.document_id}'"
    )
    assert new_rows[0][0] > 0 and new_rows[0][1] > 0
    assert budgets.FINANCE_BUDGET.document_id in fact_documents(
        warehouse, "fct_budget_appropriation_expenditure"
    )
