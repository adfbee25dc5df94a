"""Budget (预算) recognition and title classification on text snippets: fast, no PDF.

Final accounts print 预算 everywhere ("一般公共预算财政拨款支出决算表"), so a budget is
told by its own words (部门预算, 单位预算, 预算公开, 综合预算, 预算情况说明) or, without a
cover, by its opening budget table; its tables by the meaning of their titles, never by
label or position (../shared/domain.md, "Budgets")."""

from __future__ import annotations

import pytest

from pipelines.domain.budget_titles import (
    classify_fallback_title,
    classify_title,
    is_table_title,
    label_number,
    normalise_title,
)
from pipelines.extract.locate import (
    BUDGET_TABLE_SET,
    budget_left_out_by_numbering,
    locate_tables,
)
from pipelines.extract.pdf_text import PageText
from pipelines.extract.recognize import recognise


def page(number: int, *lines: str) -> PageText:
    return PageText(number, 595.0, 842.0, "\n".join(lines), ())


@pytest.mark.parametrize(
    ("printed", "table_id"),
    [
        ("预算01表 收支总表", "B01"),
        ("单位预算01表 2026年预算单位财务收支预算总表", "B01"),
        ("表1 2026年部门综合预算收支总表", "B01"),
        ("表一 2026年部门收支总体情况表", "B01"),
        ("表1：2026年市级部门收支预算总表", "B01"),
        ("收支总表（预算表 1）", "B01"),
        ("公开表2收入总体情况表", "B02"),
        ("表2 2021年部综合预算收入总表", "B02"),
        ("表3 本年支出总体情况表", "B03"),
        ("三、支出预算总表", "B03"),
        ("表02 2026年市级部门收入预算总表", "B02"),  # "表022026年…" once squashed
        ("预算04表 财政拨款收支总表", "B04"),
        ("2026年预算单位财政拨款收支预算总表", "B04"),
        ("公开07表 一般公共预算支出表", "B05"),
        ("表7 一般公共预算支出表（按功能分类）", "B05"),
        ("2026年预算单位一般公共预算支出功能分类预算表", "B05"),
        ("五、一般公共预算拨款支出预算表", "B05"),
        ("本年一般公共预算支出表（预算表 5）", "B05"),
        ("表5 一般公共预算支出明细表（按支出功能分类科目）", "B05"),
        ("预算06表 一般公共预算基本支出表", "B06"),
        ("2026年预算单位一般公共预算基本支出部门预算经济分类预算表", "B06"),
        ("表8 一般公共预算基本支出明细表（按支出经济分类科目-不含上年结转）", "B06"),
        ("九、一般公共预算基本支出经济分类情况表", "B06"),
        ("预算09表 财政拨款“三公”经费支出表", "B07"),
        ('表07 2026年市级部门一般公共预算"三公"经费支出表', "B07"),
        ("2026年单位“三公”经费和机关运行经费预算表", "B07"),
        ("公开09表 一般公共预算“三公”经费、会议费、培训费支出表", "B07"),
        ("表8 财政拨款安排的行政经费及“三公”经费预算表", "B07"),
        ("预算07表 政府性基金预算支出表", "B08"),
        ("表9 2020年部门综合预算政府性基金收支总表", "B08"),
        ("公开11表 国有资本经营预算支出预算表", "B09"),
        ("国有资本经营预算支出明细表(预算表 10)", "B09"),
        ("表10：2026年市级部门项目支出预算表", "B10"),
        ("单位预算表10 2026年预算单位财政拨款项目支出预算表", "B10"),
        ("表10 2020年部门综合预算专项业务经费支出表", "B10"),
        ("表12 部门预算项目支出及其他支出预算表", "B10"),
        ("预算10表 政府采购预算明细表", "B11"),
        ("公开13表 政府采购支出表", "B11"),
        ("表12 2020年部门综合预算政府采购（资产配置、购买服务）预算表", "B11"),
    ],
)
def test_a_budget_title_names_its_table_by_its_words(printed, table_id):
    assert classify_title(printed) == table_id


@pytest.mark.parametrize(
    "printed",
    [
        # Every expense by economic class is not B06 (基本支出 only) nor B05 (by function).
        "表8 一般公共预算支出表（按经济分类）",
        "表6 一般公共预算支出明细表（按支出经济分类科目）",
        "八、一般公共预算支出经济分类情况表",
        # 基本支出 by function is neither B05 (every expense) nor B06 (by economic class).
        "表7 一般公共预算基本支出明细表（按支出功能分类科目）",
        "表7 一般公共预算项目支出情况表（按经济分类科目）",
        "预算表12 项目支出绩效目标表",
        "表11：2026年市级部门项目支出绩效表",
        "长春市信访局2026年项目支出绩效目标表预算表（预算表11）",
        "预算11表 财政拨款政府购买服务明细表",
        "公开12表 一般公共预算机关运行经费支出预算表",
        "表11 2020年部门综合预算财政拨款结转资金支出表",
        # A final account's title is no budget table, whatever 预算 it prints.
        "一般公共预算财政拨款支出决算表",
        # Explanations and contents entries.
        "四、财政拨款收支总表情况说明",
        "第一部分单位概况......................1",
        # A title wrapped inside its qualifier is read only with its second line.
        "2021年部门综合预算一般公共预算基本支出明细表（按支出功",
    ],
)
def test_other_tables_and_lines_name_no_budget_table(printed):
    assert classify_title(printed) is None


