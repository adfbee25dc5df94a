"""The dbt project builds the marts from a hand-made raw layer.

One `dbt build` (seeds, models and data tests) runs in-process against a temporary
DuckDB file; the assertions then read the marts. The raw rows mimic real tables: a 支出决算表
(T03) with a 合计 row, a 类, a 款 with two 项, a 项 with a printed 0.00 and blank cells; a
收入决算表 (T02); the three fund tables (T05, T08, T09 in both layouts); a 基本支出 table
(T06) with a 类 printed without its 款; a "三公" table (T07); the two-sided statements (T01,
T04) with the per-fund sub-lines; and a superseded version that prints all of them.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest
from dbt.cli.main import dbtRunner

from juesuan_samples.model import (
    T02_COLUMNS,
    T03_COLUMNS,
    T04_EXPENSE_COLUMNS,
    T05_COLUMNS,
    T06_COLUMNS,
    T07_COLUMNS,
    T08_COLUMNS,
)
from pipelines.domain.tables import SPECS_BY_ID

pytestmark = pytest.mark.slow  # every test reads the module's dbt build

REPO = Path(__file__).resolve().parents[1]
DBT_PROJECT = REPO / "dbt_project"
RAW_SCHEMA = REPO / "pipelines" / "warehouse" / "raw_schema.sql"

# Canonical columns in printed order, as the sample generator prints them.
APPROPRIATION_COLUMNS = T05_COLUMNS  # T05, and T09 up to fiscal 2023
GOVERNMENT_FUND_COLUMNS = T08_COLUMNS  # T08, and T09 from fiscal 2024
# Every standard table's title, the budgets' B.. too (test_budget_marts uses insert_tables).
TITLES = {table_id: spec.canonical_title for table_id, spec in SPECS_BY_ID.items()}

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
# The next year's disclosure of the same unit: T09 printed in the T08 layout (2024 on).
OFFICE_2024 = Doc(
    document_id=doc_id("office-2024"),
    file_name="办公室2024决算.pdf",
    unit_name=OFFICE,
    region="枣庄市",
    unit_level="单位",
    fiscal_year=2024,
    ingested_at=datetime(2025, 9, 1, 9, 0, 0),
)
DOCS = (OFFICE_V1, OFFICE_V2, FINANCE_2020, FINANCE_2019, FINANCE_2020_BROKEN, SCAN, OFFICE_2024)

# (page, subject_code, line_label, printed cells in the table's column order)
Row = tuple[int, str | None, str, tuple[str, ...]]
# (page, side, subject_code, line_label, {column: printed text}): a two-sided statement line
Line = tuple[int, str, str | None, str | None, dict[str, str]]

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
OFFICE_V2_T05: list[Row] = [
    (9, None, "合计", ("100.00", "60.00", "40.00")),
    (9, "201", "一般公共服务支出", ("95.00", "55.00", "40.00")),
    (9, "20103", "政府办公厅（室）及相关机构事务", ("95.00", "55.00", "40.00")),
    (9, "2010301", "行政运行", ("55.00", "55.00", "")),
    (9, "2010302", "一般行政管理事务", ("40.00", "", "40.00")),
    (9, "221", "住房保障支出", ("5.00", "5.00", "")),
]
# Printed group by group: 人员经费 (301, 303) then 公用经费; 303 has no 款 printed.
OFFICE_V2_T06: list[Row] = [
    (10, "301", "工资福利支出", ("50.00",)),
    (10, "30101", "基本工资", ("30.00",)),
    (10, "30102", "津贴补贴", ("20.00",)),
    (10, "303", "对个人和家庭的补助", ("2.00",)),
    (10, None, "人员经费合计", ("52.00",)),
    (10, "302", "商品和服务支出", ("8.00",)),
    (10, "30201", "办公费", ("5.00",)),
    (10, "30211", "差旅费", ("3.00",)),
    (10, "310", "资本性支出", ("0.00",)),
    (10, "399", "其他支出", ("",)),
    (10, None, "公用经费合计", ("8.00",)),
]
OFFICE_V2_T07: list[Row] = [
    (11, None, "合计", ("10.00", "8.00")),
    (11, None, "因公出国（境）费", ("0.00", "0.00")),
    (11, None, "公务用车购置及运行维护费", ("6.00", "5.00")),
    (11, None, "公务用车购置费", ("", "")),
    (11, None, "公务用车运行维护费", ("6.00", "5.00")),
    (11, None, "公务接待费", ("4.00", "3.00")),
]
OFFICE_V2_T08: list[Row] = [
    (12, None, "合计", ("1.00", "20.00", "18.00", "", "18.00", "3.00")),
    (12, "212", "城乡社区支出", ("1.00", "20.00", "18.00", "", "18.00", "3.00")),
    (
        12,
        "21208",
        "国有土地使用权出让收入安排的支出",
        ("1.00", "20.00", "18.00", "", "18.00", "3.00"),
    ),
    (12, "2120801", "征地和拆迁补偿支出", ("", "12.00", "12.00", "0.00", "12.00", "")),
    (
        13,
        "2120899",
        "其他国有土地使用权出让收入安排的支出",
        ("1.00", "8.00", "6.00", "", "6.00", "3.00"),
    ),
]
# T09 before 2024: laid out like T05
OFFICE_V2_T09: list[Row] = [
    (14, None, "合计", ("2.00", "", "2.00")),
    (14, "223", "国有资本经营预算支出", ("2.00", "", "2.00")),
    (14, "22301", "解决历史遗留问题及改革成本支出", ("2.00", "", "2.00")),
    (14, "2230199", "其他解决历史遗留问题及改革成本支出", ("2.00", "", "2.00")),
]
# One printed row holds an income line and an expense line; the extractor numbers them
# in that order. Labels are normalised (no ordinal); expense class lines carry the code.
OFFICE_V2_T01: list[Line] = [
    (3, "收入", None, "一般公共预算财政拨款收入", {"决算数": "100.00"}),
    (3, "支出", "201", "一般公共服务支出", {"决算数": "95.00"}),
    (3, "收入", None, "政府性基金预算财政拨款收入", {"决算数": "20.00"}),
    (3, "支出", "212", "城乡社区支出", {"决算数": "18.00"}),
    (3, "收入", None, "国有资本经营预算财政拨款收入", {"决算数": "2.00"}),
    (3, "支出", "221", "住房保障支出", {"决算数": "5.00"}),
    (3, "收入", None, "上级补助收入", {"决算数": ""}),
    (3, "支出", "223", "国有资本经营预算支出", {"决算数": "2.00"}),
    (3, "收入", None, "事业收入", {"决算数": "0.00"}),
    # an amount printed without a label cannot be named: not a statement line
    (3, "支出", None, None, {"决算数": "7.00"}),
    (3, "收入", None, "本年收入合计", {"决算数": "122.00"}),
    (3, "支出", None, "本年支出合计", {"决算数": "120.00"}),
    (3, "收入", None, "使用非财政拨款结余", {"决算数": ""}),
    (3, "支出", None, "结余分配", {"决算数": "-"}),
    (3, "收入", None, "年初结转和结余", {"决算数": "1.00"}),
    (3, "支出", None, "年末结转和结余", {"决算数": "3.00"}),
    (3, "收入", None, "总计", {"决算数": "123.00"}),
    (3, "支出", None, "总计", {"决算数": "123.00"}),
]


def expense(*texts: str) -> dict[str, str]:
    return dict(zip(T04_EXPENSE_COLUMNS, texts, strict=True))


OPENING = "年初财政拨款结转和结余"
CLOSING = "年末财政拨款结转和结余"
OFFICE_V2_T04: list[Line] = [
    (4, "收入", None, "一般公共预算财政拨款", {"决算数": "100.00"}),
    (4, "支出", "201", "一般公共服务支出", expense("95.00", "95.00", "", "")),
    (4, "收入", None, "政府性基金预算财政拨款", {"决算数": "20.00"}),
    (4, "支出", "212", "城乡社区支出", expense("18.00", "", "18.00", "")),
    (4, "收入", None, "国有资本经营预算财政拨款", {"决算数": "2.00"}),
    (4, "支出", "221", "住房保障支出", expense("5.00", "5.00", "", "")),
    (4, "支出", "223", "国有资本经营预算支出", expense("2.00", "", "", "2.00")),
    (4, "收入", None, "本年收入合计", {"决算数": "122.00"}),
    (4, "支出", None, "本年支出合计", expense("120.00", "100.00", "18.00", "2.00")),
    (4, "收入", None, OPENING, {"决算数": "1.00"}),
    (4, "支出", None, CLOSING, expense("3.00", "", "", "")),
    (4, "收入", None, f"{OPENING}-一般公共预算财政拨款", {"决算数": "0.00"}),
    (4, "支出", None, f"{CLOSING}-政府性基金预算财政拨款", expense("3.00", "", "", "")),
    (4, "收入", None, f"{OPENING}-政府性基金预算财政拨款", {"决算数": "1.00"}),
    (4, "收入", None, f"{OPENING}-国有资本经营预算财政拨款", {"决算数": ""}),
    (4, "收入", None, "总计", {"决算数": "123.00"}),
    (4, "支出", None, "总计", expense("123.00", "100.00", "21.00", "2.00")),
]
OFFICE_V1_T03: list[Row] = [
    (7, None, "合计", ("99.00", "99.00", "", "", "", "")),
    (7, "201", "一般公共服务支出", ("99.00", "99.00", "", "", "", "")),
    (7, "20103", "政府办公厅（室）及相关机构事务", ("99.00", "99.00", "", "", "", "")),
    (7, "2010301", "行政运行", ("99.00", "99.00", "", "", "", "")),
]
# The superseded version prints every table, and codes no loaded version prints
# (2010350, 30199): none of it reaches the marts.
OFFICE_V1_T02: list[Row] = [
    (5, None, "合计", ("99.00", "99.00", "", "", "", "", "")),
    (5, "2010350", "事业运行", ("99.00", "99.00", "", "", "", "", "")),
]
OFFICE_V1_T05: list[Row] = [
    (9, None, "合计", ("99.00", "99.00", "")),
    (9, "2010350", "事业运行", ("99.00", "99.00", "")),
]
OFFICE_V1_T06: list[Row] = [
    (10, "30199", "其他工资福利支出", ("99.00",)),
    (10, None, "人员经费合计", ("99.00",)),
]
OFFICE_V1_T07: list[Row] = [
    (11, None, "合计", ("9.00", "9.00")),
    (11, None, "公务接待费", ("9.00", "9.00")),
]
OFFICE_V1_T08: list[Row] = [
    (12, None, "合计", ("", "9.00", "9.00", "", "9.00", "")),
    (12, "2120801", "征地和拆迁补偿支出", ("", "9.00", "9.00", "", "9.00", "")),
]
OFFICE_V1_T01: list[Line] = [
    (3, "收入", None, "一般公共预算财政拨款收入", {"决算数": "99.00"}),
    (3, "支出", "201", "一般公共服务支出", {"决算数": "99.00"}),
]
OFFICE_V1_T04: list[Line] = [
    (4, "收入", None, "一般公共预算财政拨款", {"决算数": "99.00"}),
    (4, "支出", "201", "一般公共服务支出", expense("99.00", "99.00", "", "")),
]
FINANCE_2020_T03: list[Row] = [
    (6, None, "合计", ("30.00", "30.00", "", "", "", "")),
    (6, "201", "一般公共服务支出", ("30.00", "30.00", "", "", "", "")),
    (6, "20106", "财政事务", ("30.00", "30.00", "", "", "", "")),
    (6, "2010601", "行政运行", ("30.00", "30.00", "", "", "", "")),
]
# Prints a code no loaded version prints (2010699): it must reach no mart.
FINANCE_2020_BROKEN_T03: list[Row] = [
    (6, None, "合计", ("31.00", "31.00", "", "", "", "")),
    (6, "2010699", "其他财政事务支出", ("31.00", "31.00", "", "", "", "")),
]
FINANCE_2019_T03: list[Row] = [
    (6, None, "合计", ("10.00", "7.50", "2.50", "", "", "")),
    (6, "2010601", "行政运行", ("10.00", "7.50", "2.50", "", "", "")),
]
# Names change between years: 207 and 20701 as printed in 2019, 20701 again in 2024.
FINANCE_2019_T02: list[Row] = [
    (5, None, "合计", ("3.00", "2.00", "", "0.00", "", "", "1.00")),
    (5, "207", "文化体育与传媒支出", ("3.00", "2.00", "", "0.00", "", "", "1.00")),
    (5, "20701", "文化", ("3.00", "2.00", "", "0.00", "", "", "1.00")),
    (5, "2070199", "其他文化支出", ("3.00", "2.00", "", "0.00", "", "", "1.00")),
]
OFFICE_2024_T05: list[Row] = [
    (8, None, "合计", ("34.00", "30.00", "4.00")),
    (8, "201", "一般公共服务支出", ("30.00", "30.00", "")),
    (8, "20103", "政府办公厅（室）及相关机构事务", ("30.00", "30.00", "")),
    (8, "2010301", "行政运行", ("30.00", "30.00", "")),
    (8, "20701", "文化和旅游", ("4.00", "", "4.00")),
    (8, "2070199", "其他文化和旅游支出", ("4.00", "", "4.00")),
]
# A 类 without any printed 款 is a leaf; labels are NFKC-folded (ASCII parentheses).
OFFICE_2024_T06: list[Row] = [
    (9, "301", "工资福利支出", ("28.50",)),
    (9, None, "人员经费合计", ("28.50",)),
    (9, "309", "资本性支出(基本建设)", ("1.50",)),
    (9, None, "公用经费合计", ("1.50",)),
]
# The same item with ASCII parentheses; the vehicle items not printed at all.
OFFICE_2024_T07: list[Row] = [
    (10, None, "合计", ("3.00", "1.80")),
    (10, None, "因公出国(境)费", ("1.00", "")),
    (10, None, "公务用车购置及运行维护费", ("", "")),
    (10, None, "公务接待费", ("2.00", "1.80")),
]
# T09 from 2024: laid out like T08
OFFICE_2024_T09: list[Row] = [
    (11, None, "合计", ("", "3.00", "3.00", "", "3.00", "")),
    (11, "223", "国有资本经营预算支出", ("", "3.00", "3.00", "", "3.00", "")),
    (11, "22301", "解决历史遗留问题及改革成本支出", ("", "3.00", "3.00", "", "3.00", "")),
    (
        11,
        "2230199",
        "其他解决历史遗留问题及改革成本支出",
        ("", "3.00", "3.00", "", "3.00", ""),
    ),
]

# (page, side, subject_code, line_label, ((column, printed text), ...))
RawRow = tuple[int, str | None, str | None, str | None, tuple[tuple[str, str], ...]]


def grid(columns: tuple[str, ...], rows: list[Row]) -> list[RawRow]:
    return [
        (page, None, code, label, tuple(zip(columns, texts, strict=True)))
        for page, code, label, texts in rows
    ]


def statement(lines: list[Line]) -> list[RawRow]:
    return [
        (page, side, code, label, tuple(cells.items())) for page, side, code, label, cells in lines
    ]


@dataclass(frozen=True)
class RawTable:
    doc: Doc
    table_id: str
    rows: list[RawRow]
    status: str = "extracted"
    note: str | None = None


TABLES: list[RawTable] = [
    RawTable(OFFICE_V1, "T01", statement(OFFICE_V1_T01)),
    RawTable(OFFICE_V1, "T02", grid(T02_COLUMNS, OFFICE_V1_T02)),
    RawTable(OFFICE_V1, "T03", grid(T03_COLUMNS, OFFICE_V1_T03)),
    RawTable(OFFICE_V1, "T04", statement(OFFICE_V1_T04)),
    RawTable(OFFICE_V1, "T05", grid(APPROPRIATION_COLUMNS, OFFICE_V1_T05)),
    RawTable(OFFICE_V1, "T06", grid(T06_COLUMNS, OFFICE_V1_T06)),
    RawTable(OFFICE_V1, "T07", grid(T07_COLUMNS, OFFICE_V1_T07)),
    RawTable(OFFICE_V1, "T08", grid(GOVERNMENT_FUND_COLUMNS, OFFICE_V1_T08)),
    RawTable(OFFICE_V2, "T01", statement(OFFICE_V2_T01)),
    RawTable(OFFICE_V2, "T02", grid(T02_COLUMNS, OFFICE_V2_T02)),
    RawTable(OFFICE_V2, "T03", grid(T03_COLUMNS, OFFICE_V2_T03)),
    RawTable(OFFICE_V2, "T04", statement(OFFICE_V2_T04)),
    RawTable(OFFICE_V2, "T05", grid(APPROPRIATION_COLUMNS, OFFICE_V2_T05)),
    RawTable(OFFICE_V2, "T06", grid(T06_COLUMNS, OFFICE_V2_T06)),
    RawTable(OFFICE_V2, "T07", grid(T07_COLUMNS, OFFICE_V2_T07)),
    RawTable(OFFICE_V2, "T08", grid(GOVERNMENT_FUND_COLUMNS, OFFICE_V2_T08)),
    RawTable(OFFICE_V2, "T09", grid(APPROPRIATION_COLUMNS, OFFICE_V2_T09)),
    RawTable(FINANCE_2020, "T03", grid(T03_COLUMNS, FINANCE_2020_T03)),
    # the rejected re-issue has cells too: the marts must still ignore them
    RawTable(FINANCE_2020_BROKEN, "T03", grid(T03_COLUMNS, FINANCE_2020_BROKEN_T03)),
    RawTable(
        FINANCE_2020,
        "T07",
        [],
        status="empty",
        note='说明：本单位2020年度没有使用一般公共预算财政拨款安排"三公"经费支出，故本表无数据。',
    ),
    RawTable(FINANCE_2019, "T02", grid(T02_COLUMNS, FINANCE_2019_T02)),
    RawTable(FINANCE_2019, "T03", grid(T03_COLUMNS, FINANCE_2019_T03)),
    RawTable(OFFICE_2024, "T05", grid(APPROPRIATION_COLUMNS, OFFICE_2024_T05)),
    RawTable(OFFICE_2024, "T06", grid(T06_COLUMNS, OFFICE_2024_T06)),
    RawTable(OFFICE_2024, "T07", grid(T07_COLUMNS, OFFICE_2024_T07)),
    RawTable(OFFICE_2024, "T09", grid(GOVERNMENT_FUND_COLUMNS, OFFICE_2024_T09)),
]


def parse_amount(text: str) -> Decimal | None:
    return None if text in ("", "-", "—") else Decimal(text.replace(",", ""))


def write_raw(path: Path) -> None:
    with duckdb.connect(str(path)) as con:
        con.execute(RAW_SCHEMA.read_text(encoding="utf-8"))
        for doc in DOCS:
            insert_document(
                con,
                doc,
                path=f"2021/{doc.file_name}",
                page_count=None if doc is SCAN else 40,
                kind=None if doc is SCAN else "决算",
            )
        insert_tables(con, TABLES, parse_amount)


def insert_document(
    con: duckdb.DuckDBPyConnection, doc: Doc, path: str, page_count: int | None, kind: str | None
) -> None:
    """One raw.documents row, as the extractor writes it."""
    con.execute(
        "insert into raw.documents values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            doc.document_id,
            doc.file_name,
            path,
            123_456,
            page_count,
            kind,
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


def insert_tables(
    con: duckdb.DuckDBPyConnection,
    tables: list[RawTable],
    amount: Callable[[str], Decimal | None],
) -> None:
    """The raw.extracted_tables and raw.table_cells rows of the tables; `amount` parses a cell."""
    for table in tables:
        pages = [page for page, *_ in table.rows]
        title = TITLES[table.table_id]
        con.execute(
            "insert into raw.extracted_tables values (?, ?, ?, ?, ?, '万元', ?, ?, ?, null)",
            [
                table.doc.document_id,
                table.table_id,
                title,
                title,
                table.status,
                min(pages, default=20),
                max(pages, default=20),
                table.note,
            ],
        )
        for row_number, (page, side, code, label, cells) in enumerate(table.rows, start=1):
            for column_name, text in cells:
                con.execute(
                    "insert into raw.table_cells (document_id, table_id, row_number, page, "
                    "side, subject_code, line_label, column_name, printed_text, amount) "
                    "values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [
                        table.doc.document_id,
                        table.table_id,
                        row_number,
                        page,
                        side,
                        code,
                        label,
                        column_name,
                        text,
                        amount(text),
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
    yield run_dbt_build(warehouse, tmp)


def run_dbt_build(warehouse: Path, tmp: Path) -> Build:
    """`dbt build` (seeds, models, data tests) in-process against the warehouse file."""
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
    return Build(warehouse, result.success, failures)


def query(build: Build, sql: str) -> list[tuple]:
    with duckdb.connect(str(build.warehouse), read_only=True) as con:
        return con.execute(sql).fetchall()


def null_safe(row: tuple) -> tuple:
    """Sort key for rows that may hold nulls (None sorts first in its column)."""
    return tuple((value is not None, value) for value in row)


# Every fact row starts with its provenance (the contract's common fact columns).
PROVENANCE = "unit_id, fiscal_year, document_id, source_table, source_page"


def assert_fact_rows(build: Build, fact: str, columns: str, expected: list[tuple]) -> None:
    """The fact's rows, as `select <columns>`, are exactly `expected` (in any order)."""
    rows = query(build, f"select {columns} from marts.{fact}")
    assert sorted(rows, key=null_safe) == sorted(expected, key=null_safe)


