"""T07 "三公"经费 table: six items, each with a budget (预算数) and a final (决算数) amount.

Three shapes are printed (../shared/domain.md): one row of twelve columns, all 预算数 then
all 决算数; the same with a 预算数/决算数 pair per item; and transposed, with rows 预算数 /
决算数 under item columns, beside 会议费 / 培训费 columns that are not 三公. Each amount is
therefore named by item and measure from its column's whole header path and its row's
label, whichever names them, never by position.
"""

from __future__ import annotations

import re

from pipelines.domain.amounts import PRINTED_DECIMAL, AmountError, parse_amount, to_wan
from pipelines.domain.tables import TableSpec
from pipelines.domain.text import fold_quotes_squash
from pipelines.extract.grid import Grid
from pipelines.extract.records import ExtractedCell, ExtractedRow

ITEMS = (
    "合计",
    "因公出国（境）费",
    "公务用车购置及运行维护费",
    "公务用车购置费",
    "公务用车运行维护费",
    "公务接待费",
)
MEASURES = ("预算数", "决算数")
TOTAL, ABROAD, VEHICLES, PURCHASE, RUNNING, RECEPTION = ITEMS
# Costs some templates print beside the 三公 items (会议费, 培训费): never part of 三公.
_NOT_THREE_PUBLIC = ("会议", "培训")
# Words of a column comparing the two measures (决算数比预算数增减, 执行率 %): neither.
_COMPARISON = ("增减", "率", "%", "％")
# The vehicle group's own title, whole or the part a wrap leaves together
# ("公务用车购置及运行维护费", real files also "…购置及运行费"; "及运行维护费").
_VEHICLE_GROUP = re.compile(r"(?:公务用车)?(?:购置)?及运行(?:维护)?费?")


def item_named(text: str) -> str | None:
    """The 三公 item a squashed header path or row label names, or None.

    Words wrapped over header lines are joined first ("公务用车购" + "置费"), so the
    text may hold the vehicle group's title above a sub-column's: the sub-column
    (小计, 购置费, 运行维护费) is the more specific and wins.
    """
    if any(word in text for word in _NOT_THREE_PUBLIC):
        return None
    if "出国" in text:
        return ABROAD
    if "接待" in text:
        return RECEPTION
    if "小计" in text:
        return VEHICLES
    below_group = _VEHICLE_GROUP.sub("", text)
    if "购置费" in below_group:
        return PURCHASE
    if "运行" in below_group:
        return RUNNING
    if below_group != text:  # the group's title over a column of its own
        return VEHICLES
    if "合计" in text:
        return TOTAL
    return None


def _names_both_measures(text: str) -> bool:
    return "预决" in text or all(m[:2] in text for m in MEASURES)  # 预决算, 决算数比预算数


def measure_named(text: str) -> str | None:
    """预算数 or 决算数 when the text names exactly one of them and compares nothing."""
    if any(word in text for word in _COMPARISON) or _names_both_measures(text):
        return None
    return next((m for m in MEASURES if m[:2] in text), None)


def _column_names(grid: Grid, header_end: int) -> tuple[dict[int, str], dict[int, str], set[int]]:
    """Item and measure of each column its header names, and the columns that hold no
    三公 amount whatever the rows say (会议费, 培训费, comparisons)."""
    items: dict[int, str] = {}
    measures: dict[int, str] = {}
    excluded: set[int] = set()
    for c in range(grid.n_cols):
        path = [fold_quotes_squash(p) for p in grid.header_path(c, header_end)]
        joined = "".join(path)
        if any(word in joined for word in (*_NOT_THREE_PUBLIC, *_COMPARISON)) or any(
            map(_names_both_measures, path)
        ):
            excluded.add(c)
            continue
        item = item_named(joined)
        if item:
            items[c] = item
        # The lowest segment naming a measure: a title row above may say 决算 for all.
        measure = next((m for m in map(measure_named, reversed(path)) if m), None)
        if measure:
            measures[c] = measure
    _fill_group_measures(grid, header_end, items, measures)
    return items, measures, excluded


