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
from collections.abc import Callable

from pipelines.domain.amounts import find_money_unit
from pipelines.domain.budget_titles import classify_title, is_table_label
from pipelines.domain.subjects import SUBJECT_CODE
from pipelines.domain.tables import COLUMN_NUMBER, TOTAL_LABELS, numbers_columns
from pipelines.domain.text import PAGE_FOOTER, squash
from pipelines.extract.grid import Grid, assemble
from pipelines.extract.layout import (
    Band,
    band_of,
    baseline_lines,
    extent,
    merge_extents,
    printed_lines,
    text_of,
    words,
)
from pipelines.extract.locate import MAX_TITLE_LINES, match_title
from pipelines.extract.pdf_text import Char, PageText

# A printed amount ("1,234.56") or a dash standing for none.
_AMOUNT = re.compile(r"^-?[\d,]+\.\d{2,}$|^[-—–]$")
# One part of a split code (类 3 digits, 款 or 项 2) or a whole code.
_CODE_PART = re.compile(r"^\d{2,7}$")

# Points added beyond the outermost glyphs of the table, so that the characters on its
# edges fall inside the first and last bands.
TABLE_MARGIN = 1.0
# Code parts (类 款 项) are a row's first words; a fourth word is a name or an amount.
CODE_WORDS_PER_LINE = 3
# Code columns lie in the left part of the page (this share of its width); digits
# further right are amounts or line numbers.
CODE_ZONE_WIDTH_RATIO = 0.5
# Row pitch (points) assumed for a table with a single body row: 10.5 pt type plus leading.
DEFAULT_ROW_PITCH = 12.0
# Header characters are spaced out ("项　目") and centred: words closer than this many
# points are one header, wider than the 1 pt that separates body figures.
HEADER_WORD_TOLERANCE = 2.5
# A header word reaching within this many points of an amount column is over it.
HEADER_OVER_COLUMN_SLACK = 1.0
# A code column ends this many points past its widest code when no name shows where the
# name column starts: codes are left-aligned and the name column starts after a gap.
CODE_COLUMN_PAD = 2.0
# Names are left-aligned, so the name column starts this many points before the leftmost
# name: the code column runs up to there, and a code header centred over that column
# ("功能分类科目编码", wider than the codes) stays inside it.
NAME_COLUMN_INSET = 1.0
# A numbered column ends this many points past its right-aligned amounts (cell padding).
AMOUNT_COLUMN_PAD = 2.0
# Line pitches differing by less than this many points are one pitch; a wrapped cell's
# pitch and a row's differ by the cell padding, several points.
MIN_PITCH_STEP = 2.0
# A wrapped cell's line pitch is under this share of the row pitch (rows add padding).
WRAP_PITCH_RATIO = 0.8
# Lines of one wrapped cell are set at the font's line spacing, under this many median
# glyph heights apart (digit boxes, the most common, are about 0.7 em tall).
MAX_WRAP_PITCH_GLYPHS = 2.0
# A numbered column with at least this many body words under it, and at least one per
# BODY_LINES_PER_WORD body lines, holds words (codes, names), not amounts (T06 numbers
# every column).
MIN_WORDS_IN_WORD_COLUMN = 2
BODY_LINES_PER_WORD = 3

Word = list[Char]


def _is_anchor(tokens: list[Word]) -> bool:
    texts = [text_of(t) for t in tokens]
    if any(_AMOUNT.match(t) and any(ch.isdigit() for ch in t) for t in texts):
        return True
    if texts and SUBJECT_CODE.fullmatch(texts[0]):
        return True
    return squash("".join(texts)) in TOTAL_LABELS


def _ends_table(line: list[Char]) -> bool:
    """The note under a table, or the page footer."""
    text = squash(text_of(line))
    return text.startswith(("注", "说明", "备注")) or bool(PAGE_FOOTER.match(text))


def _is_decoration(line: list[Char]) -> bool:
    """Title, money unit, unit name or table label lines printed above the header, of a
    final's table or a budget's ("部门名称：…", "预算01表", "2026年部门收支总表")."""
    text = squash(text_of(line))
    return bool(
        match_title(text)
        or classify_title(text)
        or is_table_label(text)
        or find_money_unit(text)
        or text.startswith(("单位", "部门名称", "预算单位", "编制单位"))
        or re.fullmatch(r"公开\d+表", text)
    )


