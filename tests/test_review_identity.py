"""The document-identity checks (pipelines/quality/rules_identity.py) on constructed lines.

One clean department disclosure, printed as lines, and copies of it each carrying one
planted problem. Every copy is checked and decided by the document_identity suite in one
Great Expectations validation; each test reads its copy's findings.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from pipelines.quality.catalogue import DOCUMENT_IDENTITY, check_ids
from pipelines.quality.checks import check_document
from pipelines.quality.document import TABLE_IDS, Document, PageLine, Table
from pipelines.quality.gx import validate_outcomes
from pipelines.quality.outcomes import ERROR, REVIEW, Collector, Outcome
from pipelines.quality.rules_identity import identity_patterns, identity_rules

UNIT = "上海市普陀区测试局"
IDENTITY_CHECKS = set(check_ids(DOCUMENT_IDENTITY))
TITLES = {
    "T01": "收入支出决算总表",
    "T02": "收入决算表",
    "T03": "支出决算表",
    "T04": "财政拨款收入支出决算总表",
    "T05": "一般公共预算财政拨款支出决算表",
    "T06": "一般公共预算财政拨款基本支出决算表",
    "T07": "财政拨款“三公”经费支出决算表",
    "T08": "政府性基金预算财政拨款收入支出决算表",
    "T09": "国有资本经营预算财政拨款收入支出决算表",
}
ORDINALS = "一二三四五六七八九"
NOTES = {
    "T08": f"说明：{UNIT}本年度没有政府性基金预算财政拨款收入和支出，故本表无数据。",
    "T09": f"说明：{UNIT}本年度没有国有资本经营预算财政拨款收入和支出，故本表无数据。",
}
EMPTY = ("T08", "T09")


def clean_pages() -> list[list[str]]:
    """A 部门 disclosure for 2024, page by page: cover, contents, 概况, nine tables (T08
    and T09 empty with their notes), the narrative and the glossary."""
    contents = [
        "目 录",
        f"第一部分 {UNIT}概况",
        f"第二部分 {UNIT}2024 年度部门决算表",
        *(f"{ORDINALS[i]}、{TITLES[t]}" for i, t in enumerate(TABLE_IDS)),
        f"第三部分 {UNIT}2024 年度部门决算情况说明",
        "第四部分 名词解释",
    ]
    pages = [
        [UNIT, "2024 年度部门决算", "二〇二五年八月"],
        contents,
        [
            f"第一部分 {UNIT}概况",
            "一、主要职能",
            "负责本区测试工作，完成区委、区政府交办的其他任务。",
            f"纳入{UNIT} 2024 年度部门决算编制范围的单位包括：本级。",
        ],
    ]
    for table_id in TABLE_IDS:
        page = [f"{UNIT} 2024 年度部门决算表"] if table_id == "T01" else []
        page += [TITLES[table_id], f"单位：{UNIT} 金额单位：万元", "项目 合计"]
        if table_id in EMPTY:
            page += ["合计", "注：本表反映部门本年度收支情况。", NOTES[table_id]]
        else:
            page += ["合计 100.00", "注：本表反映部门本年度收支情况。"]
        pages.append(page)
    pages.append(
        [
            f"第三部分 {UNIT}2024 年度部门决算情况说明",
            "一、收入支出决算总体情况说明",
            f"{UNIT}2024年度收入支出总计100.00万元。与2023年度相比，增加",
            "10.00万元，增长11.11%。主要原因是编报绩效目标的2024年度项目增加。",
            f"截至2024年12月31日，{UNIT}共有车辆2辆。",
        ]
    )
    pages.append(
        ["第四部分 名词解释", "一、财政拨款收入：指单位本年度从本级财政部门取得的财政拨款。"]
    )
    return pages


def lines_of(pages: list[list[str]]) -> tuple[PageLine, ...]:
    lines = []
    for number, texts in enumerate(pages, start=1):
        for index, text in enumerate(texts, start=1):
            top = 800.0 - 20 * index
            lines.append(
                PageLine(number, index, text, (72.0, top - 12, 72.0 + 12 * len(text), top))
            )
    return tuple(lines)


def document_of(
    pages: list[list[str]],
    *,
    fiscal_year: int = 2024,
    unit_level: str | None = "部门",
    tables: dict[str, Table] | None = None,
    unit_name: str = UNIT,
) -> Document:
    if tables is None:
        tables = {}
        for index, table_id in enumerate(TABLE_IDS):
            page = 4 + index
            status = "empty" if table_id in EMPTY else "extracted"
            note = NOTES[table_id].removeprefix("说明：") if table_id in EMPTY else None
            tables[table_id] = Table(table_id, status, "万元", page, (), page, note)
    return Document(
        "doc", "unit", unit_name, fiscal_year, tables, lines=lines_of(pages), unit_level=unit_level
    )


def table_page(table_id: str) -> int:
    return 4 + TABLE_IDS.index(table_id)


def edited(edit: Callable[[list[list[str]]], None]) -> list[list[str]]:
    pages = clean_pages()
    edit(pages)
    return pages


def replace(page: int, old: str, new: str) -> Callable[[list[list[str]]], None]:
    def edit(pages: list[list[str]]) -> None:
        texts = pages[page - 1]
        hits = [i for i, text in enumerate(texts) if old in text]
        assert hits, (page, old)
        texts[hits[0]] = texts[hits[0]].replace(old, new)

    return edit


def _tables_with(**changes: Table) -> dict[str, Table]:
    tables = document_of(clean_pages()).tables | changes
    return tables


def _empty(table_id: str, note: str | None = None) -> Table:
    page = table_page(table_id)
    return Table(table_id, "empty", "万元", page, (), page, note)


def _without_line(page: int, text: str) -> Callable[[list[list[str]]], None]:
    def edit(pages: list[list[str]]) -> None:
        pages[page - 1] = [t for t in pages[page - 1] if text not in t]

    return edit


VARIANTS: dict[str, Callable[[], Document]] = {
    "clean": lambda: document_of(clean_pages()),
    "clean_unit_level_unknown": lambda: document_of(clean_pages(), unit_level=None),
    # empty tables
    "t08_note_removed": lambda: document_of(
        edited(_without_line(table_page("T08"), "故本表无数据")),
        tables=_tables_with(T08=_empty("T08")),
    ),
    "t09_note_wrong_fund": lambda: document_of(
        edited(replace(table_page("T09"), "没有国有资本经营", "没有政府性基金"))
    ),
    "t08_note_naming_no_fund": lambda: document_of(
        edited(replace(table_page("T08"), NOTES["T08"], "说明：本表无数据。"))
    ),
    "t07_blank_with_amounts_printed": lambda: document_of(
        clean_pages(), tables=_tables_with(T07=_empty("T07"))
    ),
    "t07_blank": lambda: document_of(
        edited(replace(table_page("T07"), "合计 100.00", "合计")),
        tables=_tables_with(T07=_empty("T07")),
    ),
    # placeholders
    "placeholder_heading": lambda: document_of(
        edited(replace(table_page("T01"), f"{UNIT} 2024", "上海市XX局 2024"))
    ),
    "placeholder_kinds": lambda: document_of(
        edited(
            lambda pages: pages[-1].extend(
                [
                    "二、××收入：指单位的收入。",
                    "三、其他收入：指某某单位的收入。",
                    "四、X光机、MAXXIM 型设备不是占位符。",
                ]
            )
        )
    ),
    "placeholder_two_on_a_line": lambda: document_of(
        edited(lambda pages: pages[-1].append("二、××收入：指某某单位的收入。"))
    ),
    # years
    "year_in_two_headings": lambda: document_of(
        edited(
            lambda pages: (
                replace(2, "第三部分 上海市普陀区测试局2024", "第三部分 上海市普陀区测试局2023")(
                    pages
                ),
                replace(table_page("T01"), f"{UNIT} 2024", f"{UNIT} 2023")(pages),
            )
        )
    ),
    "year_as_of": lambda: document_of(edited(replace(13, "截至2024年", "截至2023年"))),
    "year_on_cover": lambda: document_of(
        edited(replace(1, "2024 年度", "2023 年度")), fiscal_year=2023
    ),
    # names
    "name_table_heading": lambda: document_of(
        edited(replace(table_page("T05"), f"单位：{UNIT}", "单位：上海市普陀区其他局"))
    ),
    "name_narrative": lambda: document_of(
        edited(replace(13, f"{UNIT}2024年度收入", "上海市普陀区其他局2024年度收入"))
    ),
    # levels
    "level_heading": lambda: document_of(
        edited(replace(13, "2024 年度部门决算情况说明", "2024 年度单位决算情况说明"))
    ),
    "level_table_note": lambda: document_of(
        edited(replace(table_page("T03"), "本表反映部门本年度", "本表反映单位本年度"))
    ),
    # contents
    "table_removed": lambda: document_of(
        edited(lambda pages: pages.__setitem__(table_page("T06") - 1, [])),
        tables=_tables_with(T06=Table("T06", "missing", None, None)),
    ),
    "contents_with_leaders": lambda: document_of(
        edited(
            lambda pages: pages.__setitem__(
                1,
                [
                    f"（{line[0]}）{line[2:]}……{n}" if line[1:2] == "、" else f"{line}......{n}"
                    for n, line in enumerate(pages[1], start=1)
                ],
            )
        )
    ),
    "contents_odd_table_name": lambda: document_of(
        edited(replace(2, "七、财政拨款“三公”经费支出决算表", "七、三公经费情况表"))
    ),
    "table_not_in_contents": lambda: document_of(edited(_without_line(2, "六、一般公共预算"))),
    "part_not_printed": lambda: document_of(edited(lambda pages: pages.pop())),
    "part_not_in_contents": lambda: document_of(
        edited(lambda pages: pages.append(["第五部分 附件", "项目支出绩效自评表"]))
    ),
    "no_lines": lambda: Document(
        "doc", "unit", UNIT, 2024, _tables_with(T08=_empty("T08")), unit_level="部门"
    ),
}


@pytest.fixture(scope="module")
def decided() -> dict[str, list[Outcome]]:
    """Every variant's identity outcomes, decided by the suite in one validation."""
    outcomes: dict[str, list[Outcome]] = {}
    for name, build in VARIANTS.items():
        document = build()
        collector = Collector(document)
        identity_rules(collector, document)
        outcomes[name] = collector.outcomes
    validate_outcomes([o for found in outcomes.values() for o in found], "test")
    return outcomes


