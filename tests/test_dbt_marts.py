"""The dbt project builds the marts from a hand-made raw layer.

One `dbt build` (models and data tests) runs in-process against a temporary DuckDB
file; the assertions then read the marts. The raw rows mimic one real 支出决算表 (T03):
a 合计 row, a 类, a 款 with two 项, a 项 with a printed 0.00 and blank cells.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest
from dbt.cli.main import dbtRunner

REPO = Path(__file__).resolve().parents[1]
DBT_PROJECT = REPO / "dbt_project"
RAW_SCHEMA = REPO / "pipelines" / "warehouse" / "raw_schema.sql"

T03_COLUMNS = (
    "本年支出合计",
    "基本支出",
    "项目支出",
    "上缴上级支出",
    "经营支出",
    "对附属单位补助支出",
)
T02_COLUMNS = (
    "本年收入合计",
    "财政拨款收入",
    "上级补助收入",
    "事业收入",
    "经营收入",
    "附属单位上缴收入",
    "其他收入",
)

OFFICE = "枣庄市人民政府办公室本级"
FINANCE = "枣庄市财政局"


def unit_key(unit_name: str) -> str:
    """The warehouse's unit_id: left(md5(unit_name), 16)."""
    return hashlib.md5(unit_name.encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True)
class Doc:
    document_id: str
    file_name: str
    unit_name: str | None
    region: str | None
    unit_level: str | None
    fiscal_year: int | None
    ingested_at: datetime
    status: str = "loaded"
    status_reason: str | None = None


def doc_id(label: str) -> str:
    return hashlib.sha256(label.encode("utf-8")).hexdigest()


OFFICE_V1 = Doc(
    document_id=doc_id("office-2020-v1"),
    file_name="办公室2020决算.pdf",
    unit_name=OFFICE,
    region="枣庄市",
    unit_level="单位",
    fiscal_year=2020,
    ingested_at=datetime(2021, 9, 1, 10, 0, 0),
)
# A corrected re-issue of the same unit and year, ingested later: supersedes OFFICE_V1.
OFFICE_V2 = Doc(
    document_id=doc_id("office-2020-v2"),
    file_name="办公室2020决算（更正）.pdf",
    unit_name=OFFICE,
    region="枣庄市",
    unit_level="单位",
    fiscal_year=2020,
    ingested_at=datetime(2021, 9, 15, 8, 30, 0),
)
FINANCE_2020 = Doc(
    document_id=doc_id("finance-2020"),
    file_name="财政局2020部门决算.pdf",
    unit_name=FINANCE,
    region="枣庄市",
    unit_level="部门",
    fiscal_year=2020,
    ingested_at=datetime(2021, 9, 2, 9, 0, 0),
)
# Earlier fiscal year, ingested last: region and level must still come from 2020.
FINANCE_2019 = Doc(
    document_id=doc_id("finance-2019"),
    file_name="财政局2019决算.pdf",
    unit_name=FINANCE,
    region=None,
    unit_level="单位",
    fiscal_year=2019,
    ingested_at=datetime(2021, 10, 1, 9, 0, 0),
)
# Rejected re-issue of the same unit and year, ingested later: supersedes nothing, and
# its missing region/level do not override the loaded version's.
FINANCE_2020_BROKEN = Doc(
    document_id=doc_id("finance-2020-broken"),
    file_name="财政局2020部门决算（损坏）.pdf",
    unit_name=FINANCE,
    region=None,
    unit_level=None,
    fiscal_year=2020,
    ingested_at=datetime(2021, 9, 20, 9, 0, 0),
    status="rejected",
    status_reason="第 12 页表格无法解析",
)
SCAN = Doc(
    document_id=doc_id("scan"),
    file_name="扫描件.pdf",
    unit_name=None,
    region=None,
    unit_level=None,
    fiscal_year=None,
    ingested_at=datetime(2021, 9, 3, 9, 0, 0),
    status="rejected",
    status_reason="扫描件，无文字层",
)
DOCS = (OFFICE_V1, OFFICE_V2, FINANCE_2020, FINANCE_2019, FINANCE_2020_BROKEN, SCAN)

