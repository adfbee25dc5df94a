"""Knowing when a reading is unsure: a second, independent reading of every amount cell,
and the column shift a table's own totals betray.

The first reading (pipelines.extract.grid.assemble) places each character in the cell its
glyph centre lies in, using our character boxes (pdfium's advance box across, glyph box
up and down) and our own line grouping (pipelines.extract.layout.cell_text). The second
asks pdfium itself for the text in the cell's rectangle (FPDFText_GetBoundedText): pdfium
decides with its own glyph boxes which characters the rectangle touches, in content-stream
order, with none of our grouping. Both share the cell rectangle (camelot's ruling, or the
text layout's columns), so a rectangle that cuts through an amount is exactly what they
disagree on: the first reading gives each half of the number to a different cell, the
second gives both cells the characters the cut touches. Characters drawn where the text
layer does not say (a glyph box outside its cell) disagree alike.

The two readings are compared after the same amount parsing (parse_amount), so spacing,
thousands separators and line breaks never count as a disagreement; only a different
amount, or an amount on one side and none or no amount on the other, does. Text cells
(labels, codes, headers) are not compared: a wrapped label's characters legitimately
touch the row next to them.

A column shift (a row's figures read one column off) leaves both readings agreeing on
every character, so the table's totals speak instead (`mark_column_shifts`): when the
合计 row of a subject table fails its column sums, and moving one class row's figures
one column over makes every column close, that row was most likely misplaced.
"""

from __future__ import annotations

import re
from dataclasses import replace
from decimal import Decimal

from pipelines.domain.amounts import AmountError, parse_amount
from pipelines.extract.grid import Grid, Region
from pipelines.extract.pdf_text import UPRIGHT, Turn, TurnedTextPage
from pipelines.extract.records import ExtractedRow

# The cell rectangle is shrunk by this much (points) on every side before pdfium is
# asked for its text: a glyph box may overhang a drawn rule by a fraction of a point
# (right-aligned digits touch the rule), which is no misplaced character. A rectangle
# cutting an amount cuts whole glyphs, far more than this.
RULE_TOLERANCE = 0.8

# Half a unit of the last printed digit (two decimals) in 万元, per printed unit: each
# figure of a column sum may carry that much rounding.
HALF_UNIT_WAN = {"万元": Decimal("0.005"), "元": Decimal("0.0000005")}
CLASS_CODE_LENGTH = 3  # the class rows (类) of a subject table sum to its 合计 row

# Glyphs within this distance (points) of a boundary on both sides are one run of text
# across it: a cell's padding keeps its text further from its rules than this.
RUN_GAP = 1.2

_UNREADABLE = object()  # a reading that is neither blank nor an amount
_FIGURE_CHARS = frozenset("0123456789,.-")
_WHOLE_AMOUNT_END = re.compile(r"\d\.\d{2}$")
_DASHES = ("-", "—", "–")


def _amount_of(text: str) -> Decimal | object | None:
    try:
        return parse_amount(text)
    except AmountError:
        return _UNREADABLE


def _shown(text: str) -> str:
    """A reading as the reason quotes it: on one line, blank named as such."""
    flat = " ".join(text.split())
    return f"“{flat}”" if flat else "空白"


def compare_readings(first: str, second: str) -> str | None:
    """Why two readings of one cell disagree (Chinese), or None when they agree.

    Only amounts are compared: unless one reading is an amount, the cell holds no figure
    (a label, or a blank cell a wrapped label next door reaches into) and nothing is said.
    """
    first_amount, second_amount = _amount_of(first), _amount_of(second)
    if not any(isinstance(value, Decimal) for value in (first_amount, second_amount)):
        return None
    if first_amount == second_amount:
        return None
    return (
        f"两种读法不一致：按字符位置读作{_shown(first)}，"
        f"按 pdfium 文字区域读作{_shown(second)}，可能是单元格边界切断了数字或字符错位"
    )


def read_again(grid: Grid, textpage, turn: Turn = UPRIGHT) -> None:
    """Read every cell of `grid` a second time from `textpage` (a pypdfium2 PdfTextPage of
    the grid's page) and record in `grid.doubts` each cell whose readings disagree.

    The grid is in the displayed page's coordinates, pdfium's bounded text in the page's
    own: `turn` (the page's /Rotate) turns each rectangle back."""
    textpage = TurnedTextPage(textpage, turn)
    for region in grid.regions:
        if _amount_of(region.text) is _UNREADABLE:
            continue  # a label or header: the parsers take no figure from it
        left = grid.col_bounds[region.col][0]
        right = grid.col_bounds[region.col + region.col_span - 1][1]
        top = grid.row_bounds[region.row][0]
        bottom = grid.row_bounds[region.row + region.row_span - 1][1]
        if right - left <= 2 * RULE_TOLERANCE or top - bottom <= 2 * RULE_TOLERANCE:
            continue  # a sliver between rules holds no figure
        second = textpage.get_text_bounded(
            left + RULE_TOLERANCE,
            bottom + RULE_TOLERANCE,
            right - RULE_TOLERANCE,
            top - RULE_TOLERANCE,
        )
        reason = compare_readings(region.text, second)
        if reason is None:
            _mark_run_across_rule(grid, textpage, region, top, bottom)
            continue
        grid.doubts[(region.row, region.col)] = reason
        # Characters pdfium sees beyond this cell's own came from the cell a cut boundary
        # shares: that cell lost them, though on its own both readings may agree.
        side = _extra_side(region.text, second)
        if side is not None and region.row_span == 1:
            neighbour_col = region.col - 1 if side == "left" else region.col + region.col_span
            if 0 <= neighbour_col < grid.n_cols:
                neighbour = grid.region(region.row, neighbour_col)
                anchor = (neighbour.row, neighbour.col)
                if anchor not in grid.doubts and isinstance(_amount_of(neighbour.text), Decimal):
                    grid.doubts[anchor] = (
                        f"相邻单元格的两种读法不一致（{_shown(second)}），"
                        f"本格读作{_shown(neighbour.text)}可能少了被边界切去的数字"
                    )