def test_the_two_jiangsu_appropriation_tables_are_fallbacks_not_b05_b06():
    """Jiangsu prints 公开05表 财政拨款支出表（功能科目） and 公开07表 一般公共预算支出表:
    the latter is B05; the former (every appropriation) only stands in where no
    一般公共预算 title is printed. Likewise 公开06表 for B06."""
    assert classify_title("公开05表 财政拨款支出表（功能科目）") is None
    assert classify_fallback_title("公开05表 财政拨款支出表（功能科目）") == "B05"
    assert classify_title("公开06表 财政拨款基本支出表（经济科目）") is None
    assert classify_fallback_title("公开06表 财政拨款基本支出表（经济科目）") == "B06"
    assert classify_fallback_title("表4 基本支出总表") == "B06"
    assert classify_fallback_title("公开07表 一般公共预算支出表") is None  # canonical
    pages = [
        page(1, "2026年度苏州市审计局部门预算公开"),
        page(2, "公开05表", "财政拨款支出表（功能科目）", "201 一般公共服务支出 1,234.56"),
        page(3, "公开06表", "财政拨款基本支出表（经济科目）", "301 工资福利支出 1,000.00"),
        page(4, "公开07表", "一般公共预算支出表", "201 一般公共服务支出 1,234.56"),
    ]
    located = locate_tables(pages, BUDGET_TABLE_SET)
    assert {tid: loc.pages for tid, loc in located.items()} == {"B05": (4,), "B06": (3,)}


def test_titles_are_normalised_to_their_words_and_qualifiers():
    assert normalise_title("公开05表 2026年财政拨款支出表（功能科目）") == (
        "财政拨款支出表",
        ("功能科目",),
    )
    assert normalise_title("表1：2026年市级部门收支预算总表") == ("收支预算总表", ())
    assert normalise_title("2026年预算单位财务收支预算总表") == ("财务收支预算总表", ())
    assert is_table_title("预算13表 部门整体支出绩效目标表")
    assert not is_table_title("一、部门主要职责")


@pytest.mark.parametrize(
    ("cover", "unit", "year", "level"),
    [
        (["2026年度", "福州市医疗保障局", "部门预算"], "福州市医疗保障局", 2026, "部门"),
        (["2026 年度苏州市生态环境局单位预算公开"], "苏州市生态环境局", 2026, "单位"),
        (
            ["上海市2026年市级单位预算", "2026年1月", "预算单位：上海钻石宝玉石交易联合管理办公室"],
            "上海钻石宝玉石交易联合管理办公室",
            2026,
            "单位",
        ),
        (["2026 年深圳市统计局（本级）部门预", "算"], "深圳市统计局(本级)", 2026, "部门"),
        (
            ["西安市行政审批服务局（汇总）", "2025年部门预算公开说明"],
            "西安市行政审批服务局",
            2025,
            "部门",
        ),
        (
            ["中共西安市委宣传部 2021 年部门综合预算", "目 录", "第一部分 部门概况"],
            "中共西安市委宣传部",
            2021,
            "部门",
        ),
        (
            ["重庆市气象局2026年部门预算情况说明", "一、单位基本情况", "（一）主要职责"],
            "重庆市气象局",
            2026,
            "部门",
        ),
    ],
)
def test_a_budget_cover_names_unit_year_and_level(cover, unit, year, level):
    recognition = recognise([page(1, *cover), page(2, "目录")])
    assert (
        recognition.document_kind,
        recognition.unit_name,
        recognition.fiscal_year,
        recognition.unit_level,
    ) == ("预算", unit, year, level)


def test_a_final_account_is_still_a_final_account_though_it_prints_budget_words():
    """A final account prints 预算 in its titles and the year's 预算数: it is a 决算."""
    final = recognise(
        [
            page(1, "2023年度", "枣庄市测试局", "部门决算"),
            page(2, "目录", "一般公共预算财政拨款支出决算表", "部门预算执行情况"),
        ]
    )
    assert (final.document_kind, final.unit_name, final.fiscal_year) == (
        "决算",
        "枣庄市测试局",
        2023,
    )


