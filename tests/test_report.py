"""The finance bureau's quality report: HTML content, escaping, Excel export, and the page
rendered in a real headless browser (Debian's chromium)."""

from __future__ import annotations

import csv
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tracemalloc
from collections import Counter
from contextlib import closing
from datetime import datetime
from html.parser import HTMLParser
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from openpyxl import load_workbook

from pipelines.quality.store import LATEST_VIEW_SQL
from pipelines.report import (
    CSV_NAME,
    DOCUMENTS_FOLDER,
    HTML_NAME,
    JSON_NAME,
    XLSX_NAME,
    write_report,
)
from pipelines.report import data as report_data
from pipelines.report.browser import CHROMIUM, CHROMIUM_FLAGS, DevTools
from pipelines.report.excel import BUDGET_CSV_NAME as BUDGET_CSV
from pipelines.report.excel import THREE_PUBLIC_CSV_NAME as THREE_PUBLIC_CSV
from pipelines.report.export_fragments import FRAGMENTS_NAME
from pipelines.report.html import BUDGET_LINES_IN_OVERVIEW, document_page_name

_DevTools = DevTools  # the name tests/test_review_workflow_e2e.py imports

# Where the browser test also leaves its screenshots and the report it looked at.
ARTIFACTS_ENV = "JUESUAN_REPORT_ARTIFACTS"

HOSTILE_UNIT = '<script>alert("unit")</script>测试局'
# Begins with '=' (not a formula in Excel) and carries a control character XML cannot hold.
HOSTILE_MESSAGE = '=HYPERLINK("http://x") 说明<img src=x onerror=alert(1)>与表格不符\x0b & 需核对'
D_ZAOZHUANG = "a" * 64
D_HOSTILE = "b" * 64
D_REJECTED = "c" * 64
D_OLD = "d" * 64
D_CLEAN = "e" * 64

SCHEMA = """
create schema marts;
create schema quality;
create table marts.dim_unit (
    unit_id varchar, unit_name varchar, region varchar, unit_level varchar
);
create table marts.dim_document (
    document_id varchar, file_name varchar, unit_id varchar, fiscal_year integer,
    document_kind varchar, page_count integer, status varchar, status_reason varchar,
    ingested_at timestamp
);
create table quality.check_results (
    run_id varchar, checked_at timestamp, check_name varchar, check_title varchar,
    severity varchar, passed boolean, document_id varchar, unit_id varchar,
    fiscal_year integer, source_table varchar, source_page integer, location varchar,
    observed decimal(20, 6), expected decimal(20, 6), difference decimal(20, 6),
    tolerance decimal(20, 6), message varchar
);
create table quality.document_coverage (
    unit_id varchar, unit_name varchar, region varchar, unit_level varchar,
    fiscal_year integer, has_loaded_document boolean, in_registry boolean
);
"""

UNITS = [
    ("u_zz", "枣庄市人民政府办公室本级", "枣庄市", "单位"),
    ("u_bad", HOSTILE_UNIT, "上海市普陀区", "部门"),
    ("u_cz", "枣庄市财政局", "枣庄市", "部门"),
]
T0 = datetime(2024, 9, 1, 10, 0)
DOCUMENTS = [
    (D_ZAOZHUANG, "枣庄市政府办公室2020年决算.pdf", "u_zz", 2020, "loaded", None, 42),
    (D_HOSTILE, "<b>普陀</b>2023决算.pdf", "u_bad", 2023, "loaded", None, 30),
    (D_REJECTED, "会议纪要.pdf", None, None, "rejected", "不是决算文件：封面未见“决算”字样", 3),
    (
        D_OLD,
        "枣庄市政府办公室2020年决算（旧版）.pdf",
        "u_zz",
        2020,
        "superseded",
        "已被同一单位同一年度的新版文件 枣庄市政府办公室2020年决算.pdf 取代",
        41,
    ),
    (D_CLEAN, "枣庄市财政局2023年部门决算.pdf", "u_cz", 2023, "loaded", None, 28),
]


RUN1 = datetime(2024, 9, 1, 12, 0)
RUN2 = datetime(2024, 9, 2, 9, 30)
RESULT_COLUMNS = (
    "run_id", "checked_at", "check_name", "check_title", "severity", "passed", "document_id",
    "unit_id", "fiscal_year", "source_table", "source_page", "location", "observed", "expected",
    "difference", "tolerance", "message",
)  # fmt: skip


def _result(run: str, doc: str, unit: str, year: int, check: str, severity: str, **kw) -> tuple:
    """One quality.check_results row; `at` the table, page, location, figures by keyword."""
    from pipelines.quality.catalogue import CHECKS

    row = {
        "run_id": run,
        "checked_at": RUN1 if run == "r1" else RUN2,
        "check_name": check,
        "check_title": CHECKS[check].title,
        "severity": severity,
        "passed": kw.pop("passed", False),
        "document_id": doc,
        "unit_id": unit,
        "fiscal_year": year,
    }
    row.update(kw)
    return tuple(row.get(column) for column in RESULT_COLUMNS)


def _figures(observed, expected, difference, tolerance) -> dict:
    return {
        "observed": observed,
        "expected": expected,
        "difference": difference,
        "tolerance": tolerance,
    }


ZZ = (D_ZAOZHUANG, "u_zz", 2020)
RESULTS = [
    # The first run found an error the second no longer finds: only the latest run counts.
    _result("r1", *ZZ, "t02_row_total", "error", source_table="T02", source_page=5,
            location="2019999", message="过时的问题", **_figures(1, 2, -1, 0.01)),
    _result("r2", *ZZ, "t02_row_total", "error", passed=True, source_table="T02",
            source_page=5, location="2019999", **_figures(2, 2, 0, 0.01)),
    _result("r2", *ZZ, "subject_hierarchy", "error", source_table="T03", source_page=9,
            location="2010301", **_figures("125.50", "120.50", "5.00", "0.02"),
            message="款 20103 的项级科目之和 125.50 万元，与款级金额 120.50 万元相差 5.00 万元"),
    # A rounding difference recorded on a passing check is still a finding (尾数误差).
    _result("r2", *ZZ, "t01_t02_income", "rounding", passed=True, source_table="T02",
            source_page=7, location="本年收入合计",
            **_figures("7753.64", "7753.63", "0.01", "0.01"),
            message="收入支出决算总表本年收入合计 7753.63 万元，收入决算表 7753.64 万元"),
    _result("r2", *ZZ, "t07_total", "rounding", source_table="T07", source_page=12,
            location="合计", **_figures("36.21", "36.20", "0.01", "0.02"),
            message="三公经费合计与各项之和相差 0.01"),
    _result("r2", D_HOSTILE, "u_bad", 2023, "narrative_matches_tables", "error",
            source_table="T01", source_page=18, location="本年支出合计",
            **_figures("1000.00", "1234.56", "-234.56", "0.01"), message=HOSTILE_MESSAGE),
    _result("r2", D_CLEAN, "u_cz", 2023, "t05_row_total", "error", passed=True,
            source_table="T05", source_page=8, location="2010101", **_figures(10, 10, 0, 0.01)),
    # A finding on the superseded version, from an earlier run.
    _result("r1", D_OLD, "u_zz", 2020, "statement_balance", "error", source_table="T01",
            source_page=6, location="总计", **_figures(100, 90, 10, 0.01),
            message="旧版收入总计与支出总计不等"),
]  # fmt: skip
COVERAGE = [
    ("u_zz", "枣庄市人民政府办公室本级", "枣庄市", "单位", 2020, True, True),
    ("u_bad", HOSTILE_UNIT, "上海市普陀区", "部门", 2023, True, True),
    ("u_cz", "枣庄市财政局", "枣庄市", "部门", 2023, True, True),
    ("u_jy", "枣庄市教育局", "枣庄市", "部门", 2023, False, True),  # registered, never sent
]


