"""Pages turned by /Rotate read as they are displayed.

A landscape table is often printed on a portrait page turned by /Rotate 90 (or 270), its
drawing turned the other way so that the displayed page is upright. camelot measures the
displayed page and pypdfium2 renders it, while pdfium's character boxes, paths and bounded
text are in the page's own coordinates: pipelines.extract.pdf_text.Turn turns them into the
displayed page's, so every cell reads as on the same table printed upright.

Synthetic pages are drawn at test time with reportlab, the /Rotate set by reportlab as a
producer sets it; the LibreOffice fixtures (tests/fixtures) are turned at test time into
such pages; the real budget files (../shared/corpus/budgets, yantai_*) print their tables
this way.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from reportlab.pdfgen import canvas

from pipelines.domain.text import squash
from pipelines.extract.certainty import read_again
from pipelines.extract.document import extract_document, page_lines
from pipelines.extract.grid import Grid, read_page_grids
from pipelines.extract.pdf_text import UPRIGHT, PageText, Turn, TurnedTextPage, open_pdf
from pipelines.extract.records import DocumentExtraction
from tests.test_extract_grid import (
    CELLS,
    COLUMN_EDGES,
    ROW_EDGES,
    budget_file,
    draw_bevelled,
    draw_rects,
    pages_of,
    row_of,
    table_texts,
)

FIXTURES = Path(__file__).resolve().parent / "fixtures"
LANDSCAPE = (842.0, 595.0)  # A4 as displayed
PORTRAIT_HEIGHT = 842.0  # the grid test's table is placed for a portrait A4 page
TURNS = [90, 180, 270]
# Boxes computed through a turn differ from the upright page's by float rounding only.
CLOSE = 0.01
DARK = 128  # a grey level below which a rendered pixel is ink
# A matrix per /Rotate that draws the displayed page's point (X, Y) where the page's own
# coordinates put it: the drawing is turned the other way, so the page displays upright.
# (a, b, c, d, e, f) of a page of own size (w, h).
DRAWING_TURNS: dict[int, Callable[[float, float], tuple[float, ...]]] = {
    90: lambda w, h: (0, 1, -1, 0, w, 0),
    180: lambda w, h: (-1, 0, 0, -1, w, h),
    270: lambda w, h: (0, -1, 1, 0, 0, h),
}


def own_size(rotation: int, displayed: tuple[float, float]) -> tuple[float, float]:
    width, height = displayed
    return (height, width) if rotation in (90, 270) else (width, height)


def draw_landscape(
    path: Path, draw_rules: Callable[[canvas.Canvas], None], rotation: int = 0
) -> Path:
    """The grid test's table on a page displayed as landscape A4: upright on a landscape
    page, or (rotation) on a page of the turned size whose drawing is turned back."""
    pdf = canvas.Canvas(str(path), pagesize=LANDSCAPE)
    if rotation:
        # reportlab takes the displayed size and writes the MediaBox of the turned size
        pdf.setPageRotation(rotation)
        pdf.transform(*DRAWING_TURNS[rotation](*own_size(rotation, LANDSCAPE)))
    pdf.translate(0, LANDSCAPE[1] - PORTRAIT_HEIGHT)  # its rows kept as far below the top
    draw_rules(pdf)
    pdf.setFont("Helvetica", 9)
    for r, row in enumerate(CELLS):
        for c, text in enumerate(row):
            pdf.drawString(COLUMN_EDGES[c] + 4, ROW_EDGES[r + 1] + 4, text)
    pdf.showPage()
    pdf.save()
    return path


def turned_copy(source: Path, target: Path, rotation: int) -> Path:
    """Every page of `source` placed, turned back, on a page of the turned size that
    /Rotate displays as the original (the page captured whole as a form XObject)."""
    original = pdfium.PdfDocument(str(source))
    turned = pdfium.PdfDocument.new()
    try:
        for index in range(len(original)):
            source_page = original[index]
            width, height = own_size(rotation, source_page.get_size())
            source_page.close()
            drawing = original.page_as_xobject(index, turned).as_pageobject()
            drawing.transform(pdfium.PdfMatrix(*DRAWING_TURNS[rotation](width, height)))
            page = turned.new_page(width, height)
            page.insert_obj(drawing)
            page.gen_content()
            page.set_rotation(rotation)
            page.close()
        turned.save(str(target))
    finally:
        turned.close()
        original.close()
    return target


def only_grid(path: Path) -> tuple[PageText, Grid]:
    (page,) = pages_of(path)
    grid = read_page_grids(path, [page])[1]
    return page, grid


def doubts_of(path: Path, grid: Grid, turn: Turn) -> dict[tuple[int, int], str]:
    document = open_pdf(path)
    page = document[grid.page - 1]
    textpage = page.get_textpage()
    try:
        grid.doubts.clear()
        read_again(grid, textpage, turn)
        return dict(grid.doubts)
    finally:
        textpage.close()
        page.close()
        document.close()


# --- the turn itself -------------------------------------------------------------------


@pytest.mark.parametrize("rotation", [0, *TURNS])
def test_the_page_box_turns_onto_the_displayed_page(tmp_path: Path, rotation: int) -> None:
    """The page's own corners land on the corners of the displayed page pdfium measures
    (its size as displayed), measured from the MediaBox's corner; turning back undoes it."""
    path = draw_landscape(tmp_path / "page.pdf", draw_rects, rotation)
    document = pdfium.PdfDocument(str(path))
    page = document[0]
    box = (-12.0, 12.0, page.get_mediabox()[2] - 12.0, page.get_mediabox()[3] + 12.0)
    page.set_mediabox(*box)
    turn = Turn.of(page)
    displayed = page.get_size()
    page.close()
    document.close()
    assert turn.rotation == rotation
    left, bottom = box[0], box[1]
    assert turn.box(*box) == pytest.approx(
        (left, bottom, left + displayed[0], bottom + displayed[1])
    )
    for point in [(0.0, 0.0), (100.0, 700.0), (-12.0, 854.0), (400.5, 33.25)]:
        assert turn.unturned_point(*turn.point(*point)) == pytest.approx(point)