def grid_from_text(
    page: PageText,
    title_line: str | None = None,
    column_bounds: list[Band] | None = None,
) -> Grid | None:
    """`column_bounds` from the table's first page serve its continuation pages, where
    columns without amounts and without a repeated header cannot be seen."""
    lines = _lines_below_title(page, title_line)
    tokenised = [words(line) for line in lines]
    anchors = [i for i, tokens in enumerate(tokenised) if _is_anchor(tokens)]
    if not anchors:
        return None
    first, last = anchors[0], anchors[-1]
    header = [i for i in range(first) if not _is_decoration(lines[i])]
    # Body lines after the last anchor that are not notes belong to the last row (wrap).
    body = list(range(first, last + 1))
    amount_edges: list[Band] = []
    code_edges: list[Band] = []
    label_edges: list[Band] = []  # names and other words (neither codes nor amounts)
    for i in body:
        tokens = tokenised[i]
        for position, token in enumerate(tokens):
            text = text_of(token)
            if _AMOUNT.match(text):
                amount_edges.append(extent(token))
            elif (
                position < CODE_WORDS_PER_LINE
                and _CODE_PART.match(text)
                and token[0].x0 < page.width * CODE_ZONE_WIDTH_RATIO
            ):
                code_edges.append(extent(token))
            elif not text.isdigit() and squash(text) not in TOTAL_LABELS:
                label_edges.append(extent(token))
    amount_cols = merge_extents(amount_edges)
    code_cols = merge_extents(code_edges)
    left = min(c.x0 for i in header + body for c in lines[i]) - TABLE_MARGIN
    right = max(c.x1 for i in header + body for c in lines[i]) + TABLE_MARGIN
    if column_bounds:
        bounds = column_bounds
    else:
        numbered = _numbered_columns(header, tokenised)
        first_amount = min((x0 for x0, _ in amount_cols), default=right)
        name_right = max(
            (c.x1 for i in body for c in lines[i] if c.x1 < first_amount and not c.text.isdigit()),
            default=left,
        )
        name_left = name_column_start(code_cols, label_edges, first_amount)
        bounds = _column_bounds(
            header, lines, amount_cols, code_cols, numbered, name_right, left, right, name_left
        )
    if not bounds:
        return None
    # Header cells centred over two header rows fuse those rows into one printed line
    # (a merged 功能分类科目编码 over 类|款|项 beside amount headers spanning all rows):
    # header text is split by baseline, one grid row per text line.
    header_lines = baseline_lines([c for i in header for c in lines[i]])
    header_centers = [statistics.fmean(c.cy for c in line) for line in header_lines]
    anchor_centers = [statistics.fmean(c.cy for c in lines[i]) for i in anchors]
    spacing = (
        statistics.median(a - b for a, b in itertools.pairwise(anchor_centers))
        if len(anchor_centers) > 1
        else DEFAULT_ROW_PITCH
    )
    row_keys = header_centers + anchor_centers
    rows: list[Band] = []
    for k, y in enumerate(row_keys):
        top = (
            max(c.y1 for c in (header_lines[0] if header_lines else lines[first])) + TABLE_MARGIN
            if k == 0
            else (row_keys[k - 1] + y) / 2
        )
        bottom = (y + row_keys[k + 1]) / 2 if k + 1 < len(row_keys) else y - spacing / 2
        rows.append((top, bottom))
    joined = _header_spans([words(line) for line in header_lines], bounds)
    return assemble(
        page, bounds, rows, joined, "text-layout", {"page": page.number}, len(header_lines)
    )


def _lines_below_title(page: PageText, title_line: str | None) -> list[list[Char]]:
    """The page's printed lines; on a table's first page, those below its title."""
    lines = printed_lines(list(page.chars))
    if title_line:
        wanted = squash(title_line)
        for i in range(len(lines)):
            # A wrapped title is printed over consecutive lines (locate.find_titles).
            read = ""
            for k in range(i, min(i + MAX_TITLE_LINES, len(lines))):
                read += squash(text_of(lines[k]))
                if read == wanted:
                    return lines[k + 1 :]
                if not wanted.startswith(read):
                    break
    return lines


