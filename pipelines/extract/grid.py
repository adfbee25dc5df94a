"""A table page as a grid of merged cells, from camelot's ruling and pdfium's characters.

camelot finds the ruling (rows, columns, which cell edges are drawn); each character is
then placed in the cell its glyph centre lies in. Cells whose shared edge is not drawn
are merged into one region, so spanning header cells keep their text once.
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import camelot

from pipelines.domain.text import squash
from pipelines.extract.layout import Band, band_of, cell_text
from pipelines.extract.pdf_text import Char, PageText

log = logging.getLogger(__name__)

# A page with fewer vector paths than this has no ruled grid to find: a table needs at
# least two horizontal and two vertical rules (an unruled table prints at most three).
MIN_RULING_PATHS = 4
# camelot's largest table on a page is kept when it has this many columns: a
# continuation page may hold a single row, but one column is a frame, not a table.
MIN_GRID_COLUMNS = 2


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
    """Cells whose shared edge camelot did not find drawn are one region."""
    cells = table.cells

    def joined(r: int, c: int, direction: str) -> bool:
        if direction == "right":
            return not cells[r][c].right and not cells[r][c + 1].left
        return not cells[r][c].bottom and not cells[r + 1][c].top

    cols = [(float(a), float(b)) for a, b in table.cols]
    rows = [(float(a), float(b)) for a, b in table.rows]
    return assemble(page, cols, rows, joined, method, dict(table.parsing_report))


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
