"""T06 一般公共预算财政拨款基本支出决算表 and the budgets' B06 一般公共预算基本支出表:
economic classes.

T06 prints 2 or 3 groups of (经济分类科目编码, 科目名称, 决算数), the code as one column
or split 类|款. Groups are found from the header: each starts at a code column.

A budget's B06 is mostly printed as one row per economic class with amount columns
(合计 | 人员经费 | 公用经费, named by the spec's column rules), the code in its own
column(s) or before the name ("[301]工资福利支出", "30101-基本工资"), or not at all:
read like a subject table. Side-by-side groups, when a budget prints them, are read as
T06's, the amount named by the spec (合计).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from pipelines.domain.amounts import AmountError, parse_amount, to_wan
from pipelines.domain.subjects import ECON_CODE, FUNCTION_CLASSES
from pipelines.domain.tables import TableSpec
from pipelines.domain.text import normalise_label, squash
from pipelines.extract.grid import Grid
from pipelines.extract.records import ExtractedCell, ExtractedRow
from pipelines.extract.subject_tables import parse_subject_table

# Header words of a group's amount column, by the disclosure.
_AMOUNT_WORDS = {"决算": ("决算", "金额"), "预算": ("预算", "金额")}
# Groups printed side by side from this many on: fewer is one row per class.
SIDE_BY_SIDE_GROUPS = 2


@dataclass
class Group:
    code_cols: list[int]
    name_col: int
    amount_col: int


def _header_end(grid: Grid) -> int:
    for row in range(grid.n_rows):
        texts = [squash(grid.text(row, c)) for c in range(grid.n_cols)]
        if any(ECON_CODE.fullmatch(t) for t in texts) or any("经费合计" in t for t in texts):
            return row
    return grid.n_rows


def econ_groups(
    grid: Grid, header_end: int, amount_words: tuple[str, ...] = _AMOUNT_WORDS["决算"]
) -> list[Group]:
    paths = ["".join(grid.header_path(c, header_end)) for c in range(grid.n_cols)]
    groups: list[Group] = []
    code_cols: list[int] = []
    name_col = None
    for c, path in enumerate(paths):
        if "编码" in path or "代码" in path or path.endswith(("类", "款")):
            if name_col is not None:  # a new group starts
                code_cols, name_col = [], None
            code_cols.append(c)
        elif "名称" in path and code_cols:
            name_col = c
            # Split 类|款 columns under one 科目编码 header: all of them hold the code.
            code_cols = list(range(code_cols[0], c))
        elif any(word in path for word in amount_words) and name_col is not None:
            groups.append(Group(list(code_cols), name_col, c))
    return groups


def _join_code(parts: list[str]) -> str | None:
    digits = "".join(re.sub(r"\D", "", p) for p in parts)
    return digits if ECON_CODE.fullmatch(digits) else None


def _side_by_side(grid: Grid, amount_words: tuple[str, ...]) -> bool:
    header_end = _header_end(grid)
    groups = econ_groups(grid, header_end, amount_words)
    # Amount columns beside one name column (合计 | 人员经费 | 公用经费) are one group's.
    return len({group.name_col for group in groups}) >= SIDE_BY_SIDE_GROUPS


# A 7-digit economic code: a 款 (5 digits) and two more (Beijing's "3021101-差旅费",
# Xi'an's 3010201), the 3-digit head no function class.
_DETAIL_DIGITS = 7
_SECTION_DIGITS = 5


def _econ_coded(rows: list[ExtractedRow]) -> list[ExtractedRow]:
    """Rows read as subject rows, each code kept only when it is an economic class's
    (3 or 5 digits). A 7-digit code is a detail of its 款: printed right under that 款's
    row (30211, then 3021101, 3021102 …) it is a child detail, kept with its label but no
    code (its amount is already inside the 款's); printed without it, the row stands for
    its 款 and carries the 款's code (two such details of one 款 are one subject printed
    on two rows, added up like any code printed twice). Beijing prints one block of rows
    per unit, so the 款 is looked for just above, not anywhere in the table."""
    coded: list[ExtractedRow] = []
    under: str | None = None  # the 款 whose row, or details, the previous row was
    for row in rows:
        code = row.subject_code
        if code and len(code) == _DETAIL_DIGITS and code[:3] not in FUNCTION_CLASSES:
            section = code[:_SECTION_DIGITS]
            code = None if under == section else section
            under = section if code is None else None
        elif code and ECON_CODE.fullmatch(code):
            under = code if len(code) == _SECTION_DIGITS else None
        else:
            code, under = None, None
        coded.append(replace(row, subject_code=code))
    return coded


def parse_econ_table(
    spec: TableSpec, grids: list[Grid], money_unit: str, problems: list[str]
) -> list[ExtractedRow]:
    amount_words = _AMOUNT_WORDS[spec.document_kind]
    if spec.columns and grids and not _side_by_side(grids[0], amount_words):
        return _econ_coded(parse_subject_table(spec, grids, money_unit, problems))
    rows: list[ExtractedRow] = []
    reference: tuple[list[Group], int] | None = None  # groups and column count of page 1
    for grid in grids:
        header_end = _header_end(grid)
        groups = econ_groups(grid, header_end, amount_words) if header_end else []
        if not groups:
            if reference is None or grid.n_cols != reference[1]:
                problems.append(f"第{grid.page}页：基本支出表的表头无法识别，跳过该页")
                continue
            groups = reference[0]
        elif reference is None:
            reference = (groups, grid.n_cols)
        for group in groups:  # group by group: 人员经费 first, then 公用经费
            for r in range(header_end, grid.n_rows):
                code = _join_code([grid.text(r, c) for c in group.code_cols])
                label = normalise_label(grid.spanning_text(r, group.name_col))
                printed = grid.text(r, group.amount_col).replace("\n", "").strip()
                try:
                    amount = to_wan(parse_amount(printed), money_unit)
                except AmountError as exc:
                    problems.append(f"第{grid.page}页 第{r + 1}行：{exc}")
                    amount = None
                if not code and not label.endswith("经费合计"):
                    continue
                rows.append(
                    ExtractedRow(
                        row_number=len(rows) + 1,
                        page=grid.page,
                        subject_code=code,
                        line_label=label or None,
                        cells=[
                            ExtractedCell(
                                spec.amount_name,
                                printed,
                                amount,
                                grid.doubt(r, group.amount_col),
                                grid.box(r, group.amount_col),
                            )
                        ],
                    )
                )
    return rows
