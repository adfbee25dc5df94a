"""The table reader alone, on real budget disclosures (../shared/corpus/budgets).

    .venv/bin/python benchmarks/budget_tables.py [--budgets DIR] [--only TEXT ...] [--show N]

Budgets (预算公开) print their tables in the layouts of the final accounts', so they
measure how well the reader sees a table; the product parses them as B01…B11. For each
file it reads every page as the product does (pdfium's text pass, then camelot's ruling
for ruled pages, pdfium's paths for rules drawn as shapes camelot does not take for
lines, the rendered page for pages with images, the text layout for pages with no grid
found) and prints:

- which tables it finds (a page with a grid; a title above it starts a table, a page
  without one, or repeating the title of the table on the page before, continues that
  table), against the corpus README's catalogue of
  printed titles and pages: found (with or without the title recognised), missed, extra;
- how many of the tables' own totals close: every row labelled 合计/总计/小计 against the
  rows it totals, every column headed 合计/总计/小计 against the columns it totals, in
  the printed unit, within half a unit of the last printed digit per printed term;
- how `extract_document` treats the file;
- the product's parsing of the B tables (`--parsed-only` for this part alone): each
  catalogued table that the product's title rules (pipelines.domain.budget_titles) name
  B01…B11 is read by `extract_table` at the catalogue's pages, independently of the
  product's locator, and per file it prints the tables parsed, the amount cells, and how
  many of the parsed rows' own totals close: a row's 合计 against its part columns (B02's
  parts, 基本支出 + 项目支出 …, 人员经费 + 公用经费), each code against its children and the
  合计 row against the top-level codes, a statement's 收入总计 against its 支出总计, the 三公
  合计 against its items, all in the printed unit within half a unit of the last printed
  digit per term.

The non-closing totals are listed (file, page, row, column, printed, sum) for a human to
look at: a misread cell, or a real error of the document.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO)]

from pipelines.domain.amounts import AmountError, parse_amount  # noqa: E402
from pipelines.domain.budget_titles import classify_fallback_title, classify_title  # noqa: E402
from pipelines.domain.tables import CARRY_OVER, COLUMN_NUMBER, numbers_columns  # noqa: E402
from pipelines.domain.text import fold_quotes, squash  # noqa: E402
from pipelines.extract.document import extract_document, extract_table  # noqa: E402
from pipelines.extract.grid import MIN_RULING_PATHS, Grid, read_page_grids  # noqa: E402
from pipelines.extract.layout import printed_lines, text_of  # noqa: E402
from pipelines.extract.locate import TableLocation  # noqa: E402
from pipelines.extract.pdf_text import PageText, open_pdf, read_pages  # noqa: E402
from pipelines.extract.records import ExtractedRow, ExtractedTable  # noqa: E402
from pipelines.extract.subject_tables import CodeJoiner  # noqa: E402
from pipelines.extract.text_grid import grid_from_text, grid_from_text_layout  # noqa: E402

BUDGETS = REPO.parent / "shared" / "corpus" / "budgets"

# --- The catalogue: the corpus README's Markdown table --------------------------------

# Printed labels around a title: 公开01表, 公开表1, 预算01表, 预算表12, 单位预算01表,
# 单位预算表10, 表1, 表01, 表一, 表14-1, "02表" (the label with its prefix left out),
# "（预算表1）" after the title.
_LABEL = re.compile(
    r"[(（][^)）]*表[^)）]*[)）]"
    r"|(?:单位预算|预算|公开)?(?:表\d+(?:-\d+)?|\d+表)|表[一二三四五六七八九十]+"
)
_PAGES = re.compile(r"\s(\d+(?:[–-]\d+)?(?:,\s*\d+(?:[–-]\d+)?)*)$")
_PREFIX = re.compile(r"^prefix\s+(.+?):\s*")
_AS_ABOVE = re.compile(r"^(\w+) titles as above:\s*")
_PRINTED_AS = re.compile(r"\(printed ([^)]+)\)")


@dataclass(frozen=True)
class Catalogued:
    """One table of the catalogue: its title as listed and the pages it is printed on."""

    listed: str  # label and title as the README lists them
    title: str  # the words a page must print: no label, prefix or elision, squashed
    pages: tuple[int, ...]


def _page_numbers(spec: str) -> tuple[int, ...]:
    numbers: list[int] = []
    for part in re.split(r",\s*", spec):
        first, _, last = part.replace("–", "-").partition("-")
        numbers.extend(range(int(first), int(last or first) + 1))
    return tuple(numbers)


def _core_title(text: str) -> str:
    """The title's own words: labels, elisions and "one … per project" removed."""
    printed = _PRINTED_AS.search(text)
    if printed:
        text = printed.group(1)
    text = re.sub(r"^one (.+) per project$", r"\1", text)
    text = _LABEL.sub("", text).replace("…", "").replace("/", "")
    text = re.sub(r"^[(（][一二三四五六七八九十]+[)）]", "", squash(text))
    return fold_quotes(text.lstrip(":"))


def _catalogue_rows(readme: str) -> list[list[str]]:
    rows = []
    for line in readme.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split(" | ")]
        if len(cells) >= 9 and cells[0].endswith(".pdf"):
            rows.append(cells)
    return rows


