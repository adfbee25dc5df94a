"""Characters into lines, words and columns: the one place that groups text by position.

Coordinates are PDF points with y growing upwards (pdfium's page space); a line is
listed top first. Both grid readers use these: the ruled grid (grid.py) to join a
cell's characters, the text-layout fallback (text_grid.py) to find rows and columns.
"""

from __future__ import annotations

import bisect
import re
import unicodedata

from pipelines.extract.pdf_text import Char

# A glyph shorter than this share of the median glyph height is flat (a dash, a full
# stop): its box is too thin to overlap the line it is printed on.
FLAT_GLYPH_HEIGHT_RATIO = 0.4
# A flat glyph joins the nearest line whose centre is within this many median glyph
# heights; farther away it is a line of its own (a lone "-" in an empty row).
FLAT_GLYPH_REACH = 1.0
# Characters closer than this share of their height are one word: CJK glyphs abut and
# digits are kerned tight, while table columns leave at least half an em between them.
WORD_GAP_RATIO = 0.5
# Floor for the height the word gap is measured against (points): a flat glyph ("-")
# would otherwise split from a neighbour one hair away.
MIN_WORD_GAP_HEIGHT = 1.0
# Centres within this many points share a baseline: one printed line of one font size.
BASELINE_TOLERANCE = 1.0
# Extents that overlap or come this close (points) are one column: glyph boxes of
# right-aligned or centred figures in one column always overlap, columns leave a gap.
COLUMN_MERGE_TOLERANCE = 1.0

# An amount ends with its two decimals; a character after it this many points away (or
# more) starts a new word: glyphs of one word abut, cells leave at least their padding.
AMOUNT_END_GAP = 0.5
_AMOUNT_END = re.compile(r"\d\.\d{2}$")

Line = tuple[float, float, list[Char]]  # (bottom, top, characters) of one printed line
Band = tuple[float, float]  # a column (x_left, x_right) or a row (y_top, y_bottom)


def overlapping_lines(chars: list[Char]) -> list[Line]:
    """(bottom, top, chars) of each line, top first: a character joins the first line its
    vertical extent overlaps."""
    lines: list[Line] = []
    for ch in sorted(chars, key=lambda c: -c.cy):
        for i, (bottom, top, members) in enumerate(lines):
            if ch.y0 < top and ch.y1 > bottom:
                members.append(ch)
                lines[i] = (min(bottom, ch.y0), max(top, ch.y1), members)
                break
        else:
            lines.append((ch.y0, ch.y1, [ch]))
    return lines


def cell_text(chars: list[Char]) -> str:
    """Characters of one cell in reading order: lines top to bottom, left to right.

    A character joins a line when their vertical extents overlap: glyph boxes are tight,
    so "," and "." sit low beside the digits of the same line, while wrapped lines are
    separated by leading.
    """
    lines = overlapping_lines(chars)
    lines.sort(key=lambda line: -(line[0] + line[1]))
    return "\n".join("".join(c.text for c in sorted(m, key=lambda c: c.cx)) for _, _, m in lines)


