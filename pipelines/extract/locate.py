"""Where the tables are: a fast pass over the text layer, by title, never by position.

The same machinery locates the final accounts' nine tables (T01–T09) and the budget's
(B01–B11): a `TableSet` says which tables a disclosure prints and how their titles read.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from pipelines.domain.budget_titles import (
    classify_fallback_title,
    classify_title,
    is_table_label,
    is_table_title,
    label_number,
)
from pipelines.domain.tables import (
    BUDGET_TABLES,
    TABLES,
    TABLES_BY_ID,
    TableSpec,
    numbers_columns,
    title_index,
)
from pipelines.domain.text import PAGE_FOOTER, fold_quotes, squash
from pipelines.extract.layout import printed_lines, text_of
from pipelines.extract.pdf_text import PageText

_TITLES = title_index()
# Printed before or after a title: "公开03表", "表3", "附表1", an ordinal, the year.
_TITLE_DECORATION = re.compile(
    r"公开\d+表|附?表[一二三四五六七八九\d]+|^[一二三四五六七八九十]+[、.．]|^\d{4}年度?|^\d+[、.．]"
)
_TOC_MARKERS = ("目录",)
# The one table a template may leave out: eight-table templates print no 国有资本经营预算
# 财政拨款支出决算表 (its contents then list eight tables).
TEMPLATE_OPTIONAL_TABLE = "T09"
# An eight-table template numbers its tables 公开01表…公开08表.
EIGHT_TABLE_LABELS = 8
_NUMBERED_LABEL = re.compile(r"公开(\d{1,2})表")
# A contents page prints "目录" in its first lines.
TOC_HEAD_LINES = 3
# A page naming this many different table titles lists contents, not a table.
TOC_MIN_TITLES = 4
# Decorations stack at most this deep ("公开03表" around an ordinal and a year).
MAX_TITLE_DECORATIONS = 3
# A part heading after the tables ends the last table's page span.
_PART_AFTER_TABLES = re.compile(r"^第[三四五]部分")
# A part heading ("第二部分 …部门决算表") may be printed between a wrapped title's two
# lines in text order; it is skipped when joining them.
_PART_HEADING = re.compile(r"^第[一二三四五六七八九十]+部分")
# A title wraps over at most this many printed lines (a long title in a narrow cell).
MAX_TITLE_LINES = 2
# A dash standing alone where an amount is printed: a zero, so a body row (a continuation
# page may begin with rows whose amounts are all zero).
_ZERO_DASH = re.compile(r"(?:^|\s)[-—–](?:\s|$)")
_CODE_OR_AMOUNT = re.compile(r"(?:^|\s)(?:\d{3}(?:\s|$)|\d{5}|\d{7}|\d[\d,]*\.\d{2})")
# A table's title or label is printed within this many lines of the page's top.
TITLE_HEAD_LINES = 3
# Longer top lines are narrative, not a title.
MAX_TITLE_CHARS = 40
# A label printed alone by a title: "公开10表", "附表3", "表十".
_TABLE_LABEL = re.compile(r"(?:公开\d+表|附?表(?:\d+(?:-\d+)?|[一二三四五六七八九十]+))")
# A table is assigned by its header when it has at least this many of its header words,
# and at least this many times as many as any other table.
MIN_HEADER_WORDS = 2
HEADER_LEAD = 2
# Narrative ends its sentences with a full stop; table rows do not.
_SENTENCE_END = "。"
# A note printed under a table ("注：…。") may run onto a page of its own.
_NOTE = "注"


@dataclass(frozen=True)
class TableLocation:
    table_id: str
    printed_title: str
    pages: tuple[int, ...]  # title page first, then continuation pages
    # Why the location is less sure than a printed title (Chinese), for the table's problems.
    problems: tuple[str, ...] = ()


def _undecorated(line: str) -> str:
    """A printed line squashed, quotes folded, title decorations stripped."""
    text = fold_quotes(squash(line))
    for _ in range(MAX_TITLE_DECORATIONS):
        stripped = _TITLE_DECORATION.sub("", text)
        if stripped == text:
            break
        text = stripped
    return text


def match_title(line: str) -> str | None:
    """The table id a printed line names as a title, or None."""
    return _TITLES.get(_undecorated(line))


def _odd_final_title(line: str) -> bool:
    """A final accounts' table title or label no alias knows ("政府采购情况表", "公开10表")."""
    return bool(_TABLE_LABEL.fullmatch(line)) or (
        line.endswith("表") and ("决算" in line or "预算" in line)
    )


