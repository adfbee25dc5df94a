"""The nine standard tables as printable specifications: headers, cell texts, truth links.

A TableSpec says what each cell prints and what each printed cell means (which truth
row, which canonical column); layout decides where it goes. The ground truth is read
back from these printed texts, so it always describes exactly what is printed.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from juesuan_samples.formatting import chinese_number, format_amount, spaced
from juesuan_samples.model import (
    T02_COLUMNS,
    T03_COLUMNS,
    T05_COLUMNS,
    T06_COLUMNS,
    T07_COLUMNS,
    T08_COLUMNS,
    T09_STYLE_EXPENDITURE,
    THREE_PUBLIC_ITEMS,
    Amount,
    Disclosure,
    Statement,
    StatementLine,
    SubjectTable,
    ThreePublic,
)
from juesuan_samples.variants import Variants
from pipelines.domain.tables import BUDGET_TABLES, TABLES

CANONICAL_TITLES = {spec.table_id: spec.canonical_title for spec in TABLES}
TABLE_IDS = tuple(CANONICAL_TITLES)
# The budget's B01–B11 (juesuan_samples.budget_tables) besides the final's T01–T09.
BUDGET_CANONICAL_TITLES = {spec.table_id: spec.canonical_title for spec in BUDGET_TABLES}

CODE = "code"
CODE_PART = "code_part"
NAME = "name"
AMOUNT = "amount"
LINE_NO = "line_no"


@dataclass(frozen=True)
class Column:
    kind: str  # code, code_part, name, amount, line_no
    wraps: bool = False  # names may wrap onto several lines


@dataclass(frozen=True)
class HeaderCell:
    row: int
    col: int
    text: str
    rowspan: int = 1
    colspan: int = 1


@dataclass(frozen=True)
class Cell:
    text: str
    align: str = "left"  # left, right, center
    truth_row: int | None = None  # index into TableSpec.truth_rows
    column: str | None = None  # canonical column of an amount; None for a label cell


@dataclass(frozen=True)
class TruthRow:
    """A row of the ground truth, before pages and values are known."""

    fields: dict[str, object]  # side / code / label / line_no / cost_category / parent
    columns: tuple[str, ...]  # canonical columns its values are keyed by


@dataclass(frozen=True)
class TableSpec:
    table_id: str
    printed_title: str
    label: str | None
    money_unit: str  # unit printed above this table: 万元 or 元
    money_label: str  # e.g. 金额单位：万元
    unit_line: str  # e.g. 单位：枣庄市教育局
    columns: tuple[Column, ...]
    header: tuple[HeaderCell, ...]
    header_rows: int
    body: tuple[tuple[Cell, ...], ...]
    truth_rows: tuple[TruthRow, ...]
    truth_columns: tuple[str, ...]
    notes: tuple[str, ...]
    empty: bool
    empty_note: str | None = None

    @property
    def canonical_title(self) -> str:
        return (CANONICAL_TITLES | BUDGET_CANONICAL_TITLES)[self.table_id]


@dataclass(frozen=True)
class DocumentStyle:
    """Per-document printing choices that are not variants: drawn once per document."""

    titles: dict[str, str]
    money_label_prefix: str  # 金额单位： or 单位：
    unit_label_prefix: str  # 单位： or 编制单位：
    money_units: dict[str, str]  # table id -> 万元 / 元
    header_unit_name: str
    level_word: str  # 单位 or 部门
    note_prefix_empty: str  # "" or "说明："
    footer: str  # page-number format with {n}
    cover_style: str
    rule_width: float
    t01_extra_note: bool


def draw_document_style(d: Disclosure, variants: Variants, rng: random.Random) -> DocumentStyle:
    titles = dict(CANONICAL_TITLES)
    titles["T07"] = "一般公共预算财政拨款“三公”经费支出决算表"
    if not d.is_seed_case:
        if rng.random() < 0.3:
            titles["T04"] = "财政拨款收支决算总表"
        if rng.random() < 0.3:
            titles["T05"] = "一般公共预算财政拨款支出决算明细表"
        titles["T07"] = rng.choice(
            (
                "一般公共预算财政拨款“三公”经费支出决算表",
                "财政拨款“三公”经费支出决算表",
                "“三公”经费支出决算表",
            )
        )
    if d.t09_style != T09_STYLE_EXPENDITURE:
        titles["T09"] = "国有资本经营预算财政拨款收入支出决算表"
    money_units = dict.fromkeys(CANONICAL_TITLES, "元" if variants.money_unit == "元" else "万元")
    if variants.money_unit == "mixed":
        for table_id in rng.sample(("T02", "T03", "T05", "T06", "T07"), rng.choice((1, 2))):
            money_units[table_id] = "元"
    if d.is_seed_case:
        money_prefix, unit_prefix, footer, cover = "金额单位：", "单位：", "- {n} -", "year_first"
    else:
        money_prefix = rng.choice(("金额单位：", "单位："))
        unit_prefix = "单位：" if money_prefix == "金额单位：" else "编制单位："
        footer = rng.choice(("- {n} -", "第 {n} 页", "{n}", "— {n} —"))
        cover = rng.choice(("year_first", "unit_first", "unit_first_dated"))
    return DocumentStyle(
        titles=titles,
        money_label_prefix=money_prefix,
        unit_label_prefix=unit_prefix,
        money_units=money_units,
        header_unit_name=d.unit.parent_name if variants.header_unit_mismatch else d.unit.name,
        level_word="部门" if d.unit.level == "部门" else "单位",
        note_prefix_empty="" if d.is_seed_case or rng.random() < 0.5 else "说明：",
        footer=footer,
        cover_style=cover,
        rule_width=0.5 if d.is_seed_case else round(rng.uniform(0.5, 0.8), 2),
        t01_extra_note=d.is_seed_case or rng.random() < 0.4,
    )


class _Printer:
    """Cell texts for one document: amounts, names, codes."""

    def __init__(self, d: Disclosure, variants: Variants, style: DocumentStyle) -> None:
        self.d = d
        self.variants = variants
        self.style = style

    def amount(self, value: Amount, table_id: str, empty_table: bool = False) -> str:
        no_amount = ""
        if self.variants.zero_style == "dash" and not empty_table:
            no_amount = self.variants.dash_text
        return format_amount(
            value,
            amount_unit=self.d.amount_unit,
            printed_unit=self.style.money_units[table_id],
            thousands=self.variants.thousands_separator,
            no_amount=no_amount,
        )

    def name(self, name: str) -> str:
        if self.variants.spaced_names and 2 <= len(name) <= 4:
            return spaced(name)
        return name

    def code_cells(self, code: str | None) -> list[str]:
        if self.variants.code_layout == "single":
            return [code or ""]
        if code is None:
            return ["", "", ""]
        return [code[:3], code[3:5], code[5:7]]

    @property
    def split(self) -> bool:
        return self.variants.code_layout == "split"


def _header_blocks(
    printer: _Printer, code_header: str, amount_headers: list, numbered: bool = True
) -> tuple[list[Column], list[HeaderCell], int]:
    """Code/name block plus amount headers; an amount header is a text or (group, [subs]).

    Each amount header spans every header row; a group spans the first row over its subs.
    A 栏次 row numbering the amount columns closes the header.
    """
    split = printer.split
    rows = 3 if split else 2
    code_width = 3 if split else 1
    columns = [Column(CODE_PART if split else CODE)] * code_width + [Column(NAME, wraps=True)]
    cells = [HeaderCell(0, 0, "项 目", colspan=code_width + 1)]
    if split:
        cells += [
            HeaderCell(1, 0, code_header, colspan=3),
            HeaderCell(1, 3, "科目名称", rowspan=2),
            HeaderCell(2, 0, "类"),
            HeaderCell(2, 1, "款"),
            HeaderCell(2, 2, "项"),
        ]
    else:
        cells += [HeaderCell(1, 0, code_header), HeaderCell(1, 1, "科目名称")]
    col = code_width + 1
    for header in amount_headers:
        if isinstance(header, str):
            cells.append(HeaderCell(0, col, header, rowspan=rows))
            columns.append(Column(AMOUNT))
            col += 1
        else:
            group, subs = header
            cells.append(HeaderCell(0, col, group, colspan=len(subs)))
            for sub in subs:
                cells.append(HeaderCell(1, col, sub, rowspan=rows - 1))
                columns.append(Column(AMOUNT))
                col += 1
    if numbered:
        cells.append(HeaderCell(rows, 0, "栏 次", colspan=code_width))
        cells.append(HeaderCell(rows, code_width, ""))
        for number, amount_col in enumerate(range(code_width + 1, col), start=1):
            cells.append(HeaderCell(rows, amount_col, str(number)))
        rows += 1
    return columns, cells, rows


def _subject_body(
    printer: _Printer, table_id: str, table: SubjectTable, truth_columns: tuple[str, ...]
) -> tuple[list[tuple[Cell, ...]], list[TruthRow]]:
    body, truth = [], []
    empty = table.empty
    for row in table.rows:
        index = len(truth)
        truth.append(TruthRow({"code": row.code, "label": row.name}, truth_columns))
        label = printer.name(row.name)
        cells = [Cell(text) for text in printer.code_cells(row.code)]
        cells.append(Cell(label, "center" if row.code is None else "left", index))
        for column, value in zip(truth_columns, row.values, strict=True):
            cells.append(Cell(printer.amount(value, table_id, empty), "right", index, column))
        body.append(tuple(cells))
    return body, truth


def _notes(table_id: str, style: DocumentStyle, d: Disclosure) -> tuple[str, ...]:
    who = style.level_word
    notes = {
        "T01": f"注：本表反映{who}本年度的总收支和年末结转结余情况。",
        "T02": f"注：本表反映{who}本年度取得的各项收入情况。",
        "T03": f"注：本表反映{who}本年度各项支出情况。",
        "T04": f"注：本表反映{who}本年度一般公共预算财政拨款、政府性基金预算财政拨款和国有资本"
        "经营预算财政拨款的总收支和年末结转结余情况。",
        "T05": f"注：本表反映{who}本年度一般公共预算财政拨款支出情况。",
        "T06": f"注：本表反映{who}本年度一般公共预算财政拨款基本支出明细情况。",
        "T07": f"注：本表反映{who}本年度“三公”经费支出预决算情况。其中，预算数为“三公”经费年初"
        "预算数；决算数是包括当年一般公共预算财政拨款和以前年度结转资金安排的实际支出。",
        "T08": f"注：本表反映{who}本年度政府性基金预算财政拨款收入、支出及结转和结余情况。",
        "T09": f"注：本表反映{who}本年度国有资本经营预算财政拨款支出情况。"
        if d.t09_style == T09_STYLE_EXPENDITURE
        else f"注：本表反映{who}本年度国有资本经营预算财政拨款收入、支出及结转和结余情况。",
    }
    if table_id == "T01" and style.t01_extra_note:
        return (
            f"注：1. 本表反映{who}本年度的总收支和年末结转结余情况。2. 本套报表金额单位转换时可"
            "能存在尾数误差。",
        )
    return (notes[table_id],)


def _empty_note(table_id: str, style: DocumentStyle) -> str:
    who = "本" + style.level_word
    text = {
        "T07": f"{who}本年度没有财政拨款“三公”经费支出，故本表无数据。",
        "T08": f"{who}没有使用政府性基金预算安排的支出，故本表无数据。",
        "T09": f"{who}没有使用国有资本经营预算安排的支出，故本表无数据。",
    }.get(table_id, f"{who}本年度无相关收支，故本表无数据。")
    return style.note_prefix_empty + text


def _spec(
    table_id: str,
    printer: _Printer,
    columns: list[Column],
    header: list[HeaderCell],
    header_rows: int,
    body: list[tuple[Cell, ...]],
    truth: list[TruthRow],
    truth_columns: tuple[str, ...],
    empty: bool,
) -> TableSpec:
    style = printer.style
    notes = _notes(table_id, style, printer.d)
    # A planted unnoted table prints empty with no note (Disclosure.unnoted_tables).
    noted = empty and table_id not in printer.d.unnoted_tables
    empty_note = _empty_note(table_id, style) if noted else None
    if empty_note:
        notes = (*notes, empty_note)
    money_unit = style.money_units[table_id]
    return TableSpec(
        table_id=table_id,
        printed_title=style.titles[table_id],
        label=f"公开{table_id[1:]}表" if printer.variants.table_labels else None,
        money_unit=money_unit,
        money_label=style.money_label_prefix + money_unit,
        unit_line=style.unit_label_prefix + style.header_unit_name,
        columns=tuple(columns),
        header=tuple(header),
        header_rows=header_rows,
        body=tuple(body),
        truth_rows=tuple(truth),
        truth_columns=truth_columns,
        notes=notes,
        empty=empty,
        empty_note=empty_note,
    )


def _subject_table_spec(
    printer: _Printer,
    table_id: str,
    table: SubjectTable,
    amount_headers: list,
    truth_columns: tuple[str, ...],
) -> TableSpec:
    columns, header, rows = _header_blocks(printer, "功能分类科目编码", amount_headers)
    body, truth = _subject_body(printer, table_id, table, truth_columns)
    return _spec(table_id, printer, columns, header, rows, body, truth, truth_columns, table.empty)


def _spending_headers(printer: _Printer) -> list:
    if printer.split:
        return ["合计", "基本支出", "项目支出"]
    return [("本年支出", ["小 计", "基本支出", "项目支出"])]


FUND_FLOW_HEADERS = [
    "年初结转和结余",
    "本年收入",
    ("本年支出", ["小 计", "基本支出", "项目支出"]),
    "年末结转和结余",
]


# ---------------------------------------------------------------------------
# T01 / T04: two-sided statements


def _statement_rows(
    statement: Statement, spacer_before_total: bool
) -> list[tuple[StatementLine | None, StatementLine | None]]:
    """Pairs (income line, expense line) per printed row; None prints a blank side."""
    income_lines = [line for line in statement.income if line.kind == "line"]
    expense_lines = [line for line in statement.expense if line.kind == "line"]
    pairs: list[tuple[StatementLine | None, StatementLine | None]] = []
    for index in range(max(len(income_lines), len(expense_lines))):
        pairs.append(
            (
                income_lines[index] if index < len(income_lines) else None,
                expense_lines[index] if index < len(expense_lines) else None,
            )
        )
    income_tail = [line for line in statement.income if line.kind not in ("line", "grand_total")]
    expense_tail = [line for line in statement.expense if line.kind not in ("line", "grand_total")]
    for index in range(max(len(income_tail), len(expense_tail))):
        pairs.append(
            (
                income_tail[index] if index < len(income_tail) else None,
                expense_tail[index] if index < len(expense_tail) else None,
            )
        )
    if spacer_before_total:
        pairs.append((None, None))
    pairs.append(
        (statement.of_kind("收入", "grand_total")[0], statement.of_kind("支出", "grand_total")[0])
    )
    return pairs


def _statement_spec(
    printer: _Printer, table_id: str, statement: Statement, expense_headers: list[str]
) -> TableSpec:
    numbered = printer.variants.t01_line_numbers
    spacer = table_id == "T01" and numbered
    pairs = _statement_rows(statement, spacer)
    side_columns = [Column(NAME, wraps=True)] + ([Column(LINE_NO)] if numbered else [])
    columns = [
        *side_columns,
        Column(AMOUNT),
        *side_columns,
        *[Column(AMOUNT)] * len(expense_headers),
    ]
    left_width = len(side_columns) + 1
    line_no_header = "行次" if table_id == "T01" else "行 次"
    amount_header = "决算数" if table_id == "T01" else "决 算 数"
    header = [
        HeaderCell(0, 0, "收 入", colspan=left_width),
        HeaderCell(0, left_width, "支 出", colspan=len(columns) - left_width),
        HeaderCell(1, 0, "项 目"),
    ]
    col = 1
    if numbered:
        header.append(HeaderCell(1, col, line_no_header))
        col += 1
    header.append(HeaderCell(1, col, amount_header))
    header.append(HeaderCell(1, left_width, "项 目"))
    col = left_width + 1
    if numbered:
        header.append(HeaderCell(1, col, line_no_header))
        col += 1
    for text in expense_headers:
        header.append(HeaderCell(1, col, text))
        col += 1
    # 栏次 row: left amount column 1, right amount columns 2…
    header.append(HeaderCell(2, 0, "栏 次"))
    if numbered:
        header.append(HeaderCell(2, 1, ""))
    header.append(HeaderCell(2, left_width - 1, "1"))
    header.append(HeaderCell(2, left_width, "栏 次"))
    if numbered:
        header.append(HeaderCell(2, left_width + 1, ""))
    for number, amount_col in enumerate(
        range(left_width + len(side_columns), len(columns)), start=2
    ):
        header.append(HeaderCell(2, amount_col, str(number)))

    truth_columns = (
        *statement.income_columns,
        *[c for c in statement.expense_columns if c not in statement.income_columns],
    )
    body, truth = [], []
    row_count = len(pairs)
    for row_index, (income, expense) in enumerate(pairs):
        cells: list[Cell] = []
        for side_offset, line, side_columns_names in (
            (0, income, statement.income_columns),
            (row_count, expense, statement.expense_columns),
        ):
            line_no = row_index + 1 + side_offset
            if line is None:  # padding row: only its line number is printed
                cells.append(Cell(""))
                if numbered:
                    cells.append(Cell(str(line_no), "center"))
                cells.extend(Cell("") for _ in side_columns_names)
                continue
            index = len(truth)
            fields = {
                "side": line.side,
                "label": line.label,
                "line_no": line_no if numbered else None,
                "parent": line.parent,
                "code": line.code,  # 类 code of an expense class line (not printed)
            }
            truth.append(TruthRow(fields, side_columns_names))
            ordinal = ""
            if line.kind == "line":
                position = [
                    other
                    for other in (statement.income if line.side == "收入" else statement.expense)
                    if other.kind == "line"
                ].index(line)
                ordinal = chinese_number(position + 1) + "、"
            centered = line.kind in ("subtotal", "grand_total")
            cells.append(Cell(ordinal + line.label, "center" if centered else "left", index))
            if numbered:
                cells.append(Cell(str(line_no), "center"))
            for column, value in zip(side_columns_names, line.values, strict=True):
                cells.append(Cell(printer.amount(value, table_id), "right", index, column))
        body.append(tuple(cells))
    return _spec(table_id, printer, columns, header, 3, body, truth, truth_columns, False)


# ---------------------------------------------------------------------------
# T06: economic classification in column groups


def _t06_spec(printer: _Printer) -> TableSpec:
    d = printer.d
    groups = printer.variants.t06_groups
    rows = d.t06.rows
    personnel = [row for row in rows if row.category == "人员经费"]
    public = [row for row in rows if row.category == "公用经费"]
    if groups == 3:
        grouped = [
            personnel,
            [r for r in public if r.code[:3] == "302"],
            [r for r in public if r.code[:3] != "302"],
        ]
    else:
        grouped = [personnel, public]
    split = printer.split
    per_group = 4 if split else 3
    columns: list[Column] = []
    header: list[HeaderCell] = []
    header_rows = 3 if split else 2
    for group in range(groups):
        start = group * per_group
        code_columns = [Column(CODE_PART)] * 2 if split else [Column(CODE)]
        columns += [*code_columns, Column(NAME, wraps=True), Column(AMOUNT)]
        if split:
            header += [
                HeaderCell(1, start, "经济分类科目编码", colspan=2),
                HeaderCell(2, start, "类"),
                HeaderCell(2, start + 1, "款"),
                HeaderCell(1, start + 2, "科目名称", rowspan=2),
                HeaderCell(1, start + 3, "决算数", rowspan=2),
            ]
        else:
            header += [
                HeaderCell(1, start, "经济分类科目编码"),
                HeaderCell(1, start + 1, "科目名称"),
                HeaderCell(1, start + 2, "决算数"),
            ]
        numbers = range(group * 3 + 1, group * 3 + 4)
        code_span = 2 if split else 1
        header += [
            HeaderCell(header_rows, start, str(numbers[0]), colspan=code_span),
            HeaderCell(header_rows, start + code_span, str(numbers[1])),
            HeaderCell(header_rows, start + code_span + 1, str(numbers[2])),
        ]
    header += [
        HeaderCell(0, 0, "人员经费", colspan=per_group),
        HeaderCell(0, per_group, "公用经费", colspan=per_group * (groups - 1)),
    ]
    truth: list[TruthRow] = []
    truth_index: dict[str, int] = {}
    for group_rows in grouped:
        for row in group_rows:
            truth_index[row.code] = len(truth)
            truth.append(
                TruthRow(
                    {"code": row.code, "label": row.name, "cost_category": row.category},
                    T06_COLUMNS,
                )
            )
    personnel_total = len(truth)
    truth.append(
        TruthRow({"code": None, "label": "人员经费合计", "cost_category": "人员经费"}, T06_COLUMNS)
    )
    public_total = len(truth)
    truth.append(
        TruthRow({"code": None, "label": "公用经费合计", "cost_category": "公用经费"}, T06_COLUMNS)
    )

    def code_cells(code: str) -> list[Cell]:
        return [Cell(code[:3]), Cell(code[3:])] if split else [Cell(code)]

    def blank_group() -> list[Cell]:
        return [Cell("")] * (per_group - 1) + [Cell("")]

    body = []
    for position in range(max(len(group) for group in grouped)):
        cells: list[Cell] = []
        for group_rows in grouped:
            if position >= len(group_rows):
                cells += blank_group()
                continue
            row = group_rows[position]
            index = truth_index[row.code]
            cells += code_cells(row.code)
            cells.append(Cell(printer.name(row.name), "left", index))
            cells.append(Cell(printer.amount(row.amount, "T06"), "right", index, "决算数"))
        body.append(tuple(cells))
    total_cells: list[Cell] = []
    for group in range(groups):
        code_blank = [Cell("")] * (per_group - 2)
        if group == 0:
            total_cells += [*code_blank, Cell("人员经费合计", "center", personnel_total)]
            total_cells.append(
                Cell(
                    printer.amount(d.t06.personnel_total, "T06"), "right", personnel_total, "决算数"
                )
            )
        elif group == groups - 1:
            total_cells += [*code_blank, Cell("公用经费合计", "center", public_total)]
            total_cells.append(
                Cell(printer.amount(d.t06.public_total, "T06"), "right", public_total, "决算数")
            )
        else:
            total_cells += blank_group()
    body.append(tuple(total_cells))
    return _spec("T06", printer, columns, header, header_rows + 1, body, truth, T06_COLUMNS, False)


# ---------------------------------------------------------------------------
# T07: three public costs, one data row


def _t07_spec(printer: _Printer) -> TableSpec:
    t07 = printer.d.t07
    empty = t07.empty
    truth = [TruthRow({"label": label}, T07_COLUMNS) for label, _ in THREE_PUBLIC_ITEMS]
    columns = [Column(AMOUNT)] * 12

    def cell(costs: ThreePublic, item: int, column: str) -> Cell:
        value = costs.item(THREE_PUBLIC_ITEMS[item][0])
        return Cell(printer.amount(value, "T07", empty), "right", item, column)

    if printer.variants.t07_layout == "budget_then_final":
        header = [HeaderCell(0, 0, "预 算 数", colspan=6), HeaderCell(0, 6, "决 算 数", colspan=6)]
        for start in (0, 6):
            header += [
                HeaderCell(1, start, "合计", rowspan=2),
                HeaderCell(1, start + 1, "因公出国（境）费", rowspan=2),
                HeaderCell(1, start + 2, "公务用车购置及运行维护费", colspan=3),
                HeaderCell(2, start + 2, "小计"),
                HeaderCell(2, start + 3, "公务用车购置费"),
                HeaderCell(2, start + 4, "公务用车运行维护费"),
                HeaderCell(1, start + 5, "公务接待费", rowspan=2),
            ]
        row = [cell(t07.budget, item, "预算数") for item in range(6)]
        row += [cell(t07.final, item, "决算数") for item in range(6)]
        header_rows = 3
    else:
        header = [
            HeaderCell(0, 0, "财政拨款“三公”经费", colspan=12),
            HeaderCell(1, 0, "合计", rowspan=2, colspan=2),
            HeaderCell(1, 2, "因公出国（境）费", rowspan=2, colspan=2),
            HeaderCell(1, 4, "公务用车购置及运行维护费", colspan=6),
            HeaderCell(2, 4, "小计", colspan=2),
            HeaderCell(2, 6, "公务用车购置费", colspan=2),
            HeaderCell(2, 8, "公务用车运行维护费", colspan=2),
            HeaderCell(1, 10, "公务接待费", rowspan=2, colspan=2),
        ]
        header += [HeaderCell(3, col, "预算数" if col % 2 == 0 else "决算数") for col in range(12)]
        row = []
        for item in range(6):
            row += [cell(t07.budget, item, "预算数"), cell(t07.final, item, "决算数")]
        header_rows = 4
    header += [HeaderCell(header_rows, col, str(col + 1)) for col in range(12)]
    return _spec(
        "T07", printer, columns, header, header_rows + 1, [tuple(row)], truth, T07_COLUMNS, empty
    )


def build_table_specs(
    d: Disclosure, variants: Variants, style: DocumentStyle
) -> dict[str, TableSpec]:
    """All nine table specs of a document, keyed T01…T09."""
    printer = _Printer(d, variants, style)
    t09_headers = (
        _spending_headers(printer) if d.t09_style == T09_STYLE_EXPENDITURE else FUND_FLOW_HEADERS
    )
    return {
        "T01": _statement_spec(printer, "T01", d.t01, ["决算数"]),
        "T02": _subject_table_spec(printer, "T02", d.t02, list(T02_COLUMNS), T02_COLUMNS),
        "T03": _subject_table_spec(printer, "T03", d.t03, list(T03_COLUMNS), T03_COLUMNS),
        "T04": _statement_spec(
            printer,
            "T04",
            d.t04,
            ["合 计", "一般公共预算财政拨款", "政府性基金预算财政拨款", "国有资本经营预算财政拨款"],
        ),
        "T05": _subject_table_spec(printer, "T05", d.t05, _spending_headers(printer), T05_COLUMNS),
        "T06": _t06_spec(printer),
        "T07": _t07_spec(printer),
        "T08": _subject_table_spec(printer, "T08", d.t08, FUND_FLOW_HEADERS, T08_COLUMNS),
        "T09": _subject_table_spec(printer, "T09", d.t09, t09_headers, d.t09.columns),
    }
