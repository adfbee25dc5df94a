"""Searching a document's printed lines: where a phrase is printed, and its box.

A pattern runs on the folded text (pipelines.domain.text.fold_quotes_squash, as the
narrative's figures are read: whitespace and quotes removed, full-width forms folded by
NFKC, so "，" reads ",", "（" reads "(", "％" reads "%", “三公” reads 三公), of all pages
joined in order: a sentence that wraps onto the next line, or the next page, is
found whole. Each match names the page its first character is printed on and the union of
the boxes of that page's lines it spans, in PDF points with the origin bottom-left. The
lines are raw.page_lines (pipelines.extract.layout.reading_lines), Document.lines.

    from pipelines.quality.text import search
    for match in search(document.lines, r"本表无数据"):
        match.page, match.box, match.text, match.groups()
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import groupby

from pipelines.domain.text import fold_quotes_squash, folio_free_span

# A box on a page: (x0, y0, x1, y1) in PDF points, origin bottom-left (pdfium's space).
Box = tuple[float, float, float, float]


def union_box(boxes: Iterable[Box]) -> Box | None:
    """The smallest box holding all `boxes`; None when there are none."""
    listed = list(boxes)
    if not listed:
        return None
    return (
        min(b[0] for b in listed),
        min(b[1] for b in listed),
        max(b[2] for b in listed),
        max(b[3] for b in listed),
    )


@dataclass(frozen=True)
class PageLine:
    """One printed line of a page (raw.page_lines): its words joined by one space."""

    page: int  # 1-based
    line_number: int  # top to bottom on its page, from 1
    text: str
    box: Box


@dataclass(frozen=True)
class TextMatch:
    page: int
    box: Box  # union of the boxes of the lines the match spans on `page`
    text: str  # the matched folded text
    match: re.Match[str]  # on FoldedText.text: groups, spans
    lines: tuple[PageLine, ...]  # the lines it spans (on any page)

    def group(self, name: int | str = 0) -> str | None:
        return self.match.group(name)

    def groups(self) -> tuple[str | None, ...]:
        return self.match.groups()


def _without_folios(lines: list[PageLine]) -> list[PageLine]:
    """A page's lines without its page number printed first or last (domain.text)."""
    start, end = folio_free_span([line.text for line in lines])
    return lines[start:end]


@dataclass(frozen=True)
class FoldedText:
    """Lines folded and joined, with the line each folded character came from."""

    lines: tuple[PageLine, ...]
    text: str
    line_of: tuple[int, ...]  # index into `lines` of each character of `text`

    @classmethod
    def of(
        cls, lines: Iterable[PageLine], fold: Callable[[str], str] = fold_quotes_squash
    ) -> FoldedText:
        ordered = tuple(
            line
            for _, on_page in groupby(
                sorted(lines, key=lambda line: (line.page, line.line_number)),
                key=lambda line: line.page,
            )
            for line in _without_folios(list(on_page))
        )
        parts: list[str] = []
        line_of: list[int] = []
        for index, line in enumerate(ordered):
            # Per character, so that each folded character keeps its line (NFKC may
            # expand one printed character into several: "㎡" → "m2").
            for ch in line.text:
                folded = fold(ch)
                parts.append(folded)
                line_of.extend([index] * len(folded))
        return cls(ordered, "".join(parts), tuple(line_of))

    def page_text(self, page: int) -> str:
        """The folded text of one page."""
        return "".join(
            self.text[i] for i, index in enumerate(self.line_of) if self.lines[index].page == page
        )

    def matched(self, match: re.Match[str]) -> TextMatch | None:
        """A regex match on `text` as a TextMatch; None for an empty match."""
        start, end = match.span()
        if end <= start:
            return None
        spanned = tuple(dict.fromkeys(self.lines[i] for i in self.line_of[start:end]))
        page = spanned[0].page
        box = union_box(line.box for line in spanned if line.page == page)
        assert box is not None  # the first spanned line is on `page`
        return TextMatch(page, box, match.group(0), match, spanned)

    def finditer(
        self, pattern: str | re.Pattern[str], pages: Iterable[int] | None = None
    ) -> Iterator[TextMatch]:
        """Every match of `pattern`, in reading order; with `pages`, those starting there."""
        wanted = None if pages is None else set(pages)
        for match in re.finditer(pattern, self.text):
            found = self.matched(match)
            if found is not None and (wanted is None or found.page in wanted):
                yield found


def _folded(lines: Sequence[PageLine] | FoldedText, fold: Callable[[str], str]) -> FoldedText:
    return lines if isinstance(lines, FoldedText) else FoldedText.of(lines, fold)


def search(
    lines: Sequence[PageLine] | FoldedText,
    pattern: str | re.Pattern[str],
    pages: Iterable[int] | None = None,
    fold: Callable[[str], str] = fold_quotes_squash,
) -> list[TextMatch]:
    """Every match of `pattern` in the folded text of `lines` (see the module's doc);
    with `pages`, those starting on one of them. Pass Document.text (folded once) rather
    than Document.lines when searching a document many times."""
    return list(_folded(lines, fold).finditer(pattern, pages))


def search_first(
    lines: Sequence[PageLine] | FoldedText,
    pattern: str | re.Pattern[str],
    pages: Iterable[int] | None = None,
    fold: Callable[[str], str] = fold_quotes_squash,
) -> TextMatch | None:
    """The first match of `pattern`, or None."""
    return next(_folded(lines, fold).finditer(pattern, pages), None)


def line_matches(
    lines: Sequence[PageLine],
    pattern: str | re.Pattern[str],
    pages: Iterable[int] | None = None,
    fold: Callable[[str], str] = fold_quotes_squash,
) -> list[TextMatch]:
    """Matches within single lines only (a heading, a note): each line searched alone."""
    wanted = None if pages is None else set(pages)
    found: list[TextMatch] = []
    for line in lines:
        if wanted is None or line.page in wanted:
            found.extend(FoldedText.of([line], fold).finditer(pattern))
    return found


def locate(text: FoldedText, folded: str, page: int) -> Box | None:
    """The box of an already folded phrase (a narrative figure's context) printed across
    `page` of `text` (FoldedText.of(document.lines), folded once for many phrases): the
    union of its lines there; None when it is not found there."""
    for found in text.finditer(re.escape(folded)):
        on_page = [line.box for line in found.lines if line.page == page]
        if on_page:
            return union_box(on_page)
    return None