def _odd_budget_title(line: str) -> bool:
    """A budget's table title or label outside B01–B11 ("项目支出绩效目标表", "预算11表")."""
    return bool(_TABLE_LABEL.fullmatch(line)) or is_table_label(line) or is_table_title(line)


def _no_title(_line: str) -> str | None:
    return None


@dataclass(frozen=True)
class TableSet:
    """The standard tables of one kind of disclosure and how their titles read."""

    specs: tuple[TableSpec, ...]
    # The table a printed line names as its title (the canonical scope), or None.
    match_title: Callable[[str], str | None]
    # Whether a top line is a title or label of a table outside the set: another table
    # begins there.
    is_odd_title: Callable[[str], bool]
    # The table a title names with a wider scope, used only where no title of the
    # canonical scope is printed (budgets: 财政拨款支出表 for B05).
    match_fallback_title: Callable[[str], str | None] = _no_title
    # Titles are also sought among the page's first printed lines (top to bottom): some
    # producers put the title after the table body in text order, or run a whole page
    # into one text line.
    titles_in_top_lines: bool = False

    @property
    def by_id(self) -> dict[str, TableSpec]:
        return {spec.table_id: spec for spec in self.specs}

    def any_title(self, line: str) -> str | None:
        return self.match_title(line) or self.match_fallback_title(line)


# The final accounts' nine tables, titled by their aliases (pipelines.domain.tables).
FINAL_TABLES = TableSet(TABLES, match_title, _odd_final_title)
# The budget's eleven tables, titled by meaning (pipelines.domain.budget_titles).
BUDGET_TABLE_SET = TableSet(
    BUDGET_TABLES,
    classify_title,
    _odd_budget_title,
    classify_fallback_title,
    titles_in_top_lines=True,
)


def find_titles(
    lines: list[str], match: Callable[[str], str | None] = match_title
) -> list[tuple[str, str]]:
    """(table id, printed title) of each title among a page's lines, in order.

    A title may wrap ("2020年度一般公共预算财政拨款" / "支出决算表"): a line that is no
    title is joined to the next (skipping a part heading printed between them in text
    order), and the lines it takes are used up, so a wrapped tail that is itself a title
    ("支出决算表", T03) is not read as one. A line that names a title whole is never
    joined.
    """
    found: list[tuple[str, str]] = []
    used: set[int] = set()
    for i, line in enumerate(lines):
        if i in used:
            continue
        parts = [i]
        best: tuple[str, list[int]] | None = None
        tid = match(line)
        if tid:
            best = (tid, parts)
        j = i + 1
        # Only a line with words of its own starts a wrapped title: a label or year printed
        # above the title ("公开05表", "2020年度") is no part of it.
        while (
            best is None and _undecorated(line) and len(parts) < MAX_TITLE_LINES and j < len(lines)
        ):
            if _PART_HEADING.match(squash(lines[j])):
                j += 1
                continue
            parts = [*parts, j]
            joined = match("".join(lines[k] for k in parts))
            if joined:
                best = (joined, parts)
            j += 1
        if best:
            found.append((best[0], "".join(lines[k].strip() for k in best[1])))
            used.update(best[1])
    return found


def _is_toc(page: PageText) -> bool:
    head = "".join(squash(line) for line in page.lines[:TOC_HEAD_LINES])
    return any(marker in head for marker in _TOC_MARKERS)


def _lists_contents(page: PageText, titled: list[tuple[str, str]]) -> bool:
    """A contents page: it says 目录, or names many tables (`titled`: its titles)."""
    return _is_toc(page) or len({tid for tid, _ in titled}) >= TOC_MIN_TITLES


