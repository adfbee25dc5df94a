"""The extraction heuristics as pure functions, on small hand-built inputs (no PDF).

Character boxes are in PDF points, y growing upwards, as pdfium reports them.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from pipelines.domain.amounts import AmountError, find_money_unit, parse_amount, to_wan
from pipelines.domain.tables import TABLES_BY_ID
from pipelines.extract.grid import Grid, Region
from pipelines.extract.layout import (
    band_of,
    baseline_lines,
    cell_text,
    merge_extents,
    printed_lines,
    text_of,
    words,
)
from pipelines.extract.locate import find_titles, locate_tables, match_title
from pipelines.extract.pdf_text import Char, PageText
from pipelines.extract.recognize import name_lines, recognise, region_of
from pipelines.extract.statement_tables import EXPENSE, INCOME, statement_sides
from pipelines.extract.subject_tables import CodeJoiner, column_roles, first_data_row
from pipelines.extract.text_grid import (
    NAME_COLUMN_INSET,
    grid_from_text,
    name_column_start,
    numbered_columns,
    row_groups,
)
from pipelines.extract.three_public_tables import column_keys

SIZE = 10.0  # em of the hand-set type, points


def word(
    text: str, x: float, y: float, size: float = SIZE, advance: float | None = None
) -> list[Char]:
    """Characters set from x on the baseline y: glyph boxes 0.8 em tall, one em apart."""
    step = advance if advance is not None else size
    return [
        Char(ch, x + k * step, y, x + k * step + size * 0.9, y + size * 0.8)
        for k, ch in enumerate(text)
    ]


def texts(lines: list[list[Char]]) -> list[str]:
    return [text_of(line) for line in lines]


# Lines and words ---------------------------------------------------------------------


def test_characters_group_into_printed_lines_top_first_left_to_right():
    chars = word("支出", 100, 500) + word("合计", 10, 700) + word("201", 10, 500)
    assert texts(printed_lines(chars)) == ["合计", "201支出"]


def test_a_flat_dash_joins_the_line_it_is_printed_beside():
    dash = Char("-", 300, 504, 306, 505)  # 1 pt tall, centred on the row's text
    chars = [*word("行政运行", 10, 500), *word("12.30", 200, 520), dash]
    assert texts(printed_lines(chars)) == ["12.30", "行政运行-"]


def test_a_flat_glyph_far_from_every_line_is_a_line_of_its_own():
    chars = [*word("合计", 10, 500), Char("-", 10, 400, 16, 401)]
    assert texts(printed_lines(chars)) == ["合计", "-"]


def test_words_split_at_gaps_wider_than_half_a_character():
    line = (
        word("201", 10, 500, advance=6)
        + word("一般公共服务支出", 60, 500)
        + word("2747.50", 300, 500, advance=6)
    )
    assert [text_of(w) for w in words(line)] == ["201", "一般公共服务支出", "2747.50"]
    # Spaced-out header characters ("项　目") are one word only when the space is narrow.
    assert [text_of(w) for w in words(word("项目", 10, 500, advance=12))] == ["项目"]
    assert [text_of(w) for w in words(word("项目", 10, 500, advance=14))] == ["项", "目"]


def test_cell_text_keeps_wrapped_lines_apart_and_low_commas_on_their_line():
    comma = Char(",", 21, 499, 23, 502)  # sits below the digits' centre line
    digits = [*word("1", 10, 500, advance=6), comma, *word("234.56", 26, 500, advance=6)]
    assert cell_text(digits) == "1,234.56"
    wrapped = word("机关事业", 10, 520) + word("单位支出", 10, 505)
    assert cell_text(wrapped) == "机关事业\n单位支出"


def test_baseline_lines_separate_header_rows_a_tall_cell_would_fuse():
    spanning = Char("合", 10, 505, 19, 525)  # a cell centred over two header rows
    upper, lower = word("小计", 100, 520), word("基本", 100, 508)
    assert len(printed_lines([spanning, *upper, *lower])) == 1  # overlap chains them
    assert texts(baseline_lines([*upper, *lower])) == ["小计", "基本"]


# Columns ----------------------------------------------------------------------------


def test_extents_merge_into_columns_when_they_overlap_or_nearly_touch():
    right_aligned = [(200.0, 240.0), (215.0, 240.0), (208.0, 240.5)]
    assert merge_extents([*right_aligned, (300.0, 340.0), (241.0, 250.0)]) == [
        (200.0, 250.0),
        (300.0, 340.0),
    ]
    assert merge_extents([(0.0, 10.0), (12.0, 20.0)]) == [(0.0, 10.0), (12.0, 20.0)]
    assert merge_extents([(0.0, 10.0), (12.0, 20.0)], tolerance=2.5) == [(0.0, 20.0)]


def test_band_of_finds_columns_left_to_right_and_rows_top_down():
    columns = [(0.0, 50.0), (50.0, 120.0), (120.0, 200.0)]
    assert [band_of(x, columns) for x in (10, 50, 119.9, 250)] == [0, 0, 1, None]
    rows = [(800.0, 780.0), (780.0, 760.0)]
    assert [band_of(y, rows, descending=True) for y in (790, 770, 700)] == [0, 1, None]


def test_numbered_columns_are_the_centres_of_a_one_two_three_row():
    lanci = words(
        word("栏次", 10, 600) + word("1", 200, 600) + word("2", 260, 600) + word("3", 320, 600)
    )
    assert numbered_columns([lanci]) == [204.5, 264.5, 324.5]
    # Line numbers that do not count 1, 2, 3 … from the left are not a 栏次 row.
    not_numbers = words(word("2", 200, 600) + word("1", 260, 600))
    assert numbered_columns([not_numbers]) == []


def test_a_wrapped_label_line_joins_its_row_a_line_with_figures_starts_one():
    lines = [
        word("行政运行", 10, 700) + word("12.00", 200, 700),
        word("其他政府办公厅（室）及相关", 10, 680) + word("149.31", 200, 680),
        word("机构事务支出", 10, 668),  # 12 pt below: the wrap, not the 20 pt row pitch
        word("事业运行", 10, 648) + word("480.53", 200, 648),
    ]
    assert row_groups(lines, [0, 1, 2, 3]) == [[0], [1, 2], [3]]


def test_rows_without_padding_are_rows_not_wrapped_lines():
    """An unruled office table: row pitches spread over 9.5 to 12 pt, as close as a wrap's
    9.4 pt, and wider only beside a wrapped label. Lines without figures (blank zeros)
    stay rows of their own."""
    pitches = [12.0, 19.0, 11.1, 10.2, 9.6, 9.4, 11.0, 9.8, 10.6, 17.5]
    labels = ["一、财政拨款收入", "二、事业收入", "三、经营收入", "四、其他收入", "五、债务收入"]
    labels += ["六、灾害防治及应急管理支", "出", "本年收入合计", "使用非财政拨款结余"]
    labels += ["年初结转和结余", "总计"]
    lines, y = [], 700.0
    for index, (label, pitch) in enumerate(zip(labels, [*pitches, 0.0], strict=True)):
        figures = word("10.00", 200, y) if index in (0, 7, 10) else []
        lines.append(word(label, 10, y) + figures)
        y -= pitch
    groups = row_groups(lines, list(range(len(lines))))
    assert [0] in groups and [1] in groups and [7] in groups and [8] in groups
    assert len(groups) == len(lines)  # a wrap's pitch among them is not told apart: no wraps


# Headers to canonical columns ---------------------------------------------------------


def grid(cells: list[list[str]], merges: tuple[tuple[int, int, int, int], ...] = ()) -> Grid:
    """A grid of one-point cells; `merges` are (row, col, row_span, col_span) regions
    anchored at their top-left cell, whose text is that cell's."""
    covered: set[tuple[int, int]] = set()
    regions = []
    for r, c, rs, cs in merges:
        regions.append(Region(r, c, rs, cs, cells[r][c]))
        covered |= {(r + i, c + j) for i in range(rs) for j in range(cs)}
    for r, row in enumerate(cells):
        for c, text in enumerate(row):
            if (r, c) not in covered:
                regions.append(Region(r, c, 1, 1, text))
    n_rows, n_cols = len(cells), len(cells[0])
    return Grid(
        page=1,
        col_bounds=[(float(c), float(c + 1)) for c in range(n_cols)],
        row_bounds=[(float(-r), float(-r - 1)) for r in range(n_rows)],
        regions=regions,
        method="hand-built",
    )


