"""A table page as a grid of merged cells, from camelot's ruling and pdfium's characters.

camelot finds the ruling (rows, columns, which cell edges are drawn); each character is
then placed in the cell its glyph centre lies in. Cells whose shared edge is not drawn
are merged into one region, so spanning header cells keep their text once. Rules drawn
as shapes camelot does not take for lines are read from pdfium's paths instead
(`grid_from_rules`).
"""

from __future__ import annotations

import ctypes
import itertools
import logging
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

import camelot
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from camelot.image_processing import coalesce_collinear_lines, find_joints_from_lines

from pipelines.domain.text import squash
from pipelines.extract.layout import Band, band_of, cell_text
from pipelines.extract.pdf_text import Char, PageText, Turn, open_pdf

log = logging.getLogger(__name__)

# A page drawing fewer path shapes than this has no ruled grid to find: a table needs at
# least two horizontal and two vertical rules (an unruled table prints at most three).
MIN_RULING_PATHS = 4
# camelot's largest table on a page is kept when it has this many columns: a
# continuation page may hold a single row, but one column is a frame, not a table.
MIN_GRID_COLUMNS = 2
# A filled shape no thicker than this (points) draws a rule along its long side, as
# camelot takes a thin filled rectangle (office exports draw 0.5-1 pt rules).
RULE_MAX_THICKNESS = 1.5
# A stroked segment is a rule when it is this close to level or plumb (points).
RULE_SLANT_TOLERANCE = 0.5
# Rule positions closer than this (points) are one rule: camelot's line_tol / joint_tol.
RULE_TOLERANCE = 2.0
# A grid read from the rules with at least this share of empty cells is page furniture
# (frames, form boxes), as camelot's lattice judges a grid.
MAX_EMPTY_CELL_SHARE = 0.9


@dataclass
class Region:
    """A merged cell: rows [row, row + row_span), columns [col, col + col_span)."""

    row: int
    col: int
    row_span: int
    col_span: int
    text: str = ""


@dataclass
class Grid:
    page: int
    col_bounds: list[Band]  # (x_left, x_right) per column
    row_bounds: list[Band]  # (y_top, y_bottom) per row, top first
    regions: list[Region]
    method: str  # how the grid was found, e.g. "lattice/vector"
    report: dict[str, Any] = field(default_factory=dict)
    # The first body row, when the reader knows it (the text layout anchors its rows on
    # body lines); a ruled grid leaves it to the table's parser.
    body_row: int | None = None
    # Why a cell's reading is unsure, by its region's anchor (row, col): filled in by the
    # second, independent reading (pipelines.extract.certainty.read_again).
    doubts: dict[tuple[int, int], str] = field(default_factory=dict)
    _cover: dict[tuple[int, int], Region] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        for region in self.regions:
            for r in range(region.row, region.row + region.row_span):
                for c in range(region.col, region.col + region.col_span):
                    self._cover[(r, c)] = region

    @property
    def n_rows(self) -> int:
        return len(self.row_bounds)

    @property
    def n_cols(self) -> int:
        return len(self.col_bounds)

    def region(self, row: int, col: int) -> Region:
        return self._cover[(row, col)]

    def text(self, row: int, col: int) -> str:
        """Text of the cell at (row, col); a spanning region answers only at its anchor."""
        region = self._cover[(row, col)]
        return region.text if (region.row, region.col) == (row, col) else ""

    def doubt(self, row: int, col: int) -> str | None:
        """Why the amount read at (row, col) is unsure, or None when both readings agree."""
        region = self._cover[(row, col)]
        return self.doubts.get((region.row, region.col))

    def box(self, row: int, col: int) -> tuple[float, float, float, float]:
        """(x0, y0, x1, y1) of the region covering (row, col), PDF points, origin
        bottom-left: where the report shows the cell."""
        region = self._cover[(row, col)]
        x0 = self.col_bounds[region.col][0]
        x1 = self.col_bounds[region.col + region.col_span - 1][1]
        top = self.row_bounds[region.row][0]
        bottom = self.row_bounds[region.row + region.row_span - 1][1]
        return (x0, bottom, x1, top)

    def spanning_text(self, row: int, col: int) -> str:
        """Text of the region covering (row, col), wherever it is anchored."""
        return self._cover[(row, col)].text

    def header_path(self, col: int, header_end: int) -> list[str]:
        """The squashed header texts over a column, top to bottom, spanning cells included."""
        parts: list[str] = []
        for row in range(header_end):
            text = squash(self.spanning_text(row, col))
            if text and (not parts or parts[-1] != text):
                parts.append(text)
        return parts

    def col_center(self, col: int) -> float:
        x0, x1 = self.col_bounds[col]
        return (x0 + x1) / 2