def test_build_succeeds(build: Build) -> None:
    assert build.success, "\n".join(build.failures)
    assert build.failures == []


OFFICE_ID, FINANCE_ID = unit_key(OFFICE), unit_key(FINANCE)
V2, V1, Y24 = OFFICE_V2.document_id, OFFICE_V1.document_id, OFFICE_2024.document_id
F19, F20 = FINANCE_2019.document_id, FINANCE_2020.document_id
BROKEN = FINANCE_2020_BROKEN.document_id
FACTS = (
    "fct_income",
    "fct_expenditure",
    "fct_appropriation_expenditure",
    "fct_basic_expenditure_econ",
    "fct_three_public_costs",
    "fct_statement_lines",
)
D = Decimal


def test_fct_expenditure_holds_only_loaded_leaves(build: Build) -> None:
    columns = f"{PROVENANCE}, subject_code, expenditure_type, amount"
    assert_fact_rows(
        build,
        "fct_expenditure",
        columns,
        [
            (OFFICE_ID, 2020, V2, "T03", 7, "2010301", "基本支出", D("60")),
            (OFFICE_ID, 2020, V2, "T03", 7, "2010301", "项目支出", D("0")),  # printed 0.00
            (OFFICE_ID, 2020, V2, "T03", 7, "2010302", "项目支出", D("40")),
            (OFFICE_ID, 2020, V2, "T03", 8, "221", "基本支出", D("5")),
            (FINANCE_ID, 2020, F20, "T03", 6, "2010601", "基本支出", D("30")),
            (FINANCE_ID, 2019, F19, "T03", 6, "2010601", "基本支出", D("7.5")),
            (FINANCE_ID, 2019, F19, "T03", 6, "2010601", "项目支出", D("2.5")),
        ],
    )


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
    assert rows[OFFICE_2024.document_id] == (unit_key(OFFICE), 2024, "loaded", None)


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