def parse_catalogue(readme: str) -> dict[str, list[Catalogued]]:
    """File name → its catalogued tables. "X titles as above" takes the titles of the
    first earlier file whose region names X, by label (表3) or, when only pages are
    listed, by position."""
    catalogue: dict[str, list[Catalogued]] = {}
    regions: list[tuple[str, str]] = []  # (region column, file) in README order
    for cells in _catalogue_rows(readme):
        name, region, listed = cells[0], cells[2], cells[8]
        regions.append((region, name))
        tables: list[Catalogued] = []
        if not listed.startswith("none"):
            template: list[Catalogued] = []
            above = _AS_ABOVE.match(listed)
            if above:
                source = next(f for r, f in regions if above.group(1) in r)
                template = catalogue[source]
                listed = listed[above.end() :]
            prefix = ""
            for position, entry in enumerate(e.strip() for e in listed.split(";")):
                if entry.startswith("then "):
                    entry, prefix = entry[len("then ") :], ""
                prefixed = _PREFIX.match(entry)
                if prefixed:
                    prefix, entry = prefixed.group(1), entry[prefixed.end() :]
                pages = _PAGES.search(" " + entry)
                if not pages:
                    continue
                words = (" " + entry)[: pages.start()].strip()
                title = "" if words.isdigit() else _core_title(words)
                if template and not title:  # "表3 18–21", "3 11–12" or "9": the template's
                    label = _LABEL.search(words)
                    same = [t for t in template if label and t.listed.startswith(label.group(0))]
                    source_entry = same[0] if same else template[position]
                    words, title = source_entry.listed, source_entry.title
                listed_as = f"{prefix}{words}" if prefix and not words.startswith("…") else words
                tables.append(Catalogued(listed_as, title, _page_numbers(pages.group(1))))
        catalogue[name] = tables
    return catalogue


# --- Reading pages as the product does ---------------------------------------------------

# A page printing fewer amounts than this is no table the text layout could read.
MIN_AMOUNTS_FOR_TEXT_LAYOUT = 2
# A printed amount: with decimals, or an integer with thousands separators (元 tables).
_PRINTED_AMOUNT = re.compile(r"(?<![\d.,])-?(?:\d[\d,]*\.\d{2,}|\d{1,3}(?:,\d{3})+)(?![\d.,])")
_CODE_LINE = re.compile(r"^\s*(\d{3}|\d{5}|\d{7})\s")
# A title line: ends in 表, maybe followed by its label in brackets ("（预算表1）").
_TITLE_LINE = re.compile(r"表(?:[(（][^)）]*[)）])?$")
# Lines above a table that are not its title, although they may end in 表.
_NOT_TITLE = re.compile(r"^(?:金额|编制|部门|预算|填报)?单位|^部门名称|^\d+$")
MIN_TITLE_CHARS = 4


@dataclass
class PageGrid:
    grid: Grid
    reader: str  # "ruled", "rendered" or "text layout"
    title: str  # title-like lines printed above the grid, or ""


def title_lines(lines: list[str]) -> list[str]:
    """The title-like lines among printed lines (squashed), top to bottom; a title that
    wraps is read over two lines."""
    titles: list[str] = []
    for i, line in enumerate(lines):
        if len(_LABEL.sub("", line)) < MIN_TITLE_CHARS or _NOT_TITLE.search(line):
            continue
        if _TITLE_LINE.search(line):
            titles.append(line)
        elif i + 1 < len(lines) and _TITLE_LINE.search(lines[i + 1]):
            titles.append(line + lines[i + 1])
    return titles


def title_of_grid(page: PageText, grid: Grid) -> str:
    """Title-like lines printed above the grid's top rule, or else in its first rows
    (a title drawn inside the frame, alone on its row), joined by " / "."""
    top = grid.row_bounds[0][0]
    above = printed_lines([c for c in page.chars if c.cy > top])
    titles = title_lines([squash(text_of(line)) for line in above])
    if not titles:
        lone = []
        for r in range(_header_end(grid)):
            texts = [squash(grid.text(r, c)) for c in range(grid.n_cols)]
            filled = [t for t in texts if t]
            if len(filled) == 1:
                lone.append(filled[0])
        titles = title_lines(lone)
    return " / ".join(titles)


def title_before_amounts(page: PageText) -> list[str]:
    """Title-like lines printed before the page's first amount: where a table printed
    without rules the camelot sees begins."""
    lines = [squash(text_of(line)) for line in printed_lines(list(page.chars))]
    first_amount = next((i for i, t in enumerate(lines) if _PRINTED_AMOUNT.search(t)), len(lines))
    return title_lines(lines[:first_amount])


def read_grids(path: Path, pages: list[PageText]) -> dict[int, PageGrid]:
    """One grid per page, by the product's readers in the product's order (see
    pipelines.extract.document.extract_table): the drawn ruling, read by camelot, from
    pdfium's paths or from the rendered page (pipelines.extract.grid.read_page_grids);
    else the text layout, for a page that prints amounts and either draws rules or prints
    a title."""
    readers = {"lattice/vector": "ruled", "rules/pdfium": "ruled", "lattice/combined": "rendered"}
    found = {n: (g, readers[g.method]) for n, g in read_page_grids(path, pages).items()}
    read: dict[int, PageGrid] = {}
    for page in pages:
        if page.number in found:
            grid, reader = found[page.number]
            read[page.number] = PageGrid(grid, reader, title_of_grid(page, grid))
            continue
        titles = title_before_amounts(page)
        amounts = len(_PRINTED_AMOUNT.findall(page.text))
        drawn = page.path_count >= MIN_RULING_PATHS
        if amounts < MIN_AMOUNTS_FOR_TEXT_LAYOUT or not (drawn or titles):
            continue
        coded = sum(1 for line in page.text.split("\n") if _CODE_LINE.match(line))
        reader_function = grid_from_text if coded >= 2 else grid_from_text_layout
        text_grid = reader_function(page, titles[-1] if titles else None, None)
        if text_grid is not None:
            read[page.number] = PageGrid(text_grid, "text layout", " / ".join(titles))
    return read


