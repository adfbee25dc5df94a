"""The office-suite producer: the same disclosures as .docx or .xlsx, exported by LibreOffice.

Units write their disclosures in Word, WPS or a spreadsheet and export PDFs. This renders
the truth objects the reportlab producer draws (Disclosure, TableSpec) as a Word document
with python-docx, printed by LibreOffice Writer (headless), or as a workbook with
openpyxl, printed by LibreOffice Calc (OfficeLayout.application). Layout choices are drawn per
document (OfficeLayout) and recorded in the ground truth under "office_layout", so a
misread can be attributed to a layout. The office suite decides where pages break, so the
pages in the ground truth are read back from the exported PDF's text.
"""

from __future__ import annotations

import math
import random
import re
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import cast

import pypdfium2 as pdfium
from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_ROW_HEIGHT_RULE, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt
from docx.table import _Cell
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from juesuan_samples.budget import Budget
from juesuan_samples.budget_document import budget_specs, budget_truth, pair_truth
from juesuan_samples.budget_document import front_blocks as budget_front_blocks
from juesuan_samples.budget_document import glossary_blocks as budget_glossary_blocks
from juesuan_samples.budget_document import narrative_blocks as budget_narrative_blocks
from juesuan_samples.budget_tables import (
    BudgetStyle,
    budget_order,
    budget_variants,
    draw_budget_style,
)
from juesuan_samples.corpus import (
    DocumentJob,
    GeneratedDocument,
    OfficeUnavailable,
    prepare_budget,
    prepare_disclosure,
)
from juesuan_samples.formatting import chinese_number, format_amount
from juesuan_samples.layout import CAPPED_TABLES, Block, Page, TableLayout, TextOp
from juesuan_samples.model import Disclosure
from juesuan_samples.narrative import (
    contents_blocks,
    cover_blocks,
    glossary_blocks,
    profile_blocks,
    tables_part_blocks,
)
from juesuan_samples.render import ComposedDocument, PlacedTable, document_tables, part_three
from juesuan_samples.synthesis import stable_seed
from juesuan_samples.tables import (
    AMOUNT,
    CODE,
    CODE_PART,
    LINE_NO,
    TABLE_IDS,
    Cell,
    Column,
    DocumentStyle,
    HeaderCell,
    TableSpec,
)
from juesuan_samples.truth import build_truth, load_truth, write_truth
from juesuan_samples.variants import Variants, balanced_column

FONTS = (
    "Noto Serif CJK SC",
    "Noto Sans CJK SC",
    "WenQuanYi Micro Hei",
    "WenQuanYi Zen Hei",
    "AR PL UMing CN",
)
BORDERS = ("grid", "none")
T07_SHAPES = ("budget_then_final", "item_pairs", "transposed")
NUMBERINGS = ("三公07", "三公09")
TEMPLATES = ("nine_tables", "eight_tables")
LANDSCAPES = ("wide_tables", "all_tables")
APPLICATIONS = ("writer", "calc")

# 公开NN表 per table: in the 三公09 numbering the fund and SOE tables come before 三公.
LABEL_NUMBERS = {
    "三公07": {table_id: table_id[1:] for table_id in TABLE_IDS},
    "三公09": {
        **{table_id: table_id[1:] for table_id in TABLE_IDS},
        "T08": "07",
        "T09": "08",
        "T07": "09",
    },
}
APPROVAL_LINES = ("保密审查情况：已审查", "部门主要负责人审签情况：已审签")
MEETING_AND_TRAINING = ("会议费", "培训费")  # printed beside 三公 in some templates; not 三公

PAGE_MARGIN = Pt(56.7)  # 2 cm
PORTRAIT = (Pt(595.3), Pt(841.9))
WIDE_TABLE_COLUMNS = 8  # tables this wide print on landscape pages (wide_tables)
TITLE_BLOCK_HEIGHT = 100.0  # points the title, label and caption take on a table's first page
HEADER_ROW_HEIGHT = 22.0  # points, a header row's usual height in Writer
CELL_PADDING = 12.0  # points: Word's default cell margins, 0.19 cm on either side
DIGIT_WIDTH = 0.56  # of the font size: the advance of a digit in the CJK fonts above
TABLE_FONT_SIZES = (9.0, 8.0, 7.5, 7.0)
MAX_STRETCHED_ROW = 60.0  # points: rows of a table stretched over pages grow no taller


@dataclass(frozen=True)
class OfficeLayout:
    """How a document is printed by the office suite. Recorded in the truth, "office_layout".

    font: the CJK face of the whole document.
    borders: "grid" every cell ruled; "none" no rules at all (Variants.ruling follows it).
    long_tables: pages a long table is stretched over (2 or 3) when Variants.continuation is
        not "none"; header rows repeat on each page with "repeat_header" only.
    title_wrap: table titles broken over two lines.
    header_breaks: long header words broken onto two lines inside merged header cells.
    landscape: "wide_tables" (8 or more columns) or "all_tables" on landscape pages.
    t07_shape: 三公 as "budget_then_final" / "item_pairs" columns (Variants.t07_layout), or
        "transposed": rows 预算数 / 决算数, with extra 会议费 / 培训费 columns.
    numbering: "三公07" or "三公09" (三公 last, 公开07/08表 the fund and SOE tables).
    template: "nine_tables", or "eight_tables" (older templates: no 国有资本经营预算 table;
        only where that table is empty).
    cover_approval: the cover carries 保密审查 / 审签 lines under the unit name.
    summary: a department's 汇总 document (部门决算（汇总）on the cover; 部门 units only).
    application: "writer" (a .docx printed by Writer) or "calc" (a .xlsx printed by Calc:
        text rows on sheets, one sheet per table, fitted to the page width).
    """

    font: str = FONTS[0]
    borders: str = "grid"
    long_tables: int = 2
    title_wrap: bool = False
    header_breaks: bool = False
    landscape: str = "wide_tables"
    t07_shape: str = "budget_then_final"
    numbering: str = "三公07"
    template: str = "nine_tables"
    cover_approval: bool = False
    summary: bool = False
    application: str = "writer"

    def __post_init__(self) -> None:
        allowed = {
            "font": FONTS,
            "borders": BORDERS,
            "long_tables": (2, 3),
            "landscape": LANDSCAPES,
            "t07_shape": T07_SHAPES,
            "numbering": NUMBERINGS,
            "template": TEMPLATES,
            "application": APPLICATIONS,
        }
        for name, values in allowed.items():
            if getattr(self, name) not in values:
                raise ValueError(
                    f"OfficeLayout.{name} must be one of {values}, got {getattr(self, name)!r}"
                )

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


