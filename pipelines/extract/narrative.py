"""Figures the narrative (第三部分 情况说明) restates, for table-versus-narrative checks."""

from __future__ import annotations

import re
from decimal import Decimal

from pipelines.domain.amounts import to_wan
from pipelines.domain.text import fold_quotes_squash
from pipelines.extract.pdf_text import PageText
from pipelines.extract.records import NarrativeFigure

# An amount and its unit: 万元 mostly, 元 in some files; decimals optional ("55万元").
_X = r"(\d[\d,]*(?:\.\d+)?)(万元|元)"
_SKIP_AMOUNT = r"[\d.,]+(?:万元|元)"
# figure → patterns; the first match in the narrative wins. Patterns run on squashed,
# NFKC-folded text without quotes (so "：" is ":" and “三公” is 三公).
FIGURE_PATTERNS: dict[str, tuple[str, ...]] = {
    "收入支出总计": (rf"(?<!财政拨款)(?:收入支出总计|收、支总计|收支总计)(?:为)?{_X}",),
    "本年收入合计": (rf"本年收入合计(?:为)?{_X}",),
    "本年支出合计": (rf"本年支出合计(?:为)?{_X}",),
    "基本支出": (rf"本年支出合计[^。]{{0,30}}?其中:基本支出{_X}",),
    "项目支出": (rf"本年支出合计[^。]{{0,60}}?项目支出{_X}",),
    "财政拨款收入支出总计": (rf"财政拨款(?:收入支出|收、支|收支)总计(?:为)?{_X}",),
    "一般公共预算财政拨款支出": (rf"一般公共预算财政拨款支出(?:决算)?(?:为)?{_X}",),
    "一般公共预算财政拨款基本支出": (rf"一般公共预算财政拨款基本支出(?:决算)?(?:为)?{_X}",),
    "人员经费": (rf"人员经费{_X}",),
    "公用经费": (rf"公用经费{_X}",),
    "三公经费预算数": (rf"三公经费(?:财政拨款)?支出(?:年初|全年)?预算(?:数)?为{_X}",),
    "三公经费决算数": (
        rf"三公经费(?:财政拨款)?支出(?:年初|全年)?预算(?:数)?为{_SKIP_AMOUNT},支出决算(?:数)?为{_X}",
    ),
    "机关运行经费": (rf"机关运行经费(?:支出)?(?:为)?{_X}",),
    "政府采购总额": (rf"政府采购支出总额(?:为)?{_X}", rf"政府采购金额(?:\([^)]*\))?为{_X}"),
    "政府采购货物": (rf"政府采购货物支出{_X}", rf"货物采购金额{_X}"),
    "政府采购工程": (rf"政府采购工程支出{_X}", rf"工程采购金额{_X}"),
    "政府采购服务": (rf"政府采购服务支出{_X}", rf"服务采购金额{_X}"),
}
_COMPILED = {
    name: tuple(re.compile(p) for p in patterns) for name, patterns in FIGURE_PATTERNS.items()
}
_PART_THREE = re.compile(r"第三部分")
_PART_FOUR = re.compile(r"第四部分")
# Characters kept around a figure as its context: the words before name it, the two
# after close the clause.
CONTEXT_BEFORE_CHARS = 10
CONTEXT_AFTER_CHARS = 2


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
        (page.number, fold_quotes_squash(page.text)) for page in narrative_pages(pages, after_page)
    ]
    text = "".join(chunk for _, chunk in chunks)
    starts, offset = [], 0
    for number, chunk in chunks:
        starts.append((offset, number))
        offset += len(chunk)
    figures = []
    for name, patterns in _COMPILED.items():
        for pattern in patterns:
            match = pattern.search(text)
            if match:
                page = max((n for start, n in starts if start <= match.start(1)), default=0)
                amount = to_wan(Decimal(match.group(1).replace(",", "")), match.group(2))
                context = text[
                    max(0, match.start() - CONTEXT_BEFORE_CHARS) : match.end() + CONTEXT_AFTER_CHARS
                ]
                figures.append(NarrativeFigure(name, amount, page, context))
                break
    return figures
