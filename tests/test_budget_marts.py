"""The dbt project builds the budget marts and budget against final from a hand-made raw layer.

One `dbt build` (seeds, models and data tests) runs in-process against a temporary DuckDB
file, as in test_dbt_marts; the assertions then read the marts. The raw rows:
- 办公室 (OFFICE), fiscal 2024: a budget (预算) printing B01–B07 and B10, with B08 printed
  with its total column alone and B09 printed empty; the same year's final accounts (决算,
  T05, T07, T08, T09 in the 2024 layout) printing some subjects finer and some coarser
  than the budget; a re-issued budget ingested after the final (supersedes the first
  budget, not the final); a rejected final ingested after the final (stays rejected: the
  later budget is of another kind).
- 办公室, fiscal 2023: final accounts only (no budget).
- 财政局 (FINANCE), fiscal 2024: a budget only.

Real budgets print one function code on several rows of a table (Beijing's 支出总表: one
row per economic class under "2010801-行政运行"; its 一般公共预算支出表: the department's
codes once per unit), so some codes here are printed more than once: 办公室's B05 prints
a second unit's block (201 › 20103 › 2010301 again), its final's T05 prints 2010350 on
two rows, and 财政局's B03, B05 and B06 repeat codes the Beijing ways. Such a code is one
subject: its rows add up per column.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path

import duckdb
import pytest

from juesuan_samples.model import T05_COLUMNS, T07_COLUMNS, T08_COLUMNS
from tests.test_dbt_marts import (
    FACT_KEYS,
    INGESTED_AT,
    MONEY,
    RAW_SCHEMA,
    Build,
    Doc,
    Line,
    RawRow,
    RawTable,
    Row,
    assert_chinese_comments,
    doc_id,
    grid,
    insert_document,
    insert_tables,
    mart_columns,
    null_safe,
    parse_amount,
    query,
    run_dbt_build,
    statement,
    unit_key,
)

pytestmark = pytest.mark.slow  # every test reads the module's dbt build

OFFICE = "枣庄市人民政府办公室本级"
FINANCE = "枣庄市财政局"
BUDGET, FINAL = "预算", "决算"


def office_doc(label: str, file_name: str, year: int, ingested_at: datetime, **kw: str) -> Doc:
    return Doc(doc_id(label), file_name, OFFICE, "枣庄市", "单位", year, ingested_at, **kw)


# Rejected before the first budget was loaded: cleared by the later budget loads.
OFFICE_BUDGET_REJECTED = office_doc(
    "office-2024-budget-rejected",
    "办公室2024预算（复制中）.pdf",
    2024,
    datetime(2024, 1, 20, 9, 0, 0),
    status="rejected",
    status_reason="PDF 文件损坏",
)
OFFICE_BUDGET_V1 = office_doc(
    "office-2024-budget-v1", "办公室2024预算.pdf", 2024, datetime(2024, 2, 1, 9, 0, 0)
)
OFFICE_FINAL = office_doc(
    "office-2024-final", "办公室2024决算.pdf", 2024, datetime(2025, 9, 1, 9, 0, 0)
)
# Rejected after the final was loaded; the re-issued budget loaded after it is another kind.
OFFICE_FINAL_BROKEN = office_doc(
    "office-2024-final-broken",
    "办公室2024决算（损坏）.pdf",
    2024,
    datetime(2025, 9, 20, 9, 0, 0),
    status="rejected",
    status_reason="第 9 页表格无法解析",
)
# A corrected budget re-issued after the final: supersedes the first budget only.
OFFICE_BUDGET_V2 = office_doc(
    "office-2024-budget-v2", "办公室2024预算（更正）.pdf", 2024, datetime(2025, 10, 1, 9, 0, 0)
)
OFFICE_FINAL_2023 = office_doc(
    "office-2023-final", "办公室2023决算.pdf", 2023, datetime(2024, 9, 1, 9, 0, 0)
)
FINANCE_BUDGET = Doc(
    doc_id("finance-2024-budget"),
    "财政局2024部门预算.pdf",
    FINANCE,
    "枣庄市",
    "部门",
    2024,
    datetime(2024, 2, 10, 9, 0, 0),
)
KINDS = {
    OFFICE_BUDGET_REJECTED: BUDGET,
    OFFICE_BUDGET_V1: BUDGET,
    OFFICE_FINAL: FINAL,
    OFFICE_FINAL_BROKEN: FINAL,
    OFFICE_BUDGET_V2: BUDGET,
    OFFICE_FINAL_2023: FINAL,
    FINANCE_BUDGET: BUDGET,
}

# Budget column sets, as the agreement's canonical names (printed order).
B02_COLUMNS = (
    "合计",
    "财政拨款收入小计",
    "一般公共预算拨款收入",
    "政府性基金预算拨款收入",
    "事业收入",
    "其他收入",
    "上年结转结余",
)
B03_COLUMNS = ("合计", "基本支出", "项目支出", "事业单位经营支出")
B05_COLUMNS = ("合计", "基本支出", "项目支出")
B06_COLUMNS = ("合计", "人员经费", "公用经费")
B07_COLUMNS = ("上年预算数", "预算数")

# --- the current budget of 办公室 2024 -------------------------------------------------
# 208 is printed without children (the final prints 2080505/2080506 under it); 221 is
# printed down to two 项 (the final prints 221 alone); 2010305 is budgeted at 0.00.
# A second unit's block on page 7 prints 201 › 20103 › 2010301 again: 2010301 is one
# subject of 55.00 (35.00 + 20.00, first printed on page 6), 201 and 20103 no leaves.
V2_B05: list[Row] = [
    (6, None, "合计", ("104.00", "64.00", "40.00")),
    (6, "201", "一般公共服务支出", ("75.00", "35.00", "40.00")),
    (6, "20103", "政府办公厅（室）及相关机构事务", ("75.00", "35.00", "40.00")),
    (6, "2010301", "行政运行", ("35.00", "35.00", "")),
    (6, "2010302", "一般行政管理事务", ("40.00", "", "40.00")),
    (6, "2010305", "专项业务活动", ("0.00", "", "0.00")),
    (6, "208", "社会保障和就业支出", ("5.00", "5.00", "")),
    (6, "221", "住房保障支出", ("4.00", "4.00", "")),
    (6, "22102", "住房改革支出", ("4.00", "4.00", "")),
    (6, "2210201", "住房公积金", ("3.00", "3.00", "")),
    (6, "2210203", "购房补贴", ("1.00", "1.00", "")),
    (7, "201", "一般公共服务支出", ("20.00", "20.00", "")),
    (7, "20103", "政府办公厅（室）及相关机构事务", ("20.00", "20.00", "")),
    (7, "2010301", "行政运行", ("20.00", "20.00", "")),
]
# Printed with its total column alone: facts typed 合计.
V2_B08: list[Row] = [
    (8, None, "合计", ("20.00",)),
    (8, "212", "城乡社区支出", ("20.00",)),
    (8, "21208", "国有土地使用权出让收入安排的支出", ("20.00",)),
    (8, "2120801", "征地和拆迁补偿支出", ("12.00",)),
    (8, "2120899", "其他国有土地使用权出让收入安排的支出", ("8.00",)),
]
V2_B02: list[Row] = [
    (4, None, "合计", ("126.00", "124.00", "104.00", "20.00", "1.50", "", "0.50")),
    (4, "201", "一般公共服务支出", ("97.00", "95.00", "95.00", "", "1.50", "", "0.50")),
    (4, "2010301", "行政运行", ("57.00", "55.00", "55.00", "", "1.50", "", "0.50")),
    (4, "2010302", "一般行政管理事务", ("40.00", "40.00", "40.00", "", "", "", "")),
    (4, "212", "城乡社区支出", ("20.00", "20.00", "", "20.00", "", "0.00", "")),
]
V2_B03: list[Row] = [
    (5, None, "合计", ("126.00", "66.00", "58.00", "2.00")),
    (5, "201", "一般公共服务支出", ("97.00", "57.00", "40.00", "")),
    (5, "2010301", "行政运行", ("57.00", "57.00", "", "")),
    (5, "2010302", "一般行政管理事务", ("40.00", "", "40.00", "")),
    (5, "212", "城乡社区支出", ("29.00", "9.00", "18.00", "2.00")),
]
V2_B06: list[Row] = [
    (7, None, "合计", ("64.00", "55.00", "9.00")),
    (7, "301", "工资福利支出", ("50.00", "50.00", "")),
    (7, "30101", "基本工资", ("30.00", "30.00", "")),
    (7, "30102", "津贴补贴", ("20.00", "20.00", "")),
    (7, "303", "对个人和家庭的补助", ("5.00", "5.00", "")),
    (7, "302", "商品和服务支出", ("9.00", "", "9.00")),
    (7, "30201", "办公费", ("6.00", "", "6.00")),
    (7, "30299", "其他商品和服务支出", ("3.00", "", "3.00")),
]
V2_B07: list[Row] = [
    (9, None, "合计", ("11.00", "10.00")),
    (9, None, "因公出国(境)费", ("0.00", "0.00")),
    (9, None, "公务用车购置及运行维护费", ("7.00", "6.00")),
    (9, None, "公务用车购置费", ("", "")),
    (9, None, "公务用车运行维护费", ("7.00", "6.00")),
    (9, None, "公务接待费", ("4.00", "4.00")),
    (9, None, "会议费", ("2.00", "2.00")),
    (9, None, "培训费", ("1.00", "1.50")),
    (9, None, "机关运行经费", ("18.00", "20.00")),
]
V2_B01: list[Line] = [
    (2, "收入", None, "一般公共预算拨款收入", {"预算数": "104.00"}),
    (2, "支出", "201", "一般公共服务支出", {"预算数": "97.00"}),
    (2, "收入", None, "政府性基金预算拨款收入", {"预算数": "20.00"}),
    (2, "支出", "212", "城乡社区支出", {"预算数": "29.00"}),
    (2, "收入", None, "事业收入", {"预算数": "1.50"}),
    (2, "收入", None, "其他收入", {"预算数": ""}),
    (2, "收入", None, "本年收入合计", {"预算数": "125.50"}),
    (2, "支出", None, "本年支出合计", {"预算数": "126.00"}),
    (2, "收入", None, "上年结转结余", {"预算数": "0.50"}),
    (2, "收入", None, "总计", {"预算数": "126.00"}),
    (2, "支出", None, "总计", {"预算数": "126.00"}),
]
B04_EXPENSE = ("合计", "一般公共预算", "政府性基金预算", "国有资本经营预算")


def expense(*texts: str) -> dict[str, str]:
    return dict(zip(B04_EXPENSE, texts, strict=True))


V2_B04: list[Line] = [
    (3, "收入", None, "一般公共预算拨款", {"预算数": "104.00"}),
    (3, "支出", "201", "一般公共服务支出", expense("95.00", "95.00", "", "")),
    (3, "收入", None, "政府性基金预算拨款", {"预算数": "20.00"}),
    (3, "支出", "212", "城乡社区支出", expense("20.00", "", "20.00", "")),
    (3, "支出", None, "本年支出合计", expense("124.00", "104.00", "20.00", "")),
]
# --- the first budget of 办公室 2024 (superseded by V2): codes no loaded document prints -
V1_B05: list[Row] = [
    (6, None, "合计", ("99.00", "99.00", "")),
    (6, "2010399", "其他政府办公厅（室）及相关机构事务支出", ("99.00", "99.00", "")),
]
V1_B07: list[Row] = [
    (9, None, "公务接待费", ("", "9.00")),
]
V1_B06: list[Row] = [
    (7, "30199", "其他工资福利支出", ("9.00", "9.00", "")),
]

# --- the final accounts of 办公室 2024 --------------------------------------------------
FINAL_T05: list[Row] = [
    (9, None, "合计", ("92.50", "54.50", "38.00")),
    (9, "201", "一般公共服务支出", ("88.00", "50.00", "38.00")),
    (9, "20103", "政府办公厅（室）及相关机构事务", ("88.00", "50.00", "38.00")),
    (9, "2010301", "行政运行", ("50.00", "50.00", "")),
    (9, "2010302", "一般行政管理事务", ("30.00", "", "30.00")),
    (9, "2010305", "专项业务活动", ("2.00", "", "2.00")),
    (9, "2010350", "事业运行", ("4.00", "", "4.00")),
    (9, "208", "社会保障和就业支出", ("4.50", "4.50", "")),
    (9, "20805", "行政事业单位养老支出", ("4.50", "4.50", "")),
    (9, "2080505", "机关事业单位基本养老保险缴费支出", ("3.00", "3.00", "")),
    (9, "2080506", "机关事业单位职业年金缴费支出", ("1.50", "1.50", "")),
    (9, "221", "住房保障支出", ("4.20", "4.20", "")),
    # a final printing a code twice goes the same way: 2010350 is 6.00, page 9
    (10, "2010350", "事业运行", ("2.00", "", "2.00")),
]
FINAL_T08: list[Row] = [
    (12, None, "合计", ("", "20.00", "16.00", "0.00", "16.00", "4.00")),
    (12, "212", "城乡社区支出", ("", "20.00", "16.00", "0.00", "16.00", "4.00")),
    (
        12,
        "21208",
        "国有土地使用权出让收入安排的支出",
        ("", "20.00", "16.00", "0.00", "16.00", "4.00"),
    ),
    (12, "2120801", "征地和拆迁补偿支出", ("", "12.00", "10.00", "0.00", "10.00", "2.00")),
    (
        12,
        "2120899",
        "其他国有土地使用权出让收入安排的支出",
        ("", "8.00", "6.00", "", "6.00", "2.00"),
    ),
]
# T09 in the 2024 layout (like T08); the budget printed its B09 empty.
FINAL_T09: list[Row] = [
    (13, None, "合计", ("", "3.00", "3.00", "", "3.00", "")),
    (13, "2230199", "其他解决历史遗留问题及改革成本支出", ("", "3.00", "3.00", "", "3.00", "")),
]
# The T07 预算数 restates the budget, but 公务接待费 wrongly (4.50 against the budget's
# 4.00), and prints a 公务用车购置费 the budget left blank.
FINAL_T07: list[Row] = [
    (11, None, "合计", ("12.50", "10.70")),
    (11, None, "因公出国（境）费", ("0.00", "0.00")),
    (11, None, "公务用车购置及运行维护费", ("8.00", "6.90")),
    (11, None, "公务用车购置费", ("2.00", "1.90")),
    (11, None, "公务用车运行维护费", ("6.00", "5.00")),
    (11, None, "公务接待费", ("4.50", "3.80")),
]
FINAL_2023_T05: list[Row] = [
    (9, None, "合计", ("40.00", "40.00", "")),
    (9, "2010301", "行政运行", ("40.00", "40.00", "")),
]
BROKEN_T05: list[Row] = [
    (9, "2010399", "其他政府办公厅（室）及相关机构事务支出", ("77.00", "77.00", "")),
]

# --- the budget of 财政局 2024 (no final) ----------------------------------------------
# Printed the Beijing ways. B03: function × economic class, 2010601 once per class (the
# class columns are not read), one of its rows with a 项目支出 too. B05: once per unit of
# the department, 20106 printed over its children in both blocks (never a leaf). B06:
# 30101 once per unit.
FINANCE_B03: list[Row] = [
    (4, None, "合计", ("57.00", "45.00", "12.00", "")),
    (4, "2010601", "行政运行", ("30.00", "30.00", "", "")),
    (4, "2010601", "行政运行", ("20.00", "15.00", "5.00", "")),
    (4, "2010602", "一般行政管理事务", ("7.00", "", "7.00", "")),
]
FINANCE_B05: list[Row] = [
    (5, None, "合计", ("52.00", "45.00", "7.00")),
    (5, "20106", "财政事务", ("30.00", "30.00", "")),
    (5, "2010601", "行政运行", ("30.00", "30.00", "")),
    (6, "20106", "财政事务", ("22.00", "15.00", "7.00")),
    (6, "2010601", "行政运行", ("15.00", "15.00", "")),
    (6, "2010602", "一般行政管理事务", ("7.00", "", "7.00")),
]
# B04 names its fund lines under 本年收入 and again under 上年结转: the two 一般公共预算
# lines are different things under one name, so neither is a statement fact.
FINANCE_B04: list[Line] = [
    (3, "收入", None, "本年收入", {"预算数": "52.00"}),
    (3, "收入", None, "一般公共预算", {"预算数": "52.00"}),
    (3, "收入", None, "上年结转", {"预算数": "3.00"}),
    (3, "收入", None, "一般公共预算", {"预算数": "3.00"}),
    (3, "收入", None, "收入总计", {"预算数": "55.00"}),
    (3, "支出", "201", "一般公共服务支出", expense("55.00", "55.00", "", "")),
    (3, "支出", None, "支出总计", expense("55.00", "55.00", "", "")),
]
FINANCE_B06: list[Row] = [
    (7, None, "合计", ("45.00", "45.00", "")),
    (7, "30101", "基本工资", ("30.00", "30.00", "")),
    (8, "30101", "基本工资", ("15.00", "15.00", "")),
]

# A listing table (B10): columns named by their printed header; no mart reads it.
V2_B10: list[RawRow] = [
    (14, None, None, "政务信息化运维", (("项目名称", "政务信息化运维"), ("金额", "12.00"))),
    (14, None, "2010302", "会议保障", (("项目名称", "会议保障"), ("金额", "8.00"))),
]

TABLES: list[RawTable] = [
    RawTable(OFFICE_BUDGET_V1, "B05", grid(B05_COLUMNS, V1_B05)),
    RawTable(OFFICE_BUDGET_V1, "B06", grid(B06_COLUMNS, V1_B06)),
    RawTable(OFFICE_BUDGET_V1, "B07", grid(B07_COLUMNS, V1_B07)),
    RawTable(OFFICE_BUDGET_V2, "B01", statement(V2_B01)),
    RawTable(OFFICE_BUDGET_V2, "B02", grid(B02_COLUMNS, V2_B02)),
    RawTable(OFFICE_BUDGET_V2, "B03", grid(B03_COLUMNS, V2_B03)),
    RawTable(OFFICE_BUDGET_V2, "B04", statement(V2_B04)),
    RawTable(OFFICE_BUDGET_V2, "B05", grid(B05_COLUMNS, V2_B05)),
    RawTable(OFFICE_BUDGET_V2, "B06", grid(B06_COLUMNS, V2_B06)),
    RawTable(OFFICE_BUDGET_V2, "B07", grid(B07_COLUMNS, V2_B07)),
    RawTable(OFFICE_BUDGET_V2, "B08", grid(("合计",), V2_B08)),
    RawTable(
        OFFICE_BUDGET_V2,
        "B09",
        [],
        status="empty",
        note="本单位2024年度没有使用国有资本经营预算拨款安排的支出，故本表无数据。",
    ),
    RawTable(OFFICE_BUDGET_V2, "B10", V2_B10),
    RawTable(OFFICE_FINAL, "T05", grid(T05_COLUMNS, FINAL_T05)),
    RawTable(OFFICE_FINAL, "T07", grid(T07_COLUMNS, FINAL_T07)),
    RawTable(OFFICE_FINAL, "T08", grid(T08_COLUMNS, FINAL_T08)),
    RawTable(OFFICE_FINAL, "T09", grid(T08_COLUMNS, FINAL_T09)),
    RawTable(OFFICE_FINAL_BROKEN, "T05", grid(T05_COLUMNS, BROKEN_T05)),
    RawTable(OFFICE_FINAL_2023, "T05", grid(T05_COLUMNS, FINAL_2023_T05)),
    RawTable(FINANCE_BUDGET, "B03", grid(B03_COLUMNS, FINANCE_B03)),
    RawTable(FINANCE_BUDGET, "B04", statement(FINANCE_B04)),
    RawTable(FINANCE_BUDGET, "B05", grid(B05_COLUMNS, FINANCE_B05)),
    RawTable(FINANCE_BUDGET, "B06", grid(B06_COLUMNS, FINANCE_B06)),
]


def amount_of(text: str) -> Decimal | None:
    """The cell's amount; a listing's text columns (项目名称) have none."""
    try:
        return parse_amount(text)
    except InvalidOperation:
        return None


def write_raw(path: Path) -> None:
    """The raw layer, as the extractor writes it (test_dbt_marts.write_raw with kinds)."""
    with duckdb.connect(str(path)) as con:
        con.execute(RAW_SCHEMA.read_text(encoding="utf-8"))
        for doc, kind in KINDS.items():
            insert_document(
                con, doc, path=f"{doc.fiscal_year}/{doc.file_name}", page_count=30, kind=kind
            )
        insert_tables(con, TABLES, amount_of)


@pytest.fixture(scope="module")
def build(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Build]:
    tmp = tmp_path_factory.mktemp("budget_marts")
    warehouse = tmp / "juesuan.duckdb"
    write_raw(warehouse)  # connection closed: DuckDB allows one writer process per file
    yield run_dbt_build(warehouse, tmp)


def assert_rows(build: Build, relation: str, columns: str, expected: list[tuple]) -> None:
    """The relation's rows, as `select <columns>`, are exactly `expected` (in any order)."""
    rows = query(build, f"select {columns} from {relation}")
    assert sorted(rows, key=null_safe) == sorted(expected, key=null_safe)