OFFICE_SHARES: dict[str, tuple[object, ...]] = {
    "font": FONTS,
    "borders": ("grid", "grid", "none"),
    "long_tables": (2, 3),
    "title_wrap": (False, True),
    "header_breaks": (False, True),
    "landscape": LANDSCAPES,
    "t07_shape": T07_SHAPES,
    "numbering": NUMBERINGS,
    "template": ("nine_tables", "nine_tables", "eight_tables"),
    "cover_approval": (False, True),
    "summary": (False, True),
    "application": APPLICATIONS,
}


def assign_office_layouts(unit_levels: Sequence[str], seed: int) -> list[OfficeLayout]:
    """One layout per document, every value balanced over the corpus and shuffled.

    汇总 goes to departments only; the eight-table template keeps 三公 as 公开07表.
    """
    rng = random.Random(stable_seed("office layouts", seed))
    count = len(unit_levels)
    columns = {name: balanced_column(shares, count, rng) for name, shares in OFFICE_SHARES.items()}
    layouts = []
    for index, level in enumerate(unit_levels):
        layout = OfficeLayout(**{name: columns[name][index] for name in OFFICE_SHARES})  # type: ignore[arg-type]
        if level != "部门":
            layout = replace(layout, summary=False)
        if layout.template == "eight_tables":
            layout = replace(layout, numbering="三公07")
        layouts.append(layout)
    return layouts


def office_variants(variants: Variants, layout: OfficeLayout) -> Variants:
    """The Variants as the office suite prints them: its rules and its 三公 column order."""
    return replace(
        variants,
        ruling="none" if layout.borders == "none" else "lines",
        t07_layout=layout.t07_shape if layout.t07_shape != "transposed" else "budget_then_final",
    )


def soffice_path() -> str:
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found is None:
        raise OfficeUnavailable(
            "the office producer needs LibreOffice (soffice) and CJK fonts; on Debian: "
            "apt-get install -y libreoffice-writer libreoffice-calc fonts-noto-cjk "
            "fonts-wqy-microhei fonts-wqy-zenhei fonts-arphic-uming"
        )
    return found


# ---------------------------------------------------------------------------
# Tables as the office suite prints them


def _transposed_t07(
    spec: TableSpec, d: Disclosure, style: DocumentStyle, thousands: bool, rng: random.Random
) -> TableSpec:
    """三公 with rows 预算数 / 决算数 and columns per item, plus 会议费 and 培训费."""
    printed = {(cell.truth_row, cell.column): cell for cell in spec.body[0] if cell.column}
    header = [
        HeaderCell(0, 0, "项目", rowspan=2),
        HeaderCell(0, 1, "合计", rowspan=2),
        HeaderCell(0, 2, "因公出国（境）费", rowspan=2),
        HeaderCell(0, 3, "公务用车购置及运行维护费", colspan=3),
        HeaderCell(1, 3, "小计"),
        HeaderCell(1, 4, "公务用车购置费"),
        HeaderCell(1, 5, "公务用车运行维护费"),
        HeaderCell(0, 6, "公务接待费", rowspan=2),
        *[HeaderCell(0, 7 + k, name, rowspan=2) for k, name in enumerate(MEETING_AND_TRAINING)],
        HeaderCell(2, 0, "栏次"),
        *[HeaderCell(2, col, str(col)) for col in range(1, 9)],
    ]
    body = []
    for column in ("预算数", "决算数"):
        extra = []
        for _ in MEETING_AND_TRAINING:
            # 0.50 to 40.00 万元, in cents of the disclosure's unit
            value = rng.randint(50, 4000) * (1 if d.amount_unit == "万元" else 10_000)
            text = format_amount(
                None if spec.empty else value,
                amount_unit=d.amount_unit,
                printed_unit=style.money_units["T07"],
                thousands=thousands,
                no_amount="",
            )
            extra.append(Cell(text, "right"))
        body.append(
            (Cell(column, "center"), *[printed[(item, column)] for item in range(6)], *extra)
        )
    return replace(
        spec,
        columns=(Column("name"), *[Column(AMOUNT)] * 8),
        header=tuple(header),
        header_rows=3,
        body=tuple(body),
    )


def _broken(text: str) -> str:
    """A long header word over two lines, as typed with a line break in a narrow cell."""
    compact = text.replace(" ", "")
    if len(compact) < 6 or "\n" in text:
        return text
    middle = len(compact) // 2
    return compact[:middle] + "\n" + compact[middle:]


