"""Knowing when a reading is unsure: the second reading, the column-shift pattern, and
what an unsure cell does to a finding (review, not error) and to the warehouse."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest
from openpyxl import load_workbook

from pipelines.domain.text import squash
from pipelines.extract.certainty import compare_readings, mark_column_shifts, read_again
from pipelines.extract.document import extract_document
from pipelines.extract.grid import Grid, Region, assemble, read_ruled_grids
from pipelines.extract.pdf_text import open_pdf, read_pages
from pipelines.extract.records import DocumentExtraction, ExtractedCell, ExtractedRow
from pipelines.extract.records import ExtractedTable as RecordTable
from pipelines.quality.checks import check_document
from pipelines.quality.document import TABLE_IDS, Cell, Document, Row, Table
from pipelines.quality.gx import validate_outcomes
from pipelines.quality.outcomes import ERROR, REVIEW
from pipelines.warehouse.connection import connect
from pipelines.warehouse.load import load_extraction

D = Decimal
FIXTURES = Path(__file__).resolve().parent / "fixtures"
RULED = FIXTURES / "ruled_subject_table.pdf"


# --- the comparison -----------------------------------------------------------------


def test_readings_agree_after_the_same_amount_parsing() -> None:
    assert compare_readings("1,234.56", "1234.56 ") is None
    assert compare_readings("1,234.5\n6", "1 234.56") is None
    assert compare_readings("", "") is None
    assert compare_readings("-", "—") is None  # both "no amount"
    assert compare_readings("0.00", "0") is None  # the same amount
    # a label is no figure: its characters reaching the next row is no doubt
    assert compare_readings("一般公共服务支出", "一般公共服务支出 行政运行") is None
    assert compare_readings("", "行政运行") is None


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("2,405.75", "48 2,405.75"),  # a cut glyph reaches into this cell
        ("1,634.4", "1,634.48"),  # a digit lost to the neighbour
        ("", "12.30"),  # an amount the first reading did not place here
        ("12.30", ""),
        ("12.30", "12.30 合计"),  # text of another cell over the amount
    ],
)
def test_readings_disagree_on_a_different_or_missing_amount(first: str, second: str) -> None:
    reason = compare_readings(first, second)
    assert reason is not None and reason.startswith("两种读法不一致")
    assert "pdfium" in reason


class _Page:
    """A textpage answering get_text_bounded from a table of cells (left, right): a
    rectangle within a cell reads its text, the narrow strips beside a rule read nothing
    (the cells' padding)."""

    def __init__(self, texts: dict[tuple[float, float], str]):
        self.texts = texts

    def get_text_bounded(self, left: float, bottom: float, right: float, top: float) -> str:
        if right - left < 10:
            return ""
        return next((t for (x0, x1), t in self.texts.items() if x0 <= left and right <= x1), "")


def _grid(texts: list[str]) -> Grid:
    cols = [(100.0 * i, 100.0 * (i + 1)) for i in range(len(texts))]
    regions = [Region(0, c, 1, 1, text) for c, text in enumerate(texts)]
    return Grid(1, cols, [(500.0, 480.0)], regions, "test")


def test_a_cut_marks_the_cell_that_gained_characters_and_the_one_that_lost_them() -> None:
    grid = _grid(["行政运行", "1,634.4", "82,405.75", "9.00"])
    read_again(
        grid,
        _Page({(0, 100): "行政运行", (100, 200): "1,634.4", (200, 300): "48 2,405.75",
               (300, 400): "9.00"}),
    )  # fmt: skip
    assert set(grid.doubts) == {(0, 1), (0, 2)}
    assert grid.doubt(0, 2) is not None and "两种读法不一致" in grid.doubt(0, 2)
    assert "少了被边界切去的数字" in (grid.doubt(0, 1) or "")
    assert grid.doubt(0, 0) is None and grid.doubt(0, 3) is None


# --- on a real PDF ------------------------------------------------------------------


def test_both_readings_agree_on_every_cell_of_an_office_suite_table() -> None:
    extraction = extract_document(RULED, FIXTURES)
    cells = [c for t in extraction.tables for r in t.rows for c in r.cells]
    assert extraction.status == "loaded" and len(cells) > 20
    assert [c for c in cells if c.uncertain_reason] == []


def test_a_ruling_that_cuts_through_amounts_is_caught_by_pdfium_reading_the_cells() -> None:
    """The office-suite fixture read with one column rule moved into the amounts, as a
    misread ruling would place it: pdfium's own text for the cells disagrees."""
    document = open_pdf(RULED)
    try:
        pages = read_pages(document)
        page = next(p for p in pages if p.path_count >= 4 and "支出" in squash(p.text))
        grid = read_ruled_grids(RULED, [page])[page.number]
        # the rule between the first amount column (小计) and the next, moved to the middle
        # of the 合计 row's figure, as a misread ruling would place it
        row = next(r for r in range(grid.n_rows) if squash(grid.text(r, 1)) == "合计")
        col = 2
        (x0, x1), (y_top, y_bottom) = grid.col_bounds[col], grid.row_bounds[row]
        digits = page.chars_in(x0, y_bottom, x1, y_top)
        middle = (min(ch.x0 for ch in digits) + max(ch.x1 for ch in digits)) / 2
        cols = list(grid.col_bounds)
        cols[col] = (x0, middle)
        cols[col + 1] = (middle, cols[col + 1][1])
        cut = assemble(page, cols, grid.row_bounds, lambda r, c, d: False, "cut", {})
        sound = assemble(page, grid.col_bounds, grid.row_bounds, lambda r, c, d: False, "", {})
        textpage = document[page.number - 1].get_textpage()
        read_again(cut, textpage)
        read_again(sound, textpage)
        textpage.close()
    finally:
        document.close()
    assert sound.doubts == {}
    assert {(row, col), (row, col + 1)} <= set(cut.doubts), cut.doubts


# --- the column-shift pattern ---------------------------------------------------------


def _row(code: str | None, label: str, *amounts: str | None) -> ExtractedRow:
    names = ("合计", "基本支出", "项目支出")
    cells = [
        ExtractedCell(n, a or "", None if a is None else D(a))
        for n, a in zip(names, amounts, strict=True)
    ]
    return ExtractedRow(0, 3, code, label, cells)


def test_a_class_row_read_one_column_off_is_marked_by_the_totals() -> None:
    rows = [
        _row(None, "合计", "300.00", "200.00", "100.00"),
        _row("201", "一般公共服务支出", "250.00", "150.00", "100.00"),
        _row("208", "社会保障和就业支出", None, "50.00", "50.00"),  # belongs one column left
    ]
    mark_column_shifts(rows, "万元")
    reasons = {c.uncertain_reason for c in rows[2].cells if c.amount is not None}
    assert len(reasons) == 1 and "疑似串列：208" in next(iter(reasons))
    assert all(c.uncertain_reason is None for r in rows[:2] for c in r.cells)


def test_a_wrong_figure_is_no_column_shift() -> None:
    rows = [
        _row(None, "合计", "300.00", "200.00", "100.00"),
        _row("201", "一般公共服务支出", "250.00", "150.00", "100.00"),
        _row("208", "社会保障和就业支出", "50.00", "51.00", None),  # misprinted, not shifted
    ]
    mark_column_shifts(rows, "万元")
    assert all(c.uncertain_reason is None for r in rows for c in r.cells)


# --- a finding resting on an unsure cell is for review --------------------------------


def _t05(uncertain: str | None) -> Document:
    def row(number: int, code: str | None, label: str, *texts: str, doubt=None) -> Row:
        names = ("合计", "基本支出", "项目支出")
        cells = {n: Cell(D(t), t, doubt) for n, t in zip(names, texts, strict=True)}
        return Row(number, 5, None, code, label, cells)

    table = Table(
        "T05",
        "extracted",
        "万元",
        5,
        (
            row(1, None, "合计", "3000.00", "2000.00", "1000.00"),
            # 3000 ≠ 2000 + 900: the row total fails
            row(2, "201", "一般公共服务支出", "3000.00", "2000.00", "900.00", doubt=uncertain),
        ),
    )
    tables = {t: Table(t, "missing", None, None) for t in TABLE_IDS} | {"T05": table}
    return Document("doc", "unit", "某单位", 2024, tables)


def _row_total_201(document: Document):
    outcomes = check_document(document)
    validate_outcomes(outcomes, "unit-test")
    return next(o for o in outcomes if o.check_name == "t05_row_total" and o.location == "201")


def test_a_failing_identity_on_an_unsure_cell_is_review_and_on_sure_cells_error() -> None:
    sure = _row_total_201(_t05(None))
    assert (sure.passed, sure.severity) == (False, ERROR)
    assert "需人工核对" not in sure.message()
    unsure = _row_total_201(
        _t05("两种读法不一致：按字符位置读作“900.00”，按 pdfium 文字区域读作“1900.00”")
    )
    assert (unsure.passed, unsure.severity) == (False, REVIEW)
    assert "需人工核对" in unsure.message() and "1900.00" in unsure.message()


# --- the warehouse carries it ---------------------------------------------------------


def _extraction(reason: str | None) -> DocumentExtraction:
    cells = [ExtractedCell("决算数", "1,234.56", D("1234.56"), reason)]
    table = RecordTable("T01", "收入支出决算总表", "收入支出决算总表", "extracted", "万元", 1, 1)
    table.rows = [ExtractedRow(1, 1, None, "一般公共预算财政拨款收入", cells, "收入")]
    return DocumentExtraction(
        "d" * 64, "a.pdf", "a.pdf", 1, "test", "loaded", tables=[table], fiscal_year=2024
    )


def test_raw_table_cells_carry_the_doubt_and_older_warehouses_gain_the_columns(
    tmp_path: Path,
) -> None:
    path = tmp_path / "old.duckdb"
    old = duckdb.connect(str(path))
    old.execute(
        "create schema raw; create table raw.table_cells (document_id varchar not null, "
        "table_id varchar not null, row_number integer not null, page integer not null, "
        "side varchar, subject_code varchar, line_label varchar, column_name varchar not null, "
        "printed_text varchar not null, amount decimal(20, 6), "
        "primary key (document_id, table_id, row_number, column_name))"
    )
    old.execute("insert into raw.table_cells values ('old', 'T01', 1, 1, null, null, 'x', "
                "'决算数', '1.00', 1)")  # fmt: skip
    old.close()
    with connect(path) as con:
        load_extraction(con, _extraction("两种读法不一致：…"))
        rows = con.execute(
            "select document_id, reading_uncertain, uncertain_reason from raw.table_cells "
            "order by document_id"
        ).fetchall()
    assert rows == [("d" * 64, True, "两种读法不一致：…"), ("old", None, None)]


# --- the report shows review findings apart -------------------------------------------


def test_the_report_counts_filters_and_colours_review_findings_apart(tmp_path: Path) -> None:
    from pipelines.report import write_report
    from tests.test_report import (
        CHROMIUM,
        D_ZAOZHUANG,
        RESULT_COLUMNS,
        ZZ,
        _chromium,
        _data_island,
        _document_island,
        _dom,
        _figures,
        _page_url,
        _result,
        build_warehouse,
    )

    warehouse = build_warehouse(tmp_path / "juesuan.duckdb")
    review = _result(
        "r2", *ZZ, "t05_row_total", "review", source_table="T05", source_page=8,
        location="201", **_figures("3000.00", "2900.00", "100.00", "0.015"),
        message="…；需人工核对，所据读数存疑：两种读法不一致",
    )  # fmt: skip
    with duckdb.connect(str(warehouse)) as con:
        marks = ", ".join("?" for _ in RESULT_COLUMNS)
        con.execute(f"insert into quality.check_results values ({marks})", list(review))
    files = write_report(warehouse, tmp_path / "reports")
    page = files.html.read_text(encoding="utf-8")
    assert re.search(r'需人工核对</div><div class="v">1<small>', page)
    assert '<option value="review">需人工核对</option>' in page
    assert _data_island(page)["f"] == []  # the findings are on the documents' pages
    island = _document_island(files, D_ZAOZHUANG)
    assert [f[9] for f in island["f"]].count("v") == 1
    assert re.search(r'错误</div><div class="v">2<small>', page)  # not counted as an error
    sheet = load_workbook(files.xlsx)["问题清单"]
    severities = [row[5] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert severities.count("需人工核对") == 1
    if CHROMIUM.exists():
        # The overview lists the one document with an item to review …
        url = files.html.resolve().as_uri() + "#sev=review"
        dom = _dom(_chromium(url, tmp_path / "profile", "--dump-dom"))
        assert dom.shown == 1 and dom.doc_links[0].endswith("#sev=review")
        # … and its page shows it apart.
        url = _page_url(files, D_ZAOZHUANG, "#sev=review")
        dom = _dom(_chromium(url, tmp_path / "profile2", "--dump-dom"))
        assert dom.shown == 1 and [row[0] for row in dom.rows] == ["需人工核对"]