def assemble(
    page: PageText,
    cols: list[Band],
    rows: list[Band],
    joined: Callable[[int, int, str], bool],
    method: str,
    report: dict[str, Any],
    body_row: int | None = None,
) -> Grid:
    """Build the grid: merge cells `joined(r, c, 'right'|'down')` says share a region, then
    place every character by its glyph centre."""
    n_rows, n_cols = len(rows), len(cols)
    parent = list(range(n_rows * n_cols))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for r in range(n_rows):
        for c in range(n_cols):
            if c + 1 < n_cols and joined(r, c, "right"):
                parent[find(r * n_cols + c)] = find(r * n_cols + c + 1)
            if r + 1 < n_rows and joined(r, c, "down"):
                parent[find(r * n_cols + c)] = find((r + 1) * n_cols + c)
    members: dict[int, list[tuple[int, int]]] = {}
    for r in range(n_rows):
        for c in range(n_cols):
            members.setdefault(find(r * n_cols + c), []).append((r, c))
    regions_by_root: dict[int, Region] = {}
    for root, cells in members.items():
        r0, c0 = min(r for r, _ in cells), min(c for _, c in cells)
        r1, c1 = max(r for r, _ in cells), max(c for _, c in cells)
        regions_by_root[root] = Region(r0, c0, r1 - r0 + 1, c1 - c0 + 1)
    buckets: dict[int, list[Char]] = {}
    for ch in page.chars_in(cols[0][0], rows[-1][1], cols[-1][1], rows[0][0]):
        col = band_of(ch.cx, cols)
        row = band_of(ch.cy, rows, descending=True)
        if row is not None and col is not None:
            buckets.setdefault(find(row * n_cols + col), []).append(ch)
    for root, chars in buckets.items():
        regions_by_root[root].text = cell_text(chars)
    regions = sorted(regions_by_root.values(), key=lambda g: (g.row, g.col))
    return Grid(page.number, cols, rows, regions, method, {**report, "method": method}, body_row)


def grid_from_camelot(table: Any, page: PageText, method: str) -> Grid:
    """Cells whose shared edge camelot did not find drawn are one region.

    camelot measures the displayed page from the MediaBox's lower-left corner, pdfium's
    characters (turned as displayed, pdf_text.Turn) from the PDF's origin: the bounds are
    moved by the box's corner, so both are the displayed page's coordinates (what the cell
    boxes report too)."""
    cells = table.cells

    def joined(r: int, c: int, direction: str) -> bool:
        if direction == "right":
            return not cells[r][c].right and not cells[r][c + 1].left
        return not cells[r][c].bottom and not cells[r + 1][c].top

    dx, dy = page.origin
    cols = [(float(a) + dx, float(b) + dx) for a, b in table.cols]
    rows = [(float(a) + dy, float(b) + dy) for a, b in table.rows]
    return assemble(page, cols, rows, joined, method, dict(table.parsing_report))


def read_page_grids(path: Path, pages: list[PageText]) -> dict[int, Grid]:
    """The ruled grid of each page that draws one, one per page.

    camelot's vector engine reads the rules from the PDF's drawing: fast, exact, and
    enough for nearly every page. It takes only straight lines and upright rectangles for
    rules, so a page where it found no grid and that draws its rules as other shapes (the
    bevelled quadrilaterals of some Excel exports) is read from pdfium's paths
    (`grid_from_rules`). Pages
    with images are read on the rendered page (engine "combined", about 3.5x slower per
    page) for rules drawn as pixels. A page without characters has no cell text to read
    and is left alone.
    """
    ruled = [p for p in pages if p.path_count >= MIN_RULING_PATHS and p.chars]
    grids = read_ruled_grids(path, ruled)
    unseen = [p for p in ruled if p.number not in grids]
    if unseen:
        document = open_pdf(path)
        try:
            for page in unseen:
                pdf_page = document[page.number - 1]
                rules = list(drawn_rules(pdf_page))
                pdf_page.close()
                # Where camelot saw the rules and found no table (a frame, an empty grid),
                # its judgement stands: only rules it cannot see are read again.
                if sum(1 for rule in rules if not rule.camelot_sees) >= MIN_RULING_PATHS:
                    grid = grid_from_rules(page, [rule.line for rule in rules])
                    if grid is not None:
                        grids[page.number] = grid
        finally:
            document.close()
    rendered = [p for p in pages if p.number not in grids and p.chars and p.has_images]
    grids.update(read_ruled_grids(path, rendered, engine="combined"))
    return grids


