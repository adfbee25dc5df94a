"""Two-sided statements (T01 收入支出决算总表, T04 财政拨款收入支出决算总表).

Each printed row holds an income line and an expense line. Columns are assigned to a
side by the 收入/支出 header over them and named by their header text; 行次 columns are
line numbers, not money, and are dropped.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pipelines.domain.amounts import AmountError, parse_amount, to_wan
from pipelines.domain.subjects import CLASS_BY_NAME
from pipelines.domain.tables import TableSpec, numbers_columns
from pipelines.domain.text import normalise_label, squash
from pipelines.extract.grid import Grid
from pipelines.extract.records import ExtractedCell, ExtractedRow

INCOME, EXPENSE = "收入", "支出"
# The header (收入/支出, 项目, 栏次) is searched for its 栏次 row within the first rows.
HEADER_ROWS_MAX = 10
_FUNDS = ("一般公共预算财政拨款", "政府性基金预算财政拨款", "国有资本经营预算财政拨款")
_CARRY_PARENTS = (
    "年初财政拨款结转和结余",
    "年末财政拨款结转和结余",
    "年初结转和结余",
    "年末结转和结余",
)
_MEASURES = (
    ("一般公共预算", "一般公共预算"),
    ("政府性基金", "政府性基金预算"),
    ("国有资本", "国有资本经营预算"),
    ("合计", "合计"),
    ("决算数", "决算数"),
    ("金额", "决算数"),
)


@dataclass
class SideColumns:
    label: int | None = None
    measures: dict[int, str] = field(default_factory=dict)  # grid column → measure


def _is_header_row(grid: Grid, row: int) -> bool:
    texts = [squash(grid.text(row, c)) for c in range(grid.n_cols)]
    filled = [t for t in texts if t]
    if not filled:
        return False
    if any(t in ("项目", "栏次", INCOME, EXPENSE) for t in filled):
        return True
    return numbers_columns(filled)


def _header_end(grid: Grid) -> int:
    """The header ends with the 栏次 row when one is printed; otherwise at the first row
    that is neither a header row nor blank."""
    for r in range(min(grid.n_rows, HEADER_ROWS_MAX)):
        texts = [squash(grid.text(r, c)) for c in range(grid.n_cols)]
        filled = [t for t in texts if t]
        if "栏次" in texts or numbers_columns(filled):
            return r + 1
    row = 0
    while row < grid.n_rows and (
        _is_header_row(grid, row) or not any(grid.text(row, c).strip() for c in range(grid.n_cols))
    ):
        row += 1
    return row


def _measure(path: list[str]) -> str | None:
    text = "".join(path)
    return next((name for key, name in _MEASURES if key in text), None)


def _measure_in_span(grid: Grid, col: int, header_end: int) -> str | None:
    """The measure of a column under a header cell that names as many measures as it
    spans columns, in order: neighbouring headers printed without a gap ("一般公共预算
    财政政府性基金预算财国有资本经营预算" over three columns) read as one spanning word."""
    for row in range(header_end):
        region = grid.region(row, col)
        if region.col_span < 2:
            continue
        text = squash(region.text)
        found = sorted((text.find(key), name) for key, name in _MEASURES if key in text)
        named = list(dict.fromkeys(name for _, name in found))
        if len(named) == region.col_span:
            return named[col - region.col]
    return None


def statement_sides(grid: Grid, header_end: int) -> dict[str, SideColumns] | None:
    paths = [grid.header_path(c, header_end) for c in range(grid.n_cols)]
    sides: dict[str, SideColumns] = {
        INCOME: SideColumns(),
        EXPENSE: SideColumns(),
    }
    label_columns = [
        c for c, p in enumerate(paths) if (p and p[-1] in ("项目", "栏次")) or "项目" in p
    ]
    current = None
    for c, path in enumerate(paths):
        if INCOME in path:
            current = INCOME
        elif EXPENSE in path:
            current = EXPENSE
        elif c in label_columns:  # no 收入/支出 row: the second 项目 column starts 支出
            current = INCOME if current is None else EXPENSE
        if current is None:
            continue
        side = sides[current]
        if c in label_columns and side.label is None:
            side.label = c
        elif any("行次" in p for p in path):
            continue
        else:
            measure = _measure_in_span(grid, c, header_end) or _measure(path)
            if measure and measure not in side.measures.values():
                side.measures[c] = measure
    if any(s.label is None or not s.measures for s in sides.values()):
        return None
    return sides


def _align(grid: Grid, reference: Grid, sides: dict[str, SideColumns]) -> dict[str, SideColumns]:
    nearest = {
        c: min(
            range(reference.n_cols), key=lambda k: abs(reference.col_center(k) - grid.col_center(c))
        )
        for c in range(grid.n_cols)
    }
    aligned = {}
    for name, side in sides.items():
        aligned[name] = SideColumns(
            label=next((c for c in nearest if nearest[c] == side.label), None),
            measures={c: side.measures[k] for c, k in nearest.items() if k in side.measures},
        )
    return aligned


def parse_statement(
    spec: TableSpec, grids: list[Grid], money_unit: str, problems: list[str]
) -> list[ExtractedRow]:
    rows: list[ExtractedRow] = []
    reference = None
    parents: dict[str, str | None] = {INCOME: None, EXPENSE: None}
    for grid in grids:
        header_end = _header_end(grid)
        sides = statement_sides(grid, header_end) if header_end else None
        if sides is None:
            if reference is None:
                problems.append(f"第{grid.page}页：收支两侧的表头无法识别，跳过该页")
                continue
            sides = _align(grid, *reference)
        elif reference is None:
            reference = (grid, sides)
        for r in range(header_end, grid.n_rows):
            for side_name, side in sides.items():
                label = normalise_label(grid.text(r, side.label)) if side.label is not None else ""
                cells = []
                for c, measure in side.measures.items():
                    printed = grid.text(r, c).replace("\n", "").strip()
                    try:
                        amount = to_wan(parse_amount(printed), money_unit)
                    except AmountError as exc:
                        problems.append(f"第{grid.page}页 第{r + 1}行 {side_name}{measure}：{exc}")
                        amount = None
                    cells.append(
                        ExtractedCell(measure, printed, amount, grid.doubt(r, c), grid.box(r, c))
                    )
                if not label and all(cell.amount is None for cell in cells):
                    continue
                if label in _CARRY_PARENTS:
                    parents[side_name] = label
                elif label in _FUNDS and parents[side_name]:
                    label = f"{parents[side_name]}-{label}"
                elif label:
                    parents[side_name] = None
                rows.append(
                    ExtractedRow(
                        row_number=len(rows) + 1,
                        page=grid.page,
                        subject_code=CLASS_BY_NAME.get(label),
                        line_label=label or None,
                        cells=cells,
                        side=side_name,
                    )
                )
    return rows