def _mark_run_across_rule(grid: Grid, textpage, region: Region, top: float, bottom: float) -> None:
    """A boundary falling exactly between two glyphs of one figure splits it with no glyph
    cut, so both readings agree on each half; pdfium still sees glyphs pressed against the
    boundary from both sides, which padding inside a drawn or laid-out cell never allows."""
    right_col = region.col + region.col_span
    if region.row_span != 1 or right_col >= grid.n_cols:
        return
    neighbour = grid.region(region.row, right_col)
    if not any(isinstance(_amount_of(r.text), Decimal) for r in (region, neighbour)):
        return
    if not _may_be_one_figure("".join(region.text.split()), "".join(neighbour.text.split())):
        return
    edge = grid.col_bounds[right_col - 1][1]
    low, high = bottom + RULE_TOLERANCE, top - RULE_TOLERANCE
    before = textpage.get_text_bounded(edge - RUN_GAP, low, edge - RUN_GAP / 4, high).strip()
    after = textpage.get_text_bounded(edge + RUN_GAP / 4, low, edge + RUN_GAP, high).strip()
    if not (before and after):
        return
    reason = (
        f"数字跨越单元格边界：边界两侧紧挨着都有字符（{_shown(region.text)}与"
        f"{_shown(neighbour.text)}之间没有间隔），可能是一个数字被边界分成了两半"
    )
    for cell in (region, neighbour):
        grid.doubts.setdefault((cell.row, cell.col), reason)


def _may_be_one_figure(left: str, right: str) -> bool:
    """Whether texts pressed together across a boundary may be halves of one figure: both
    touch it with figure characters, and the left one is no whole reading already (an
    amount ends with its two decimals; a dash is a zero). Without rules or padding, a
    right-aligned amount abuts the next column's code or label ("1707.53" | "302")."""
    if not (left and right and left[-1] in _FIGURE_CHARS and right[0] in _FIGURE_CHARS):
        return False
    return not (_WHOLE_AMOUNT_END.search(left) or left in _DASHES)


def _extra_side(first: str, second: str) -> str | None:
    """Where the second reading has characters the first lacks: 'left', 'right' or None."""
    mine, theirs = "".join(first.split()), "".join(second.split())
    if len(theirs) <= len(mine):
        return None
    if theirs.endswith(mine):
        return "left"
    if theirs.startswith(mine):
        return "right"
    return None


def _column_gaps(
    class_rows: list[list[Decimal | None]], total: list[Decimal | None], tolerance: Decimal
) -> list[bool]:
    """Per column: does the 合计 row miss the sum of the class rows by more than rounding?"""
    gaps = []
    for j, printed in enumerate(total):
        column: list[Decimal] = [value for row in class_rows if (value := row[j]) is not None]
        summed = sum(column, Decimal(0))
        if printed is None:
            gaps.append(summed != 0)
            continue
        gaps.append(abs(printed - summed) > tolerance * (len(column) + 1))
    return gaps


def _shifted(values: list[Decimal | None], step: int) -> list[Decimal | None] | None:
    """The row's figures moved `step` columns (+1 right, -1 left); None when a figure
    would fall off the table (then this is not the shift that happened)."""
    n = len(values)
    moved: list[Decimal | None] = [None] * n
    for j, value in enumerate(values):
        if value is None:
            continue
        if not 0 <= j + step < n:
            return None
        moved[j + step] = value
    return moved


def mark_column_shifts(rows: list[ExtractedRow], money_unit: str) -> None:
    """Mark the cells of a class row whose figures, moved one column, close every column
    sum the table fails; only when exactly one such row and direction exists."""
    total_row = next(
        (r for r in rows if r.subject_code is None and (r.line_label or "").endswith("合计")),
        None,
    )
    class_rows = [r for r in rows if r.subject_code and len(r.subject_code) == CLASS_CODE_LENGTH]
    if total_row is None or not class_rows:
        return
    columns = [cell.column_name for cell in total_row.cells]
    if any([cell.column_name for cell in row.cells] != columns for row in class_rows):
        return  # rows of differing columns cannot be summed column by column
    values = [[cell.amount for cell in row.cells] for row in class_rows]
    total = [cell.amount for cell in total_row.cells]
    tolerance = HALF_UNIT_WAN.get(money_unit, HALF_UNIT_WAN["万元"])
    if not any(_column_gaps(values, total, tolerance)):
        return
    fits: list[tuple[int, int]] = []
    for index, row_values in enumerate(values):
        for step in (1, -1):
            moved = _shifted(row_values, step)
            if moved is None or moved == row_values:
                continue
            trial = [*values[:index], moved, *values[index + 1 :]]
            if not any(_column_gaps(trial, total, tolerance)):
                fits.append((index, step))
    if len(fits) != 1:
        return  # none, or ambiguous: the totals do not point at one row
    index, step = fits[0]
    row = class_rows[index]
    direction = "右" if step == 1 else "左"
    reason = (
        f"疑似串列：{row.subject_code} 行的数字整体向{direction}移一列后，"
        "合计行各列与类级各行之和全部相符；按原位置则不符"
    )
    row.cells = [
        cell if cell.amount is None else replace(cell, uncertain_reason=reason)
        for cell in row.cells
    ]
