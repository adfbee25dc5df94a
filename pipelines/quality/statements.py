"""The structure of the two-sided statements (T01 收入支出决算总表, T04 财政拨款收入支出决算总表).

Each side is read in printed order: the lines before 本年收入合计 / 本年支出合计 are the
summands, then come the carry-over lines (使用非财政拨款结余, 年初结转和结余, 结余分配,
年末结转和结余 …, and under a carry-over line its per-fund sub-lines), then 总计. The
structure is taken from the order and the total rows, not from every label: a label the
extractor shortened ("结转和结余" for "年初结转和结余") still lands in its place.
"""

from __future__ import annotations

from dataclasses import dataclass

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
        """The column the two 总计 are compared in (T01 决算数, T04 expense 合计)."""
        for preferred in ("合计", "决算数"):
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

    def fund_line(self, fund_column: str) -> Row | None:
        """The income line of one fund: by its name, else by its place among the funds."""
        key = FUND_KEYS[fund_column]
        named = next((row for row in self.lines if key in (row.label or "")), None)
        if named is not None:
            return named
        appropriations = self.appropriation_lines() or self.lines
        index = FUND_COLUMNS.index(fund_column)
        return appropriations[index] if index < len(appropriations) else None


def _is_subtotal(row: Row, side: str) -> bool:
    label = row.label or ""
    return row.code is None and (SUBTOTALS[side] in label or label == "合计")


def _is_grand_total(row: Row) -> bool:
    return row.code is None and (row.label or "").endswith(GRAND_TOTAL)


def _is_carry(row: Row) -> bool:
    label = row.label or ""
    return "-" not in label and ("结转" in label or "结余" in label)


def statement_side(table: Table, side: str) -> StatementSide:
    rows = table.side(side)
    columns = tuple(dict.fromkeys(column for row in rows for column in row.cells))
    subtotal_index = next((i for i, row in enumerate(rows) if _is_subtotal(row, side)), None)
    grand_index = next(
        (
            i
            for i, row in enumerate(rows)
            if _is_grand_total(row) and (subtotal_index is None or i > subtotal_index)
        ),
        None,
    )
    lines = rows[:subtotal_index] if subtotal_index is not None else ()
    between_start = subtotal_index + 1 if subtotal_index is not None else len(rows)
    between = rows[between_start:grand_index] if grand_index is not None else rows[between_start:]
    carries: list[Row] = []
    subs: dict[int, list[Row]] = {}
    for row in between:
        if carries and not _is_carry(row):
            # "<parent>-<fund>", or a fund line printed under its carry-over line
            subs.setdefault(carries[-1].row_number, []).append(row)
        else:
            carries.append(row)
    return StatementSide(
        side=side,
        columns=columns,
        lines=tuple(lines),
        subtotal=rows[subtotal_index] if subtotal_index is not None else None,
        carries=tuple(carries),
        subs={number: tuple(rows) for number, rows in subs.items()},
        grand=rows[grand_index] if grand_index is not None else None,
    )
