"""Where the nine tables are: a fast pass over the text layer, by title, never by position."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from pipelines.domain.tables import TABLES, TABLES_BY_ID, numbers_columns, title_index
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


def find_titles(lines: list[str]) -> list[tuple[str, str]]:
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
        tid = match_title(line)
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
            joined = match_title("".join(lines[k] for k in parts))
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


def table_titles(pages: list[PageText]) -> list[tuple[int, str, str]]:
    """(page index, table id, printed title) of every table title printed, in page order,
    each table once per page; contents pages left out."""
    starts: list[tuple[int, str, str]] = []
    for index, page in enumerate(pages):
        titled = find_titles(page.lines)
        if _lists_contents(page, titled):
            continue
        seen_here: set[str] = set()
        for tid, line in titled:
            if tid not in seen_here:
                starts.append((index, tid, line.strip()))
                seen_here.add(tid)
    return starts


def contents_listing(pages: list[PageText]) -> set[str]:
    """The tables the contents pages list."""
    listed: set[str] = set()
    for page in pages:
        titled = find_titles(page.lines)
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


def _top_lines(page: PageText) -> list[str]:
    """The first printed lines, top to bottom (pdfium's text order may print the title
    last), squashed."""
    lines = [squash(text_of(line)) for line in printed_lines(list(page.chars))]
    return [line for line in lines if line][:TITLE_HEAD_LINES]


def odd_title(page: PageText) -> str | None:
    """A table title or label at the page's top that no alias knows ("政府采购情况表",
    "公开10表"): another table begins there."""
    for line in _top_lines(page):
        if len(line) > MAX_TITLE_CHARS or match_title(line):
            continue
        if _TABLE_LABEL.fullmatch(line) or (
            line.endswith("表") and ("决算" in line or "预算" in line)
        ):
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


def header_scores(header_lines: list[str]) -> dict[str, int]:
    """How many of each table's header words the header lines print (tables with none
    left out)."""
    text = "".join(header_lines)
    scores = {spec.table_id: sum(word in text for word in spec.header_words) for spec in TABLES}
    return {tid: score for tid, score in scores.items() if score}


def header_winner(scores: dict[str, int]) -> str | None:
    """The table the header words name clearly, or None when unsure (a missed table is
    better than a misread one)."""
    ranked = sorted(scores.items(), key=lambda item: -item[1])
    if not ranked or ranked[0][1] < MIN_HEADER_WORDS:
        return None
    runner_up = ranked[1][1] if len(ranked) > 1 else 0
    return ranked[0][0] if ranked[0][1] >= HEADER_LEAD * runner_up else None


def _begins_table(page: PageText) -> bool:
    """The page shows a table's beginning: an odd title, a 栏次 row or header words."""
    return (
        odd_title(page) is not None
        or _has_column_numbers(page)
        or max(header_scores(_header_lines(page)).values(), default=0) >= MIN_HEADER_WORDS
    )


def _repeats_header(page: PageText, first: PageText, table_id: str) -> bool:
    """The table's header repeated on a continuation page: its header words name the
    table, or its title and header print no character the first page does not (pdfium
    may break the repeated header's lines differently). Digits are not compared: a 栏次
    row's number broken onto a line of its own reads as a page number on the first page."""
    if header_winner(header_scores(_header_lines(page))) == table_id:
        return True

    def printed(lines: list[str]) -> Counter[str]:
        return Counter(ch for ch in "".join(lines) if not ch.isdigit())

    return printed(_header_lines(page)) <= printed(_wording_lines(first))


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


def locate_tables(pages: list[PageText]) -> dict[str, TableLocation]:
    """Title page and continuation pages of each table that is printed.

    A table continues on the following pages until the next title or the next part
    heading, as long as those pages still hold table rows (codes or amounts) and do not
    begin another table (a title no alias knows, a 栏次 row or header words that are not
    the first page's repeated). A table whose title was not understood is found by its
    header words (TableSpec.header_words) when one table wins clearly and is printed
    nowhere else under its title.
    """
    starts = table_titles(pages)
    part_breaks = {
        index
        for index, page in enumerate(pages)
        if any(_PART_AFTER_TABLES.match(squash(line)) for line in page.lines)
        and not _lists_contents(page, find_titles(page.lines))
    }
    start_pages = {index for index, _, _ in starts}

    def may_continue(following: int, index: int, table_id: str) -> bool:
        return (
            following < len(pages)
            and following not in start_pages
            and following not in part_breaks
            and not (
                _begins_table(pages[following])
                and not _repeats_header(pages[following], pages[index], table_id)
            )
        )

    def span(index: int, table_id: str) -> list[int]:
        spanned = [index]
        following = index + 1
        while may_continue(following, index, table_id):
            if _CODE_OR_AMOUNT.search(pages[following].text):
                spanned.append(following)
                following += 1
            elif (
                _rows_without_figures(pages[following])
                and may_continue(following + 1, index, table_id)
                and _CODE_OR_AMOUNT.search(pages[following + 1].text)
            ):
                # A page of rows with no code or amount (a statement's empty lines, only
                # their line numbers) between two pages of the table is part of it.
                spanned.extend((following, following + 1))
                following += 2
            else:
                break
        return spanned

    locations: dict[str, TableLocation] = {}
    covered: set[int] = set()
    for index, tid, printed in starts:
        if tid in locations:
            continue  # the first printing wins; a later mention is narrative
        spanned = span(index, tid)
        covered.update(spanned)
        locations[tid] = TableLocation(tid, printed, tuple(pages[i].number for i in spanned))
    titled = {tid for _, tid, _ in starts}
    for index, page in enumerate(pages):
        if (
            index in covered
            or index in part_breaks
            or not _CODE_OR_AMOUNT.search(page.text)
            or _lists_contents(page, find_titles(page.lines))
            or not _begins_table(page)
            # Explanations name the tables' items in sentences; a header has none.
            or any(_SENTENCE_END in line for line in _header_lines(page))
        ):
            continue
        by_header = header_winner(header_scores(_header_lines(page)))
        if by_header is None or by_header in titled or by_header in locations:
            continue
        printed = _title_by_header(page)
        spanned = span(index, by_header)
        covered.update(spanned)
        words = "、".join(
            w for w in TABLES_BY_ID[by_header].header_words if w in "".join(_header_lines(page))
        )
        problem = (
            f"第{page.number}页表题“{printed}”不是标准表名，按表头（{words}）认定为"
            f"{TABLES_BY_ID[by_header].canonical_title}"
        )
        locations[by_header] = TableLocation(
            by_header, printed, tuple(pages[i].number for i in spanned), (problem,)
        )
    return locations
