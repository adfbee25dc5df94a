"""Tables whose rows are function subjects (T02, T03, T05, T08, T09).

Header rows are read and each column is named by its header text through the table's
column rules; code columns (one column, or 类|款|项) and the name column by their
header words. The 栏次 row is part of the header and never data.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipelines.domain.amounts import PRINTED_DECIMAL, AmountError, parse_amount, to_wan
from pipelines.domain.subjects import FUNCTION_CLASSES, SUBJECT_CODE
from pipelines.domain.tables import TOTAL_LABELS, TableSpec, column_header_parts, numbers_columns
from pipelines.domain.text import normalise_label, squash
from pipelines.extract.grid import Grid
from pipelines.extract.records import ExtractedCell, ExtractedRow

_CODE_MARKERS = {"类", "款", "项"}
# Header words of the label column when no header says 名称: 预算单位, 支出功能分类科目,
# Shenzhen's 支出项目类别.
_NAME_HEADER_WORDS = ("单位", "科目", "项目类别")
TOTAL = "合计"
_UNIT_CODE_HEADER = "单位"  # 单位编码 / 单位代码
_GOVERNMENT_CLASSIFICATION = "政府"
# A code printed before the name in one cell: "2010801-行政运行" (Beijing's budgets),
# "[2014001]行政运行" (Guangdong's).
_CODE_IN_LABEL = re.compile(r"^(?:(\d{3}|\d{5}|\d{7})[-－—]|\[(\d{3}|\d{5}|\d{7})\])(.+)$")
# Codes are printed in the first columns: one code column, or split 类|款|项.
CODE_COLUMNS_MAX = 3
# How a unit's name ends (苏州市审计局, 无锡市信访局(本级), …中心): Jiangsu's and Xi'an's
# 收入总表/支出总表 group their rows by budget unit under a 3-digit unit code ("024",
# "113", "122") printed in the code column, where a function class would be.
_UNIT_NAME_END = re.compile(
    r"(?:局|委|委员会|部|办|办公室|院|中心|所|站|队|会|厅|处|馆|校|学|公司|社|台|园|场|署|室|团"
    r"|本级)(?:[(（](?:本级|汇总)[)）])?$"
)


@dataclass
class ColumnRoles:
    code_cols: list[int]
    name_col: int | None
    amount_cols: dict[int, str]  # grid column → canonical column name
    unmapped: list[str]
    # The code column is headed 单位编码 (西安's 支出总表 listed by unit): its codes
    # ("201 中共西安市委宣传部", "201001 …") number units, never function subjects.
    unit_codes: bool = False

    def is_complete(self) -> bool:
        return bool(self.amount_cols) and self.name_col is not None


def _row_texts(grid: Grid, row: int) -> list[str]:
    return [squash(grid.text(row, c)) for c in range(grid.n_cols)]


def _is_amount_text(text: str) -> bool:
    """A printed amount of any format (元 integers "111,008,600", a dash for none)."""
    try:
        parse_amount(text)
    except AmountError:
        return False
    return True


def is_data_row(grid: Grid, row: int) -> bool:
    """A row of the body: a code, an amount with decimals, or a 合计 label with nothing
    else but code markers and amounts (元 integers print no decimals: "合 计 | 111,008,600
    | -"; a header row that prints the column title 合计 also prints other titles, and a
    栏次 row counts 1, 2, 3 …)."""
    texts = _row_texts(grid, row)
    if any(SUBJECT_CODE.fullmatch(t) for t in texts[:CODE_COLUMNS_MAX]) or any(
        PRINTED_DECIMAL.match(t) for t in texts
    ):
        return True
    if any(t in TOTAL_LABELS for t in texts):
        others = [t for t in texts if t and t not in TOTAL_LABELS and t not in _CODE_MARKERS]
        numbers = [t for t in others if _is_amount_text(t)]
        return len(numbers) == len(others) and not numbers_columns(numbers)
    return False


def is_unit_row(code: str, label: str) -> bool:
    """A row naming a budget unit under its 3-digit unit code ("024 苏州市审计局"), not a
    function class: the code is no national class and the label ends like a unit name."""
    return len(code) == 3 and code not in FUNCTION_CLASSES and bool(_UNIT_NAME_END.search(label))


def first_data_row(grid: Grid) -> int:
    for row in range(grid.n_rows):
        if is_data_row(grid, row):
            return row
    return grid.n_rows


def _holds_amounts(grid: Grid, col: int, header_end: int) -> bool:
    """Whether the column's body prints amounts only (at least one)."""
    body = [squash(grid.text(r, col)) for r in range(header_end, grid.n_rows)]
    filled = [t for t in body if t]
    return bool(filled) and all(_is_amount_text(t) for t in filled)


