"""The document's identity and its empty tables' notes, read from its printed lines.

Is the document really this unit's, for this year, as printed from its template? Every
check reads Document.lines (pipelines.quality.text searches them folded) and reports the
page and the box of what it speaks of. The patterns are data (identity_patterns.toml).

- empty_table_note: each table printed empty (no figure: status 'empty') carries its
  "…故本表无数据" note on its own pages, and a fund table's note (T07 三公, T08 政府性基金,
  T09 国有资本经营) does not name another table's fund instead of its own. No note at all
  is an error, unless the table's lines print amounts we did not read (then 需人工核对).
- placeholder_text: a template placeholder (XX, ××, 某某) anywhere, one finding per line.
- report_year: every year in a heading (cover, 目录, 第X部分 headings, the lines above a
  table's title and the title) and every "截至…年12月31日" is the report year. The
  narrative's other years (上年, the budget year) are not headings and are not read.
- unit_name_consistent: the unit named on the table headings ("单位：…", "编制单位：…",
  "部门：…") and where the narrative names itself ("NAME2024年度…", "第一部分 NAME概况",
  "截至…，NAME共有车辆") is the cover's unit. A narrative name is judged only when it
  opens with the cover's region: a wrapped line's words are never read as a name.
- unit_level_wording: 部门决算 / 单位决算, 部门概况 / 单位概况 in headings and "本表反映
  部门/单位本年度" in table notes follow the document's level (raw.documents.unit_level).
- contents_match: the tables and parts (第X部分) the contents (目录) list are printed,
  and every table and part printed is listed. A table missing altogether is left to
  tables_complete (one finding for one missing table).

A budget (预算) is read for placeholders, its empty tables' notes (B07/B08/B09 name their
fund), its unit's name and the budget year in its headings ("2026年部门预算"; its as-of
dates are the year before's and are not read); 部门/单位 wording and contents are judged
for final accounts only.

Outcomes are facts checks (Rule.PLAUSIBILITY) of the document_identity family: the suite
(expectations/document_identity.json) decides each verdict from their facts
(pipelines.quality.gx.DOCUMENT_IDENTITY_FACTS).
"""

from __future__ import annotations

import re
import tomllib
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from pipelines.domain.budget_titles import classify_title
from pipelines.domain.text import PAGE_FOOTER, fold_quotes, fold_quotes_squash, squash
from pipelines.extract.document import COVER_MAX_LINE_CHARS, COVER_MAX_LINES
from pipelines.extract.locate import find_titles
from pipelines.extract.recognize import region_of
from pipelines.quality.document import Document, Table
from pipelines.quality.outcomes import Collector, table_place
from pipelines.quality.text import Box, FoldedText, PageLine, TextMatch, union_box

PATTERNS_FILE = Path(__file__).with_name("identity_patterns.toml")

# A heading is short and has no sentence punctuation (folded: "，" reads ",").
HEADING_MAX_CHARS = 40
_SENTENCE_PUNCTUATION = re.compile(r"[,。;]")
_PART = re.compile(r"^第(?P<ordinal>[一二三四五六七八九十]+)部分")
# A contents entry: a part, an ordinal entry, a page number; no sentence punctuation.
_CONTENTS_ENTRY = re.compile(
    r"^(?:第[一二三四五六七八九十]+部分|[一二三四五六七八九十]+[、.]|\(?[一二三四五六七八九十\d]+\)|-?[一二三四五六七八九十\d]+、)"
)
# A contents line of this many characters or fewer is a stray glyph ("一" of a title
# whose first character the producer set apart), not the body's text.
STRAY_GLYPH_CHARS = 2
_BRACKET_ORDINAL = re.compile(r"^\([一二三四五六七八九十\d]+\)[、.]?")
_DOT_LEADER = re.compile(r"(?:[.…·_-]{2,}|\s)*\d*$")
# Lines above a table's title that belong to its heading (a group heading, a label).
TITLE_BLOCK_LINES = 3
# Lines of a part heading: "第二部分" alone, then "2024 年度部门决算表" below it.
PART_HEADING_LINES = 3
# A part heading printed without its ordinal is matched by its words, when they are
# this many characters or more (not a bare "概况").
MIN_UNNUMBERED_HEADING_CHARS = 6
_YEAR_DIGITS = re.compile(r"\d{4}")
# Contents are printed within the first pages.
CONTENTS_SEARCH_PAGES = 6
# An amount printed in a table's lines ("12.34", "1,234.56").
# (two to six decimals: a budget prints 万元 to the 元 in six; or 元 integers with separators)
_AMOUNT = re.compile(
    r"(?<![\d.])(?:(?:\d{1,3}(?:,\d{3})+|\d+)\.\d{2,6}|\d{1,3}(?:,\d{3})+)(?![\d.])"
)
LEVELS = ("部门", "单位")
_PARTY = re.compile(r"^(?:中共|中国共产党)")