@dataclass
class FoundTable:
    pages: list[int]
    title: str


def group_tables(grids: dict[int, PageGrid]) -> list[FoundTable]:
    """A titled grid starts a table; a grid on the page after a table's last page continues
    it when untitled or titled as that table (some templates print the title, label and
    unit on every page: yantai_*); any other untitled grid is a table of its own."""
    tables: list[FoundTable] = []
    for number in sorted(grids):
        title = grids[number].title
        follows = bool(tables) and tables[-1].pages[-1] == number - 1
        if follows and (not title or title == tables[-1].title):
            tables[-1].pages.append(number)
        else:
            tables.append(FoundTable([number], title))
    return tables


# --- Totals: rows and columns labelled 合计/总计/小计 ------------------------------------

TOTAL_RANK = {"小计": 1, "合计": 2, "总计": 3}
_CN_ORDINAL = re.compile(r"^[一二三四五六七八九十]+[、.．]")
_PAREN_ORDINAL = re.compile(r"^[(（][一二三四五六七八九十\d]+[)）]")
_DIGIT_ORDINAL = re.compile(r"^\d+[、.．]")
_LEADING_CODE = re.compile(r"^(\d{3}(?:\d{2}){0,2})(?!\d)")
# A code cell: a subject or economic code, one part of a split one (类 款 项), or a
# department's and its units' codes (024, 024001).
_CODE = re.compile(r"\d{2,9}")
SPLIT_CODE_COLUMNS = (2, 3)  # 类|款 or 类|款|项
_ORDINALS = (_CN_ORDINAL, _PAREN_ORDINAL, _DIGIT_ORDINAL)
_NOT_AMOUNT_HEADER = ("编码", "代码", "序号", "栏次", "编号")


@dataclass(frozen=True)
class Printed:
    """A printed amount and the tolerance its last digit carries (half a unit)."""

    value: Decimal
    half_unit: Decimal


def printed_amount(text: str) -> Printed | None:
    """The amount a cell prints, None for a blank or a dash; AmountError otherwise."""
    amount = parse_amount(text)
    if amount is None:
        return None
    cleaned = re.sub(r"[\s,，]", "", text)
    decimals = len(cleaned.split(".")[1].rstrip(")")) if "." in cleaned else 0
    return Printed(amount, Decimal(5) * Decimal(10) ** -(decimals + 1))


def total_rank(label: str) -> int:
    """小计 1, …合计 2, …总计 3; 0 for any other label."""
    if label == "小计":
        return 1
    for word in ("总计", "合计"):
        if label.endswith(word):
            return TOTAL_RANK[word]
    return 0


def _strip_ordinal(label: str) -> str:
    for pattern in _ORDINALS:
        label = pattern.sub("", label, count=1)
    return label


@dataclass
class Row:
    page: int
    cells: list[str]


@dataclass
class Identity:
    kind: str  # "row" (a total row, down a column) or "column" (a total column, along a row)
    page: int
    row: str  # the total row's label, or the row the column total is read on
    column: str  # the column's header
    printed: Decimal
    summed: Decimal
    tolerance: Decimal
    terms: int

    @property
    def closes(self) -> bool:
        return abs(self.printed - self.summed) <= self.tolerance


@dataclass
class TableTotals:
    identities: list[Identity] = field(default_factory=list)
    untested: list[str] = field(default_factory=list)  # why some totals were not tested


def _is_amount(text: str) -> bool:
    try:
        return printed_amount(text) is not None
    except AmountError:
        return False


def _header_end(grid: Grid) -> int:
    """The first body row: the first with an amount beside a label, or a decimal amount,
    that is not the 栏次 row's column numbers."""
    for r in range(grid.n_rows):
        texts = [squash(grid.text(r, c)) for c in range(grid.n_cols)]
        amounts = [t for t in texts if _is_amount(t)]
        if not amounts or numbers_columns(amounts):
            continue
        labelled = any(t and not _is_amount(t) and t != "栏次" for t in texts)
        if labelled or any(_PRINTED_AMOUNT.fullmatch(t) for t in amounts):
            return r
    return grid.n_rows


def header_paths(grid: Grid, header_end: int) -> list[list[str]]:
    """Each column's header texts, top to bottom, without the 栏次 row's numbers and
    without the rows above the header that print one line (title, unit) in the frame."""
    start = 0
    while start < header_end and sum(1 for c in range(grid.n_cols) if grid.text(start, c)) <= 1:
        start += 1
    paths = []
    for c in range(grid.n_cols):
        parts: list[str] = []
        for r in range(start, header_end):
            text = fold_quotes(squash(grid.spanning_text(r, c)))
            numbering = text == "栏次" or COLUMN_NUMBER.fullmatch(text)
            if text and not numbering and (not parts or parts[-1] != text):
                parts.append(text)
        paths.append(parts)
    return paths


