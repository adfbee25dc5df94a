"""Two-sided statements (T01 收入支出决算总表, T04 财政拨款收入支出决算总表; the budgets'
B01 收支总表, B04 财政拨款收支总表).

Each printed row holds an income line and an expense line. Columns are assigned to a
side by the 收入/支出 header over them and named by their header text; 行次 columns are
line numbers, not money, and are dropped. A side may print several blocks, each a label
column and its amounts (Xi'an's budgets: 支出功能分类 | 部门预算支出经济分类 | 政府预算支出
经济分类 side by side): the first block not classed by economic class is read and the
others are dropped with a problem, never mixed into the lines.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pipelines.domain.amounts import PRINTED_DECIMAL, AmountError, parse_amount, to_wan
from pipelines.domain.subjects import CLASS_BY_NAME
from pipelines.domain.tables import TableSpec, numbers_columns
from pipelines.domain.text import normalise_label, squash
from pipelines.extract.grid import Grid
from pipelines.extract.records import ExtractedCell, ExtractedRow

INCOME, EXPENSE = "收入", "支出"
# Header words naming a side: 收入/支出, a budget's 本年收入 or 财政拨款支出.
_SIDE_WORDS = {
    INCOME: (INCOME, "本年收入", "财政拨款收入"),
    EXPENSE: (EXPENSE, "本年支出", "财政拨款支出"),
}
# Column titles printed on a header row of their own, below the side's 预算数.
_MEASURE_TITLES = {
    "合计",
    "总计",
    "小计",
    "一般公共预算",
    "政府性基金预算",
    "国有资本经营预算",
    "预算数",
    "决算数",
    "基本支出",
    "项目支出",
    "人员经费",
    "公用经费",
}
# The header (收入/支出, 项目, 栏次) is searched for its 栏次 row within the first rows.
HEADER_ROWS_MAX = 10
# A fund's line: the finals' "一般公共预算财政拨款", the budgets' "一般公共预算拨款" (Jiangsu)
# or "一般公共预算" (Hangzhou/Huzhou).
_FUND_LINE = re.compile(r"(?:一般公共预算|政府性基金预算|国有资本经营预算)(?:财政拨款|拨款)?")
# Lines whose fund lines below are their parts, labelled "<parent>-<fund>" (a budget's
# B04 prints the funds under 本年收入 and again under 上年结转).
_CARRY_PARENTS = (
    "年初财政拨款结转和结余",
    "年末财政拨款结转和结余",
    "年初结转和结余",
    "年末结转和结余",
    "上年结转",
    "上年结转结余",
)
# A carry-over's parts printed numbered under it (深圳: "上年结余、结转" over "1.财政拨款结余、
# 结转", "2.非财政拨款结余、结转"): labelled "<carry>-<part>" like the fund lines above.
_ARABIC_ORDINAL = re.compile(r"(?:\d+[.、]|\(\d+\))")


def _names_carry(label: str) -> bool:
    return "结转" in label or "结余" in label


_FUND_MEASURES = (
    ("一般公共预算", "一般公共预算"),
    ("政府性基金", "政府性基金预算"),
    ("国有资本", "国有资本经营预算"),
)
# Header word → measure, the first found naming the column.
_MEASURES = (*_FUND_MEASURES, ("合计", "合计"), ("决算数", "决算数"), ("金额", "决算数"))
# A budget names its amount 预算数 ("预算", "2026年预算数"), and some print it split into
# 合计 | 基本支出 (人员经费 | 公用经费) | 项目支出 under one 预算数 header (Shanghai's 收支总表):
# the parts are named before the 预算数 over them, and 预算数 before the 合计 under it.
_BUDGET_MEASURES = (
    *_FUND_MEASURES,
    ("人员经费", "人员经费"),
    ("公用经费", "公用经费"),
    ("基本支出", "基本支出"),
    ("项目支出", "项目支出"),
    # Changchun's groups 本年预算 | 编制预算 | 上年结转: the year's total is the amount.
    ("编制预算", "编制预算"),
    ("上年结转", "上年结转"),
    ("预算", "预算数"),
    ("合计", "合计"),
    ("金额", "预算数"),
)
# Header words of a label column besides 项目: 支出功能分类, 部门预算支出经济分类科目.
_LABEL_HEADER_WORDS = ("分类", "科目")
# A block of lines by economic class, dropped (its lines are no function subjects).
_ECONOMIC = "经济"
Measures = tuple[tuple[str, str], ...]


def measures_for(spec: TableSpec | None) -> Measures:
    """The header words → measure of a statement: the budget's or the final accounts'."""
    return _BUDGET_MEASURES if spec is not None and spec.document_kind == "预算" else _MEASURES


@dataclass
class SideColumns:
    label: int | None = None
    measures: dict[int, str] = field(default_factory=dict)  # grid column → measure
    # Headers of the side's other blocks, not read (economic classes).
    dropped: list[str] = field(default_factory=list)


def _side_named(part: str) -> str | None:
    return next((side for side, words in _SIDE_WORDS.items() if part in words), None)


def _filled(grid: Grid, row: int) -> list[str]:
    return [t for c in range(grid.n_cols) if (t := squash(grid.text(row, c)))]


def _is_header_row(grid: Grid, row: int) -> bool:
    filled = _filled(grid, row)
    if not filled:
        return False
    if any(t in ("项目", "栏次") or _side_named(t) for t in filled):
        return True
    # A row of measure titles alone (合计 | 基本支出 | 项目支出 under 预算数): no body row
    # prints two of them and nothing else.
    if len(filled) >= 2 and all(t in _MEASURE_TITLES for t in filled):
        return True
    return numbers_columns(filled)


def _header_start(grid: Grid) -> int:
    """The first header row: rows above it inside the frame print no amount (the table's
    title, its unit and 预算单位 lines) or nothing."""
    for row in range(min(grid.n_rows, HEADER_ROWS_MAX)):
        if _is_header_row(grid, row):
            return row
        if any(PRINTED_DECIMAL.match(t) for t in _filled(grid, row)):
            return 0
    return 0


def _header_end(grid: Grid, start: int = 0) -> int:
    """The header ends with the 栏次 row when one is printed; otherwise at the first row
    that is neither a header row nor blank."""
    for r in range(start, min(grid.n_rows, HEADER_ROWS_MAX)):
        texts = [squash(grid.text(r, c)) for c in range(grid.n_cols)]
        filled = [t for t in texts if t]
        if "栏次" in texts or numbers_columns(filled):
            return r + 1
    row = start
    while row < grid.n_rows and (
        _is_header_row(grid, row) or not any(grid.text(row, c).strip() for c in range(grid.n_cols))
    ):
        row += 1
    return row


def _header_path(grid: Grid, col: int, start: int, end: int) -> list[str]:
    """The squashed header texts over a column from the header's first row."""
    above = {squash(grid.spanning_text(row, col)) for row in range(start)}
    return [part for part in grid.header_path(col, end) if part not in above]