def page_titles(
    page: PageText, tables: TableSet, match: Callable[[str], str | None] | None = None
) -> list[tuple[str, str]]:
    """(table id, printed title) of each title on a page (find_titles), by `match`
    (default: the set's canonical titles)."""
    match = match or tables.match_title
    titled = find_titles(page.lines, match)
    if tables.titles_in_top_lines:
        found = {tid for tid, _ in titled}
        titled += [
            (tid, line) for tid, line in find_titles(_top_lines(page), match) if tid not in found
        ]
    return titled


def table_titles(
    pages: list[PageText], tables: TableSet = FINAL_TABLES, fallback: bool = False
) -> list[tuple[int, str, str]]:
    """(page index, table id, printed title) of every table title printed, in page order,
    each table once per page; contents pages left out. With `fallback`, the titles of a
    wider scope (TableSet.match_fallback_title) instead."""
    starts: list[tuple[int, str, str]] = []
    for index, page in enumerate(pages):
        titled = page_titles(page, tables)
        if _lists_contents(page, titled):
            continue
        if fallback:
            titled = page_titles(page, tables, tables.match_fallback_title)
        seen_here: set[str] = set()
        for tid, line in titled:
            if tid not in seen_here:
                starts.append((index, tid, line.strip()))
                seen_here.add(tid)
    return starts


def contents_listing(pages: list[PageText], tables: TableSet = FINAL_TABLES) -> set[str]:
    """The tables the contents pages list."""
    listed: set[str] = set()
    for page in pages:
        titled = page_titles(page, tables)
        if _lists_contents(page, titled):
            listed |= {tid for tid, _ in titled}
    return listed


def left_out_by_template(pages: list[PageText], listed: set[str] | None = None) -> set[str]:
    """The tables the document's template has no place for: T09 (国有资本经营预算) when the
    contents list the other eight tables and not it, as older eight-table templates do.
    Without such contents every table is expected (a table missing from a nine-table
    contents is missing, not left out)."""
    if listed is None:
        listed = contents_listing(pages)
    others = set(TABLES_BY_ID) - {TEMPLATE_OPTIONAL_TABLE}
    if others <= listed and TEMPLATE_OPTIONAL_TABLE not in listed:
        return {TEMPLATE_OPTIONAL_TABLE}
    return set()


def _label_numbers(page: PageText) -> set[int]:
    """The numbers of the 公开NN表 labels printed on a page."""
    return {int(n) for line in page.lines for n in _NUMBERED_LABEL.findall(squash(line))}


def left_out_by_numbering(
    pages: list[PageText],
    locations: dict[str, TableLocation],
    listed: set[str] | None = None,
) -> set[str]:
    """T09 when the printed tables are labelled 公开01表…公开08表 (each of the other eight
    tables under exactly one label on its title page, the eight labels consecutive from
    01) and T09 is not printed: an eight-table template, found without contents. A label
    above 08 anywhere (contents, narrative, an unrecognised table), a gap, a table without
    a label, a page shared by two labels, or contents listing T09 (a nine-table template
    whose T09 is missing, numbered with 三公 as 公开07表) leaves every table expected."""
    if TEMPLATE_OPTIONAL_TABLE in locations:
        return set()
    if TEMPLATE_OPTIONAL_TABLE in (contents_listing(pages) if listed is None else listed):
        return set()
    if any(n > EIGHT_TABLE_LABELS for page in pages for n in _label_numbers(page)):
        return set()
    by_number = {page.number: page for page in pages}
    labels: list[int] = []
    for spec in TABLES:
        if spec.table_id == TEMPLATE_OPTIONAL_TABLE:
            continue
        location = locations.get(spec.table_id)
        if location is None:
            return set()
        numbers = _label_numbers(by_number[location.pages[0]])
        if len(numbers) != 1:
            return set()
        labels.extend(numbers)
    if sorted(labels) == list(range(1, EIGHT_TABLE_LABELS + 1)):
        return {TEMPLATE_OPTIONAL_TABLE}
    return set()