def build_warehouse(path: Path, *, quality: bool = True, coverage: bool = True) -> Path:
    con = duckdb.connect(str(path))
    try:
        con.execute(SCHEMA)
        con.executemany("insert into marts.dim_unit values (?, ?, ?, ?)", UNITS)
        con.executemany(
            "insert into marts.dim_document values (?, ?, ?, ?, '决算', ?, ?, ?, ?)",
            [
                (doc, name, unit, year, pages, status, reason, T0)
                for doc, name, unit, year, status, reason, pages in DOCUMENTS
            ],
        )
        if quality:
            con.executemany(
                "insert into quality.check_results values "
                "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                RESULTS,
            )
            con.execute(LATEST_VIEW_SQL)  # written with the results, as the engine does
        else:
            con.execute("drop table quality.check_results")
        if coverage:
            con.executemany(
                "insert into quality.document_coverage values (?, ?, ?, ?, ?, ?, ?)", COVERAGE
            )
        else:
            con.execute("drop table quality.document_coverage")
    finally:
        con.close()
    return path


def _data_island(page: str) -> dict:
    match = re.search(
        r'<script type="application/json" id="report-data">(.*?)</script>', page, re.S
    )
    assert match, "no data island"
    return json.loads(match.group(1))


def _document_page(files, document_id: str) -> Path:
    return files.html.parent / DOCUMENTS_FOLDER / document_page_name(document_id)


def _document_island(files, document_id: str) -> dict:
    return _data_island(_document_page(files, document_id).read_text(encoding="utf-8"))


def _all_findings(files) -> list[list]:
    """The findings of every document's page (the overview holds none)."""
    folder = files.html.parent / DOCUMENTS_FOLDER
    return [
        f
        for page in sorted(folder.glob("*.html"))
        for f in _data_island(page.read_text("utf-8"))["f"]
    ]


@pytest.fixture
def report(tmp_path):
    warehouse = build_warehouse(tmp_path / "juesuan.duckdb")
    docs_index = tmp_path / "reports" / "data_docs" / "local_site" / "index.html"
    docs_index.parent.mkdir(parents=True)
    docs_index.write_text("<html>GX</html>", encoding="utf-8")
    files = write_report(warehouse, tmp_path / "reports", data_docs_index=docs_index)
    return files


def test_writes_html_and_excel_read_only(report, tmp_path):
    assert report.html == tmp_path / "reports" / HTML_NAME
    assert report.xlsx == tmp_path / "reports" / XLSX_NAME
    assert report.html.stat().st_size > 0 and report.xlsx.stat().st_size > 0
    assert (report.errors, report.roundings) == (2, 2)  # the superseded version not counted
    # The warehouse is free again: another process may open it for writing.
    duckdb.connect(str(tmp_path / "juesuan.duckdb")).close()
    # No temporary files left behind.
    assert sorted(p.name for p in report.html.parent.iterdir()) == sorted(
        [
            "data_docs", DOCUMENTS_FOLDER, HTML_NAME, XLSX_NAME, CSV_NAME, JSON_NAME,
            BUDGET_CSV, THREE_PUBLIC_CSV,
        ]
    )  # fmt: skip
    # A page for each document with results (the rejected file without any is listed in
    # the overview with its reason), the shared stylesheet and script, the manifest, and
    # each such document's share of the exports.
    with_results = (D_ZAOZHUANG, D_HOSTILE, D_OLD, D_CLEAN)
    digests = ("exports.digest", "budget_exports.digest")
    pages = [document_page_name(d) for d in with_results]
    folder = report.html.parent / DOCUMENTS_FOLDER
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        [*pages, "report.css", "report.js", "manifest.json", FRAGMENTS_NAME, *digests]
    )
    with closing(sqlite3.connect(folder / FRAGMENTS_NAME)) as fragments:
        stored = fragments.execute("select document_id from fragments").fetchall()
    assert sorted(d for (d,) in stored) == sorted(with_results)


def test_html_is_self_contained_chinese(report):
    page = report.html.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>")
    assert '<html lang="zh-CN">' in page
    assert "决算公开数据质量报告" in page
    # Nothing fetched from elsewhere: no external script, stylesheet, font or image.
    assert not re.search(r'<(script|link|img)[^>]+(src|href)="https?:', page)
    assert "@import" not in page and "url(" not in page
    assert 'href="data_docs/local_site/index.html"' in page
    assert f'href="{XLSX_NAME}"' in page
    # Totals in the header.
    assert re.search(r'错误</div><div class="v">2<small>', page)
    assert re.search(r'已入库文件</div><div class="v">3<small>', page)
    assert "已拒收 1 份 · 已被替代 1 份" in page
    # A document's page: local stylesheet and script beside it, a link back.
    doc_page = _document_page(report, D_ZAOZHUANG).read_text(encoding="utf-8")
    assert '<link rel="stylesheet" href="report.css">' in doc_page
    assert '<script src="report.js"></script>' in doc_page
    assert f'href="../{HTML_NAME}"' in doc_page
    assert not re.search(r'<(script|link|img)[^>]+(src|href)="https?:', doc_page)