def test_subject_table_header_names_code_name_and_amount_columns():
    t05 = grid(
        [
            ["项目", "", "本年支出", "", ""],
            ["功能分类科目编码", "科目名称", "小计", "基本支出", "项目支出"],
            ["栏次", "", "1", "2", "3"],
            ["", "合计", "3227.33", "2204.72", "1022.61"],
            ["201", "一般公共服务支出", "2747.50", "1724.88", "1022.61"],
        ],
        merges=((0, 0, 1, 2), (0, 2, 1, 3), (2, 0, 1, 2)),
    )
    assert first_data_row(t05) == 3
    roles = column_roles(t05, TABLES_BY_ID["T05"], 3)
    assert (roles.code_cols, roles.name_col, roles.unmapped) == ([0], 1, [])
    assert roles.amount_cols == {2: "合计", 3: "基本支出", 4: "项目支出"}


def test_split_code_columns_are_found_from_their_digits_and_joined_with_carried_parents():
    t03 = grid(
        [
            ["科目编码", "", "", "科目名称", "本年支出合计", "基本支出", "项目支出"],
            ["类", "款", "项", "", "", "", ""],
            ["201", "", "", "一般公共服务支出", "10.00", "10.00", ""],
            ["", "03", "", "政府办公厅（室）及相关机构事务", "10.00", "10.00", ""],
            ["", "", "01", "行政运行", "10.00", "10.00", ""],
        ],
        merges=((0, 0, 1, 3),),
    )
    roles = column_roles(t03, TABLES_BY_ID["T03"], first_data_row(t03))
    assert roles.code_cols == [0, 1, 2] and roles.name_col == 3
    assert roles.amount_cols == {4: "本年支出合计", 5: "基本支出", 6: "项目支出"}
    joiner = CodeJoiner()
    assert [joiner.join(p) for p in (["201", "", ""], ["", "03", ""], ["", "", "01"])] == [
        "201",
        "20103",
        "2010301",
    ]


