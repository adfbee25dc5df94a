"""The structure of the two-sided statements (T01 收入支出决算总表, T04 财政拨款收入支出决算总表).

Each side is read in printed order: the lines before 本年收入合计 / 本年支出合计 are the
summands, then come the carry-over lines (使用非财政拨款结余, 年初结转和结余, 结余分配,
年末结转和结余 …, and under a carry-over line its per-fund sub-lines), then 总计. The
structure is taken from the order and the total rows, not from every label: a label the
extractor shortened ("结转和结余" for "年初结转和结余") still lands in its place.

Budgets (B01 收支总表, B04 财政拨款收支总表) print the same two sides in more shapes: the
合计 above its lines (重庆), no 本年收入合计 at all (上海: the lines, then 收入总计), a
parent line over its parts (财政拨款收入 over the three funds, 单位资金 over 事业收入 …,
a 功能分类 class over its 款 and 项). A side's `summands` are its top lines only: what
its 合计 (or, without one, its 总计 less the carry-overs) adds up.
"""

from __future__ import annotations

from dataclasses import dataclass

from pipelines.domain.subjects import FUNCTION_CLASSES
from pipelines.domain.text import squash
from pipelines.quality.document import Row, Table

INCOME, EXPENSE = "收入", "支出"
SUBTOTALS = {INCOME: "本年收入合计", EXPENSE: "本年支出合计"}
GRAND_TOTAL = "总计"
FUND_COLUMNS = ("一般公共预算", "政府性基金预算", "国有资本经营预算")
# Fragments naming each fund in an income line label, in the order T04 prints them.
FUND_KEYS = {
    "一般公共预算": "一般公共预算",
    "政府性基金预算": "政府性基金",
    "国有资本经营预算": "国有资本",
}


@dataclass(frozen=True)
class StatementSide:
    side: str
    columns: tuple[str, ...]
    lines: tuple[Row, ...]
    subtotal: Row | None
    carries: tuple[Row, ...]
    subs: dict[int, tuple[Row, ...]]  # carry row_number → its per-fund sub-lines
    grand: Row | None

    @property
    def first_column(self) -> str | None:
        """The column the two 总计 are compared in (T01 决算数, T04 expense 合计, a budget's
        预算数 — never a part printed beside it, such as Shanghai's 人员经费 | 公用经费 |
        项目支出 under 预算数, whichever order the columns are stored in)."""
        for preferred in ("合计", "决算数", "预算数"):
            if preferred in self.columns:
                return preferred
        return self.columns[0] if self.columns else None

    def location(self, row: Row) -> str:
        if row is self.subtotal:
            return SUBTOTALS[self.side]
        if row is self.grand:
            return GRAND_TOTAL
        return row.label or f"第{row.row_number}行"

    def appropriation_lines(self) -> tuple[Row, ...]:
        """Income lines of appropriations (一般公共预算/政府性基金/国有资本经营 财政拨款)."""
        return tuple(row for row in self.lines if "财政拨款" in (row.label or ""))

    def line_with(self, fragment: str) -> Row | None:
        return next((row for row in self.lines if fragment in (row.label or "")), None)

    def class_lines(self) -> tuple[Row, ...]:
        return tuple(row for row in self.lines if row.code is not None)

    @property
    def summands(self) -> tuple[Row, ...]:
        """The lines a total adds: each line but those printed under a parent line."""
        return tuple(row for row in self.lines if row.row_number not in self._nested())

    def _nested(self) -> set[int]:
        """Row numbers of the lines printed under another line of the side: a coded line
        under its printed ancestor code (or repeating it), an uncoded line under a coded
        class (a 款 or 项 whose code is not printed), a fund line under 财政拨款, the lines
        under 单位资金, and a 其中 line under the line before it."""
        nested: set[int] = set()
        codes = {row.code for row in self.lines if row.code is not None}
        seen: set[str] = set()
        parent: str | None = None  # the kind of parent line the current run is under
        for row in self.lines:
            label = row.label or ""
            code = row.code
            if not _prints_amount(row):
                # a blank line adds nothing; a blank parent is a heading (西安's "1、财政拨款"
                # over its funds, which carry the amounts): its lines are the summands
                if (
                    code is not None
                    or _is_appropriation_parent(label)
                    or label.startswith(UNIT_FUNDS)
                ):
                    parent = None
                continue
            if code is not None:
                parent = "class"
                # under its printed ancestor, or a 款/项 named like its class (其他支出 229
                # over 22999 其他支出 over 2299999 其他支出, each read as the class)
                if code in seen or any(
                    code[:length] in codes for length in (3, 5) if len(code) > length
                ):
                    nested.add(row.row_number)
                seen.add(code)
            elif label.startswith("其中"):
                nested.add(row.row_number)
            elif _is_appropriation_parent(label):
                parent = "appropriation"
            elif label.startswith(UNIT_FUNDS):
                parent = "unit funds"
            elif _under(parent, label):
                nested.add(row.row_number)
            else:
                parent = None
        return nested

    def sources_below_total(self, columns: tuple[str, ...]) -> tuple[Row, ...]:
        """The lines printed below 本年收入合计 / 本年支出合计 that another table prints as
        `columns` its 合计 adds (烟台's B01: 上级补助收入 under 本年收入合计, a part column
        of B02)."""
        names = {_bare(column) for column in columns}
        return tuple(row for row in self.carries if _bare(row.label or "") in names)

    def fund_line(self, fund_column: str) -> Row | None:
        """The income line of one fund: by its name, else by its place among the funds."""
        key = FUND_KEYS[fund_column]
        named = next((row for row in self.lines if key in (row.label or "")), None)
        if named is not None:
            return named
        appropriations = self.appropriation_lines() or self.lines
        index = FUND_COLUMNS.index(fund_column)
        return appropriations[index] if index < len(appropriations) else None