# The top lines of recently read pages, by page identity: locating reads each page's top
# lines several times (titles, fallback titles, contents, odd titles), and grouping a
# page's characters into printed lines is the costly part.
_TOP_LINES_CACHE: dict[int, tuple[PageText, list[str]]] = {}
TOP_LINES_CACHE_PAGES = 512


def _head_label_numbers(page: PageText) -> set[int]:
    """The numbers of the table labels printed at a page's head (表六, 公开表4, 预算01表)."""
    lines = [squash(line) for line in page.lines[: 2 * TITLE_HEAD_LINES]] + _top_lines(page)
    return {number for line in lines if (number := label_number(line)) is not None}


def budget_left_out_by_numbering(
    pages: list[PageText], locations: dict[str, TableLocation], standard: tuple[str, ...]
) -> set[str]:
    """The standard budget tables not printed when the numbering shows the template has
    none: each standard table located sits under one label, the labels run 1…k without a
    gap, and label k+1, wherever printed, opens a located table outside the standard set
    (Chongqing: 表一…表八, then 表九 政府采购预算明细表, no 国有资本经营预算支出表). A
    gap, a page with two labels, or a label k+1 on a page no located table opens (an
    unrecognised table, perhaps the one sought) leaves every table expected."""
    missing = {tid for tid in standard if tid not in locations}
    if not missing:
        return set()
    by_number = {page.number: page for page in pages}
    labels: list[int] = []
    for tid in standard:
        if tid in locations:
            numbers = _head_label_numbers(by_number[locations[tid].pages[0]])
            if len(numbers) != 1:
                return set()
            labels.extend(numbers)
    after = len(labels) + 1
    if sorted(labels) != list(range(1, after)):
        return set()
    others = {loc.pages[0] for tid, loc in locations.items() if tid not in standard}
    for page in pages:
        if (
            after in _head_label_numbers(page)
            and page.number not in others
            and not _lists_contents(page, page_titles(page, BUDGET_TABLE_SET))
        ):
            return set()
    return missing


def _top_lines(page: PageText) -> list[str]:
    """The first printed lines, top to bottom (pdfium's text order may print the title
    last), squashed."""
    cached = _TOP_LINES_CACHE.get(id(page))
    if cached is not None and cached[0] is page:
        return cached[1]
    lines = [squash(text_of(line)) for line in printed_lines(list(page.chars))]
    top = [line for line in lines if line][:TITLE_HEAD_LINES]
    if len(_TOP_LINES_CACHE) >= TOP_LINES_CACHE_PAGES:
        _TOP_LINES_CACHE.clear()
    _TOP_LINES_CACHE[id(page)] = (page, top)
    return top


def odd_title(page: PageText, tables: TableSet = FINAL_TABLES) -> str | None:
    """A table title or label at the page's top that no alias knows ("政府采购情况表",
    "公开10表"): another table begins there."""
    top = _top_lines(page)
    if find_titles(top, tables.any_title):
        return None  # a label at the top belongs to the table's own title printed by it
    for line in top:
        if len(line) > MAX_TITLE_CHARS or tables.any_title(line):
            continue
        if tables.is_odd_title(line):
            return line
    return None


def _wording_lines(page: PageText) -> list[str]:
    """The page's lines holding no code or amount and no page number (squashed, quotes
    folded), in pdfium's order."""
    return [
        fold_quotes(squash(line))
        for line in page.lines
        if not _CODE_OR_AMOUNT.search(line) and not PAGE_FOOTER.match(squash(line))
    ]


def _header_lines(page: PageText) -> list[str]:
    """The wording before the page's first code or amount: its header rows. A label
    printed without amounts further down (a statement's "年初结转和结余") is no header."""
    lines: list[str] = []
    for line in page.lines:
        if PAGE_FOOTER.match(squash(line)):
            continue
        if _CODE_OR_AMOUNT.search(line) or _ZERO_DASH.search(line):
            break
        lines.append(fold_quotes(squash(line)))
        if _numbers_columns(line):  # the 栏次 row is the header's last
            break
    return lines