def column_kinds(rows: list[Row], paths: list[list[str]]) -> list[str]:
    """'code', 'amount' or 'text' per column, from what the body prints under it."""
    kinds = []
    first_amount: int | None = None
    for c, path in enumerate(paths):
        texts = [squash(row.cells[c]) for row in rows if squash(row.cells[c])]
        amounts = sum(1 for t in texts if _is_amount(t))
        header = "".join(path)
        codes = texts and all(_CODE.fullmatch(t) for t in texts)
        if codes and (first_amount is None or any(w in header for w in _NOT_AMOUNT_HEADER)):
            kinds.append("code")
        elif not texts and first_amount is not None:  # an amount column left blank
            kinds.append("amount")
        elif texts and amounts == len(texts) and not any(w in header for w in _NOT_AMOUNT_HEADER):
            kinds.append("amount")
            first_amount = c if first_amount is None else first_amount
        else:
            kinds.append("text")
    return kinds


def blocks_of(kinds: list[str]) -> list[tuple[list[int], list[int]]]:
    """(label columns, amount columns) of each side of the table: a statement prints two
    or four sides, each its labels then its amounts."""
    blocks: list[tuple[list[int], list[int]]] = []
    for c, kind in enumerate(kinds):
        if kind == "amount":
            if not blocks:
                blocks.append(([], []))
            blocks[-1][1].append(c)
        elif not blocks or blocks[-1][1]:
            blocks.append(([c], []))
        else:
            blocks[-1][0].append(c)
    return [b for b in blocks if b[1]]


def _value(text: str) -> Printed | None:
    try:
        return printed_amount(squash(text))
    except AmountError:
        return None


def _identity(kind, page, row, column, total: Printed, terms: Sequence[Printed | None]) -> Identity:
    printed_terms = [t for t in terms if t is not None]
    return Identity(
        kind,
        page,
        row,
        column,
        total.value,
        sum((t.value for t in printed_terms), Decimal(0)),
        total.half_unit + sum((t.half_unit for t in printed_terms), Decimal(0)),
        len(terms),
    )


def column_terms(total: int, amount_cols: list[int], paths: list[list[str]]) -> list[int]:
    """The columns a total column sums: its siblings under the same header, a group of
    them by its own 小计/合计 when it prints one, else by its columns' sum. Columns under
    a 其中… header are parts of the column before them, so no terms, unless that column
    is the total itself: then they are its parts (小计 | 其中：基本支出 | 项目支出)."""
    prefix = paths[total][:-1]

    def part_of_another(c: int) -> bool:
        marks = [part for part in paths[c] if part.startswith("其中")]
        if not marks:
            return False
        first = c  # the first column under the same 其中 header
        while first > 0 and marks[0] in paths[first - 1]:
            first -= 1
        return first - 1 != total

    def value_columns(columns: list[int], depth: int) -> list[int]:
        groups: dict[str, list[int]] = {}
        for c in columns:
            key = paths[c][depth] if len(paths[c]) > depth else ""
            groups.setdefault(key, []).append(c)
        chosen: list[int] = []
        for key, members in groups.items():
            if len(members) == 1 or not key:
                chosen.extend(members)
                continue
            own_total = [
                c
                for c in members
                if len(paths[c]) > depth + 1
                and (total_rank(paths[c][depth + 1]) or paths[c][depth + 1].endswith("总数"))
            ]
            chosen.extend(own_total[:1] or value_columns(members, depth + 1))
        return chosen

    siblings = [
        c
        for c in amount_cols
        if c != total
        and paths[c][: len(prefix)] == prefix
        and len(paths[c]) > len(prefix)
        and not part_of_another(c)
    ]
    if len(siblings) == 1 and any(part.startswith("其中") for part in paths[siblings[0]]):
        return []  # 合计 | 其中：… alone names a part of the total, not all of it
    return value_columns(siblings, len(prefix))


def column_identities(rows: list[Row], paths, blocks, labels) -> list[Identity]:
    found = []
    for labels_of_block, (label_cols, amount_cols) in zip(labels, blocks, strict=True):
        del label_cols
        for total in amount_cols:
            if not paths[total] or _strip_ordinal(paths[total][-1]) not in TOTAL_RANK:
                continue
            terms = column_terms(total, amount_cols, paths)
            if not terms:
                continue
            for row, label in zip(rows, labels_of_block, strict=True):
                printed = _value(row.cells[total])
                values = [_value(row.cells[c]) for c in terms]
                if printed is None and not any(values):
                    continue
                found.append(
                    _identity(
                        "column",
                        row.page,
                        label,
                        "/".join(paths[total]),
                        printed or Printed(Decimal(0), Decimal(0)),
                        values,
                    )
                )
    return found


def _code_and_label(
    row: Row, label_cols: list[int], kinds: list[str], joiner: CodeJoiner
) -> tuple[str, str]:
    """A row's code and label. Split 类|款(|项) columns may print a 款 or 项 without its
    parent, which the extractor's joiner carries from the rows above (a 款 "40" under 201
    is 20140, not a top-level code beside 201); parts it cannot join (no 类 column among
    them, or two codes side by side) are taken as printed."""
    code_parts = [squash(row.cells[c]) for c in label_cols if kinds[c] == "code"]
    label = "".join(squash(row.cells[c]) for c in label_cols if kinds[c] == "text")
    joined = joiner.join(code_parts) if len(code_parts) in SPLIT_CODE_COLUMNS else None
    code = joined or "".join(p for p in code_parts if _CODE.fullmatch(p))
    if not code:
        leading = _LEADING_CODE.match(label)
        if leading:
            code, label = leading.group(1), label[leading.end() :]
    return code, fold_quotes(label)


