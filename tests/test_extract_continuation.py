"""Unruled tables as office software prints them: continuation pages, split codes under a
merged header, labels wrapped beside centred figures, a column empty until the last page.

Fixture PDFs (tests/fixtures/, made by make_fixtures.py with LibreOffice Calc) carry one
behaviour each; the heuristics behind them are tested on hand-set characters (PDF
points, y growing upwards).
"""

from __future__ import annotations

from decimal import Decimal
from functools import cache
from pathlib import Path

from pipelines.domain.amounts import to_wan
from pipelines.domain.tables import TABLES_BY_ID, numbers_columns
from pipelines.domain.text import normalise_label
from pipelines.extract.certainty import read_again
from pipelines.extract.document import extract_document
from pipelines.extract.grid import Grid, Region, assemble
from pipelines.extract.layout import printed_lines, text_of, words
from pipelines.extract.pdf_text import Char, PageText, open_pdf, read_pages
from pipelines.extract.records import ExtractedTable
from pipelines.extract.statement_tables import parse_statement
from pipelines.extract.text_grid import (
    centred_lead,
    gap_split,
    grid_from_text,
    grid_from_text_layout,
    lowest_header_words,
    row_groups,
)
from tests.fixtures.seed_tables import (
    T01_ROWS,
    T01_ROWS_WITHOUT_CARRY_OVERS,
    T04_MEASURES,
    T04_ROWS,
    T05_COLUMNS,
    T05_ROWS,
    T06_CAPITAL,
    T06_PERSONNEL,
    T06_PUBLIC,
    T06_TOTALS,
)

FIXTURES = Path(__file__).resolve().parent / "fixtures"
SIZE = 9.0  # em of the hand-set type, points


@cache
def _table(name: str, table_id: str) -> ExtractedTable:
    found = extract_document(FIXTURES / f"{name}.pdf", FIXTURES).table(table_id)
    assert found is not None and found.status == "extracted", (name, table_id, found)
    return found


def word(text: str, x: float, y: float, advance: float = SIZE) -> list[Char]:
    """Characters set from x on the baseline y: glyph boxes 0.8 em tall, `advance` apart."""
    return [
        Char(ch, x + k * advance, y, x + k * advance + advance * 0.95, y + SIZE * 0.8)
        for k, ch in enumerate(text)
    ]


def figure(text: str, right: float, y: float) -> list[Char]:
    """An amount right-aligned at `right`, digits half an em wide."""
    return word(text, right - len(text) * SIZE / 2, y, advance=SIZE / 2)


def statement_facts(table: ExtractedTable) -> dict[tuple[str | None, str | None], Decimal]:
    return {
        (row.side, row.line_label): row.cells[0].amount
        for row in table.rows
        if row.cells[0].amount is not None
    }


def expected_statement_facts(
    rows: list[tuple[str, str | None, str, str | None]] = T01_ROWS,
) -> dict[tuple[str, str], Decimal]:
    expected = {}
    for income, income_value, expense, expense_value in rows:
        if income_value is not None:
            expected[("收入", normalise_label(income))] = Decimal(income_value)
        if expense_value is not None:
            expected[("支出", normalise_label(expense))] = Decimal(expense_value)
    return expected


def econ_facts(table: ExtractedTable) -> dict[str | None, Decimal | None]:
    return {(row.subject_code or row.line_label): row.cells[0].amount for row in table.rows}


def expected_econ_facts() -> dict[str | None, Decimal | None]:
    """The T06 fixtures print the seed's figures in 元."""
    expected: dict[str | None, Decimal | None] = {
        key: to_wan(Decimal(value) * 10_000, "元") if value is not None else None
        for key, _, value in (*T06_PERSONNEL, *T06_PUBLIC, *T06_CAPITAL)
    }
    expected.update({label: Decimal(value) for label, value in T06_TOTALS})
    return expected


# Fixtures ------------------------------------------------------------------------------


def test_split_codes_under_a_merged_header_without_rules():
    t05 = _table("split_codes_unruled", "T05")
    assert t05.problems == []
    read = [
        (row.subject_code, row.line_label, {c.column_name: c.amount for c in row.cells})
        for row in t05.rows
    ]
    expected = [
        (
            code or None,
            normalise_label(name),
            {
                column: Decimal(value) if value is not None else None
                for column, value in zip(T05_COLUMNS, values, strict=True)
            },
        )
        for code, name, *values in T05_ROWS
    ]
    assert read == expected