# (page, subject_code, line_label, printed cells in T03_COLUMNS order)
Row = tuple[int, str | None, str, tuple[str, ...]]

OFFICE_V2_T03: list[Row] = [
    (7, None, "合计", ("105.00", "65.00", "40.00", "", "", "")),
    (7, "201", "一般公共服务支出", ("100.00", "60.00", "40.00", "", "", "")),
    (7, "20103", "政府办公厅（室）及相关机构事务", ("100.00", "60.00", "40.00", "", "", "")),
    (7, "2010301", "行政运行", ("60.00", "60.00", "0.00", "", "", "")),
    (7, "2010302", "一般行政管理事务", ("40.00", "", "40.00", "-", "", "")),
    # a 类 printed without children (on the next page) is a leaf
    (8, "221", "住房保障支出", ("5.00", "5.00", "", "", "", "")),
]
# T02 of the same document prints 221's children: leaves are decided per table.
OFFICE_V2_T02: list[Row] = [
    (5, None, "合计", ("105.00", "105.00", "", "", "", "", "")),
    (5, "201", "一般公共服务支出", ("100.00", "100.00", "", "", "", "", "")),
    (5, "221", "住房保障支出", ("5.00", "5.00", "", "", "", "", "")),
    (5, "22102", "住房改革支出", ("5.00", "5.00", "", "", "", "", "")),
    (5, "2210201", "住房公积金", ("5.00", "5.00", "", "", "", "", "")),
]
OFFICE_V1_T03: list[Row] = [
    (7, None, "合计", ("99.00", "99.00", "", "", "", "")),
    (7, "201", "一般公共服务支出", ("99.00", "99.00", "", "", "", "")),
    (7, "20103", "政府办公厅（室）及相关机构事务", ("99.00", "99.00", "", "", "", "")),
    (7, "2010301", "行政运行", ("99.00", "99.00", "", "", "", "")),
]
FINANCE_2020_T03: list[Row] = [
    (6, None, "合计", ("30.00", "30.00", "", "", "", "")),
    (6, "201", "一般公共服务支出", ("30.00", "30.00", "", "", "", "")),
    (6, "20106", "财政事务", ("30.00", "30.00", "", "", "", "")),
    (6, "2010601", "行政运行", ("30.00", "30.00", "", "", "", "")),
]
FINANCE_2019_T03: list[Row] = [
    (6, None, "合计", ("10.00", "7.50", "2.50", "", "", "")),
    (6, "2010601", "行政运行", ("10.00", "7.50", "2.50", "", "", "")),
]

TABLES: list[tuple[Doc, str, str, tuple[str, ...], list[Row]]] = [
    (OFFICE_V1, "T03", "支出决算表", T03_COLUMNS, OFFICE_V1_T03),
    (OFFICE_V2, "T02", "收入决算表", T02_COLUMNS, OFFICE_V2_T02),
    (OFFICE_V2, "T03", "支出决算表", T03_COLUMNS, OFFICE_V2_T03),
    (FINANCE_2020, "T03", "支出决算表", T03_COLUMNS, FINANCE_2020_T03),
    (FINANCE_2019, "T03", "支出决算表", T03_COLUMNS, FINANCE_2019_T03),
]


def parse_amount(text: str) -> Decimal | None:
    return None if text in ("", "-", "—") else Decimal(text.replace(",", ""))


