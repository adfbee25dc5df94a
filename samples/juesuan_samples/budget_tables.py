"""The budget's tables B01–B09 as printable specifications, in the real families' styles.

Real budgets differ far more than final accounts in their titles, labels and money
units (../shared/corpus/budgets/README.md). A budget document is printed in one family
(BudgetStyle, drawn per document): its titles, its label system (预算01表, 公开01表, 表1,
表01, 表一, 单位预算01表 or none), its order of tables, its money unit (万元 with 2 or 6
decimals, 元 as integers or with 2 decimals) and its thousands separators. The specs are
tables.TableSpec, so layout, both producers and the ground truth treat them as the
final's tables.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace

from juesuan_samples.budget import (
    BUDGET_AMOUNT,
    PREVIOUS_BUDGET,
    RUNNING_COSTS,
    Budget,
    BudgetThreePublic,
)
from juesuan_samples.formatting import chinese_number, spaced
from juesuan_samples.model import THREE_PUBLIC_ITEMS, Amount, Statement, SubjectTable
from juesuan_samples.tables import (
    AMOUNT,
    CODE,
    CODE_PART,
    NAME,
    Cell,
    Column,
    DocumentStyle,
    HeaderCell,
    TableSpec,
    TruthRow,
    _header_blocks,
    _statement_rows,
    _subject_body,
)
from juesuan_samples.variants import Variants

BUDGET_TABLE_IDS = ("B01", "B02", "B03", "B04", "B05", "B06", "B07", "B08", "B09")
LISTING_IDS = ("B10", "B11")  # printed by the families whose order lists them

# Money formats: the printed unit and its decimals.
MONEY_FORMATS = {
    "万元2": ("万元", 2),
    "万元6": ("万元", 6),
    "元0": ("元", 0),
    "元2": ("元", 2),
}


@dataclass(frozen=True)
class Family:
    """A real template family: titles (with {year} and {who}), labels, order, money."""

    key: str
    titles: dict[str, str]
    label: str | None  # format with {n} (1-based print position) or None
    order: tuple[str, ...]
    money: str  # preferred money format (MONEY_FORMATS)
    three_public_money: str | None = None  # B07's own format (Shanghai prints 三公 in 万元)
    unit_prefix: str = "部门名称："
    money_prefix: str = "金额单位："
    thousands: bool = True
    running_costs: bool = False  # B07 prints 机关运行经费 beside 三公


_NATIONAL_ORDER = BUDGET_TABLE_IDS
FAMILIES: dict[str, Family] = {
    family.key: family
    for family in (
        Family(
            "beijing",
            {
                "B01": "收支总表",
                "B02": "收入总表",
                "B03": "支出总表",
                "B04": "财政拨款收支总表",
                "B05": "一般公共预算支出表",
                "B06": "一般公共预算基本支出表",
                "B07": "财政拨款“三公”经费支出表",
                "B08": "政府性基金预算支出表",
                "B09": "国有资本经营预算支出表",
                "B11": "政府采购预算明细表",
            },
            "预算{n:02d}表",
            ("B01", "B02", "B03", "B04", "B05", "B06", "B08", "B09", "B07", "B11"),
            "万元6",
        ),
        Family(
            "jiangsu",
            {
                "B01": "收支总表",
                "B02": "收入总表",
                "B03": "支出总表",
                "B04": "财政拨款收支总表",
                "B05": "一般公共预算支出表",
                "B06": "一般公共预算基本支出表",
                "B07": "一般公共预算“三公”经费支出表",
                "B08": "政府性基金预算支出表",
                "B09": "国有资本经营预算支出预算表",
            },
            "公开{n:02d}表",
            _NATIONAL_ORDER,
            "万元2",
            unit_prefix="单位名称：",
        ),
        Family(
            "hangzhou",
            {
                "B01": "{year}年{level}收支预算总表",
                "B02": "{year}年{level}收入预算总表",
                "B03": "{year}年{level}支出预算总表",
                "B04": "{year}年{level}财政拨款收支预算总表",
                "B05": "{year}年{level}一般公共预算支出预算表",
                "B06": "{year}年{level}一般公共预算基本支出预算表",
                "B07": "{year}年{level}一般公共预算“三公”经费预算表",
                "B08": "{year}年{level}政府性基金预算支出预算表",
                "B09": "{year}年{level}国有资本经营预算支出预算表",
                "B10": "{year}年{level}项目支出预算表",
            },
            "表{n}",
            (*_NATIONAL_ORDER, "B10"),
            "万元2",
        ),
        Family(
            "huzhou",
            {
                "B01": "收支预算总表",
                "B02": "收入预算总表",
                "B03": "支出预算总表",
                "B04": "财政拨款收支预算总表",
                "B05": "一般公共预算支出表",
                "B06": "一般公共预算基本支出表",
                "B07": '一般公共预算"三公"经费支出表',
                "B08": "政府性基金预算支出表",
                "B09": "国有资本经营预算支出表",
                "B10": "项目支出预算表",
            },
            "表{n:02d}",
            (*_NATIONAL_ORDER, "B10"),
            "万元2",
            thousands=False,
        ),
        Family(
            "chongqing",
            {
                "B01": "{year}年{who}收支总体情况表",
                "B02": "{year}年{who}收入总体情况表",
                "B03": "{year}年{who}支出总体情况表",
                "B04": "{year}年财政拨款收支总体情况表",
                "B05": "{year}年一般公共预算支出情况表",
                "B06": "{year}年一般公共预算基本支出情况表",
                "B07": "{year}年财政拨款“三公”经费支出情况表",
                "B08": "{year}年政府性基金预算支出情况表",
                "B09": "{year}年国有资本经营预算支出情况表",
                "B11": "{year}年政府采购预算明细表",
            },
            "表{n_cn}",
            ("B01", "B02", "B03", "B04", "B05", "B06", "B08", "B07", "B09", "B11"),
            "万元2",
            unit_prefix="单位：",
        ),
        Family(
            "changsha",
            {
                "B01": "{year}年{who}收支总体情况表",
                "B02": "{year}年{who}收入总体情况表",
                "B03": "{year}年{who}支出总体情况表",
                "B04": "{year}年财政拨款收支总体情况表",
                "B05": "{year}年一般公共预算支出情况表",
                "B06": "{year}年一般公共预算基本支出情况表",
                "B07": "{year}年一般公共预算“三公”经费支出情况表",
                "B08": "{year}年政府性基金预算支出情况表",
                "B09": "{year}年国有资本经营预算支出情况表",
            },
            None,
            _NATIONAL_ORDER,
            "万元2",
        ),
        Family(
            "shanghai",
            {
                "B01": "{year}年预算单位财务收支预算总表",
                "B02": "{year}年预算单位收入预算总表",
                "B03": "{year}年预算单位支出预算总表",
                "B04": "{year}年预算单位财政拨款收支预算总表",
                "B05": "{year}年预算单位一般公共预算支出功能分类预算表",
                "B06": "{year}年预算单位一般公共预算基本支出部门预算经济分类预算表",
                "B07": "{year}年单位“三公”经费和机关运行经费预算表",
                "B08": "{year}年预算单位政府性基金预算支出功能分类预算表",
                "B09": "{year}年预算单位国有资本经营预算支出功能分类预算表",
            },
            "单位预算{n:02d}表",
            ("B01", "B02", "B03", "B04", "B05", "B08", "B09", "B06", "B07"),
            "元0",
            three_public_money="万元2",
            unit_prefix="预算单位：",
            money_prefix="单位：",
            running_costs=True,
        ),
        Family(
            "fujian",
            {
                "B01": "{year}年度收支预算总表",
                "B02": "{year}年度收入预算总表",
                "B03": "{year}年度支出预算总表",
                "B04": "{year}年度财政拨款收支预算总表",
                "B05": "{year}年度一般公共预算拨款支出预算表",
                "B06": "{year}年度一般公共预算基本支出经济分类情况表",
                "B07": "{year}年度一般公共预算“三公”经费支出预算表",
                "B08": "{year}年度政府性基金预算拨款支出预算表",
                "B09": "{year}年度国有资本经营预算拨款支出预算表",
            },
            None,
            ("B01", "B02", "B03", "B04", "B05", "B08", "B09", "B06", "B07"),
            "万元2",
            unit_prefix="单位名称：",
            money_prefix="单位：",
            thousands=False,
        ),
    )
}
# Families in the share a corpus deals them (2 dp 万元 most often).
FAMILY_SHARES = (
    "jiangsu",
    "hangzhou",
    "beijing",
    "chongqing",
    "changsha",
    "shanghai",
    "fujian",
    "huzhou",
)
B07_LAYOUTS = ("row", "list")
COVER_STYLES = ("year_first", "unit_first", "plain")


@dataclass(frozen=True)
class BudgetStyle:
    """How one budget document is printed: drawn per document, recorded in its truth."""

    family: str
    money: str  # MONEY_FORMATS key of every table but B07
    three_public_money: str
    thousands: bool
    b07_layout: str  # row: one row of items across; list: one row per item
    b07_previous: bool  # list layout: a 上年预算数 column
    b06_categories: bool  # B06 prints 人员经费 / 公用经费 columns
    cover_style: str
    footer: str

    def as_dict(self) -> dict[str, object]:
        return dict(vars(self))


def budget_variants(variants: Variants) -> Variants:
    """The paired final's printing habits as its budget prints them: every real budget
    with a text layer has fully ruled tables (../shared/corpus/budgets/README.md), so an
    unruled final's budget is ruled with lines."""
    return replace(variants, ruling="lines") if variants.ruling == "none" else variants