def test_a_wide_t09_header_takes_the_government_fund_rules():
    spec = TABLES_BY_ID["T09"]
    wide = ["年初结转和结余", "本年收入", "本年支出小计", "基本支出", "项目支出", "年末结转和结余"]
    rules = spec.rules_for(wide)
    assert [spec.map_column(h, set(), rules) for h in wide] == [
        "年初结转和结余",
        "本年收入",
        "本年支出小计",
        "本年支出基本支出",
        "本年支出项目支出",
        "年末结转和结余",
    ]
    assert spec.map_column("基本支出", {"基本支出"}) is None  # a canonical column is taken once


def test_statement_sides_split_income_and_expense_and_drop_line_numbers():
    t04 = grid(
        [
            ["收入", "", "", "支出", "", "", ""],
            ["项目", "行次", "决算数", "项目", "行次", "合计", "一般公共预算财政拨款"],
            ["栏次", "", "1", "栏次", "", "2", "3"],
            [
                "一、一般公共预算财政拨款",
                "1",
                "3268.25",
                "一、一般公共服务支出",
                "33",
                "2747.50",
                "2747.50",
            ],
        ],
        merges=((0, 0, 1, 3), (0, 3, 1, 4)),
    )
    sides = statement_sides(t04, 3)
    assert sides is not None
    assert (sides[INCOME].label, sides[INCOME].measures) == (0, {2: "决算数"})
    assert (sides[EXPENSE].label, sides[EXPENSE].measures) == (3, {5: "合计", 6: "一般公共预算"})


def test_three_public_columns_are_named_by_item_and_measure_from_the_whole_header_path():
    items = ["合计", "因公出国（境）费", "公务用车购置及运行维护费", "", "", "公务接待费"]
    sub = ["", "", "小计", "公务用车购置费", "公务用车运行维护费", ""]
    t07 = grid(
        [
            ["预算数", "", "", "", "", "", "决算数", "", "", "", "", ""],
            items + items,
            sub + sub,
            [
                "149.93",
                "",
                "33.00",
                "",
                "33.00",
                "116.93",
                "29.04",
                "",
                "18.19",
                "",
                "18.19",
                "10.85",
            ],
        ],
        merges=(
            (0, 0, 1, 6),
            (0, 6, 1, 6),
            *((1, c, 2, 1) for c in (0, 1, 5, 6, 7, 11)),
            (1, 2, 1, 3),
            (1, 8, 1, 3),
        ),
    )
    keys = column_keys(t07, 3)
    assert keys[0] == ("合计", "预算数") and keys[11] == ("公务接待费", "决算数")
    assert keys[3] == ("公务用车购置费", "预算数") and keys[10] == ("公务用车运行维护费", "决算数")
    assert keys[2] == ("公务用车购置及运行维护费", "预算数")
    assert len(keys) == 12