def write_raw(path: Path) -> None:
    with duckdb.connect(str(path)) as con:
        con.execute(RAW_SCHEMA.read_text(encoding="utf-8"))
        for doc in DOCS:
            con.execute(
                "insert into raw.documents values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    doc.document_id,
                    doc.file_name,
                    f"2021/{doc.file_name}",
                    123_456,
                    None if doc is SCAN else 40,
                    None if doc is SCAN else "决算",
                    doc.unit_name,
                    doc.region,
                    doc.unit_level,
                    doc.fiscal_year,
                    doc.status,
                    doc.status_reason,
                    "test",
                    doc.ingested_at,
                ],
            )
        for doc, table_id, title, columns, rows in TABLES:
            pages = [page for page, *_ in rows]
            con.execute(
                "insert into raw.extracted_tables values (?, ?, ?, ?, 'extracted', '万元', ?, ?,"
                " null, null)",
                [doc.document_id, table_id, title, title, min(pages), max(pages)],
            )
            for row_number, (page, code, label, texts) in enumerate(rows, start=1):
                for column_name, text in zip(columns, texts, strict=True):
                    con.execute(
                        "insert into raw.table_cells values (?, ?, ?, ?, null, ?, ?, ?, ?, ?)",
                        [
                            doc.document_id,
                            table_id,
                            row_number,
                            page,
                            code,
                            label,
                            column_name,
                            text,
                            parse_amount(text),
                        ],
                    )


@dataclass(frozen=True)
class Build:
    warehouse: Path
    success: bool
    failures: list[str]


@pytest.fixture(scope="module")
def build(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Build]:
    tmp = tmp_path_factory.mktemp("dbt_marts")
    warehouse = tmp / "juesuan.duckdb"
    write_raw(warehouse)  # connection closed: DuckDB allows one writer process per file
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("JUESUAN_WAREHOUSE", str(warehouse))
        result = dbtRunner().invoke(
            [
                "build",
                "--project-dir",
                str(DBT_PROJECT),
                "--profiles-dir",
                str(DBT_PROJECT),
                "--target-path",
                str(tmp / "target"),
                "--log-path",
                str(tmp / "logs"),
            ]
        )
    failures = [
        f"{r.node.unique_id}: {r.status} {r.message}"
        for r in (result.result or [])
        if str(r.status) not in ("success", "pass")
    ]
    if result.exception is not None:
        failures.append(repr(result.exception))
    yield Build(warehouse, result.success, failures)


def query(build: Build, sql: str) -> list[tuple]:
    with duckdb.connect(str(build.warehouse), read_only=True) as con:
        return con.execute(sql).fetchall()


def test_build_succeeds(build: Build) -> None:
    assert build.success, "\n".join(build.failures)
    assert build.failures == []


def test_fct_expenditure_holds_only_loaded_leaves(build: Build) -> None:
    rows = query(
        build,
        "select unit_id, fiscal_year, document_id, source_table, source_page,"
        " subject_code, expenditure_type, amount"
        " from marts.fct_expenditure order by document_id, subject_code, expenditure_type",
    )
    office, finance = unit_key(OFFICE), unit_key(FINANCE)
    v2, f20, f19 = OFFICE_V2.document_id, FINANCE_2020.document_id, FINANCE_2019.document_id
    expected = sorted(
        [
            (office, 2020, v2, "T03", 7, "2010301", "基本支出", Decimal("60")),
            (office, 2020, v2, "T03", 7, "2010301", "项目支出", Decimal("0")),  # printed 0.00
            (office, 2020, v2, "T03", 7, "2010302", "项目支出", Decimal("40")),
            (office, 2020, v2, "T03", 8, "221", "基本支出", Decimal("5")),
            (finance, 2020, f20, "T03", 6, "2010601", "基本支出", Decimal("30")),
            (finance, 2019, f19, "T03", 6, "2010601", "基本支出", Decimal("7.5")),
            (finance, 2019, f19, "T03", 6, "2010601", "项目支出", Decimal("2.5")),
        ],
        key=lambda r: (r[2], r[5], r[6]),
    )
    assert rows == expected