def test_build_succeeds(build: Build) -> None:
    assert build.success, "\n".join(build.failures)
    # the one finding: 财政局's B04 prints 一般公共预算 on two income lines, reported as a
    # warning (the build goes on)
    assert [failure.split(" Got ")[0] for failure in build.failures] == [
        "test.juesuan.statement_labels_printed_once: warn"
    ], build.failures


D = Decimal
OFFICE_ID, FINANCE_ID = unit_key(OFFICE), unit_key(FINANCE)
V1, V2 = OFFICE_BUDGET_V1.document_id, OFFICE_BUDGET_V2.document_id
FIN, BROKEN = OFFICE_FINAL.document_id, OFFICE_FINAL_BROKEN.document_id
F23, FB = OFFICE_FINAL_2023.document_id, FINANCE_BUDGET.document_id
PROVENANCE = "unit_id, fiscal_year, document_id, source_table, source_page"
GENERAL, FUND, SOE = "一般公共预算", "政府性基金预算", "国有资本经营预算"
BASIC, PROJECT, TOTAL = "基本支出", "项目支出", "合计"


def test_supersession_is_per_unit_year_and_kind(build: Build) -> None:
    rows = {
        r[0]: r[1:]
        for r in query(
            build,
            "select document_id, document_kind, status, status_reason from marts.dim_document",
        )
    }
    assert set(rows) == {doc.document_id for doc in KINDS}
    kind, status, reason = rows[V1]
    assert (kind, status) == (BUDGET, "superseded")
    assert reason.startswith(f"已被同一单位同一年度的新版文件 {OFFICE_BUDGET_V2.file_name} 取代")
    assert "同为预算文件" in reason
    # the re-issued budget, ingested after the final, supersedes the budget only
    assert rows[V2] == (BUDGET, "loaded", None)
    assert rows[FIN] == (FINAL, "loaded", None)
    # a rejected final is not cleared by a later budget of the same unit and year
    assert rows[BROKEN] == (FINAL, "rejected", "第 9 页表格无法解析")
    # a rejected budget is, by the latest budget loaded after it
    kind, status, reason = rows[OFFICE_BUDGET_REJECTED.document_id]
    assert (kind, status) == (BUDGET, "superseded")
    assert reason.startswith(
        "曾被拒收（PDF 文件损坏）；其后同一单位同一年度预算的文件"
        f" {OFFICE_BUDGET_V2.file_name} 已入库"
    )
    assert rows[F23] == (FINAL, "loaded", None)
    assert rows[FB] == (BUDGET, "loaded", None)


