"""The narrative checks on real disclosures: ../shared/corpus/real and the 枣庄 2020 seed text.

No false `error` on the real documents. The 上海市普陀区财政局 2024 disclosure has two true
narrative errors: "财政拨款收入支出总计0.3万元" against T04 (2,961.68), and on page 21
"一般公共服务支出（类）2106.66万元，占71.73%" (2106.66 ÷ 2940.05 = 71.65%; its four printed
shares add up to 100.07%). Skipped when ../shared is absent.
"""

from __future__ import annotations

import re
from collections import Counter

import pytest

from pipelines.extract.document import page_lines
from pipelines.extract.pdf_text import open_pdf, read_pages
from pipelines.quality.narrative_statements import budget_statements, leftovers
from pipelines.quality.outcomes import Outcome
from pipelines.quality.text import FoldedText, PageLine
from tests.review_narrative_support import checked

FINANCE = "shanghai_putuo_finance_bureau_2024_final.pdf"
SOCIAL_WORK = "shanghai_putuo_social_work_dept_2024_final.pdf"
TEMPLATE = "template_dept_final_2024_empty.pdf"


def narrative_outcomes(outcomes: list[Outcome]) -> list[Outcome]:
    return [o for o in outcomes if o.check_name.startswith("narrative_")]


def errors(outcomes: list[Outcome]) -> set[tuple[str, str | None, int | None]]:
    return {
        (o.check_name, o.location, o.source_page)
        for o in narrative_outcomes(outcomes)
        if o.severity == "error"
    }


@pytest.mark.real_corpus
def test_finance_bureau_two_true_errors_and_every_item_checked(real_corpus) -> None:
    _, outcomes = checked(real_corpus / FINANCE)
    assert errors(outcomes) == {
        ("narrative_matches_tables", "财政拨款收入支出总计", 21),
        ("narrative_share", "一般公共服务支出(类)", 21),
    }
    checked_once = Counter(o.check_name for o in narrative_outcomes(outcomes))
    # 五(三): the total and its 11 项, each against T05; 七: the 三公 total against T07
    assert checked_once["narrative_final_vs_table"] == 13
    assert checked_once["narrative_budget_words"] == 13
    # the three year-over-year changes (收入支出总计, 一般公共预算财政拨款支出, 机关运行经费)
    assert checked_once["narrative_change_rate"] == 3
    leftovers = [o for o in outcomes if o.check_name == "narrative_template_leftover"]
    assert [(o.location, o.passed) for o in leftovers] == [(None, True)]  # read, none found
    # every finding of the sentences is at its box on its page
    sentences = [
        o
        for o in narrative_outcomes(outcomes)
        if o.check_name != "narrative_matches_tables" and o.location is not None
    ]
    assert sentences
    assert all(o.source_page is not None and o.box is not None for o in sentences)


# A printed line of punctuation only: raw.page_lines split a sentence's kerned punctuation
# off its line ("0.49万元" read "0 49万元" + a line ". 。 ："), a fault of the line reader
# (pipelines.extract.layout.reading_lines) that the narrative checks cannot see past.
_PUNCTUATION_ONLY = re.compile(r"^[\s.。，,、；;：:]+$")


@pytest.mark.real_corpus
def test_social_work_department_no_false_error(real_corpus) -> None:
    document, outcomes = checked(real_corpus / SOCIAL_WORK)
    if any(_PUNCTUATION_ONLY.match(line.text) for line in document.lines):
        pytest.xfail("raw.page_lines splits punctuation off its line on this PDF (line reader)")
    # 住房保障支出（类）29.42 ÷ 307.82 = 9.5575%, printed 9.55% so that the four shares make
    # 100.00%: the list's rounding, not an error
    assert errors(outcomes) == set()
    shares = {o.location: o.severity for o in outcomes if o.check_name == "narrative_share"}
    assert shares["住房保障支出(类)"] == "rounding"
    # 2101101: "决算数小于全年预算数", 2.22 against 2.23: the words are right
    words = {o.location: o.severity for o in outcomes if o.check_name == "narrative_budget_words"}
    assert words["2101101"] == "info"
    # growth from a department founded in 2024 ("增长 100.00%" from nothing): no rate to check
    assert not [o for o in outcomes if o.check_name == "narrative_change_rate"]
    # the template's instruction left under the empty T08/T09 (pages 15, 16), at info
    leftovers = [o for o in outcomes if o.check_name == "narrative_template_leftover"]
    assert [(o.location, o.source_page, o.severity) for o in leftovers] == [
        ("仍保留该表格式,并在本表下方作下述说明", 15, "info"),
        ("仍保留该表格式,并在本表下方作下述说明", 16, "info"),
    ]


@pytest.mark.real_corpus
def test_the_empty_templates_instructions_are_leftovers(real_corpus) -> None:
    """The template itself is rejected at extraction (its unit is "上海市XX局"); its
    instructions are what a filled-in copy must not keep."""
    pages = read_pages(open_pdf(real_corpus / TEMPLATE))
    lines = [PageLine(ln.page, ln.line_number, ln.text, ln.box) for ln in page_lines(pages)]
    found = leftovers(lines)
    kinds = {leftover.text for leftover in found}
    assert {
        "增加(减少)",
        "增长(下降)",
        "大于(小于)",
        "(如持平作持平表述)",
        "按上述格式依次说明",
    } <= kinds
    # each where it is printed: the 情况说明 of the template is on pages 15-20
    assert {leftover.place.page for leftover in found if leftover.text == "大于(小于)"} <= set(
        range(15, 21)
    )


def test_the_seed_budget_items_read_as_printed(seed_text) -> None:
    """枣庄 2020 五(三), as printed: the total and 13 项 with their rates, words and reasons."""
    # the body's section (the contents list the same headings first)
    start = seed_text.rindex("（三）一般公共预算财政拨款支出决算具体情况")
    end = seed_text.index("六、一般公共预算财政拨款基本支出决算情况说明", start)
    heading = "五、一般公共预算财政拨款支出决算情况说明"
    paragraphs = [heading] + [p for p in seed_text[start:end].splitlines() if p.strip()]
    lines = [
        PageLine(15, number, text, (72.0, 700.0 - 14 * number, 520.0, 712.0 - 14 * number))
        for number, text in enumerate(paragraphs, start=1)
    ]
    statements = budget_statements(FoldedText.of(lines))
    assert len(statements) == 14
    total, *items = statements
    assert (total.budget.digits, total.final.digits, total.relation) == ("2580", "3227.33", ">")
    assert [s.path[2] for s in items if s.path] == [
        "行政运行",
        "一般行政管理事务",
        "专项服务",
        "事业运行",
        "其他政府办公厅(室)及相关机构事务支出",
        "培训支出",
        "机关事业单位基本养老保险缴费支出",
        "机关事业单位职业年金缴费支出",
        "死亡抚恤",
        "行政单位医疗",
        "事业单位医疗",
        "公务员医疗补助",
        "住房公积金",
    ]
    relations = [s.relation for s in items]
    assert relations == [">", ">", "~", "~", ">", "<", "~", "~", ">", "~", "~", "~", "<"]
    # every differing item gives its reason; 事业运行 (99.62%) is 基本持平, without one
    assert all(s.reason for s in items if s.relation in (">", "<"))
    assert items[3].rate is not None and items[3].rate.digits == "99.62"