# Amounts ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("printed", "amount"),
    [
        ("1,234.56", Decimal("1234.56")),
        (" 7 715.81 ", Decimal("7715.81")),
        ("0.00", Decimal("0.00")),
        ("(12.30)", Decimal("-12.30")),
        ("−5.00", Decimal("-5.00")),
        ("1，000.00", Decimal("1000.00")),
        ("", None),
        ("-", None),
        ("——", None),
        ("/", None),
    ],
)
def test_printed_amounts_parse_exactly(printed, amount):
    assert parse_amount(printed) == amount


@pytest.mark.parametrize("printed", ["一般公共服务支出", "12.3.4", "1e5", "12.30元"])
def test_text_in_an_amount_cell_is_an_error(printed):
    with pytest.raises(AmountError):
        parse_amount(printed)


def test_yuan_convert_to_wan_exactly_and_the_money_unit_is_read_above_the_table():
    assert to_wan(Decimal("77158100.00"), "元") == Decimal("7715.81")
    assert to_wan(None, "元") is None
    assert find_money_unit("公开03表\n金额单位：元") == "元"
    assert find_money_unit("单位: 万元") == "万元"
    assert find_money_unit("单位：枣庄市人民政府办公室本级") is None
    assert find_money_unit("金额单位：元整") is None  # not a bare money unit


# Titles and covers ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "table_id"),
    [
        ("收入支出决算总表", "T01"),
        ("公开05表 一般公共预算财政拨款支出决算表", "T05"),
        ("2024年度 财政拨款收支决算总表", "T04"),
        ("七、一般公共预算财政拨款“三公”经费支出决算表", "T07"),
        ("附表9 国有资本经营预算财政拨款收入支出决算表", "T09"),
        ("支 出 决 算 表", "T03"),
        ("一般公共预算财政拨款支出决算情况说明", None),
        ("单位：枣庄市人民政府办公室本级", None),
    ],
)
def test_printed_lines_are_matched_to_table_titles(line, table_id):
    assert match_title(line) == table_id


def page(number: int, text: str) -> PageText:
    return PageText(number, 595.0, 842.0, text, ())


def test_tables_are_located_by_title_and_run_on_over_pages_of_rows():
    pages = [
        page(1, "目录\n收入支出决算总表\n收入决算表\n支出决算表\n财政拨款收入支出决算总表"),
        page(2, "支出决算表\n金额单位：万元\n201 一般公共服务支出 2,747.50"),
        page(3, "2080505 机关事业单位基本养老保险缴费支出 153.02"),
        page(4, "第三部分 情况说明\n本年支出合计7715.81万元"),
    ]
    located = locate_tables(pages)
    assert list(located) == ["T03"]
    assert located["T03"].pages == (2, 3)


def test_the_cover_names_unit_year_region_and_level():
    cover = page(1, "枣庄市人民政府办公室本级\n2020 年度\n单位决算\n- 1 -")
    found = recognise([cover])
    assert (found.document_kind, found.unit_name, found.fiscal_year) == (
        "决算",
        "枣庄市人民政府办公室本级",
        2020,
    )
    assert (found.region, found.unit_level, found.is_template) == ("枣庄市", "单位", False)
    assert region_of("中共上海市普陀区委社会工作部") == "上海市普陀区"
    assert recognise([page(1, "XXX单位\n2024年度部门决算")]).is_template


def test_a_title_wrapped_over_two_lines_is_found_whole_not_by_its_tail():
    lines = [
        "单位：枣庄市人民政府办公室本级",
        "2020年度一般公共预算财政拨款",
        "支出决算表",
        "公开05表",
    ]
    assert find_titles(lines) == [("T05", "2020年度一般公共预算财政拨款支出决算表")]
    # A part heading printed between the two lines in text order is skipped.
    between = ["收入支出决算总", "第二部分 2024年度部门决算表", "表"]
    assert find_titles(between) == [("T01", "收入支出决算总表")]
    # A whole title is never joined to the next line, and a label or year above a title
    # is no part of it.
    assert find_titles(["收入决算表", "支出决算表"]) == [
        ("T02", "收入决算表"),
        ("T03", "支出决算表"),
    ]
    assert find_titles(["公开03表", "支出决算表"]) == [("T03", "支出决算表")]
    assert find_titles(["2020年度", "支出决算表"]) == [("T03", "支出决算表")]
    # Lines that only make a title together with a stranger are not one.
    assert find_titles(["本年度一般公共预算财政拨款", "合计 3227.33"]) == []