def _header_spans(
    header_tokens: list[list[Word]], bounds: list[Band]
) -> Callable[[int, int, str], bool]:
    """A header word running across a column boundary is one spanning cell ("功能分类科目
    编码" over 类|款|项, "本年支出" over its three columns): the `joined` rule of the grid."""
    spans: set[tuple[int, int]] = set()
    for r, tokens in enumerate(header_tokens):
        for token in tokens:
            cols = sorted({c for ch in token if (c := band_of(ch.cx, bounds)) is not None})
            if cols:
                spans.update((r, c) for c in range(cols[0], cols[-1]))

    def joined(r: int, c: int, direction: str) -> bool:
        return direction == "right" and (r, c) in spans

    return joined


def numbered_columns(header_lines: list[list[Word]]) -> list[float]:
    """Centres of the 栏次 row's column numbers (1, 2, 3 …), when it is printed."""
    for tokens in header_lines:
        # The line may carry other header words too (类 款 项).
        numbers = [t for t in tokens if COLUMN_NUMBER.fullmatch(text_of(t))]
        if numbers_columns([text_of(t) for t in numbers]):
            return [(t[0].x0 + t[-1].x1) / 2 for t in numbers]
    return []


def _numbered_columns(header: list[int], tokenised: list[list[Word]]) -> list[float]:
    return numbered_columns([tokenised[i] for i in header])


def _column_bounds(
    header: list[int],
    lines: list[list[Char]],
    amount_cols: list[Band],
    code_cols: list[Band],
    numbered: list[float],
    name_right: float,
    left: float,
    right: float,
    name_left: float | None = None,
) -> list[Band]:
    """Column boundaries, left to right: code columns, the name column, amount columns.

    `name_right` is where the longest printed name ends: no amount column starts before;
    `name_left`, when known, is where the name column starts (name_column_start).
    """
    if len(numbered) >= 2:
        # The 栏次 row numbers every amount column, centred: columns without any amount
        # on the page are found too, and boundaries fall halfway between numbers.
        centers = sorted(numbered)
        edges = [(a + b) / 2 for a, b in itertools.pairwise(centers)]
        first_left = centers[0] - (centers[1] - centers[0]) / 2
        amount_bounds = list(
            itertools.pairwise([first_left, *edges, max(right, centers[-1] + TABLE_MARGIN)])
        )
    else:
        # A header word over exactly one amount column widens it (headers are wider
        # than the figures); one standing clear of every amount column is a column of
        # its own (no amount on this page). Words spanning several columns say nothing.
        # Only header words right of the names count: those may be spaced out.
        columns = [list(c) for c in amount_cols]
        header_extents = [(c.x0, c.x1) for i in header for c in lines[i] if c.x0 >= name_right]
        for x0, x1 in merge_extents(header_extents, tolerance=HEADER_WORD_TOLERANCE):
            over = [
                c
                for c in columns
                if x0 <= c[1] + HEADER_OVER_COLUMN_SLACK and x1 >= c[0] - HEADER_OVER_COLUMN_SLACK
            ]
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
    code_bounds: list[Band] = []
    codes = [c for c in code_cols if c[1] < amount_left]
    for k, (x0, x1) in enumerate(codes):
        lo = left if k == 0 else (codes[k - 1][1] + x0) / 2
        if k + 1 < len(codes):
            hi = (x1 + codes[k + 1][0]) / 2
        elif name_left is not None and x1 < name_left < amount_left:
            hi = name_left
        else:
            hi = x1 + CODE_COLUMN_PAD
        code_bounds.append((lo, hi))
    name_left = code_bounds[-1][1] if code_bounds else left
    return [*code_bounds, (name_left, amount_left), *amount_bounds]


def name_column_start(
    code_cols: list[Band], label_edges: list[Band], amount_left: float
) -> float | None:
    """Where the name column begins: just before the leftmost label right of the codes and
    left of the amounts (names are left-aligned; codes end well short of their column's
    right edge, up to which a centred code header may reach). None without codes or names.
    """
    if not code_cols:
        return None
    code_right = max(x1 for _, x1 in code_cols)
    starts = [x0 for x0, x1 in label_edges if code_right < x0 and x1 < amount_left]
    return min(starts) - NAME_COLUMN_INSET if starts else None