def test_fct_income_holds_only_loaded_leaves(build: Build) -> None:
    columns = f"{PROVENANCE}, subject_code, income_source, amount"
    assert_fact_rows(
        build,
        "fct_income",
        columns,
        [
            # 201 has no child printed in this T02; 221 and 22102 have
            (OFFICE_ID, 2020, V2, "T02", 5, "201", "财政拨款收入", D("100")),
            (OFFICE_ID, 2020, V2, "T02", 5, "2210201", "财政拨款收入", D("5")),
            (FINANCE_ID, 2019, F19, "T02", 5, "2070199", "财政拨款收入", D("2")),
            (FINANCE_ID, 2019, F19, "T02", 5, "2070199", "事业收入", D("0")),  # printed 0.00
            (FINANCE_ID, 2019, F19, "T02", 5, "2070199", "其他收入", D("1")),
        ],
    )


def test_fct_appropriation_expenditure_by_fund(build: Build) -> None:
    columns = (
        "document_id, source_table, source_page, subject_code, fund_type, expenditure_type, amount"
    )
    assert_fact_rows(
        build,
        "fct_appropriation_expenditure",
        columns,
        [
            (V2, "T05", 9, "2010301", "一般公共预算", "基本支出", D("55")),
            (V2, "T05", 9, "2010302", "一般公共预算", "项目支出", D("40")),
            (V2, "T05", 9, "221", "一般公共预算", "基本支出", D("5")),  # a 类 leaf
            (V2, "T08", 12, "2120801", "政府性基金预算", "基本支出", D("0")),
            (V2, "T08", 12, "2120801", "政府性基金预算", "项目支出", D("12")),
            (V2, "T08", 13, "2120899", "政府性基金预算", "项目支出", D("6")),
            (V2, "T09", 14, "2230199", "国有资本经营预算", "项目支出", D("2")),  # T05 layout
            (Y24, "T05", 8, "2010301", "一般公共预算", "基本支出", D("30")),
            (Y24, "T05", 8, "2070199", "一般公共预算", "项目支出", D("4")),
            (Y24, "T09", 11, "2230199", "国有资本经营预算", "项目支出", D("3")),  # T08 layout
        ],
    )