def test_a_wrapped_title_locates_its_table_instead_of_the_table_its_tail_names():
    pages = [page(2, "2020年度一般公共预算财政拨款\n支出决算表\n201 一般公共服务支出 2747.50")]
    located = locate_tables(pages)
    assert list(located) == ["T05"]
    assert located["T05"].printed_title == "2020年度一般公共预算财政拨款支出决算表"


def test_the_name_column_starts_at_its_leftmost_name_not_where_the_codes_end():
    codes = [(40.0, 72.0)]
    labels = [(111.0, 170.0), (111.0, 140.0), (125.0, 150.0), (400.0, 420.0)]
    assert name_column_start(codes, labels, amount_left=370.0) == 111.0 - NAME_COLUMN_INSET
    # Without codes, or with no name between the codes and the amounts, it is unknown.
    assert name_column_start([], labels, amount_left=370.0) is None
    assert name_column_start(codes, [(400.0, 420.0)], amount_left=370.0) is None


def test_a_code_header_wider_than_its_codes_stays_over_the_code_column():
    """Calc centres "功能分类科目编码" over a code column much wider than its codes: the
    header must not span into the name column, or both would read as code columns."""
    chars = [
        *word("功能分类科目编码", 44, 700, advance=7.7),
        *word("科目名称", 202, 700),
        *word("小计", 355, 700),
        *word("基本支出", 425, 700),
        *word("栏次", 174, 687),
        *word("1", 361, 687),
        *word("2", 438, 687),
        *word("合计", 111, 674),
        *word("3227.33", 371, 674, advance=4.3),
        *word("2204.72", 448, 674, advance=4.3),
        *word("201", 40, 661, advance=4.6),
        *word("一般公共服务支出", 111, 661),
        *word("2747.50", 371, 661, advance=4.3),
        *word("1724.88", 448, 661, advance=4.3),
        *word("2010301", 40, 648, advance=4.6),
        *word("行政运行", 111, 648),
        *word("1244.35", 371, 648, advance=4.3),
        *word("1244.35", 448, 648, advance=4.3),
    ]
    grid = grid_from_text(PageText(2, 595.0, 842.0, "", tuple(chars)))
    assert grid is not None
    header_end = first_data_row(grid)
    roles = column_roles(grid, TABLES_BY_ID["T05"], header_end)
    assert (roles.code_cols, roles.name_col) == ([0], 1)
    assert roles.amount_cols == {2: "合计", 3: "基本支出"}
    assert [grid.text(r, 1) for r in range(header_end, grid.n_rows)] == [
        "合计",
        "一般公共服务支出",
        "行政运行",
    ]


def test_cover_approval_lines_are_cut_from_the_unit_name():
    cover = [
        "枣庄市人民政府办公室本级",
        "单位负责人:张伟",
        "保密审查情况:已审查",
        "部门主要负责人审签情况已审签",
        "2020年度单位决算",
        "报送日期:2021年8月20日",
    ]
    assert name_lines(cover) == ["枣庄市人民政府办公室本级", "2020年度单位决算"]
    # A label that names the unit gives its value.
    assert name_lines(["上海市市级单位预算", "预算单位:上海市福利彩票发行中心"]) == [
        "上海市市级单位预算",
        "上海市福利彩票发行中心",
    ]
    found = recognise([page(1, "报送日期：2021年8月20日\n枣庄市财政局\n2020年度部门决算")])
    assert (found.unit_name, found.fiscal_year) == ("枣庄市财政局", 2020)


@pytest.mark.parametrize(
    "cover",
    [
        "枣庄市教育局\n2023 年度部门决算（汇总）",
        "枣庄市教育局\n2023年度汇总决算",
        "枣庄市教育局2023年度部门汇总决算",
        "枣庄市教育局\n2023年度决算（汇总）",
    ],
)
def test_a_summary_marks_the_department_document_and_is_no_part_of_the_name(cover):
    found = recognise([page(1, cover)])
    assert (found.unit_name, found.unit_level, found.fiscal_year) == ("枣庄市教育局", "部门", 2023)
