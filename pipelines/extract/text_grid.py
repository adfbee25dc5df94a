"""The fallback for tables printed without cell rules: a grid from the text layout.

Rows are anchored on the body lines (a code, an amount or 合计); a wrapped name's second
line falls to the nearest anchor. Columns come from the right edges of the amounts
(right-aligned), the 栏次 row's column numbers when printed, and the left edges of the
code columns. Characters are then placed exactly as on a ruled grid.
"""

from __future__ import annotations

import itertools
import re
import statistics

from pipelines.domain.amounts import find_money_unit
from pipelines.domain.text import squash
from pipelines.extract.grid import Grid, _assemble
from pipelines.extract.locate import match_title
from pipelines.extract.pdf_text import Char, PageText

_AMOUNT = re.compile(r"^-?[\d,]+\.\d{2,}$|^[-—–]$")
_CODE_PART = re.compile(r"^\d{2,7}$")
_COLUMN_NUMBER = re.compile(r"^\d{1,2}$")


def _lines(chars: list[Char]) -> list[list[Char]]:
    """Characters grouped into printed lines (vertical overlap), top to bottom."""
    lines: list[tuple[float, float, list[Char]]] = []
    for ch in sorted(chars, key=lambda c: -c.cy):
        for i, (bottom, top, members) in enumerate(lines):
            if ch.y0 < top and ch.y1 > bottom:
                members.append(ch)
                lines[i] = (min(bottom, ch.y0), max(top, ch.y1), members)
                break
        else:
            lines.append((ch.y0, ch.y1, [ch]))
    lines.sort(key=lambda line: -(line[0] + line[1]))
    return [sorted(members, key=lambda c: c.x0) for _, _, members in lines]


def _tokens(line: list[Char]) -> list[list[Char]]:
    """Runs of characters separated by a gap wider than half a character."""
    tokens: list[list[Char]] = []
    for ch in line:
        if tokens:
            prev = tokens[-1][-1]
            gap = ch.x0 - prev.x1
            if gap <= 0.5 * max(ch.y1 - ch.y0, prev.y1 - prev.y0, 1.0):
                tokens[-1].append(ch)
                continue
        tokens.append([ch])
    return tokens


def _text(token: list[Char]) -> str:
    return "".join(c.text for c in token)


def _is_anchor(tokens: list[list[Char]]) -> bool:
    texts = [_text(t) for t in tokens]
    if any(_AMOUNT.match(t) and any(ch.isdigit() for ch in t) for t in texts):
        return True
    if texts and re.fullmatch(r"\d{3}|\d{5}|\d{7}", texts[0]):
        return True
    return squash("".join(texts)) in ("合计", "总计")


def _is_decoration(line: list[Char]) -> bool:
    """Title, money unit, unit name or table label lines printed above the header."""
    text = squash("".join(c.text for c in line))
    return bool(
        match_title(text)
        or find_money_unit(text)
        or text.startswith("单位")
        or re.fullmatch(r"公开\d+表", text)
    )


def _cluster(
    extents: list[tuple[float, float]], tolerance: float = 1.0
) -> list[tuple[float, float]]:
    """Merge overlapping horizontal extents: the tokens of one column overlap, whether
    they are right-aligned or centred, and columns are separated by a gap."""
    merged: list[list[float]] = []
    for x0, x1 in sorted(extents):
        if merged and x0 <= merged[-1][1] + tolerance:
            merged[-1][1] = max(merged[-1][1], x1)
        else:
            merged.append([x0, x1])
    return [(a, b) for a, b in merged]