def test_fct_basic_expenditure_econ_leaves_and_cost_category(build: Build) -> None:
    columns = f"{PROVENANCE}, econ_code, cost_category, amount"
    assert_fact_rows(
        build,
        "fct_basic_expenditure_econ",
        columns,
        [
            (OFFICE_ID, 2020, V2, "T06", 10, "30101", "人员经费", D("30")),
            (OFFICE_ID, 2020, V2, "T06", 10, "30102", "人员经费", D("20")),
            (OFFICE_ID, 2020, V2, "T06", 10, "303", "人员经费", D("2")),  # no 款 printed
            (OFFICE_ID, 2020, V2, "T06", 10, "30201", "公用经费", D("5")),
            (OFFICE_ID, 2020, V2, "T06", 10, "30211", "公用经费", D("3")),
            (OFFICE_ID, 2020, V2, "T06", 10, "310", "公用经费", D("0")),  # printed 0.00
            # 399 printed blank: no fact
            (OFFICE_ID, 2024, Y24, "T06", 9, "301", "人员经费", D("28.5")),
            (OFFICE_ID, 2024, Y24, "T06", 9, "309", "公用经费", D("1.5")),
        ],
    )
    # no double counting: the leaves add up to the printed 人员经费合计 / 公用经费合计
    totals = query(
        build,
        "select document_id, cost_category, sum(amount) from marts.fct_basic_expenditure_econ"
        " group by all",
    )
    assert sorted(totals) == sorted(
        [
            (V2, "人员经费", D("52")),
            (V2, "公用经费", D("8")),
            (Y24, "人员经费", D("28.5")),
            (Y24, "公用经费", D("1.5")),
        ]
    )


