"""T07 "三公"经费 table: six items, each with a budget (预算数) and a final (决算数) amount.

Three shapes are printed (../shared/domain.md): one row of twelve columns, all 预算数 then
all 决算数; the same with a 预算数/决算数 pair per item; and transposed, with rows 预算数 /
决算数 under item columns, beside 会议费 / 培训费 columns that are not 三公. Each amount is
therefore named by item and measure from its column's whole header path and its row's
label, whichever names them, never by position.

A budget's 三公 table (B07) prints the year's 预算数 alone, so its amounts are 预算数 unless
a header or row names an earlier year (2025年预算数 beside 2026年's, 上年预算数); it may
also print 机关运行经费, 会议费 and 培训费, read as items of their own. Columns of other
funds (政府性基金, 国有资本经营), of the carry-over (上年结转结余) and of comparisons
(增减变化) hold no amount of the year's 一般公共预算 三公 and are left out (`Terms`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipelines.domain.amounts import PRINTED_DECIMAL, AmountError, parse_amount, to_wan
from pipelines.domain.tables import (
    BUDGET_AMOUNT,
    PREVIOUS_BUDGET_AMOUNT,
    TableSpec,
    column_header_parts,
)
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
# Costs a budget prints beside its 三公 items, each read as an item of its own.
RUNNING_COSTS, MEETINGS, TRAINING = "机关运行经费", "会议费", "培训费"
BUDGET_ITEMS = (*ITEMS, RUNNING_COSTS, MEETINGS, TRAINING)
_YEAR = re.compile(r"(20\d\d)年")
# A budget's 三公 amounts in 万元 may print one decimal ("20.8"); 元 with separators.
_BUDGET_PRINTED_AMOUNT = re.compile(r"^[-−(]?[\d,]*\d\.\d+\)?$|^\d{1,3}(?:,\d{3})+$")


@dataclass(frozen=True)
class Terms:
    """What a 三公 table's amounts are called: its items, its measures, the words of the
    columns that hold none of them, and the measure of an amount nothing names."""

    items: tuple[str, ...]
    measures: tuple[str, ...]
    excluded: tuple[str, ...]
    default_measure: str | None = None

    @property
    def budget(self) -> bool:
        return self.default_measure is not None


FINAL_TERMS = Terms(ITEMS, MEASURES, (*_NOT_THREE_PUBLIC, *_COMPARISON))
BUDGET_TERMS = Terms(
    BUDGET_ITEMS,
    (BUDGET_AMOUNT, PREVIOUS_BUDGET_AMOUNT),
    (*_COMPARISON, "变化", "政府性基金", "国有资本", "上年结转", "结转结余"),
    BUDGET_AMOUNT,
)
# Headers over the year's columns of a budget (当年预算 | 上年结转结余): no item.
_YEAR_GROUPS = ("当年预算", "本年预算")
_TOTAL_WORDS = ("小计", "合计", "总计", "总额")
_NAMES_AN_ITEM = re.compile(r"出国|接待|公务用车|购置|运行|会议|培训")
_FUND_NAMES = ("一般公共预算", "政府性基金预算", "国有资本经营预算")


def terms_for(spec: TableSpec | None) -> Terms:
    return BUDGET_TERMS if spec is not None and spec.document_kind == "预算" else FINAL_TERMS


def item_named(text: str, terms: Terms = FINAL_TERMS) -> str | None:
    """The 三公 item a squashed header path or row label names, or None.

    Words wrapped over header lines are joined first ("公务用车购" + "置费"), so the
    text may hold the vehicle group's title above a sub-column's: the sub-column
    (小计, 购置费, 运行维护费) is the more specific and wins.
    """
    if terms.budget:
        if "会议" in text:
            return MEETINGS
        if "培训" in text:
            return TRAINING
        if "机关运行" in text:
            return RUNNING_COSTS
        for group in _YEAR_GROUPS:  # 当年预算 | 小计 is the year's 合计, not a vehicle's
            text = text.replace(group, "")
        # "小计", "总计…" (over fund columns), "“三公”经费财政拨款预算总额", "…安排的
        # “三公”经费预算 | 小计", a row "“三公”经费": the 三公 total
        if text in _TOTAL_WORDS or text.startswith("总计"):
            return TOTAL
        below_vehicles = _VEHICLE_GROUP.sub("", text)
        if "购置" in below_vehicles and "运行" not in below_vehicles:
            return PURCHASE  # 其中：公务用车购置, 公务用车购置经费
        if "三公" in text and not _NAMES_AN_ITEM.search(text):
            return TOTAL
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


def measure_named(
    text: str, terms: Terms = FINAL_TERMS, budget_year: int | None = None
) -> str | None:
    """预算数 or 决算数 when the text names exactly one of them and compares nothing; in a
    budget, 上年预算数 when the text names the previous year (上年, or a year before the
    budget's), else nothing (the default 预算数 applies)."""
    if terms.budget:
        for fund in _FUND_NAMES:  # 一般公共预算 names a fund, not the measure
            text = text.replace(fund, "")
        years = [int(y) for y in _YEAR.findall(text)]
        if text.startswith("上年") or (years and budget_year and max(years) < budget_year):
            return PREVIOUS_BUDGET_AMOUNT
        return BUDGET_AMOUNT if years or "预算" in text or text.startswith("当年") else None
    if any(word in text for word in _COMPARISON) or _names_both_measures(text):
        return None
    return next((m for m in MEASURES if m[:2] in text), None)


def _budget_year(grid: Grid) -> int | None:
    """The latest year a budget's 三公 table names in its header or row labels."""
    texts = [grid.text(r, c) for r in range(grid.n_rows) for c in range(grid.n_cols)]
    years = [int(y) for text in texts for y in _YEAR.findall(fold_quotes_squash(text))]
    return max(years) if years else None


def _column_names(
    grid: Grid, header_end: int, terms: Terms = FINAL_TERMS, budget_year: int | None = None
) -> tuple[dict[int, str], dict[int, str], set[int]]:
    """Item and measure of each column its header names, and the columns that hold no
    三公 amount whatever the rows say (会议费, 培训费, comparisons)."""
    items: dict[int, str] = {}
    measures: dict[int, str] = {}
    excluded: set[int] = set()
    for c in range(grid.n_cols):
        path = [fold_quotes_squash(p) for p in grid.header_path(c, header_end)]
        path = [p for p in column_header_parts(path) if p]
        joined = "".join(path)
        if any(word in joined for word in terms.excluded) or (
            not terms.budget and any(map(_names_both_measures, path))
        ):
            excluded.add(c)
            continue
        item = item_named(joined, terms)
        if item:
            items[c] = item
        # The lowest segment naming a measure: a title row above may say 决算 for all.
        named = [measure_named(part, terms, budget_year) for part in reversed(path)]
        if PREVIOUS_BUDGET_AMOUNT in named:  # a group 2021年 over "…经费预算 | 小计"
            named = [PREVIOUS_BUDGET_AMOUNT]
        measure = next((m for m in named if m), None)
        if measure:
            measures[c] = measure
    if not terms.budget:
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


def _preferred(grid: Grid, header_end: int, item: str, cols: list[int]) -> int | None:
    """Of a budget's columns claiming one item, the item's own total: the one headed
    "三公" for the 合计, else the one whose lowest header is 小计/合计 (因公出国 | 小计
    over 因公出国 and 科研因公出国). None when that does not decide."""

    def score(c: int) -> tuple[bool, bool]:
        path = [fold_quotes_squash(p) for p in grid.header_path(c, header_end)]
        return (
            item == TOTAL and "三公" in "".join(path),
            bool(path) and path[-1] in ("小计", "合计"),
        )

    best = max(score(c) for c in cols)
    chosen = [c for c in cols if score(c) == best]
    return chosen[0] if len(chosen) == 1 else None


def cell_keys(
    grid: Grid,
    header_end: int,
    data_rows: list[int],
    problems: list[str],
    terms: Terms = FINAL_TERMS,
) -> dict[tuple[str, str], tuple[int, int]]:
    """(item, measure) → the (row, column) printing it.

    A cell's item and measure come from its column's header or its row's label (the
    words of the row that are no amount): one column of twelve under a two-level header,
    or an item column on a 预算数 / 决算数 row when transposed. Where header and label
    name different ones the cell is left unread, and so are two cells of one row
    claiming the same place; a later row never replaces an earlier one's reading.
    """
    budget_year = _budget_year(grid) if terms.budget else None
    items, measures, excluded = _column_names(grid, header_end, terms, budget_year)
    keys: dict[tuple[str, str], tuple[int, int]] = {}
    items_are_columns = len(set(items.values())) > 1
    for r in data_rows:
        label = "".join(
            fold_quotes_squash(text)
            for c in range(grid.n_cols)
            if not _is_amount_or_blank(text := _printed(grid, r, c))
        )
        if any(word in label for word in terms.excluded) and terms.budget:
            continue  # a row of changes (增减变化金额)
        row_item = item_named(label, terms)
        if terms.budget and items_are_columns:
            # Items are columns: rows are units (合计 first) or years, never items.
            row_item = None
        elif terms.budget and row_item is None:
            continue  # items are rows: another cost (行政经费)
        row_measure = measure_named(label, terms, budget_year)
        in_row: dict[tuple[str, str], list[int]] = {}
        for c in range(grid.n_cols):
            if c in excluded:
                continue
            if terms.budget and not _is_amount_or_blank(_printed(grid, r, c)):
                continue  # the row's label
            if terms.budget and row_item and items.get(c) == TOTAL and c not in measures:
                continue  # items are rows: a 合计 column sums the funds, the row is one
            item = items.get(c, row_item)
            measure = measures.get(c, row_measure) or terms.default_measure
            if (row_item and item != row_item) or (row_measure and measure != row_measure):
                problems.append(
                    f"第{grid.page}页：“三公”经费表第{c + 1}列的表头与行名“{label}”不一致，未读取"
                )
                continue
            if item and measure:
                in_row.setdefault((item, measure), []).append(c)
        for key, cols in in_row.items():
            if len(cols) > 1 and terms.budget:
                chosen = _preferred(grid, header_end, key[0], cols)
                cols = [chosen] if chosen is not None else cols
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
    terms = terms_for(spec)
    printed_amount = _BUDGET_PRINTED_AMOUNT if terms.budget else PRINTED_DECIMAL
    for grid in grids:
        data_rows = [
            r
            for r in range(grid.n_rows)
            if any(printed_amount.match(_printed(grid, r, c)) for c in range(grid.n_cols))
        ]
        if not data_rows:
            continue
        keys = cell_keys(grid, data_rows[0], data_rows, problems, terms)
        if terms.budget:
            if not any(item == TOTAL for item, _ in keys):
                problems.append(f"第{grid.page}页：“三公”经费表未识别出合计")
        elif len(keys) < len(ITEMS) * len(MEASURES):
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
            cells=[values[item][m] for m in terms.measures if m in values[item]],
        )
        for n, item in enumerate((i for i in terms.items if i in values), start=1)
    ]