def test_html_lists_documents_findings_and_pages(report):
    page = report.html.read_text(encoding="utf-8")
    data = _data_island(page)
    files = [d[1] for d in data["docs"]]
    for name in (
        "枣庄市政府办公室2020年决算.pdf",
        "枣庄市财政局2023年部门决算.pdf",
        "会议纪要.pdf",
    ):
        assert name in files
        assert name in page
    rejected = next(d for d in data["docs"] if d[1] == "会议纪要.pdf")
    assert rejected[4] == "rejected" and "封面未见" in rejected[5]
    assert rejected[7] == "2024-09-01 18:00"  # ingested 10:00 UTC, shown in Beijing time
    assert data["f"] == []  # the overview holds no finding: they are on the documents' pages
    zaozhuang = next(d for d in data["docs"] if d[1] == "枣庄市政府办公室2020年决算.pdf")
    assert zaozhuang[16] == document_page_name(D_ZAOZHUANG)
    # The overview finds a document by its findings' codes and checks without them.
    assert "2010301" in zaozhuang[17] and "subject_hierarchy" in zaozhuang[17]
    assert "2019999" not in zaozhuang[17]
    by_location = {f[4]: f for f in _all_findings(report)}
    # The latest run only: the first run's finding on 2019999 is gone.
    assert "2019999" not in by_location
    hierarchy = by_location["2010301"]
    assert hierarchy[2:4] == ["T03", 9]  # table and page
    assert hierarchy[5:9] == [120.5, 125.5, 5, 0.02]  # expected, observed, diff, tolerance
    assert hierarchy[9] == "e"
    # A rounding difference recorded on a passing check is still shown, as 尾数误差.
    assert by_location["本年收入合计"][9] == "r"
    assert by_location["本年收入合计"][3] == 7
    # Overview: unit × year incl. the registered unit that sent nothing.
    names = [u[0] for u in data["units"]]
    overview = {(names[r[0]], r[1]): r for r in data["ov"]}
    assert overview[("枣庄市人民政府办公室本级", 2020)][2:7] == [
        "loaded",
        1,
        2,
        "expected",
        "有错误",
    ]
    assert overview[("枣庄市教育局", 2023)][2] == "missing"
    assert overview[("枣庄市教育局", 2023)][5] == "expected_missing"
    assert overview[("枣庄市财政局", 2023)][6] == "通过"


def test_html_escapes_document_text(report):
    page = report.html.read_text(encoding="utf-8")
    assert "<script>alert" not in page
    assert "<img src=x" not in page
    assert "<b>普陀</b>" not in page
    # The hostile text is present, as data, escaped for the script element.
    assert "\\u003cscript\\u003ealert" in page
    data = _data_island(page)
    assert HOSTILE_UNIT in [u[0] for u in data["units"]]
    hostile = _document_page(report, D_HOSTILE).read_text(encoding="utf-8")
    assert "<img src=x" not in hostile and "<b>普陀</b>" not in hostile
    assert "\\u003cb\\u003e普陀" in hostile
    assert HOSTILE_MESSAGE in [f[10] for f in _document_island(report, D_HOSTILE)["f"]]
    # The script draws with textContent only.
    assert "innerHTML" not in page and "insertAdjacentHTML" not in page
    script = (report.html.parent / DOCUMENTS_FOLDER / "report.js").read_text(encoding="utf-8")
    assert "innerHTML" not in script and "insertAdjacentHTML" not in script


def test_excel_sheets_rows_and_numbers(report):
    wb = load_workbook(report.xlsx)
    assert wb.sheetnames == [
        "说明", "问题清单", "已排除", "文档", "概览", "预算执行", "三公预算执行",
    ]  # fmt: skip
    # The workbook is the list to act on; 说明 says where the rest is.
    notes = " ".join(str(row[0]) for row in wb["说明"].iter_rows(values_only=True))
    assert "错误 3 处、需人工核对 0 处" in notes and "尾数误差（2 处）" in notes
    assert CSV_NAME in notes and JSON_NAME in notes
    findings = list(wb["问题清单"].iter_rows(values_only=True))
    header = findings[0]
    expected_columns = ["单位", "年度", "文件名", "严重程度", "表号", "位置", "页码", "说明"]
    expected_columns += [f"{name}（万元）" for name in ("预期值", "实际值", "差额", "容差")]
    assert set(expected_columns) <= set(header)
    rows = [dict(zip(header, row, strict=True)) for row in findings[1:]]
    # The 2 current errors + 1 on the superseded version; the 2 rounding differences are
    # in the CSV and JSON only.
    assert len(rows) == 3
    hierarchy = next(r for r in rows if r["位置"] == "2010301")
    assert hierarchy["严重程度"] == "错误"
    assert hierarchy["页码"] == 9
    assert hierarchy["表号"] == "T03" and hierarchy["表名"] == "支出决算表"
    assert hierarchy["预期值（万元）"] == pytest.approx(120.5)
    assert isinstance(hierarchy["差额（万元）"], int | float)
    assert {r["严重程度"] for r in rows} == {"错误"}
    with (report.xlsx.parent / CSV_NAME).open(encoding="utf-8-sig") as f:
        exported = list(csv.DictReader(f))
    assert sorted(r["severity"] for r in exported) == [
        "error",
        "error",
        "error",
        "rounding",
        "rounding",
    ]
    assert {r["location"] for r in exported if r["severity"] == "rounding"} == {
        "本年收入合计",
        "合计",
    }
    assert HOSTILE_UNIT in {r["单位"] for r in rows}  # kept verbatim in Excel
    hostile = next(r for r in rows if r["位置"] == "本年支出合计")
    assert hostile["说明"] == HOSTILE_MESSAGE.replace("\x0b", "")
    message_cell = next(
        row[header.index("说明")]
        for row in wb["问题清单"].iter_rows(min_row=2)
        if row[header.index("位置")].value == "本年支出合计"
    )
    assert message_cell.data_type == "s"  # text, not a formula
    docs = list(wb["文档"].iter_rows(values_only=True))
    doc_rows = [dict(zip(docs[0], row, strict=True)) for row in docs[1:]]
    assert len(doc_rows) == len(DOCUMENTS)
    statuses = {r["文件名"]: r["状态"] for r in doc_rows}
    assert statuses["会议纪要.pdf"] == "已拒收"
    assert statuses["枣庄市政府办公室2020年决算（旧版）.pdf"] == "已被替代"
    rejected = next(r for r in doc_rows if r["文件名"] == "会议纪要.pdf")
    assert "封面未见" in rejected["原因"]
    overview = list(wb["概览"].iter_rows(values_only=True))
    missing = [row for row in overview if row[0] == "枣庄市教育局"]
    assert len(missing) == 1 and missing[0][3:5] == (2023, "未报送")
    assert missing[0][8] == "应报未报"


def test_report_without_quality_tables(tmp_path):
    warehouse = build_warehouse(tmp_path / "w.duckdb", quality=False, coverage=False)
    files = write_report(warehouse, tmp_path / "out")
    page = files.html.read_text(encoding="utf-8")
    assert "尚未运行数据质量检查" in page
    assert "未配置单位名册" in page
    assert "Great Expectations" not in page
    data = _data_island(page)
    assert data["f"] == [] and data["cov"] is None
    assert len(data["docs"]) == len(DOCUMENTS)
    assert len(list(load_workbook(files.xlsx)["问题清单"].iter_rows())) == 1