# ---------------------------------------------------------------------------
# The patterns (data)


@dataclass(frozen=True)
class NameMention:
    pattern: re.Pattern[str]
    anchored: bool  # only at a line's or sentence's start


@dataclass(frozen=True)
class IdentityPatterns:
    placeholders: tuple[re.Pattern[str], ...]
    heading_years: tuple[re.Pattern[str], ...]
    budget_heading_years: tuple[re.Pattern[str], ...]
    as_of_dates: tuple[re.Pattern[str], ...]
    note_sentence: re.Pattern[str]
    funds: dict[str, tuple[str, ...]]
    heading_unit_line: re.Pattern[str]
    money_units: frozenset[str]
    mentions: tuple[NameMention, ...]
    name_suffixes: tuple[str, ...]
    generic_names: frozenset[str]
    scope_marks: tuple[str, ...]
    heading_levels: tuple[re.Pattern[str], ...]
    note_levels: tuple[re.Pattern[str], ...]
    contents_marker: str
    contents_head_lines: int
    part_kinds: tuple[tuple[str, str], ...]


def _compiled(patterns: Iterable[str]) -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(p) for p in patterns)


@cache
def identity_patterns(path: Path = PATTERNS_FILE) -> IdentityPatterns:
    data: dict[str, Any] = tomllib.loads(path.read_text(encoding="utf-8"))
    empty = data["empty_tables"]
    markers = "|".join(re.escape(m) for m in empty["note_markers"])
    names, units, levels, contents = (
        data["names"],
        data["unit_names"],
        data["levels"],
        data["contents"],
    )
    return IdentityPatterns(
        placeholders=_compiled(data["placeholders"]),
        heading_years=_compiled(data["heading_years"]),
        budget_heading_years=_compiled(data["budget_heading_years"]),
        as_of_dates=_compiled(data["as_of_dates"]),
        note_sentence=re.compile(empty["note_sentence"].replace("{markers}", markers)),
        funds={table_id: tuple(words) for table_id, words in empty["funds"].items()},
        heading_unit_line=re.compile(names["heading_line"]),
        money_units=frozenset(names["money_units"]),
        mentions=tuple(
            NameMention(re.compile(m["pattern"]), bool(m["anchored"])) for m in names["mentions"]
        ),
        # longest first: "委员会" before "会"
        name_suffixes=tuple(sorted(units["suffixes"], key=len, reverse=True)),
        generic_names=frozenset(units["generic"]),
        scope_marks=tuple(units["scope_marks"]),
        heading_levels=_compiled(levels["heading"]),
        note_levels=_compiled(levels["table_note"]),
        contents_marker=contents["marker"],
        contents_head_lines=int(contents["head_lines"]),
        part_kinds=tuple((word, kind) for word, kind in contents["part_kinds"]),
    )


# ---------------------------------------------------------------------------
# The document's regions, from its lines


def _folded(line: PageLine) -> str:
    return fold_quotes_squash(line.text)


def _is_heading(line: PageLine) -> bool:
    text = _folded(line)
    return 0 < len(text) <= HEADING_MAX_CHARS and not _SENTENCE_PUNCTUATION.search(text)


@dataclass(frozen=True)
class Layout:
    """Where the document's parts are: pages, cover, contents, part headings, tables."""

    pages: dict[int, tuple[PageLine, ...]]
    cover: tuple[PageLine, ...]
    contents: tuple[PageLine, ...]
    parts: tuple[tuple[PageLine, ...], ...]  # each body part heading, its lines
    title_blocks: dict[str, tuple[PageLine, ...]]  # a table's title and the lines above it
    table_lines: dict[str, tuple[PageLine, ...]]  # a present table's lines, title onwards

    @property
    def body(self) -> dict[int, tuple[PageLine, ...]]:
        """The pages' lines without the cover's and the contents' (a page may hold the
        contents' end and the body's beginning)."""
        return _body(self.pages, (*self.cover, *self.contents))

    @property
    def table_pages(self) -> set[int]:
        return {line.page for lines in self.table_lines.values() for line in lines}

    def heading_groups(self) -> list[tuple[PageLine, ...]]:
        """The headings, each as its lines: the cover, each contents line, each part
        heading, each table's title block."""
        groups: list[tuple[PageLine, ...]] = []
        if self.cover:
            groups.append(self.cover)
        groups += [(line,) for line in self.contents]
        groups += list(self.parts)
        groups += list(self.title_blocks.values())
        return groups


