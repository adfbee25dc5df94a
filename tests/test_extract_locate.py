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


def test_a_repeated_header_whose_column_number_broke_onto_its_own_line_continues():
    # Writer's repeated header: the first page breaks "栏 次 1 栏 次 2" after "栏 次", so
    # its "2" reads as a page number; the next page prints the row whole.
    pages = [
        _page(
            1,
            "收入支出决算总表\n收 入 支 出\n项 目 决算数 项 目 决算数\n栏 次\n1 栏 次\n2\n"
            "一、一般公共预算财政拨款收入 13658.29 一、一般公共服务支出 12.46",
        ),
        _page(
            2,
            "收 入 支 出\n项 目 决算数 项 目 决算数\n栏 次 1 栏 次 2\n二十三、其他支出 —\n"
            "年初结转和结余 — 年末结转和结余 —\n总计 13768.72 总计 13768.72",
        ),
    ]
    assert locate_tables(pages)["T01"].pages == (1, 2)


def test_rows_of_dashes_under_a_repeated_header_are_no_header_of_theirs():
    # "年初结转" and "年末结转" are header words of T08/T09; printed in rows of zeros they
    # neither begin another table nor make the header differ from the first page's.
    pages = [
        _page(
            1,
            "收入支出决算总表\n收入 支出\n项目 决算数 项目 决算数\n"
            "一、一般公共预算财政拨款收入 5,581.67 一、一般公共服务支出 892.14",
        ),
        _page(
            2,
            "收入 支出\n项目 决算数 项目 决算数\n使用非财政拨款结余 - 结余分配 -\n"
            "年初结转和结余 - 年末结转和结余 -\n总计 5,581.67 总计 5,581.67",
        ),
    ]
    assert locate_tables(pages)["T01"].pages == (1, 2)


def test_a_page_of_blank_rows_between_two_pages_of_a_table_is_part_of_it():
    first = (
        "收入支出决算总表\n收入 支出\n项目 行次 决算数 项目 行次 决算数\n"
        "一、一般公共预算财政拨款收入 1 5581.67 一、一般公共服务支出 32"
    )
    blank_rows = "16 十六、金融支出 47\n17 十七、援助其他地区支出 48"  # no code, no amount
    last = "本年收入合计 27 5581.67 本年支出合计 58 5581.67\n总计 31 5581.67 总计 62 5581.67"
    pages = [_page(1, first), _page(2, blank_rows), _page(3, last)]
    assert locate_tables(pages)["T01"].pages == (1, 2, 3)
    # Not when the page is narrative (sentences), nor when no page of the table follows.
    prose = "本年度无政府性基金预算财政拨款收入。\n相关说明如下。"
    assert locate_tables([_page(1, first), _page(2, prose), _page(3, last)])["T01"].pages == (1,)
    assert locate_tables([_page(1, first), _page(2, blank_rows)])["T01"].pages == (1,)


def test_an_explanation_naming_a_tables_items_is_not_that_table():
    # The 情况说明 lists 三公 items in sentences, with amounts: no header, no table.
    pages = [
        _page(1, "政府性基金预算财政拨款收入支出决算表\n项目 本年收入 本年支出\n合计 12.00 12.00"),
        _page(
            2,
            "七、一般公共预算财政拨款三公经费支出决算情况说明\n"
            "公用经费包括办公费、差旅费、公务接待费、公务用车运行维护费等。\n"
            "因公出国（境）费支出 0.00 万元，公务接待费支出 3.21 万元。",
        ),
    ]
    assert "T07" not in locate_tables(pages)