def row_groups(lines: list[list[Char]], indices: list[int]) -> list[list[int]]:
    """Body lines grouped into rows: a wrapped cell's next line is closer to the line above
    than the next row is (rows add cell padding), so line spacing splits into two sizes."""
    centers = [statistics.fmean(c.cy for c in lines[i]) for i in indices]
    gaps = sorted(a - b for a, b in itertools.pairwise(centers))
    glyph = statistics.median(c.y1 - c.y0 for i in indices for c in lines[i])
    threshold = None
    # The wrap pitch is the smallest: the first clear step up from it ends it (the widest
    # step may lie higher, between single-line rows and rows beside a wrapped cell). A
    # page without wraps has only row pitches, all wider than a line of type.
    for a, b in itertools.pairwise(gaps):
        if a > MAX_WRAP_PITCH_GLYPHS * glyph:
            break
        if b - a >= MIN_PITCH_STEP and a < WRAP_PITCH_RATIO * b:
            # Wrapped lines are set at one line spacing: pitches spread wider than a step
            # below it are rows without padding (a table with no rules), not wraps.
            if a - gaps[0] < MIN_PITCH_STEP:
                threshold = (a + b) / 2
            break

    def has_figure(i: int) -> bool:
        return any(ch.text.isdigit() for ch in lines[i])

    groups: list[list[int]] = []
    # Whether each group's first line is close to the line above (a wrap, not a row).
    opens_close: list[bool] = []
    for k, i in enumerate(indices):
        close = bool(threshold is not None and k and centers[k - 1] - centers[k] < threshold)
        # Only a line of words continues a wrapped cell: one with a figure starts a row.
        if groups and close and not has_figure(i):
            groups[-1].append(i)
        else:
            groups.append([i])
            opens_close.append(close)
    # Figures are centred on their row: beside a label wrapped over an odd number of lines
    # they print on its middle line. A row of figures with n wrapped lines below it, whose
    # close line above ends n lines of words only, takes those lines back.
    merged: list[list[int]] = []
    for group, close in zip(groups, opens_close, strict=True):
        above = merged[-1] if merged else []
        if (
            close
            and has_figure(group[0])
            and len(above) == len(group) - 1
            and not any(has_figure(i) for i in above)
        ):
            merged[-1] = above + group
        else:
            merged.append(group)
    return merged


def centred_lead(lines: list[list[Char]], first: int, first_row: list[int]) -> int:
    """How many lines above `first` (a row's line of figures) belong to its row: as many
    as its wrapped lines below, when they hold words only and are set at the same pitch
    (figures are centred on a label wrapped over an odd number of lines)."""
    below = len(first_row) - 1
    if below == 0 or first < below:
        return 0
    above = range(first - below, first)
    if any(ch.text.isdigit() for i in above for ch in lines[i]):
        return 0

    def center(i: int) -> float:
        return statistics.fmean(c.cy for c in lines[i])

    pitch_above = center(first - 1) - center(first)
    pitch_below = center(first) - center(first_row[1])
    return below if abs(pitch_above - pitch_below) < MIN_PITCH_STEP else 0


