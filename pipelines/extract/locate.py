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
_CODE_OR_AMOUNT = re.compile(r"(?:^|\s)(?:\d{3}(?:\s|$)|\d{5}|\d{7}|\d[\d,]*\.\d{2})")


@dataclass(frozen=True)
class TableLocation:
    table_id: str
    printed_title: str
    pages: tuple[int, ...]  # title page first, then continuation pages


def match_title(line: str) -> str | None:
    """The table id a printed line names as a title, or None."""
    text = fold_quotes(squash(line))
    for _ in range(MAX_TITLE_DECORATIONS):
        stripped = _TITLE_DECORATION.sub("", text)
        if stripped == text:
            break
        text = stripped
    return _TITLES.get(text)


def _is_toc(page: PageText) -> bool:
    head = "".join(squash(line) for line in page.lines[:TOC_HEAD_LINES])
    return any(marker in head for marker in _TOC_MARKERS)


def locate_tables(pages: list[PageText]) -> dict[str, TableLocation]:
    """Title page and continuation pages of each table that is printed.

    A table continues on the following pages until the next title or the next part
    heading, as long as those pages still hold table rows (codes or amounts).
    """
    starts: list[tuple[int, str, str]] = []  # (page index, table id, printed title)
    part_breaks: set[int] = set()
    for index, page in enumerate(pages):
        if _is_toc(page):
            continue
        found = [(match_title(line), line) for line in page.lines]
        titled = [(tid, line) for tid, line in found if tid]
        if len({tid for tid, _ in titled}) >= TOC_MIN_TITLES:
            continue
        seen_here: set[str] = set()
        for tid, line in titled:
            if tid not in seen_here:
                starts.append((index, tid, line.strip()))
                seen_here.add(tid)
        if any(_PART_AFTER_TABLES.match(squash(line)) for line in page.lines):
            part_breaks.add(index)
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