def test_dim_document_statuses(build: Build) -> None:
    rows = {
        r[0]: r[1:]
        for r in query(
            build,
            "select document_id, unit_id, fiscal_year, status, status_reason"
            " from marts.dim_document",
        )
    }
    assert set(rows) == {d.document_id for d in DOCS}
    unit, year, status, reason = rows[OFFICE_V1.document_id]
    assert (unit, year, status) == (unit_key(OFFICE), 2020, "superseded")
    assert reason.startswith(f"已被同一单位同一年度的新版文件 {OFFICE_V2.file_name} 取代")
    assert rows[OFFICE_V2.document_id] == (unit_key(OFFICE), 2020, "loaded", None)
    assert rows[FINANCE_2020.document_id] == (unit_key(FINANCE), 2020, "loaded", None)
    assert rows[FINANCE_2019.document_id] == (unit_key(FINANCE), 2019, "loaded", None)
    assert rows[FINANCE_2020_BROKEN.document_id] == (
        unit_key(FINANCE),
        2020,
        "rejected",
        "第 12 页表格无法解析",
    )
    assert rows[SCAN.document_id] == (None, None, "rejected", "扫描件，无文字层")


def test_dim_unit_rows(build: Build) -> None:
    rows = query(
        build, "select unit_id, unit_name, region, unit_level from marts.dim_unit order by 1"
    )
    assert rows == sorted(
        [
            (unit_key(OFFICE), OFFICE, "枣庄市", "单位"),
            (unit_key(FINANCE), FINANCE, "枣庄市", "部门"),  # latest year, loaded version
        ]
    )


CONTRACT = {
    "dim_unit": [
        ("unit_id", "VARCHAR"),
        ("unit_name", "VARCHAR"),
        ("region", "VARCHAR"),
        ("unit_level", "VARCHAR"),
    ],
    "dim_document": [
        ("document_id", "VARCHAR"),
        ("file_name", "VARCHAR"),
        ("unit_id", "VARCHAR"),
        ("fiscal_year", "INTEGER"),
        ("document_kind", "VARCHAR"),
        ("page_count", "INTEGER"),
        ("status", "VARCHAR"),
        ("status_reason", "VARCHAR"),
        ("ingested_at", "TIMESTAMP"),
    ],
    "fct_expenditure": [
        ("unit_id", "VARCHAR"),
        ("fiscal_year", "INTEGER"),
        ("document_id", "VARCHAR"),
        ("source_table", "VARCHAR"),
        ("source_page", "INTEGER"),
        ("subject_code", "VARCHAR"),
        ("expenditure_type", "VARCHAR"),
        ("amount", "DECIMAL(20,6)"),
    ],
}


def has_cjk(text: str | None) -> bool:
    return text is not None and any("\u4e00" <= ch <= "\u9fff" for ch in text)


@pytest.mark.parametrize("table", sorted(CONTRACT))
def test_marts_columns_match_contract(build: Build, table: str) -> None:
    rows = query(
        build,
        "select column_name, data_type from duckdb_columns()"
        f" where schema_name = 'marts' and table_name = '{table}' order by column_index",
    )
    assert rows == CONTRACT[table]


@pytest.mark.parametrize("table", sorted(CONTRACT))
def test_marts_carry_chinese_comments(build: Build, table: str) -> None:
    [(table_comment,)] = query(
        build,
        "select comment from duckdb_tables()"
        f" where schema_name = 'marts' and table_name = '{table}'",
    )
    assert has_cjk(table_comment), table_comment
    columns = query(
        build,
        "select column_name, comment from duckdb_columns()"
        f" where schema_name = 'marts' and table_name = '{table}'",
    )
    uncommented = [name for name, comment in columns if not has_cjk(comment)]
    assert uncommented == []


def test_layers_live_in_their_schemas(build: Build) -> None:
    rows = query(
        build,
        "select schema_name, table_name from duckdb_tables()"
        " where schema_name in ('staging', 'intermediate', 'marts')"
        " union all select schema_name, view_name from duckdb_views()"
        " where schema_name in ('staging', 'intermediate', 'marts') order by 1, 2",
    )
    assert ("marts", "fct_expenditure") in rows
    assert ("staging", "stg_raw__table_cells") in rows
    assert ("intermediate", "int_documents__current") in rows
    view_comments = query(
        build,
        "select view_name, comment from duckdb_views() where schema_name = 'staging'",
    )
    assert all(has_cjk(comment) for _, comment in view_comments), view_comments