def _top_ordinal(labels: list[str]) -> list[int]:
    """Indices of the rows at the outermost ordinal level among `labels`."""
    for pattern in _ORDINALS:
        marked = [i for i, label in enumerate(labels) if pattern.match(label)]
        if marked:
            return marked
    return list(range(len(labels)))


def row_terms(index: int, labels: list[str], ranks: list[int]) -> list[int]:
    """The rows an uncoded total row sums. Above it, back to the last total of its rank
    or higher: the lower totals there, and the rows after the last of them. With nothing
    above it (a 合计 printed first), the rows below it up to the next total."""
    rank = ranks[index]
    start = index
    while start > 0 and ranks[start - 1] < rank:
        start -= 1
    above = list(range(start, index))
    if above:
        lower = [i for i in above if ranks[i]]
        after = [i for i in above if not ranks[i] and (not lower or i > lower[-1])]
    else:
        lower = []
        after = []
        for i in range(index + 1, len(labels)):
            if ranks[i]:
                break
            after.append(i)
    # Rows may nest (a group, then its items) with nothing to show it but indentation:
    # without ordinals, only rows after lower totals (上年结转 after 本年收入合计) are
    # taken as they stand.
    if not lower and not any(p.match(labels[i]) for i in after for p in _ORDINALS):
        return []
    return lower + [after[k] for k in _top_ordinal([labels[i] for i in after])]


def row_identities(rows: list[Row], paths, blocks, kinds) -> tuple[list[Identity], list[list[str]]]:
    """Total rows of each side against the rows they sum. Rows with subject or economic
    codes are summed at their top level (the shortest code); others by position."""
    found: list[Identity] = []
    block_labels: list[list[str]] = []
    for label_cols, amount_cols in blocks:
        joiner = CodeJoiner()
        coded = [_code_and_label(row, label_cols, kinds, joiner) for row in rows]
        labels = [_strip_ordinal(label) if label else "" for _, label in coded]
        block_labels.append(labels)
        ranks = [
            0 if code else total_rank(label) for (code, _), label in zip(coded, labels, strict=True)
        ]
        full_labels = [label for _, label in coded]
        codes = [code for code, _ in coded]
        code_lengths = [len(code) for code in codes if code]
        for index, rank in enumerate(ranks):
            if not rank:
                continue
            if len(code_lengths) >= 2:
                if rank < TOTAL_RANK["合计"]:
                    continue  # a 小计 among coded rows sums a group the codes do not show
                top = min(code_lengths)
                terms = [i for i, code in enumerate(codes) if code and len(code) == top]
            else:
                terms = row_terms(index, full_labels, ranks)
            if not terms:
                continue
            for c in amount_cols:
                printed = _value(rows[index].cells[c])
                values = [_value(rows[i].cells[c]) for i in terms]
                if printed is None and not any(values):
                    continue
                found.append(
                    _identity(
                        "row",
                        rows[index].page,
                        full_labels[index],
                        "/".join(paths[c]),
                        printed or Printed(Decimal(0), Decimal(0)),
                        values,
                    )
                )
    return found, block_labels


def table_totals(table: FoundTable, grids: dict[int, PageGrid]) -> TableTotals:
    """Every total of one table. Its pages are read as one run of rows while their grids
    have the first page's columns; a page whose grid differs starts a run of its own
    (with its own header) and the row totals, which may span pages, are left untested."""
    result = TableTotals()
    runs: list[list[int]] = []
    for number in table.pages:
        if runs and grids[number].grid.n_cols == grids[runs[-1][0]].grid.n_cols:
            runs[-1].append(number)
        else:
            runs.append([number])
    for run in runs[1:]:
        result.untested.append(
            f"第{run[0]}页的表格有 {grids[run[0]].grid.n_cols} 列，"
            f"首页 {grids[table.pages[0]].grid.n_cols} 列：行合计未核对"
        )
    for run in runs:
        first = grids[run[0]].grid
        paths = header_paths(first, _header_end(first))
        rows = [
            Row(number, [grids[number].grid.text(r, c) for c in range(first.n_cols)])
            for number in run
            for r in range(_header_end(grids[number].grid), grids[number].grid.n_rows)
        ]
        if not rows:
            continue
        kinds = column_kinds(rows, paths)
        blocks = blocks_of(kinds)
        row_found, labels = row_identities(rows, paths, blocks, kinds)
        if len(runs) == 1:
            result.identities.extend(row_found)
        result.identities.extend(column_identities(rows, paths, blocks, labels))
    return result


# --- The product's parsing of the B tables ---------------------------------------------
# Each catalogued table the product's title rules name (pipelines.domain.budget_titles) is
# read by pipelines.extract.document.extract_table at the catalogue's pages, with the B
# specs, independently of the product's locator; its parsed rows are checked against
# their own totals, in the printed unit.