def office_specs(
    d: Disclosure, variants: Variants, layout: OfficeLayout, rng: random.Random
) -> tuple[DocumentStyle, dict[str, TableSpec], tuple[str, ...]]:
    """The style, the table specs as printed, and the order tables are printed in."""
    style, specs = document_tables(d, variants, rng)
    office_rng = random.Random(rng.random())
    numbers = LABEL_NUMBERS[layout.numbering]
    for table_id, spec in specs.items():
        label = f"公开{numbers[table_id]}表" if spec.label else None
        header = spec.header
        if layout.header_breaks:
            header = tuple(replace(cell, text=_broken(cell.text)) for cell in header)
        specs[table_id] = replace(spec, label=label, header=header)
    if layout.t07_shape == "transposed":
        specs["T07"] = _transposed_t07(
            specs["T07"], d, style, variants.thousands_separator, office_rng
        )
    printed = [table_id for table_id in TABLE_IDS if table_id not in d.missing_tables]
    return style, specs, template_order(printed, layout)


def template_order(table_ids: Sequence[str], layout: OfficeLayout) -> tuple[str, ...]:
    """The tables in the order the layout's numbering and template print them."""
    order = list(table_ids)
    if layout.numbering == "三公09" and "T07" in order:
        order.remove("T07")
        order.append("T07")
    if layout.template == "eight_tables" and "T09" in order:
        order.remove("T09")
    return tuple(order)


# ---------------------------------------------------------------------------
# The Word document


@dataclass(frozen=True)
class OfficeDocument:
    document: DocxDocument | Workbook  # per layout.application
    style: DocumentStyle
    specs: dict[str, TableSpec]
    order: tuple[str, ...]  # tables printed, in print order
    font_sizes: dict[str, float]
    layout: OfficeLayout  # as applied (eight_tables falls back where T09 has figures)


def _set_font(document: DocxDocument, font: str) -> None:
    normal = document.styles["Normal"]
    normal.font.name = font
    normal.font.size = Pt(10.5)
    r_pr = normal.element.get_or_add_rPr()
    fonts = r_pr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        r_pr.append(fonts)
    for attribute in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attribute), font)
    language = OxmlElement("w:lang")
    language.set(qn("w:eastAsia"), "zh-CN")
    r_pr.append(language)
    normal.paragraph_format.space_after = Pt(0)


def _paragraph(document: DocxDocument, block: Block, page_break: bool = True) -> None:
    paragraph = document.add_paragraph()
    fmt = paragraph.paragraph_format
    fmt.page_break_before = block.new_page and page_break
    fmt.space_before = Pt(block.space_before)
    fmt.line_spacing = block.leading * 0.85
    if block.align == "center":
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    else:
        fmt.first_line_indent = Pt(block.indent * block.size)
    paragraph.add_run(block.text).font.size = Pt(block.size)


def _footer(document: DocxDocument, footer: str) -> None:
    """Page numbers in the footer, as a PAGE field inside the style's text ("第 {n} 页")."""
    before, after = footer.split("{n}")
    paragraph = document.sections[0].footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.add_run(before).font.size = Pt(9)
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    paragraph._p.append(field)
    paragraph.add_run(after).font.size = Pt(9)


def _page_section(document: DocxDocument, landscape: bool) -> None:
    section = document.add_section(WD_SECTION.NEW_PAGE)
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    width, height = PORTRAIT
    section.page_width, section.page_height = (height, width) if landscape else (width, height)


def _column_widths(spec: TableSpec, room: float, wrapped_names: bool) -> tuple[list[float], float]:
    """Column widths in points and the font size: amounts must fit on one line."""
    longest = [0] * len(spec.columns)
    for row in spec.body:
        for index, cell in enumerate(row):
            longest[index] = max(longest[index], len(cell.text))
    fixed = {CODE: 62.0, CODE_PART: 28.0, LINE_NO: 28.0}
    amounts = [i for i, column in enumerate(spec.columns) if column.kind == AMOUNT]
    names = [i for i, column in enumerate(spec.columns) if column.kind == "name"]
    name_width = 90.0 if wrapped_names else 140.0
    for size in TABLE_FONT_SIZES:
        for name in (name_width, 90.0, 70.0):
            widths = [fixed.get(column.kind, name) for column in spec.columns]
            rest = room - sum(widths[i] for i in range(len(widths)) if i not in amounts)
            each = rest / max(1, len(amounts))
            needed = max([longest[i] * DIGIT_WIDTH * size + CELL_PADDING for i in amounts] + [0])
            if each >= needed:
                for i in amounts:
                    widths[i] = each
                if not amounts:  # no amount column: the names take the room
                    for i in names:
                        widths[i] += (room - sum(widths)) / len(names)
                return widths, size
    for i in amounts:
        widths[i] = max(each, 30.0)
    return widths, TABLE_FONT_SIZES[-1]


def _write_cell(cell: _Cell, text: str, align: str, size: float, bold: bool = False) -> None:
    cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    paragraph = cell.paragraphs[0]
    paragraph.alignment = {
        "left": WD_ALIGN_PARAGRAPH.LEFT,
        "right": WD_ALIGN_PARAGRAPH.RIGHT,
        "center": WD_ALIGN_PARAGRAPH.CENTER,
    }[align]
    paragraph.paragraph_format.line_spacing = 1.0
    if text:
        run = paragraph.add_run(text)  # "\n" becomes a line break
        run.font.size = Pt(size)
        run.bold = bold


