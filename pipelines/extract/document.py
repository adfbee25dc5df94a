"""One document, end to end: open, recognise, locate, extract; or reject with a reason."""

from __future__ import annotations

import hashlib
import re
import time
from pathlib import Path

import pypdfium2 as pdfium

from pipelines import settings
from pipelines.domain.amounts import find_money_unit
from pipelines.domain.tables import (
    BUDGET_STANDARD_IDS,
    BUDGET_TABLES,
    SPECS_BY_ID,
    TABLES,
    TableSpec,
)
from pipelines.domain.text import PAGE_FOOTER, squash
from pipelines.extract import EXTRACTOR_VERSION
from pipelines.extract.certainty import mark_column_shifts, read_again
from pipelines.extract.econ_tables import parse_econ_table
from pipelines.extract.grid import Grid, read_page_grids
from pipelines.extract.layout import reading_lines, spaced_text
from pipelines.extract.listing_tables import parse_listing_table
from pipelines.extract.locate import (
    BUDGET_TABLE_SET,
    FINAL_TABLES,
    TableLocation,
    TableSet,
    budget_left_out_by_numbering,
    contents_listing,
    left_out_by_numbering,
    left_out_by_template,
    locate_tables,
    table_titles,
)
from pipelines.extract.narrative import extract_narrative
from pipelines.extract.path_text import path_text
from pipelines.extract.pdf_text import PageText, PdfOpenError, Turn, open_pdf, read_pages
from pipelines.extract.recognize import Recognition, recognise
from pipelines.extract.records import DocumentExtraction, ExtractedTable, PageLine
from pipelines.extract.statement_tables import parse_statement
from pipelines.extract.subject_tables import parse_subject_table
from pipelines.extract.text_grid import grid_from_text, grid_from_text_layout
from pipelines.extract.three_public_tables import parse_three_public

# One parser per table kind (pipelines.domain.tables.TableSpec.kind), all called as
# parser(spec, grids, money_unit, problems).
PARSERS = {
    "subject": parse_subject_table,
    "statement": parse_statement,
    "econ": parse_econ_table,
    "three_public": parse_three_public,
    "listing": parse_listing_table,
}
# A page with fewer text characters is scanned: it has no text layer, or a stray few
# (an OCR'd page number).
MIN_TEXT_CHARS = 5
# A cover prints a few short lines (name, year, 决算, a date, approval lines); a narrative
# page that happens to name a year and 决算 has more, or longer ones.
COVER_MAX_LINES = 10
COVER_MAX_LINE_CHARS = 40
_PART_HEADING = re.compile(r"^第[一二三四五六七八九十]+部分")
# The disclosures a reason names when a file holds several.
NAMED_DISCLOSURES = 3


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _page_ranges(numbers: list[int]) -> str:
    """[1, 2, 3, 7] → "1–3、7"."""
    runs: list[list[int]] = []
    for n in numbers:
        if runs and n == runs[-1][-1] + 1:
            runs[-1].append(n)
        else:
            runs.append([n])
    return "、".join(f"{run[0]}" if len(run) == 1 else f"{run[0]}–{run[-1]}" for run in runs)


def page_lines(pages: list[PageText]) -> list[PageLine]:
    """Every text line of every page with its box (the union of its glyph boxes), for the
    checks that read the printed words and for the report that shows where they are."""
    lines = []
    for page in pages:
        for number, chars in enumerate(reading_lines(list(page.chars)), start=1):
            box = (
                min(c.x0 for c in chars),
                min(c.y0 for c in chars),
                max(c.x1 for c in chars),
                max(c.y1 for c in chars),
            )
            lines.append(PageLine(page.number, number, spaced_text(chars), box))
    return lines


def _empty_note(page: PageText) -> str | None:
    """The printed reason an empty table has no data ("…故本表无数据"), as printed."""
    for line in page.lines:
        text = squash(line)
        if "无数据" in text or ("没有" in text and "本表" in text):
            return re.sub(r"\s+", "", line)
    return None


def _same_size(page: PageText, other: PageText) -> bool:
    """Pages printed at one size and turn, so that columns stand at the same x."""
    return (page.width, page.height, page.turn) == (other.width, other.height, other.turn)