def test_fct_three_public_costs_pivots_the_leaf_items(build: Build) -> None:
    columns = f"{PROVENANCE}, cost_item, budget_amount, final_amount"
    assert_fact_rows(
        build,
        "fct_three_public_costs",
        columns,
        [
            (OFFICE_ID, 2020, V2, "T07", 11, "因公出国（境）费", D("0"), D("0")),
            # 公务用车购置费 printed blank on both sides: dropped
            (OFFICE_ID, 2020, V2, "T07", 11, "公务用车运行维护费", D("6"), D("5")),
            (OFFICE_ID, 2020, V2, "T07", 11, "公务接待费", D("4"), D("3")),
            # ASCII parentheses name the same item; a blank 决算数 stays null
            (OFFICE_ID, 2024, Y24, "T07", 10, "因公出国（境）费", D("1"), None),
            (OFFICE_ID, 2024, Y24, "T07", 10, "公务接待费", D("2"), D("1.8")),
        ],
    )
    # FINANCE_2020 printed the table empty (本表无数据): no facts
    assert query(
        build, f"select count(*) from marts.fct_three_public_costs where document_id = '{F20}'"
    ) == [(0,)]


def statement_lines(build: Build, document_id: str, source_table: str) -> set[tuple]:
    return set(
        query(
            build,
            "select source_page, statement, side, line_item, measure, amount"
            " from marts.fct_statement_lines"
            f" where document_id = '{document_id}' and source_table = '{source_table}'",
        )
    )