def _row_property(row_element: object, name: str) -> None:
    tr_pr = row_element.get_or_add_trPr()  # type: ignore[attr-defined]
    flag = OxmlElement(name)
    flag.set(qn("w:val"), "true")
    tr_pr.append(flag)


def _table(
    document: DocxDocument,
    spec: TableSpec,
    variants: Variants,
    layout: OfficeLayout,
    landscape: bool,
    rng: random.Random,
) -> float:
    """Title block, table and notes of one table; returns the table's font size."""
    width, height = PORTRAIT
    page_w, page_h = (height.pt, width.pt) if landscape else (width.pt, height.pt)
    room = page_w - 2 * PAGE_MARGIN.pt
    title = document.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    text = spec.printed_title
    if layout.title_wrap:
        cut = len(text) - rng.choice((1, 2, len(text) // 2))
        first = title.add_run(text[:cut])
        first.add_break(WD_BREAK.LINE)
        text = text[cut:]
    else:
        first = None
    second = title.add_run(text)
    for run in (first, second):
        if run is not None:
            run.font.size, run.bold = Pt(16), True
    if spec.label:
        label = document.add_paragraph()
        label.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        label.add_run(spec.label).font.size = Pt(9)
    caption = document.add_paragraph()
    caption.paragraph_format.tab_stops.add_tab_stop(Pt(room), WD_TAB_ALIGNMENT.RIGHT)
    caption.add_run(f"{spec.unit_line}\t{spec.money_label}").font.size = Pt(9)

    widths, size = _column_widths(spec, room, variants.wrapped_names)
    table = document.add_table(rows=spec.header_rows + len(spec.body), cols=len(spec.columns))
    if layout.borders == "grid":
        table.style = document.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for index, column in enumerate(table.columns):
        column.width = Pt(widths[index])
    grid = [row.cells for row in table.rows]
    for row_cells in grid:
        for index, cell in enumerate(row_cells):
            cell.width = Pt(widths[index])
    for header in spec.header:
        cell = grid[header.row][header.col]
        if header.rowspan > 1 or header.colspan > 1:
            last = grid[header.row + header.rowspan - 1][header.col + header.colspan - 1]
            cell = cell.merge(last)
        _write_cell(cell, header.text, "center", size, bold=True)
    for r, body_row in enumerate(spec.body):
        for c, body_cell in enumerate(body_row):
            _write_cell(grid[spec.header_rows + r][c], body_cell.text, body_cell.align, size)
    rows = table.rows
    repeat = variants.continuation != "no_header"
    for r, row in enumerate(rows):
        _row_property(row._tr, "w:cantSplit")
        if r < spec.header_rows and repeat:
            _row_property(row._tr, "w:tblHeader")
    stretched = (
        variants.continuation != "none"
        and spec.table_id in CAPPED_TABLES
        and not spec.empty
        and len(spec.body) >= 6
    )
    if stretched:  # rows tall enough that the table runs over layout.long_tables pages
        header_h = spec.header_rows * HEADER_ROW_HEIGHT
        first_page = page_h - 2 * PAGE_MARGIN.pt - TITLE_BLOCK_HEIGHT - header_h
        per_page = math.ceil(len(spec.body) / layout.long_tables)
        row_height = min(MAX_STRETCHED_ROW, first_page / per_page * 0.97)
        for row in rows[spec.header_rows :]:
            row.height = Pt(row_height)
            row.height_rule = WD_ROW_HEIGHT_RULE.AT_LEAST
    for note in spec.notes:
        paragraph = document.add_paragraph()
        paragraph.paragraph_format.space_before = Pt(4)
        paragraph.add_run(note).font.size = Pt(8)
    return size


def _contents(blocks: list[Block], style: DocumentStyle, order: Sequence[str]) -> list[Block]:
    """The contents page listing the template's tables in print order."""
    titles = {f"{chinese_number(i)}、{style.titles[t]}" for i, t in enumerate(TABLE_IDS, 1)}
    entries = [block for block in blocks if block.text in titles]
    if not entries:
        return blocks
    first = blocks.index(entries[0])
    listed = [
        replace(entries[0], text=f"{chinese_number(i)}、{style.titles[table_id]}")
        for i, table_id in enumerate(order, start=1)
    ]
    return blocks[:first] + listed + blocks[first + len(entries) :]


def _cover(d: Disclosure, style: DocumentStyle, layout: OfficeLayout) -> list[Block]:
    blocks = cover_blocks(d, style)
    if layout.summary:
        blocks = [replace(b, text=b.text.replace("部门决算", "部门决算（汇总）")) for b in blocks]
    if layout.cover_approval:
        at = next(i for i, block in enumerate(blocks) if block.text == d.unit.name) + 1
        approval = [Block(line, 14, "center", space_before=12) for line in APPROVAL_LINES]
        blocks = blocks[:at] + approval + blocks[at:]
    return blocks


def _front_blocks(d: Disclosure, style: DocumentStyle, layout: OfficeLayout) -> list[Block]:
    """Cover, contents, profile and the tables part's heading."""
    front = _cover(d, style, layout)
    # The contents list every table of the template: one planted missing is promised there
    # and not printed, unlike T09 of an eight-table template, which is not listed at all.
    front += _contents(contents_blocks(d, style), style, template_order(TABLE_IDS, layout))
    return front + profile_blocks(d, style) + tables_part_blocks(d, style)


def template_for(printed: Disclosure, layout: OfficeLayout) -> OfficeLayout:
    """The eight-table template only where T09 is empty and not planted missing: a T09
    with figures must be printed, and a T09 left out is a finding only where the
    template has one."""
    if layout.template == "eight_tables" and (
        not printed.t09.empty or "T09" in printed.missing_tables
    ):
        return replace(layout, template="nine_tables")
    return layout


def render_docx(
    printed: Disclosure,
    variants: Variants,
    layout: OfficeLayout,
    rng: random.Random,
    clean: Disclosure | None = None,
) -> OfficeDocument:
    """The whole disclosure as a Word document: cover to glossary, tables in sections."""
    layout = template_for(printed, layout)
    style, specs, order = office_specs(printed, variants, layout, rng)
    document = Document()
    _set_font(document, layout.font)
    section = document.sections[0]
    section.page_width, section.page_height = PORTRAIT
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, PAGE_MARGIN)
    _footer(document, style.footer)
    for index, block in enumerate(_front_blocks(printed, style, layout)):
        _paragraph(document, block, page_break=index > 0)
    font_sizes = {}
    table_rng = random.Random(rng.random())
    for table_id in order:
        spec = specs[table_id]
        landscape = layout.landscape == "all_tables" or len(spec.columns) >= WIDE_TABLE_COLUMNS
        _page_section(document, landscape)
        font_sizes[table_id] = _table(document, spec, variants, layout, landscape, table_rng)
    _page_section(document, landscape=False)
    for index, block in enumerate(part_three(printed, style, rng, clean) + glossary_blocks()):
        _paragraph(document, block, page_break=index > 0)
    return OfficeDocument(document, style, specs, order, font_sizes, layout)


def render_budget_docx(
    budget: Budget,
    variants: Variants,
    style: BudgetStyle,
    layout: OfficeLayout,
    rng: random.Random,
) -> OfficeDocument:
    """A budget (budget_document.py) as a Word document: its front matter, its tables in
    the family's order, each in its own section, then 第三部分 and the glossary."""
    doc_style, specs = budget_specs(budget, variants, style, rng)
    if layout.header_breaks:
        specs = {
            table_id: replace(
                spec, header=tuple(replace(c, text=_broken(c.text)) for c in spec.header)
            )
            for table_id, spec in specs.items()
        }
    order = budget_order(style)
    document = Document()
    _set_font(document, layout.font)
    section = document.sections[0]
    section.page_width, section.page_height = PORTRAIT
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, PAGE_MARGIN)
    _footer(document, doc_style.footer)
    for index, block in enumerate(budget_front_blocks(budget, style)):
        _paragraph(document, block, page_break=index > 0)
    font_sizes = {}
    table_rng = random.Random(rng.random())
    for table_id in order:
        spec = specs[table_id]
        landscape = layout.landscape == "all_tables" or len(spec.columns) >= WIDE_TABLE_COLUMNS
        _page_section(document, landscape)
        font_sizes[table_id] = _table(document, spec, variants, layout, landscape, table_rng)
    _page_section(document, landscape=False)
    back = budget_narrative_blocks(budget) + budget_glossary_blocks()
    for index, block in enumerate(back):
        _paragraph(document, block, page_break=index > 0)
    return OfficeDocument(document, doc_style, specs, order, font_sizes, layout)