@pytest.mark.parametrize("rotation", TURNS)
def test_the_displayed_coordinates_are_where_pdfium_renders(tmp_path: Path, rotation: int) -> None:
    """The report draws a box over pypdfium2's rendering of the page: the table's grid,
    read in displayed coordinates, is where the rendered page shows its rules."""
    path = draw_landscape(tmp_path / "turned.pdf", draw_rects, rotation)
    page_text, grid = only_grid(path)
    document = pdfium.PdfDocument(str(path))
    page = document[0]
    scale = 2  # the rules are 0.75 pt: two pixels wide, dark at their middle
    image = page.render(scale=scale, grayscale=True).to_pil()
    page.close()
    document.close()
    assert image.size == (round(page_text.width * scale), round(page_text.height * scale))
    # Every dark pixel lies on the drawn rules: its bounding box is the grid's outline.
    dark = image.point(lambda v: 255 if v < DARK else 0).getbbox()
    assert dark is not None
    left, top = grid.col_bounds[0][0], grid.row_bounds[0][0]
    right, bottom = grid.col_bounds[-1][1], grid.row_bounds[-1][1]
    outline = (left, page_text.height - top, right, page_text.height - bottom)
    assert tuple(v / scale for v in dark) == pytest.approx(outline, abs=1.5)


# --- a ruled table on a turned page ------------------------------------------------------