def test_fct_budget_appropriation_expenditure(build: Build) -> None:
    assert_rows(
        build,
        "marts.fct_budget_appropriation_expenditure",
        f"{PROVENANCE}, subject_code, fund_type, expenditure_type, amount",
        [
            (OFFICE_ID, 2024, V2, "B05", 6, "2010301", GENERAL, BASIC, D("55")),
            (OFFICE_ID, 2024, V2, "B05", 6, "2010302", GENERAL, PROJECT, D("40")),
            (OFFICE_ID, 2024, V2, "B05", 6, "2010305", GENERAL, PROJECT, D("0")),  # 0.00
            (OFFICE_ID, 2024, V2, "B05", 6, "208", GENERAL, BASIC, D("5")),  # a 类 leaf
            (OFFICE_ID, 2024, V2, "B05", 6, "2210201", GENERAL, BASIC, D("3")),
            (OFFICE_ID, 2024, V2, "B05", 6, "2210203", GENERAL, BASIC, D("1")),
            # B08 prints its total column alone: the leaves' totals, typed 合计
            (OFFICE_ID, 2024, V2, "B08", 8, "2120801", FUND, TOTAL, D("12")),
            (OFFICE_ID, 2024, V2, "B08", 8, "2120899", FUND, TOTAL, D("8")),
            # B09 printed empty: no facts
            # printed on two rows (pages 5 and 6): one fact, the sum, the first page
            (FINANCE_ID, 2024, FB, "B05", 5, "2010601", GENERAL, BASIC, D("45")),
            (FINANCE_ID, 2024, FB, "B05", 6, "2010602", GENERAL, PROJECT, D("7")),
        ],
    )