def _by_page(lines: Sequence[PageLine]) -> dict[int, tuple[PageLine, ...]]:
    pages: dict[int, list[PageLine]] = {}
    for line in sorted(lines, key=lambda ln: (ln.page, ln.line_number)):
        pages.setdefault(line.page, []).append(line)
    return {page: tuple(found) for page, found in pages.items()}


def _text_lines(lines: Sequence[PageLine]) -> list[PageLine]:
    """The lines that are not page-number footers."""
    return [line for line in lines if _folded(line) and not PAGE_FOOTER.match(_folded(line))]


def _cover(pages: dict[int, tuple[PageLine, ...]], kind: str = "决算") -> tuple[PageLine, ...]:
    """The first page with text, when it looks like a cover (a few short lines naming a
    决算, or a 预算 for a budget); a document that opens with its contents, narrative or
    tables has none."""
    for number in sorted(pages):
        lines = _text_lines(pages[number])
        if not lines:
            continue
        if (
            len(lines) <= COVER_MAX_LINES
            and all(len(_folded(line)) <= COVER_MAX_LINE_CHARS for line in lines)
            and kind in "".join(_folded(line) for line in lines)
            and not _PART.match(_folded(lines[0]))
        ):
            return tuple(lines)
        return ()
    return ()


def _ordinals(lines: Iterable[PageLine]) -> set[str]:
    """The part ordinals ("二" of 第二部分) the lines open with."""
    return {m.group("ordinal") for line in lines if (m := _PART.match(_folded(line)))}


def _entry_text(line: PageLine) -> str:
    """A contents line folded, its dot leader and page number cut ("一、收入总表……3")."""
    return _DOT_LEADER.sub("", _folded(line))


def _is_entry(line: PageLine) -> bool:
    text = _entry_text(line)
    return (
        0 < len(text) <= HEADING_MAX_CHARS
        and not _SENTENCE_PUNCTUATION.search(text)
        and (_CONTENTS_ENTRY.match(text) is not None or len(text) <= STRAY_GLYPH_CHARS)
    )


def _contents_marker(
    pages: dict[int, tuple[PageLine, ...]], p: IdentityPatterns
) -> PageLine | None:
    """The 目录 line, printed among a page's first lines within the first pages."""
    for number in sorted(pages)[:CONTENTS_SEARCH_PAGES]:
        for line in _text_lines(pages[number])[: p.contents_head_lines]:
            if p.contents_marker in _folded(line):
                return line
    return None


def _contents(pages: dict[int, tuple[PageLine, ...]], p: IdentityPatterns) -> tuple[PageLine, ...]:
    """The contents' entries: after the 目录 line, the lines that read as entries, on its
    page and the next ones, until the body begins: a line that is no entry, or a part
    heading the contents already listed."""
    marker = _contents_marker(pages, p)
    if marker is None:
        return ()
    entries: list[PageLine] = []
    listed: set[str] = set()
    for page in sorted(n for n in pages if n >= marker.page):
        lines = _text_lines(pages[page])
        if page == marker.page:
            lines = lines[lines.index(marker) + 1 :]
        for line in lines:
            ordinal = _ordinals([line])
            # on the contents' first page an entry may have no ordinal ("名词解释")
            entry = _is_entry(line) or (page == marker.page and _is_heading(line))
            if not entry or ordinal & listed:
                return tuple(entries)
            entries.append(line)
            listed |= ordinal
    return tuple(entries)


def _body(
    pages: dict[int, tuple[PageLine, ...]], front: Iterable[PageLine]
) -> dict[int, tuple[PageLine, ...]]:
    left_out = set(front)
    return {n: tuple(ln for ln in lines if ln not in left_out) for n, lines in pages.items()}


def _part_headings(
    body: dict[int, tuple[PageLine, ...]], p: IdentityPatterns
) -> tuple[tuple[PageLine, ...], ...]:
    """Each 第X部分 heading printed in the body, with the lines it wraps onto (until its
    kind's word: 概况, 决算表, 说明 …)."""
    headings = []
    for page_lines in body.values():
        lines = _text_lines(page_lines)
        for index, line in enumerate(lines):
            if not (_PART.match(_folded(line)) and _is_heading(line)):
                continue
            group = [line]
            for following in lines[index + 1 : index + PART_HEADING_LINES]:
                if _part_kind("".join(_folded(g) for g in group), p) is not None:
                    break
                if not _is_heading(following) or _PART.match(_folded(following)):
                    break
                group.append(following)
            if _part_kind("".join(_folded(g) for g in group), p) is None:
                group = [line]
            headings.append(tuple(group))
    return tuple(headings)