def _replace_coverage(warehouse: Path, rows: list[tuple]) -> None:
    """quality.document_coverage as dbt builds it (in_registry, status …)."""
    con = duckdb.connect(str(warehouse))
    try:
        con.execute("drop table quality.document_coverage")
        con.execute(
            "create table quality.document_coverage (unit_name varchar, region varchar, "
            "unit_level varchar, fiscal_year integer, unit_id varchar, expected_from varchar, "
            "in_registry boolean, has_loaded_document boolean, document_id varchar, "
            "status varchar)"
        )
        con.executemany(
            "insert into quality.document_coverage values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows
        )
    finally:
        con.close()


def test_coverage_from_registry_and_from_warehouse(tmp_path):
    warehouse = build_warehouse(tmp_path / "w.duckdb")
    registry = "单位登记表"
    _replace_coverage(
        warehouse,
        [
            ("枣庄市人民政府办公室本级", "枣庄市", "单位", 2020, "u_zz", registry, True, True,
             D_ZAOZHUANG, "loaded"),
            ("枣庄市财政局", "枣庄市", "部门", 2023, "u_cz", registry, True, True, D_CLEAN,
             "loaded"),
            ("枣庄市教育局", "枣庄市", "部门", 2023, "u_jy", registry, True, False, None, "absent"),
            # Sent a document but is not in the registry.
            (HOSTILE_UNIT, "上海市普陀区", "部门", 2023, "u_bad", "未在单位登记表中（已收到文件）",
             False, True, D_HOSTILE, "loaded"),
        ],
    )  # fmt: skip
    data = _data_island(write_report(warehouse, tmp_path / "a").html.read_text("utf-8"))
    names = [u[0] for u in data["units"]]
    cover = {names[r[0]]: r[5] for r in data["ov"]}
    assert data["cov"] == "registry"
    assert cover == {
        "枣庄市人民政府办公室本级": "expected",
        "枣庄市财政局": "expected",
        "枣庄市教育局": "expected_missing",
        HOSTILE_UNIT: "unregistered",
    }
    # No registry: expected units are the warehouse's own, so gaps between years show.
    fallback = "仓库已有单位（未配置单位登记表）"
    _replace_coverage(
        warehouse,
        [
            ("枣庄市财政局", "枣庄市", "部门", 2023, "u_cz", fallback, None, True, D_CLEAN,
             "loaded"),
            ("枣庄市财政局", "枣庄市", "部门", 2020, "u_cz", fallback, None, False, None,
             "absent"),
        ],
    )  # fmt: skip
    files = write_report(warehouse, tmp_path / "b")
    page = files.html.read_text("utf-8")
    data = _data_island(page)
    assert data["cov"] == "warehouse"
    assert "各年度报送情况" in page and "未配置单位名册" in page
    names = [u[0] for u in data["units"]]
    gap = next(r for r in data["ov"] if names[r[0]] == "枣庄市财政局" and r[1] == 2020)
    assert gap[2] == "missing" and gap[5] == "expected_missing"
    overview = list(load_workbook(files.xlsx)["概览"].iter_rows(values_only=True))
    assert ("枣庄市财政局", 2020, "未报送", "缺报") in {(r[0], r[3], r[4], r[8]) for r in overview}


def test_report_stays_light_with_thousands_of_findings(tmp_path):
    warehouse = build_warehouse(tmp_path / "big.duckdb")
    con = duckdb.connect(str(warehouse))
    rows = []
    for i in range(3000):
        code = f"2{i % 30:02d}{i % 97:02d}{i % 13:02d}"
        low, high = 1000 + i, 1000.01 + i
        rows.append(
            _result(
                "r3",
                D_CLEAN,
                "u_cz",
                2023,
                "subject_hierarchy",
                ("rounding", "error", "review")[i % 3],
                source_table="T03",
                source_page=5 + i % 20,
                location=code,
                **_figures(low, high, -0.01, 0.02),
                message=f"科目 {code} 下级科目之和 {high:.2f} 万元，与本级 {low:.2f} 万元不等",
            )
        )
    frame = pd.DataFrame(rows, columns=list(RESULT_COLUMNS))  # noqa: F841 (read by DuckDB)
    con.execute("insert into quality.check_results select * from frame")
    con.close()
    files = write_report(warehouse, tmp_path / "out")
    size = files.html.stat().st_size
    # No finding in it: the document's search words only (3000 codes).
    assert size < 150_000, f"the overview is {size} bytes"
    page = _document_page(files, D_CLEAN).stat().st_size
    assert page < 700_000, f"the document's page is {page} bytes for 3000 findings"
    assert len(_document_island(files, D_CLEAN)["f"]) == 3000
    # The workbook lists the 2000 errors and items to review (+ the fixture's 3 errors),
    # the 1000 rounding differences are in the CSV with everything else.
    sheet = load_workbook(files.xlsx, read_only=True)["问题清单"]
    severities = Counter(row[5] for row in sheet.iter_rows(min_row=2, values_only=True))
    assert severities == {"错误": 1000 + 3, "需人工核对": 1000}
    assert files.excel_findings == 2003
    with files.csv.open(encoding="utf-8-sig") as f:
        exported = Counter(row["severity"] for row in csv.DictReader(f))
    assert exported == {"error": 1003, "review": 1000, "rounding": 1002}
    assert files.findings == 3000 + 5


def test_the_workbook_caps_its_findings_and_says_so(tmp_path, monkeypatch):
    """Beyond EXCEL_FINDINGS_LIMIT errors and items to review, 问题清单 holds the first
    ones and 说明 says where the others are; the CSV holds them all."""
    monkeypatch.setattr("pipelines.report.excel.EXCEL_FINDINGS_LIMIT", 2)
    files = write_report(build_warehouse(tmp_path / "w.duckdb"), tmp_path / "out")
    wb = load_workbook(files.xlsx, read_only=True)
    assert sum(1 for _ in wb["问题清单"].iter_rows(min_row=2)) == 2 == files.excel_findings
    notes = " ".join(str(row[0]) for row in wb["说明"].iter_rows(values_only=True))
    assert "共 3 处，超过本工作簿的上限 2 处" in notes
    with files.csv.open(encoding="utf-8-sig") as f:
        assert sum(row["severity"] == "error" for row in csv.DictReader(f)) == 3


# ---- budget against final ----