def test_a_continuation_page_of_only_the_last_rows_is_read_in_full():
    t01 = _table("statement_tail_unruled", "T01")
    assert (t01.first_page, t01.last_page, t01.problems) == (2, 3, [])
    assert statement_facts(t01) == expected_statement_facts()
    tail = [(row.side, row.line_label) for row in t01.rows if row.page == 3]
    assert tail == [
        ("支出", "抗疫特别国债安排的支出"),
        ("收入", "本年收入合计"),
        ("支出", "本年支出合计"),
        ("收入", "使用非财政拨款结余"),
        ("支出", "结余分配"),
        ("收入", "年初结转和结余"),
        ("支出", "年末结转和结余"),
        ("收入", "总计"),
        ("支出", "总计"),
    ]


def test_labels_wrapped_beside_centred_figures_keep_their_first_lines():
    t01 = _table("statement_wrapped_labels_unruled", "T01")
    assert t01.problems == []
    assert statement_facts(t01) == expected_statement_facts()
    income = [row.line_label for row in t01.rows if row.side == "收入"]
    assert income == [normalise_label(label) for label, *_ in T01_ROWS if label]


def test_a_total_under_a_column_empty_on_the_first_page_is_read_whole():
    t06 = _table("econ_total_on_continuation", "T06")
    assert (t06.money_unit, t06.first_page, t06.last_page, t06.problems) == ("元", 2, 3, [])
    assert econ_facts(t06) == expected_econ_facts()


def test_a_page_of_rows_without_any_amount_between_two_pages_continues_the_table():
    t01 = _table("statement_blank_middle_page", "T01")
    assert (t01.first_page, t01.last_page, t01.problems) == (2, 4, [])
    assert statement_facts(t01) == expected_statement_facts()
    middle = [(row.side, row.line_label) for row in t01.rows if row.page == 3]
    assert middle == [("支出", "金融支出"), ("支出", "援助其他地区支出")]


def test_a_repeated_header_over_rows_of_dashes_is_not_another_table():
    t01 = _table("statement_repeated_header_dash_zeros", "T01")
    assert (t01.first_page, t01.last_page, t01.problems) == (2, 3, [])
    assert statement_facts(t01) == expected_statement_facts(T01_ROWS_WITHOUT_CARRY_OVERS)
    tail = [
        (row.side, row.line_label, row.cells[0].printed_text) for row in t01.rows if row.page == 3
    ]
    assert tail == [
        ("收入", "年初结转和结余", "-"),
        ("支出", "年末结转和结余", "-"),
        ("收入", "总计", "7753.63"),
        ("支出", "总计", "7753.63"),
    ]


def test_fund_headers_printed_without_a_gap_name_their_columns_in_order():
    t04 = _table("statement_fused_fund_headers", "T04")
    assert t04.problems == []
    expense = {
        (row.line_label, cell.column_name): cell.amount
        for row in t04.rows
        if row.side == "支出"
        for cell in row.cells
        if cell.amount is not None
    }
    assert expense == {
        (normalise_label(label), measure): Decimal(value)
        for _, _, label, *values in T04_ROWS
        for measure, value in zip(T04_MEASURES, values, strict=True)
        if value is not None
    }


def test_a_code_header_reaching_past_halfway_to_the_names_stays_over_its_codes():
    t06 = _table("econ_wide_code_columns", "T06")
    assert (t06.first_page, t06.last_page, t06.problems) == (2, 2, [])
    assert econ_facts(t06) == expected_econ_facts()


def test_amounts_pressed_against_the_next_columns_code_are_read_as_sure():
    # Without rules Calc pads nothing: "19202800.00" ends where "302" begins.
    for name, table_id in (("econ_total_on_continuation", "T06"), ("statement_two_pages", "T01")):
        cells = [cell for row in _table(name, table_id).rows for cell in row.cells]
        assert [cell for cell in cells if cell.uncertain_reason] == [], name


def test_a_boundary_between_two_glyphs_of_one_figure_leaves_both_halves_unsure():
    pdf = FIXTURES / "econ_total_on_continuation.pdf"
    document = open_pdf(pdf)
    try:
        page = read_pages(document)[1]
        grid = grid_from_text_layout(page, "一般公共预算财政拨款基本支出决算表")
        assert grid is not None
        row = next(r for r in range(grid.n_rows) if grid.text(r, 0) == "301")
        (x0, x1), (top, bottom) = grid.col_bounds[2], grid.row_bounds[row]
        digits = sorted(page.chars_in(x0, bottom, x1, top), key=lambda ch: ch.x0)
        edge = digits[3].x1  # "1920|2800.00": the boundary touches no glyph
        cols = list(grid.col_bounds)
        cols[2], cols[3] = (x0, edge), (edge, cols[3][1])
        cut = assemble(page, cols, grid.row_bounds, lambda r, c, d: False, "cut", {})
        textpage = document[page.number - 1].get_textpage()
        read_again(cut, textpage)
        textpage.close()
    finally:
        document.close()
    assert (cut.text(row, 2), cut.text(row, 3)) == ("1920", "2800.00302")
    assert {(row, 2), (row, 3)} <= set(cut.doubts), cut.doubts