def _part_kind(text: str, p: IdentityPatterns) -> str | None:
    for word, kind in p.part_kinds:
        if word in text:
            return kind
    return None


def _title_lines(
    lines: Sequence[PageLine],
    text: Callable[[PageLine], str] = lambda line: line.text,
    budget: bool = False,
) -> dict[str, tuple[int, int]]:
    """table id → (first, last) index in `lines` of its title (pipelines.extract.locate's
    title reading: aliases, decorations, a title wrapped on two lines; a budget's titles
    by pipelines.domain.budget_titles)."""
    texts = [text(line) for line in lines]
    found: dict[str, tuple[int, int]] = {}
    cursor = 0
    titles = find_titles(texts, classify_title) if budget else find_titles(texts)
    for table_id, printed in titles:
        target = squash(printed)
        for first in range(cursor, len(texts)):
            joined = ""
            for last in range(first, len(texts)):
                joined += squash(texts[last])
                if joined == target:
                    found.setdefault(table_id, (first, last))
                    cursor = last + 1
                    break
                if not target.startswith(joined):
                    break
            if table_id in found:
                break
    return found


def _tables(
    document: Document, pages: dict[int, tuple[PageLine, ...]]
) -> tuple[dict[str, tuple[PageLine, ...]], dict[str, tuple[PageLine, ...]]]:
    """Each present table's title block (the title and the heading lines just above it)
    and its lines (title onwards, up to another table's title on its last page)."""
    blocks: dict[str, tuple[PageLine, ...]] = {}
    spans: dict[str, tuple[PageLine, ...]] = {}
    titles_by_page = {
        number: _title_lines(lines, budget=document.is_budget) for number, lines in pages.items()
    }
    for table_id, table in document.tables.items():
        if not table.present or table.first_page is None:
            continue
        last_page = table.last_page or table.first_page
        first = pages.get(table.first_page, ())
        title = titles_by_page.get(table.first_page, {}).get(table_id)
        start = 0
        if title is not None:
            start = title[0]
            block_start = start
            while (
                block_start > 0
                and start - block_start < TITLE_BLOCK_LINES
                and _is_heading(first[block_start - 1])
                and not PAGE_FOOTER.match(_folded(first[block_start - 1]))
            ):
                block_start -= 1
            blocks[table_id] = first[block_start : title[1] + 1]
        lines: list[PageLine] = []
        for number in range(table.first_page, last_page + 1):
            page_lines = pages.get(number, ())
            begin = start if number == table.first_page else 0
            end = len(page_lines)
            others = [
                first_index
                for other, (first_index, _) in titles_by_page.get(number, {}).items()
                if other != table_id and first_index >= begin
            ]
            if others:
                end = min(others)
            lines += page_lines[begin:end]
        spans[table_id] = tuple(lines)
    return blocks, spans


def layout_of(document: Document, p: IdentityPatterns | None = None) -> Layout:
    p = p or identity_patterns()
    pages = _by_page(document.lines)
    cover = _cover(pages, document.kind)
    contents = _contents(pages, p)
    blocks, spans = _tables(document, pages)
    return Layout(
        pages=pages,
        cover=cover,
        contents=contents,
        parts=_part_headings(_body(pages, (*cover, *contents)), p),
        title_blocks=blocks,
        table_lines=spans,
    )


def _search(lines: Sequence[PageLine], pattern: re.Pattern[str]) -> list[TextMatch]:
    return list(FoldedText.of(lines).finditer(pattern)) if lines else []


def _box(lines: Sequence[PageLine]) -> Box | None:
    return union_box(line.box for line in lines)


def _quote(text: str, limit: int = 30) -> str:
    return text if len(text) <= limit else text[:limit] + "…"


# ---------------------------------------------------------------------------
# empty_table_note


def _amounts_printed(lines: Sequence[PageLine]) -> list[str]:
    return [m.group(0) for line in lines for m in _AMOUNT.finditer(line.text)]