def _money_for(preferred: str, amount_unit: str) -> str:
    """The preferred format when the figures print exactly in it, else the closest that
    does: figures held in 元 cents print as 元 with 2 decimals or 万元 with 6."""
    if amount_unit == "元" and preferred in ("万元2", "元0"):
        return "元2"
    return preferred


def draw_budget_style(family_key: str, amount_unit: str, rng: random.Random) -> BudgetStyle:
    family = FAMILIES[family_key]
    money = _money_for(family.money, amount_unit)
    if family.money == "万元2" and amount_unit == "万元" and rng.random() < 0.15:
        money = "万元6"  # Beijing-style six decimals in another family now and then
    three_public = _money_for(family.three_public_money or money, amount_unit)
    layout = "list" if family.running_costs else rng.choice(B07_LAYOUTS)
    return BudgetStyle(
        family=family_key,
        money=money,
        three_public_money=three_public,
        thousands=family.thousands if rng.random() < 0.8 else not family.thousands,
        b07_layout=layout,
        b07_previous=layout == "list" and rng.random() < 0.5,
        b06_categories=rng.random() < 0.6,
        cover_style=rng.choice(COVER_STYLES),
        footer=rng.choice(("- {n} -", "第 {n} 页", "{n}", "— {n} —")),
    )