D_BUDGET_CZ = "f" * 64
D_BUDGET_JY = "9" * 64
BUDGET_DOCUMENTS = [
    (D_BUDGET_CZ, "枣庄市财政局2023年部门预算.pdf", "u_cz", 2023, "预算", "loaded", None, 18),
    (D_BUDGET_JY, "枣庄市教育局2024年部门预算.pdf", "u_jy", 2024, "预算", "loaded", None, 20),
]
SUBJECTS = [
    ("2010101", "行政运行", "项", "201", "一般公共服务支出"),
    ("2010102", "一般行政管理事务", "项", "201", "一般公共服务支出"),
    ("2010150", "事业运行", "项", "201", "一般公共服务支出"),
    ("2010199", "其他政府办公厅（室）及相关机构事务支出", "项", "201", "一般公共服务支出"),
    ("2010301", "行政运行", "项", "201", "一般公共服务支出"),
    ("2050101", "行政运行", "项", "205", "教育支出"),
    ("2120899", "其他国有土地使用权出让收入安排的支出", "项", "212", "城乡社区支出"),
]
GENERAL, FUND = "一般公共预算", "政府性基金预算"
BASIC, PROJECT = "基本支出", "项目支出"
# unit, year, subject, fund, type, budget, final, budget document, final document
BUDGET_VS_FINAL = [
    ("u_cz", 2023, "2010101", GENERAL, BASIC, "100", "90", D_BUDGET_CZ, D_CLEAN),
    ("u_cz", 2023, "2010102", GENERAL, PROJECT, "50", "80", D_BUDGET_CZ, D_CLEAN),
    ("u_cz", 2023, "2010199", GENERAL, PROJECT, "0", "3", D_BUDGET_CZ, D_CLEAN),
    ("u_cz", 2023, "2120899", FUND, PROJECT, None, "20", D_BUDGET_CZ, D_CLEAN),
    ("u_cz", 2023, "2010150", GENERAL, BASIC, "5", None, D_BUDGET_CZ, D_CLEAN),
    ("u_zz", 2020, "2010301", GENERAL, BASIC, None, "1244.35", None, D_ZAOZHUANG),
    ("u_jy", 2024, "2050101", GENERAL, BASIC, "300.123456", None, D_BUDGET_JY, None),
]
# unit, year, item, budget (B07), the final's 预算数 (T07), final (T07)
THREE_PUBLIC = [
    ("u_cz", 2023, "公务接待费", "10", "10", "8"),
    ("u_cz", 2023, "因公出国（境）费", "5", "6", "4.5"),
]
BUDGET_SCHEMA = """
create table marts.dim_function_subject (
    subject_code varchar, subject_name varchar, subject_level varchar,
    class_code varchar, class_name varchar
);
create table marts.fct_budget_vs_final (
    unit_id varchar, fiscal_year integer, subject_code varchar, fund_type varchar,
    expenditure_type varchar, budget_amount decimal(20, 6), final_amount decimal(20, 6),
    execution_rate decimal(20, 6), budget_document_id varchar, final_document_id varchar
);
create table marts.three_public_budget_vs_final (
    unit_id varchar, fiscal_year integer, cost_item varchar, budget_amount decimal(20, 6),
    final_budget_amount decimal(20, 6), final_amount decimal(20, 6)
);
"""


def add_budgets(warehouse: Path, *, lines: bool = True) -> Path:
    """Two budget documents and the budget-against-final marts as dbt builds them (the
    execution rate is the mart's, final ÷ budget, NULL where the budget is 0 or absent)."""
    con = duckdb.connect(str(warehouse))
    try:
        con.execute(BUDGET_SCHEMA)
        con.execute("insert into marts.dim_unit values ('u_jy', '枣庄市教育局', '枣庄市', '部门')")
        con.executemany(
            "insert into marts.dim_document values (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (doc, name, unit, year, kind, pages, status, reason, T0)
                for doc, name, unit, year, kind, status, reason, pages in BUDGET_DOCUMENTS
            ],
        )
        # Coverage per document kind, as dbt builds it once budgets are loaded.
        con.execute(
            "alter table quality.document_coverage add column document_kind varchar default '决算'"
        )
        con.executemany(
            "insert into quality.document_coverage "
            "values (?, ?, '枣庄市', '部门', ?, true, true, '预算')",
            [("u_cz", "枣庄市财政局", 2023), ("u_jy", "枣庄市教育局", 2024)],
        )
        con.executemany("insert into marts.dim_function_subject values (?, ?, ?, ?, ?)", SUBJECTS)
        if lines:
            con.executemany(
                "insert into marts.fct_budget_vs_final select ?, ?, ?, ?, ?, ?::decimal(20, 6), "
                "?::decimal(20, 6), ?::decimal(20, 6) / nullif(?::decimal(20, 6), 0), ?, ?",
                [(*row[:7], row[6], row[5], *row[7:]) for row in BUDGET_VS_FINAL],
            )
            con.executemany(
                "insert into marts.three_public_budget_vs_final values (?, ?, ?, ?, ?, ?)",
                THREE_PUBLIC,
            )
    finally:
        con.close()
    return warehouse


@pytest.fixture
def budget_report(tmp_path):
    warehouse = add_budgets(build_warehouse(tmp_path / "juesuan.duckdb"))
    return write_report(warehouse, tmp_path / "reports")


def test_budget_against_final_largest_gap_first_and_missing_sides_named(budget_report):
    page = budget_report.html.read_text(encoding="utf-8")
    data = _data_island(page)
    names = [u[0] for u in data["units"]]
    subjects = data["bv"]["subj"]  # code, name, class code, class name; each once
    rows = [
        (names[r[0]], r[1], subjects[r[2]][0], r[5], r[6], r[8], r[9]) for r in data["bv"]["rows"]
    ]
    assert rows == [
        # Both sides: the largest |final − budget| first, whatever its sign.
        ("枣庄市财政局", 2023, "2010102", 50, 80, 30, "both"),
        ("枣庄市财政局", 2023, "2010101", 100, 90, -10, "both"),
        ("枣庄市财政局", 2023, "2010199", 0, 3, 3, "both"),
        # One side only, the larger amount first, each saying why.
        ("枣庄市人民政府办公室本级", 2020, "2010301", None, 1244.35, None, "no_budget_document"),
        ("枣庄市教育局", 2024, "2050101", 300.123456, None, None, "no_final_document"),
        ("枣庄市财政局", 2023, "2120899", None, 20, None, "not_in_budget"),
        ("枣庄市财政局", 2023, "2010150", 5, None, None, "not_in_final"),
    ]
    states = data["bv"]["states"]
    assert states["no_budget_document"] == "未载入预算"
    assert states["no_final_document"] == "未载入决算"
    assert states["not_in_budget"] == "预算未列该科目"
    by_code = {subjects[r[2]][0]: r for r in data["bv"]["rows"]}
    # Subject and class names from marts.dim_function_subject; the mart's rate.
    assert subjects[by_code["2010102"][2]] == [
        "2010102",
        "一般行政管理事务",
        "201",
        "一般公共服务支出",
    ]
    assert by_code["2010102"][3:5] == [GENERAL, PROJECT]
    assert by_code["2010102"][7] == pytest.approx(1.6)
    assert by_code["2010101"][7] == pytest.approx(0.9)
    assert by_code["2010199"][7] is None  # a budget of 0 has no rate
    assert len(subjects) == len({r[2] for r in data["bv"]["rows"]})
    # The unit-year totals: 财政局 2023 has both documents, 155 budgeted, 193 spent.
    summary = {(names[r[0]], r[1]): r for r in data["bv"]["sum"]}
    cz = summary[("枣庄市财政局", 2023)]
    assert cz[2:8] == [True, True, 155, 193, pytest.approx(193 / 155), 38]
    assert cz[8:11] == [3, 1, 1]
    assert summary[("枣庄市教育局", 2024)][2:4] == [True, False]
    assert summary[("枣庄市教育局", 2024)][5] is None
    # 三公: the budget document's figure, the final accounts' restatement of it, the final.
    items = {r[2]: r for r in data["bv"]["tp"]}
    assert items["因公出国（境）费"][3:9] == [5, 6, 4.5, pytest.approx(0.9), -0.5, 1]
    assert items["公务接待费"][8] == 0
    assert [r[2] for r in data["bv"]["tp"]] == ["公务接待费", "因公出国（境）费"]  # |−2| > |−0.5|
    # Drawn by the script into its section; the header card gives the overall rate.
    assert 'id="budget-rows"' in page and 'id="budget-tp"' in page
    assert re.search(r'预算执行率</div><div class="v">124\.52%', page)
    assert "1 个单位年度预算与决算均已载入" in page