def unread_amounts(document: Document, layout: Layout | None = None) -> dict[str, str]:
    """The tables read empty whose lines print amounts, each with why its blanks are
    unsure (an identity failing on them is ours to review, not the document's error)."""
    if not document.lines:
        return {}
    layout = layout or layout_of(document)
    found = {}
    for table_id, table in document.tables.items():
        if table.status != "empty":
            continue
        amounts = _amounts_printed(layout.table_lines.get(table_id, ()))
        if amounts:
            found[table_id] = f"表中印有金额（如“{amounts[0]}”）但未能读出，可能是抽取有误"
    return found


def empty_table_notes(
    c: Collector, document: Document, layout: Layout, p: IdentityPatterns
) -> None:
    for table_id, table in document.tables.items():
        if table.status != "empty":
            continue
        lines = layout.table_lines.get(table_id, ())
        notes = _search(lines, p.note_sentence)
        note_text = notes[0].text if notes else table.note
        place = table_place(table_id, None)
        page = notes[0].page if notes else table.first_page
        box = notes[0].box if notes else _box(layout.title_blocks.get(table_id) or lines[:1])
        own = p.funds.get(table_id, ())
        others = {w for other, words in p.funds.items() if other != table_id for w in words}
        folded = fold_quotes(note_text or "")
        names_own = any(word in folded for word in own)
        names_other = bool(own) and not names_own and any(word in folded for word in others)
        amounts = _amounts_printed(lines) if note_text is None else []
        if document.is_budget and note_text is None and not amounts:
            # budgets print an empty table with or without a note (北京: blank cells, no
            # note): a missing note is no finding there; a note naming another fund is
            continue
        if amounts:
            # the page prints figures we did not read: our misreading, not the document's
            fail = (
                f"{place}：未读出任何数字，也没有“本表无数据”的说明；"
                f"但表中印有金额（如“{amounts[0]}”），需人工核对"
            )
        elif note_text is None:
            fail = f"{place}：表格已印出但没有任何数字，也没有“本表无数据”的说明"
        elif names_other:
            named = "、".join(sorted(w for w in others if w in folded))
            fail = (
                f"{place}：空表说明“{_quote(note_text, 60)}”写的是{named}，"
                f"不是本表的{'、'.join(own)}"
            )
        else:
            fail = f"{place}：空表说明有误"
        outcome = c.plausibility(
            "empty_table_note",
            table,
            table_id,
            {"note_printed": note_text is not None, "note_names_other_fund": names_other},
            page=page,
            box=box,
            pass_message=f"{place}：空表印有说明“{_quote(note_text or '', 60)}”",
            fail_message=fail,
        )
        if amounts:
            outcome.uncertain_reasons = (
                f"第{table.first_page}页表中印有金额（如“{amounts[0]}”）但未能读出，可能是抽取有误",
            )


# ---------------------------------------------------------------------------
# placeholder_text


def placeholders(c: Collector, document: Document, p: IdentityPatterns) -> None:
    folded = document.text  # the document's lines folded once
    found: dict[tuple[int, int], TextMatch] = {}
    for pattern in p.placeholders:
        for match in folded.finditer(pattern):
            key = (match.page, match.lines[0].line_number)
            found.setdefault(key, match)
    for (page, _), match in sorted(found.items()):
        line_text = match.lines[0].text.strip()
        c.plausibility(
            "placeholder_text",
            None,
            match.text,
            {"placeholder": match.text},
            page=page,
            box=match.box,
            pass_message="",
            fail_message=f"第{page}页印有模板占位符“{match.text}”：“{_quote(line_text, 60)}”",
        )
    if not found:
        c.plausibility(
            "placeholder_text",
            None,
            None,
            {"placeholder": None},
            page=None,
            pass_message="全文未见模板占位符（XX、××、某某）",
            fail_message="",
        )


# ---------------------------------------------------------------------------
# report_year


def _year_matches(layout: Layout, document: Document, p: IdentityPatterns) -> list[TextMatch]:
    """The years the headings print (a budget's: "YYYY年…预算"), and, in final accounts,
    the as-of dates (a budget's are the year before's, or its targets')."""
    found: dict[tuple[Any, ...], TextMatch] = {}
    budget = document.is_budget
    for group in layout.heading_groups():
        for pattern in p.budget_heading_years if budget else p.heading_years:
            for match in _search(group, pattern):
                found.setdefault((match.page, match.box, match.group("year")), match)
    for pattern in () if budget else p.as_of_dates:
        for match in document.text.finditer(pattern):
            found.setdefault((match.page, match.box, match.group("year")), match)
    return sorted(found.values(), key=lambda m: (m.page, -m.box[3]))