# ---------------------------------------------------------------------------
# The workbook (Calc)

CALC_CHAR_WIDTH = 5.6  # points per Calc column-width unit (a digit of the default font)
CALC_LINE = 1.45  # a text row's height, in font sizes
CALC_CELL_PADDING = 6.0  # points a row adds to its lines of text
THIN = Side(style="thin")
RULED = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
AMOUNT_TEXT = re.compile(r"-?[0-9,]+\.([0-9]+)")


def _calc_page(ws: Worksheet, style: DocumentStyle, landscape: bool) -> None:
    """A4, the document's margins and page-number footer, fitted to the page width."""
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0  # as many pages down as the rows need
    margin = PAGE_MARGIN.inches
    ws.page_margins.left = ws.page_margins.right = margin
    ws.page_margins.top = ws.page_margins.bottom = margin
    ws.oddHeader.center.text = ""
    ws.oddFooter.center.text = style.footer.replace("{n}", "&P")
    ws.oddFooter.center.size = 9


def _text_lines(text: str, size: float, room: float) -> list[str]:
    """Running text cut into lines that fit `room` points: Calc does not wrap it into rows."""
    per_line = max(1, int(room / size))
    return [text[k : k + per_line] for k in range(0, len(text), per_line)] or [""]


def _text_sheet(ws: Worksheet, blocks: Sequence[Block], font: str, style: DocumentStyle) -> None:
    """Running text as rows down one page-wide column; a new_page block breaks the page."""
    room = PORTRAIT[0].pt - 2 * PAGE_MARGIN.pt
    ws.column_dimensions["A"].width = room / CALC_CHAR_WIDTH
    row = 1
    for index, block in enumerate(blocks):
        if block.new_page and index > 0:
            ws.row_breaks.append(Break(id=row - 1))
        lines = _text_lines(block.text, block.size, room - block.indent * block.size)
        for k, line in enumerate(lines):
            cell = ws.cell(row, 1, line)
            cell.font = Font(name=font, size=block.size)
            indent = block.indent * block.size / CALC_CHAR_WIDTH / 3 if k == 0 else 0
            cell.alignment = Alignment(
                horizontal="center" if block.align == "center" else "left",
                indent=0 if block.align == "center" else round(indent),
            )
            extra = block.space_before if k == 0 else 0.0
            ws.row_dimensions[row].height = block.size * CALC_LINE + extra
            row += 1
    _calc_page(ws, style, landscape=False)