def budget_cell_text(value: Amount, amount_unit: str, money: str, thousands: bool) -> str:
    """A budget cell: exactly the figure, in the money format; "" for no amount."""
    if value is None:
        return ""
    fen = value if amount_unit == "元" else value * 10_000  # 元 cents
    unit, decimals = MONEY_FORMATS[money]
    per = {("万元", 2): 10_000, ("万元", 6): 1, ("元", 0): 100, ("元", 2): 1}[(unit, decimals)]
    if fen % per:
        raise ValueError(f"{value} ({amount_unit} cents) does not print exactly as {money}")
    scaled = fen // per
    whole, fraction = divmod(scaled, 10**decimals) if decimals else (scaled, 0)
    whole_text = f"{whole:,}" if thousands else str(whole)
    return f"{whole_text}.{fraction:0{decimals}d}" if decimals else whole_text


def budget_titles(b: Budget, style: BudgetStyle) -> dict[str, str]:
    who = "部门" if b.unit_level == "部门" else "单位"
    level = "市级部门" if b.unit_level == "部门" else "单位"
    return {
        table_id: title.format(year=b.fiscal_year, who=who, level=level)
        for table_id, title in FAMILIES[style.family].titles.items()
    }


def budget_labels(style: BudgetStyle) -> dict[str, str | None]:
    family = FAMILIES[style.family]
    return {
        table_id: None
        if family.label is None
        else family.label.format(n=position, n_cn=chinese_number(position))
        for position, table_id in enumerate(family.order, start=1)
    }


def document_style(b: Budget, style: BudgetStyle, rule_width: float) -> DocumentStyle:
    """The tables module's DocumentStyle of a budget document (titles, units, prefixes)."""
    family = FAMILIES[style.family]
    money_units = {
        table_id: MONEY_FORMATS[style.three_public_money if table_id == "B07" else style.money][0]
        for table_id in (*BUDGET_TABLE_IDS, *LISTING_IDS)
    }
    return DocumentStyle(
        titles=budget_titles(b, style),
        money_label_prefix=family.money_prefix,
        unit_label_prefix=family.unit_prefix,
        money_units=money_units,
        header_unit_name=b.unit_name,
        level_word="部门" if b.unit_level == "部门" else "单位",
        note_prefix_empty="",
        footer=style.footer,
        cover_style=style.cover_style,
        rule_width=rule_width,
        t01_extra_note=False,
    )


