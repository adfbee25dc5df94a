"""The report's own .xlsx writer (pipelines/report/xlsx.py), read back by other software:
openpyxl (what pandas uses) and LibreOffice Calc, which must find every value in its
column, text kept as text, numbers as numbers, and the styles the reviewer sees."""

from __future__ import annotations

import csv
import shutil
import subprocess
import zipfile
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook

from pipelines.report.xlsx import WorkbookWriter, row_cells

COLUMNS = [
    ("单位", 28, "text"),
    ("严重程度", 9, "severity"),
    ("年度", 7, "int"),
    ("预期值（万元）", 15, "amount"),
    ("执行率", 9, "percent"),
    ("检查时间", 19, "datetime"),
    ("已排除", 6, "text"),
    ("说明", 60, "text"),
]
ROWS = [
    ["枣庄市财政局", "错误", 2024, Decimal("85185.294829"), 0.875, datetime(2025, 8, 31, 9, 30),
     False, "=HYPERLINK(\"http://x\")"],
    ["<b>普陀</b> & 区", "需人工核对", 2023, 120, None, None, True, "第一行\n第二行\t制表"],
    [None, "尾数误差", None, -0.01, 1, datetime(2024, 1, 1), None, "控制\x0b字符\x00去掉"],
]  # fmt: skip


@pytest.fixture(scope="module")
def workbook(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("xlsx") / "book.xlsx"
    with WorkbookWriter(path, title="标题 <测试>", creator="Juesuan") as book:
        assert book.sheet("问题清单", COLUMNS, (row_cells(COLUMNS, row) for row in ROWS)) == 3
        book.sheet("说明", [("", 120, "text")], [row_cells([("", 120, "text")], ["说明文字"])],
                   header=False)  # fmt: skip
        assert book.sheet("空表", COLUMNS, []) == 0
    return path


def test_values_land_in_their_columns_with_their_types(workbook):
    wb = load_workbook(workbook)
    assert wb.sheetnames == ["问题清单", "说明", "空表"]
    sheet = wb["问题清单"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == tuple(name for name, _, _ in COLUMNS)
    assert rows[1] == (
        "枣庄市财政局", "错误", 2024, pytest.approx(85185.294829), 0.875,
        datetime(2025, 8, 31, 9, 30), False, '=HYPERLINK("http://x")',
    )  # fmt: skip
    assert rows[2] == (
        "<b>普陀</b> & 区",
        "需人工核对",
        2023,
        120,
        None,
        None,
        True,
        "第一行\n第二行\t制表",
    )
    assert rows[3] == (None, "尾数误差", None, -0.01, 1, datetime(2024, 1, 1), None, "控制字符去掉")
    # Text that begins like a formula is text, never a formula.
    assert sheet.cell(row=2, column=8).data_type == "s"
    # The amount keeps all six decimals in the file.
    with zipfile.ZipFile(workbook) as z:
        assert "<v>85185.294829</v>" in z.read("xl/worksheets/sheet1.xml").decode()
    assert wb["说明"]["A1"].value == "说明文字" and wb["说明"].freeze_panes is None
    assert list(wb["空表"].iter_rows(values_only=True)) == [rows[0]]
    assert wb.properties.title == "标题 <测试>" and wb.properties.creator == "Juesuan"


def test_styles_a_reviewer_sees(workbook):
    sheet = load_workbook(workbook)["问题清单"]
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:H4"
    assert sheet.column_dimensions["A"].width == 28 and sheet.column_dimensions["H"].width == 60
    header = sheet["A1"]
    assert header.font.b and header.fill.fgColor.rgb == "FF1F3A5F"
    assert sheet["D2"].number_format == "#,##0.00####"
    assert sheet["E2"].number_format == "0.00%"
    assert sheet["F2"].number_format == "yyyy-mm-dd hh:mm:ss"
    assert sheet["C2"].number_format == "General"  # a year is not an amount
    error, review, rounding = sheet["B2"], sheet["B3"], sheet["B4"]
    assert error.fill.fgColor.rgb == "FFFDE8E7" and error.font.color.rgb == "FFB42318"
    assert review.fill.fgColor.rgb == "FFF4F0FD"
    assert rounding.fill.fgColor.rgb == "FFFFF6E0" and not rounding.font.b
    assert sheet["A2"].fill.fgColor.rgb != "FFFDE8E7"  # only the severity cell


SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


@pytest.mark.skipif(
    SOFFICE is None,
    reason="LibreOffice is not installed; apt-get install -y libreoffice-calc",
)
def test_libreoffice_reads_the_workbook(workbook, tmp_path):
    """Calc places cells that carry no reference by their order, and reads inline text."""
    profile = tmp_path / "profile"
    subprocess.run(
        [SOFFICE, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to",
         "csv:Text - txt - csv (StarCalc):44,34,76", "--outdir", str(tmp_path), str(workbook)],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip
    with (tmp_path / "book.csv").open(encoding="utf-8") as f:
        rows = list(csv.reader(f))
    assert rows[0] == [name for name, _, _ in COLUMNS]
    assert rows[1][0] == "枣庄市财政局" and rows[1][2] == "2024"
    assert rows[1][7] == '=HYPERLINK("http://x")'
    assert rows[2][0] == "<b>普陀</b> & 区" and rows[2][4] == "" and rows[2][7].startswith("第一行")
    assert rows[3][0] == "" and rows[3][1] == "尾数误差" and rows[3][7] == "控制字符去掉"
    assert "85,185.294829" in rows[1][3] or "85185.294829" in rows[1][3]
