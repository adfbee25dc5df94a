"""T07 "三公"经费 table: one data row under a two-level header (item × 预算数/决算数).

Column order differs between provinces (all 预算数 then all 决算数, or a 预算数/决算数
pair per item): every column is named from its whole header path, never by position.
"""

from __future__ import annotations

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


def _item(segment: str) -> str | None:
    """The item one header segment names, or None (a measure, a group title, a number)."""
    if "出国" in segment:
        return ITEMS[1]
    if "接待" in segment:
        return ITEMS[5]
    # Unruled headers may run the group title (购置及运行维护费) into its sub-column's
    # title: the sub-column (购置费 / a second 运行) is the more specific.
    if "购置费" in segment:
        return ITEMS[3]
    if segment.count("运行") >= 2 or ("运行" in segment and "购置及" not in segment):
        return ITEMS[4]
    if "小计" in segment or "购置及运行" in segment:
        return ITEMS[2]
    if segment == "合计":
        return ITEMS[0]
    return None


def column_keys(grid: Grid, header_end: int) -> dict[int, tuple[str, str]]:
    """Grid column → (item, measure); the lowest header segment naming an item wins."""
    items: dict[int, str] = {}
    measures: dict[int, str] = {}
    for c in range(grid.n_cols):
        path = [fold_quotes_squash(p) for p in grid.header_path(c, header_end)]
        measure = next((m for m in MEASURES for p in path if m[:2] in p), None)
        named = [i for i in (_item(p) for p in path) if i]
        if named:
            items[c] = named[-1]
        if measure:
            measures[c] = measure
    # Unruled, a 预算数/决算数 title centred over its six columns reaches only the middle
    # ones. Columns fall into groups (a group never names an item twice); a column
    # without a measure takes its group's.
    groups: list[list[int]] = []
    for c in sorted(items):
        if not groups or any(items[k] == items[c] for k in groups[-1]):
            groups.append([])
        groups[-1].append(c)
    for group in groups:
        group_measures = {measures[c] for c in group if c in measures}
        if len(group_measures) == 1:
            for c in group:
                measures.setdefault(c, next(iter(group_measures)))
    return {c: (items[c], measures[c]) for c in items if c in measures}


def parse_three_public(
    spec: TableSpec, grids: list[Grid], money_unit: str, problems: list[str]
) -> list[ExtractedRow]:
    values: dict[str, dict[str, ExtractedCell]] = {}
    page = grids[0].page if grids else 0
    for grid in grids:
        data_rows = [
            r
            for r in range(grid.n_rows)
            if any(
                PRINTED_DECIMAL.match(grid.text(r, c).replace("\n", "").strip())
                for c in range(grid.n_cols)
            )
        ]
        if not data_rows:
            continue
        keys = column_keys(grid, data_rows[0])
        if len(keys) < len(ITEMS):
            problems.append(f"第{grid.page}页：“三公”经费表只识别出 {len(keys)} 列")
        for c, (item, measure) in keys.items():
            printed = grid.text(data_rows[0], c).replace("\n", "").strip()
            try:
                amount = to_wan(parse_amount(printed), money_unit)
            except AmountError as exc:
                problems.append(f"第{grid.page}页 {item}{measure}：{exc}")
                amount = None
            values.setdefault(item, {})[measure] = ExtractedCell(measure, printed, amount)
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