class _Printer:
    """Cell texts of one budget document (the interface tables._subject_body uses)."""

    def __init__(self, b: Budget, variants: Variants, style: BudgetStyle) -> None:
        self.b = b
        self.variants = variants
        self.style = style

    def money(self, table_id: str) -> str:
        return self.style.three_public_money if table_id == "B07" else self.style.money

    def amount(self, value: Amount, table_id: str, empty_table: bool = False) -> str:
        text = budget_cell_text(
            value, self.b.amount_unit, self.money(table_id), self.style.thousands
        )
        if not text and self.variants.zero_style == "dash" and not empty_table:
            return self.variants.dash_text
        return text

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


_NOTES = {
    "B01": "注：本表反映{who}{year}年度收支预算总体情况。",
    "B02": "注：本表反映{who}{year}年度收入预算安排情况。",
    "B03": "注：本表反映{who}{year}年度支出预算安排情况。",
    "B04": "注：本表反映{who}{year}年度财政拨款收支预算总体情况。",
    "B05": "注：本表反映{who}{year}年度一般公共预算支出安排情况（按功能分类科目）。",
    "B06": "注：本表反映{who}{year}年度一般公共预算基本支出安排情况（按经济分类科目）。",
    "B07": "注：本表反映{who}{year}年度一般公共预算安排的“三公”经费预算情况。",
    "B08": "注：本表反映{who}{year}年度政府性基金预算支出安排情况。",
    "B09": "注：本表反映{who}{year}年度国有资本经营预算支出安排情况。",
    "B10": "注：本表反映{who}{year}年度项目支出预算安排情况。",
    "B11": "注：本表反映{who}{year}年度政府采购预算安排情况。",
}
_EMPTY_NOTES = {
    "B07": "本{who}{year}年度没有使用一般公共预算安排的“三公”经费，故本表无数据。",
    "B08": "本{who}{year}年度没有使用政府性基金预算拨款安排的支出，故本表无数据。",
    "B09": "本{who}{year}年度没有使用国有资本经营预算拨款安排的支出，故本表无数据。",
}


# The document's printing style and the label of each table, shared by the specs.
_Context = tuple[DocumentStyle, dict[str, str | None]]