def test_overview_has_a_row_per_unit_year_and_document_kind(budget_report):
    data = _data_island(budget_report.html.read_text(encoding="utf-8"))
    names = [u[0] for u in data["units"]]
    kinds = sorted(
        (r[9], r[2]) for r in data["ov"] if (names[r[0]], r[1]) == ("枣庄市财政局", 2023)
    )
    assert kinds == [("决算", "loaded"), ("预算", "loaded")]
    # The budget comes first within its unit-year: it is published first.
    first = next(r for r in data["ov"] if names[r[0]] == "枣庄市财政局")
    assert first[9] == "预算"


def test_budget_against_final_in_the_excel_export(budget_report):
    wb = load_workbook(budget_report.xlsx)
    sheet = wb["预算执行"]
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[0]
    lines = [dict(zip(header, row, strict=True)) for row in rows[1:]]
    assert [r["科目编码"] for r in lines] == [
        "2010102", "2010101", "2010199", "2010301", "2050101", "2120899", "2010150",
    ]  # fmt: skip
    top = lines[0]
    assert top["单位"] == "枣庄市财政局" and top["年度"] == 2023
    assert top["科目名称"] == "一般行政管理事务" and top["类"] == "201 一般公共服务支出"
    assert (top["预算数（万元）"], top["决算数（万元）"]) == (50, 80)
    assert top["差额（决算−预算，万元）"] == 30
    assert top["执行率"] == pytest.approx(1.6)
    assert sheet.cell(row=2, column=header.index("执行率") + 1).number_format == "0.00%"
    assert [r["对比情况"] for r in lines[3:]] == [
        "未载入预算", "未载入决算", "预算未列该科目", "决算未列该科目",
    ]  # fmt: skip
    assert lines[4]["预算数（万元）"] == pytest.approx(300.123456)
    assert lines[3]["执行率"] is None and lines[3]["差额（决算−预算，万元）"] is None
    items = list(wb["三公预算执行"].iter_rows(values_only=True))
    item = dict(zip(items[0], items[2], strict=True))
    assert item["项目"] == "因公出国（境）费"
    assert item["决算所列预算数与预算文件之差（万元）"] == 1
    overview = list(wb["概览"].iter_rows(values_only=True))
    assert {r[-1] for r in overview[1:]} == {"决算", "预算"}


def test_budget_view_says_why_when_there_is_nothing_to_compare(tmp_path):
    # A warehouse from before budgets: no budget marts at all.
    old = write_report(build_warehouse(tmp_path / "old.duckdb"), tmp_path / "old")
    page = old.html.read_text(encoding="utf-8")
    assert "还没有预算与决算对比" in page and "重新运行 juesuan ingest" in page
    assert _data_island(page)["bv"]["rows"] == []
    assert 'id="budget-rows"' not in page
    sheet = list(load_workbook(old.xlsx)["预算执行"].iter_rows(values_only=True))
    assert len(sheet) == 2 and "还没有预算与决算对比" in sheet[1][0]
    # The marts exist, but no budget is loaded: the final accounts' rows are not listed.
    warehouse = build_warehouse(tmp_path / "finals.duckdb")
    con = duckdb.connect(str(warehouse))
    con.execute(BUDGET_SCHEMA)
    con.execute(
        "insert into marts.fct_budget_vs_final values "
        "('u_zz', 2020, '2010301', '一般公共预算', '基本支出', null, 1244.35, null, null, ?)",
        [D_ZAOZHUANG],
    )
    con.close()
    finals = write_report(warehouse, tmp_path / "finals")
    page = finals.html.read_text(encoding="utf-8")
    assert "尚未载入任何预算文件" in page
    assert _data_island(page)["bv"]["rows"] == []
    # Budgets loaded, the marts empty: said so too.
    empty = add_budgets(build_warehouse(tmp_path / "empty.duckdb"), lines=False)
    page = write_report(empty, tmp_path / "empty").html.read_text(encoding="utf-8")
    assert "中没有数据行" in page


def _city_budget(tmp_path: Path) -> Path:
    """The budget fixture + 20,000 lines (a city's units × subjects × funds)."""
    warehouse = add_budgets(build_warehouse(tmp_path / "city.duckdb"))
    con = duckdb.connect(str(warehouse))
    con.execute(
        "insert into marts.fct_budget_vs_final select 'u_cz', 2023, "
        "'2' || lpad((i % 900)::varchar, 6, '0'), "
        "case when i % 2 = 0 then '一般公共预算' else '政府性基金预算' end, "
        "case when i % 3 = 0 then '基本支出' else '项目支出' end, "
        "(i * 1.234567)::decimal(20, 6), (i * 1.1)::decimal(20, 6), 0.891011, ?, ? "
        "from range(20000) as t(i)",
        [D_BUDGET_CZ, D_CLEAN],
    )
    con.close()
    return warehouse