def _numbers_columns(line: str) -> bool:
    """The line is a 栏次 row (1, 2, 3 …), its label spaced out ("栏 次") or not."""
    return numbers_columns([t for t in line.split() if t not in ("栏次", "栏", "次")])


def _has_column_numbers(page: PageText) -> bool:
    """The page prints a 栏次 row: a header block."""
    return any(_numbers_columns(line) for line in page.lines)


def header_scores(header_lines: list[str], tables: TableSet = FINAL_TABLES) -> dict[str, int]:
    """How many of each table's header words the header lines print (tables with none
    left out)."""
    text = "".join(header_lines)
    specs = tables.specs
    scores = {spec.table_id: sum(word in text for word in spec.header_words) for spec in specs}
    return {tid: score for tid, score in scores.items() if score}


def header_winner(scores: dict[str, int]) -> str | None:
    """The table the header words name clearly, or None when unsure (a missed table is
    better than a misread one)."""
    ranked = sorted(scores.items(), key=lambda item: -item[1])
    if not ranked or ranked[0][1] < MIN_HEADER_WORDS:
        return None
    runner_up = ranked[1][1] if len(ranked) > 1 else 0
    return ranked[0][0] if ranked[0][1] >= HEADER_LEAD * runner_up else None


def _begins_table(page: PageText, tables: TableSet) -> bool:
    """The page shows a table's beginning: an odd title, a 栏次 row or header words."""
    return (
        odd_title(page, tables) is not None
        or _has_column_numbers(page)
        or max(header_scores(_header_lines(page), tables).values(), default=0) >= MIN_HEADER_WORDS
    )


def _repeats_header(page: PageText, first: PageText, table_id: str, tables: TableSet) -> bool:
    """The table's header repeated on a continuation page: its header words name the
    table, or its title and header print no character the first page does not (pdfium
    may break the repeated header's lines differently). Digits are not compared: a 栏次
    row's number broken onto a line of its own reads as a page number on the first page."""
    if header_winner(header_scores(_header_lines(page), tables)) == table_id:
        return True

    def printed(lines: list[str]) -> Counter[str]:
        return Counter(ch for ch in "".join(lines) if not ch.isdigit())

    first_wording = printed(_wording_lines(first))
    if printed(_header_lines(page)) <= first_wording:
        return True
    # pdfium may also read a header one character per line, running its header into the
    # rows: the printed lines above the first code or amount are the header.
    header = _printed_header_lines(page)
    return bool(header) and printed(header) <= first_wording


def _holds_figures(page: PageText) -> bool:
    """The page prints a code or an amount, in pdfium's text or, where pdfium reads the
    page one character per line, in its printed lines."""
    return bool(_CODE_OR_AMOUNT.search(page.text)) or any(
        _CODE_OR_AMOUNT.search(text_of(chars)) for chars in printed_lines(list(page.chars))
    )


def _printed_header_lines(page: PageText) -> list[str]:
    """The printed lines (top to bottom) before the first holding a code or amount."""
    lines: list[str] = []
    for chars in printed_lines(list(page.chars)):
        line = text_of(chars)
        if _CODE_OR_AMOUNT.search(line) or PAGE_FOOTER.match(squash(line)):
            break
        lines.append(fold_quotes(squash(line)))
    return lines


def _rows_without_figures(page: PageText) -> bool:
    """The page prints lines but no sentence: table rows whose amounts are all blank."""
    lines = [line for line in page.lines if not PAGE_FOOTER.match(squash(line))]
    return bool(lines) and not any(_SENTENCE_END in line for line in lines)


def _title_by_header(page: PageText) -> str:
    """The line a table found by its header prints as its title: the first top line with
    words of its own, not a label, year or unit line."""
    for line in _top_lines(page):
        if _undecorated(line) and "单位" not in line and not _TABLE_LABEL.fullmatch(line):
            return line
    return ""