# Parts a B03/B05/B08/B09 row's 合计 adds up, and a 基本支出's parts.
EXPENSE_PARTS = ("基本支出", "项目支出", "上缴上级支出", "事业单位经营支出", "对附属单位补助支出")
BASIC_PARTS = ("人员经费", "公用经费")
FUND_PARTS = ("一般公共预算拨款收入", "政府性基金预算拨款收入", "国有资本经营预算拨款收入")
OWN_INCOME_PARTS = ("事业收入", "事业单位经营收入", "上级补助收入", "附属单位上缴收入", "其他收入")
THREE_PUBLIC_PARTS = {
    "合计": ("因公出国（境）费", "公务用车购置及运行维护费", "公务接待费"),
    "公务用车购置及运行维护费": ("公务用车购置费", "公务用车运行维护费"),
}
STATEMENT_FUNDS = ("一般公共预算", "政府性基金预算", "国有资本经营预算")
PARSED_KINDS = ("column", "hierarchy", "balance")


def catalogue_locations(catalogued: list[Catalogued]) -> list[TableLocation]:
    """The B tables among a file's catalogued tables, by the product's title rules: a
    title of the canonical scope first, a wider scope's only where none is printed."""
    found: dict[str, TableLocation] = {}
    for classify in (classify_title, classify_fallback_title):
        for entry in catalogued:
            table_id = classify(entry.title)
            if table_id and table_id not in found:
                found[table_id] = TableLocation(table_id, entry.listed, entry.pages)
    return sorted(found.values(), key=lambda loc: loc.table_id)


def _cell_values(row: ExtractedRow) -> dict[str, Printed]:
    values = {}
    for cell in row.cells:
        try:
            printed = printed_amount(cell.printed_text) if cell.amount is not None else None
        except AmountError:
            printed = None
        if printed is not None:
            values[cell.column_name] = printed
    return values


def _parts_identity(
    kind: str, row: ExtractedRow, values: dict[str, Printed], total: str, parts: list[str]
) -> Identity | None:
    """values[total] against the sum of the printed `parts`; None when the total or
    every part is blank."""
    printed = [values[p] for p in parts if p in values]
    if total not in values or not printed:
        return None
    label = f"{row.subject_code or row.line_label or ''} {total}"
    return _identity(kind, row.page, label, "+".join(parts), values[total], printed)


def row_column_identities(table_id: str, row: ExtractedRow) -> list[Identity]:
    """A parsed row's total columns against its part columns."""
    values = _cell_values(row)
    names = set(values) | {c.column_name for c in row.cells}
    checks: list[tuple[str, list[str]]] = []
    if table_id in ("B03", "B05", "B08", "B09"):
        year = next((n for n in names if n.startswith("本年") and n.endswith("小计")), None)
        parts = [p for p in EXPENSE_PARTS if p in names]
        if "基本支出" not in names:
            parts = [*BASIC_PARTS, *parts]
        if year and CARRY_OVER in names:
            checks += [("合计", [year, CARRY_OVER]), (year, parts)]
        else:
            checks.append(("合计", parts))
        checks.append(("基本支出", list(BASIC_PARTS)))
    elif table_id == "B02":
        own = [p for p in OWN_INCOME_PARTS if p in names]
        parts = [
            n
            for n in names
            if n != "合计"
            and not n.endswith("小计")
            and not (n.startswith(CARRY_OVER) and n != CARRY_OVER)
            and not (n == "财政拨款收入" and any(f in names for f in FUND_PARTS))
            and not (n == "单位资金" and own)
        ]
        checks += [("合计", sorted(parts)), ("财政拨款收入小计", list(FUND_PARTS))]
    elif table_id == "B06":
        checks.append(("合计", list(BASIC_PARTS)))
    elif table_id in ("B01", "B04"):
        amount = "预算数" if "预算数" in names else "合计"
        checks += [("合计", list(STATEMENT_FUNDS)), (amount, [*BASIC_PARTS, "项目支出"])]
    found = []
    for total, parts in checks:
        identity = _parts_identity("column", row, values, total, [p for p in parts if p != total])
        if identity:
            found.append(identity)
    return found


def hierarchy_identities(table: ExtractedTable) -> list[Identity]:
    """Coded rows: each code against its direct children's sum, and the 合计 row against
    the top-level codes', per column. Left out where a code is printed twice (rows of
    several units one after another)."""
    coded = [r for r in table.rows if r.subject_code]
    codes = [r.subject_code for r in coded]
    if len(set(codes)) != len(codes) or not coded:
        return []
    found = []
    top = min(len(c) for c in codes if c)
    totals = [r for r in table.rows if not r.subject_code and r.line_label in ("合计", "总计")]
    groups: list[tuple[ExtractedRow, list[ExtractedRow]]] = [
        (row, [c for c in coded if c.subject_code and len(c.subject_code) == top])
        for row in totals[:1]
    ]
    for row in coded:
        code = row.subject_code or ""
        children = [
            c
            for c in coded
            if c.subject_code
            and c.subject_code.startswith(code)
            and len(c.subject_code) == len(code) + 2
        ]
        if children:
            groups.append((row, children))
    for parent, children in groups:
        values = _cell_values(parent)
        child_values = [_cell_values(c) for c in children]
        for column, total in values.items():
            terms = [v[column] for v in child_values if column in v]
            if terms:
                label = f"{parent.subject_code or parent.line_label} {column}"
                found.append(_identity("hierarchy", parent.page, label, column, total, terms))
    return found


def three_public_identities(table: ExtractedTable) -> list[Identity]:
    by_item = {row.line_label: _cell_values(row) for row in table.rows}
    found = []
    for total, parts in THREE_PUBLIC_PARTS.items():
        for measure, printed in by_item.get(total, {}).items():
            terms = [by_item[p][measure] for p in parts if measure in by_item.get(p, {})]
            if terms:
                found.append(
                    _identity("column", table.first_page or 0, total, measure, printed, terms)
                )
    return found