Line = tuple[float, float, float, float]  # x0, y0, x1, y1, as camelot's ruled lines


class DrawnRule(NamedTuple):
    line: Line
    # Drawn as a straight line or an upright rectangle, the only shapes camelot's vector
    # engine takes for rules (others, such as a bevelled quadrilateral, it does not see).
    camelot_sees: bool


def drawn_rules(page: pdfium.PdfPage) -> Iterator[DrawnRule]:
    """Every rule the page's paths draw, in the displayed page's coordinates (as the
    characters, pdf_text.Turn): each stroked straight segment that is level or plumb, and
    each filled shape no thicker than a rule, whatever its outline (a rectangle, a bevelled
    quadrilateral) and however many of them one path object holds. Paths inside form
    XObjects are placed by their forms' matrices."""
    turn = Turn.of(page)
    forms: list[pdfium.PdfMatrix] = []  # the page matrix of each enclosing form, by level
    kinds = [pdfium_c.FPDF_PAGEOBJ_FORM, pdfium_c.FPDF_PAGEOBJ_PATH]
    for obj in page.get_objects(filter=kinds):
        del forms[obj.level :]
        matrix = obj.get_matrix()
        if forms:
            matrix = matrix.multiply(forms[-1])
        if obj.type == pdfium_c.FPDF_PAGEOBJ_FORM:
            forms.append(matrix)
        else:
            yield from _path_rules(obj, matrix, turn)


def _is_line_or_upright_rectangle(points: list[tuple[float, float, bool]]) -> bool:
    corners = {(round(x, 2), round(y, 2)) for x, y, _ in points}
    xs, ys = {x for x, _ in corners}, {y for _, y in corners}
    return len(corners) == 2 or (len(corners) == 4 and len(xs) == 2 and len(ys) == 2)


def _path_rules(
    path: pdfium.PdfObject, matrix: pdfium.PdfMatrix, turn: Turn
) -> Iterator[DrawnRule]:
    fill, stroke = ctypes.c_int(), ctypes.c_int()
    pdfium_c.FPDFPath_GetDrawMode(path.raw, ctypes.byref(fill), ctypes.byref(stroke))
    # Each subpath: its points, and whether the segment ending at each point is straight.
    subpaths: list[list[tuple[float, float, bool]]] = []
    x, y = ctypes.c_float(), ctypes.c_float()
    for index in range(pdfium_c.FPDFPath_CountSegments(path.raw)):
        segment = pdfium_c.FPDFPath_GetPathSegment(path.raw, index)
        pdfium_c.FPDFPathSegment_GetPoint(segment, ctypes.byref(x), ctypes.byref(y))
        px, py = turn.point(*matrix.on_point(x.value, y.value))
        kind = pdfium_c.FPDFPathSegment_GetType(segment)
        if kind == pdfium_c.FPDF_SEGMENT_MOVETO or not subpaths:
            subpaths.append([(px, py, False)])
        else:
            subpaths[-1].append((px, py, kind == pdfium_c.FPDF_SEGMENT_LINETO))
        if pdfium_c.FPDFPathSegment_GetClose(segment):
            first = subpaths[-1][0]
            subpaths[-1].append((first[0], first[1], True))
    for points in subpaths:
        seen = _is_line_or_upright_rectangle(points)
        if fill.value != pdfium_c.FPDF_FILLMODE_NONE:
            xs, ys = [p[0] for p in points], [p[1] for p in points]
            width, height = max(xs) - min(xs), max(ys) - min(ys)
            if min(width, height) <= RULE_MAX_THICKNESS < max(width, height):
                if width >= height:
                    middle = (min(ys) + max(ys)) / 2
                    yield DrawnRule((min(xs), middle, max(xs), middle), seen)
                else:
                    middle = (min(xs) + max(xs)) / 2
                    yield DrawnRule((middle, min(ys), middle, max(ys)), seen)
        if stroke.value:
            for (x0, y0, _), (x1, y1, straight) in itertools.pairwise(points):
                level = abs(y1 - y0) <= RULE_SLANT_TOLERANCE
                plumb = abs(x1 - x0) <= RULE_SLANT_TOLERANCE
                if straight and level != plumb:
                    yield DrawnRule((x0, y0, x1, y1), seen)