def findings(decided: dict[str, list[Outcome]], variant: str) -> list[Outcome]:
    return [o for o in decided[variant] if not o.passed]


def only(decided: dict[str, list[Outcome]], variant: str) -> Outcome:
    (finding,) = findings(decided, variant)
    return finding


def test_a_clean_document_gives_no_finding_and_every_check_is_recorded(decided) -> None:
    assert findings(decided, "clean") == []
    assert {o.check_name for o in decided["clean"]} == IDENTITY_CHECKS
    assert all(o.severity in ("info",) for o in decided["clean"])


def test_the_narratives_other_years_are_not_headings(decided) -> None:
    years = {o.location for o in decided["clean"] if o.check_name == "report_year"}
    assert "2023年度" not in "".join(years)  # "与2023年度相比" is narrative
    assert "截至2024年12月31日" in years


def test_every_finding_carries_its_page_and_box(decided) -> None:
    for variant in set(VARIANTS) - {"no_lines"}:  # without lines there is no box to give
        for finding in findings(decided, variant):
            assert finding.source_page is not None, (variant, finding.message())
            assert finding.box is not None, (variant, finding.message())
            x0, y0, x1, y1 = finding.box
            assert x0 < x1 and y0 < y1


def test_an_empty_table_without_its_note_is_an_error(decided) -> None:
    finding = only(decided, "t08_note_removed")
    assert (finding.check_name, finding.source_table, finding.severity) == (
        "empty_table_note",
        "T08",
        ERROR,
    )
    assert finding.source_page == table_page("T08")
    assert "没有“本表无数据”的说明" in finding.message()