def balance_identities(table: ExtractedTable) -> list[Identity]:
    """A statement's 收入总计 against its 支出总计."""
    grand = {
        row.side: (row, _cell_values(row))
        for row in table.rows
        if row.line_label and row.line_label.endswith("总计")
    }
    if set(grand) != {"收入", "支出"}:
        return []
    (income, income_values), (_, expense_values) = grand["收入"], grand["支出"]
    measure = next((m for m in ("预算数", "合计") if m in expense_values), None)
    if "预算数" not in income_values or measure is None:
        return []
    return [
        _identity(
            "balance",
            income.page,
            "收入总计=支出总计",
            measure,
            income_values["预算数"],
            [expense_values[measure]],
        )
    ]


def parsed_identities(table: ExtractedTable) -> list[Identity]:
    """Every own total of one parsed B table the benchmark knows how to check."""
    if table.table_id == "B07":
        return three_public_identities(table)
    if table.table_id in ("B10", "B11"):
        return []
    found = [i for row in table.rows for i in row_column_identities(table.table_id, row)]
    if table.table_id in ("B01", "B04"):
        return found + balance_identities(table)
    return found + hierarchy_identities(table)


@dataclass
class ParsedReport:
    name: str
    tables: list[ExtractedTable] = field(default_factory=list)
    identities: list[Identity] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def cells(self) -> int:
        return sum(1 for t in self.tables for r in t.rows for c in r.cells if c.amount is not None)


def parse_file(path: Path, catalogued: list[Catalogued]) -> ParsedReport:
    started = time.perf_counter()
    report = ParsedReport(path.name)
    locations = catalogue_locations(catalogued)
    if not locations:
        return report
    document = open_pdf(path)
    try:
        pages = {page.number: page for page in read_pages(document)}
        for location in locations:
            try:
                table = extract_table(path, location, pages, document)
            except Exception as exc:  # a benchmark reports every failure and goes on
                report.errors.append(f"{location.table_id}: {type(exc).__name__}: {exc}")
                continue
            report.tables.append(table)
            report.identities.extend(
                replace(i, row=f"{table.table_id} {i.row}") for i in parsed_identities(table)
            )
    finally:
        document.close()
    report.seconds = time.perf_counter() - started
    return report


def print_parsed(reports: list[ParsedReport], show: int) -> None:
    print("\nthe product's parsing of the B tables (extract_table at the catalogue's pages):")
    print(
        f"{'file':<52}{'tables':>7}{'parsed':>7}{'rows':>6}{'cells':>7}{'totals':>7}{'close':>7}{'rate':>8}"
    )
    for r in reports:
        parsed = sum(t.status == "extracted" for t in r.tables)
        closed = sum(i.closes for i in r.identities)
        print(
            f"{r.name[:51]:<52}{len(r.tables):>7}{parsed:>7}"
            f"{sum(len(t.rows) for t in r.tables):>6}{r.cells():>7}{len(r.identities):>7}"
            f"{closed:>7}{_rate(closed, len(r.identities)):>8}"
        )
    identities = [i for r in reports for i in r.identities]
    tables = [t for r in reports for t in r.tables]
    closed = sum(i.closes for i in identities)
    print(
        f"\nparsed: {sum(t.status == 'extracted' for t in tables)}/{len(tables)} tables with "
        f"amounts, {sum(r.cells() for r in reports)} amount cells"
    )
    by_table = Counter(t.table_id for t in tables)
    extracted = Counter(t.table_id for t in tables if t.status == "extracted")
    print("per table: " + ", ".join(f"{k} {extracted[k]}/{by_table[k]}" for k in sorted(by_table)))
    for kind in PARSED_KINDS:
        of_kind = [i for i in identities if i.kind == kind]
        print(f"{kind} totals: {sum(i.closes for i in of_kind)}/{len(of_kind)} close")
    print(
        f"parsed closure rate: {closed}/{len(identities)} = "
        f"{_rate(closed, len(identities)).strip()}"
    )
    for r in reports:
        for error in r.errors:
            print(f"  {r.name}: ERROR {error}")
    failing = [(r.name, i) for r in reports for i in r.identities if not i.closes]
    print(f"\nparsed totals that do not close: {len(failing)} (showing {min(show, len(failing))})")
    for name, i in failing[:show]:
        print(
            f"  {name} p.{i.page} {i.row} = {i.column} | printed {i.printed} | "
            f"sum of {i.terms} {i.summed} | diff {i.printed - i.summed}"
        )


# --- One file, then the corpus ------------------------------------------------------------


@dataclass
class FileReport:
    name: str
    page_count: int
    product: str  # status and reason of extract_document
    readers: Counter
    tables: list[FoundTable]
    found: int = 0
    titled: int = 0
    missed: list[str] = field(default_factory=list)
    extra: list[FoundTable] = field(default_factory=list)
    catalogued: int = 0
    identities: list[Identity] = field(default_factory=list)
    untested: list[str] = field(default_factory=list)
    seconds: float = 0.0


