"""What a document is: disclosure kind, unit, fiscal year, region, level; or why not."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from pipelines.domain.budget_titles import classify_title, is_table_label
from pipelines.domain.text import PAGE_FOOTER, squash
from pipelines.extract.layout import printed_lines, text_of
from pipelines.extract.pdf_text import PageText

_YEAR = re.compile(r"(20\d{2})\s*年度?")
# Words of the cover that are not the unit's name. A 汇总 (consolidated) document is
# the department's own, covering it and all its units (../shared/domain.md): "（汇总）",
# "汇总决算" mark the document's scope, not the name.
_COVER_NOISE = re.compile(
    r"(20\d{2})年度?|(?:部门|单位)?(?:汇总)?决算(?:汇总)?(?:公开)?|\(汇总\)|目录"
)
_SUMMARY = re.compile(r"\(汇总\)|汇总决算|决算汇总")
_COVER_DATE = re.compile(
    r"[〇零一二三四五六七八九十○]{4}年[一二三四五六七八九十]{1,2}月|\d{4}年\d{1,2}月"
)
_PART_ONE = re.compile(r"第一部分([\u4e00-\u9fffA-Za-z（）()]*?)(?:单位|部门)?概况")
_PLACEHOLDER = re.compile(r"[XxＸｘ]{2,}")
# A cover line "label：value" names the unit only when its label does ("单位：…",
# "预算单位：…", "单位名称：…"); the others are approval lines ("单位负责人：…",
# "保密审查情况：已审查", "报送日期：…"). Covers are squashed, so "：" is ":".
_LABELLED = re.compile(r"^([^:]*):(.*)$")
_UNIT_LABEL = re.compile(r"(?:预算|决算|编制)?(?:单位|部门)(?:名称)?")  # not 金额单位
# Words of approval and submission lines printed under the name, with or without a colon
# ("部门主要负责人审签情况 已审签", "2021年8月20日报送"); no unit name contains them.
_NOT_NAME = re.compile(r"审查|审签|负责人|报送|日期|填报人|联系电话|制表人")
# The cover is the first page with text among the first few (a blank or image-only
# front page may come first).
COVER_SEARCH_PAGES = 3
# Cover, contents and the 第一部分 heading: where the unit and year are printed.
HEAD_PAGES = 4
# Characters of the head pages searched for "决算" and the year when the cover lacks
# them: the contents' first lines, before any narrative that mentions other years.
HEAD_CHARS = 400
# A 第一部分 heading shorter than this names no unit ("第一部分概况"); four characters
# is the shortest unit name ("财政局" prefixed by a region).
MIN_HEADING_UNIT_CHARS = 4
# A template repeats its XXX placeholder (unit, year, figures); one XXX may be a
# redaction in a real file.
TEMPLATE_PLACEHOLDERS = 3
# Region prefix of a unit name: province or city, then optionally a district or county.
_DISTRICT = re.compile(
    r"^([\u4e00-\u9fff]{2,3}(?:省|自治区))?[\u4e00-\u9fff]{2,4}?[市州盟]"
    r"([\u4e00-\u9fff]{1,4}?[区县旗])"
)


# --- Budgets (预算公开) ------------------------------------------------------------------
# A budget's cover names itself in words a final account's never prints (a final prints
# 预算 everywhere, "一般公共预算财政拨款支出决算表", but never these): 部门预算, 单位预算,
# 部门综合预算, 预算公开, 预算信息公开, 预算情况说明. Optional words around them (市级, 公开,
# 情况说明) are cut from the unit's name with them.
_BUDGET_COVER = re.compile(
    r"(?:市级)?(?:部门|单位)(?:综合)?预算(?:信息)?(?:公开)?(?:情况)?(?:说明)?"
    r"|预算(?:信息)?公开(?:说明)?|预算情况说明"
)
# The cover's first lines carry the name and the budget words; a cover-less first page
# (Chongqing) runs into narrative after them.
BUDGET_COVER_LINES = 6
# Words of a budget cover that are not the unit's name: the year, the budget words, the
# 汇总 scope (as for finals), contents, stray dots.
_BUDGET_COVER_NOISE = re.compile(r"20\d{2}年度?|\(汇总\)|目录|^[.·。]+")
# A table header line naming the unit (tables-only budgets): "部门名称：北京市审计局",
# "单位名称：…", "编制单位：…", "预算单位：…", "部门（单位）：…" (squashed: "部门(单位):").
_UNIT_HEADER = re.compile(r"^(部门名称|单位名称|编制单位|预算单位|部门\(单位\)):?(.+)$")
# The level a unit header's label names (编制单位, 部门（单位） name neither).
_HEADER_LEVELS = {"部门名称": "部门", "单位名称": "单位", "预算单位": "单位"}
# The money unit printed on the same line after the name ("…交通运输局单位：万元").
_MONEY_UNIT_TAIL = re.compile(r"(?:金额)?单位:.*$")
# A standalone year line printed by a table title ("（2026年度）").
_YEAR_LINE = re.compile(r"^\(?(20\d{2})年度?\)?$")
_CJK = re.compile(r"[\u4e00-\u9fff]")
# A unit's name is at least this long ("审计局" prefixed by a region).
MIN_UNIT_CHARS = 4


@dataclass(frozen=True)
class Recognition:
    document_kind: str | None
    unit_name: str | None
    fiscal_year: int | None
    region: str | None
    unit_level: str | None
    is_template: bool


def _cover_lines(pages: list[PageText]) -> list[str]:
    """Lines of the first page that has text (the cover)."""
    for page in pages[:COVER_SEARCH_PAGES]:
        lines = [squash(line) for line in page.lines]
        lines = [line for line in lines if line and not PAGE_FOOTER.match(line)]  # not cover text
        if lines:
            return lines
    return []


def name_lines(cover: list[str]) -> list[str]:
    """The cover lines that may carry the unit's name, squashed: approval and date lines
    cut, a "单位：…" line reduced to its value."""
    kept = []
    for line in cover:
        labelled = _LABELLED.match(line)
        if labelled:
            if not _UNIT_LABEL.fullmatch(labelled.group(1)):
                continue
            line = labelled.group(2)
        if line and not _NOT_NAME.search(line):
            kept.append(line)
    return kept


def _unit_name(cover_text: str, head_text: str) -> str | None:
    """The unit's name from the cover, whose lines may split it ("中共上海市普陀区委" /
    "社会工作部 2024 年度"); the 第一部分 heading confirms it when it repeats it."""
    from_cover = _COVER_NOISE.sub("", _COVER_DATE.sub("", cover_text))
    heading = _PART_ONE.search(head_text)
    if (
        heading
        and len(heading.group(1)) >= MIN_HEADING_UNIT_CHARS
        and heading.group(1) in cover_text
    ):
        return heading.group(1)
    return from_cover or None


def region_of(unit_name: str) -> str | None:
    """枣庄市人民政府办公室本级 → 枣庄市; 上海市普陀区财政局 → 上海市普陀区."""
    name = re.sub(r"^(?:中共|中国共产党)", "", unit_name)
    district = _DISTRICT.match(name)
    if district:
        return district.group(0)
    city = re.match(r"^(?:[\u4e00-\u9fff]{2,3}(?:省|自治区))?[\u4e00-\u9fff]{2,4}?[市州盟]", name)
    if city:
        return city.group(0)
    province = re.match(r"^[\u4e00-\u9fff]{2,3}(?:省|自治区)", name)
    return province.group(0) if province else None


def _budget_cover(cover: list[str]) -> tuple[list[str], str] | None:
    """(the cover's lines up to the one completing the budget words, those words) when
    the cover's first lines name a budget; the words may wrap ("…部门预" / "算")."""
    head = cover[:BUDGET_COVER_LINES]
    for end in range(len(head)):
        words = _BUDGET_COVER.search("".join(head[: end + 1]))
        if words:
            return head[: end + 1], words.group(0)
    return None


def _labelled_unit(lines: list[str]) -> tuple[str, str] | None:
    """(label, unit name) of a line naming the unit under a label ("预算单位：…")."""
    for line in lines:
        header = _UNIT_HEADER.match(line)
        if header:
            name = _MONEY_UNIT_TAIL.sub("", header.group(2))
            if len(name) >= MIN_UNIT_CHARS and _CJK.search(name) and not re.search(r"\d", name):
                return header.group(1), name
    return None


def _budget_from_cover(cover: list[str]) -> Recognition | None:
    found = _budget_cover(cover)
    if found is None:
        return None
    named, words = found
    labelled = _labelled_unit(cover[:BUDGET_COVER_LINES])
    if labelled:
        unit_name: str | None = labelled[1]
    else:
        text = "".join(named).replace(words, "")
        unit_name = _BUDGET_COVER_NOISE.sub("", text) or None
    year = _YEAR.search("".join(named)) or _YEAR.search("".join(cover[:BUDGET_COVER_LINES]))
    return Recognition(
        document_kind="预算",
        unit_name=unit_name,
        fiscal_year=int(year.group(1)) if year else None,
        region=region_of(unit_name) if unit_name else None,
        unit_level="单位" if "单位" in words else "部门" if "部门" in words else None,
        is_template=bool(unit_name and _PLACEHOLDER.search(unit_name)),
    )


def _top_printed_lines(page: PageText, count: int = BUDGET_COVER_LINES) -> list[str]:
    """The page's first printed lines, top to bottom, squashed (the text order may put
    the title after the table body)."""
    lines = [squash(text_of(line)) for line in printed_lines(list(page.chars))]
    return [line for line in lines if line][:count]


def _is_budget_table_page(page: PageText) -> bool:
    """The page opens with a budget table: a budget label (预算01表) or a title naming
    one of B01–B11 among its first lines."""
    lines = [squash(line) for line in page.lines[:BUDGET_COVER_LINES]] + _top_printed_lines(page)
    return any(classify_title(line) or (is_table_label(line) and "预算" in line) for line in lines)


def _budget_from_tables(pages: list[PageText]) -> Recognition | None:
    """A tables-only budget (no cover: Beijing's attachments) opens with a budget table;
    its unit is named in a table header line (the most often printed), its year by a
    title or a "（2026年度）" line."""
    first = next((p for p in pages if p.lines), None)
    if first is None or not _is_budget_table_page(first):
        return None
    names: Counter[tuple[str, str]] = Counter()
    year: int | None = None
    for page in pages:
        lines = [squash(line) for line in page.lines]
        labelled = _labelled_unit(lines)
        if labelled:
            names[labelled] += 1
        for line in lines:
            printed = _YEAR_LINE.match(line) or (
                _YEAR.search(line) if classify_title(line) else None
            )
            if year is None and printed:
                year = int(printed.group(1))
    label, unit_name = names.most_common(1)[0][0] if names else ("", None)
    return Recognition(
        document_kind="预算",
        unit_name=unit_name,
        fiscal_year=year,
        region=region_of(unit_name) if unit_name else None,
        unit_level=_HEADER_LEVELS.get(label),
        is_template=bool(unit_name and _PLACEHOLDER.search(unit_name)),
    )


def recognise(pages: list[PageText]) -> Recognition:
    """A final account when its cover says 决算; else a budget when its cover names one
    (部门预算, 单位预算, 预算公开 …); else a final account when its head pages say 决算
    (as ever); else a budget opening with a budget table (no cover); else a document of
    no known kind. A budget's narrative may say 决算 early ("编制年度预决算草案"), so the
    head pages decide only after the cover."""
    cover = _cover_lines(pages)
    if "决算" not in "".join(cover):
        budget = _budget_from_cover(cover)
        if budget is not None:
            return budget
    final = _recognise_final(pages)
    if final.document_kind is None:
        return _budget_from_tables(pages) or final
    return final


def _recognise_final(pages: list[PageText]) -> Recognition:
    cover = _cover_lines(pages)
    cover_text = "".join(cover)
    named_text = "".join(name_lines(cover))
    head_text = "".join(squash(p.text) for p in pages[:HEAD_PAGES])
    kind = "决算" if "决算" in cover_text or "决算" in head_text[:HEAD_CHARS] else None
    # The fiscal year is printed with the name ("2020年度"); a submission date on an
    # approval line ("报送日期：2021年8月20日") is the next year.
    year_match = (
        _YEAR.search(named_text) or _YEAR.search(cover_text) or _YEAR.search(head_text[:HEAD_CHARS])
    )
    fiscal_year = int(year_match.group(1)) if year_match else None
    unit_name = _unit_name(named_text, head_text)
    if "部门决算" in cover_text or "部门概况" in head_text or _SUMMARY.search(cover_text):
        level = "部门"
    elif "单位决算" in cover_text or "单位概况" in head_text or (unit_name or "").endswith("本级"):
        level = "单位"
    else:
        level = None
    is_template = (
        bool(unit_name and _PLACEHOLDER.search(unit_name))
        or head_text.count("XXX") >= TEMPLATE_PLACEHOLDERS
    )
    return Recognition(
        document_kind=kind,
        unit_name=unit_name,
        fiscal_year=fiscal_year,
        region=region_of(unit_name) if unit_name else None,
        unit_level=level,
        is_template=is_template,
    )