@pytest.mark.parametrize("rotation", TURNS)
@pytest.mark.parametrize(
    ("draw_rules", "method"),
    [(draw_rects, "lattice/vector"), (draw_bevelled, "rules/pdfium")],
    ids=["rects", "bevelled"],
)
def test_a_turned_page_reads_as_the_upright_one(
    tmp_path: Path, rotation: int, draw_rules: Callable[[canvas.Canvas], None], method: str
) -> None:
    upright_page, upright = only_grid(draw_landscape(tmp_path / "upright.pdf", draw_rules))
    turned_page, turned = only_grid(draw_landscape(tmp_path / "turned.pdf", draw_rules, rotation))
    assert turned_page.turn.rotation == rotation
    assert turned_page.turn.mediabox == (0.0, 0.0, *own_size(rotation, LANDSCAPE))
    assert (turned_page.width, turned_page.height) == (upright_page.width, upright_page.height)
    assert turned.method == upright.method == method
    assert table_texts(turned) == table_texts(upright) == CELLS
    for ours, theirs in [
        (turned.col_bounds, upright.col_bounds),
        (turned.row_bounds, upright.row_bounds),
    ]:
        assert [tuple(band) for band in ours] == [
            pytest.approx(tuple(band), abs=CLOSE) for band in theirs
        ]


@pytest.mark.parametrize("rotation", TURNS)
def test_a_turned_page_has_the_upright_pages_characters_and_lines(
    tmp_path: Path, rotation: int
) -> None:
    (upright,) = pages_of(draw_landscape(tmp_path / "upright.pdf", draw_rects))
    (turned,) = pages_of(draw_landscape(tmp_path / "turned.pdf", draw_rects, rotation))
    assert [c.text for c in turned.chars] == [c.text for c in upright.chars]
    for ours, theirs in zip(turned.chars, upright.chars, strict=True):
        assert (ours.x0, ours.y0, ours.x1, ours.y1) == pytest.approx(
            (theirs.x0, theirs.y0, theirs.x1, theirs.y1), abs=CLOSE
        )
    turned_lines, upright_lines = page_lines([turned]), page_lines([upright])
    assert [line.text for line in turned_lines] == [line.text for line in upright_lines]
    assert [line.text for line in turned_lines] == [" ".join(row) for row in CELLS]
    for ours, theirs in zip(turned_lines, upright_lines, strict=True):
        assert ours.box == pytest.approx(theirs.box, abs=CLOSE)


@pytest.mark.parametrize("rotation", TURNS)
def test_the_second_reading_asks_pdfium_where_the_cell_is_on_the_page(
    tmp_path: Path, rotation: int
) -> None:
    """pdfium's bounded text takes the page's own coordinates: each cell rectangle is
    turned back, and both readings agree. Asked in displayed coordinates unturned, pdfium
    would answer from elsewhere on the page and every amount would be doubted."""
    path = draw_landscape(tmp_path / "turned.pdf", draw_rects, rotation)
    page, grid = only_grid(path)
    assert doubts_of(path, grid, page.turn) == {}
    document = open_pdf(path)
    pdf_page = document[0]
    textpage = pdf_page.get_textpage()
    turned = TurnedTextPage(textpage, Turn.of(pdf_page))
    seen = [[squash(turned.get_text_bounded(*grid.box(r, c))) for c in range(3)] for r in range(4)]
    textpage.close()
    pdf_page.close()
    document.close()
    assert seen == CELLS
    amounts = {(r, c) for r in range(1, 4) for c in range(1, 3)}
    assert set(doubts_of(path, grid, UPRIGHT)) == amounts


def test_a_turned_page_whose_box_is_not_at_the_origin_reads_in_place(tmp_path: Path) -> None:
    """A turned page cut out of a larger sheet (its box at -12, 12): the displayed page is
    measured from the box's corner, as camelot measures it."""
    path = draw_landscape(tmp_path / "turned.pdf", draw_rects, 90)
    document = pdfium.PdfDocument(str(path))
    page = document[0]
    _, _, right, top = page.get_mediabox()
    box = (-12.0, 12.0, right - 12.0, top + 12.0)
    page.set_mediabox(*box)
    page.set_cropbox(*box)
    page.close()
    shifted = tmp_path / "shifted.pdf"
    document.save(str(shifted))
    document.close()
    page_text, grid = only_grid(shifted)
    assert page_text.origin == pytest.approx((-12.0, 12.0))
    assert table_texts(grid) == CELLS
    x0, y0, x1, y1 = grid.box(3, 0)
    assert "".join(ch.text for ch in page_text.chars_in(x0, y0, x1, y1)) == "Total"
    assert doubts_of(shifted, grid, page_text.turn) == {}


