"""T06 一般公共预算财政拨款基本支出决算表: economic classes in side-by-side groups.

The page prints 2 or 3 groups of (经济分类科目编码, 科目名称, 决算数), the code as one
column or split 类|款. Groups are found from the header: each starts at a code column.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipelines.domain.amounts import AmountError, parse_amount, to_wan
from pipelines.domain.subjects import ECON_CODE
from pipelines.domain.tables import TableSpec
from pipelines.domain.text import normalise_label, squash
from pipelines.extract.grid import Grid
from pipelines.extract.records import ExtractedCell, ExtractedRow

AMOUNT_COLUMN = "决算数"


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


def econ_groups(grid: Grid, header_end: int) -> list[Group]:
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
        elif ("决算" in path or "金额" in path) and name_col is not None:
            groups.append(Group(list(code_cols), name_col, c))
    return groups


def _join_code(parts: list[str]) -> str | None:
    digits = "".join(re.sub(r"\D", "", p) for p in parts)
    return digits if ECON_CODE.fullmatch(digits) else None


def parse_econ_table(
    spec: TableSpec, grids: list[Grid], money_unit: str, problems: list[str]
) -> list[ExtractedRow]:
    rows: list[ExtractedRow] = []
    reference: tuple[list[Group], int] | None = None  # groups and column count of page 1
    for grid in grids:
        header_end = _header_end(grid)
        groups = econ_groups(grid, header_end) if header_end else []
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
                                AMOUNT_COLUMN,
                                printed,
                                amount,
                                grid.doubt(r, group.amount_col),
                                grid.box(r, group.amount_col),
                            )
                        ],
                    )
                )
    return rows