def extract_table(
    path: Path,
    location: TableLocation,
    pages: dict[int, PageText],
    document: pdfium.PdfDocument | None = None,
) -> ExtractedTable:
    """One table from its pages; with the open `document`, every cell is read a second
    time (pipelines.extract.certainty) so that an unsure amount is marked."""
    spec = SPECS_BY_ID[location.table_id]
    table_pages = [pages[n] for n in location.pages]
    problems: list[str] = list(location.problems)
    money_unit = find_money_unit(table_pages[0].text)
    if money_unit is None:
        problems.append("表上方未印金额单位，按万元处理")
        money_unit = "万元"
    grids: dict[int, Grid] = read_page_grids(path, table_pages)
    first_text_grid: Grid | None = None
    previous: int | None = None
    for number in location.pages:
        if number not in grids:  # printed without cell rules
            title = location.printed_title if number == location.pages[0] else None
            bounds = first_text_grid.col_bounds if first_text_grid else None
            if bounds is None and previous in grids and _same_size(pages[previous], pages[number]):
                # A continuation whose rules were not found takes the columns of the ruled
                # page before it: its words alone can misplace a column (an amount read
                # under no column, a code part taken for a subject).
                bounds = grids[previous].col_bounds
            read = grid_from_text if spec.kind == "subject" else grid_from_text_layout
            grid = read(pages[number], title, bounds)
            if grid is not None:
                grids[number] = grid
                first_text_grid = first_text_grid or grid
        previous = number
    ordered = [grids[n] for n in location.pages if n in grids]
    if document is not None:
        for grid in ordered:
            page = document[grid.page - 1]
            textpage = page.get_textpage()
            read_again(grid, textpage, Turn.of(page))
            textpage.close()
            page.close()
    rows = PARSERS[spec.kind](spec, ordered, money_unit, problems) if ordered else []
    if spec.kind == "subject":
        mark_column_shifts(rows, money_unit)
    if not ordered:
        problems.append(f"第{_page_ranges(list(location.pages))}页未找到表格")
    has_amounts = any(cell.amount is not None for row in rows for cell in row.cells)
    return ExtractedTable(
        table_id=spec.table_id,
        canonical_title=spec.canonical_title,
        printed_title=location.printed_title,
        status="extracted" if has_amounts else "empty",
        money_unit=money_unit,
        first_page=location.pages[0],
        last_page=location.pages[-1],
        note=None if has_amounts else _empty_note(table_pages[-1]),
        parsing_report=[grid.report for grid in ordered],
        rows=rows,
        problems=problems,
    )


def extract_document(
    path: Path, inbox: Path, document_id: str | None = None, max_pages: int | None = None
) -> DocumentExtraction:
    """Extract one PDF. Never raises for a bad document: it comes back rejected.

    `document_id` is the file's sha256 when the caller has it already (discovery hashed
    every file), so the file is not read twice. A document declaring more than
    `max_pages` pages (default: settings.extract_max_pages()) is rejected unread.
    """
    started = time.perf_counter()
    result = DocumentExtraction(
        document_id=document_id or file_sha256(path),
        file_name=path_text(path.name),
        source_path=path_text(path.relative_to(inbox) if path.is_relative_to(inbox) else path),
        file_size=path.stat().st_size,
        extractor_version=EXTRACTOR_VERSION,
        status="loaded",
    )
    try:
        _extract_into(result, path, max_pages or settings.extract_max_pages())
    except PdfOpenError as exc:
        result.status, result.status_reason = "rejected", exc.reason
    result.seconds = time.perf_counter() - started
    return result


def reject(result: DocumentExtraction, reason: str) -> None:
    result.status, result.status_reason = "rejected", reason
    result.tables = []
    result.lines = []  # a rejected document's words are read by no check


def _looks_like_cover(page: PageText, kind: str) -> bool:
    lines = [line for line in page.lines if not PAGE_FOOTER.match(squash(line))]
    return (
        0 < len(lines) <= COVER_MAX_LINES
        and all(len(squash(line)) <= COVER_MAX_LINE_CHARS for line in lines)
        and not _PART_HEADING.match(squash(lines[0]))
        and kind in squash(page.text)
    )