def _measure(path: list[str], measures: Measures = _MEASURES) -> str | None:
    text = "".join(path)
    return next((name for key, name in measures if key in text), None)


def _measure_in_span(
    grid: Grid, col: int, header_end: int, measures: Measures = _MEASURES, start: int = 0
) -> str | None:
    """The measure of a column under a header cell that names as many measures as it
    spans columns, in order: neighbouring headers printed without a gap ("一般公共预算
    财政政府性基金预算财国有资本经营预算" over three columns) read as one spanning word."""
    for row in range(start, header_end):
        region = grid.region(row, col)
        if region.col_span < 2:
            continue
        text = squash(region.text)
        found = sorted((text.find(key), name) for key, name in measures if key in text)
        named = list(dict.fromkeys(name for _, name in found))
        if len(named) == region.col_span:
            return named[col - region.col]
    return None


def _is_label_header(path: list[str]) -> bool:
    return bool(path) and (
        path[-1] == "栏次" or "项目" in path or any(w in path[-1] for w in _LABEL_HEADER_WORDS)
    )


def statement_sides(
    grid: Grid, header_end: int, measures: Measures = _MEASURES, start: int = 0
) -> dict[str, SideColumns] | None:
    paths = [_header_path(grid, c, start, header_end) for c in range(grid.n_cols)]
    # Each side's blocks in print order: a label column, then its amount columns.
    blocks: dict[str, list[SideColumns]] = {INCOME: [], EXPENSE: []}
    label_columns = [c for c, p in enumerate(paths) if _is_label_header(p)]
    current = None
    for c, path in enumerate(paths):
        named = next((side for part in path if (side := _side_named(part))), None)
        if named:
            current = named
        elif c in label_columns:  # no 收入/支出 row: the second 项目 column starts 支出
            current = INCOME if current is None else EXPENSE
        if current is None:
            continue
        if c in label_columns:
            blocks[current].append(SideColumns(label=c))
        elif any("行次" in p for p in path) or not blocks[current]:
            continue
        else:
            block = blocks[current][-1]
            measure = _measure_in_span(grid, c, header_end, measures, start) or _measure(
                path, measures
            )
            if measure and measure not in block.measures.values():
                block.measures[c] = measure
    sides: dict[str, SideColumns] = {}
    for name, side_blocks in blocks.items():
        read = [b for b in side_blocks if b.measures]
        kept = next((b for b in read if _ECONOMIC not in "".join(_label_path(paths, b))), None)
        if kept is None:
            return None
        kept.dropped = [_label_path(paths, b)[-1] for b in read if b is not kept]
        sides[name] = kept
    return sides


def _label_path(paths: list[list[str]], block: SideColumns) -> list[str]:
    return paths[block.label] if block.label is not None else []


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
    # the carry-over line a numbered part is printed under
    carries: dict[str, str | None] = {INCOME: None, EXPENSE: None}
    measures = measures_for(spec)
    for grid in grids:
        start = _header_start(grid)
        header_end = _header_end(grid, start)
        sides = statement_sides(grid, header_end, measures, start) if header_end > start else None
        if sides is not None:
            for side_name, side in sides.items():
                for header in side.dropped:
                    problem = f"{side_name}方“{header}”栏按经济分类列示，未读取"
                    if not any(p.endswith(problem) for p in problems):
                        problems.append(f"第{grid.page}页：{problem}")
        if sides is None:
            if reference is None:
                problems.append(f"第{grid.page}页：收支两侧的表头无法识别，跳过该页")
                continue
            sides = _align(grid, *reference)
        elif reference is None:
            reference = (grid, sides)
        for r in range(header_end, grid.n_rows):
            for side_name, side in sides.items():
                printed_label = squash(grid.text(r, side.label)) if side.label is not None else ""
                label = normalise_label(printed_label)
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
                numbered = _ARABIC_ORDINAL.match(printed_label) is not None
                carry = carries[side_name]
                if numbered and carry and _names_carry(label):
                    label = f"{carry}-{label}"
                elif label:
                    carries[side_name] = label if _names_carry(label) and not numbered else None
                if label in _CARRY_PARENTS:
                    parents[side_name] = label
                elif _FUND_LINE.fullmatch(label) and parents[side_name]:
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