def test_a_note_naming_another_fund_is_an_error(decided) -> None:
    finding = only(decided, "t09_note_wrong_fund")
    assert (finding.check_name, finding.source_table) == ("empty_table_note", "T09")
    assert "政府性基金" in finding.message() and "国有资本经营" in finding.message()


def test_a_note_naming_no_fund_is_accepted(decided) -> None:
    assert findings(decided, "t08_note_naming_no_fund") == []


def test_a_blank_table_whose_lines_print_amounts_is_for_review_not_an_error(decided) -> None:
    finding = only(decided, "t07_blank_with_amounts_printed")
    assert finding.severity == REVIEW
    assert "100.00" in finding.message()
    assert only(decided, "t07_blank").severity == ERROR


def test_placeholders_are_found_where_printed(decided) -> None:
    finding = only(decided, "placeholder_heading")
    assert (finding.check_name, finding.location) == ("placeholder_text", "XX")
    assert finding.source_page == table_page("T01")
    kinds = findings(decided, "placeholder_kinds")
    assert sorted(f.location for f in kinds) == ["××", "某某"]  # not "X光机", not MAXXIM
    # one finding per line, however many placeholders it holds
    assert len(findings(decided, "placeholder_two_on_a_line")) == 1


def test_a_wrong_year_in_headings_is_found_at_each(decided) -> None:
    found = findings(decided, "year_in_two_headings")
    assert {(f.check_name, f.source_page, f.location) for f in found} == {
        ("report_year", 2, "2023年度"),
        ("report_year", table_page("T01"), "2023年度"),
    }
    finding = only(decided, "year_as_of")
    assert (finding.source_page, finding.location) == (13, "截至2023年12月31日")