def test_budget_lines_capped_in_the_workbook_and_complete_in_the_csv(tmp_path, monkeypatch):
    """The warehouse picks the lines with the largest gaps (BUDGET_TOP_LINES, 1,000 here):
    the overview and the workbook show those; the CSV has every line, largest gap first."""
    monkeypatch.setattr(report_data, "BUDGET_TOP_LINES", 1000)
    warehouse = _city_budget(tmp_path)
    files = write_report(warehouse, tmp_path / "out")
    size = files.html.stat().st_size
    assert size < 300_000, f"the overview is {size} bytes for 20,000 budget lines"
    total = 20000 + len(BUDGET_VS_FINAL)
    data = _data_island(files.html.read_text(encoding="utf-8"))
    assert len(data["bv"]["rows"]) == BUDGET_LINES_IN_OVERVIEW
    assert data["bv"]["lines"] == total
    gaps = [abs(row[8]) for row in data["bv"]["rows"]]
    assert gaps == sorted(gaps, reverse=True) and gaps[0] == pytest.approx(19999 * 0.134567)
    wb = load_workbook(files.xlsx, read_only=True)
    sheet = [r for r in wb["预算执行"].iter_rows(values_only=True)]
    assert len(sheet) == 1 + 1000
    notes = " ".join(str(row[0]) for row in wb["说明"].iter_rows(values_only=True))
    assert f"共 {total} 行" in notes and BUDGET_CSV in notes
    with (files.html.parent / BUDGET_CSV).open(encoding="utf-8-sig") as f:
        lines = list(csv.reader(f))
    assert lines[0] == list(sheet[0]) and len(lines) == 1 + total
    gap = lines[0].index("差额（决算−预算，万元）")
    # The workbook's lines are the CSV's first ones; after them, the same order carries on.
    assert [line[3] for line in lines[1:1001]] == [row[3] for row in sheet[1:]]
    compared = [abs(float(line[gap])) for line in lines[1:] if line[gap]]
    assert compared == sorted(compared, reverse=True) and len(compared) == total - 4
    assert {line[3] for line in lines[1:]} >= {code for code, *_ in SUBJECTS[:2]}
    with (files.html.parent / THREE_PUBLIC_CSV).open(encoding="utf-8-sig") as f:
        assert [row[3] for row in list(csv.reader(f))[1:]] == ["公务接待费", "因公出国（境）费"]


def test_budget_lines_are_streamed_to_the_csv_in_batches(tmp_path, monkeypatch):
    """Writing 20,000 lines keeps one batch in memory, not the lines: the peak of Python's
    allocations stays under what 2,000 lines take (≈ 1 KB each as a BudgetLine and a row)."""
    from pipelines.report.data import open_warehouse, read_report_data
    from pipelines.report.exports import write_budget_csv

    monkeypatch.setattr(report_data, "BUDGET_TOP_LINES", 100)
    monkeypatch.setattr(report_data, "BUDGET_CSV_BATCH", 500)
    warehouse = _city_budget(tmp_path)
    with open_warehouse(warehouse) as wh:
        data = read_report_data(warehouse, wh)
        assert len(data.budget.lines) == 100 and data.budget.line_count == 20007
        tracemalloc.start()
        try:
            written = write_budget_csv(wh, data, tmp_path / "lines.csv")
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
    assert written == 20007
    assert peak < 2 * 2**20, peak


# ---- in a real headless browser ----

needs_chromium = pytest.mark.skipif(
    not CHROMIUM.exists(),
    reason=f"Debian's chromium is not installed ({CHROMIUM}); apt-get install -y chromium",
)