def test_fct_budget_income_parts_only(build: Build) -> None:
    # 合计 and 财政拨款收入小计 are totals over the parts: never facts
    assert_rows(
        build,
        "marts.fct_budget_income",
        f"{PROVENANCE}, subject_code, income_source, amount",
        [
            (OFFICE_ID, 2024, V2, "B02", 4, "2010301", "一般公共预算拨款收入", D("55")),
            (OFFICE_ID, 2024, V2, "B02", 4, "2010301", "事业收入", D("1.5")),
            (OFFICE_ID, 2024, V2, "B02", 4, "2010301", "上年结转结余", D("0.5")),
            (OFFICE_ID, 2024, V2, "B02", 4, "2010302", "一般公共预算拨款收入", D("40")),
            (OFFICE_ID, 2024, V2, "B02", 4, "212", "政府性基金预算拨款收入", D("20")),
            (OFFICE_ID, 2024, V2, "B02", 4, "212", "其他收入", D("0")),
        ],
    )


def test_fct_budget_expenditure(build: Build) -> None:
    assert_rows(
        build,
        "marts.fct_budget_expenditure",
        f"{PROVENANCE}, subject_code, expenditure_type, amount",
        [
            (OFFICE_ID, 2024, V2, "B03", 5, "2010301", BASIC, D("57")),
            (OFFICE_ID, 2024, V2, "B03", 5, "2010302", PROJECT, D("40")),
            (OFFICE_ID, 2024, V2, "B03", 5, "212", BASIC, D("9")),
            (OFFICE_ID, 2024, V2, "B03", 5, "212", PROJECT, D("18")),
            (OFFICE_ID, 2024, V2, "B03", 5, "212", "事业单位经营支出", D("2")),
            # one row per economic class: the rows of 2010601 add up per column
            (FINANCE_ID, 2024, FB, "B03", 4, "2010601", BASIC, D("45")),
            (FINANCE_ID, 2024, FB, "B03", 4, "2010601", PROJECT, D("5")),
            (FINANCE_ID, 2024, FB, "B03", 4, "2010602", PROJECT, D("7")),
        ],
    )