def _spec(
    printer: _Printer,
    context: _Context,
    table_id: str,
    columns: list[Column],
    header: list[HeaderCell],
    header_rows: int,
    body: list[tuple[Cell, ...]],
    truth: list[TruthRow],
    truth_columns: tuple[str, ...],
    empty: bool,
) -> TableSpec:
    doc_style, labels = context
    fields = {"who": doc_style.level_word, "year": printer.b.fiscal_year}
    notes: tuple[str, ...] = (_NOTES[table_id].format(**fields),)
    empty_note = _EMPTY_NOTES.get(table_id, "").format(**fields) if empty else None
    if empty_note:
        notes = (*notes, empty_note)
    money_unit = doc_style.money_units[table_id]
    return TableSpec(
        table_id=table_id,
        printed_title=doc_style.titles[table_id],
        label=labels[table_id],
        money_unit=money_unit,
        money_label=doc_style.money_label_prefix + money_unit,
        unit_line=doc_style.unit_label_prefix + doc_style.header_unit_name,
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


def _subject_spec(
    printer: _Printer, context: _Context, table_id: str, table: SubjectTable
) -> TableSpec:
    columns, header, rows = _header_blocks(printer, "功能分类科目编码", list(table.columns), False)
    body, truth = _subject_body(printer, table_id, table, table.columns)
    return _spec(
        printer, context, table_id, columns, header, rows, body, truth, table.columns, table.empty
    )


def _statement_spec(
    printer: _Printer, context: _Context, table_id: str, statement: Statement
) -> TableSpec:
    pairs = _statement_rows(statement, False)
    expense_headers = list(statement.expense_columns)
    columns = [
        Column(NAME, wraps=True),
        Column(AMOUNT),
        Column(NAME, wraps=True),
        *[Column(AMOUNT)] * len(expense_headers),
    ]
    header = [
        HeaderCell(0, 0, "收 入", colspan=2),
        HeaderCell(0, 2, "支 出", colspan=len(columns) - 2),
        HeaderCell(1, 0, "项 目"),
        HeaderCell(1, 1, BUDGET_AMOUNT),
        HeaderCell(1, 2, "项 目"),
        *[HeaderCell(1, 3 + k, text) for k, text in enumerate(expense_headers)],
    ]
    truth_columns = (
        *statement.income_columns,
        *[c for c in statement.expense_columns if c not in statement.income_columns],
    )
    body, truth = [], []
    for income, expense in pairs:
        cells: list[Cell] = []
        for line, names in (
            (income, statement.income_columns),
            (expense, statement.expense_columns),
        ):
            if line is None:
                cells += [Cell("")] * (1 + len(names))
                continue
            index = len(truth)
            fields = {
                "side": line.side,
                "label": line.label,
                "line_no": None,
                "parent": line.parent,
                "code": line.code,
            }
            truth.append(TruthRow(fields, names))
            ordinal = ""
            if line.kind == "line":
                same = statement.income if line.side == "收入" else statement.expense
                position = [other for other in same if other.kind == "line"].index(line)
                ordinal = chinese_number(position + 1) + "、"
            centered = line.kind in ("subtotal", "grand_total")
            cells.append(Cell(ordinal + line.label, "center" if centered else "left", index))
            for column, value in zip(names, line.values, strict=True):
                cells.append(Cell(printer.amount(value, table_id), "right", index, column))
        body.append(tuple(cells))
    return _spec(printer, context, table_id, columns, header, 2, body, truth, truth_columns, False)


def _basic_spec(printer: _Printer, context: _Context) -> TableSpec:
    b06 = printer.b.b06
    categories = printer.style.b06_categories
    truth_columns = ("合计", "人员经费", "公用经费") if categories else ("合计",)
    split = printer.split
    code_columns = [Column(CODE_PART)] * 2 if split else [Column(CODE)]
    columns = [*code_columns, Column(NAME, wraps=True), *[Column(AMOUNT)] * len(truth_columns)]
    if split:
        header = [
            HeaderCell(0, 0, "经济分类科目编码", colspan=2),
            HeaderCell(1, 0, "类"),
            HeaderCell(1, 1, "款"),
            HeaderCell(0, 2, "科目名称", rowspan=2),
        ]
    else:
        header = [
            HeaderCell(0, 0, "经济分类科目编码", rowspan=2),
            HeaderCell(0, 1, "科目名称", rowspan=2),
        ]
    first = len(code_columns) + 1
    header += [HeaderCell(0, first + k, text, rowspan=2) for k, text in enumerate(truth_columns)]
    body, truth = [], []
    for row in b06.rows:
        index = len(truth)
        truth.append(
            TruthRow(
                {"code": row.code, "label": row.name, "cost_category": row.category},
                truth_columns,
            )
        )
        if row.code is None:
            codes = [Cell("")] * len(code_columns)
        elif split:
            codes = [Cell(row.code[:3]), Cell(row.code[3:])]
        else:
            codes = [Cell(row.code)]
        values: dict[str, Amount] = {"合计": row.amount}
        if categories:
            if row.code is None:
                values |= {
                    "人员经费": b06.category_total("人员经费") or None,
                    "公用经费": b06.category_total("公用经费") or None,
                }
            else:
                values |= {
                    category: row.amount if row.category == category else None
                    for category in ("人员经费", "公用经费")
                }
        label = Cell(printer.name(row.name), "center" if row.code is None else "left", index)
        amounts = [
            Cell(printer.amount(values[column], "B06"), "right", index, column)
            for column in truth_columns
        ]
        body.append((*codes, label, *amounts))
    return _spec(printer, context, "B06", columns, header, 2, body, truth, truth_columns, False)


def three_public_items(b07: BudgetThreePublic, running_costs: bool) -> list[tuple[str, Amount]]:
    """(item label, 预算数) in printed order; 机关运行经费 last when printed."""
    items = [(label, b07.budget.item(label)) for label, _ in THREE_PUBLIC_ITEMS]
    if running_costs:
        items.append((RUNNING_COSTS, b07.running_costs))
    return items


def _three_public_spec(printer: _Printer, context: _Context) -> TableSpec:
    b07 = printer.b.b07
    style = printer.style
    empty = b07.empty
    running = FAMILIES[style.family].running_costs
    items = three_public_items(b07, running)
    if style.b07_layout == "row":
        truth = [TruthRow({"label": label}, (BUDGET_AMOUNT,)) for label, _ in items]
        header = [
            HeaderCell(0, 0, "合计", rowspan=2),
            HeaderCell(0, 1, "因公出国（境）费", rowspan=2),
            HeaderCell(0, 2, "公务用车购置及运行维护费", colspan=3),
            HeaderCell(1, 2, "小计"),
            HeaderCell(1, 3, "公务用车购置费"),
            HeaderCell(1, 4, "公务用车运行维护费"),
            HeaderCell(0, 5, "公务接待费", rowspan=2),
        ]
        if running:
            header.append(HeaderCell(0, 6, RUNNING_COSTS, rowspan=2))
        row = tuple(
            Cell(printer.amount(value, "B07", empty), "right", index, BUDGET_AMOUNT)
            for index, (_, value) in enumerate(items)
        )
        columns = [Column(AMOUNT)] * len(items)
        return _spec(
            printer, context, "B07", columns, header, 2, [row], truth, (BUDGET_AMOUNT,), empty
        )
    truth_columns = (BUDGET_AMOUNT, PREVIOUS_BUDGET) if style.b07_previous else (BUDGET_AMOUNT,)
    previous = {label: b07.previous.item(label) for label, _ in THREE_PUBLIC_ITEMS}
    header = [HeaderCell(0, 0, "项 目")]
    header += [
        HeaderCell(0, 1 + k, text)
        for k, text in enumerate((BUDGET_AMOUNT, PREVIOUS_BUDGET)[: len(truth_columns)])
    ]
    body, truth = [], []
    for index, (label, value) in enumerate(items):
        truth.append(TruthRow({"label": label}, truth_columns))
        cells = [Cell(label, "center" if label == "合计" else "left", index)]
        cells.append(Cell(printer.amount(value, "B07", empty), "right", index, BUDGET_AMOUNT))
        if style.b07_previous:
            last = previous.get(label) if label != RUNNING_COSTS else None
            cells.append(Cell(printer.amount(last, "B07", empty), "right", index, PREVIOUS_BUDGET))
        body.append(tuple(cells))
    columns = [Column(NAME, wraps=True), *[Column(AMOUNT)] * len(truth_columns)]
    return _spec(printer, context, "B07", columns, header, 1, body, truth, truth_columns, empty)


def _listing_spec(printer: _Printer, context: _Context, table_id: str) -> TableSpec:
    """B10 (项目名称 | 功能分类科目编码 | 合计 | by fund) or B11 (项目名称 | 采购品目 | 合计)."""
    listing = printer.b.b10 if table_id == "B10" else printer.b.b11
    projects = table_id == "B10"
    middle = "功能分类科目编码" if projects else "采购品目"
    amount_headers = listing.columns if projects else ("预算金额",)
    columns = [
        Column(NAME, wraps=True),
        Column(CODE if projects else NAME),
        *[Column(AMOUNT)] * len(amount_headers),
    ]
    header = [HeaderCell(0, 0, "项目名称"), HeaderCell(0, 1, middle)]
    header += [HeaderCell(0, 2 + k, text) for k, text in enumerate(amount_headers)]
    body, truth = [], []
    for index, row in enumerate(listing.rows):
        truth.append(TruthRow({"code": row.code, "label": row.name}, amount_headers))
        label = Cell(row.name, "center" if row.name == "合计" else "left", index)
        middle_text = (row.code if projects else row.category) or ""
        amounts = [
            Cell(printer.amount(value, table_id), "right", index, column)
            for column, value in zip(amount_headers, row.values, strict=True)
        ]
        body.append((label, Cell(middle_text), *amounts))
    return _spec(printer, context, table_id, columns, header, 1, body, truth, amount_headers, False)


def build_budget_specs(
    b: Budget, variants: Variants, style: BudgetStyle, doc_style: DocumentStyle
) -> dict[str, TableSpec]:
    """B01–B09 (and B10/B11 where the family prints them) as printed, keyed by table id
    (print order: budget_order)."""
    printer = _Printer(b, variants, style)
    context: _Context = (doc_style, budget_labels(style))
    listings = {
        table_id: _listing_spec(printer, context, table_id)
        for table_id in LISTING_IDS
        if table_id in budget_order(style)
    }
    return listings | {
        "B01": _statement_spec(printer, context, "B01", b.b01),
        "B02": _subject_spec(printer, context, "B02", b.b02),
        "B03": _subject_spec(printer, context, "B03", b.b03),
        "B04": _statement_spec(printer, context, "B04", b.b04),
        "B05": _subject_spec(printer, context, "B05", b.b05),
        "B06": _basic_spec(printer, context),
        "B07": _three_public_spec(printer, context),
        "B08": _subject_spec(printer, context, "B08", b.b08),
        "B09": _subject_spec(printer, context, "B09", b.b09),
    }


def budget_order(style: BudgetStyle) -> tuple[str, ...]:
    return FAMILIES[style.family].order