def test_the_cover_is_the_odd_one_when_every_other_heading_agrees(decided) -> None:
    finding = only(decided, "year_on_cover")
    assert (finding.check_name, finding.source_page) == ("report_year", 1)
    assert finding.facts == {"printed_value": "2023", "expected_value": "2024"}


def test_another_units_name_is_found(decided) -> None:
    heading = only(decided, "name_table_heading")
    assert (heading.check_name, heading.source_page) == ("unit_name_consistent", table_page("T05"))
    narrative = only(decided, "name_narrative")
    assert (narrative.check_name, narrative.source_page) == ("unit_name_consistent", 13)
    assert narrative.location == "上海市普陀区其他局"


def test_unit_wording_against_the_documents_level(decided) -> None:
    heading = only(decided, "level_heading")
    assert (heading.check_name, heading.source_page) == ("unit_level_wording", 13)
    note = only(decided, "level_table_note")
    assert (note.source_page, note.location) == (table_page("T03"), "本表反映单位本年度")
    assert not [
        o for o in decided["clean_unit_level_unknown"] if o.check_name == "unit_level_wording"
    ]


def test_contents_against_what_is_printed(decided) -> None:
    # a table left out altogether is tables_complete's finding, not reported twice
    assert findings(decided, "table_removed") == []
    unlisted = only(decided, "table_not_in_contents")
    assert (unlisted.source_table, unlisted.source_page) == ("T06", table_page("T06"))
    part = only(decided, "part_not_printed")
    assert (part.location, part.source_page) == ("第四部分", 2)
    # dot leaders, page numbers and "（一）" ordinals are the contents' layout, not titles
    assert findings(decided, "contents_with_leaders") == []
    listed = [o for o in decided["contents_with_leaders"] if o.check_name == "contents_match"]
    assert len(listed) == 9 + 4
    # a table listed under a name no alias knows is not reported as missing from the contents
    assert findings(decided, "contents_odd_table_name") == []
    extra = only(decided, "part_not_in_contents")
    assert (extra.location, extra.source_page) == ("第五部分", len(clean_pages()) + 1)


def test_without_lines_only_the_stored_note_is_read(decided) -> None:
    finding = only(decided, "no_lines")
    assert (finding.check_name, finding.source_table) == ("empty_table_note", "T08")
    assert {o.check_name for o in decided["no_lines"]} == {"empty_table_note"}


def test_the_engine_runs_the_identity_rules() -> None:
    outcomes = check_document(document_of(clean_pages()))
    assert {o.check_name for o in outcomes} >= IDENTITY_CHECKS


def test_the_patterns_are_data() -> None:
    patterns = identity_patterns()
    assert any(p.search("上海市XX局") for p in patterns.placeholders)
    assert patterns.funds["T08"] == ("政府性基金",)