def test_fct_budget_basic_expenditure_econ(build: Build) -> None:
    assert_rows(
        build,
        "marts.fct_budget_basic_expenditure_econ",
        f"{PROVENANCE}, econ_code, cost_category, amount",
        [
            (OFFICE_ID, 2024, V2, "B06", 7, "30101", "人员经费", D("30")),
            (OFFICE_ID, 2024, V2, "B06", 7, "30102", "人员经费", D("20")),
            (OFFICE_ID, 2024, V2, "B06", 7, "303", "人员经费", D("5")),  # no 款 printed
            (OFFICE_ID, 2024, V2, "B06", 7, "30201", "公用经费", D("6")),
            (OFFICE_ID, 2024, V2, "B06", 7, "30299", "公用经费", D("3")),
            # printed once per unit (pages 7 and 8): one fact
            (FINANCE_ID, 2024, FB, "B06", 7, "30101", "人员经费", D("45")),
        ],
    )
    # the leaves add up to the printed 人员经费 / 公用经费 columns of the 合计 row
    assert query(
        build,
        "select cost_category, sum(amount) from marts.fct_budget_basic_expenditure_econ"
        f" where document_id = '{V2}' group by all order by 1",
    ) == [("人员经费", D("55")), ("公用经费", D("9"))]


def test_fct_budget_three_public_costs_leaves_only(build: Build) -> None:
    # the year's 预算数, not 上年预算数; 会议费, 培训费 and 机关运行经费 are not 三公;
    # 公务用车购置费 printed blank is dropped; ASCII parentheses name the same item
    assert_rows(
        build,
        "marts.fct_budget_three_public_costs",
        f"{PROVENANCE}, cost_item, amount",
        [
            (OFFICE_ID, 2024, V2, "B07", 9, "因公出国（境）费", D("0")),
            (OFFICE_ID, 2024, V2, "B07", 9, "公务用车运行维护费", D("6")),
            (OFFICE_ID, 2024, V2, "B07", 9, "公务接待费", D("4")),
        ],
    )
    # they stay readable, marked, in the intermediate model
    assert query(
        build,
        "select cost_item, is_three_public, budget_amount, previous_budget_amount"
        " from intermediate.int_three_public_costs__pivoted"
        f" where document_id = '{V2}' and not is_three_public order by 1",
    ) == [
        ("会议费", False, D("2"), D("2")),
        ("培训费", False, D("1.5"), D("1")),
        ("机关运行经费", False, D("20"), D("18")),
    ]