def test_a_tables_only_budget_names_its_unit_in_a_table_header():
    """Beijing's attachments: no cover; the first page is 预算01表, the unit is named by
    a 部门名称 header line, the year by the （2026年度） line under a title."""
    pages = [
        page(1, "预算01表 收支总表", "金额单位：万元", "一、一般公共预算拨款收入 32,365.090089"),
        page(2, "预算02表 收入总表", "金额单位：万元"),
        page(3, "预算13表 部门整体支出绩效目标表", "（2026年度）", "部门名称 北京市审计局"),
    ]
    recognition = recognise(pages)
    assert (
        recognition.document_kind,
        recognition.unit_name,
        recognition.fiscal_year,
        recognition.unit_level,
        recognition.region,
    ) == ("预算", "北京市审计局", 2026, "部门", "北京市")


def test_a_tables_only_budget_prints_the_year_in_a_title_or_nowhere():
    with_title_year = [
        page(1, "表1 2025年部门收支总表", "单位名称：某某市测试局 金额单位：万元"),
    ]
    assert recognise(with_title_year).fiscal_year == 2025
    assert recognise(with_title_year).unit_name == "某某市测试局"
    without_year = [page(1, "预算01表 收支总表", "部门名称：北京市测试局 金额单位：万元")]
    recognition = recognise(without_year)
    assert (recognition.document_kind, recognition.fiscal_year) == ("预算", None)


def test_a_document_of_neither_kind_is_recognised_as_neither():
    minutes = recognise([page(1, "2023 年度工作会议纪要", "枣庄市测试局", "会议议定事项如下")])
    assert minutes.document_kind is None


def test_a_budget_whose_head_pages_say_final_accounts_is_still_a_budget():
    """The cover decides before the head pages: a budget's 部门概况 may say 决算 early
    ("负责编制年度预决算草案")."""
    recognition = recognise(
        [
            page(1, "2023年枣庄市财政局部门预算"),
            page(2, "目 录", "第一部分 部门概况", "第二部分 2023年部门预算表"),
            page(3, "第一部分", "部门概况", "（三）负责编制年度预决算草案并组织执行"),
        ]
    )
    read = (recognition.document_kind, recognition.unit_name, recognition.fiscal_year)
    assert read == ("预算", "枣庄市财政局", 2023)


@pytest.mark.parametrize(
    ("line", "number"),
    [
        ("表一", 1),
        ("表十二 2026年市级一般性项目绩效目标表", 12),
        ("表1 2026年部门综合预算收支总表", 1),  # "表12026年…" once squashed
        ("表 5", 5),
        ("公开表11项目支出预算情况表", 11),
        ("公开01表", 1),
        ("预算表12 项目支出绩效目标表", 12),
        ("单位预算表10 2026年预算单位财政拨款项目支出预算表", 10),
        ("收支总表", None),
        ("表格部分", None),
    ],
)
def test_a_label_number_is_read_from_the_line_it_starts(line, number):
    assert label_number(line) == number


def _numbered(number: int, label: str, title: str) -> PageText:
    return page(number, label, title, "201 一般公共服务支出 1,234.56")


CHONGQING_TITLES = [
    ("表一", "2026年部门收支总体情况表"),
    ("表二", "2026年部门收入总体情况表"),
    ("表三", "2026年部门支出总体情况表"),
    ("表四", "2026年财政拨款收支总体情况表"),
    ("表五", "2026年一般公共预算支出情况表"),
    ("表六", "2026年一般公共预算基本支出情况表"),
    ("表七", "2026年政府性基金预算支出情况表"),
    ("表八", "2026年财政拨款“三公”经费支出情况表"),
]
STANDARD = ("B01", "B02", "B03", "B04", "B05", "B06", "B07", "B08", "B09")


def test_numbering_without_a_gap_leaves_out_a_table_the_template_lacks():
    """Chongqing numbers 表一…表八 and then 表九 政府采购预算明细表: no 国有资本经营预算
    支出表 in its template. A 表九 that opens no located table (perhaps the one sought,
    under a title not understood) leaves it expected: missing."""
    pages = [_numbered(i, label, title) for i, (label, title) in enumerate(CHONGQING_TITLES, 1)]
    procurement = _numbered(9, "表九", "2026年政府采购预算明细表")
    located = locate_tables([*pages, procurement], BUDGET_TABLE_SET)
    assert budget_left_out_by_numbering([*pages, procurement], located, STANDARD) == {"B09"}
    unknown = _numbered(9, "表九", "2026年国资收益安排表")  # no title understood
    located = locate_tables([*pages, unknown], BUDGET_TABLE_SET)
    assert budget_left_out_by_numbering([*pages, unknown], located, STANDARD) == set()
    gap = [p for p in pages if p.number != 5]
    located = locate_tables(gap, BUDGET_TABLE_SET)
    assert budget_left_out_by_numbering(gap, located, STANDARD) == set()