def compare_with_catalogue(report: FileReport, catalogued: list[Catalogued]) -> None:
    """A catalogued table is found when a table the reader found covers its first page,
    titled when that table's title prints its title; a found table starting outside
    every catalogued table's pages is extra."""
    report.catalogued = len(catalogued)
    for entry in catalogued:
        covering = [t for t in report.tables if entry.pages[0] in t.pages]
        if not covering:
            report.missed.append(f"{entry.listed}（第{entry.pages[0]}页）")
            continue
        report.found += 1
        if any(entry.title and entry.title in fold_quotes(t.title) for t in covering):
            report.titled += 1
    spans = {page for entry in catalogued for page in entry.pages}
    report.extra = [t for t in report.tables if t.pages[0] not in spans]


def benchmark_file(path: Path, catalogued: list[Catalogued]) -> FileReport:
    started = time.perf_counter()
    product = extract_document(path, path.parent)
    document = open_pdf(path)
    try:
        pages = read_pages(document)
    finally:
        document.close()
    grids = read_grids(path, pages)
    tables = group_tables(grids)
    report = FileReport(
        path.name,
        len(pages),
        f"{product.status}：{product.status_reason}",
        Counter(g.reader for g in grids.values()),
        tables,
    )
    compare_with_catalogue(report, catalogued)
    for table in tables:
        totals = table_totals(table, grids)
        report.identities.extend(totals.identities)
        report.untested.extend(totals.untested)
    report.seconds = time.perf_counter() - started
    return report


def _rate(closed: int, tested: int) -> str:
    return f"{closed / tested:7.1%}" if tested else "      –"


def print_reports(reports: list[FileReport], show: int) -> None:
    print(
        f"{'file':<52}{'pages':>6}{'grids':>6}{'tables':>7}{'titled':>7}"
        f"{'found':>7}{'missed':>7}{'extra':>6}{'totals':>7}{'close':>7}{'rate':>8}{'s':>6}"
    )
    for r in reports:
        closed = sum(i.closes for i in r.identities)
        print(
            f"{r.name[:51]:<52}{r.page_count:>6}{sum(r.readers.values()):>6}{len(r.tables):>7}"
            f"{r.titled:>7}{f'{r.found}/{r.catalogued}':>7}{len(r.missed):>7}{len(r.extra):>6}"
            f"{len(r.identities):>7}{closed:>7}{_rate(closed, len(r.identities)):>8}"
            f"{r.seconds:>6.1f}"
        )
    identities = [i for r in reports for i in r.identities]
    closed = sum(i.closes for i in identities)
    readers = sum((r.readers for r in reports), Counter())
    print(
        f"\noverall: {len(reports)} files, {sum(r.page_count for r in reports)} pages, "
        f"grids by reader {dict(readers)}, {sum(len(r.tables) for r in reports)} tables found"
    )
    print(
        f"catalogue: {sum(r.found for r in reports)}/{sum(r.catalogued for r in reports)} found "
        f"({sum(r.titled for r in reports)} with the title recognised), "
        f"{sum(len(r.missed) for r in reports)} missed, {sum(len(r.extra) for r in reports)} extra"
    )
    for kind in ("row", "column"):
        of_kind = [i for i in identities if i.kind == kind]
        print(
            f"{kind} totals: {sum(i.closes for i in of_kind)}/{len(of_kind)} close"
            f" ({_rate(sum(i.closes for i in of_kind), len(of_kind)).strip()})"
        )
    print(f"closure rate: {closed}/{len(identities)} = {_rate(closed, len(identities)).strip()}")

    print("\nhow the product treats each file (extract_document):")
    for reason, count in Counter(r.product for r in reports).most_common():
        names = [r.name for r in reports if r.product == reason]
        print(f"  {count:>3} × {reason}" + (f"  [{', '.join(names)}]" if count < 4 else ""))

    print("\nmissed and extra tables:")
    for r in reports:
        for missed in r.missed:
            print(f"  {r.name}: missed {missed}")
        for extra in r.extra:
            print(
                f"  {r.name}: extra table on pages {extra.pages} titled {extra.title or '(none)'}"
            )
        for note in r.untested:
            print(f"  {r.name}: {note}")

    failing = [(r.name, i) for r in reports for i in r.identities if not i.closes]
    print(f"\ntotals that do not close: {len(failing)} (showing {min(show, len(failing))})")
    for name, i in failing[:show]:
        print(
            f"  {name} p.{i.page} {i.kind} total | row {i.row or '(blank)'} | column "
            f"{i.column or '(no header)'} | printed {i.printed} | sum of {i.terms} {i.summed} | "
            f"diff {i.printed - i.summed}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--budgets", type=Path, default=BUDGETS)
    parser.add_argument(
        "--only", nargs="+", default=[], help="files whose name contains one of these"
    )
    parser.add_argument("--show", type=int, default=200, help="non-closing totals to list")
    parser.add_argument(
        "--parsed-only",
        action="store_true",
        help="only the product's parsing of the B tables (skip the reader's grids)",
    )
    args = parser.parse_args()
    readme = args.budgets / "README.md"
    if not readme.is_file():
        print(f"skipped: the budget corpus is absent ({args.budgets} has no README.md)")
        return
    catalogue = parse_catalogue(readme.read_text(encoding="utf-8"))
    files = sorted(args.budgets.glob("*.pdf"))
    if args.only:
        files = [f for f in files if any(part in f.name for part in args.only)]
    if not args.parsed_only:
        reports = [benchmark_file(path, catalogue.get(path.name, [])) for path in files]
        print_reports(reports, args.show)
    parsed = [parse_file(path, catalogue.get(path.name, [])) for path in files]
    print_parsed(parsed, args.show)


if __name__ == "__main__":
    main()