def test_fct_budget_statement_lines(build: Build) -> None:
    b01 = [
        ("收入", "一般公共预算拨款收入", "预算数", "104"),
        ("收入", "政府性基金预算拨款收入", "预算数", "20"),
        ("收入", "事业收入", "预算数", "1.5"),  # the blank 其他收入 is no line
        ("收入", "本年收入合计", "预算数", "125.5"),
        ("收入", "上年结转结余", "预算数", "0.5"),
        ("收入", "总计", "预算数", "126"),
        ("支出", "一般公共服务支出", "预算数", "97"),
        ("支出", "城乡社区支出", "预算数", "29"),
        ("支出", "本年支出合计", "预算数", "126"),
        ("支出", "总计", "预算数", "126"),
    ]
    b04 = [
        ("收入", "一般公共预算拨款", "预算数", "104"),
        ("收入", "政府性基金预算拨款", "预算数", "20"),
        ("支出", "一般公共服务支出", "合计", "95"),
        ("支出", "一般公共服务支出", "一般公共预算", "95"),
        ("支出", "城乡社区支出", "合计", "20"),
        ("支出", "城乡社区支出", "政府性基金预算", "20"),
        ("支出", "本年支出合计", "合计", "124"),
        ("支出", "本年支出合计", "一般公共预算", "104"),
        ("支出", "本年支出合计", "政府性基金预算", "20"),
    ]
    assert_rows(
        build,
        "marts.fct_budget_statement_lines",
        f"{PROVENANCE}, statement, side, line_item, measure, amount",
        [(OFFICE_ID, 2024, V2, "B01", 2, "收支总表", *line[:3], D(line[3])) for line in b01]
        + [
            (OFFICE_ID, 2024, V2, "B04", 3, "财政拨款收支总表", *line[:3], D(line[3]))
            for line in b04
        ]
        # 财政局's two 一般公共预算 income lines are ambiguous: no facts
        + [
            (FINANCE_ID, 2024, FB, "B04", 3, "财政拨款收支总表", *line[:3], D(line[3]))
            for line in [
                ("收入", "本年收入", "预算数", "52"),
                ("收入", "上年结转", "预算数", "3"),
                ("收入", "收入总计", "预算数", "55"),
                ("支出", "一般公共服务支出", "合计", "55"),
                ("支出", "一般公共服务支出", "一般公共预算", "55"),
                ("支出", "支出总计", "合计", "55"),
                ("支出", "支出总计", "一般公共预算", "55"),
            ]
        ],
    )
    # kept, numbered and flagged in the intermediate model
    income = query(
        build,
        "select line_item, amount, line_occurrence, printed_line_count, is_ambiguous_label"
        " from intermediate.int_statement_lines__loaded"
        f" where document_id = '{FB}' and side = '收入'",
    )
    assert sorted(income) == sorted(
        [
            ("本年收入", D("52"), 1, 1, False),
            ("一般公共预算", D("52"), 1, 2, True),  # printed first
            ("上年结转", D("3"), 1, 1, False),
            ("一般公共预算", D("3"), 2, 2, True),
            ("收入总计", D("55"), 1, 1, False),
        ]
    )


def test_final_marts_hold_only_the_final_accounts(build: Build) -> None:
    assert_rows(
        build,
        "marts.fct_appropriation_expenditure",
        f"{PROVENANCE}, subject_code, fund_type, expenditure_type, amount",
        [
            (OFFICE_ID, 2024, FIN, "T05", 9, "2010301", GENERAL, BASIC, D("50")),
            (OFFICE_ID, 2024, FIN, "T05", 9, "2010302", GENERAL, PROJECT, D("30")),
            (OFFICE_ID, 2024, FIN, "T05", 9, "2010305", GENERAL, PROJECT, D("2")),
            (OFFICE_ID, 2024, FIN, "T05", 9, "2010350", GENERAL, PROJECT, D("6")),
            (OFFICE_ID, 2024, FIN, "T05", 9, "2080505", GENERAL, BASIC, D("3")),
            (OFFICE_ID, 2024, FIN, "T05", 9, "2080506", GENERAL, BASIC, D("1.5")),
            (OFFICE_ID, 2024, FIN, "T05", 9, "221", GENERAL, BASIC, D("4.2")),
            (OFFICE_ID, 2024, FIN, "T08", 12, "2120801", FUND, BASIC, D("0")),
            (OFFICE_ID, 2024, FIN, "T08", 12, "2120801", FUND, PROJECT, D("10")),
            (OFFICE_ID, 2024, FIN, "T08", 12, "2120899", FUND, PROJECT, D("6")),
            (OFFICE_ID, 2024, FIN, "T09", 13, "2230199", SOE, PROJECT, D("3")),
            (OFFICE_ID, 2023, F23, "T05", 9, "2010301", GENERAL, BASIC, D("40")),
        ],
    )
    assert_rows(
        build,
        "marts.fct_three_public_costs",
        f"{PROVENANCE}, cost_item, budget_amount, final_amount",
        [
            (OFFICE_ID, 2024, FIN, "T07", 11, "因公出国（境）费", D("0"), D("0")),
            (OFFICE_ID, 2024, FIN, "T07", 11, "公务用车购置费", D("2"), D("1.9")),
            (OFFICE_ID, 2024, FIN, "T07", 11, "公务用车运行维护费", D("6"), D("5")),
            (OFFICE_ID, 2024, FIN, "T07", 11, "公务接待费", D("4.5"), D("3.8")),
        ],
    )
    # T08's and T09's carry-over columns, and nothing of the budgets' B01/B04
    lines = query(
        build,
        "select source_table, line_item, measure, amount from marts.fct_statement_lines"
        f" where document_id = '{FIN}'",
    )
    expected = {
        ("T08", line, measure, D(amount))
        for line, received, closing in [
            ("合计", "20", "4"),
            ("212", "20", "4"),
            ("21208", "20", "4"),
            ("2120801", "12", "2"),
            ("2120899", "8", "2"),
        ]
        for measure, amount in (("本年收入", received), ("年末结转和结余", closing))
    } | {("T09", line, "本年收入", D("3")) for line in ("合计", "2230199")}
    assert sorted(lines) == sorted(expected)
    assert query(build, "select count(*) from marts.fct_statement_lines") == [(len(expected),)]
    for fact in ("fct_income", "fct_expenditure", "fct_basic_expenditure_econ"):
        assert query(build, f"select count(*) from marts.{fact}") == [(0,)]


VS_COLUMNS = (
    "unit_id, fiscal_year, subject_code, fund_type, expenditure_type, budget_amount,"
    " final_amount, execution_rate, budget_document_id, final_document_id,"
    " budget_fact_count, final_fact_count"
)