def report_years(c: Collector, document: Document, layout: Layout, p: IdentityPatterns) -> None:
    matches = _year_matches(layout, document, p)
    if document.fiscal_year is None or not matches:
        return
    # The report year is the document's (read from its cover), unless most of its headings
    # agree on another year: then the cover is the odd one and is reported as such.
    years = Counter(int(m.group("year") or 0) for m in matches)
    expected = document.fiscal_year
    common, count = years.most_common(1)[0]
    if common != expected and count * 2 > len(matches):
        expected = common
    # a budget's year is the one it budgets
    which = "预算年度" if document.is_budget else "报告年度"
    for match in matches:
        year = int(match.group("year") or 0)
        c.plausibility(
            "report_year",
            None,
            match.text,
            {"printed_value": str(year), "expected_value": str(expected)},
            page=match.page,
            box=match.box,
            pass_message=f"第{match.page}页“{match.text}”：年度与{which} {expected} 一致",
            fail_message=(
                f"第{match.page}页“{match.text}”印的是 {year} 年，{which}是 {expected} 年"
            ),
        )


# ---------------------------------------------------------------------------
# unit_name_consistent


def normalised_name(name: str, p: IdentityPatterns) -> str:
    """A unit name as compared: folded, quotes and scope marks (本级, 汇总) removed."""
    text = fold_quotes(squash(name))
    for mark in p.scope_marks:
        text = text.replace(mark, "")
    return text


def _looks_like_name(name: str, region: str, p: IdentityPatterns) -> bool:
    """Another unit of the cover's region: it ends like a unit's name, is no
    self-reference ("本部门"), and opens with the region ("上海市普陀区…", after "中共").
    Words that open a wrapped line ("况说明苏州市…") do not; a unit of another region is
    missed rather than a line's fragment misread as a name."""
    return (
        name not in p.generic_names
        and name.endswith(p.name_suffixes)
        and _PARTY.sub("", name).startswith(region)
    )


def _same_unit(name: str, cover: str) -> bool:
    """A name printed is the cover's when one holds the other: after a verb ("纳入…"),
    without its region ("普陀区财政局"), or the cover read with words around the name
    ("…部门预算公开"). A sub-unit printed by its parent's name is missed, not misread."""
    return cover in name or name in cover


def _line_starts(folded: FoldedText) -> list[int]:
    """Offsets in the folded text where a line or a sentence begins."""
    starts = [0]
    for index in range(1, len(folded.text)):
        if folded.line_of[index] != folded.line_of[index - 1] or folded.text[index - 1] == "。":
            starts.append(index)
    return starts


def _name_mentions(lines: Sequence[PageLine], p: IdentityPatterns) -> list[TextMatch]:
    if not lines:
        return []
    folded = FoldedText.of(lines)
    starts = _line_starts(folded)
    found: dict[tuple[int, int], TextMatch] = {}
    for mention in p.mentions:
        if mention.anchored:
            candidates = (mention.pattern.match(folded.text, start) for start in starts)
            matches = [m for m in candidates if m is not None]
        else:
            matches = list(mention.pattern.finditer(folded.text))
        for m in matches:
            found_match = folded.matched(m)
            if found_match is not None:
                found.setdefault(m.span("name"), found_match)
    return [found[key] for key in sorted(found)]


def _heading_unit_lines(layout: Layout, cover: str, p: IdentityPatterns) -> list[TextMatch]:
    """The unit lines of the cover and the tables' headings ("单位：NAME 金额单位：万元")
    that name a unit (not "单位：万元", not "单位：人")."""
    found = []
    lines = [*layout.cover, *(line for ls in layout.table_lines.values() for line in ls)]
    for line in dict.fromkeys(lines):
        for match in FoldedText.of([line]).finditer(p.heading_unit_line):
            name = normalised_name(match.group("name") or "", p)
            if (
                name
                and name not in p.money_units
                and (name == cover or name.endswith(p.name_suffixes))
            ):
                found.append(match)
    return found