def grid_from_text_layout(
    page: PageText,
    title_line: str | None = None,
    column_bounds: list[Band] | None = None,
) -> Grid | None:
    """Unruled statements, economic-class and 三公 tables (T01, T04, T06, T07).

    Their rows are not anchored on codes, so rows come from line spacing; columns from
    the 栏次 row's numbers when it numbers the amount columns (right-aligned amounts fix
    each one's right edge, the number its centre), and from clusters of body words in
    the stretches the numbers do not cover.
    """
    lines = _lines_below_title(page, title_line)
    lines = [line for line in lines if not _is_decoration(line)]
    tokenised = [words(line) for line in lines]
    numbered_at = next((i for i in range(len(lines)) if _numbered_columns([i], tokenised)), None)
    amount_lines = [
        i
        for i, tokens in enumerate(tokenised)
        if any(_AMOUNT.match(text_of(t)) and any(ch.isdigit() for ch in text_of(t)) for t in tokens)
    ]
    if not amount_lines and numbered_at is None and not column_bounds:
        return None  # a continuation page (column_bounds) may hold rows with no amount
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
    right = max(c.x1 for i in header + body for c in lines[i]) + TABLE_MARGIN
    left = min(c.x0 for i in header + body for c in lines[i]) - TABLE_MARGIN
    if column_bounds:
        bounds = column_bounds
    else:
        centers = _numbered_columns(header, tokenised) if numbered_at is not None else []
        header_words = lowest_header_words([tokenised[i] for i in header])
        bounds = _layout_column_bounds(tokenised, body, centers, left, right, header_words)
    if not bounds:
        return None
    groups = row_groups(lines, body)
    if numbered_at is None and not column_bounds:
        # The body was taken to start at its first amount; a label wrapped above it
        # belongs to that row (the amount is centred on it).
        lead = centred_lead(lines, first_body, groups[0])
        if lead:
            groups[0] = [*range(first_body - lead, first_body), *groups[0]]
            body = list(range(first_body - lead, last_body + 1))
            header = list(range(first_body - lead))
    # Header cells centred over two header rows would fuse those rows into one printed
    # line; header text is therefore split by baseline, one row per text line.
    header_lines = baseline_lines([c for i in header for c in lines[i]])
    header_centers = [statistics.fmean(c.cy for c in line) for line in header_lines]
    body_top = max(c.y1 for c in lines[body[0]])
    rows: list[Band] = []
    for k, center in enumerate(header_centers):
        upper = max(c.y1 for c in header_lines[0]) + TABLE_MARGIN if k == 0 else rows[-1][1]
        lower = (center + header_centers[k + 1]) / 2 if k + 1 < len(header_centers) else body_top
        rows.append((upper, lower))
    extents = [
        (max(c.y1 for i in g for c in lines[i]), min(c.y0 for i in g for c in lines[i]))
        for g in groups
    ]
    for k, (top, bottom) in enumerate(extents):
        upper = top + TABLE_MARGIN if k == 0 else (extents[k - 1][1] + top) / 2
        lower = bottom - TABLE_MARGIN if k + 1 == len(extents) else (bottom + extents[k + 1][0]) / 2
        rows.append((upper, lower))
    # Make rows contiguous from the header down.
    for k in range(1, len(rows)):
        if rows[k][0] < rows[k - 1][1]:
            rows[k] = (rows[k - 1][1], rows[k][1])
    joined = _header_spans([words(line) for line in header_lines], bounds)
    return assemble(page, bounds, rows, joined, "text-layout", {"page": page.number})


def lowest_header_words(header_lines: list[list[Word]]) -> list[Band]:
    """Extents of the header words printed right above a column's body: those with no
    header word under them (column numbers aside). Words higher up head a group of
    columns ("经济分类科目编码" over 类|款) and may span them."""
    lines = [
        [t for t in tokens if not COLUMN_NUMBER.fullmatch(text_of(t))] for tokens in header_lines
    ]
    lowest = []
    for i, tokens in enumerate(lines):
        for token in tokens:
            x0, x1 = extent(token)
            if not any(u[0].x0 < x1 and u[-1].x1 > x0 for below in lines[i + 1 :] for u in below):
                lowest.append((x0, x1))
    return lowest


def gap_split(lo: float, hi: float, header: list[Band]) -> float:
    """Where to put the boundary in the gap (lo, hi) between two columns' body words:
    where it cuts the fewest header words, halfway when that is as good. A header
    centred over a column wider than its figures or codes reaches into the gap; the
    boundary then passes just beside it, so that the header stays over its own column."""
    halfway = (lo + hi) / 2
    candidates = [halfway, *(x for a, b in header for x in (a, b) if lo < x < hi)]

    def cuts(x: float) -> int:
        return sum(a < x < b for a, b in header)

    return min(candidates, key=lambda x: (cuts(x), abs(x - halfway)))