def grid_from_text(
    page: PageText,
    title_line: str | None = None,
    column_bounds: list[tuple[float, float]] | None = None,
) -> Grid | None:
    """`column_bounds` from the table's first page serve its continuation pages, where
    columns without amounts and without a repeated header cannot be seen."""
    chars = list(page.chars)
    lines = _lines(chars)
    if title_line:  # start below the title on the title page
        wanted = squash(title_line)
        for i, line in enumerate(lines):
            if squash("".join(c.text for c in line)) == wanted:
                lines = lines[i + 1 :]
                break
    tokenised = [_tokens(line) for line in lines]
    anchors = [i for i, tokens in enumerate(tokenised) if _is_anchor(tokens)]
    if not anchors:
        return None
    first, last = anchors[0], anchors[-1]
    header = [i for i in range(first) if not _is_decoration(lines[i])]
    # Body lines after the last anchor that are not notes belong to the last row (wrap).
    body = list(range(first, last + 1))
    amount_edges: list[tuple[float, float]] = []
    code_edges: list[tuple[float, float]] = []
    for i in body:
        tokens = tokenised[i]
        for position, token in enumerate(tokens):
            text = _text(token)
            if _AMOUNT.match(text):
                amount_edges.append((token[0].x0, token[-1].x1))
            elif position < 3 and _CODE_PART.match(text) and token[0].x0 < page.width / 2:
                code_edges.append((token[0].x0, token[-1].x1))
    amount_cols = _cluster(amount_edges)
    code_cols = _cluster(code_edges)
    columns = amount_cols + code_cols
    for i in header:  # the 栏次 row numbers each column, centred
        texts = [_text(t) for t in tokenised[i]]
        numbers = [
            t for t, text in zip(tokenised[i], texts, strict=True) if _COLUMN_NUMBER.match(text)
        ]
        if len(numbers) >= 2 and all(_COLUMN_NUMBER.match(x) or "栏次" in x for x in texts):
            for token in numbers:
                if not any(
                    x0 - 2 <= (token[0].x0 + token[-1].x1) / 2 <= x1 + 2 for x0, x1 in columns
                ):
                    columns.append((token[0].x0, token[-1].x1))
    # Columns with no amount on this page still print their header: header characters
    # standing clear of every column found so far make a column of their own.
    # Only right of the names: header words of the name column are spaced out.
    first_amount = min((x0 for x0, _ in amount_cols), default=page.width)
    header_extents = [(c.x0, c.x1) for i in header for c in lines[i] if c.x0 >= first_amount - 1]
    for x0, x1 in _cluster(header_extents, tolerance=2.5):
        if not any(x0 <= b + 1 and x1 >= a - 1 for a, b in columns):
            columns.append((x0, x1))
    columns.sort()
    if not columns:
        return None
    left = min(c.x0 for i in header + body for c in lines[i]) - 1
    right = max(c.x1 for i in header + body for c in lines[i]) + 1
    # The name column: the gap between the code columns and the first amount column.
    if amount_cols:
        name_left = max((x1 for _, x1 in code_cols), default=left) + 1
        name_right = min(x0 for x0, _ in amount_cols) - 1
        if name_right > name_left:
            columns.append((name_left, name_right))
    columns.sort()
    bounds: list[tuple[float, float]] = []
    for k, (x0, x1) in enumerate(columns):
        lo = left if k == 0 else (columns[k - 1][1] + x0) / 2
        hi = right if k == len(columns) - 1 else (x1 + columns[k + 1][0]) / 2
        bounds.append((lo, hi))
    if column_bounds:
        bounds = column_bounds
    centers = {i: statistics.fmean(c.cy for c in lines[i]) for i in header + body}
    anchor_centers = [centers[i] for i in anchors]
    spacing = (
        statistics.median(a - b for a, b in itertools.pairwise(anchor_centers))
        if len(anchor_centers) > 1
        else 12.0
    )
    row_keys = [centers[i] for i in header] + anchor_centers
    rows: list[tuple[float, float]] = []
    for k, y in enumerate(row_keys):
        top = (
            max(c.y1 for c in lines[header[0] if header else first]) + 1
            if k == 0
            else (row_keys[k - 1] + y) / 2
        )
        bottom = (y + row_keys[k + 1]) / 2 if k + 1 < len(row_keys) else y - spacing / 2
        rows.append((top, bottom))
    return _assemble(
        page, bounds, rows, lambda r, c, d: False, "text-layout", {"page": page.number}
    )