# --- whole documents made by LibreOffice, turned -------------------------------------------


@cache
def extracted(path: Path) -> DocumentExtraction:
    return extract_document(path, path.parent)


def readings(result: DocumentExtraction) -> list[tuple]:
    """Everything read from the tables, boxes apart."""
    return [
        (
            table.table_id,
            table.status,
            table.printed_title,
            table.money_unit,
            table.problems,
            [
                (
                    row.page,
                    row.subject_code,
                    row.line_label,
                    row.side,
                    [
                        (cell.column_name, cell.printed_text, cell.amount, cell.uncertain_reason)
                        for cell in row.cells
                    ],
                )
                for row in table.rows
            ],
        )
        for table in result.tables
    ]


@pytest.mark.parametrize("rotation", TURNS)
@pytest.mark.parametrize(
    "name",
    [
        "ruled_subject_table",
        "unruled_subject_table",
        "statement_wrapped_labels_unruled",
        "three_public_merged_header",
    ],
)
def test_a_document_turned_page_by_page_extracts_as_the_original(
    tmp_path: Path, name: str, rotation: int
) -> None:
    """Ruled and unruled tables (camelot's grid, the text layout), merged headers and
    wrapped labels: every figure, label, doubt and box as on the upright original."""
    original = extracted(FIXTURES / f"{name}.pdf")
    turned = extract_document(
        turned_copy(FIXTURES / f"{name}.pdf", tmp_path / f"{name}.pdf", rotation), tmp_path
    )
    assert turned.status == original.status == "loaded"
    assert any(table.rows for table in original.tables)
    assert readings(turned) == readings(original)
    boxes = [c.box for t in turned.tables for r in t.rows for c in r.cells]
    original_boxes = [c.box for t in original.tables for r in t.rows for c in r.cells]
    assert boxes == [pytest.approx(box, abs=CLOSE) for box in original_boxes]
    assert [line.text for line in turned.lines] == [line.text for line in original.lines]
    assert [line.box for line in turned.lines] == [
        pytest.approx(line.box, abs=CLOSE) for line in original.lines
    ]


# --- the real budget files printed on turned pages ----------------------------------------


def test_yantai_tables_on_turned_pages_read_as_printed() -> None:
    path = budget_file("yantai_petitions_bureau_2026_budget.pdf")
    pages = pages_of(path)
    page = pages[6]
    assert page.turn.rotation == 90 and page.width > page.height
    assert page.lines[:2] == ["公开表2", "收入总体情况表"]
    grid = read_page_grids(path, [page])[7]
    assert row_of(grid, "一般公共服务支出")[:7] == [
        "201",
        "",
        "",
        "一般公共服务支出",
        "1,378.84",
        "1,378.84",
        "1,378.84",
    ]
    assert row_of(grid, "行政运行")[:7] == ["", "", "01", "行政运行", "507.97", "507.97", "507.97"]
    assert doubts_of(path, grid, page.turn) == {}


def test_yantai_three_public_table_on_a_turned_page() -> None:
    path = budget_file("yantai_housing_construction_bureau_2026_budget.pdf")
    page = pages_of(path)[22]
    assert page.turn.rotation == 90
    grid = read_page_grids(path, [page])[23]
    header = [squash(grid.spanning_text(1, c)) for c in range(grid.n_cols)]
    assert header[:6] == [
        "合计",
        "因公出国(境)经费",
        "公务用车购置及运行维护费",
        "公务用车购置及运行维护费",
        "公务用车购置及运行维护费",
        "公务接待费",
    ]
    assert [squash(grid.text(3, c)) for c in range(grid.n_cols)] == [
        "10.56",
        "",
        "4.44",
        "",
        "4.44",
        "6.12",
    ] * 2