def test_fct_budget_vs_final(build: Build) -> None:
    a, f = OFFICE_ID, FINANCE_ID
    assert_rows(
        build,
        "marts.fct_budget_vs_final",
        VS_COLUMNS,
        [
            # the budget prints 2010301 on two rows (35.00 + 20.00): one fact, compared at 55
            (a, 2024, "2010301", GENERAL, BASIC, D("55"), D("50"), D("0.909091"), V2, FIN, 1, 1),
            (a, 2024, "2010302", GENERAL, PROJECT, D("40"), D("30"), D("0.75"), V2, FIN, 1, 1),
            # budgeted at 0.00: no rate
            (a, 2024, "2010305", GENERAL, PROJECT, D("0"), D("2"), None, V2, FIN, 1, 1),
            # spent without a budget row: the budget is loaded but does not print it (the
            # final prints 2010350 on two rows, 4.00 + 2.00: one fact)
            (a, 2024, "2010350", GENERAL, PROJECT, None, D("6"), None, V2, FIN, 0, 1),
            # the budget prints 208 alone: the final's 2080505 and 2080506 are summed into it
            (a, 2024, "208", GENERAL, BASIC, D("5"), D("4.5"), D("0.9"), V2, FIN, 1, 2),
            # the final prints 221 alone: the budget's 2210201 and 2210203 are summed into it
            (a, 2024, "221", GENERAL, BASIC, D("4"), D("4.2"), D("1.05"), V2, FIN, 2, 1),
            # B08 prints totals alone: compared at 合计, the final's 基本 + 项目 summed
            (a, 2024, "2120801", FUND, TOTAL, D("12"), D("10"), D("0.833333"), V2, FIN, 1, 2),
            (a, 2024, "2120899", FUND, TOTAL, D("8"), D("6"), D("0.75"), V2, FIN, 1, 1),
            # B09 printed empty
            (a, 2024, "2230199", SOE, PROJECT, None, D("3"), None, V2, FIN, 0, 1),
            # 2023: final accounts only
            (a, 2023, "2010301", GENERAL, BASIC, None, D("40"), None, None, F23, 0, 1),
            # 财政局: a budget only
            # printed on two rows by the budget: compared once, at the sum
            (f, 2024, "2010601", GENERAL, BASIC, D("45"), None, None, FB, None, 1, 0),
            (f, 2024, "2010602", GENERAL, PROJECT, D("7"), None, None, FB, None, 1, 0),
        ],
    )
    [(rate_type,)] = query(
        build,
        "select data_type from duckdb_columns() where schema_name = 'marts'"
        " and table_name = 'fct_budget_vs_final' and column_name = 'execution_rate'",
    )
    assert rate_type == "DECIMAL(38,6)"


def test_fct_budget_vs_final_sides_sum_to_their_facts(build: Build) -> None:
    sides = query(
        build,
        "select fund_type, sum(budget_amount), sum(final_amount) from marts.fct_budget_vs_final"
        f" where unit_id = '{OFFICE_ID}' and fiscal_year = 2024 group by 1 order by 1",
    )
    facts = query(
        build,
        "select fund_type, sum(amount) filter (where source_table like 'B%'),"
        " sum(amount) filter (where source_table like 'T%') from ("
        " select fund_type, source_table, amount"
        " from marts.fct_budget_appropriation_expenditure"
        f" where document_id = '{V2}' union all"
        " select fund_type, source_table, amount from marts.fct_appropriation_expenditure"
        f" where document_id = '{FIN}') group by 1 order by 1",
    )
    assert sides == facts


def test_a_code_printed_on_several_rows_is_one_subject(build: Build) -> None:
    # per column: the rows printing an amount there add up, on the code's first page
    # (财政局's B03 prints 2010601's 项目支出 on one of its two rows only: not listed)
    rows = query(
        build,
        "select document_id, table_id, page, coalesce(subject_code, econ_code), column_name,"
        " printed_row_count, amount from intermediate.int_leaf_amounts__loaded"
        " where printed_row_count > 1",
    )
    assert sorted(rows) == sorted(
        [
            (V2, "B05", 6, "2010301", "合计", 2, D("55")),
            (V2, "B05", 6, "2010301", BASIC, 2, D("55")),
            (FIN, "T05", 9, "2010350", "合计", 2, D("6")),
            (FIN, "T05", 9, "2010350", PROJECT, 2, D("6")),
            (FB, "B03", 4, "2010601", "合计", 2, D("50")),
            (FB, "B03", 4, "2010601", BASIC, 2, D("45")),
            (FB, "B05", 5, "2010601", "合计", 2, D("45")),
            (FB, "B05", 5, "2010601", BASIC, 2, D("45")),
            (FB, "B06", 7, "30101", "合计", 2, D("45")),
            (FB, "B06", 7, "30101", "人员经费", 2, D("45")),
        ]
    )


def test_a_code_printed_over_its_children_is_no_leaf_however_often(build: Build) -> None:
    leaves: dict[tuple[str, str], list[bool]] = {}
    for document_id, code, is_leaf in query(
        build,
        "select document_id, subject_code, is_leaf from intermediate.int_function_subject_rows"
        f" where table_id = 'B05' and document_id in ('{V2}', '{FB}')"
        " and subject_code is not null order by row_number",
    ):
        leaves.setdefault((document_id, code), []).append(is_leaf)
    # printed twice, each time over its children
    assert leaves[(V2, "201")] == leaves[(V2, "20103")] == [False, False]
    assert leaves[(FB, "20106")] == [False, False]
    # printed twice, each time a leaf
    assert leaves[(V2, "2010301")] == leaves[(FB, "2010601")] == [True, True]
    # so the facts of each table add up to its printed 合计, never counting a code twice
    totals = query(
        build,
        "select printed.document_id, printed.table_id, printed.amount, facts.amount"
        " from staging.stg_raw__table_cells as printed"
        " left join (select document_id, table_id, sum(amount) as amount"
        "   from intermediate.int_leaf_amounts__loaded where column_name = '合计'"
        "   group by all) as facts using (document_id, table_id)"
        " where printed.table_id in ('B03', 'B05', 'B08') and printed.subject_code is null"
        "   and printed.line_label = '合计' and printed.column_name = '合计'"
        f"   and printed.document_id in ('{V2}', '{FB}')",
    )
    assert sorted(totals) == sorted(
        [
            (V2, "B03", D("126"), D("126")),
            (V2, "B05", D("104"), D("104")),
            (V2, "B08", D("20"), D("20")),
            (FB, "B03", D("57"), D("57")),
            (FB, "B05", D("52"), D("52")),
        ]
    )


def test_three_public_budget_vs_final(build: Build) -> None:
    assert_rows(
        build,
        "marts.three_public_budget_vs_final",
        "unit_id, fiscal_year, cost_item, budget_amount, final_budget_amount, final_amount,"
        " budget_document_id, final_document_id",
        [
            (OFFICE_ID, 2024, "因公出国（境）费", D("0"), D("0"), D("0"), V2, FIN),
            # printed blank in the budget, restated by the final
            (OFFICE_ID, 2024, "公务用车购置费", None, D("2"), D("1.9"), V2, FIN),
            (OFFICE_ID, 2024, "公务用车运行维护费", D("6"), D("6"), D("5"), V2, FIN),
            # the final restates the budget wrongly: 4.50 against 4.00
            (OFFICE_ID, 2024, "公务接待费", D("4"), D("4.5"), D("3.8"), V2, FIN),
        ],
    )