def unit_names(c: Collector, document: Document, layout: Layout, p: IdentityPatterns) -> None:
    if not document.unit_name:
        return
    cover = normalised_name(document.unit_name, p)
    if not cover:
        return
    region = region_of(cover)
    narrative = tuple(
        line
        for number, lines in layout.body.items()
        if number not in layout.table_pages
        for line in lines
    )
    checked: list[tuple[TextMatch, str, str]] = []
    for match in _heading_unit_lines(layout, cover, p):
        name = normalised_name(match.group("name") or "", p)
        checked.append((match, cover if _same_unit(name, cover) else name, "表头单位"))
    seen: set[tuple[int, Box, str]] = set()
    for group in (narrative, *layout.parts, *layout.title_blocks.values()):
        for match in _name_mentions(group, p):
            name = normalised_name(match.group("name") or "", p)
            if _same_unit(name, cover):
                name = cover
            elif region is None or not _looks_like_name(name, region, p):
                continue  # words that are no unit's name
            key = (match.page, match.box, name)
            if key not in seen:
                seen.add(key)
                checked.append((match, name, "单位名称"))
    for match, name, what in checked:
        c.plausibility(
            "unit_name_consistent",
            None,
            name,
            {"printed_value": name, "expected_value": cover},
            page=match.page,
            box=match.box,
            pass_message=f"第{match.page}页{what}“{name}”与封面一致",
            fail_message=f"第{match.page}页{what}“{name}”与封面单位“{document.unit_name}”不一致",
        )


# ---------------------------------------------------------------------------
# unit_level_wording


def unit_levels(c: Collector, document: Document, layout: Layout, p: IdentityPatterns) -> None:
    level = document.unit_level
    if level not in LEVELS:
        return
    found: dict[tuple[Any, ...], TextMatch] = {}
    for group in layout.heading_groups():
        for pattern in p.heading_levels:
            for match in _search(group, pattern):
                found.setdefault((match.page, match.box, match.match.start()), match)
    for lines in layout.table_lines.values():
        for pattern in p.note_levels:
            for match in _search(lines, pattern):
                found.setdefault((match.page, match.box, match.match.start()), match)
    for match in sorted(found.values(), key=lambda m: (m.page, -m.box[3])):
        printed = match.group("level")
        c.plausibility(
            "unit_level_wording",
            None,
            match.text,
            {"printed_value": printed, "expected_value": level},
            page=match.page,
            box=match.box,
            pass_message=f"第{match.page}页“{match.text}”与本文件的{level}决算一致",
            fail_message=(
                f"第{match.page}页“{match.text}”用的是“{printed}”，而本文件是{level}决算（封面）"
            ),
        )


# ---------------------------------------------------------------------------
# contents_match


def _contents_title(line: PageLine) -> str:
    """A contents line as a title: without its dot leader, page number and "(一)"."""
    return _BRACKET_ORDINAL.sub("", _entry_text(line))


def _contents_tables(layout: Layout) -> dict[str, tuple[PageLine, ...]]:
    titles = _title_lines(layout.contents, _contents_title)
    return {tid: layout.contents[a : b + 1] for tid, (a, b) in titles.items()}


def _unread_table_entries(layout: Layout, listed: dict[str, tuple[PageLine, ...]]) -> list[str]:
    """Contents lines that name a table ("…表") no title alias knows: with one of them,
    a printed table missing from the contents may be that entry under another name."""
    read = {line for lines in listed.values() for line in lines}
    return [
        _contents_title(line)
        for line in layout.contents
        if line not in read
        and _contents_title(line).endswith("表")
        and not _PART.match(_folded(line))  # "第二部分 …决算表" heads the tables
    ]


def _printed_tables(document: Document, layout: Layout) -> dict[str, tuple[PageLine, ...]]:
    """The tables the body prints: found by extraction, or titled on a body page."""
    printed: dict[str, tuple[PageLine, ...]] = {}
    for table_id, table in document.tables.items():
        if table.present:
            block = layout.title_blocks.get(table_id) or layout.table_lines.get(table_id, ())[:1]
            printed[table_id] = tuple(block)
    for lines in layout.body.values():
        for table_id, (a, b) in _title_lines(lines).items():
            printed.setdefault(table_id, lines[a : b + 1])
    return printed


@dataclass(frozen=True)
class Part:
    """A part heading (第X部分): its kind (概况, 决算表 …; None when unsaid) and lines."""

    kind: str | None
    lines: tuple[PageLine, ...]

    @property
    def page(self) -> int:
        return self.lines[0].page


def _parts(groups: Iterable[Sequence[PageLine]], p: IdentityPatterns) -> dict[str, Part]:
    """ordinal → the first printing of each part heading."""
    parts: dict[str, Part] = {}
    for lines in groups:
        text = "".join(_folded(line) for line in lines)
        heading = _PART.match(text)
        if heading:
            parts.setdefault(heading.group("ordinal"), Part(_part_kind(text, p), tuple(lines)))
    return parts


