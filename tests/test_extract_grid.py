"""The ruled-grid reader (pipelines.extract.grid): which pages hold a drawn grid, and
every cell read in its place, whatever shapes draw the rules and wherever the page's box
begins.

Synthetic pages are drawn at test time with reportlab, each the way a real producer
draws its rules; the named real budget files (../shared/corpus/budgets) check the same
on the layouts that showed each fault.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from reportlab.pdfgen import canvas

from pipelines.domain.text import squash
from pipelines.extract.grid import (
    MIN_RULING_PATHS,
    Grid,
    drawn_rules,
    grid_from_rules,
    read_page_grids,
    read_ruled_grids,
)
from pipelines.extract.pdf_text import Char, PageText, count_path_shapes, open_pdf, read_pages

BUDGETS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "budgets"

# A small table: the header, two items and their total.
CELLS = [
    ["Item", "Budget", "Actual"],
    ["Salaries", "1,200.50", "1,100.25"],
    ["Rent", "300.00", "280.75"],
    ["Total", "1,500.50", "1,381.00"],
]
COLUMN_EDGES = [60.0, 200.0, 330.0, 460.0]
TOP = 700.0
# Rows lower than the 12-point shift of the offset-box page, so that a grid read 12
# points off puts each row's text into the row below.
ROW_HEIGHT = 16.0
RULE = 0.75  # the rules' thickness, as office exports draw them
ROW_EDGES = [TOP - ROW_HEIGHT * i for i in range(len(CELLS) + 1)]

Rule = tuple[float, float, float, float]  # x0, y0, x1, y1 of the rule's centre line


def _rules() -> list[Rule]:
    left, right = COLUMN_EDGES[0], COLUMN_EDGES[-1]
    top, bottom = ROW_EDGES[0], ROW_EDGES[-1]
    return [(left, y, right, y) for y in ROW_EDGES] + [(x, bottom, x, top) for x in COLUMN_EDGES]


def _thin_rect(rule: Rule) -> tuple[float, float, float, float]:
    """x, y, width, height of a rule drawn as a thin filled rectangle."""
    x0, y0, x1, y1 = rule
    if y0 == y1:
        return x0 - RULE / 2, y0 - RULE / 2, x1 - x0 + RULE, RULE
    return x0 - RULE / 2, y0 - RULE / 2, RULE, y1 - y0 + RULE


def draw_rects(pdf: canvas.Canvas) -> None:
    """Every rule a filled thin rectangle of its own (the common case)."""
    for rule in _rules():
        pdf.rect(*_thin_rect(rule), stroke=0, fill=1)


def draw_one_path(pdf: canvas.Canvas) -> None:
    """The whole grid as one path object, a subpath per rule (Microsoft Print to PDF)."""
    path = pdf.beginPath()
    for rule in _rules():
        path.rect(*_thin_rect(rule))
    pdf.drawPath(path, stroke=0, fill=1)


def draw_bevelled(pdf: canvas.Canvas) -> None:
    """Every rule a filled quadrilateral with bevelled ends, as some Excel exports draw
    them (guangzhou_*, zhuhai_*): not a rectangle, so no line for camelot's vector
    engine."""
    for x0, y0, x1, y1 in _rules():
        if y0 == y1:
            corners = [(x0, y0), (x1, y0), (x1 - RULE, y0 + RULE), (x0 + RULE, y0 + RULE)]
        else:
            corners = [(x0, y0), (x0, y1), (x0 + RULE, y1 - RULE), (x0 + RULE, y0 + RULE)]
        path = pdf.beginPath()
        path.moveTo(*corners[0])
        for corner in corners[1:]:
            path.lineTo(*corner)
        path.close()
        pdf.drawPath(path, stroke=0, fill=1)


def draw_stroked_lines(pdf: canvas.Canvas) -> None:
    """The whole grid as one stroked path, a move and a line per rule."""
    pdf.setLineWidth(RULE)
    path = pdf.beginPath()
    for x0, y0, x1, y1 in _rules():
        path.moveTo(x0, y0)
        path.lineTo(x1, y1)
    pdf.drawPath(path, stroke=1, fill=0)


def draw_table(path: Path, draw_rules: Callable[[canvas.Canvas], None], shift: float = 0.0) -> Path:
    """One A4 page with the table; `shift` moves the page's box (MediaBox and CropBox)
    to start at (-shift, shift), the drawing moved with it so it prints the same."""
    pdf = canvas.Canvas(str(path), pagesize=(595.0, 842.0))
    pdf.translate(-shift, shift)
    draw_rules(pdf)
    pdf.setFont("Helvetica", 9)
    for r, row in enumerate(CELLS):
        baseline = ROW_EDGES[r + 1] + 4
        for c, text in enumerate(row):
            pdf.drawString(COLUMN_EDGES[c] + 4, baseline, text)
    pdf.showPage()
    pdf.save()
    if shift:
        document = pdfium.PdfDocument(str(path))
        page = document[0]
        box = (-shift, shift, 595.0 - shift, 842.0 + shift)
        page.set_mediabox(*box)
        page.set_cropbox(*box)
        page.close()
        shifted = path.with_name(f"shifted_{path.name}")
        document.save(str(shifted))
        document.close()
        return shifted
    return path


def pages_of(path: Path) -> list[PageText]:
    document = open_pdf(path)
    try:
        return read_pages(document)
    finally:
        document.close()


def table_texts(grid: Grid) -> list[list[str]]:
    return [[grid.text(r, c) for c in range(grid.n_cols)] for r in range(grid.n_rows)]


# --- synthetic pages ---------------------------------------------------------------------


def test_rules_drawn_as_rectangles_are_read_from_the_drawing(tmp_path: Path) -> None:
    path = draw_table(tmp_path / "rects.pdf", draw_rects)
    grid = read_page_grids(path, pages_of(path))[1]
    assert grid.method == "lattice/vector"
    assert table_texts(grid) == CELLS


def test_a_grid_drawn_as_one_path_object_is_a_ruled_page(tmp_path: Path) -> None:
    path = draw_table(tmp_path / "one_path.pdf", draw_one_path)
    document = pdfium.PdfDocument(str(path))
    page = document[0]
    path_objects = list(page.get_objects(filter=[pdfium.raw.FPDF_PAGEOBJ_PATH]))
    shapes = count_path_shapes(page, cap=100)
    page.close()
    document.close()
    assert len(path_objects) == 1 < MIN_RULING_PATHS
    assert shapes == len(_rules())  # one shape per rule, though one path object

    (page_text,) = pages_of(path)
    assert page_text.path_count >= MIN_RULING_PATHS
    grid = read_page_grids(path, [page_text])[1]
    assert grid.method == "lattice/vector"
    assert table_texts(grid) == CELLS


def test_path_shapes_are_counted_up_to_the_cap(tmp_path: Path) -> None:
    path = draw_table(tmp_path / "rects.pdf", draw_rects)
    document = pdfium.PdfDocument(str(path))
    page = document[0]
    assert count_path_shapes(page, cap=100) == len(_rules())
    assert count_path_shapes(page, cap=3) == 3
    page.close()
    document.close()


def test_bevelled_rules_are_read_from_the_paths(tmp_path: Path) -> None:
    path = draw_table(tmp_path / "bevelled.pdf", draw_bevelled)
    pages = pages_of(path)
    assert pages[0].path_count >= MIN_RULING_PATHS
    assert read_ruled_grids(path, pages) == {}  # camelot's vector engine sees no line
    grid = read_page_grids(path, pages)[1]
    assert grid.method == "rules/pdfium"
    assert table_texts(grid) == CELLS


@pytest.mark.parametrize(
    ("draw_rules", "camelot_sees"),
    [(draw_rects, True), (draw_one_path, True), (draw_bevelled, False), (draw_stroked_lines, True)],
    ids=["rects", "one_path", "bevelled", "stroked"],
)
def test_every_rule_shape_is_one_rule(
    tmp_path: Path, draw_rules: Callable[[canvas.Canvas], None], camelot_sees: bool
) -> None:
    path = draw_table(tmp_path / "rules.pdf", draw_rules)
    document = pdfium.PdfDocument(str(path))
    page = document[0]
    found = list(drawn_rules(page))
    page.close()
    document.close()
    assert len(found) == len(_rules())
    assert {rule.camelot_sees for rule in found} == {camelot_sees}
    for rule in _rules():
        # the rule's centre line, its ends within the rule's thickness of the drawn ones
        assert any(drawn.line == pytest.approx(rule, abs=RULE) for drawn in found), rule


def test_curves_and_shaded_cells_are_no_rules(tmp_path: Path) -> None:
    path = tmp_path / "furniture.pdf"
    pdf = canvas.Canvas(str(path), pagesize=(595.0, 842.0))
    pdf.circle(300, 400, 50, stroke=1, fill=0)  # Bézier arcs
    pdf.rect(60, 600, 200, 40, stroke=0, fill=1)  # a shaded cell, not a rule
    pdf.line(60, 500, 90, 530)  # a slanted stroke
    pdf.showPage()
    pdf.save()
    document = pdfium.PdfDocument(str(path))
    page = document[0]
    assert list(drawn_rules(page)) == []
    page.close()
    document.close()


def test_an_undrawn_edge_joins_cells_into_one_region() -> None:
    """A header spanning two columns: the rule between them stops below it."""
    left, middle, right, far = 0.0, 100.0, 200.0, 300.0
    top, header, bottom = 60.0, 40.0, 20.0
    rules = [
        (left, top, far, top),
        (left, header, far, header),
        (left, bottom, far, bottom),
        (left, bottom, left, top),
        (middle, bottom, middle, top),
        (right, bottom, right, header),  # not through the header row
        (far, bottom, far, top),
    ]

    def printed(text: str, x: float, y: float) -> list[Char]:
        return [Char(ch, x + 6 * i, y, x + 6 * (i + 1), y + 8) for i, ch in enumerate(text)]

    chars = (
        printed("Item", 10, 45)
        + printed("Amounts", 170, 45)
        + printed("Rent", 10, 25)
        + printed("1.00", 110, 25)
        + printed("2.00", 210, 25)
    )
    page = PageText(1, 400.0, 100.0, "", tuple(chars))
    grid = grid_from_rules(page, rules)
    assert grid is not None and (grid.n_rows, grid.n_cols) == (2, 3)
    spanning = grid.region(0, 2)
    assert (spanning.col, spanning.col_span) == (1, 2)
    assert grid.spanning_text(0, 2) == "Amounts"
    assert table_texts(grid) == [["Item", "Amounts", ""], ["Rent", "1.00", "2.00"]]


def test_rules_around_empty_cells_are_no_table() -> None:
    """A form's empty boxes (or an empty template grid): page furniture, as camelot's
    lattice judges a grid at least nine tenths empty."""
    rules = [(0.0, y, 300.0, y) for y in (0.0, 20.0, 40.0)]
    rules += [(x, 0.0, x, 40.0) for x in (0.0, 100.0, 200.0, 300.0)]
    page = PageText(1, 400.0, 100.0, "", ())
    assert grid_from_rules(page, rules) is None


@pytest.mark.parametrize("draw_rules", [draw_rects, draw_bevelled], ids=["rects", "bevelled"])
def test_a_page_box_not_at_the_origin_reads_every_cell_in_its_place(
    tmp_path: Path, draw_rules: Callable[[canvas.Canvas], None]
) -> None:
    path = draw_table(tmp_path / "offset.pdf", draw_rules, shift=12.0)
    (page,) = pages_of(path)
    assert page.origin == pytest.approx((-12.0, 12.0))
    grid = read_page_grids(path, [page])[1]
    assert table_texts(grid) == CELLS
    # The grid's bounds are the page's own coordinates, as its characters are: the cell
    # box of "Total" holds the characters printed there.
    x0, y0, x1, y1 = grid.box(3, 0)
    printed = [ch for ch in page.chars if x0 <= ch.cx <= x1 and y0 <= ch.cy <= y1]
    assert "".join(ch.text for ch in printed) == "Total"


def test_a_page_without_rules_gets_no_grid(tmp_path: Path) -> None:
    path = draw_table(tmp_path / "unruled.pdf", lambda pdf: None)
    pages = pages_of(path)
    assert pages[0].path_count == 0
    assert read_page_grids(path, pages) == {}


# --- the real budget files that showed each fault -----------------------------------------


def budget_file(name: str) -> Path:
    path = BUDGETS / name
    if not path.is_file():
        pytest.skip(f"real budget corpus absent: {path} (only in CI and developer checkouts)")
    return path


def budget_grid(name: str, page_number: int) -> Grid:
    path = budget_file(name)
    page = pages_of(path)[page_number - 1]
    grid = read_page_grids(path, [page]).get(page_number)
    assert grid is not None, f"{name} p.{page_number}: no grid found"
    return grid


def row_of(grid: Grid, label: str) -> list[str]:
    """The squashed texts of the first row with a cell reading `label`."""
    for r in range(grid.n_rows):
        texts = [squash(grid.text(r, c)) for c in range(grid.n_cols)]
        if label in texts:
            return texts
    raise AssertionError(f"no row labelled {label}")


@pytest.mark.parametrize(
    ("name", "page_number", "label", "row"),
    [
        (
            "guangzhou_petitions_bureau_2026_budget.pdf",
            18,
            "工资福利支出",
            ["工资福利支出", "2,577.42", "2,577.42", "2,577.42", "0.00", "0.00", "0.00", "0.00"],
        ),
        (
            "zhuhai_transport_works_center_2026_budget.pdf",
            7,
            "超长期特别国债安排的支出",
            [
                "21298",
                "超长期特别国债安排的支出",
                "6,816.00",
                "0.00",
                "6,816.00",
                "0.00",
                "0.00",
                "0.00",
            ],
        ),
    ],
    ids=["guangzhou", "zhuhai"],
)
def test_bevelled_rules_of_the_guangdong_template(
    name: str, page_number: int, label: str, row: list[str]
) -> None:
    grid = budget_grid(name, page_number)
    assert grid.method == "rules/pdfium"
    assert row_of(grid, label) == row


def test_a_grid_drawn_in_two_path_objects_is_read() -> None:
    grid = budget_grid("shanghai_welfare_lottery_center_2026_budget.pdf", 7)
    assert grid.method == "lattice/vector"
    assert row_of(grid, "收入总计") == [
        "收入总计",
        "216,801,570",
        "支出总计",
        "216,801,570",
        "17,499,901",
        "3,362,962",
        "195,938,707",
    ]


def test_a_page_box_at_minus_twelve_reads_every_cell_in_its_place() -> None:
    grid = budget_grid("shanghai_natural_resources_registration_center_2026_budget.pdf", 7)
    assert row_of(grid, "收入总计") == [
        "收入总计",
        "50,040,000",
        "支出总计",
        "50,040,000",
        "38,306,200",
        "4,763,000",
        "6,970,800",
    ]
    assert row_of(grid, "一、财政拨款收入")[:4] == [
        "一、财政拨款收入",
        "31,730,000",
        "一、社会保障和就业支出",
        "6,835,532",
    ]


def test_a_page_whose_printed_totals_do_not_close_is_read_as_printed() -> None:
    """xian_sasac p.29 prints its 合计 column out of step with the other columns (the
    rendered page shows the same figures): the reader reads what is printed."""
    grid = budget_grid("xian_sasac_2022_budget.pdf", 29)
    assert row_of(grid, "商品和服务支出")[5:9] == [
        "940000.00",
        "13593324.02",
        "993767.31",
        "945000.00",
    ]
    assert row_of(grid, "住房公积金")[5:7] == ["2688467.31", "749700.00"]