def test_document_coverage_per_kind(build: Build) -> None:
    # a year × kind is listed once some document of that kind and year was ingested
    assert_rows(
        build,
        "quality.document_coverage",
        "unit_id, fiscal_year, document_kind, has_loaded_document, document_id, status,"
        " status_reason",
        [
            (OFFICE_ID, 2024, BUDGET, True, V2, "loaded", None),
            (OFFICE_ID, 2024, FINAL, True, FIN, "loaded", None),
            (OFFICE_ID, 2023, FINAL, True, F23, "loaded", None),
            (FINANCE_ID, 2024, BUDGET, True, FB, "loaded", None),
            (FINANCE_ID, 2024, FINAL, False, None, "absent", "未收到该单位该年度的决算文件"),
            (FINANCE_ID, 2023, FINAL, False, None, "absent", "未收到该单位该年度的决算文件"),
        ],
    )


def test_budget_final_coverage_names_the_missing_side(build: Build) -> None:
    no_budget, no_final = "未收到该单位该年度的预算文件", "未收到该单位该年度的决算文件"
    assert_rows(
        build,
        "quality.budget_final_coverage",
        "unit_id, fiscal_year, both_loaded, missing_side, budget_document_id, budget_status,"
        " budget_status_reason, final_document_id, final_status, final_status_reason",
        [
            (OFFICE_ID, 2024, True, None, V2, "loaded", None, FIN, "loaded", None),
            (OFFICE_ID, 2023, False, "缺预算", None, "absent", no_budget, F23, "loaded", None),
            (FINANCE_ID, 2024, False, "缺决算", FB, "loaded", None, None, "absent", no_final),
            (
                FINANCE_ID,
                2023,
                False,
                "预算和决算均缺",
                None,
                "absent",
                no_budget,
                None,
                "absent",
                no_final,
            ),
        ],
    )


def test_dimensions_cover_the_budgets_codes(build: Build) -> None:
    subjects = {
        code for (code,) in query(build, "select subject_code from marts.dim_function_subject")
    }
    # printed only in budgets (2210201, 2210203, 22102 by 办公室; 2010601 by 财政局)
    assert {"2210201", "2210203", "22102", "2010601", "208"} <= subjects
    # printed only by the superseded budget and the rejected final
    assert "2010399" not in subjects
    assert query(
        build,
        "select subject_name, fiscal_year from marts.dim_function_subject_name"
        " where subject_code = '2210203'",
    ) == [("购房补贴", 2024)]
    econ = {code for (code,) in query(build, "select econ_code from marts.dim_economic_class")}
    assert econ == {"301", "30101", "30102", "303", "302", "30201", "30299"}  # not 30199


@pytest.mark.parametrize(
    "fact",
    [
        "fct_budget_income",
        "fct_budget_expenditure",
        "fct_budget_appropriation_expenditure",
        "fct_budget_basic_expenditure_econ",
        "fct_budget_three_public_costs",
        "fct_budget_statement_lines",
    ],
)
def test_budget_facts_come_from_the_current_budget_only(build: Build, fact: str) -> None:
    documents = query(build, f"select distinct document_id from marts.{fact}")
    assert documents  # every budget fact table is fed
    assert set(documents) <= {(V2,), (FB,)}  # never V1 (superseded) nor a final


# The warehouse contract's budget tables: columns in order (then what the project adds).
BUDGET_CONTRACT = {
    "fct_budget_income": [
        *FACT_KEYS,
        ("subject_code", "VARCHAR"),
        ("income_source", "VARCHAR"),
        ("amount", MONEY),
        INGESTED_AT,
    ],
    "fct_budget_expenditure": [
        *FACT_KEYS,
        ("subject_code", "VARCHAR"),
        ("expenditure_type", "VARCHAR"),
        ("amount", MONEY),
        INGESTED_AT,
    ],
    "fct_budget_appropriation_expenditure": [
        *FACT_KEYS,
        ("subject_code", "VARCHAR"),
        ("fund_type", "VARCHAR"),
        ("expenditure_type", "VARCHAR"),
        ("amount", MONEY),
        INGESTED_AT,
    ],
    "fct_budget_basic_expenditure_econ": [
        *FACT_KEYS,
        ("econ_code", "VARCHAR"),
        ("cost_category", "VARCHAR"),
        ("amount", MONEY),
        INGESTED_AT,
    ],
    "fct_budget_three_public_costs": [
        *FACT_KEYS,
        ("cost_item", "VARCHAR"),
        ("amount", MONEY),
        INGESTED_AT,
    ],
    "fct_budget_statement_lines": [
        *FACT_KEYS,
        ("statement", "VARCHAR"),
        ("side", "VARCHAR"),
        ("line_item", "VARCHAR"),
        ("measure", "VARCHAR"),
        ("amount", MONEY),
        INGESTED_AT,
    ],
    "fct_budget_vs_final": [
        ("unit_id", "VARCHAR"),
        ("fiscal_year", "INTEGER"),
        ("subject_code", "VARCHAR"),
        ("fund_type", "VARCHAR"),
        ("expenditure_type", "VARCHAR"),
        ("budget_amount", MONEY),
        ("final_amount", MONEY),
        ("execution_rate", "DECIMAL(38,6)"),
        ("budget_document_id", "VARCHAR"),
        ("final_document_id", "VARCHAR"),
        ("budget_fact_count", "INTEGER"),
        ("final_fact_count", "INTEGER"),
    ],
    "three_public_budget_vs_final": [
        ("unit_id", "VARCHAR"),
        ("fiscal_year", "INTEGER"),
        ("cost_item", "VARCHAR"),
        ("budget_amount", MONEY),
        ("final_budget_amount", MONEY),
        ("final_amount", MONEY),
        ("budget_document_id", "VARCHAR"),
        ("final_document_id", "VARCHAR"),
    ],
}


@pytest.mark.parametrize("table", sorted(BUDGET_CONTRACT))
def test_budget_marts_columns_match_contract(build: Build, table: str) -> None:
    assert mart_columns(build, table) == BUDGET_CONTRACT[table]


@pytest.mark.parametrize(
    ("schema", "table"),
    [("marts", table) for table in sorted(BUDGET_CONTRACT)]
    + [("quality", "budget_final_coverage"), ("quality", "document_coverage")],
)
def test_budget_tables_carry_chinese_comments(build: Build, schema: str, table: str) -> None:
    assert_chinese_comments(build, schema, table)
