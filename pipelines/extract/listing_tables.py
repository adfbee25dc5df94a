"""Listings (B10 项目支出表, B11 政府采购预算表): rows of projects or purchases.

Their columns differ from one template to the next (project name, category, unit, fund
columns, 采购品目 …), so no canonical column rules apply: each column is named by its
squashed header text, top to bottom ("财政拨款小计", "财政拨款一般公共预算"). A row is
named by its first text column (the first one that is not a code, a 序号 or an amount),
or, where that is blank on the row, by the row's first printed text; function codes
printed in code columns (one, or 类|款|项) are the row's subject code. Every other column
is a cell: its amount is parsed where the column holds amounts, and its printed text is
kept either way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipelines.domain.amounts import AmountError, parse_amount, to_wan
from pipelines.domain.tables import (
    TOTAL_LABELS,
    TableSpec,
    column_header_parts,
    numbers_columns,
)
from pipelines.domain.text import normalise_label, squash
from pipelines.extract.grid import Grid
from pipelines.extract.records import ExtractedCell, ExtractedRow
from pipelines.extract.subject_tables import CodeJoiner, is_unit_row

_CODE_MARKERS = ("类", "款", "项")
# Header words of columns that number or code the rows: never an amount.
_NOT_AMOUNT = ("编码", "代码", "序号", "编号", "栏次", "行次")
# A printed amount, as opposed to a number in a name or a 序号: decimals, or an integer
# with thousands separators (元 tables).
_PRINTED_AMOUNT = re.compile(r"^[-−(]?(?:\d[\d,]*\.\d{2,}|\d{1,3}(?:,\d{3})+)\)?$")
# A header line left in the frame above the header (title, unit): one filled cell.
_MIN_HEADER_CELLS = 2


@dataclass
class ListingColumns:
    code_cols: list[int]
    label_col: int | None
    names: dict[int, str]  # grid column → squashed header text (cells of the row)
    amount_cols: set[int]


def _texts(grid: Grid, row: int) -> list[str]:
    return [squash(grid.text(row, c)) for c in range(grid.n_cols)]


def _is_data_row(texts: list[str]) -> bool:
    filled = [t for t in texts if t]
    if not filled or numbers_columns(filled):
        return False
    if any(_PRINTED_AMOUNT.match(t) for t in filled):
        return True
    return any(t in TOTAL_LABELS for t in filled) and len(filled) <= len(_CODE_MARKERS)


def _header_rows(grid: Grid) -> tuple[int, int]:
    """(first header row, first body row): rows above the header that print one line
    (a title or a unit inside the frame) are no header."""
    end = next((r for r in range(grid.n_rows) if _is_data_row(_texts(grid, r))), grid.n_rows)
    start = 0
    while start < end and sum(1 for t in _texts(grid, start) if t) < _MIN_HEADER_CELLS:
        start += 1
    return start, end


def _header_parts(grid: Grid, col: int, start: int, end: int) -> list[str]:
    top = {squash(grid.spanning_text(r, col)) for r in range(start)}
    # The 栏次 row's numbers (and "**" placeholders) name no column.
    return [p for p in column_header_parts(grid.header_path(col, end)) if p and p not in top]


def _is_amount_column(body: list[str], header: str) -> bool:
    if any(word in header for word in _NOT_AMOUNT):
        return False
    try:
        # a dash prints "no amount" on the row, in any amount column
        printed = [t for t in body if parse_amount(t) is not None]
    except AmountError:
        return False
    if not printed:  # an empty (or all-dash) column under a money header
        return True
    return any(_PRINTED_AMOUNT.match(t) or t in ("0", "0.00") for t in printed)


def listing_columns(grid: Grid, start: int, end: int) -> ListingColumns:
    paths = [_header_parts(grid, c, start, end) for c in range(grid.n_cols)]
    headers = ["".join(parts) for parts in paths]
    code_cols = [
        c
        for c, h in enumerate(headers)
        if ("编码" in h or "代码" in h or (paths[c] and paths[c][-1] in _CODE_MARKERS))
        and "名称" not in h
    ]
    names: dict[int, str] = {}
    amount_cols: set[int] = set()
    label_col = None
    for c, header in enumerate(headers):
        if c in code_cols:
            continue
        body = [squash(grid.text(r, c)) for r in range(end, grid.n_rows)]
        if not header and not any(body):
            continue  # a margin column of the frame: no header, nothing printed
        if _is_amount_column(body, header):
            amount_cols.add(c)
        elif label_col is None and not any(word in header for word in _NOT_AMOUNT):
            label_col = c
            continue
        names[c] = header or f"第{c + 1}列"
    return ListingColumns(code_cols, label_col, names, amount_cols)


def _aligned(grid: Grid, reference: Grid, columns: ListingColumns) -> ListingColumns:
    """A continuation page printed without a header: each column takes the role of the
    reference column nearest to it."""
    nearest = {
        c: min(
            range(reference.n_cols),
            key=lambda k: abs(reference.col_center(k) - grid.col_center(c)),
        )
        for c in range(grid.n_cols)
    }
    return ListingColumns(
        [c for c, k in nearest.items() if k in columns.code_cols],
        next((c for c, k in nearest.items() if k == columns.label_col), None),
        {c: columns.names[k] for c, k in nearest.items() if k in columns.names},
        {c for c, k in nearest.items() if k in columns.amount_cols},
    )


def _row_label(grid: Grid, row: int, columns: ListingColumns) -> str:
    if columns.label_col is not None:
        label = normalise_label(grid.spanning_text(row, columns.label_col))
        if label:
            return label
    for c in range(grid.n_cols):  # 合计 printed across the code columns, a project row
        if c in columns.amount_cols:
            continue
        text = normalise_label(grid.text(row, c))
        if text and not text.isdigit():
            return text
    return ""


def parse_listing_table(
    spec: TableSpec, grids: list[Grid], money_unit: str, problems: list[str]
) -> list[ExtractedRow]:
    rows: list[ExtractedRow] = []
    reference: tuple[Grid, ListingColumns] | None = None
    joiner = CodeJoiner()
    for grid in grids:
        start, end = _header_rows(grid)
        if end > start:
            columns = listing_columns(grid, start, end)
            reference = reference or (grid, columns)
        elif reference is not None:
            columns = _aligned(grid, *reference)
        else:
            problems.append(f"第{grid.page}页：{spec.canonical_title}的表头无法识别，跳过该页")
            continue
        for r in range(end, grid.n_rows):
            texts = [grid.text(r, c).replace("\n", "").strip() for c in range(grid.n_cols)]
            if not any(texts):
                continue
            parts = [squash(texts[c]) for c in columns.code_cols]
            parts = ["" if p in _CODE_MARKERS else p for p in parts]
            code = joiner.join(parts) if any(parts) else None
            cells = []
            for c, name in columns.names.items():
                amount = None
                if c in columns.amount_cols:
                    try:
                        amount = to_wan(parse_amount(texts[c]), money_unit)
                    except AmountError as exc:
                        problems.append(f"第{grid.page}页 第{r + 1}行 {name}：{exc}")
                cells.append(
                    ExtractedCell(name, texts[c], amount, grid.doubt(r, c), grid.box(r, c))
                )
            label = _row_label(grid, r, columns)
            if code and is_unit_row(code, label):  # a unit's row ("122 西安市行政审批服务局")
                code = None
            if not code and not label and all(cell.amount is None for cell in cells):
                continue
            rows.append(
                ExtractedRow(
                    row_number=len(rows) + 1,
                    page=grid.page,
                    subject_code=code,
                    line_label=label or None,
                    cells=cells,
                )
            )
    return rows
