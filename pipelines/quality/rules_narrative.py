"""Narrative figures (第三部分 情况说明) against the tables they restate.

Reported with source_table NULL (the narrative is not one of the nine tables) at the
narrative page, location = the figure's name (the ground-truth key, e.g. 本年收入合计,
财政拨款收入支出总计), compared_table = the table it restates. observed is the narrative
figure, expected the table's. The narrative figure rounds to its own printed precision
("2747.5万元" ±0.05, "0万元" ±0.5). 政府采购总额 is checked against its three parts
within the narrative. A figure the narrative does not state, or whose table is missing,
is not checked.
"""

from __future__ import annotations

from collections.abc import Callable

from pipelines.quality.document import Document, NarrativeFigure, Table
from pipelines.quality.outcomes import Collector, fmt
from pipelines.quality.rules_across import subject_total_terms
from pipelines.quality.rules_within import T07_TOTAL, t06_category_terms, t07_item
from pipelines.quality.statements import EXPENSE, INCOME, statement_side
from pipelines.quality.tolerance import YUAN, Term

TableFigure = Callable[[Table], list[Term]]


def _statement_total(side: str, grand: bool) -> TableFigure:
    def figure(table: Table) -> list[Term]:
        structure = statement_side(table, side)
        row = structure.grand if grand else structure.subtotal
        return [table.term(row, structure.first_column or "决算数")]

    return figure


def _subject_total(column: str) -> TableFigure:
    return lambda table: subject_total_terms(table, column)


def _t06_category(category: str) -> TableFigure:
    """The category total; its classes when the table prints no such total row."""
    return lambda table: t06_category_terms(table, category)


def _t07_total(column: str) -> TableFigure:
    return lambda table: [table.term(t07_item(table, T07_TOTAL), column)]


# figure → (table, what the table prints for it, how the message names it)
NARRATIVE_FIGURES: dict[str, tuple[str, TableFigure, str]] = {
    "本年收入合计": ("T01", _statement_total(INCOME, grand=False), "收入支出决算总表 本年收入合计"),
    "本年支出合计": (
        "T01",
        _statement_total(EXPENSE, grand=False),
        "收入支出决算总表 本年支出合计",
    ),
    "收入支出总计": ("T01", _statement_total(INCOME, grand=True), "收入支出决算总表 总计"),
    "基本支出": ("T03", _subject_total("基本支出"), "支出决算表合计 基本支出"),
    "项目支出": ("T03", _subject_total("项目支出"), "支出决算表合计 项目支出"),
    "财政拨款收入支出总计": (
        "T04",
        _statement_total(INCOME, grand=True),
        "财政拨款收入支出决算总表 总计",
    ),
    "一般公共预算财政拨款支出": (
        "T05",
        _subject_total("合计"),
        "一般公共预算财政拨款支出决算表合计",
    ),
    "一般公共预算财政拨款基本支出": (
        "T05",
        _subject_total("基本支出"),
        "一般公共预算财政拨款支出决算表合计 基本支出",
    ),
    "人员经费": ("T06", _t06_category("人员经费"), "基本支出决算表 人员经费合计"),
    "公用经费": ("T06", _t06_category("公用经费"), "基本支出决算表 公用经费合计"),
    "三公经费预算数": ("T07", _t07_total("预算数"), "“三公”经费支出决算表 预算数合计"),
    "三公经费决算数": ("T07", _t07_total("决算数"), "“三公”经费支出决算表 决算数合计"),
}
PROCUREMENT_TOTAL = "政府采购总额"
PROCUREMENT_PARTS = ("政府采购货物", "政府采购工程", "政府采购服务")


def printed_figure(figure: NarrativeFigure) -> str:
    """The narrative figure as its text printed it: "0.3万元", "105040931.65元"."""
    value = figure.amount * (10000 if figure.unit == YUAN else 1)
    return f"{value:.{figure.decimals}f}{figure.unit}"


def narrative_rules(c: Collector, document: Document) -> None:
    narrative = document.narrative
    for name, (table_id, table_figure, table_label) in NARRATIVE_FIGURES.items():
        figure = narrative.get(name)
        if figure is None or not document.present(table_id):
            continue
        table = document.table(table_id)
        terms = table_figure(table)
        outcome = c.identity(
            "narrative_matches_tables",
            None,
            name,
            [figure.term()],
            terms,
            where=f"情况说明第 {figure.page} 页“{name}”",
            observed_label="文字说明",
            expected_label=table_label,
            compared_table=table_id,
            page=figure.page,
        )
        if outcome is not None:
            outcome.observed_text = printed_figure(figure)
            outcome.expected_text = f"{fmt(outcome.expected)}万元"
    total = narrative.get(PROCUREMENT_TOTAL)
    parts = [narrative.get(part) for part in PROCUREMENT_PARTS]
    if total is not None and all(part is not None for part in parts):
        outcome = c.identity(
            "narrative_matches_tables",
            None,
            PROCUREMENT_TOTAL,
            [total.term()],
            [part.term() for part in parts if part is not None],
            where=f"情况说明第 {total.page} 页“{PROCUREMENT_TOTAL}”",
            observed_label="政府采购总额",
            expected_label="货物 + 工程 + 服务",
            page=total.page,
        )
        if outcome is not None:
            outcome.observed_text = printed_figure(total)
