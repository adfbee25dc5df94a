"""Tables whose rows are function subjects (T02, T03, T05, T08, T09).

Header rows are read and each column is named by its header text through the table's
column rules; code columns (one column, or 类|款|项) and the name column by their
header words. The 栏次 row is part of the header and never data.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipelines.domain.amounts import PRINTED_DECIMAL, AmountError, parse_amount, to_wan
from pipelines.domain.subjects import SUBJECT_CODE
from pipelines.domain.tables import TOTAL_LABELS, TableSpec
from pipelines.domain.text import normalise_label, squash
from pipelines.extract.grid import Grid
from pipelines.extract.records import ExtractedCell, ExtractedRow

_CODE_MARKERS = {"类", "款", "项"}
# Codes are printed in the first columns: one code column, or split 类|款|项.
CODE_COLUMNS_MAX = 3


@dataclass
class ColumnRoles:
    code_cols: list[int]
    name_col: int | None
    amount_cols: dict[int, str]  # grid column → canonical column name
    unmapped: list[str]

    def is_complete(self) -> bool:
        return bool(self.amount_cols) and self.name_col is not None


def _row_texts(grid: Grid, row: int) -> list[str]:
    return [squash(grid.text(row, c)) for c in range(grid.n_cols)]


def is_data_row(grid: Grid, row: int) -> bool:
    """A row of the body: a code, an amount, or a 合计 label with nothing else but code
    markers (a header row that prints the column title 合计 also prints other titles)."""
    texts = _row_texts(grid, row)
    if any(SUBJECT_CODE.fullmatch(t) for t in texts[:CODE_COLUMNS_MAX]) or any(
        PRINTED_DECIMAL.match(t) for t in texts
    ):
        return True
    if any(t in TOTAL_LABELS for t in texts):
        others = [t for t in texts if t and t not in TOTAL_LABELS and t not in _CODE_MARKERS]
        return not others
    return False


def first_data_row(grid: Grid) -> int:
    for row in range(grid.n_rows):
        if is_data_row(grid, row):
            return row
    return grid.n_rows


def column_roles(grid: Grid, spec: TableSpec, header_end: int) -> ColumnRoles:
    headers = []
    for c in range(grid.n_cols):
        parts = grid.header_path(c, header_end)
        # Split code columns are marked 类/款/项, sometimes on the 合计 row itself.
        if header_end < grid.n_rows and squash(grid.text(header_end, c)) in _CODE_MARKERS:
            parts.append(squash(grid.text(header_end, c)))
        headers.append("".join(parts))
    code_cols = [
        c
        for c, h in enumerate(headers)
        if "编码" in h or "代码" in h or (h and h[-1] in _CODE_MARKERS and "名称" not in h)
    ]
    name_col = next((c for c, h in enumerate(headers) if c not in code_cols and "名称" in h), None)
    if name_col is None and code_cols and code_cols[-1] + 1 < grid.n_cols:
        name_col = code_cols[-1] + 1
    if name_col is not None:
        # Left of the names, a column whose body holds only digits is a code column
        # whatever its header says (a spanning 科目编码 may not reach every one of 类|款|项).
        for c in range(name_col):
            body = [squash(grid.text(r, c)) for r in range(header_end, grid.n_rows)]
            filled = [t for t in body if t]
            if c not in code_cols and filled and all(t.isdigit() for t in filled):
                code_cols.append(c)
        code_cols.sort()
    amount_cols: dict[int, str] = {}
    unmapped: list[str] = []
    taken: set[str] = set()
    rules = spec.rules_for(headers)
    for c, header in enumerate(headers):
        if c in code_cols or c == name_col:
            continue
        canonical = spec.map_column(header, taken, rules)
        if canonical:
            amount_cols[c] = canonical
            taken.add(canonical)
        elif header:
            unmapped.append(header)
    return ColumnRoles(code_cols, name_col, amount_cols, unmapped)


def align_roles(grid: Grid, reference: Grid, roles: ColumnRoles) -> ColumnRoles:
    """Roles of a continuation page printed without a header: by column position."""

    # Each column of this page takes the role of the reference column nearest to it.
    nearest = {
        c: min(
            range(reference.n_cols), key=lambda k: abs(reference.col_center(k) - grid.col_center(c))
        )
        for c in range(grid.n_cols)
    }
    return ColumnRoles(
        [c for c in range(grid.n_cols) if nearest[c] in roles.code_cols],
        next((c for c in range(grid.n_cols) if nearest[c] == roles.name_col), None),
        {
            c: roles.amount_cols[nearest[c]]
            for c in range(grid.n_cols)
            if nearest[c] in roles.amount_cols
        },
        [],
    )


class CodeJoiner:
    """Joins split 类|款|项 cells into one code, carrying a parent not repeated on the row."""

    def __init__(self) -> None:
        self.last_class = ""
        self.last_section = ""

    def join(self, parts: list[str]) -> str | None:
        digits = [re.sub(r"\D", "", p) for p in parts]
        if len(digits) == 1:
            code = digits[0]
            return code if SUBJECT_CODE.fullmatch(code) else None
        klass, section, item = [*digits, "", "", ""][:3]
        if not klass and (section or item):
            klass = self.last_class
        if not section and item:
            section = self.last_section
        if len(klass) != 3:
            return None
        self.last_class = klass
        if section:
            self.last_section = section
        code = klass + section + (item if section else "")
        return code if SUBJECT_CODE.fullmatch(code) else None


def parse_rows(
    grid: Grid,
    roles: ColumnRoles,
    start_row: int,
    money_unit: str,
    joiner: CodeJoiner,
    first_row_number: int,
    problems: list[str],
) -> list[ExtractedRow]:
    rows: list[ExtractedRow] = []
    for r in range(start_row, grid.n_rows):
        texts = [grid.text(r, c) for c in range(grid.n_cols)]
        if not any(t.strip() for t in texts):
            continue
        code_parts = [squash(texts[c]) for c in roles.code_cols]
        code_parts = [p if p not in _CODE_MARKERS else "" for p in code_parts]
        code = joiner.join(code_parts) if any(code_parts) else None
        # 合计 is often printed in one cell spanning the code and name columns.
        label_text = grid.spanning_text(r, roles.name_col) if roles.name_col is not None else ""
        cells = []
        for c, name in roles.amount_cols.items():
            printed = texts[c].replace("\n", "").strip()
            try:
                amount = to_wan(parse_amount(printed), money_unit)
            except AmountError as exc:
                problems.append(f"第{grid.page}页 第{r + 1}行 {name}：{exc}")
                amount = None
            cells.append(ExtractedCell(name, printed, amount, grid.doubt(r, c), grid.box(r, c)))
        label = normalise_label(label_text)
        if not code and not label and all(cell.amount is None for cell in cells):
            continue
        rows.append(
            ExtractedRow(
                row_number=first_row_number + len(rows),
                page=grid.page,
                subject_code=code,
                line_label=label or None,
                cells=cells,
            )
        )
    return rows


def parse_subject_table(
    spec: TableSpec, grids: list[Grid], money_unit: str, problems: list[str]
) -> list[ExtractedRow]:
    """Rows of a subject table over its pages; continuation pages with or without header."""
    rows: list[ExtractedRow] = []
    reference: tuple[Grid, ColumnRoles] | None = None
    joiner = CodeJoiner()
    for grid in grids:
        # A header word wrapped onto a line of its own ("合计" under "本年支出") would
        # read as the 合计 row: the text layout knows where its body starts.
        header_end = grid.body_row if grid.body_row is not None else first_data_row(grid)
        roles = column_roles(grid, spec, header_end) if header_end > 0 else None
        if roles is None or not roles.is_complete():
            if reference is None:
                problems.append(f"第{grid.page}页：表头无法识别，跳过该页")
                continue
            roles = align_roles(grid, *reference)
        elif reference is None:
            reference = (grid, roles)
        problems.extend(f"第{grid.page}页：未识别的列“{h}”" for h in roles.unmapped)
        rows.extend(
            parse_rows(grid, roles, header_end, money_unit, joiner, len(rows) + 1, problems)
        )
    return rows