def _wrapped_height(texts: Sequence[tuple[str, float]], size: float) -> float:
    """A row's height for cell texts (text, cell width in points) wrapped in their cells."""
    lines = 1
    for text, width in texts:
        room = max(width - CELL_PADDING, size)
        lines = max(
            lines, sum(max(1, math.ceil(len(part) * size / room)) for part in text.split("\n"))
        )
    return lines * size * CALC_LINE + CALC_CELL_PADDING


def _amount_value(text: str, thousands: bool) -> tuple[float, str] | None:
    """A printed amount as a number and its Calc format, or None for text and blanks."""
    match = AMOUNT_TEXT.fullmatch(text)
    if match is None:
        return None
    decimals = "." + "0" * len(match.group(1))
    return float(text.replace(",", "")), ("#,##0" if thousands else "0") + decimals


def _table_sheet(
    ws: Worksheet,
    spec: TableSpec,
    style: DocumentStyle,
    variants: Variants,
    layout: OfficeLayout,
    landscape: bool,
    rng: random.Random,
) -> float:
    """Title block, merged header, body and notes of one table; returns the font size."""
    width, height = PORTRAIT
    room = (height.pt if landscape else width.pt) - 2 * PAGE_MARGIN.pt
    widths, size = _column_widths(spec, room, variants.wrapped_names)
    count = len(spec.columns)
    last = get_column_letter(count)
    for index, points in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(index)].width = points / CALC_CHAR_WIDTH
    font = layout.font

    def put(row: int, col: int, text: str, size: float, align: str, bold: bool = False) -> None:
        cell = ws.cell(row, col, text or None)
        cell.font = Font(name=font, size=size, bold=bold)
        cell.alignment = Alignment(horizontal=align, vertical="center", wrap_text=True)

    title = spec.printed_title
    if layout.title_wrap:
        cut = len(title) - rng.choice((1, 2, len(title) // 2))
        title = title[:cut] + "\n" + title[cut:]
    ws.merge_cells(f"A1:{last}1")
    put(1, 1, title, 16, "center", bold=True)
    ws.row_dimensions[1].height = 16 * CALC_LINE * (title.count("\n") + 1) + CALC_CELL_PADDING
    row = 2
    if spec.label:
        ws.merge_cells(f"A2:{last}2")
        put(2, 1, spec.label, 9, "right")
        row = 3
    if count >= 3:
        ws.merge_cells(f"A{row}:{get_column_letter(count - 1)}{row}")
        put(row, 1, spec.unit_line, 9, "left")
        put(row, count, spec.money_label, 9, "right")
    else:
        put(row, 1, f"{spec.unit_line}    {spec.money_label}", 9, "left")
    top = row + 1
    header_texts: dict[int, list[tuple[str, float]]] = {}
    for header in spec.header:
        put(top + header.row, header.col + 1, header.text, size, "center", bold=True)
        if header.rowspan > 1 or header.colspan > 1:
            ws.merge_cells(
                start_row=top + header.row,
                start_column=header.col + 1,
                end_row=top + header.row + header.rowspan - 1,
                end_column=header.col + header.colspan,
            )
        if header.rowspan == 1:
            span = sum(widths[header.col : header.col + header.colspan])
            header_texts.setdefault(header.row, []).append((header.text, span))
    for r in range(spec.header_rows):
        ws.row_dimensions[top + r].height = _wrapped_height(header_texts.get(r, []), size)
    body_top = top + spec.header_rows
    thousands = variants.thousands_separator
    for r, body_row in enumerate(spec.body):
        texts = []
        for c, body_cell in enumerate(body_row):
            amount = _amount_value(body_cell.text, thousands)
            if amount is None:
                put(body_top + r, c + 1, body_cell.text, size, body_cell.align)
                texts.append((body_cell.text, widths[c]))
            else:
                cell = ws.cell(body_top + r, c + 1, amount[0])
                cell.number_format = amount[1]
                cell.font = Font(name=font, size=size)
                cell.alignment = Alignment(horizontal=body_cell.align, vertical="center")
        ws.row_dimensions[body_top + r].height = _wrapped_height(texts, size)
    end = body_top + len(spec.body) - 1
    if layout.borders == "grid":
        for cells in ws.iter_rows(min_row=top, max_row=end, max_col=count):
            for cell in cells:
                cell.border = RULED
    stretched = (
        variants.continuation != "none"
        and spec.table_id in CAPPED_TABLES
        and not spec.empty
        and len(spec.body) >= 6
    )
    if stretched:  # manual breaks: the table runs over layout.long_tables pages
        per_page = math.ceil(len(spec.body) / layout.long_tables)
        for first in range(per_page, len(spec.body), per_page):
            ws.row_breaks.append(Break(id=body_top + first - 1))
    if variants.continuation != "no_header":
        ws.print_title_rows = f"{top}:{body_top - 1}"
    for k, note in enumerate(spec.notes, start=1):
        ws.merge_cells(start_row=end + k, start_column=1, end_row=end + k, end_column=count)
        put(end + k, 1, note, 8, "left")
        ws.row_dimensions[end + k].height = _wrapped_height([(note, sum(widths))], 8)
    _calc_page(ws, style, landscape)
    return size


def render_xlsx(
    printed: Disclosure,
    variants: Variants,
    layout: OfficeLayout,
    rng: random.Random,
    clean: Disclosure | None = None,
) -> OfficeDocument:
    """The whole disclosure as a workbook: a sheet of front matter, one sheet per table,
    a sheet of part three and the glossary. Draws from `rng` as render_docx does."""
    layout = template_for(printed, layout)
    style, specs, order = office_specs(printed, variants, layout, rng)
    book = Workbook()
    front = book.active
    assert front is not None
    front.title = "封面"
    _text_sheet(front, _front_blocks(printed, style, layout), layout.font, style)
    font_sizes = {}
    table_rng = random.Random(rng.random())
    for table_id in order:
        spec = specs[table_id]
        landscape = layout.landscape == "all_tables" or len(spec.columns) >= WIDE_TABLE_COLUMNS
        sheet = book.create_sheet(spec.label or table_id)
        font_sizes[table_id] = _table_sheet(
            sheet, spec, style, variants, layout, landscape, table_rng
        )
    back = part_three(printed, style, rng, clean) + glossary_blocks()
    _text_sheet(book.create_sheet("说明"), back, layout.font, style)
    return OfficeDocument(book, style, specs, order, font_sizes, layout)


# ---------------------------------------------------------------------------
# Export and ground truth


def convert_to_pdf(soffice: str, sources: Sequence[Path], out_dir: Path) -> None:
    """One headless LibreOffice run for all sources, with a private profile directory so
    that parallel runs do not share (and lock) one user installation."""
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="juesuan-soffice-") as profile:
        result = subprocess.run(
            [
                soffice,
                f"-env:UserInstallation={Path(profile).as_uri()}",
                "--headless",
                "--norestore",
                "--convert-to",
                "pdf",  # Writer's export for .docx, Calc's for .xlsx
                "--outdir",
                str(out_dir),
                *[str(source) for source in sources],
            ],
            capture_output=True,
            text=True,
            check=False,
        )
    missing = [s.name for s in sources if not (out_dir / f"{s.stem}.pdf").exists()]
    if result.returncode != 0 or missing:
        raise RuntimeError(
            f"LibreOffice did not export {missing or 'all files'} "
            f"(exit {result.returncode}): {result.stderr.strip()[-500:]}"
        )


def _compact(text: str) -> str:
    return "".join(text.split())


def _read_pages(pdf_path: Path) -> list[tuple[float, float, str]]:
    pdf = pdfium.PdfDocument(pdf_path)
    try:
        pages = []
        for index in range(len(pdf)):
            page = pdf[index]
            width, height = page.get_size()
            pages.append((width, height, page.get_textpage().get_text_range()))
        return pages
    finally:
        pdf.close()


def _first_page(texts: list[str], needles: Sequence[str], start: int, what: str) -> int:
    """Index of the first page from `start` whose text holds every needle."""
    for index in range(start, len(texts)):
        if all(needle in texts[index] for needle in needles):
            return index
    raise AssertionError(f"{what} not found in the exported PDF from page {start + 1}")


def _row_pages(spec: TableSpec, texts: list[str]) -> tuple[int, ...]:
    """Page (within the table) of each body row: its longest cell text, found in order."""
    joined = "".join(texts)
    starts = [sum(len(text) for text in texts[:k]) for k in range(len(texts))]
    cursor, page, pages = 0, 0, []
    for row in spec.body:
        anchor = max((_compact(cell.text) for cell in row), key=len)
        found = joined.find(anchor, cursor) if anchor else -1
        if found >= 0:
            cursor = found + 1
            page = max(k for k, start in enumerate(starts) if start <= found)
        pages.append(page)
    return tuple(pages)


def composed_from_pdf(office: OfficeDocument, pdf_path: Path) -> ComposedDocument:
    """Where Writer put each table and the narrative, read back from the exported text."""
    read = _read_pages(pdf_path)
    texts = [_compact(text) for _, _, text in read]
    pages = tuple(Page(w, h, (TextOp(0.0, 0.0, text, 10.0),)) for w, h, text in read)
    firsts: dict[str, int] = {}
    start = 1
    for table_id in office.order:
        spec = office.specs[table_id]
        needles = (_compact(spec.printed_title), _compact(spec.unit_line))
        firsts[table_id] = _first_page(texts, needles, start, f"{table_id} {spec.printed_title}")
        start = firsts[table_id] + 1
    narrative = _first_page(texts, ("第三部分",), start, "第三部分")
    glossary = _first_page(texts, ("第四部分", "名词解释"), narrative + 1, "第四部分")
    ends = [firsts[t] for t in office.order[1:]] + [narrative]
    tables = {}
    for table_id, end in zip(office.order, ends, strict=True):
        spec, first = office.specs[table_id], firsts[table_id]
        table_pages = tuple(Page(pages[k].width, pages[k].height, ()) for k in range(first, end))
        cell_lines: dict[tuple[int, int], tuple[str, ...]] = {
            (r, c): (cell.text,) for r, row in enumerate(spec.body) for c, cell in enumerate(row)
        }
        layout = TableLayout(
            table_pages,
            _row_pages(spec, texts[first:end]),
            cell_lines,
            office.font_sizes[table_id],
        )
        tables[table_id] = PlacedTable(spec, layout, first + 1)
    narrative_pages = tuple(range(narrative + 1, glossary + 1))
    return ComposedDocument(pages, tables, office.style, narrative_pages)


def office_truth(
    printed: Disclosure,
    variants: Variants,
    office: OfficeDocument,
    pdf_path: Path,
    seed: int,
    planted: Sequence,
) -> dict[str, object]:
    composed = composed_from_pdf(office, pdf_path)
    truth = build_truth(printed, variants, composed, pdf_path.name, seed, planted)
    truth["producer"] = "office"
    truth["office_layout"] = office.layout.as_dict()
    layout = cast(dict, truth["layout"])
    layout["rule_width"] = None  # reportlab's rules; Writer draws the cell borders
    layout["ruling_none"] = "no rules at all" if office.layout.borders == "none" else None
    layout["table_order"] = list(office.order)
    if office.layout.template == "eight_tables":  # not in the template: not a missing table
        cast(dict, truth["tables"])["T09"]["absent_by_template"] = True
    return truth


def generate_office_documents(
    out_dir: Path | str,
    jobs: Sequence[DocumentJob],
    seed: int,
    layouts: Sequence[OfficeLayout] | None = None,
) -> list[GeneratedDocument]:
    """Render jobs as Word documents or workbooks, export them in one LibreOffice run,
    write the truth.

    `layouts` defaults to a balanced draw over the jobs (assign_office_layouts). A job
    with a budget_path also gets its budget, as a Word document in the job's layout
    (Writer: budgets are typed in Word or WPS), listed after its final.
    """
    soffice = soffice_path()
    out = Path(out_dir)
    if layouts is None:
        layouts = assign_office_layouts([job.unit.level for job in jobs], seed)
    documents = []
    with tempfile.TemporaryDirectory(prefix="juesuan-office-") as tmp:
        work = Path(tmp)
        rendered = []
        budgets = {}
        for index, (job, layout) in enumerate(zip(jobs, layouts, strict=True)):
            variants = office_variants(job.variants, layout)
            clean, printed, planted = prepare_disclosure(
                job.unit,
                job.fiscal_year,
                variants,
                seed,
                job.errors,
                job.mismatches,
                job.budget_path is not None,
            )
            rng = random.Random(stable_seed("document", seed, job.unit.name, job.fiscal_year))
            render = render_xlsx if layout.application == "calc" else render_docx
            office = render(printed, variants, layout, rng, clean if planted else None)
            title = f"{job.unit.name}{job.fiscal_year}年度决算"
            if isinstance(office.document, Workbook):
                source = work / f"{index:04d}.xlsx"
                office.document.properties.title = title
            else:
                source = work / f"{index:04d}.docx"
                office.document.core_properties.title = title
            office.document.save(str(source))
            rendered.append((job, variants, printed, planted, office, source))
            if job.budget_path is not None:
                budgets[index] = _render_budget(job, variants, layout, seed, work, index)
        sources = [source for *_, source in rendered]
        sources += [budget[-1] for budget in budgets.values()]
        convert_to_pdf(soffice, sources, work / "pdf")
        for index, (job, variants, printed, planted, office, source) in enumerate(rendered):
            pdf_path = out / job.relative_path
            pdf_path.parent.mkdir(parents=True, exist_ok=True)
            shutil.move(work / "pdf" / f"{source.stem}.pdf", pdf_path)
            truth_path = pdf_path.with_name(pdf_path.stem + ".truth.json")
            write_truth(
                office_truth(printed, variants, office, pdf_path, seed, planted), truth_path
            )
            final = GeneratedDocument(pdf_path, truth_path, job.unit.name, job.fiscal_year, planted)
            documents.append(final)
            if index in budgets:
                documents.append(_write_budget(budgets[index], job, out, seed, final))
    return documents


def _render_budget(
    job: DocumentJob, variants: Variants, layout: OfficeLayout, seed: int, work: Path, index: int
) -> tuple[Budget, Variants, BudgetStyle, OfficeDocument, Path]:
    variants = budget_variants(variants)
    budget = prepare_budget(job.unit, job.fiscal_year, variants, seed)
    rng = random.Random(stable_seed("budget document", seed, job.unit.name, job.fiscal_year))
    style = draw_budget_style(job.budget_family or "jiangsu", budget.amount_unit, rng)
    # Typed in Word and ruled, as every real budget with a text layer is (budget_variants).
    budget_layout = replace(
        layout, application="writer", summary=False, template="nine_tables", borders="grid"
    )
    office = render_budget_docx(budget, variants, style, budget_layout, rng)
    assert isinstance(office.document, DocxDocument)
    office.document.core_properties.title = f"{job.unit.name}{job.fiscal_year}年度预算"
    source = work / f"{index:04d}_budget.docx"
    office.document.save(str(source))
    return budget, variants, style, office, source


def _write_budget(
    rendered: tuple[Budget, Variants, BudgetStyle, OfficeDocument, Path],
    job: DocumentJob,
    out: Path,
    seed: int,
    final: GeneratedDocument,
) -> GeneratedDocument:
    budget, variants, style, office, source = rendered
    assert job.budget_path is not None
    pdf_path = out / job.budget_path
    pdf_path.parent.mkdir(parents=True, exist_ok=True)
    shutil.move(source.parent / "pdf" / f"{source.stem}.pdf", pdf_path)
    composed = composed_from_pdf(office, pdf_path)
    truth = budget_truth(
        budget, variants, style, composed, pdf_path.name, seed, final.pdf_path.name
    )
    truth["producer"] = "office"
    truth["office_layout"] = office.layout.as_dict()
    layout = cast(dict, truth["layout"])
    layout["rule_width"] = None
    layout["ruling_none"] = "no rules at all" if office.layout.borders == "none" else None
    truth |= pair_truth(truth, load_truth(final.truth_path))
    truth_path = pdf_path.with_name(pdf_path.stem + ".truth.json")
    write_truth(truth, truth_path)
    return GeneratedDocument(pdf_path, truth_path, job.unit.name, job.fiscal_year, (), "预算")