def _chromium(url: str, profile: Path, *extra: str) -> str:
    result = subprocess.run(
        [
            str(CHROMIUM),
            *CHROMIUM_FLAGS,
            "--virtual-time-budget=5000",  # let the page's script run before the dump
            f"--user-data-dir={profile}",
            *extra,
            url,
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


class _Dom(HTMLParser):
    """The rendered finding rows (their cell texts) and the filter count."""

    def __init__(self):
        super().__init__()
        self.rows: list[list[str]] = []
        self.shown: int | None = None
        self.ready = False
        self.articles = 0
        self.doc_links: list[str] = []  # the overview's list: each document's page
        self._cell: list[str] | None = None
        self._in_row = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        classes = (a.get("class") or "").split()
        if tag == "html" and a.get("data-ready") == "1":
            self.ready = True
        if tag == "span" and a.get("id") == "count":
            self.shown = int(a.get("data-shown", "-1"))
        if tag == "article" and "display: none" not in (a.get("style") or ""):
            self.articles += 1
        if tag == "a" and "doclink" in classes:
            self.doc_links.append(a.get("href") or "")
        if tag == "tr" and "finding" in classes:
            self._in_row = True
            self.rows.append([])
        elif tag == "td" and self._in_row:
            self._cell = []

    def handle_endtag(self, tag):
        if tag == "td" and self._cell is not None:
            self.rows[-1].append("".join(self._cell).strip())
            self._cell = None
        elif tag == "tr":
            self._in_row = False

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def _dom(page: str) -> _Dom:
    dom = _Dom()
    dom.feed(page)
    return dom


def _keep(path: Path) -> None:
    target = os.environ.get(ARTIFACTS_ENV)
    if target:
        Path(target).mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, Path(target) / path.name)


def _page_url(files, document_id: str, fragment: str = "") -> str:
    return _document_page(files, document_id).resolve().as_uri() + fragment


@needs_chromium
def test_report_in_headless_chromium(report, tmp_path):
    # The overview: current documents listed (the superseded version hidden by default),
    # each linking to its page; no finding drawn there.
    dom = _dom(_chromium(report.html.resolve().as_uri(), tmp_path / "p0", "--dump-dom"))
    assert dom.ready, "the overview's script did not run"
    assert dom.shown == 3 and dom.rows == []
    assert sorted(link.split("/")[-1] for link in dom.doc_links) == sorted(
        document_page_name(d) for d in (D_ZAOZHUANG, D_HOSTILE, D_CLEAN)
    )
    # A document's page draws its findings.
    dom = _dom(_chromium(_page_url(report, D_ZAOZHUANG), tmp_path / "p1", "--dump-dom"))
    assert dom.ready, "the document page's script did not run"
    assert dom.articles == 1
    texts = [" | ".join(row) for row in dom.rows]
    assert len(texts) == 3 and dom.shown == 3
    hierarchy = next(t for t in texts if "2010301" in t)
    assert "第 9 页" in hierarchy
    assert "错误" in hierarchy and "T03" in hierarchy and "支出决算表" in hierarchy
    assert "120.50" in hierarchy and "125.50" in hierarchy and "±0.02" in hierarchy
    assert any("尾数误差" in t and "第 7 页" in t for t in texts)
    # Hostile text rendered as text, not markup.
    dom = _dom(_chromium(_page_url(report, D_HOSTILE), tmp_path / "p2", "--dump-dom"))
    assert any("<img src=x onerror=alert(1)>" in " ".join(row) for row in dom.rows)


@needs_chromium
def test_report_filter_from_url_hash(report, tmp_path):
    url = report.html.resolve().as_uri()
    # The overview narrows the documents by their findings' words; the link to each
    # document's page carries the filter on.
    dom = _dom(_chromium(url + "#q=2010301", tmp_path / "p1", "--dump-dom"))
    assert dom.ready and dom.shown == 1
    assert dom.doc_links == [f"{DOCUMENTS_FOLDER}/{document_page_name(D_ZAOZHUANG)}#q=2010301"]
    dom = _dom(
        _chromium(_page_url(report, D_ZAOZHUANG, "#q=2010301"), tmp_path / "p2", "--dump-dom")
    )
    assert dom.shown == 1 and len(dom.rows) == 1 and "2010301" in dom.rows[0][2]
    assert dom.rows[0][7] == "第 9 页"
    # Severity: the documents with a rounding difference, then the page's own rows.
    dom = _dom(_chromium(url + "#sev=rounding", tmp_path / "p3", "--dump-dom"))
    assert dom.shown == 1 and dom.doc_links[0].endswith("#sev=rounding")
    dom = _dom(
        _chromium(_page_url(report, D_ZAOZHUANG, "#sev=rounding"), tmp_path / "p4", "--dump-dom")
    )
    assert dom.shown == 2 and len(dom.rows) == 2
    assert all(row[0] == "尾数误差" for row in dom.rows)
    # A check's title finds the documents where it failed.
    dom = _dom(_chromium(url + "#q=公务接待费", tmp_path / "p5", "--dump-dom"))
    assert dom.shown == 1
    unit = "枣庄市人民政府办公室本级"
    dom = _dom(_chromium(url + f"#unit={unit}&year=2020&old=1", tmp_path / "p6", "--dump-dom"))
    # The unit's current version and, asked for, its superseded one.
    assert dom.shown == 2
    assert sorted(link.split("/")[-1] for link in dom.doc_links) == sorted(
        document_page_name(d) for d in (D_ZAOZHUANG, D_OLD)
    )


def _cjk_fonts() -> list[str]:
    """Font families fontconfig offers for Chinese (chromium draws boxes without one)."""
    if not shutil.which("fc-list"):
        return []
    result = subprocess.run(
        ["fc-list", ":lang=zh", "family"], capture_output=True, text=True, timeout=60
    )
    return sorted({line.strip() for line in result.stdout.splitlines() if line.strip()})


@needs_chromium
def test_report_screenshot(report, tmp_path):
    if not _cjk_fonts():
        pytest.skip(
            "no CJK font: a screenshot would show boxes for Chinese text; "
            "apt-get install -y fonts-wqy-zenhei (or fonts-noto-cjk)"
        )
    url = report.html.resolve().as_uri()
    # Headless --screenshot captures a scrolled page badly, so the whole page is taken
    # in a window taller than it (a filter in the hash scrolls to the findings).
    shots = {
        "report_overview.png": (url, "1400,1000"),
        "report_full_page.png": (url, "1400,2400"),
        "report_errors_only.png": (url + "#sev=error", "1400,2400"),
        "report_document_page.png": (_page_url(report, D_ZAOZHUANG), "1400,1400"),
    }
    for name, (target, size) in shots.items():
        png = tmp_path / name
        _chromium(
            target,
            tmp_path / f"profile-{name}",
            f"--screenshot={png}",
            f"--window-size={size}",
        )
        assert png.is_file() and png.stat().st_size > 20_000, name
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        _keep(png)
    _keep(report.html)


@needs_chromium
def test_report_sorts_and_filters_by_hand(report, tmp_path):
    """Click a column header, type into the filter box: as a reviewer does."""
    browser = DevTools(tmp_path / "profile")
    try:
        # From the overview, the document's link opens its page.
        browser.load(report.html.resolve().as_uri())
        browser.wait_for("document.documentElement.dataset.ready === '1'")
        link = f"a.doclink[href$='{document_page_name(D_ZAOZHUANG)}']"
        browser.click(link)
        browser.wait_for(
            f"location.href.endsWith('{document_page_name(D_ZAOZHUANG)}')"
            " && document.documentElement.dataset.ready === '1'"
        )
        pages_in_card = (
            "Array.from(document.querySelectorAll('#doc-"
            + D_ZAOZHUANG[:12]
            + " tr.finding td.page')).map(td => td.textContent)"
        )
        # Default order: errors first.
        assert browser.js(pages_in_card) == ["第 9 页", "第 7 页", "第 12 页"]
        browser.click("#doc-" + D_ZAOZHUANG[:12] + " th[data-key=page]")
        assert browser.js(pages_in_card) == ["第 7 页", "第 9 页", "第 12 页"]
        browser.click("#doc-" + D_ZAOZHUANG[:12] + " th[data-key=page]")
        assert browser.js(pages_in_card) == ["第 12 页", "第 9 页", "第 7 页"]
        # Type into the filter box.
        browser.click("#f-q")
        browser.page("Input.insertText", text="2010301")
        browser.wait_for("document.getElementById('count').dataset.shown === '1'")
        rows = browser.js(
            "Array.from(document.querySelectorAll('tr.finding'))"
            ".filter(tr => tr.offsetParent !== null).map(tr => tr.innerText)"
        )
        assert len(rows) == 1 and "2010301" in rows[0] and "第 9 页" in rows[0]
        assert "q=2010301" in browser.js("location.hash")
        # The severity select, then 清除筛选.
        browser.click("#f-reset")
        browser.js(
            "(() => { const s = document.getElementById('f-sev'); s.value = 'rounding';"
            " s.dispatchEvent(new Event('change')); })()"
        )
        assert browser.js("document.getElementById('count').dataset.shown") == "2"
        assert "sev=rounding" in browser.js("location.hash")
    finally:
        browser.close()


class _BudgetRows(HTMLParser):
    """The rendered lines of the budget-against-final table (their cell texts)."""

    def __init__(self):
        super().__init__()
        self.rows: list[list[str]] = []
        self._cell: list[str] | None = None
        self._in_row = False

    def handle_starttag(self, tag, attrs):
        classes = (dict(attrs).get("class") or "").split()
        if tag == "tr" and "budget-line" in classes:
            self._in_row = True
            self.rows.append([])
        elif tag == "td" and self._in_row:
            self._cell = []

    def handle_endtag(self, tag):
        if tag == "td" and self._cell is not None:
            self.rows[-1].append("".join(self._cell).strip())
            self._cell = None
        elif tag == "tr":
            self._in_row = False

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


@needs_chromium
def test_budget_against_final_drawn_in_headless_chromium(budget_report, tmp_path):
    url = budget_report.html.resolve().as_uri()
    parser = _BudgetRows()
    parser.feed(_chromium(url, tmp_path / "p1", "--dump-dom"))
    rows = parser.rows
    assert len(rows) == len(BUDGET_VS_FINAL)
    top = rows[0]
    assert (
        top[0].startswith("枣庄市财政局") and "2010102" in top[2] and "一般行政管理事务" in top[2]
    )
    assert top[5:9] == ["50.00", "80.00", "160.00%", "+30.00"]
    assert rows[1][8] == "-10.00"
    assert [row[9] for row in rows[3:]] == [
        "未载入预算", "未载入决算", "预算未列该科目", "决算未列该科目",
    ]  # fmt: skip
    # The report's unit filter (in the URL hash) narrows the budget lines too.
    parser = _BudgetRows()
    parser.feed(_chromium(url + "#unit=枣庄市教育局", tmp_path / "p2", "--dump-dom"))
    assert len(parser.rows) == 1 and "2050101" in parser.rows[0][2]
    assert parser.rows[0][5] == "300.123456" and parser.rows[0][9] == "未载入决算"
