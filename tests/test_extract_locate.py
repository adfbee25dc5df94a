"""Where tables begin and end when a title is odd: found by header words, ended by the
next table's beginning (fixtures made by LibreOffice Calc, tests/fixtures/make_fixtures.py)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from pipelines.extract.document import extract_document
from pipelines.extract.locate import header_scores, header_winner, locate_tables
from pipelines.extract.pdf_text import PageText, open_pdf, read_pages

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def _cells(table) -> dict[tuple[str | None, str], Decimal | None]:
    return {
        (row.line_label, cell.column_name): cell.amount for row in table.rows for cell in row.cells
    }


def test_three_public_with_an_odd_title_is_found_by_its_header_and_ends_econ():
    pdf = FIXTURES / "odd_three_public_after_econ.pdf"
    located = locate_tables(read_pages(open_pdf(pdf)))
    assert located["T06"].pages == (2,)  # the 三公 page is not swallowed as a continuation
    assert located["T07"].pages == (3,)
    assert located["T07"].printed_title == "2020年度机关“三公”经费支出情况"
    extraction = extract_document(pdf, FIXTURES)
    t07 = extraction.table("T07")
    assert t07 is not None and t07.status == "extracted"
    assert any("按表头" in problem and "公务接待" in problem for problem in t07.problems)
    cells = _cells(t07)
    assert cells[("合计", "预算数")] == Decimal("149.93")
    assert cells[("合计", "决算数")] == Decimal("29.04")
    assert cells[("公务用车运行维护费", "决算数")] == Decimal("18.19")
    assert cells[("公务接待费", "预算数")] == Decimal("116.93")
    assert cells[("公务接待费", "决算数")] == Decimal("10.85")
    t06 = extraction.table("T06")
    assert t06 is not None and t06.last_page == 2
    assert _cells(t06)[("公用经费合计", "决算数")] == Decimal("213.26")


def test_an_unknown_table_ends_the_table_before_and_is_assigned_to_none():
    pdf = FIXTURES / "unknown_table_after_subject.pdf"
    located = locate_tables(read_pages(open_pdf(pdf)))
    assert {tid: loc.pages for tid, loc in located.items()} == {"T05": (2,)}
    t05 = extract_document(pdf, FIXTURES).table("T05")
    assert t05 is not None and t05.last_page == 2
    labels = {row.line_label for row in t05.rows}
    assert "货物" not in labels and "服务" not in labels


def test_header_words_score_each_table():
    lines = ["合计因公出国(境)费公务用车购置及运行维护费公务接待费", "小计公务用车购置费"]
    scores = header_scores(lines)
    assert scores == {"T07": 4}
    assert header_winner(scores) == "T07"
    econ = ["人员经费公用经费", "经济分类科目编码科目名称决算数"]
    assert header_winner(header_scores(econ)) == "T06"


def test_header_words_decide_only_when_one_table_wins_clearly():
    # T08 and T09 (2024 layout) print the same header: never told apart.
    fund = ["年初结转和结余本年收入本年支出年末结转和结余"]
    assert header_scores(fund) == {"T08": 3, "T09": 3}
    assert header_winner(header_scores(fund)) is None
    # One word is not enough; neither is a header of generic words (T05's).
    assert header_winner(header_scores(["公务接待费"])) is None
    assert header_winner(header_scores(["功能分类科目编码科目名称小计基本支出项目支出"])) is None
    # Words of two tables in like measure: unsure.
    assert header_winner({"T02": 3, "T03": 2}) is None
    assert header_winner({"T02": 4, "T03": 2}) == "T02"


def _page(number: int, text: str) -> PageText:
    return PageText(number, 595.0, 842.0, text, ())


def test_a_header_repeated_with_other_line_breaks_continues_the_table():
    pages = [
        _page(
            1,
            "一般公共预算财政拨款基本支出决算表\n人员经费 公用经费\n经济分类\n"
            "科目编码 科目名称 决算数 经济分类\n科目编码 科目名称 决算数\n1 2 3 4 5 6\n"
            "301 工资福利支出 1,920.28 302 商品和服务支出 213.26",
        ),
        # pdfium breaks the repeated header's lines elsewhere on the next page.
        _page(
            2,
            "人员经费 公用经费\n经济分类\n科目编码 科目名称 决算数\n经济分类\n"
            "科目编码 科目名称 决算数\n1 2 3 4 5 6\n31002 办公设备购置 4.83",
        ),
    ]
    assert locate_tables(pages)["T06"].pages == (1, 2)


def test_a_column_numbers_row_of_another_header_ends_the_table():
    pages = [
        _page(
            1,
            "支出决算表\n金额单位：万元\n项目 本年支出合计 基本支出 项目支出\n栏次 1 2 3\n"
            "201 一般公共服务支出 2,747.50 1,724.88 1,022.62",
        ),
        _page(2, "2010301 行政运行 1,244.35 1,244.35"),  # rows run on: a continuation
        _page(3, "项目 采购预算金额 实际采购金额\n栏次 1 2\n货物 120.50 110.20"),
    ]
    located = locate_tables(pages)
    assert {tid: loc.pages for tid, loc in located.items()} == {"T03": (1, 2)}
