"""Where the nine tables are: a fast pass over the text layer, by title, never by position."""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipelines.domain.tables import title_index
from pipelines.domain.text import fold_quotes, squash
from pipelines.extract.pdf_text import PageText

_TITLES = title_index()
# Printed before or after a title: "公开03表", "表3", "附表1", an ordinal, the year.
_TITLE_DECORATION = re.compile(
    r"公开\d+表|附?表[一二三四五六七八九\d]+|^[一二三四五六七八九十]+[、.．]|^\d{4}年度?|^\d+[、.．]"
)
_TOC_MARKERS = ("目录",)
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
_CODE_OR_AMOUNT = re.compile(r"(?:^|\s)(?:\d{3}(?:\s|$)|\d{5}|\d{7}|\d[\d,]*\.\d{2})")


@dataclass(frozen=True)
class TableLocation:
    table_id: str
    printed_title: str
    pages: tuple[int, ...]  # title page first, then continuation pages


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


def locate_tables(pages: list[PageText]) -> dict[str, TableLocation]:
    """Title page and continuation pages of each table that is printed.

    A table continues on the following pages until the next title or the next part
    heading, as long as those pages still hold table rows (codes or amounts).
    """
    starts = table_titles(pages)
    part_breaks = {
        index
        for index, page in enumerate(pages)
        if any(_PART_AFTER_TABLES.match(squash(line)) for line in page.lines)
        and not _lists_contents(page, find_titles(page.lines))
    }
    locations: dict[str, TableLocation] = {}
    start_pages = sorted({index for index, _, _ in starts})
    for index, tid, printed in starts:
        if tid in locations:
            continue  # the first printing wins; a later mention is narrative
        pages_of_table = [pages[index].number]
        next_index = index + 1
        while (
            next_index < len(pages)
            and next_index not in start_pages
            and next_index not in part_breaks
            and _CODE_OR_AMOUNT.search(pages[next_index].text)
        ):
            pages_of_table.append(pages[next_index].number)
            next_index += 1
        locations[tid] = TableLocation(tid, printed, tuple(pages_of_table))
    return locations