def printed_lines(chars: list[Char]) -> list[list[Char]]:
    """A page's characters grouped into printed lines (vertical overlap), top to bottom,
    each left to right.

    Flat glyphs (a dash, a full stop) join the line whose middle they sit nearest, not a
    line of their own: an amount "-" centred beside a wrapped label is part of that row.
    """
    heights = sorted(c.y1 - c.y0 for c in chars)
    typical = heights[len(heights) // 2] if heights else 0.0
    tall = [c for c in chars if c.y1 - c.y0 >= FLAT_GLYPH_HEIGHT_RATIO * typical]
    flat = [c for c in chars if c.y1 - c.y0 < FLAT_GLYPH_HEIGHT_RATIO * typical]
    lines = overlapping_lines(tall)
    # A flat glyph joins the line of the tall character nearest in height (a line's own
    # extent can be stretched by a wrapped cell beside it).
    by_height = sorted((c.cy, i) for i, (_, _, members) in enumerate(lines) for c in members)
    centres = [cy for cy, _ in by_height]
    for ch in flat:
        at = bisect.bisect_left(centres, ch.cy)
        near = [k for k in (at - 1, at) if 0 <= k < len(centres)]
        best = min(near, key=lambda k: abs(centres[k] - ch.cy), default=None)
        if best is not None and abs(centres[best] - ch.cy) <= FLAT_GLYPH_REACH * typical:
            lines[by_height[best][1]][2].append(ch)
        else:
            lines.append((ch.y0, ch.y1, [ch]))
    lines.sort(key=lambda line: -(line[0] + line[1]))
    return [sorted(members, key=lambda c: c.x0) for _, _, members in lines]


def baseline_lines(chars: list[Char]) -> list[list[Char]]:
    """Characters on the same baseline (their centres within BASELINE_TOLERANCE), top to
    bottom: keeps apart two header rows that a cell centred over both would fuse."""
    lines: list[list[Char]] = []
    for ch in sorted(chars, key=lambda c: -c.cy):
        if lines and abs(lines[-1][-1].cy - ch.cy) <= BASELINE_TOLERANCE:
            lines[-1].append(ch)
        else:
            lines.append([ch])
    return [sorted(line, key=lambda c: c.x0) for line in lines]


def words(line: list[Char]) -> list[list[Char]]:
    """Runs of a line's characters (left to right) split where the gap is wider than
    WORD_GAP_RATIO of the taller neighbour, or where an amount ends ("…3268.25") and the
    next character stands a hair away (a number's own glyphs abut): a right-aligned
    amount may touch the left-aligned label or code of the next column when cells are
    tightly padded."""
    runs: list[list[Char]] = []
    for ch in line:
        if runs:
            prev = runs[-1][-1]
            gap = ch.x0 - prev.x1
            height = max(ch.y1 - ch.y0, prev.y1 - prev.y0, MIN_WORD_GAP_HEIGHT)
            amount_ends = gap > AMOUNT_END_GAP and bool(_AMOUNT_END.search(text_of(runs[-1])))
            if gap <= WORD_GAP_RATIO * height and not amount_ends:
                runs[-1].append(ch)
                continue
        runs.append([ch])
    return runs


def text_of(chars: list[Char]) -> str:
    """The characters' text as listed (a word or a line: already left to right)."""
    return "".join(c.text for c in chars)


def extent(chars: list[Char]) -> tuple[float, float]:
    """(x_left, x_right) of a word, its characters listed left to right."""
    return chars[0].x0, chars[-1].x1


def merge_extents(
    extents: list[tuple[float, float]], tolerance: float = COLUMN_MERGE_TOLERANCE
) -> list[tuple[float, float]]:
    """Columns from horizontal extents: extents that overlap (or come within
    `tolerance`) are one column, whether its figures are right-aligned or centred."""
    merged: list[list[float]] = []
    for x0, x1 in sorted(extents):
        if merged and x0 <= merged[-1][1] + tolerance:
            merged[-1][1] = max(merged[-1][1], x1)
        else:
            merged.append([x0, x1])
    return [(a, b) for a, b in merged]


def band_of(value: float, bands: list[Band], descending: bool = False) -> int | None:
    """Index of the first band holding `value` (edges included), or None.

    Columns are (x_left, x_right); rows are (y_top, y_bottom) with y growing upwards, so
    their bounds are `descending`.
    """
    for i, (a, b) in enumerate(bands):
        lo, hi = (b, a) if descending else (a, b)
        if lo <= value <= hi:
            return i
    return None


# Glyphs of two stacked lines overlap across by more than this share of the narrower one;
# glyphs of one line only touch (kerning), so a lower line that overlaps is another line.
STACKED_OVERLAP_RATIO = 0.3


def _is_punctuation(ch: Char) -> bool:
    """Punctuation ("。", "，", "：", a decimal point) sits low on its baseline, and kerned
    full-width punctuation keeps its full advance as its box while printing half of it: its
    box overlaps the next glyph, so it says nothing about lines stacking."""
    return bool(ch.text) and all(unicodedata.category(t).startswith("P") for t in ch.text)


def _stacked(line: list[Char], other: list[Char]) -> bool:
    """Whether any glyph of `other` sits over or under a glyph of `line` (across overlap);
    `line` is sorted by x0. Punctuation on either side never decides."""
    starts = [c.x0 for c in line]
    widest = max(c.x1 - c.x0 for c in line)
    for a in other:
        if _is_punctuation(a):
            continue
        j = bisect.bisect_left(starts, a.x1) - 1
        while j >= 0 and starts[j] > a.x0 - widest:
            b = line[j]
            if _is_punctuation(b):
                j -= 1
                continue
            overlap = min(a.x1, b.x1) - max(a.x0, b.x0)
            if overlap > STACKED_OVERLAP_RATIO * min(a.x1 - a.x0, b.x1 - b.x0):
                return True
            j -= 1
    return False


def reading_lines(chars: list[Char]) -> list[list[Char]]:
    """A page's text lines as a reader sees them, top to bottom, each left to right.

    The printed lines (printed_lines: vertical overlap, flat glyphs joined) split where
    their baselines stack: a table row whose label wraps in its cell is one printed line
    by overlap, but its wrapped label is read as two lines, not as characters interleaved.
    Each baseline joins the first line it does not stack under, so the amounts centred in
    such a row stay on the row's first line and a flat "。" stays on its sentence.
    """
    result: list[list[Char]] = []
    for printed in printed_lines(chars):
        lines: list[list[Char]] = []
        for baseline in baseline_lines(printed):
            target = next((line for line in lines if not _stacked(line, baseline)), None)
            if target is None:
                lines.append(list(baseline))
            else:
                target.extend(baseline)
                target.sort(key=lambda c: c.x0)
        result.extend(lines)
    return result


def spaced_text(line: list[Char]) -> str:
    """A line's text with one space where its words part (words()), as a reader copies it."""
    return " ".join(text_of(word) for word in words(line))
