"""Compose a disclosure's pages and write them as a PDF with reportlab."""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from pathlib import Path

from reportlab.pdfgen import canvas

from juesuan_samples.layout import (
    FONT,
    Block,
    Page,
    TableLayout,
    TableStyle,
    flow_text,
    layout_table,
    register_font,
    text_width,
    with_footer,
)
from juesuan_samples.model import Disclosure
from juesuan_samples.narrative import (
    contents_blocks,
    cover_blocks,
    glossary_blocks,
    narrative_blocks,
    profile_blocks,
    tables_part_blocks,
)
from juesuan_samples.tables import (
    TABLE_IDS,
    DocumentStyle,
    TableSpec,
    build_table_specs,
    draw_document_style,
)
from juesuan_samples.variants import Variants


@dataclass(frozen=True)
class PlacedTable:
    spec: TableSpec
    layout: TableLayout
    first_page: int  # 1-based page number of the table's first page

    def page_of_row(self, body_row: int) -> int:
        return self.first_page + self.layout.row_pages[body_row]

    @property
    def pages(self) -> list[int]:
        return list(range(self.first_page, self.first_page + len(self.layout.pages)))


@dataclass(frozen=True)
class ComposedDocument:
    pages: tuple[Page, ...]
    tables: dict[str, PlacedTable]  # the tables printed (a missing one is left out)
    style: DocumentStyle
    narrative_pages: tuple[int, ...] = ()  # 1-based numbers of the 第三部分 pages


def compose(
    d: Disclosure, variants: Variants, rng: random.Random, clean: Disclosure | None = None
) -> ComposedDocument:
    """All pages of the document, footers included, and where each table landed.

    `d` is what is printed. With planted errors, `clean` is the disclosure before they
    were planted: the narrative then restates the clean tables, with d's (possibly
    misstated) narrative figures. Tables in d.missing_tables are left out; tables in
    d.unit_slips print under a 万元 header whatever the style drew.
    """
    style, specs = document_tables(d, variants, rng)
    table_style = TableStyle(
        variants.ruling, variants.continuation, variants.wrapped_names, style.rule_width
    )
    pages: list[Page] = []
    for blocks in (cover_blocks(d, style), contents_blocks(d, style), profile_blocks(d, style)):
        pages += flow_text(blocks)
    pages += flow_text(tables_part_blocks(d, style))
    tables = {}
    for table_id in TABLE_IDS:
        if table_id in d.missing_tables:
            continue
        layout = layout_table(specs[table_id], table_style)
        tables[table_id] = PlacedTable(specs[table_id], layout, len(pages) + 1)
        pages += layout.pages
    first_narrative = len(pages) + 1
    pages += flow_text(part_three(d, style, rng, clean))
    narrative_pages = tuple(range(first_narrative, len(pages) + 1))
    pages += flow_text(glossary_blocks())
    footed = tuple(
        with_footer(page, style.footer.format(n=number))
        for number, page in enumerate(pages, start=1)
    )
    return ComposedDocument(footed, tables, style, narrative_pages)


def document_tables(
    d: Disclosure, variants: Variants, rng: random.Random
) -> tuple[DocumentStyle, dict[str, TableSpec]]:
    """The document's printing style (drawn from rng) and its nine table specs.

    Tables in d.unit_slips print under a 万元 header whatever the style drew.
    """
    style = draw_document_style(d, variants, rng)
    if d.unit_slips:
        style = replace(style, money_units=style.money_units | dict.fromkeys(d.unit_slips, "万元"))
    return style, build_table_specs(d, variants, style)


def part_three(
    d: Disclosure, style: DocumentStyle, rng: random.Random, clean: Disclosure | None = None
) -> list[Block]:
    """第三部分: with planted errors it restates the clean tables with d's narrative figures
    (and d's planted words and headings)."""
    if clean is None:
        return narrative_blocks(d, style, rng)
    stated = replace(
        clean,
        narrative=d.narrative,
        flipped_words=d.flipped_words,
        placeholder_headings=d.placeholder_headings,
        wrong_year_headings=d.wrong_year_headings,
    )
    return narrative_blocks(stated, style, rng, clean.narrative)


def write_pdf(document: ComposedDocument, path: Path, title: str) -> None:
    """Write the pages; invariant mode keeps the bytes identical from run to run."""
    register_font()
    path.parent.mkdir(parents=True, exist_ok=True)
    first = document.pages[0]
    pdf = canvas.Canvas(
        str(path), pagesize=(first.width, first.height), invariant=1, pageCompression=1
    )
    pdf.setTitle(title)
    pdf.setCreator("Juesuan sample generator")
    for page in document.pages:
        pdf.setPageSize((page.width, page.height))
        _draw_rules(pdf, page)
        for op in page.texts:
            pdf.setFont(FONT, op.size)
            x, text = op.x, op.text
            if len(text) == 1 and not text.isascii():
                # pdfium leaves a lone CJK glyph of a non-embedded font out of its text layer;
                # a leading space (invisible, placed before the glyph) keeps it in.
                x, text = x - text_width(" ", op.size), " " + text
            pdf.drawString(x, op.y, text)
        pdf.showPage()
    pdf.save()


def _draw_rules(pdf: canvas.Canvas, page: Page) -> None:
    if not page.rules:
        return
    width = page.rule_width
    if page.rule_style == "line":
        pdf.setLineWidth(width)
        for rule in page.rules:
            pdf.line(rule.x0, rule.y0, rule.x1, rule.y1)
        return
    half = width / 2
    for rule in page.rules:  # thin filled rectangles, no stroke, overlapping at the joints
        if rule.y0 == rule.y1:
            pdf.rect(
                rule.x0 - half, rule.y0 - half, rule.x1 - rule.x0 + width, width, stroke=0, fill=1
            )
        else:
            pdf.rect(
                rule.x0 - half, rule.y0 - half, width, rule.y1 - rule.y0 + width, stroke=0, fill=1
            )
