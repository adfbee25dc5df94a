"""Figures the narrative (第三部分 情况说明) restates, for table-versus-narrative checks.

Which figures, and how each is worded, is the pattern table's (pipelines/domain/
narrative_patterns.toml, read by pipelines.domain.narrative); here only which pages are
the narrative and on which page each figure is printed.
"""

from __future__ import annotations

import re

from pipelines.domain.narrative import find_figures
from pipelines.domain.text import fold_quotes_squash, without_folios
from pipelines.extract.pdf_text import PageText
from pipelines.extract.records import NarrativeFigure

_PART_THREE = re.compile(r"第三部分")
_PART_FOUR = re.compile(r"第四部分")


def narrative_pages(pages: list[PageText], after_page: int) -> list[PageText]:
    """The 情况说明 part: from its heading (after the tables) to 第四部分."""
    later = [p for p in pages if p.number > after_page]
    start = next(
        (i for i, p in enumerate(later) if _PART_THREE.search(fold_quotes_squash(p.text))), 0
    )
    selected: list[PageText] = []
    for page in later[start:]:
        if selected and _PART_FOUR.search(fold_quotes_squash(page.text)):
            break
        selected.append(page)
    return selected


def extract_narrative(pages: list[PageText], after_page: int) -> list[NarrativeFigure]:
    chunks = [
        (page.number, fold_quotes_squash("\n".join(without_folios(page.text.split("\n")))))
        for page in narrative_pages(pages, after_page)
    ]
    text = "".join(chunk for _, chunk in chunks)
    starts, offset = [], 0
    for number, chunk in chunks:
        starts.append((offset, number))
        offset += len(chunk)
    return [
        NarrativeFigure(
            figure.name,
            figure.amount,
            max((n for start, n in starts if start <= figure.start), default=0),
            figure.context,
        )
        for figure in find_figures(text)
    ]