# An income line over the non-appropriation sources (事业收入, 上级补助收入 …) some budgets print.
UNIT_FUNDS = "单位资金"


_CLASS_NAMES = frozenset(squash(name) for name in FUNCTION_CLASSES.values())


def _is_class_name(label: str) -> bool:
    """A national 功能分类 class's name (a class line whose code was not read)."""
    return squash(label) in _CLASS_NAMES


def _under(parent: str | None, label: str) -> bool:
    """Whether an uncoded line continues the parent line's run: a fund under 财政拨款, any
    line under 单位资金, a line that is no class under a class (its 款 or 项)."""
    if parent == "appropriation":
        return _names_fund(label)
    if parent == "class":
        return not _is_class_name(label)
    return parent == "unit funds"


def _names_fund(label: str) -> bool:
    return any(key in label for key in FUND_KEYS.values())


def _is_appropriation_parent(label: str) -> bool:
    """财政拨款收入 (财政拨款, 财政拨款资金) over its funds; 一般公共预算财政拨款 is a fund."""
    return "财政拨款" in label and not _names_fund(label) and "结" not in label


def _bare(label: str) -> str:
    """A label compared with a column name: "对附属单位的补助支出" = "对附属单位补助支出"."""
    return squash(label).replace("的", "")


def _prints_amount(row: Row) -> bool:
    """Whether the line prints a figure in any column (a heading line prints none)."""
    return any(cell.amount is not None for cell in row.cells.values())


def _is_sub_line(row: Row) -> bool:
    """A carry-over line's per-fund sub-line: "<parent>-<fund>", a fund's appropriation
    printed under it (its label cut short: "公共预算财政拨款"), or a 其中 line (西安's
    "其中：财政拨款资金结转" under 上年结转). Another line printed there (用事业基金弥补收支
    差额) is a carry-over of its own."""
    label = row.label or ""
    return label.startswith("其中") or "-" in label or "财政拨款" in label or _names_fund(label)


def _is_subtotal(row: Row, side: str) -> bool:
    label = row.label or ""
    return row.code is None and (SUBTOTALS[side] in label or label == "合计")


# A side's total printed first, heading its lines: "本年收入" (苏州 B04), "部门预算" (西安 B01)
HEADING_TOTALS = ("部门预算", "单位预算")


def _is_heading_total(row: Row, side: str) -> bool:
    """The side's total printed first, heading its lines (no 合计 below them)."""
    label = row.label or ""
    heading = label == SUBTOTALS[side].removesuffix("合计") or label in HEADING_TOTALS
    # 西安 B04 heads its expense classes with "一、财政拨款" (the money spent, not a spending)
    source_heading = side == EXPENSE and _is_appropriation_parent(label)
    return row.code is None and (heading or source_heading)


def _is_grand_total(row: Row) -> bool:
    return row.code is None and (row.label or "").endswith(GRAND_TOTAL)


def _is_carry(row: Row) -> bool:
    label = row.label or ""
    return "-" not in label and ("结转" in label or "结余" in label)


def statement_side(table: Table, side: str) -> StatementSide:
    rows = table.side(side)
    columns = tuple(dict.fromkeys(column for row in rows for column in row.cells))
    subtotal_index = next((i for i, row in enumerate(rows) if _is_subtotal(row, side)), None)
    # 本年收入 / 部门预算 heading the lines (a budget's): the total, or (西安, with 本年收入合计
    # below) a repetition of it, never a line
    heading = bool(rows) and _is_heading_total(rows[0], side)
    if subtotal_index is None and heading:
        subtotal_index = 0
    grand_index = next(
        (
            i
            for i, row in enumerate(rows)
            if _is_grand_total(row) and (subtotal_index is None or i > subtotal_index)
        ),
        None,
    )
    end = grand_index if grand_index is not None else len(rows)
    if subtotal_index is not None and subtotal_index > 0:
        first = 1 if heading else 0
        lines = tuple(rows[first:subtotal_index])
        between = tuple(rows[subtotal_index + 1 : end])
    else:
        # the total above its lines (or none): the lines run up to the first carry-over
        start = 0 if subtotal_index is None else 1
        first_carry = next((i for i in range(start, end) if _is_carry(rows[i])), end)
        lines, between = tuple(rows[start:first_carry]), tuple(rows[first_carry:end])
    carries: list[Row] = []
    subs: dict[int, list[Row]] = {}
    for row in between:
        part_of_carry = (row.label or "").startswith("其中") or not _is_carry(row)
        if carries and _is_sub_line(row) and part_of_carry:
            # "<parent>-<fund>", a fund line or a 其中 line printed under its carry-over line
            subs.setdefault(carries[-1].row_number, []).append(row)
        else:
            carries.append(row)
    return StatementSide(
        side=side,
        columns=columns,
        lines=lines,
        subtotal=rows[subtotal_index] if subtotal_index is not None else None,
        carries=tuple(carries),
        subs={number: tuple(rows) for number, rows in subs.items()},
        grand=rows[grand_index] if grand_index is not None else None,
    )