def disclosures_in(
    pages: list[PageText], first: Recognition, tables: TableSet = FINAL_TABLES
) -> list[Recognition]:
    """The disclosures a file holds, the first being `first` (the file's recognition).

    Another begins where the table set starts again (a table's title printed a second
    time) and a cover of its own, naming a unit and year, lies between that title and the
    previous one. A title printed twice without a cover between is a mention, not a new
    disclosure.
    """
    found = [first]
    seen: set[str] = set()
    previous = -1  # page index of the previous table title
    for index, table_id, _ in table_titles(pages, tables):
        if table_id in seen:
            covers = [
                i
                for i in range(previous + 1, index)
                if _looks_like_cover(pages[i], first.document_kind or "决算")
            ]
            recognition = recognise(pages[covers[0] :]) if covers else None
            if recognition and recognition.unit_name and recognition.fiscal_year:
                found.append(recognition)
                seen = set()
        seen.add(table_id)
        previous = index
    return found


def _several_disclosures(disclosures: list[Recognition]) -> str:
    named = "、".join(f"{d.unit_name} {d.fiscal_year}年度" for d in disclosures[:NAMED_DISCLOSURES])
    more = "等" if len(disclosures) > NAMED_DISCLOSURES else ""
    kind = disclosures[0].document_kind
    return f"一个文件包含 {len(disclosures)} 份{kind}公开（{named}{more}），请拆分后分别放入收件箱"


FINAL_WITHOUT_TABLES = "未找到九张决算公开表中的任何一张"
NOT_A_DISCLOSURE = (
    "不是决算公开文件，也不是预算公开文件：封面和前几页没有“决算”字样，"
    "也没有“部门预算”“单位预算”“预算公开”等字样，开头也不是预算公开表"
)
# A budget recognised by its cover whose 报表 are not in the file (a separate attachment).
BUDGET_WITHOUT_TABLES = (
    "预算公开说明不含预算报表：文件中找不到任何一张预算公开表（收支总表、收入总表、"
    "支出总表、财政拨款收支总表等），报表可能是单独的附件"
)
# A budget's contents list at least this many of B01–B09 before a table they leave out is
# taken as left out by its template (fewer: the contents are partial, not a template's).
MIN_LISTED_BUDGET_TABLES = 6
LEFT_OUT_BY_BUDGET_CONTENTS = "目录列出的预算公开表中没有此表：该模板不含此表"
LEFT_OUT_BY_BUDGET_NUMBERING = "预算公开表的表号连续、没有空号，其中没有此表：该模板不含此表"


def _recorded_budget_specs(locations: dict[str, TableLocation]) -> list[TableSpec]:
    """The budget tables a document records: the standard ones, and the others printed."""
    return [
        spec
        for spec in BUDGET_TABLES
        if spec.table_id in BUDGET_STANDARD_IDS or spec.table_id in locations
    ]


def budget_left_out_reasons(
    pages: list[PageText], locations: dict[str, TableLocation]
) -> dict[str, str]:
    """The standard budget tables (B01–B09) the document's template has no place for, each
    with its printed signal: its contents list most of them but not these (Changsha, Xi'an
    print no 国有资本经营预算支出表), or its table numbers run on without a gap and without
    them (Chongqing). Without such a signal a table not found is missing."""
    reasons = {
        tid: LEFT_OUT_BY_BUDGET_NUMBERING
        for tid in budget_left_out_by_numbering(pages, locations, BUDGET_STANDARD_IDS)
    }
    listed = contents_listing(pages, BUDGET_TABLE_SET)
    standard = set(BUDGET_STANDARD_IDS)
    if len(listed & standard) >= MIN_LISTED_BUDGET_TABLES:
        reasons.update(
            {tid: LEFT_OUT_BY_BUDGET_CONTENTS for tid in standard - listed if tid not in locations}
        )
    return reasons


# Why a table is left out by the document's template, by the signal that says so.
LEFT_OUT_BY_CONTENTS = "目录只列八张表：该模板不含此表"
LEFT_OUT_BY_NUMBERING = "模板只有八张表（表号 01–08），不含国有资本经营预算表"