def _layout_column_bounds(
    tokenised: list[list[Word]],
    body: list[int],
    centers: list[float],
    left: float,
    right: float,
    header: list[Band],
) -> list[Band]:
    """Contiguous column bounds. A numbered column's right edge is its right-aligned
    amounts' (a number stands at the column's centre); the stretches between numbered
    columns split where their words (labels, codes, line numbers) leave gaps, clear of
    the `header` words' extents (gap_split)."""
    amount_tokens = [t for i in body for t in tokenised[i] if _AMOUNT.match(text_of(t))]
    word_tokens = [
        t
        for i in body
        for t in tokenised[i]
        if not _AMOUNT.match(text_of(t)) and squash(text_of(t)) not in TOTAL_LABELS
    ]
    word_centers = [(t[0].x0 + t[-1].x1) / 2 for t in word_tokens]

    def amount_edge(numbers: list[float], k: int) -> float | None:
        """Right edge of number k's column from its right-aligned amounts: they end right
        of its number, short of the next one. None when it has none on this page."""
        upper = numbers[k + 1] if k + 1 < len(numbers) else right
        ends = [t[-1].x1 for t in amount_tokens if numbers[k] < t[-1].x1 <= upper]
        return max(ends) + AMOUNT_COLUMN_PAD if ends else None

    # A numbered column over words (codes, names: T06 numbers every column) is found
    # from its words below, like the unnumbered ones; only amount columns keep a number.
    def nearest(x: float) -> int:
        return min(range(len(centers)), key=lambda k: abs(centers[k] - x))

    word_counts = [0] * len(centers)
    for x in word_centers:
        if centers:
            word_counts[nearest(x)] += 1
    words_in_word_column = max(MIN_WORDS_IN_WORD_COLUMN, len(body) // BODY_LINES_PER_WORD)
    found_edges = [amount_edge(centers, k) for k in range(len(centers))]
    half_widths = [e - c for c, e in zip(centers, found_edges, strict=True) if e is not None]
    reach = statistics.median(half_widths) if half_widths else 0.0

    def over_words(k: int) -> bool:
        """Many words nearest the number, or a word within an amount column's reach of it
        (long left-aligned names have their centres nearer the next number)."""
        return word_counts[k] >= words_in_word_column or any(
            t[0].x0 <= centers[k] + reach and t[-1].x1 >= centers[k] - reach for t in word_tokens
        )

    # Words nearest a number need not be under it: labels of an unnumbered column
    # (T01's expense side) may stand nearer the amount column left of them.
    centers = [c for k, c in enumerate(centers) if found_edges[k] is not None or not over_words(k)]
    n = len(centers)
    edges = [amount_edge(centers, k) for k in range(n)]
    # Neighbouring numbered columns touch unless words (a label column) lie between them.
    touching = [
        not any(centers[k] < x < centers[k + 1] for x in word_centers) for k in range(n - 1)
    ]
    shared: list[float | None] = []
    for k in range(n - 1):
        next_edge = edges[k + 1]
        if not touching[k]:
            shared.append(None)
        elif edges[k] is not None:
            shared.append(edges[k])
        elif next_edge is not None:
            shared.append(2 * centers[k + 1] - next_edge)
        else:
            shared.append((centers[k] + centers[k + 1]) / 2)
    numbered: list[Band] = []
    for k, center in enumerate(centers):
        lo = shared[k - 1] if k > 0 else None
        hi = shared[k] if k < n - 1 else None
        hi = hi if hi is not None else edges[k]
        if lo is None and hi is not None:
            lo = 2 * center - hi
        if hi is None and lo is not None:
            hi = 2 * center - lo
        if lo is None or hi is None:  # a lone column with no amount on this page
            # Numbers stand at their cells' centres and parallel groups repeat one cell
            # width (T06's 决算数 columns): it takes the half-width of the columns whose
            # amounts show it, short of its neighbours; the page's printed text does not
            # bound it, since its amounts may appear only on the next page.
            neighbours = [abs(c - center) / 2 for c in centers if c != center]
            half = min([reach if half_widths else right - center, *neighbours])
            lo, hi = center - half, center + half
        numbered.append((lo, hi))

    # Words outside the numbered columns make the other columns.
    def covered(x: float) -> bool:
        return any(a <= x <= b for a, b in numbered)

    outside = [
        extent(t)
        for i in body
        for t in tokenised[i]
        if not covered((t[0].x0 + t[-1].x1) / 2) and squash(text_of(t)) not in TOTAL_LABELS
    ]
    others = merge_extents(outside)
    columns = sorted([(a, b, True) for a, b in numbered] + [(a, b, False) for a, b in others])
    bounds: list[Band] = []
    for k, (x0, x1, fixed) in enumerate(columns):
        lo = x0 if fixed else (left if k == 0 else gap_split(columns[k - 1][1], x0, header))
        hi = (
            x1
            if fixed
            else (right if k + 1 == len(columns) else gap_split(x1, columns[k + 1][0], header))
        )
        if k and not fixed and columns[k - 1][2]:
            lo = columns[k - 1][1]
        if k + 1 < len(columns) and not fixed and columns[k + 1][2]:
            hi = columns[k + 1][0]
        bounds.append((lo, hi))
    return bounds
