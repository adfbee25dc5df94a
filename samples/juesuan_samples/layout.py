"""Page layout: tables with pagination and running text, as positioned drawing operations.

Everything here is measured with the font's real advance widths, and every text line is
placed so that its glyph box ([baseline − descent, baseline + ascent]) lies inside its
cell with at least MIN_PADDING points to spare on every side.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont

from juesuan_samples.tables import AMOUNT, CODE, CODE_PART, LINE_NO, TableSpec

FONT = "STSong-Light"
ASCENT = 0.752  # of the font size, from the font descriptor
DESCENT = 0.271
GLYPH = ASCENT + DESCENT
MIN_PADDING = 2.0

PORTRAIT = (595.28, 841.89)
LANDSCAPE = (841.89, 595.28)
MARGIN_X = 40.0
MARGIN_TOP = 40.0
MARGIN_BOTTOM = 46.0
FOOTER_BASELINE = 22.0
FOOTER_SIZE = 9.0

H_PAD = 3.0
TITLE_SIZE = 15.0
CAPTION_SIZE = 9.0
NOTE_SIZE = 8.5
NOTE_LEADING = 12.0

# Tables whose rows are capped per page in the continuation variants, so they really continue.
CAPPED_TABLES = frozenset({"T01", "T02", "T03", "T04", "T05", "T08", "T09"})
_CLOSING_PUNCTUATION = set("）)、，。；：”’》」")


def register_font() -> None:
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))


@lru_cache(maxsize=200_000)
def text_width(text: str, size: float) -> float:
    register_font()
    return pdfmetrics.stringWidth(text, FONT, size)


def _right_aligned(text: str, x_right: float, baseline: float, size: float) -> TextOp:
    return TextOp(round(x_right - text_width(text, size), 3), round(baseline, 3), text, size)


def _tokens(text: str) -> list[str]:
    """Break opportunities: each CJK character, each run of Latin letters/digits, each space."""
    tokens: list[str] = []
    previous_latin = False
    for char in text:
        latin = char.isascii() and (char.isalnum() or char in ".,%-")
        if latin and previous_latin:
            tokens[-1] += char  # numbers such as "2,946.25" or "10.29%" never break
        else:
            tokens.append(char)
        previous_latin = latin
    return tokens


def wrap_text(
    text: str, width: float, size: float, first_width: float | None = None
) -> tuple[str, ...]:
    """Greedy line breaking at token boundaries; no line starts with closing punctuation."""
    if not text:
        return ("",)
    lines: list[list[str]] = [[]]
    limit = first_width if first_width is not None else width
    for token in _tokens(text):
        current = lines[-1]
        candidate = "".join([*current, token]).rstrip()
        if current and text_width(candidate, size) > limit + 1e-6:
            carried: list[str] = []
            if token in _CLOSING_PUNCTUATION and len(current) > 1:
                carried = [current.pop()]  # keep the punctuation with the token before it
            lines.append([*carried, token] if token != " " or carried else [])
            limit = width
        else:
            current.append(token)
    lines = [tokens for tokens in lines if "".join(tokens).strip()]
    # A lone CJK character on the last line is moved down with its neighbour: pdfium drops
    # such single-glyph lines from its text layer, and typesetters avoid them anyway.
    while len(lines) > 1 and len("".join(lines[-1]).strip()) == 1 and len(lines[-2]) > 2:
        lines[-1].insert(0, lines[-2].pop())
        if lines[-1][0] not in _CLOSING_PUNCTUATION:
            break
    joined = ("".join(tokens).strip() for tokens in lines)
    return tuple(line for line in joined if line) or ("",)


@dataclass(frozen=True)
class TextOp:
    x: float
    y: float  # baseline
    text: str
    size: float


@dataclass(frozen=True)
class RuleOp:
    x0: float
    y0: float
    x1: float
    y1: float


@dataclass(frozen=True)
class Page:
    width: float
    height: float
    texts: tuple[TextOp, ...]
    rules: tuple[RuleOp, ...] = ()
    rule_style: str = "line"  # line: stroked segments; rect: thin filled rectangles
    rule_width: float = 0.5

    @property
    def orientation(self) -> str:
        return "landscape" if self.width > self.height else "portrait"


@dataclass(frozen=True)
class _Metrics:
    size: float
    v_pad: float

    @property
    def leading(self) -> float:
        return self.size * 1.25

    def block_height(self, lines: int) -> float:
        return (lines - 1) * self.leading + GLYPH * self.size

    def row_height(self, lines: int) -> float:
        return self.block_height(lines) + 2 * self.v_pad


# Font size and vertical padding tried in turn to fit a table on one page (continuation "none").
_FITTING_METRICS = (_Metrics(8.0, 3.0), _Metrics(7.5, 2.7), _Metrics(7.0, 2.5))


@dataclass(frozen=True)
class TableLayout:
    pages: tuple[Page, ...]
    row_pages: tuple[int, ...]  # page index within the table, per body row
    cell_lines: dict[tuple[int, int], tuple[str, ...]]  # printed lines per body cell
    font_size: float


@dataclass(frozen=True)
class _Geometry:
    widths: tuple[float, ...]
    page_size: tuple[float, float]


def _column_widths(
    spec: TableSpec, wrapped_names: bool, m: _Metrics, amount_gap: float = 0.0
) -> _Geometry | None:
    size = m.size
    count = len(spec.columns)
    needed = [2 * H_PAD + size] * count
    for row in spec.body:
        for index, cell in enumerate(row):
            needed[index] = max(needed[index], text_width(cell.text, size) + 2 * H_PAD)
    for cell in spec.header:
        if cell.colspan == 1 and cell.text:
            kind = spec.columns[cell.col].kind
            max_lines = 4 if kind in (CODE, CODE_PART, LINE_NO) else 3
            minimum = text_width(cell.text.replace(" ", ""), size) / max_lines + size + 2 * H_PAD
            needed[cell.col] = max(needed[cell.col], minimum)
    amount_columns = [i for i, column in enumerate(spec.columns) if column.kind == AMOUNT]
    amount_width = max([needed[i] for i in amount_columns] + [42.0]) + amount_gap
    for i in amount_columns:
        needed[i] = amount_width
    name_columns = [i for i, column in enumerate(spec.columns) if column.wraps]
    minimum_name = 6 * size + 2 * H_PAD
    for i in name_columns:
        natural = needed[i]
        if wrapped_names:
            needed[i] = min(natural, max(minimum_name, natural / 2 + size + H_PAD))
    total = sum(needed)
    portrait_room = PORTRAIT[0] - 2 * MARGIN_X
    landscape_room = LANDSCAPE[0] - 2 * MARGIN_X
    if total <= portrait_room and count < 10:  # very wide grids go landscape, as producers do
        page_size, room = PORTRAIT, portrait_room
    else:
        page_size, room = LANDSCAPE, landscape_room
        if total > room:  # let names wrap further before giving up on this font size
            excess = total - room
            shrinkable = sum(max(0.0, needed[i] - minimum_name) for i in name_columns)
            if shrinkable < excess:
                return None
            for i in name_columns:
                needed[i] -= excess * max(0.0, needed[i] - minimum_name) / shrinkable
            total = sum(needed)
    # Spanning header cells must leave room for their text in at most three lines.
    for cell in spec.header:
        if cell.colspan > 1 and cell.text:
            span = range(cell.col, cell.col + cell.colspan)
            minimum = text_width(cell.text.replace(" ", ""), size) / 3 + size + 2 * H_PAD
            deficit = minimum - sum(needed[i] for i in span)
            if deficit > 0:
                for i in span:
                    needed[i] += deficit / cell.colspan
                total += deficit
    if total > room + 1e-6:
        return None
    # Fill the page width: names may grow by half (unless they are meant to wrap), the
    # rest goes to the amount columns.
    extra = room - total
    if name_columns and not wrapped_names:
        growth = min(extra, sum(needed[i] for i in name_columns) / 2)
        for i in name_columns:
            needed[i] += growth / len(name_columns)
        extra -= growth
    receivers = amount_columns or list(range(count))
    for i in receivers:
        needed[i] += extra / len(receivers)
    return _Geometry(tuple(needed), page_size)


def _header_heights(spec: TableSpec, geometry: _Geometry, m: _Metrics) -> tuple[list[float], dict]:
    heights = [m.row_height(1)] * spec.header_rows
    lines: dict[tuple[int, int], tuple[str, ...]] = {}
    for cell in sorted(spec.header, key=lambda c: (c.rowspan, c.row, c.col)):
        width = sum(geometry.widths[cell.col : cell.col + cell.colspan]) - 2 * H_PAD
        wrapped = wrap_text(cell.text, width, m.size) if cell.text else ("",)
        if any(text_width(line, m.size) > width + 1e-6 for line in wrapped):
            raise ValueError(f"{spec.table_id}: header {cell.text!r} does not fit its cell")
        lines[(cell.row, cell.col)] = wrapped
        needed = m.row_height(len(wrapped))
        span = range(cell.row, cell.row + cell.rowspan)
        current = sum(heights[r] for r in span)
        if current < needed:
            heights[cell.row + cell.rowspan - 1] += needed - current
    return heights, lines


def _body_lines(
    spec: TableSpec, geometry: _Geometry, m: _Metrics
) -> dict[tuple[int, int], tuple[str, ...]]:
    lines = {}
    for r, row in enumerate(spec.body):
        for c, cell in enumerate(row):
            room = geometry.widths[c] - 2 * H_PAD
            wrapped = wrap_text(cell.text, room, m.size) if spec.columns[c].wraps else (cell.text,)
            if any(text_width(line, m.size) > room + 1e-6 for line in wrapped):
                raise ValueError(f"{spec.table_id}: {cell.text!r} does not fit its column")
            lines[(r, c)] = wrapped
    return lines


def _cell_texts(
    lines: tuple[str, ...], x0: float, x1: float, top: float, height: float, align: str, m: _Metrics
) -> list[TextOp]:
    """Text lines of one cell, vertically centred, horizontally aligned with padding."""
    if lines == ("",):
        return []
    block = m.block_height(len(lines))
    first_baseline = top - (height - block) / 2 - ASCENT * m.size
    ops = []
    for index, line in enumerate(lines):
        width = text_width(line, m.size)
        if align == "right":
            x = x1 - H_PAD - width
        elif align == "center":
            x = (x0 + x1 - width) / 2
        else:
            x = x0 + H_PAD
        ops.append(TextOp(round(x, 3), round(first_baseline - index * m.leading, 3), line, m.size))
    return ops


def _edges(x0: float, y0: float, x1: float, y1: float) -> list[tuple[float, float, float, float]]:
    return [(x0, y0, x1, y0), (x0, y1, x1, y1), (x0, y0, x0, y1), (x1, y0, x1, y1)]


@dataclass(frozen=True)
class TableStyle:
    ruling: str  # lines, rects, none
    continuation: str  # none, repeat_header, no_header
    wrapped_names: bool
    rule_width: float
    # Points every amount column gets beyond its widest figure (budgets: figures of
    # neighbouring columns never run together, as in the real budgets' wide grids).
    amount_gap: float = 0.0


def layout_table(spec: TableSpec, style: TableStyle) -> TableLayout:
    """Place a table on as many pages as it needs.

    With continuation "none" the table is fitted on one page if it can be: smaller font
    sizes first, then (for wrapped names) unwrapped names; only a table that fits no way
    continues, with its header repeated. The other continuation modes cap the rows per
    page of the subject tables so that they really continue.
    """
    register_font()
    capped = style.continuation != "none" and spec.table_id in CAPPED_TABLES and not spec.empty
    if style.continuation == "none":
        wrap_options = (True, False) if style.wrapped_names else (False,)
        candidates = [(m, wrap) for wrap in wrap_options for m in _FITTING_METRICS]
    else:
        candidates = [(_FITTING_METRICS[0], style.wrapped_names)]
    first = None
    for m, wrap in candidates:
        geometry = _column_widths(spec, wrap, m, style.amount_gap)
        if geometry is None:
            continue
        attempt = _paginate(spec, geometry, m, style, capped)
        if len(attempt.pages) == 1 or style.continuation != "none":
            return attempt
        first = first or attempt
    if first is None:
        raise ValueError(f"{spec.table_id} does not fit a landscape page")
    return first


def _paginate(
    spec: TableSpec, geometry: _Geometry, m: _Metrics, style: TableStyle, capped: bool
) -> TableLayout:
    page_w, page_h = geometry.page_size
    table_w = sum(geometry.widths)
    x_left = (page_w - table_w) / 2
    x_right = x_left + table_w
    xs = [x_left]
    for width in geometry.widths:
        xs.append(xs[-1] + width)
    header_heights, header_lines = _header_heights(spec, geometry, m)
    header_h = sum(header_heights)
    body_lines = _body_lines(spec, geometry, m)
    row_heights = [
        m.row_height(max(len(body_lines[(r, c)]) for c in range(len(spec.columns))))
        for r in range(len(spec.body))
    ]
    note_lines = [line for note in spec.notes for line in wrap_text(note, table_w, NOTE_SIZE)]
    notes_h = 6 + len(note_lines) * NOTE_LEADING

    top = page_h - MARGIN_TOP
    title_lines = wrap_text(spec.printed_title, table_w, TITLE_SIZE)
    caption_h = CAPTION_SIZE * GLYPH + 4
    first_table_top = (
        top - len(title_lines) * TITLE_SIZE * 1.3 - 6 - caption_h * (2 if spec.label else 1) - 2
    )
    repeat_header = style.continuation != "no_header"

    def room(page_index: int) -> float:
        table_top = first_table_top if page_index == 0 else top
        with_header = page_index == 0 or repeat_header
        return table_top - (header_h if with_header else 0) - MARGIN_BOTTOM

    cap = max(6, min(18, math.ceil(len(spec.body) / 2))) if capped else len(spec.body)
    pages_rows: list[list[int]] = [[]]
    used = 0.0
    for r, height in enumerate(row_heights):
        current = pages_rows[-1]
        if current and (used + height > room(len(pages_rows) - 1) or len(current) >= cap):
            pages_rows.append([])
            used = 0.0
        pages_rows[-1].append(r)
        used += height
    while sum(row_heights[r] for r in pages_rows[-1]) + notes_h > room(len(pages_rows) - 1):
        moved = pages_rows[-1].pop()
        if not pages_rows[-1]:
            raise ValueError(f"{spec.table_id}: a row and the notes do not fit a page")
        pages_rows.append([moved])

    pages = []
    row_pages = [0] * len(spec.body)
    for page_index, rows in enumerate(pages_rows):
        texts: list[TextOp] = []
        rules: list[tuple[float, float, float, float]] = []
        y = first_table_top if page_index == 0 else top
        if page_index == 0:
            baseline = top - ASCENT * TITLE_SIZE
            for line in title_lines:
                width = text_width(line, TITLE_SIZE)
                texts.append(
                    TextOp(round((page_w - width) / 2, 3), round(baseline, 3), line, TITLE_SIZE)
                )
                baseline -= TITLE_SIZE * 1.3
            caption_baseline = top - len(title_lines) * TITLE_SIZE * 1.3 - 6 - ASCENT * CAPTION_SIZE
            if spec.label:
                texts.append(_right_aligned(spec.label, x_right, caption_baseline, CAPTION_SIZE))
                caption_baseline -= caption_h
            texts.append(
                TextOp(round(x_left, 3), round(caption_baseline, 3), spec.unit_line, CAPTION_SIZE)
            )
            texts.append(_right_aligned(spec.money_label, x_right, caption_baseline, CAPTION_SIZE))
        table_top = y
        if page_index == 0 or repeat_header:
            row_tops = [y]
            for height in header_heights:
                row_tops.append(row_tops[-1] - height)
            for cell in spec.header:
                x0, x1 = xs[cell.col], xs[cell.col + cell.colspan]
                cell_top, cell_bottom = row_tops[cell.row], row_tops[cell.row + cell.rowspan]
                texts += _cell_texts(
                    header_lines[(cell.row, cell.col)],
                    x0,
                    x1,
                    cell_top,
                    cell_top - cell_bottom,
                    "center",
                    m,
                )
                rules += _edges(x0, cell_bottom, x1, cell_top)
            y = row_tops[-1]
        header_bottom = y
        for r in rows:
            row_pages[r] = page_index
            height = row_heights[r]
            for c, cell in enumerate(spec.body[r]):
                texts += _cell_texts(body_lines[(r, c)], xs[c], xs[c + 1], y, height, cell.align, m)
                rules += _edges(xs[c], y - height, xs[c + 1], y)
            y -= height
        if page_index == len(pages_rows) - 1:
            baseline = y - 6 - ASCENT * NOTE_SIZE
            for line in note_lines:
                texts.append(TextOp(round(x_left, 3), round(baseline, 3), line, NOTE_SIZE))
                baseline -= NOTE_LEADING
        if style.ruling == "none":  # three horizontal rules, no cell rules
            rules = [(x_left, table_top, x_right, table_top), (x_left, y, x_right, y)]
            if header_bottom != table_top:
                rules.append((x_left, header_bottom, x_right, header_bottom))
        unique = sorted({tuple(round(v, 3) for v in edge) for edge in rules})
        pages.append(
            Page(
                page_w,
                page_h,
                tuple(texts),
                tuple(RuleOp(*edge) for edge in unique),
                "rect" if style.ruling == "rects" else "line",
                style.rule_width,
            )
        )
    return TableLayout(tuple(pages), tuple(row_pages), body_lines, m.size)


# ---------------------------------------------------------------------------
# Running text


@dataclass(frozen=True)
class Block:
    """A paragraph or heading of running text."""

    text: str
    size: float = 10.5
    align: str = "left"  # left, center
    indent: float = 2.0  # first-line indent, in characters
    space_before: float = 0.0
    new_page: bool = False
    leading: float = 1.7


def flow_text(blocks: list[Block]) -> list[Page]:
    """Portrait pages of running text; a block with new_page starts a fresh page."""
    register_font()
    page_w, page_h = PORTRAIT
    width = page_w - 2 * MARGIN_X - 10
    pages: list[list[TextOp]] = []
    y = 0.0

    def new_page() -> float:
        pages.append([])
        return page_h - MARGIN_TOP

    for block in blocks:
        if not pages or block.new_page:
            y = new_page()
        elif block.space_before:
            y -= block.space_before
        indent = block.indent * block.size if block.align == "left" else 0.0
        lines = wrap_text(block.text, width, block.size, first_width=width - indent)
        line_height = block.size * block.leading
        for index, line in enumerate(lines):
            if y - line_height < MARGIN_BOTTOM:
                y = new_page()
            baseline = y - ASCENT * block.size - (line_height - GLYPH * block.size) / 2
            if block.align == "center":
                x = (page_w - text_width(line, block.size)) / 2
            else:
                x = MARGIN_X + 5 + (indent if index == 0 else 0.0)
            pages[-1].append(TextOp(round(x, 3), round(baseline, 3), line, block.size))
            y -= line_height
    return [Page(page_w, page_h, tuple(texts)) for texts in pages]


def with_footer(page: Page, footer: str) -> Page:
    width = text_width(footer, FOOTER_SIZE)
    op = TextOp(round((page.width - width) / 2, 3), FOOTER_BASELINE, footer, FOOTER_SIZE)
    return Page(
        page.width, page.height, (*page.texts, op), page.rules, page.rule_style, page.rule_width
    )
