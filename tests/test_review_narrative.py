"""The narrative's words against its figures (issue 12, items 1, 4, 5), on constructed lines.

The sentences are real ones (上海市普陀区财政局 2024, 枣庄市人民政府办公室 2020), wrapped over
lines as a PDF prints them; each finding must carry the page and box of its sentence.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest

import pipelines.domain.narrative as narrative_domain
from pipelines.domain.narrative import find_figures, pattern_table
from pipelines.quality.catalogue import CHECKS
from pipelines.quality.checks import check_document, prior_documents
from pipelines.quality.document import TABLE_IDS, Document, NarrativeFigure, Table
from pipelines.quality.gx import validate_outcomes
from pipelines.quality.narrative_statements import budget_statements, narrative_lines
from pipelines.quality.outcomes import Outcome
from pipelines.quality.text import FoldedText, PageLine
from tests.test_quality_rules import make_table

D = Decimal
PAGE = 22
WIDTH = 24  # characters per printed line: sentences wrap anywhere, as in a PDF


def lines_of(text: str, page: int = PAGE, first_line: int = 1) -> list[PageLine]:
    """`text` printed from the top of `page`: each paragraph ("\n") on new lines, WIDTH
    characters a line."""
    chunks = [
        paragraph[i : i + WIDTH]
        for paragraph in text.split("\n")
        for i in range(0, len(paragraph), WIDTH)
    ]
    return [
        PageLine(page, first_line + n, chunk, (72.0, 760.0 - 20 * n, 520.0, 775.0 - 20 * n))
        for n, chunk in enumerate(chunks)
    ]


def document(*tables: Table, text: str = "", prior_text: str | None = None, **kwargs) -> Document:
    by_id = {table.table_id: table for table in tables}
    all_tables = {t: by_id.get(t, Table(t, "missing", None, None)) for t in TABLE_IDS}
    heading = lines_of("第三部分 单位决算情况说明", page=PAGE - 1)
    return Document(
        kwargs.get("document_id", "doc"),
        "unit",
        "某单位",
        kwargs.get("year", 2024),
        all_tables,
        kwargs.get("narrative", {}),
        tuple(heading + lines_of(text)),
    )


def outcomes(doc: Document, prior: Document | None = None) -> list[Outcome]:
    found = check_document(doc, prior=prior)
    validate_outcomes(found, "unit-test")
    return found


def of(found: list[Outcome], check: str) -> list[Outcome]:
    return [o for o in found if o.check_name == check]


T05_ROWS = [
    ("201", "一般公共服务支出", {"合计": "2,106.66"}),
    ("20106", "财政事务", {"合计": "2,106.66"}),
    ("2010601", "行政运行", {"合计": "1,511.89"}),
    ("2010602", "一般行政管理事务", {"合计": "10.00"}),
    (None, "合计", {"合计": "2,940.05"}),
]
ITEM_ONE = (
    "五、一般公共预算财政拨款支出决算情况说明\n（三）一般公共预算财政拨款支出决算具体情况\n"
    "一般公共预算财政拨款支出年初预算为2993.92万元，支出决算为2940.05万元，完"
    "成年初预算的98.20%。决算数小于预算数的主要原因：因年度工作计划安排，个别信"
    "息化项目和中介机构服务调减。其中：\n1、一般公共服务支出（类）财政事务（款）行政运行"
    "（项）。主要用于：局本部人员经费及公用经费等的基本支出。年初预算为 1560.05 万元，"
    "支出决算为1511.89万元。 决算数{words}预算数的主要原因：{reason}"
    "\n2、一般公共服务支出（类）财政事务（款）一般行政管理事务（项）。主要用于：局财政业务"
    "指导与宣传等基本支出。年初预算为 10.00 万元，支出决算为10.00万元。决算数与预算"
    "数基本持平。"
)


def putuo(words: str = "小于", reason: str = "人员进出及退休变化，减少人员经费开支。") -> str:
    return ITEM_ONE.replace("{words}", words).replace("{reason}", reason)


def test_the_items_are_read_whole_across_lines() -> None:
    text = FoldedText.of(lines_of(putuo()))
    total, first, second = budget_statements(text)
    assert (total.budget.amount, total.final.amount, total.rate) == (
        D("2993.92"),
        D("2940.05"),
        total.rate,
    )
    assert total.rate is not None and total.rate.digits == "98.20"
    assert first.path == ("一般公共服务支出", "财政事务", "行政运行")
    assert (first.relation, first.reason) == ("<", "人员进出及退休变化,减少人员经费开支")
    assert (second.relation, second.final.amount) == ("~", D("10.00"))
    assert {s.table for s in (total, first, second)} == {"T05"}


def test_the_final_is_the_t05_row_of_its_subject_at_the_sentence() -> None:
    good = outcomes(document(make_table("T05", T05_ROWS), text=putuo()))
    finals = {o.location: o for o in of(good, "narrative_final_vs_table")}
    assert set(finals) == {"合计", "2010601", "2010602"}
    assert {o.severity for o in finals.values()} == {"info"}
    assert finals["2010601"].compared_table == "T05"
    rows = [
        (code, label, {"合计": "1,511.98" if code == "2010601" else cells["合计"]})
        for code, label, cells in T05_ROWS
    ]
    found = outcomes(document(make_table("T05", rows), text=putuo()))
    bad = {o.location: o for o in of(found, "narrative_final_vs_table")}
    assert (bad["2010601"].severity, bad["2010602"].severity) == ("error", "info")
    # at the sentence: its page, and a box within the narrative's lines
    assert bad["2010601"].source_page == PAGE and bad["2010601"].box is not None


def test_words_that_contradict_the_figures_are_errors() -> None:
    def words(text: str) -> dict[str, str]:
        found = outcomes(document(make_table("T05", T05_ROWS), text=text))
        return {o.location: o.severity for o in of(found, "narrative_budget_words")}

    assert words(putuo("小于")) == {"合计": "info", "2010601": "info", "2010602": "info"}
    # 1511.89 against a budget of 1560.05: neither 大于 nor 等于
    assert words(putuo("大于"))["2010601"] == "error"
    assert words(putuo("等于"))["2010601"] == "error"
    # 10.00 against 10.00 said to be larger
    said_larger = putuo().replace("决算数与预算数基本持平", "决算数大于预算数")
    assert words(said_larger)["2010602"] == "error"


@pytest.mark.parametrize(
    ("budget", "final", "verdict"),
    [("482.34", "480.53", "info"), ("482.34", "380.53", "error"), ("10.00", "10.00", "info")],
)
def test_level_means_within_the_tables_share_of_the_budget(budget, final, verdict) -> None:
    text = (
        "五、一般公共预算财政拨款支出决算情况说明\n4、一般公共服务支出（类）"
        "政府办公厅（室）及相关机构事务（款）事业运行（项）。"
        f"年初预算为 {budget} 万元，支出决算为 {final} 万元，与本年预算数基本持平。"
    )
    (words,) = of(outcomes(document(text=text)), "narrative_budget_words")
    assert words.severity == verdict
    assert pattern_table()["budget"]["level_share"] == 0.05


def test_a_difference_without_a_reason_is_an_error_and_an_empty_one_a_leftover() -> None:
    found = outcomes(document(make_table("T05", T05_ROWS), text=putuo(reason="")))
    (reason,) = [o for o in of(found, "narrative_budget_reason") if o.location == "2010601"]
    assert reason.severity == "error" and "没有说明原因" in reason.message()
    found = outcomes(document(make_table("T05", T05_ROWS), text=putuo(reason="。")))
    (reason,) = [o for o in of(found, "narrative_budget_reason") if o.location == "2010601"]
    assert reason.severity == "error"
    assert [o.location for o in of(found, "narrative_template_leftover")] == ["主要原因:。"]
    # equal figures need no reason
    assert not [o for o in of(found, "narrative_budget_reason") if o.location == "2010602"]


# 枣庄 2020: the rate printed to two decimals against a budget printed without any
ZAOZHUANG = (
    "五、一般公共预算财政拨款支出决算情况说明\n（三）一般公共预算财政拨款支出决算具体情况\n"
    "2020 年度一般公共预算财政拨款支出年初预算为 2580 万元，支出决算为 3227.33 万元，"
    "完成年初预算的 {rate}%。决算数大于年初预算数的主要原因是年度内增加业务类专项支出等。其中："
    "\n9、社会保障和就业支出（类）抚恤（款）死亡抚恤（项）。年初预算为 0 万元，支出决算为 26.68 "
    "万元，年初无预算。决算数大于年初预算数的主要原因是本年度有 2 名离退休人员去世。"
)


# 2580 is printed without decimals: the true budget may be 2579.5-2580.5, the rate 125.08-125.10
@pytest.mark.parametrize(
    ("rate", "verdict"),
    [("125.09", "info"), ("125.1", "info"), ("125.08", "rounding"), ("125.9", "error")],
)
def test_the_completion_rate_is_final_over_budget_within_its_precision(rate, verdict) -> None:
    found = outcomes(document(text=ZAOZHUANG.replace("{rate}", rate)))
    (outcome,) = of(found, "narrative_budget_rate")
    assert outcome.severity == verdict
    # 年初无预算 is a final larger than a budget of 0, with its reason: no rate to check
    words = {o.location: o.severity for o in of(found, "narrative_budget_words")}
    assert words == {"合计": "info", "死亡抚恤": "info"}


CHANGE = (
    "一、收入支出决算总体情况说明\n上海市普陀区财政局2024年度收入支出总计2995.39万元。"
    "与2023年度相比，收入支出总计减少56.95万元，下降{rate}%。主要原因：基本支出中人员进出及退休变化。"
)


def t01(grand: str, unit: str = "万元") -> Table:
    return make_table(
        "T01",
        [
            (None, "本年收入合计", {"决算数": grand}, "收入"),
            (None, "总计", {"决算数": grand}, "收入"),
            (None, "本年支出合计", {"决算数": grand}, "支出"),
            (None, "总计", {"决算数": grand}, "支出"),
        ],
        unit=unit,
    )


# 56.95 ÷ (2995.39 + 56.95) = 1.8658%: 1.87 or 1.9 as printed; 1.86 is no rounding of it
@pytest.mark.parametrize(
    ("rate", "verdict"), [("1.87", "info"), ("1.9", "info"), ("1.86", "error"), ("1.97", "error")]
)
def test_a_change_rate_is_the_change_over_the_previous_figure(rate, verdict) -> None:
    (outcome,) = of(
        outcomes(document(text=CHANGE.replace("{rate}", rate))), "narrative_change_rate"
    )
    assert (outcome.location, outcome.severity) == ("收入支出总计", verdict)


def test_growth_from_nothing_has_no_rate_to_check() -> None:
    text = (
        "机关运行经费支出 10.23 万元，比 2023 年度增加 10.23 万元，增长 100.00%。"
        "主要原因是单位于 2024 年成立。"
    )
    assert not of(outcomes(document(text=text)), "narrative_change_rate")


@pytest.mark.parametrize(
    ("prior_total", "unit", "verdict"),
    [("3,052.34", "万元", "info"), ("3,052.00", "万元", "error"), ("30523400.00", "元", None)],
)
def test_the_change_against_the_previous_years_document(prior_total, unit, verdict) -> None:
    prior = document(t01(prior_total, unit), year=2023, document_id="prior")
    found = of(
        outcomes(document(text=CHANGE.replace("{rate}", "1.87")), prior=prior),
        "narrative_change_prior_year",
    )
    # a previous year printed in another unit is not compared (its rounding differs)
    assert [o.severity for o in found] == ([] if verdict is None else [verdict])
    if verdict == "error":
        assert found[0].expected == D("3052.00") and found[0].observed == D("3052.34")


SHARES = (
    "（二）一般公共预算财政拨款支出决算结构情况\n"
    "一般公共预算财政拨款支出307.82 万元，主要用于以下方面："
    "一般公共服务支出（类）264.87 万元，占86.05%；社会保障和就业支出（类）10.82 万元，占3.52%；"
    "卫生健康支出（类）2.71 万元，占0.88%；住房保障支出（类）29.42 万元，占{last}%。"
)


def test_shares_printed_to_make_100_percent_carry_the_lists_rounding() -> None:
    # 29.42 ÷ 307.82 = 9.5575%: printed 9.55 so that the four make 100.00%
    shares = of(outcomes(document(text=SHARES.replace("{last}", "9.55"))), "narrative_share")
    assert len(shares) == 4 and {o.severity for o in shares} <= {"info", "rounding"}
    # not balanced, and wrong: 住房保障 at 9.65% (the list then makes 100.10%)
    shares = of(outcomes(document(text=SHARES.replace("{last}", "9.65"))), "narrative_share")
    assert [o.location for o in shares if o.severity == "error"] == ["住房保障支出(类)"]


def test_class_amounts_of_the_structure_restate_t05() -> None:
    rows = [
        ("201", "一般公共服务支出", {"合计": "264.87"}),
        ("208", "社会保障和就业支出", {"合计": "10.82"}),
        ("210", "卫生健康支出", {"合计": "2.71"}),
        ("221", "住房保障支出", {"合计": "29.24"}),
    ]
    found = outcomes(document(make_table("T05", rows), text=SHARES.replace("{last}", "9.55")))
    restated = {o.location: o.severity for o in of(found, "narrative_matches_tables")}
    assert restated == {"201": "info", "208": "info", "210": "info", "221": "error"}


def test_template_leftovers_are_info_at_their_place() -> None:
    text = (
        "与 2023 年度相比，收入支出总计增加（减少）56.95 万元，增长（下降）1.87%。主要原因是。"
        "其他收入6.2万元。。（如持平作持平表述）"
    )
    found = of(outcomes(document(text=text)), "narrative_template_leftover")
    assert [o.location for o in found] == [
        "增加(减少)",
        "增长(下降)",
        "主要原因是。",
        "。。",
        "(如持平作持平表述)",
    ]
    assert {o.severity for o in found} == {"info"}
    assert all(o.source_page == PAGE and o.box is not None for o in found)
    assert CHECKS["narrative_template_leftover"].failure_severity == "info"


def test_the_narrative_is_the_third_part_after_the_tables() -> None:
    contents = lines_of("第三部分 情况说明 五、一般公共预算财政拨款支出决算情况说明", page=2)
    body = lines_of("第三部分 情况说明", page=20) + lines_of("第四部分 名词解释", page=23)
    footer = [PageLine(20, 99, "- 20 -", (290.0, 20.0, 310.0, 30.0))]
    selected = narrative_lines(contents + body + footer, after_page=19)
    assert [line.page for line in selected] == [20]


def test_adding_a_figure_is_one_line_of_the_table(tmp_path, monkeypatch) -> None:
    extended = tmp_path / "patterns.toml"
    text = narrative_domain.PATTERNS_FILE.read_text(encoding="utf-8")
    line = (
        '  { name = "绩效自评资金", table = "", reads = "", label = "", '
        "patterns = ['涉及预算资金{X}'] },\n"
    )
    text = text.replace("figures = [\n", "figures = [\n" + line, 1)
    extended.write_text(text, encoding="utf-8")
    monkeypatch.setattr(narrative_domain, "PATTERNS_FILE", extended)
    narrative_domain.pattern_table.cache_clear()
    narrative_domain.figure_specs.cache_clear()
    try:
        found = find_figures("涵盖项目26个,涉及预算资金636万元,占单位预算项目支出总额的100%")
    finally:
        narrative_domain.pattern_table.cache_clear()
        narrative_domain.figure_specs.cache_clear()
    assert [(f.name, f.amount) for f in found] == [("绩效自评资金", D(636))]


VEHICLES = (
    "（三）国有资产占用情况\n截至 2020 年 12 月 31 日，本单位共有车辆 {total} 辆，其中，"
    "符合规定领导干部用车 0 辆、机要通信用车 0 辆、应急保障用车 0 辆、执法执勤用车 0 辆、"
    "特种专业技术用车 0 辆、离退休干部用车 0 辆、其他用车 6 辆，其他用车主要是驻北京办事处"
    "和驻济南办事处各有 3 辆其他用车；单位价值 50 万元以上通用设备 1 台（套）。"
)


@pytest.mark.parametrize(("total", "verdict"), [("6", "info"), ("7", "error")])
def test_the_vehicles_are_the_sum_of_their_kinds(total, verdict) -> None:
    # the 3 辆 of the explanation after the list are not one of its kinds
    (outcome,) = of(
        outcomes(document(text=VEHICLES.replace("{total}", total))), "narrative_vehicle_count"
    )
    assert (outcome.severity, outcome.expected) == (verdict, D(6))


# 枣庄 2020 七(二), as printed: the 三公 items with their 团组 / 批次 / 人次
VISITS = (
    "七、一般公共预算财政拨款“三公”经费支出决算情况说明\n（二）“三公”经费支出决算具体情况\n"
    "1、因公出国（境）费年初预算为 0 万元，支出决算为 {abroad_fee} 万元。全年支出涉及因公出国"
    "（境）团组 {groups} 个，累计 {travellers} 人次。\n"
    "3、公务接待费年初预算为 116.93 万元，支出决算为 10.85 万元，比年初预算减少 106.08 万元，"
    "完成年初预算的 9.28%。决算数小于年初预算数的主要原因是一是进一步压减公务接待费支出；"
    "二是受疫情影响公务接待费支出大幅减少。其中：\n国内接待费 10.85 万元，主要用于上级部门检查"
    "指导工作、外地市学习交流等，共计接待 {batches} 批次，{visitors} 人次（含外事接待 "
    "{foreign_batches} 批次、{foreign_visitors} 人次）；\n国（境）外接待费 0 万元，共计接待 "
    "{abroad_batches} 批次，{abroad_visitors} 人次。"
)
SEED_VISITS = {
    "abroad_fee": "0",
    "groups": "0",
    "travellers": "0",
    "batches": "59",
    "visitors": "381",
    "foreign_batches": "2",
    "foreign_visitors": "13",
    "abroad_batches": "0",
    "abroad_visitors": "0",
}


def visits(**changed: str) -> str:
    text = VISITS
    for key, value in {**SEED_VISITS, **changed}.items():
        text = text.replace("{" + key + "}", value)
    return text


def visit_outcomes(**changed: str) -> dict[str, Outcome]:
    found = of(outcomes(document(text=visits(**changed))), "narrative_visit_counts")
    by_location = {o.location: o for o in found}
    assert len(by_location) == len(found)
    return by_location


def test_the_visit_counts_are_read_whole_across_lines() -> None:
    from pipelines.quality.narrative_statements import visit_counts

    lines = lines_of(visits())
    abroad, domestic, foreign = visit_counts(FoldedText.of(lines))
    assert (abroad.what, abroad.groups.printed, abroad.persons.printed) == (
        "因公出国（境）",
        "0个",
        "0人次",
    )
    assert (domestic.groups.number, domestic.persons.number) == (59, 381)
    # the item each count is of: the 接待费 its sentence names
    assert (domestic.what, foreign.what) == ("国内接待", "国（境）外接待")
    assert domestic.part == "外事接待"
    assert domestic.part_groups is not None and domestic.part_persons is not None
    assert (domestic.part_groups.number, domestic.part_persons.number) == (2, 13)
    # "外事接待 2 批次" is the domestic count's part, not a count of its own
    assert (foreign.groups.number, foreign.persons.number, foreign.part) == (0, 0, None)
    # the sentence wraps: its box is the union of the lines it is printed on
    spanned = [line for line in lines if line.box[3] <= 775.0]
    first = next(i for i, line in enumerate(lines) if "共计接待" in line.text)
    assert domestic.place.page == PAGE
    assert domestic.place.box[3] == spanned[first].box[3]
    assert domestic.place.box[1] < spanned[first].box[1]  # on to the next line


def test_a_printed_number_split_over_two_lines_is_read_whole() -> None:
    from pipelines.quality.narrative_statements import visit_counts

    lines = [
        PageLine(
            PAGE, 1, "国内接待费 10.85 万元，共计接待 59 批次，3", (72.0, 700.0, 520.0, 712.0)
        ),
        PageLine(PAGE, 2, "81 人次（含外事接待 2 批次、13 人次）；", (72.0, 680.0, 400.0, 692.0)),
    ]
    (visit,) = visit_counts(FoldedText.of(lines))
    assert (visit.persons.number, visit.place.box) == (381, (72.0, 680.0, 520.0, 712.0))


def test_the_seed_visit_counts_hold() -> None:
    found = visit_outcomes()
    # 出国 0 个 / 0 人次 and 国（境）外 0 批次 / 0 人次 state no person: nothing to compare
    assert set(found) == {
        "国内接待批次与人次",
        "国内接待其中外事接待批次",
        "国内接待其中外事接待人次",
        "国内接待其中外事接待批次与人次",
    }
    assert {o.severity for o in found.values()} == {"info"}
    assert all(o.source_page == PAGE and o.box is not None for o in found.values())


@pytest.mark.parametrize(
    ("changed", "location", "message"),
    [
        # a contained count above its total
        (
            {"foreign_batches": "60", "foreign_visitors": "300"},
            "国内接待其中外事接待批次",
            "共计批次数 59批次 < 其中外事接待批次数 60批次",
        ),
        (
            {"foreign_visitors": "400"},
            "国内接待其中外事接待人次",
            "共计人次数 381人次 < 其中外事接待人次数 400人次",
        ),
        # more batches or groups than persons
        ({"visitors": "40"}, "国内接待批次与人次", "人次数 40人次 < 批次数 59批次"),
        (
            {"foreign_visitors": "1"},
            "国内接待其中外事接待批次与人次",
            "人次数 1人次 < 其中外事接待批次数 2批次",
        ),
        (
            {"groups": "3", "travellers": "2"},
            "因公出国（境）团组与人次",
            "人次数 2人次 < 团组数 3个",
        ),
    ],
)
def test_a_count_that_cannot_be_is_an_error_at_its_sentence(changed, location, message) -> None:
    found = visit_outcomes(**changed)
    errors = {name: o for name, o in found.items() if o.severity == "error"}
    assert set(errors) == {location}
    outcome = errors[location]
    assert message in outcome.message()
    assert outcome.source_page == PAGE and outcome.box is not None


@pytest.mark.parametrize(
    "changed",
    [
        # a fee with no trip this year (paid for an earlier one), trips paid from other funds
        # than 财政拨款 (T07 holds those only): amounts and counts are not compared
        {"abroad_fee": "3.2"},
        {"groups": "1", "travellers": "4"},
        {"abroad_batches": "3", "abroad_visitors": "12"},
        # groups beside 0 persons: left alone
        {"groups": "1", "travellers": "0"},
        {"batches": "59", "visitors": "0", "foreign_batches": "0", "foreign_visitors": "0"},
    ],
)
def test_what_a_correct_document_may_print_is_no_finding(changed) -> None:
    found = visit_outcomes(**changed)
    assert {o.severity for o in found.values()} <= {"info"}


def test_the_small_business_share_is_of_the_procurement_total() -> None:
    text = (
        "（二）政府采购支出情况\n2020 年度政府采购支出总额 826.69 万元，其中："
        "政府采购货物支出 83.46 万元、政府采购工程支出 55 万元、政府采购服务支出 688.23 万元。"
        "授予中小企业合同金额 82.67 万元，占政府采购支出总额的 {share}%。"
    )
    procurement = {
        "政府采购总额": NarrativeFigure(
            "政府采购总额", D("826.69"), PAGE, "政府采购支出总额826.69万元", "万元", 2
        )
    }
    for share, verdict in (("10", "info"), ("1", "error")):
        found = outcomes(document(text=text.replace("{share}", share), narrative=procurement))
        (outcome,) = of(found, "narrative_share")
        assert (outcome.location, outcome.severity) == ("授予中小企业合同金额", verdict)


def test_each_document_is_given_its_units_previous_year() -> None:
    def dated(document_id: str, unit: str, year: int) -> Document:
        return replace(document(document_id=document_id, year=year), unit_id=unit)

    a2023, a2024, b2024 = dated("a23", "A", 2023), dated("a24", "A", 2024), dated("b24", "B", 2024)
    priors = prior_documents([a2024, b2024, a2023])
    assert {key: prior.document_id for key, prior in priors.items()} == {"a24": "a23"}


def test_a_comparison_with_an_erring_previous_year_is_review_not_this_documents_error():
    from pipelines.quality.engine import OTHER_DOCUMENT_ERRING, attribute_across_documents
    from pipelines.quality.outcomes import ERROR, REVIEW, Outcome

    def outcome(check: str, document: str, other: str | None = None) -> Outcome:
        made = Outcome(check, document, None, 3, "本年支出合计", other_document_id=other)
        made.passed, made.severity = False, ERROR
        return made

    prior_error = outcome("t03_row_total", "prior")
    against_erring = outcome("narrative_change_prior_year", "this", other="prior")
    against_sound = outcome("narrative_change_prior_year", "this", other="sound-prior")
    attribute_across_documents([prior_error, against_erring, against_sound])
    assert against_erring.severity == REVIEW
    assert OTHER_DOCUMENT_ERRING in against_erring.message()
    assert against_sound.severity == ERROR
    assert prior_error.severity == ERROR


@pytest.mark.parametrize("line", ["19", " - 19 - ", "第 19 页", "19/30", "—7—"])
def test_a_page_number_alone_is_a_folio(line: str) -> None:
    from pipelines.domain.text import is_folio

    assert is_folio(line)


@pytest.mark.parametrize("line", ["2024", "19万元", "第三部分", "（19）", ""])
def test_words_a_year_or_an_amount_are_no_folio(line: str) -> None:
    from pipelines.domain.text import is_folio

    assert not is_folio(line)


def test_a_sentence_running_over_a_page_break_skips_the_page_numbers() -> None:
    # A LibreOffice Calc export: "支出决算为0" ends page 19 above its folio, "万元。" opens
    # page 20 below its own (pdfium may give the folio first).
    box = (70.0, 80.0, 460.0, 90.0)
    lines = [
        PageLine(19, 1, "“三公”经费支出年初预算为0万元，支出决算为0", box),
        PageLine(19, 2, "19", box),
        PageLine(20, 1, "20", box),
        PageLine(20, 2, "万元。", box),
    ]
    assert FoldedText.of(lines).text == "三公经费支出年初预算为0万元,支出决算为0万元。"


def test_the_restated_figures_skip_the_page_numbers_between_pages() -> None:
    from pipelines.extract.narrative import extract_narrative
    from pipelines.extract.pdf_text import PageText

    pages = [
        PageText(
            1, 595.0, 842.0, "第三部分 情况说明\n“三公”经费支出年初预算为0万元，支出决算为0\n19", ()
        ),
        PageText(2, 595.0, 842.0, "20\n万元。", ()),
    ]
    figures = {f.figure: f.amount for f in extract_narrative(pages, after_page=0)}
    assert figures["三公经费决算数"] == Decimal(0)