# Heuristics ----------------------------------------------------------------------------


def test_column_numbers_count_from_one_and_line_numbers_do_not():
    assert numbers_columns(["1", "2", "3"])
    assert not numbers_columns(["30", "61"])  # a blank row's line numbers
    assert not numbers_columns(["1"])
    assert not numbers_columns(["1", "3"])


def _grid(cells: list[list[str]]) -> Grid:
    regions = [
        Region(r, c, 1, 1, text) for r, row in enumerate(cells) for c, text in enumerate(row)
    ]
    return Grid(
        3,
        [(float(c), float(c + 1)) for c in range(len(cells[0]))],
        [(float(-r), float(-r - 1)) for r in range(len(cells))],
        regions,
        "test",
    )


def test_a_blank_row_with_line_numbers_does_not_end_the_header():
    first = _grid(
        [
            ["收入", "", "", "支出", "", ""],
            ["项目", "行次", "决算数", "项目", "行次", "决算数"],
            ["栏次", "", "1", "栏次", "", "2"],
            ["一、一般公共预算财政拨款收入", "1", "10.00", "一、一般公共服务支出", "32", "10.00"],
        ]
    )
    continuation = _grid(
        [
            ["本年收入合计", "27", "10.00", "本年支出合计", "58", "10.00"],
            ["年初结转和结余", "29", "1.00", "年末结转和结余", "60", "1.00"],
            ["", "30", "", "", "61", ""],
            ["总计", "31", "11.00", "总计", "62", "11.00"],
        ]
    )
    problems: list[str] = []
    rows = parse_statement(TABLES_BY_ID["T01"], [first, continuation], "万元", problems)
    assert problems == []
    assert [(r.page, r.line_label) for r in rows if r.side == "收入"] == [
        (3, "一般公共预算财政拨款收入"),
        (3, "本年收入合计"),
        (3, "年初结转和结余"),
        (3, "总计"),
    ]


def test_an_amount_touching_the_next_column_ends_its_word():
    line = [*word("3268.25", 100, 500, advance=4.5), *word("一、一般", 133.0, 500)]
    assert [text_of(w) for w in words(line)] == ["3268.25", "一、一般"]
    code = [*word("5186200.00", 100, 500, advance=4.5), *word("30201", 147.0, 500, 4.5)]
    assert [text_of(w) for w in words(code)] == ["5186200.00", "30201"]
    # A number's own glyphs abut: more decimals, or digits of a label, stay one word.
    assert [text_of(w) for w in words(word("0.125", 100, 500, advance=4.5))] == ["0.125"]
    assert [text_of(w) for w in words(word("2019年结转", 100, 500))] == ["2019年结转"]


def test_a_figure_centred_on_a_three_line_label_takes_the_label_back():
    lines = [
        word("行政运行", 10, 700) + figure("12.00", 250, 700),
        word("其他政府办公", 10, 678),  # the label's first line, 11 pt above its figures
        word("厅（室）及相关", 10, 667) + figure("149.31", 250, 667),
        word("机构事务支出", 10, 656),
        word("事业运行", 10, 634) + figure("480.53", 250, 634),
        word("专项服务", 10, 612),  # a row of words only (no amount printed)
        word("培训支出", 10, 590) + figure("12.46", 250, 590),
    ]
    assert row_groups(lines, list(range(7))) == [[0], [1, 2, 3], [4], [5], [6]]


def test_rows_without_wraps_are_never_joined_whatever_their_pitches():
    # A continuation page: single-line rows, some taller (their neighbours wrapped), none
    # closer than a line of type; the widest step is between the pitches of rows.
    lines = [
        word("二十六、抗疫特别国债安排的支出", 10, 760),
        word("本年收入合计", 10, 740) + figure("7753.63", 250, 740),
        word("使用非财政拨款结余", 10, 720),
        word("年初结转和结余", 10, 687) + figure("5.00", 250, 687),
        word("总计", 10, 634) + figure("7758.62", 250, 634),
    ]
    assert row_groups(lines, list(range(5))) == [[0], [1], [2], [3], [4]]


def test_the_first_row_takes_the_wrapped_lines_above_its_figures():
    lines = [
        word("项目", 10, 720) + word("决算数", 200, 720),
        word("一、一般公共", 10, 700),
        word("预算财政拨款", 10, 689) + figure("3268.25", 250, 689),
        word("收入", 10, 678),
        word("五、事业收入", 10, 656),
    ]
    assert centred_lead(lines, 2, [2, 3]) == 1
    assert centred_lead(lines, 2, [2]) == 0  # nothing wrapped below: nothing above
    # The header is farther above than the wrapped line below: not part of the row.
    assert centred_lead(lines, 1, [1, 2]) == 0


