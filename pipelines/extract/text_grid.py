"""The fallback for tables printed without cell rules: a grid from the text layout.

Rows are anchored on the body lines (a code, an amount or 合计); a wrapped name's second
line falls to the nearest anchor. Columns come from the right edges of the amounts
(right-aligned), the 栏次 row's column numbers when printed, and the left edges of the
code columns. Characters are then placed exactly as on a ruled grid.
"""

from __future__ import annotations

import bisect
import itertools
import re
import statistics

from pipelines.domain.amounts import find_money_unit
from pipelines.domain.text import squash
from pipelines.extract.grid import Grid, _assemble, overlapping_lines
from pipelines.extract.locate import match_title
from pipelines.extract.pdf_text import Char, PageText

_AMOUNT = re.compile(r"^-?[\d,]+\.\d{2,}$|^[-—–]$")
_CODE_PART = re.compile(r"^\d{2,7}$")
_COLUMN_NUMBER = re.compile(r"^\d{1,2}$")


def _lines(chars: list[Char]) -> list[list[Char]]:
    """Characters grouped into printed lines (vertical overlap), top to bottom.

    Flat glyphs (a dash, a full stop) join the line whose middle they sit nearest, not a
    line of their own: an amount "-" centred beside a wrapped label is part of that row.
    """
    heights = sorted(c.y1 - c.y0 for c in chars)
    typical = heights[len(heights) // 2] if heights else 0.0
    tall = [c for c in chars if c.y1 - c.y0 >= 0.4 * typical]
    flat = [c for c in chars if c.y1 - c.y0 < 0.4 * typical]
    lines = overlapping_lines(tall)
    # A flat glyph joins the line of the tall character nearest in height (a line's own
    # extent can be stretched by a wrapped cell beside it).
    by_height = sorted((c.cy, i) for i, (_, _, members) in enumerate(lines) for c in members)
    heights = [cy for cy, _ in by_height]
    for ch in flat:
        at = bisect.bisect_left(heights, ch.cy)
        near = [k for k in (at - 1, at) if 0 <= k < len(heights)]
        best = min(near, key=lambda k: abs(heights[k] - ch.cy), default=None)
        if best is not None and abs(heights[best] - ch.cy) <= typical:
            lines[by_height[best][1]][2].append(ch)
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


_FOOTER = re.compile(r"^(?:[-—–]*\d+[-—–]*|第\d+页(?:共\d+页)?)$")


def _ends_table(line: list[Char]) -> bool:
    """The note under a table, or the page footer."""
    text = squash("".join(c.text for c in line))
    return text.startswith(("注", "说明", "备注")) or bool(_FOOTER.match(text))


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
    lines = _lines_below_title(page, title_line)
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
    left = min(c.x0 for i in header + body for c in lines[i]) - 1
    right = max(c.x1 for i in header + body for c in lines[i]) + 1
    if column_bounds:
        bounds = column_bounds
    else:
        numbered = _numbered_columns(header, tokenised)
        first_amount = min((x0 for x0, _ in amount_cols), default=right)
        name_right = max(
            (c.x1 for i in body for c in lines[i] if c.x1 < first_amount and not c.text.isdigit()),
            default=left,
        )
        bounds = _column_bounds(
            page, header, lines, amount_cols, code_cols, numbered, name_right, left, right
        )
    if not bounds:
        return None
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
    joined = _header_spans([tokenised[i] for i in header], bounds)
    return _assemble(page, bounds, rows, joined, "text-layout", {"page": page.number})


def _baseline_lines(chars: list[Char]) -> list[list[Char]]:
    """Characters on the same baseline (their centres within a point), top to bottom."""
    lines: list[list[Char]] = []
    for ch in sorted(chars, key=lambda c: -c.cy):
        if lines and abs(lines[-1][-1].cy - ch.cy) <= 1.0:
            lines[-1].append(ch)
        else:
            lines.append([ch])
    return [sorted(line, key=lambda c: c.x0) for line in lines]


def _lines_below_title(page: PageText, title_line: str | None) -> list[list[Char]]:
    """The page's printed lines; on a table's first page, those below its title."""
    lines = _lines(list(page.chars))
    if title_line:
        wanted = squash(title_line)
        for i, line in enumerate(lines):
            if squash("".join(c.text for c in line)) == wanted:
                return lines[i + 1 :]
    return lines


def _header_spans(header_tokens: list[list[list[Char]]], bounds: list[tuple[float, float]]):
    """A header word running across a column boundary is one spanning cell ("功能分类科目
    编码" over 类|款|项, "本年支出" over its three columns): the `joined` rule of the grid."""
    spans: set[tuple[int, int]] = set()
    for r, tokens in enumerate(header_tokens):
        for token in tokens:
            cols = sorted({c for ch in token if (c := _column_of(ch.cx, bounds)) is not None})
            if cols:
                spans.update((r, c) for c in range(cols[0], cols[-1]))

    def joined(r: int, c: int, direction: str) -> bool:
        return direction == "right" and (r, c) in spans

    return joined


def _column_of(x: float, bounds: list[tuple[float, float]]) -> int | None:
    return next((k for k, (lo, hi) in enumerate(bounds) if lo <= x <= hi), None)


def _numbered_columns(header: list[int], tokenised: list[list[list[Char]]]) -> list[float]:
    """Centres of the 栏次 row's column numbers (1, 2, 3 …), when it is printed."""
    for i in header:
        numbers = [t for t in tokenised[i] if _COLUMN_NUMBER.match(_text(t))]
        # The line may carry other header words too (类 款 项); the numbers must count
        # 1, 2, 3 … from left to right.
        if len(numbers) >= 2 and [int(_text(t)) for t in numbers] == list(
            range(1, len(numbers) + 1)
        ):
            return [(t[0].x0 + t[-1].x1) / 2 for t in numbers]
    return []


def _column_bounds(
    page: PageText,
    header: list[int],
    lines: list[list[Char]],
    amount_cols: list[tuple[float, float]],
    code_cols: list[tuple[float, float]],
    numbered: list[float],
    name_right: float,
    left: float,
    right: float,
) -> list[tuple[float, float]]:
    """Column boundaries, left to right: code columns, the name column, amount columns.

    `name_right` is where the longest printed name ends: no amount column starts before.
    """
    if len(numbered) >= 2:
        # The 栏次 row numbers every amount column, centred: columns without any amount
        # on the page are found too, and boundaries fall halfway between numbers.
        centers = sorted(numbered)
        edges = [(a + b) / 2 for a, b in itertools.pairwise(centers)]
        first_left = centers[0] - (centers[1] - centers[0]) / 2
        amount_bounds = list(itertools.pairwise([first_left, *edges, max(right, centers[-1] + 1)]))
    else:
        # Columns with no amount on this page still print a header: header characters
        # standing clear of every amount column make a column of their own (only right
        # of the names, whose header words may be spaced out).
        # A header word over exactly one amount column widens it (headers are wider
        # than the figures); one standing clear of every amount column is a column of
        # its own (no amount on this page). Words spanning several columns say nothing.
        columns = [list(c) for c in amount_cols]
        header_extents = [(c.x0, c.x1) for i in header for c in lines[i] if c.x0 >= name_right]
        for x0, x1 in _cluster(header_extents, tolerance=2.5):
            over = [c for c in columns if x0 <= c[1] + 1 and x1 >= c[0] - 1]
            if len(over) == 1:
                over[0][0], over[0][1] = min(over[0][0], x0), max(over[0][1], x1)
            elif not over:
                columns.append([x0, x1])
        columns.sort()
        if not columns:
            return []
        edges = [(a[1] + b[0]) / 2 for a, b in itertools.pairwise(columns)]
        start = (name_right + columns[0][0]) / 2
        amount_bounds = list(itertools.pairwise([start, *edges, right]))
    amount_left = amount_bounds[0][0]
    # Code columns (one, or 类|款|项) are left-aligned; the name column fills the rest.
    code_bounds: list[tuple[float, float]] = []
    codes = [c for c in code_cols if c[1] < amount_left]
    for k, (x0, x1) in enumerate(codes):
        lo = left if k == 0 else (codes[k - 1][1] + x0) / 2
        hi = (x1 + codes[k + 1][0]) / 2 if k + 1 < len(codes) else x1 + 2
        code_bounds.append((lo, hi))
    name_left = code_bounds[-1][1] if code_bounds else left
    return [*code_bounds, (name_left, amount_left), *amount_bounds]


def _row_groups(lines: list[list[Char]], indices: list[int]) -> list[list[int]]:
    """Body lines grouped into rows: a wrapped cell's next line is closer to the line above
    than the next row is (rows add cell padding), so line spacing splits into two sizes."""
    centers = [statistics.fmean(c.cy for c in lines[i]) for i in indices]
    gaps = sorted(a - b for a, b in itertools.pairwise(centers))
    threshold = None
    if len(gaps) >= 2:
        widest, split = max((b - a, k) for k, (a, b) in enumerate(itertools.pairwise(gaps)))
        if widest >= 2.0 and gaps[split] < 0.8 * gaps[split + 1]:
            threshold = (gaps[split] + gaps[split + 1]) / 2
    groups: list[list[int]] = []
    for k, i in enumerate(indices):
        close = threshold is not None and k and centers[k - 1] - centers[k] < threshold
        # Only a line of words continues a wrapped cell: one with a figure starts a row.
        if groups and close and not any(ch.text.isdigit() for ch in lines[i]):
            groups[-1].append(i)
        else:
            groups.append([i])
    return groups


def grid_from_text_layout(
    page: PageText,
    title_line: str | None = None,
    column_bounds: list[tuple[float, float]] | None = None,
) -> Grid | None:
    """Unruled statements, economic-class and 三公 tables (T01, T04, T06, T07).

    Their rows are not anchored on codes, so rows come from line spacing; columns from
    the 栏次 row's numbers when it numbers the amount columns (right-aligned amounts fix
    each one's right edge, the number its centre), and from clusters of body words in
    the stretches the numbers do not cover.
    """
    lines = _lines_below_title(page, title_line)
    lines = [line for line in lines if not _is_decoration(line)]
    tokenised = [_tokens(line) for line in lines]
    numbered_at = next((i for i in range(len(lines)) if _numbered_columns([i], tokenised)), None)
    amount_lines = [
        i
        for i, tokens in enumerate(tokenised)
        if any(_AMOUNT.match(_text(t)) and any(ch.isdigit() for ch in _text(t)) for t in tokens)
    ]
    if not amount_lines and numbered_at is None:
        return None
    if numbered_at is not None:
        first_body = numbered_at + 1
    elif column_bounds:  # a continuation page printed without its header
        first_body = 0
    else:
        first_body = amount_lines[0]
    last_body = max([*amount_lines, first_body])
    # Rows after the last amount (blank lines, a wrapped label's end) run on until the
    # note (注：…, 说明：…) or the page footer.
    while last_body + 1 < len(lines) and not _ends_table(lines[last_body + 1]):
        last_body += 1
    body = list(range(first_body, last_body + 1))
    header = list(range(first_body))
    if not body:
        return None
    right = max(c.x1 for i in header + body for c in lines[i]) + 1
    left = min(c.x0 for i in header + body for c in lines[i]) - 1
    if column_bounds:
        bounds = column_bounds
    else:
        centers = _numbered_columns(header, tokenised) if numbered_at is not None else []
        bounds = _layout_column_bounds(lines, tokenised, body, centers, left, right)
    if not bounds:
        return None
    groups = _row_groups(lines, body)
    # Header cells centred over two header rows would fuse those rows into one printed
    # line; header text is therefore split by baseline, one row per text line.
    header_lines = _baseline_lines([c for i in header for c in lines[i]])
    header_centers = [statistics.fmean(c.cy for c in line) for line in header_lines]
    body_top = max(c.y1 for c in lines[body[0]])
    rows: list[tuple[float, float]] = []
    for k, center in enumerate(header_centers):
        upper = max(c.y1 for c in header_lines[0]) + 1 if k == 0 else rows[-1][1]
        lower = (center + header_centers[k + 1]) / 2 if k + 1 < len(header_centers) else body_top
        rows.append((upper, lower))
    extents = [
        (max(c.y1 for i in g for c in lines[i]), min(c.y0 for i in g for c in lines[i]))
        for g in groups
    ]
    for k, (top, bottom) in enumerate(extents):
        upper = top + 1 if k == 0 else (extents[k - 1][1] + top) / 2
        lower = bottom - 1 if k + 1 == len(extents) else (bottom + extents[k + 1][0]) / 2
        rows.append((upper, lower))
    # Make rows contiguous from the header down.
    for k in range(1, len(rows)):
        if rows[k][0] < rows[k - 1][1]:
            rows[k] = (rows[k - 1][1], rows[k][1])
    joined = _header_spans([_tokens(line) for line in header_lines], bounds)
    return _assemble(page, bounds, rows, joined, "text-layout", {"page": page.number})


def _layout_column_bounds(
    lines: list[list[Char]],
    tokenised: list[list[list[Char]]],
    body: list[int],
    centers: list[float],
    left: float,
    right: float,
) -> list[tuple[float, float]]:
    """Contiguous column bounds. A numbered column's right edge is its right-aligned
    amounts' (a number stands at the column's centre); the stretches between numbered
    columns split where their words (labels, codes, line numbers) leave gaps."""
    amount_tokens = [t for i in body for t in tokenised[i] if _AMOUNT.match(_text(t))]
    word_centers = [
        (t[0].x0 + t[-1].x1) / 2
        for i in body
        for t in tokenised[i]
        if not _AMOUNT.match(_text(t)) and squash(_text(t)) not in ("合计", "总计")
    ]

    # A numbered column over words (codes, names: T06 numbers every column) is found
    # from its words below, like the unnumbered ones; only amount columns keep a number.
    def nearest(x: float) -> int:
        return min(range(len(centers)), key=lambda k: abs(centers[k] - x))

    word_counts = [0] * len(centers)
    for x in word_centers:
        if centers:
            word_counts[nearest(x)] += 1
    centers = [
        c for c, count in zip(centers, word_counts, strict=True) if count < max(2, len(body) // 3)
    ]
    n = len(centers)
    # Right edge of each numbered column from its right-aligned amounts, when it has any.
    edges: list[float | None] = []
    for k, center in enumerate(centers):
        upper = centers[k + 1] if k + 1 < n else right
        ends = [t[-1].x1 for t in amount_tokens if center < t[-1].x1 <= upper]
        edges.append(max(ends) + 2 if ends else None)
    # Neighbouring numbered columns touch unless words (a label column) lie between them.
    touching = [
        not any(centers[k] < x < centers[k + 1] for x in word_centers) for k in range(n - 1)
    ]
    shared: list[float | None] = []
    for k in range(n - 1):
        if not touching[k]:
            shared.append(None)
        elif edges[k] is not None:
            shared.append(edges[k])
        elif edges[k + 1] is not None:
            shared.append(2 * centers[k + 1] - edges[k + 1])
        else:
            shared.append((centers[k] + centers[k + 1]) / 2)
    numbered: list[tuple[float, float]] = []
    for k, center in enumerate(centers):
        lo = shared[k - 1] if k > 0 else None
        hi = shared[k] if k < n - 1 else None
        hi = hi if hi is not None else edges[k]
        if lo is None and hi is not None:
            lo = 2 * center - hi
        if hi is None and lo is not None:
            hi = 2 * center - lo
        if lo is None or hi is None:  # a lone column with no amount: half-way to neighbours
            half = min([abs(c - center) / 2 for c in centers if c != center] + [(right - center)])
            lo, hi = center - half, center + half
        numbered.append((lo, hi))
    # Words outside the numbered columns make the other columns.
    covered = lambda x: any(a <= x <= b for a, b in numbered)  # noqa: E731
    extents = [
        (t[0].x0, t[-1].x1)
        for i in body
        for t in tokenised[i]
        if not covered((t[0].x0 + t[-1].x1) / 2) and squash(_text(t)) not in ("合计", "总计")
    ]
    others = _cluster(extents, tolerance=1.0)
    columns = sorted([(a, b, True) for a, b in numbered] + [(a, b, False) for a, b in others])
    bounds: list[tuple[float, float]] = []
    for k, (x0, x1, fixed) in enumerate(columns):
        lo = x0 if fixed else (left if k == 0 else (columns[k - 1][1] + x0) / 2)
        hi = x1 if fixed else (right if k + 1 == len(columns) else (x1 + columns[k + 1][0]) / 2)
        if k and not fixed and columns[k - 1][2]:
            lo = columns[k - 1][1]
        if k + 1 < len(columns) and not fixed and columns[k + 1][2]:
            hi = columns[k + 1][0]
        bounds.append((lo, hi))
    return bounds