def _part_unnumbered(layout: Layout, listed: Part, unit_name: str | None) -> Part | None:
    """A part the contents list, printed in the body without its ordinal: a heading line
    ending with the entry's words after "第X部分" and the unit's name ("2024年度部门决算
    表"). Years are not compared (a year printed differently is report_year's finding,
    a name unit_name_consistent's or placeholder_text's, not a missing part)."""
    entry = "".join(_entry_text(line) for line in listed.lines)
    heading = _PART.match(entry)
    words = entry[heading.end() :] if heading else ""
    if unit_name:
        words = words.replace(fold_quotes_squash(unit_name), "")
    words = _YEAR_DIGITS.sub("#", words)
    if len(words) < MIN_UNNUMBERED_HEADING_CHARS:
        return None
    for lines in layout.body.values():
        for line in lines:
            if _is_heading(line) and _YEAR_DIGITS.sub("#", _folded(line)).endswith(words):
                return Part(listed.kind, (line,))
    return None


def _record_contents(
    c: Collector,
    place: str,
    table: Table | None,
    lines: Sequence[PageLine],
    listed: bool,
    printed: bool,
    fail: str,
) -> None:
    page = lines[0].page
    c.plausibility(
        "contents_match",
        table,
        place,
        {"listed_in_contents": listed, "printed_in_body": printed},
        page=page,
        box=_box([line for line in lines if line.page == page]),
        pass_message=f"目录所列“{place}”与正文一致",
        fail_message=fail,
    )


def _contents_tables_match(
    c: Collector, document: Document, layout: Layout, listed: dict[str, tuple[PageLine, ...]]
) -> None:
    printed = _printed_tables(document, layout)
    unread = _unread_table_entries(layout, listed)
    for table_id, table in document.tables.items():
        title = table_place(table_id, None)
        if table.status == "missing" and table_id not in printed:
            continue  # a table left out is tables_complete's finding, reported once
        if table_id in listed:
            fail = f"目录列出“{title}”，正文中未找到该表"
            _record_contents(c, title, table, listed[table_id], True, table_id in printed, fail)
        elif printed.get(table_id) and not unread:
            lines = printed[table_id]
            fail = f"正文第{lines[0].page}页印有“{title}”，目录未列出"
            _record_contents(c, title, table, lines, False, True, fail)


def _contents_parts_match(
    c: Collector, document: Document, layout: Layout, p: IdentityPatterns
) -> None:
    listed = _parts(([line] for line in layout.contents), p)
    if not listed:
        return
    printed = _parts(layout.parts, p)
    for ordinal in dict.fromkeys([*listed, *printed]):
        place = f"第{ordinal}部分"
        entry = listed.get(ordinal)
        body = printed.get(ordinal)
        if entry is None and body is not None:
            fail = f"正文第{body.page}页印有“{place} {body.kind or ''}”，目录未列出"
            _record_contents(c, place, None, body.lines, False, True, fail)
            continue
        if entry is None:
            continue
        body = body or _part_unnumbered(layout, entry, document.unit_name)
        if body is None:
            fail = f"目录列出“{place} {entry.kind or ''}”，正文中未找到"
            _record_contents(c, place, None, entry.lines, True, False, fail)
        elif entry.kind and body.kind and entry.kind != body.kind:
            fail = f"目录中“{place}”是{entry.kind}，正文第{body.page}页的“{place}”是{body.kind}"
            _record_contents(c, place, None, body.lines, True, False, fail)
        else:
            _record_contents(c, place, None, entry.lines, True, True, "")


def contents_match(c: Collector, document: Document, layout: Layout, p: IdentityPatterns) -> None:
    """The contents (when printed) against the body: its tables, when it lists any, and
    its parts."""
    if not layout.contents:
        return
    listed_tables = _contents_tables(layout)
    if listed_tables:
        _contents_tables_match(c, document, layout, listed_tables)
    _contents_parts_match(c, document, layout, p)


# ---------------------------------------------------------------------------


def identity_rules(c: Collector, document: Document) -> None:
    """Every document-identity check over the document's printed lines. Without them (a
    document loaded before lines were kept) only the empty tables' stored notes are read."""
    p = identity_patterns()
    layout = layout_of(document, p)
    empty_table_notes(c, document, layout, p)
    if not document.lines:
        return
    placeholders(c, document, p)
    report_years(c, document, layout, p)
    unit_names(c, document, layout, p)
    if document.is_budget:
        # 部门/单位 wording and the contents are read with the final accounts' template
        # words (部门决算, 第X部分 …决算表); a budget's are not theirs: not judged
        return
    unit_levels(c, document, layout, p)
    contents_match(c, document, layout, p)