def test_merged_header_rows_are_split_by_baseline_for_split_codes():
    # "科目名称" and "合计" are centred over the three header rows; their boxes chain the
    # rows into one printed line.
    chars = [
        *word("项目", 80, 724),
        *word("功能分类科目编码", 10, 712),
        *word("科目名称", 90, 706),
        Char("合", 200, 700, 209, 730),  # a tall title centred over the header
        *word("类", 12, 700),
        *word("款", 32, 700),
        *word("项", 52, 700),
        *word("合计", 90, 686),
        *figure("100.00", 240, 686),
        *word("201", 10, 674, advance=4.5),
        *word("一般公共服务支出", 90, 674),
        *figure("100.00", 240, 674),
        *word("201", 10, 662, advance=4.5),
        *word("03", 30, 662, advance=4.5),
        *word("01", 50, 662, advance=4.5),
        *word("行政运行", 90, 662),
        *figure("100.00", 240, 662),
    ]
    # The tall title chains 项目, 科目名称 and 类|款|项 into one printed line.
    assert [text_of(line) for line in printed_lines(chars)][:2] == [
        "类款项项目科目名称合",
        "功能分类科目编码",
    ]
    grid = grid_from_text(PageText(2, 595.0, 842.0, "", tuple(chars)))
    assert grid is not None and grid.body_row is not None
    header = [[grid.text(r, c) for c in range(grid.n_cols)] for r in range(grid.body_row)]
    assert ["类", "款", "项"] in [row[:3] for row in header]
    code_header = next(r for r, row in enumerate(header) if row[0] == "功能分类科目编码")
    assert grid.region(code_header, 2) is grid.region(code_header, 0)  # spans 类|款|项
    body = [[grid.text(r, c) for c in range(4)] for r in range(grid.body_row, grid.n_rows)]
    assert body == [
        ["", "", "", "合计"],
        ["201", "", "", "一般公共服务支出"],
        ["201", "03", "01", "行政运行"],
    ]


def test_a_numbered_column_without_amounts_is_as_wide_as_those_with_them():
    # Two groups of (code, name, amount) numbered 1…6: the second group prints no amount
    # on this page, so its 决算数 column is measured on the first group's.
    chars = [
        *[
            ch
            for n, x in zip("123456", (20, 80, 150, 220, 280, 350), strict=True)
            for ch in word(n, x, 720)
        ],
    ]
    rows = (
        ("30101", "基本工资", "518.62", "30201", "办公费"),
        ("30102", "津贴补贴", "559.26", "30202", "印刷费"),
        ("30103", "奖金", "249.24", "30203", "咨询费"),
    )
    for k, (code, name, value, other_code, other_name) in enumerate(rows):
        y = 700 - 14 * k
        chars += word(code, 5, y, advance=4.5) + word(name, 60, y)
        chars += figure(value, 180, y)
        chars += word(other_code, 205, y, advance=4.5) + word(other_name, 260, y)
    grid = grid_from_text_layout(PageText(2, 595.0, 842.0, "", tuple(chars)))
    assert grid is not None
    first_amount, last = grid.col_bounds[2], grid.col_bounds[-1]
    assert grid.n_cols == 6
    assert abs((last[1] - last[0]) - (first_amount[1] - first_amount[0])) < 0.01
    assert abs(grid.col_center(5) - (350 + SIZE * 0.95 / 2)) < 0.01


def test_a_column_boundary_passes_beside_a_header_reaching_into_the_gap():
    # Codes end at 556 and names begin at 598; the code column's header, centred over a
    # column wider than its codes, reaches 581.
    assert gap_split(556.0, 598.0, [(552.6, 581.0)]) == 581.0
    assert gap_split(556.0, 598.0, []) == 577.0  # nothing in the gap: halfway
    assert gap_split(556.0, 598.0, [(540.0, 640.0)]) == 577.0  # a header over both columns


def test_group_headers_above_split_codes_do_not_move_the_boundary():
    # "经济分类 / 科目编码" heads 类 | 款 and may be cut between them; "类" may not.
    header = [
        [word("经济分类", 70, 464)],
        [word("科目编码", 70, 456)],
        [word("类", 67, 440), word("款", 95, 440)],
        [word("1", 67, 425), word("2", 95, 425)],  # the 栏次 row's numbers do not count
    ]
    lowest = lowest_header_words(header)
    assert lowest == [(67.0, 75.55), (95.0, 103.55)]
    codes_end, sub_codes_start = 69.5, 85.4  # "301" | "01"
    assert gap_split(codes_end, sub_codes_start, lowest) == (codes_end + sub_codes_start) / 2