def _merged_positions(values: list[float]) -> list[float]:
    """Positions closer than RULE_TOLERANCE taken as one (their mean), ascending."""
    groups: list[list[float]] = []
    for value in sorted(values):
        if groups and value - groups[-1][-1] <= RULE_TOLERANCE:
            groups[-1].append(value)
        else:
            groups.append([value])
    return [sum(group) / len(group) for group in groups]


def grid_from_rules(page: PageText, rules: list[Line]) -> Grid | None:
    """The grid the drawn rules make, read as camelot's vector engine reads its lines:
    collinear pieces joined, crossing rules clustered into tables, the table with the most
    crossings kept; its columns and rows lie between the crossings, and a cell edge is
    drawn when a rule runs along it. None when the rules make no table."""
    horizontal = [(min(x0, x1), y0, max(x0, x1), y0) for x0, y0, x1, y1 in rules if y0 == y1]
    vertical = [(x0, min(y0, y1), x0, max(y0, y1)) for x0, y0, x1, y1 in rules if x0 == x1]
    horizontal += [
        (min(x0, x1), (y0 + y1) / 2, max(x0, x1), (y0 + y1) / 2)
        for x0, y0, x1, y1 in rules
        if y0 != y1 and abs(y1 - y0) <= RULE_SLANT_TOLERANCE
    ]
    vertical += [
        ((x0 + x1) / 2, min(y0, y1), (x0 + x1) / 2, max(y0, y1))
        for x0, y0, x1, y1 in rules
        if x0 != x1 and abs(x1 - x0) <= RULE_SLANT_TOLERANCE
    ]
    horizontal = coalesce_collinear_lines(horizontal, "horizontal", RULE_TOLERANCE)
    vertical = coalesce_collinear_lines(vertical, "vertical", RULE_TOLERANCE)
    tables = find_joints_from_lines(horizontal, vertical, RULE_TOLERANCE)
    if not tables:
        return None
    joints = max(tables.values(), key=len)
    xs = _merged_positions([x for x, _ in joints])
    ys = _merged_positions([y for _, y in joints])[::-1]  # top first
    if len(xs) <= MIN_GRID_COLUMNS or len(ys) < 2:
        return None
    cols = list(itertools.pairwise(xs))
    rows = list(itertools.pairwise(ys))

    def ruled(lines: list[Line], at: float, span: Band, level: bool) -> bool:
        middle = (span[0] + span[1]) / 2
        for x0, y0, x1, y1 in lines:
            position, start, end = (y0, x0, x1) if level else (x0, y0, y1)
            if abs(position - at) <= RULE_TOLERANCE and start <= middle <= end:
                return True
        return False

    def joined(r: int, c: int, direction: str) -> bool:
        if direction == "right":
            return not ruled(vertical, xs[c + 1], rows[r], level=False)
        return not ruled(horizontal, ys[r + 1], cols[c], level=True)

    report = {"page": page.number, "rules": len(horizontal) + len(vertical)}
    grid = assemble(page, cols, rows, joined, "rules/pdfium", report)
    cells = [(r, c) for r in range(grid.n_rows) for c in range(grid.n_cols)]
    empty = sum(1 for r, c in cells if not grid.text(r, c))  # a spanning text counts once
    return None if empty >= MAX_EMPTY_CELL_SHARE * len(cells) else grid


def read_ruled_grids(path: Path, pages: list[PageText], engine: str = "vector") -> dict[int, Grid]:
    """Ruled tables on the given pages, one grid per page (the largest table found)."""
    if not pages:
        return {}
    by_number = {p.number: p for p in pages}
    page_list = ",".join(str(p.number) for p in pages)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # camelot warns on every page without a table
        try:
            tables = camelot.read_pdf(
                str(path),
                pages=page_list,
                flavor="lattice",
                engine=engine,
                suppress_stdout=True,
            )
        except Exception as exc:  # camelot raises bare exceptions on odd pages
            log.warning(
                "camelot lattice/%s failed on %s pages %s: %s", engine, path, page_list, exc
            )
            return {}
    best: dict[int, Any] = {}  # camelot.core.Table, untyped
    for table in tables:
        number = int(table.page)
        size = table.shape[0] * table.shape[1]
        if number not in best or size > best[number].shape[0] * best[number].shape[1]:
            best[number] = table
    return {
        number: grid_from_camelot(table, by_number[number], f"lattice/{engine}")
        for number, table in best.items()
        if table.shape[1] >= MIN_GRID_COLUMNS
    }