def left_out_by_template_reasons(
    pages: list[PageText], locations: dict[str, TableLocation]
) -> dict[str, str]:
    """The tables the document's template has no place for, each with the reason (Chinese):
    its contents list eight tables, or, without such contents, its printed tables are
    numbered 公开01表…公开08表. Never from the year alone: templates differ by year and
    province."""
    listed = contents_listing(pages)  # the contents are read once for both signals
    reasons = {
        tid: LEFT_OUT_BY_NUMBERING for tid in left_out_by_numbering(pages, locations, listed)
    }
    reasons.update({tid: LEFT_OUT_BY_CONTENTS for tid in left_out_by_template(pages, listed)})
    return reasons


def _extract_into(result: DocumentExtraction, path: Path, max_pages: int) -> None:
    document = open_pdf(path)
    try:  # open until the tables are read: the second reading asks pdfium again
        return _extract_open(result, document, path, max_pages)
    finally:
        document.close()


def _extract_open(
    result: DocumentExtraction, document: pdfium.PdfDocument, path: Path, max_pages: int
) -> None:
    # pdfium takes the declared count from the page tree: a bomb declares a million
    # pages in a few kilobytes, each costing memory once read.
    declared = len(document)
    if declared > max_pages:
        return reject(
            result,
            f"页数超过上限：文件声明 {declared} 页，上限 {max_pages} 页"
            f"（{settings.EXTRACT_MAX_PAGES_ENV}），可能是页面树异常或损坏的文件",
        )
    pages = read_pages(document)
    result.page_count = len(pages)
    result.lines = page_lines(pages)
    if not pages:
        return reject(result, "PDF 没有任何页面")
    textless = [p.number for p in pages if len(p.chars) < MIN_TEXT_CHARS]
    if len(textless) == len(pages):
        return reject(
            result,
            f"扫描件：第{_page_ranges(textless)}页均没有文字层（图片），无法提取，需先做文字识别",
        )
    recognition = recognise(pages)
    result.document_kind = recognition.document_kind
    kind = recognition.document_kind
    if kind is None:
        return reject(result, NOT_A_DISCLOSURE)
    if recognition.is_template:  # a placeholder name is no unit: it must not reach dim_unit
        return reject(
            result, f"模板文件：单位名称“{recognition.unit_name}”是占位符，不是某个单位的{kind}"
        )
    tables = BUDGET_TABLE_SET if kind == "预算" else FINAL_TABLES
    disclosures = disclosures_in(pages, recognition, tables)
    if len(disclosures) > 1:  # loaded as the first unit, the others would vanish unseen
        return reject(result, _several_disclosures(disclosures))
    result.unit_name = recognition.unit_name
    result.fiscal_year = recognition.fiscal_year
    result.region = recognition.region
    result.unit_level = recognition.unit_level
    if recognition.unit_name is None or recognition.fiscal_year is None:
        return reject(result, f"封面上找不到单位名称或年度，无法确定是哪个单位哪一年的{kind}")
    locations = locate_tables(pages, tables)
    if not locations:
        reason = BUDGET_WITHOUT_TABLES if kind == "预算" else FINAL_WITHOUT_TABLES
        if textless:
            reason += f"（第{_page_ranges(textless)}页没有文字层，可能是扫描页）"
        return reject(result, reason)
    by_number = {p.number: p for p in pages}
    if kind == "预算":
        specs = _recorded_budget_specs(locations)
        left_out = budget_left_out_reasons(pages, locations)
    else:
        specs = list(TABLES)
        left_out = left_out_by_template_reasons(pages, locations)
    for spec in specs:
        location = locations.get(spec.table_id)
        if location is None and spec.table_id in left_out:
            result.tables.append(
                ExtractedTable(
                    spec.table_id,
                    spec.canonical_title,
                    None,
                    "not_in_template",
                    note=left_out[spec.table_id],
                )
            )
        elif location is None:
            result.tables.append(
                ExtractedTable(spec.table_id, spec.canonical_title, None, "missing")
            )
        else:
            result.tables.append(extract_table(path, location, by_number, document))
    if kind == "决算":  # the narrative's patterns are the final accounts' (决算数为…)
        last_table_page = max(page for loc in locations.values() for page in loc.pages)
        result.narrative = extract_narrative(pages, last_table_page)
    return None