def test_fct_statement_lines_t01_every_printed_line(build: Build) -> None:
    title = "收入支出决算总表"
    assert statement_lines(build, V2, "T01") == {
        (3, title, side, line, "决算数", D(amount))
        for side, line, amount in [
            ("收入", "一般公共预算财政拨款收入", "100"),
            ("收入", "政府性基金预算财政拨款收入", "20"),
            ("收入", "国有资本经营预算财政拨款收入", "2"),
            ("收入", "事业收入", "0"),  # printed 0.00; blank 上级补助收入 is no line
            ("收入", "本年收入合计", "122"),
            ("收入", "年初结转和结余", "1"),
            ("收入", "总计", "123"),
            ("支出", "一般公共服务支出", "95"),
            ("支出", "城乡社区支出", "18"),
            ("支出", "住房保障支出", "5"),
            ("支出", "国有资本经营预算支出", "2"),
            ("支出", "本年支出合计", "120"),
            ("支出", "年末结转和结余", "3"),
            ("支出", "总计", "123"),
        ]
    }


def test_fct_statement_lines_t04_with_per_fund_sub_lines(build: Build) -> None:
    title = "财政拨款收入支出决算总表"
    income = [
        ("一般公共预算财政拨款", "100"),
        ("政府性基金预算财政拨款", "20"),
        ("国有资本经营预算财政拨款", "2"),
        ("本年收入合计", "122"),
        (OPENING, "1"),
        (f"{OPENING}-一般公共预算财政拨款", "0"),
        (f"{OPENING}-政府性基金预算财政拨款", "1"),
        ("总计", "123"),
    ]
    expense_lines = [
        ("一般公共服务支出", "合计", "95"),
        ("一般公共服务支出", "一般公共预算", "95"),
        ("城乡社区支出", "合计", "18"),
        ("城乡社区支出", "政府性基金预算", "18"),
        ("住房保障支出", "合计", "5"),
        ("住房保障支出", "一般公共预算", "5"),
        ("国有资本经营预算支出", "合计", "2"),
        ("国有资本经营预算支出", "国有资本经营预算", "2"),
        ("本年支出合计", "合计", "120"),
        ("本年支出合计", "一般公共预算", "100"),
        ("本年支出合计", "政府性基金预算", "18"),
        ("本年支出合计", "国有资本经营预算", "2"),
        (CLOSING, "合计", "3"),
        (f"{CLOSING}-政府性基金预算财政拨款", "合计", "3"),
        ("总计", "合计", "123"),
        ("总计", "一般公共预算", "100"),
        ("总计", "政府性基金预算", "21"),
        ("总计", "国有资本经营预算", "2"),
    ]
    assert statement_lines(build, V2, "T04") == {
        (4, title, "收入", line, "决算数", D(amount)) for line, amount in income
    } | {(4, title, "支出", line, measure, D(amount)) for line, measure, amount in expense_lines}


def test_fct_statement_lines_carry_overs_of_t08_and_t09(build: Build) -> None:
    t08 = "政府性基金预算财政拨款收入支出决算表"
    carry = [
        (12, "合计", "1", "20", "3"),
        (12, "212", "1", "20", "3"),
        (12, "21208", "1", "20", "3"),
        (12, "2120801", None, "12", None),
        (13, "2120899", "1", "8", "3"),
    ]
    expected = set()
    for page, line, opening, income, closing in carry:
        for side, measure, amount in (
            ("收入", "年初结转和结余", opening),
            ("收入", "本年收入", income),
            ("支出", "年末结转和结余", closing),
        ):
            if amount is not None:
                expected.add((page, t08, side, line, measure, D(amount)))
    assert statement_lines(build, V2, "T08") == expected
    # T09 in the T05 layout (before 2024) has no carry-over columns
    assert statement_lines(build, V2, "T09") == set()
    t09 = "国有资本经营预算财政拨款支出决算表"
    assert statement_lines(build, Y24, "T09") == {
        (11, t09, "收入", line, "本年收入", D("3")) for line in ("合计", "223", "22301", "2230199")
    }


def test_superseded_and_rejected_versions_have_raw_cells(build: Build) -> None:
    # so the per-fact check below is not vacuous: both versions print tables
    assert query(
        build,
        "select distinct document_id from raw.table_cells"
        f" where document_id in ('{V1}', '{BROKEN}') order by 1",
    ) == sorted([(V1,), (BROKEN,)])


@pytest.mark.parametrize("fact", FACTS)
def test_superseded_and_rejected_documents_contribute_no_facts(build: Build, fact: str) -> None:
    rows = query(
        build,
        f"select distinct document_id from marts.{fact} where document_id in ('{V1}', '{BROKEN}')",
    )
    assert rows == []
    # every fact table is fed, so the check above is not vacuous
    assert query(build, f"select count(*) > 0 from marts.{fact}") == [(True,)]


def test_dim_fiscal_year_rows(build: Build) -> None:
    assert query(build, "select fiscal_year from marts.dim_fiscal_year order by 1") == [
        (2019,),
        (2020,),
        (2024,),
    ]