def locate_tables(
    pages: list[PageText], tables: TableSet = FINAL_TABLES
) -> dict[str, TableLocation]:
    """Title page and continuation pages of each table of `tables` (default: the final
    accounts') that is printed.

    A table continues on the following pages until the next title of another table or
    the next part heading, as long as those pages still hold table rows (codes or
    amounts) and do not begin another table (a title no alias knows, a 栏次 row or header
    words that are not the first page's repeated); a page repeating the table's own title
    continues it. A title of a wider scope (TableSet.match_fallback_title) locates a table
    no canonical title names. A table whose title was not understood is found by its
    header words (TableSpec.header_words) when one table wins clearly and is printed
    nowhere else under its title.
    """
    starts = table_titles(pages, tables)
    named = {tid for _, tid, _ in starts}
    wider = table_titles(pages, tables, fallback=True)  # each begins a table, used or not
    fallback_starts = [start for start in wider if start[1] not in named]
    part_breaks = {
        index
        for index, page in enumerate(pages)
        if any(_PART_AFTER_TABLES.match(squash(line)) for line in page.lines)
        and not _lists_contents(page, page_titles(page, tables))
    }
    titles_on: dict[int, set[str]] = {}
    for index, tid, _ in starts + wider:
        titles_on.setdefault(index, set()).add(tid)

    def may_continue(following: int, index: int, table_id: str) -> bool:
        if following >= len(pages) or following in part_breaks:
            return False
        if following in titles_on:  # the table's own title repeated, or another's
            return titles_on[following] == {table_id}
        page = pages[following]
        return not (
            # Explanations name the tables' items in sentences; a header has none.
            any(
                _SENTENCE_END in line and not line.startswith(_NOTE) for line in _header_lines(page)
            )
            or (
                _begins_table(page, tables)
                and not _repeats_header(page, pages[index], table_id, tables)
            )
        )

    def span(index: int, table_id: str) -> list[int]:
        spanned = [index]
        following = index + 1
        while may_continue(following, index, table_id):
            # A page under the table's own title repeated is the table's, figures or not
            # (its rows may all be blank).
            if following in titles_on or _holds_figures(pages[following]):
                spanned.append(following)
                following += 1
            elif (
                _rows_without_figures(pages[following])
                and may_continue(following + 1, index, table_id)
                and _holds_figures(pages[following + 1])
            ):
                # A page of rows with no code or amount (a statement's empty lines, only
                # their line numbers) between two pages of the table is part of it.
                spanned.extend((following, following + 1))
                following += 2
            elif _rows_without_figures(pages[following]) and following + 1 in part_breaks:
                # The tail of the table's last rows (a wrapped cell's end) on a page of its
                # own, before the next part heading: the table's, and its last page.
                spanned.append(following)
                break
            else:
                break
        return spanned

    locations: dict[str, TableLocation] = {}
    covered: set[int] = set()
    for index, tid, printed in starts + fallback_starts:
        if tid in locations:
            continue  # the first printing wins; a later mention is narrative
        spanned = span(index, tid)
        covered.update(spanned)
        locations[tid] = TableLocation(tid, printed, tuple(pages[i].number for i in spanned))
    titled = named | {tid for _, tid, _ in fallback_starts}
    by_id = tables.by_id
    for index, page in enumerate(pages):
        if (
            index in covered
            or index in part_breaks
            or not _CODE_OR_AMOUNT.search(page.text)
            or _lists_contents(page, page_titles(page, tables))
            or not _begins_table(page, tables)
            # Explanations name the tables' items in sentences; a header has none.
            or any(_SENTENCE_END in line for line in _header_lines(page))
        ):
            continue
        by_header = header_winner(header_scores(_header_lines(page), tables))
        if by_header is None or by_header in titled or by_header in locations:
            continue
        printed = _title_by_header(page)
        spanned = span(index, by_header)
        covered.update(spanned)
        words = "、".join(
            w for w in by_id[by_header].header_words if w in "".join(_header_lines(page))
        )
        problem = (
            f"第{page.number}页表题“{printed}”不是标准表名，按表头（{words}）认定为"
            f"{by_id[by_header].canonical_title}"
        )
        locations[by_header] = TableLocation(
            by_header, printed, tuple(pages[i].number for i in spanned), (problem,)
        )
    return locations