def _fill_group_measures(
    grid: Grid, header_end: int, items: dict[int, str], measures: dict[int, str]
) -> None:
    """Unruled, a 预算数/决算数 title centred over its six columns reaches only the middle
    ones, letter-spaced ("预 算 数") even split between two. Columns fall into groups (a
    group never names an item twice); a column without a measure takes the one its
    group's header lines name, read across the group's columns."""
    groups: list[list[int]] = []
    for c in sorted(items):
        if not groups or any(items[k] == items[c] for k in groups[-1]):
            groups.append([])
        groups[-1].append(c)
    for group in groups:
        named = {measures[c] for c in group if c in measures}
        for r in range(header_end):
            across = "".join(fold_quotes_squash(grid.text(r, c)) for c in group)
            measure = measure_named(across)
            if measure:
                named.add(measure)
        if len(named) == 1:
            for c in group:
                measures.setdefault(c, next(iter(named)))


def column_keys(grid: Grid, header_end: int) -> dict[int, tuple[str, str]]:
    """Grid column → (item, measure), for the columns whose header names both."""
    items, measures, _ = _column_names(grid, header_end)
    return {c: (items[c], measures[c]) for c in items if c in measures}


def _printed(grid: Grid, row: int, col: int) -> str:
    return grid.text(row, col).replace("\n", "").strip()


def _is_amount_or_blank(text: str) -> bool:
    try:
        parse_amount(text)
    except AmountError:
        return False
    return True


def cell_keys(
    grid: Grid, header_end: int, data_rows: list[int], problems: list[str]
) -> dict[tuple[str, str], tuple[int, int]]:
    """(item, measure) → the (row, column) printing it.

    A cell's item and measure come from its column's header or its row's label (the
    words of the row that are no amount): one column of twelve under a two-level header,
    or an item column on a 预算数 / 决算数 row when transposed. Where header and label
    name different ones the cell is left unread, and so are two cells of one row
    claiming the same place; a later row never replaces an earlier one's reading.
    """
    items, measures, excluded = _column_names(grid, header_end)
    keys: dict[tuple[str, str], tuple[int, int]] = {}
    for r in data_rows:
        label = "".join(
            fold_quotes_squash(text)
            for c in range(grid.n_cols)
            if not _is_amount_or_blank(text := _printed(grid, r, c))
        )
        row_item, row_measure = item_named(label), measure_named(label)
        in_row: dict[tuple[str, str], list[int]] = {}
        for c in range(grid.n_cols):
            if c in excluded:
                continue
            item, measure = items.get(c, row_item), measures.get(c, row_measure)
            if (row_item and item != row_item) or (row_measure and measure != row_measure):
                problems.append(
                    f"第{grid.page}页：“三公”经费表第{c + 1}列的表头与行名“{label}”不一致，未读取"
                )
                continue
            if item and measure:
                in_row.setdefault((item, measure), []).append(c)
        for key, cols in in_row.items():
            if len(cols) > 1:
                problems.append(
                    f"第{grid.page}页：“三公”经费表有 {len(cols)} 列都是{key[0]}{key[1]}，未读取"
                )
            elif key not in keys:
                keys[key] = (r, cols[0])
    return keys


def parse_three_public(
    spec: TableSpec, grids: list[Grid], money_unit: str, problems: list[str]
) -> list[ExtractedRow]:
    values: dict[str, dict[str, ExtractedCell]] = {}
    page = grids[0].page if grids else 0
    for grid in grids:
        data_rows = [
            r
            for r in range(grid.n_rows)
            if any(PRINTED_DECIMAL.match(_printed(grid, r, c)) for c in range(grid.n_cols))
        ]
        if not data_rows:
            continue
        keys = cell_keys(grid, data_rows[0], data_rows, problems)
        if len(keys) < len(ITEMS) * len(MEASURES):
            problems.append(
                f"第{grid.page}页：“三公”经费表只识别出 {len(keys)} 个金额位置"
                f"（应有 {len(ITEMS) * len(MEASURES)} 个）"
            )
        for (item, measure), (r, c) in keys.items():
            printed = _printed(grid, r, c)
            try:
                amount = to_wan(parse_amount(printed), money_unit)
            except AmountError as exc:
                problems.append(f"第{grid.page}页 {item}{measure}：{exc}")
                amount = None
            values.setdefault(item, {})[measure] = ExtractedCell(
                measure, printed, amount, grid.doubt(r, c), grid.box(r, c)
            )
        page = grid.page
        break
    return [
        ExtractedRow(
            row_number=n,
            page=page,
            subject_code=None,
            line_label=item,
            cells=[values[item][m] for m in MEASURES if m in values[item]],
        )
        for n, item in enumerate((i for i in ITEMS if i in values), start=1)
    ]