def test_dim_function_subject_rows(build: Build) -> None:
    rows = query(
        build,
        "select subject_code, subject_name, subject_level, class_code, class_name,"
        " section_code, section_name from marts.dim_function_subject order by 1",
    )
    general, office = "一般公共服务支出", "政府办公厅（室）及相关机构事务"
    land = "国有土地使用权出让收入安排的支出"
    legacy = "解决历史遗留问题及改革成本支出"
    assert rows == [
        ("201", general, "类", "201", general, None, None),
        ("20103", office, "款", "201", general, "20103", office),
        ("2010301", "行政运行", "项", "201", general, "20103", office),
        ("2010302", "一般行政管理事务", "项", "201", general, "20103", office),
        ("20106", "财政事务", "款", "201", general, "20106", "财政事务"),
        ("2010601", "行政运行", "项", "201", general, "20106", "财政事务"),
        # printed only in 2019 under its old name; the class name is the national one
        ("207", "文化体育与传媒支出", "类", "207", "文化旅游体育与传媒支出", None, None),
        # latest year's name (2024), not 2019's
        ("20701", "文化和旅游", "款", "207", "文化旅游体育与传媒支出", "20701", "文化和旅游"),
        (
            "2070199",
            "其他文化和旅游支出",
            "项",
            "207",
            "文化旅游体育与传媒支出",
            "20701",
            "文化和旅游",
        ),
        ("212", "城乡社区支出", "类", "212", "城乡社区支出", None, None),
        ("21208", land, "款", "212", "城乡社区支出", "21208", land),
        ("2120801", "征地和拆迁补偿支出", "项", "212", "城乡社区支出", "21208", land),
        ("2120899", f"其他{land}", "项", "212", "城乡社区支出", "21208", land),
        ("221", "住房保障支出", "类", "221", "住房保障支出", None, None),
        ("22102", "住房改革支出", "款", "221", "住房保障支出", "22102", "住房改革支出"),
        ("2210201", "住房公积金", "项", "221", "住房保障支出", "22102", "住房改革支出"),
        ("223", "国有资本经营预算支出", "类", "223", "国有资本经营预算支出", None, None),
        ("22301", legacy, "款", "223", "国有资本经营预算支出", "22301", legacy),
        ("2230199", f"其他{legacy}", "项", "223", "国有资本经营预算支出", "22301", legacy),
    ]
    # 2010350 (superseded version) and 2010699 (rejected version) are never seen in a
    # loaded document


def test_dim_function_subject_name_keeps_each_years_name(build: Build) -> None:
    rows = query(
        build,
        "select subject_code, fiscal_year, subject_name, subject_level"
        " from marts.dim_function_subject_name where subject_code like '207%' order by 1, 2",
    )
    assert rows == [
        ("207", 2019, "文化体育与传媒支出", "类"),
        ("20701", 2019, "文化", "款"),
        ("20701", 2024, "文化和旅游", "款"),
        ("2070199", 2019, "其他文化支出", "项"),
        ("2070199", 2024, "其他文化和旅游支出", "项"),
    ]
    years = query(
        build,
        "select fiscal_year from marts.dim_function_subject_name"
        " where subject_code = '2010301' order by 1",
    )
    assert years == [(2020,), (2024,)]
    # printed only by the superseded version: no year has it
    assert query(
        build,
        "select count(*) from marts.dim_function_subject_name where subject_code = '2010350'",
    ) == [(0,)]


def test_dim_economic_class_rows(build: Build) -> None:
    rows = query(
        build,
        "select econ_code, econ_name, econ_level, class_code, class_name, cost_category"
        " from marts.dim_economic_class order by 1",
    )
    wages, goods = "工资福利支出", "商品和服务支出"
    assert rows == [
        ("301", wages, "类", "301", wages, "人员经费"),
        ("30101", "基本工资", "款", "301", wages, "人员经费"),
        ("30102", "津贴补贴", "款", "301", wages, "人员经费"),
        ("302", goods, "类", "302", goods, "公用经费"),
        ("30201", "办公费", "款", "302", goods, "公用经费"),
        ("30211", "差旅费", "款", "302", goods, "公用经费"),
        ("303", "对个人和家庭的补助", "类", "303", "对个人和家庭的补助", "人员经费"),
        # the name as printed (NFKC-folded), the class name from the seed
        ("309", "资本性支出(基本建设)", "类", "309", "资本性支出（基本建设）", "公用经费"),
        ("310", "资本性支出", "类", "310", "资本性支出", "公用经费"),
        ("399", "其他支出", "类", "399", "其他支出", "公用经费"),
    ]  # 30199 is printed only by the superseded version


def test_seeds_hold_the_national_classes(build: Build) -> None:
    assert query(build, "select count(*) from seeds.function_classes") == [(29,)]
    rows = query(
        build,
        "select cost_category, list(class_code order by class_code)"
        " from seeds.economic_classes group by 1 order by 1",
    )
    assert rows == [
        ("人员经费", ["301", "303"]),
        ("公用经费", ["302", "307", "309", "310", "311", "312", "313", "399"]),
    ]