def _without_wrapper(paths: list[list[str]], columns: list[int]) -> None:
    """Drop a header printed over every amount column alike (Beijing's 预算数, Xi'an's
    部门预算): it names the table's measure, not a column."""
    firsts = {paths[c][0] if len(paths[c]) > 1 else None for c in columns}
    if len(columns) > 1 and len(firsts) == 1 and None not in firsts:
        for c in columns:
            del paths[c][0]


def _name_column(candidates: list[int], headers: list[str]) -> int | None:
    """The rows' name column among those whose header names one: the first that is not
    the 政府预算 economic classification printed beside the 部门预算's."""
    own = [c for c in candidates if _GOVERNMENT_CLASSIFICATION not in headers[c]]
    chosen = own or candidates
    return chosen[0] if chosen else None


def column_roles(grid: Grid, spec: TableSpec, header_end: int) -> ColumnRoles:
    paths = []
    for c in range(grid.n_cols):
        parts = column_header_parts(grid.header_path(c, header_end))
        # Split code columns are marked 类/款/项, sometimes on the 合计 row itself.
        if header_end < grid.n_rows and squash(grid.text(header_end, c)) in _CODE_MARKERS:
            parts.append(squash(grid.text(header_end, c)))
        paths.append(parts)
    headers = ["".join(parts) for parts in paths]
    code_cols = [
        c
        for c, h in enumerate(headers)
        if "编码" in h
        or "代码" in h
        # the marker printed alone, not a header ending in 款 (其中：经费拨款)
        or (paths[c] and paths[c][-1] in _CODE_MARKERS and "名称" not in h)
    ]
    name_col = _name_column(
        [c for c, h in enumerate(headers) if c not in code_cols and "名称" in h], headers
    )
    if name_col is None and code_cols and code_cols[-1] + 1 < grid.n_cols:
        name_col = code_cols[-1] + 1
    if name_col is None:  # rows named by unit (预算单位) or by 支出功能分类科目
        name_col = _name_column(
            [
                c
                for c, h in enumerate(headers)
                if c not in code_cols
                and any(word in h for word in _NAME_HEADER_WORDS)
                and not _holds_amounts(grid, c, header_end)  # 单位资金, an amount column
            ],
            headers,
        )
    # A second classification printed beside the rows' own (政府预算支出经济分类 beside
    # the 部门预算's): its code and name columns are neither the rows' code nor amounts.
    other_classes: set[int] = set()
    if name_col is not None:
        other_classes = {c for c in code_cols if c > name_col} | {
            c
            for c, h in enumerate(headers)
            if c != name_col and c not in code_cols and ("名称" in h or h.endswith("科目"))
        }
        code_cols = [c for c in code_cols if c < name_col]
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
    others = [
        c
        for c in range(grid.n_cols)
        if c not in code_cols and c != name_col and c not in other_classes
    ]
    _without_wrapper(paths, others)
    for c in others:
        canonical = spec.name_column(paths[c], taken, rules)
        if canonical:
            amount_cols[c] = canonical
            taken.add(canonical)
        elif headers[c]:
            unmapped.append(headers[c])
    # A table printing the year's group without a 合计 of its own: the group's 小计 is
    # the table's total.
    year_subtotals = {group.subtotal for group in spec.column_groups if not group.prefix}
    if TOTAL not in taken:
        for c, name in amount_cols.items():
            if name in year_subtotals:
                amount_cols[c] = TOTAL
                break
    unit_codes = bool(code_cols) and all(_UNIT_CODE_HEADER in headers[c] for c in code_cols)
    return ColumnRoles(code_cols, name_col, amount_cols, unmapped, unit_codes)


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
        roles.unit_codes,
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
        if label.rstrip(":") in TOTAL_LABELS:  # "总计："
            label = label.rstrip(":")
        embedded = _CODE_IN_LABEL.match(label) if not code else None
        if embedded:
            code, label = embedded.group(1) or embedded.group(2), embedded.group(3)
        if code and (roles.unit_codes or is_unit_row(code, label)):
            # A unit's row (its totals by column), not a subject: no code, and no class
            # for the 款/项 codes printed after it to inherit.
            code = None
            joiner.last_class = joiner.last_section = ""
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