# The warehouse contract (../shared/warehouse-contract.md), table → columns in order.
# Money is DECIMAL(20,6) in 万元; the facts' common columns come first.
FACT_KEYS = [
    ("unit_id", "VARCHAR"),
    ("fiscal_year", "INTEGER"),
    ("document_id", "VARCHAR"),
    ("source_table", "VARCHAR"),
    ("source_page", "INTEGER"),
]
MONEY = "DECIMAL(20,6)"
CONTRACT = {
    "dim_unit": [
        ("unit_id", "VARCHAR"),
        ("unit_name", "VARCHAR"),
        ("region", "VARCHAR"),
        ("unit_level", "VARCHAR"),
    ],
    "dim_fiscal_year": [("fiscal_year", "INTEGER")],
    "dim_function_subject": [
        ("subject_code", "VARCHAR"),
        ("subject_name", "VARCHAR"),
        ("subject_level", "VARCHAR"),
        ("class_code", "VARCHAR"),
        ("class_name", "VARCHAR"),
        ("section_code", "VARCHAR"),
        ("section_name", "VARCHAR"),
    ],
    "dim_economic_class": [
        ("econ_code", "VARCHAR"),
        ("econ_name", "VARCHAR"),
        ("econ_level", "VARCHAR"),
        ("class_code", "VARCHAR"),
        ("class_name", "VARCHAR"),
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
    "fct_income": [
        *FACT_KEYS,
        ("subject_code", "VARCHAR"),
        ("income_source", "VARCHAR"),
        ("amount", MONEY),
    ],
    "fct_expenditure": [
        *FACT_KEYS,
        ("subject_code", "VARCHAR"),
        ("expenditure_type", "VARCHAR"),
        ("amount", MONEY),
    ],
    "fct_appropriation_expenditure": [
        *FACT_KEYS,
        ("subject_code", "VARCHAR"),
        ("fund_type", "VARCHAR"),
        ("expenditure_type", "VARCHAR"),
        ("amount", MONEY),
    ],
    "fct_basic_expenditure_econ": [
        *FACT_KEYS,
        ("econ_code", "VARCHAR"),
        ("cost_category", "VARCHAR"),
        ("amount", MONEY),
    ],
    "fct_three_public_costs": [
        *FACT_KEYS,
        ("cost_item", "VARCHAR"),
        ("budget_amount", MONEY),
        ("final_amount", MONEY),
    ],
    "fct_statement_lines": [
        *FACT_KEYS,
        ("statement", "VARCHAR"),
        ("side", "VARCHAR"),
        ("line_item", "VARCHAR"),
        ("measure", "VARCHAR"),
        ("amount", MONEY),
    ],
}
# What the project adds beyond the contract (allowed: add, never rename or drop).
# The per-document facts are built incrementally: each row says which load of its document
# it was built from.
INGESTED_AT = ("document_ingested_at", "TIMESTAMP")
ADDITIONS = {
    "dim_economic_class": [("cost_category", "VARCHAR")],
    **{
        fact: [INGESTED_AT]
        for fact in (
            "fct_income",
            "fct_expenditure",
            "fct_appropriation_expenditure",
            "fct_basic_expenditure_econ",
            "fct_three_public_costs",
            "fct_statement_lines",
        )
    },
    "dim_function_subject_name": [
        ("subject_code", "VARCHAR"),
        ("fiscal_year", "INTEGER"),
        ("subject_name", "VARCHAR"),
        ("subject_level", "VARCHAR"),
    ],
}
MARTS = sorted(CONTRACT.keys() | ADDITIONS.keys())
# The budget marts: built here too (from no budget, so the vs-final marts hold the finals'
# rows with NULL budgets); their columns and rows are tested in test_budget_marts.
BUDGET_MARTS = [
    "fct_budget_appropriation_expenditure",
    "fct_budget_basic_expenditure_econ",
    "fct_budget_expenditure",
    "fct_budget_income",
    "fct_budget_statement_lines",
    "fct_budget_three_public_costs",
    "fct_budget_vs_final",
    "three_public_budget_vs_final",
]


def has_cjk(text: str | None) -> bool:
    return text is not None and any("\u4e00" <= ch <= "\u9fff" for ch in text)


def test_marts_are_the_contracts_tables(build: Build) -> None:
    rows = query(build, "select table_name from duckdb_tables() where schema_name = 'marts'")
    assert sorted(name for (name,) in rows) == sorted(MARTS + BUDGET_MARTS)


@pytest.mark.parametrize("table", MARTS)
def test_marts_columns_match_contract(build: Build, table: str) -> None:
    assert mart_columns(build, table) == CONTRACT.get(table, []) + ADDITIONS.get(table, [])


def mart_columns(build: Build, table: str) -> list[tuple]:
    """The mart's (column_name, data_type) pairs, in column order."""
    return query(
        build,
        "select column_name, data_type from duckdb_columns()"
        f" where schema_name = 'marts' and table_name = '{table}' order by column_index",
    )


@pytest.mark.parametrize("table", MARTS)
def test_marts_carry_chinese_comments(build: Build, table: str) -> None:
    assert_chinese_comments(build, "marts", table)


def assert_chinese_comments(build: Build, schema: str, table: str) -> None:
    """The table and each of its columns carry a Chinese comment."""
    [(table_comment,)] = query(
        build,
        "select comment from duckdb_tables()"
        f" where schema_name = '{schema}' and table_name = '{table}'",
    )
    assert has_cjk(table_comment), table_comment
    columns = query(
        build,
        "select column_name, comment from duckdb_columns()"
        f" where schema_name = '{schema}' and table_name = '{table}'",
    )
    uncommented = [name for name, comment in columns if not has_cjk(comment)]
    assert uncommented == []


def test_layers_live_in_their_schemas(build: Build) -> None:
    rows = query(
        build,
        "select schema_name, table_name from duckdb_tables()"
        " where schema_name in ('seeds', 'staging', 'intermediate', 'marts')"
        " union all select schema_name, view_name from duckdb_views()"
        " where schema_name in ('seeds', 'staging', 'intermediate', 'marts') order by 1, 2",
    )
    assert ("marts", "fct_expenditure") in rows
    assert ("staging", "stg_raw__table_cells") in rows
    assert ("intermediate", "int_documents__current") in rows
    assert ("intermediate", "int_economic_class_rows") in rows
    assert ("seeds", "function_classes") in rows
    assert ("seeds", "economic_classes") in rows
    view_comments = query(
        build,
        "select view_name, comment from duckdb_views()"
        " where schema_name in ('staging', 'intermediate')",
    )
    assert view_comments
    assert all(has_cjk(comment) for _, comment in view_comments), view_comments
