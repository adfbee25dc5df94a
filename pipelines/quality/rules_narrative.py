"""The narrative (第三部分 情况说明) against the tables it restates, and against itself.

Restated figures (narrative_matches_tables): the figures of the pattern table
(pipelines/domain/narrative_patterns.toml `figures`, read by extraction into
raw.narrative_figures) against what `reads` names in their table, with source_table NULL
(the narrative is not one of the nine tables) at the narrative page, location = the
figure's name, compared_table = the table. observed is the narrative figure, expected the
table's; a narrative figure rounds to its own printed precision ("2747.5万元" ±0.05,
"0万元" ±0.5). 政府采购总额 is checked against its three parts within the narrative; the
类 amounts of the 一般公共预算 structure ("一般公共服务支出（类）2106.66万元") against T05.

Sentences, read from the document's printed lines at check time, so that every finding
carries its page and box (pipelines.quality.narrative_statements):
- 五(三)/七/八 "年初预算为 X，支出决算为 Y，完成年初预算的 Z%": Y against the table's row
  (narrative_final_vs_table), X against the table's budget where the final accounts print
  one (T07 预算数; a budget document's B05 once budgets are loaded: `budget_terms`),
  Z = Y ÷ X (narrative_budget_rate), the words against the sign of Y − X
  (narrative_budget_words) and a reason where they differ (narrative_budget_reason);
- "增加 A 万元，增长 B%": B = A ÷ (F ∓ A) (narrative_change_rate) and, when the warehouse
  holds the unit's previous-year document, F ∓ A against its figure
  (narrative_change_prior_year);
- "占 p%": p = part ÷ whole (narrative_share);
- "共有车辆 N 辆" = its kinds (narrative_vehicle_count); 三公 "团组 g 个，累计 p 人次",
  "共计接待 N 批次，M 人次（含外事接待 a 批次、b 人次）": g, N ≤ p, M where persons are
  stated above 0, a ≤ N, b ≤ M (narrative_visit_counts: never an amount against a count);
- template leftovers and doubled punctuation (narrative_template_leftover, info).

A ratio's tolerance is half a unit of its printed last digit plus what the rounding of
the figures it is computed from can move it. A figure the narrative does not state, a
subject not found in its table, or a missing table is not checked.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, ROUND_UP, Decimal

from pipelines.domain.narrative import figure_specs, pattern_table
from pipelines.domain.text import squash
from pipelines.quality.document import Document, NarrativeFigure, Row, Table
from pipelines.quality.narrative_statements import (
    BudgetStatement,
    ChangeStatement,
    Count,
    CountStatement,
    Figure,
    Percentage,
    Place,
    ShareStatement,
    VisitCount,
    budget_statements,
    change_statements,
    leftovers,
    level_share,
    narrative_lines,
    share_statements,
    vehicle_counts,
    visit_counts,
)
from pipelines.quality.outcomes import Collector, Outcome, fmt, table_place
from pipelines.quality.rules_across import subject_total_terms
from pipelines.quality.rules_within import T07_TOTAL, T07_VEHICLES, t06_category_terms, t07_item
from pipelines.quality.statements import EXPENSE, INCOME, statement_side
from pipelines.quality.text import FoldedText
from pipelines.quality.tolerance import YUAN, Term, printed_decimals, total

TableFigure = Callable[[Table], list[Term]]
HUNDRED = Decimal(100)
_RATIO_DIGITS = Decimal("0.0001")  # a computed percentage, as the messages show it


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


def _t07(item: str, column: str) -> TableFigure:
    return lambda table: [table.term(t07_item(table, item), column)]


_SIDES = {"收入": INCOME, "支出": EXPENSE}
# How the pattern table's `reads` names what a table prints: kind:argument[:argument]
TABLE_READERS: dict[str, Callable[..., TableFigure]] = {
    "statement_grand": lambda side: _statement_total(_SIDES[side], grand=True),
    "statement_subtotal": lambda side: _statement_total(_SIDES[side], grand=False),
    "subject_total": _subject_total,
    "t06_category": _t06_category,
    "t07": _t07,
}


def table_reader(reads: str) -> TableFigure:
    kind, *arguments = reads.split(":")
    return TABLE_READERS[kind](*arguments)


# figure → (table, what the table prints for it, how the message names it)
NARRATIVE_FIGURES: dict[str, tuple[str, TableFigure, str]] = {
    spec.name: (spec.table, table_reader(spec.reads), spec.label)
    for spec in figure_specs()
    if spec.reads
}
PROCUREMENT_TOTAL = "政府采购总额"
PROCUREMENT_PARTS = ("政府采购货物", "政府采购工程", "政府采购服务")


def printed_figure(figure: NarrativeFigure) -> str:
    """The narrative figure as its text printed it: "0.3万元", "105040931.65元"."""
    value = figure.amount * (10000 if figure.unit == YUAN else 1)
    return f"{value:.{figure.decimals}f}{figure.unit}"


def _restated_figures(c: Collector, document: Document) -> None:
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
    total_figure = narrative.get(PROCUREMENT_TOTAL)
    parts = [narrative.get(part) for part in PROCUREMENT_PARTS]
    if total_figure is not None and all(part is not None for part in parts):
        outcome = c.identity(
            "narrative_matches_tables",
            None,
            PROCUREMENT_TOTAL,
            [total_figure.term()],
            [part.term() for part in parts if part is not None],
            where=f"情况说明第 {total_figure.page} 页“{PROCUREMENT_TOTAL}”",
            observed_label="政府采购总额",
            expected_label="货物 + 工程 + 服务",
            page=total_figure.page,
        )
        if outcome is not None:
            outcome.observed_text = printed_figure(total_figure)


# ---------------------------------------------------------------------------
# Sentences


def _term(figure: Figure, place: Place, sign: int = 1) -> Term:
    return Term(
        figure.amount,
        figure.unit,
        figure.decimals,
        sign=sign,
        page=place.page,
        table=None,
        box=place.box,
    )


def _rounded_up(tolerance: Decimal) -> Decimal:
    """A ratio's tolerance to six decimals, never below the exact one."""
    return tolerance.quantize(Decimal("0.000001"), rounding=ROUND_UP)


def _ratio_identity(
    c: Collector,
    check: str,
    location: str,
    stated: Percentage,
    part: Figure,
    whole: Figure,
    place: Place,
    where: str,
    expected_label: str,
) -> Outcome | None:
    """stated% = part ÷ whole, within stated's half unit plus what the rounding of part
    and whole can move the quotient."""
    if whole.amount <= whole.half_unit:
        return None  # a share of nothing, or of a figure that may be nothing
    ratio = part.amount * HUNDRED / whole.amount
    # the quotient rounded as printed: a percentage printed exactly so is exact
    printed_ratio = ratio.quantize(stated.value, rounding=ROUND_HALF_UP)
    expected = stated.value if printed_ratio == stated.value else ratio.quantize(_RATIO_DIGITS)
    spread = (
        HUNDRED * part.half_unit / whole.amount
        + HUNDRED * part.amount * whole.half_unit / whole.amount**2
    )
    outcome = c.identity(
        check,
        None,
        location,
        [Term(stated.value, "%", printed_decimals(stated.digits), page=place.page, box=place.box)],
        [Term(expected, "%", 4, page=place.page)],
        where=where,
        observed_label="文字说明",
        expected_label=expected_label,
        page=place.page,
        box=place.box,
    )
    if outcome is not None:
        outcome.tolerance = _rounded_up(stated.half_unit + spread)
        outcome.observed_text = f"{stated.digits}%"
        outcome.expected_text = f"{ratio:.2f}%（{part.printed} ÷ {whole.printed}）"
    return outcome


def _name_key(name: str) -> str:
    """A 功能分类 name compared loosely: "一般公共服务（类）支出" = "一般公共服务支出"."""
    return (
        squash(name)
        .replace("(类)", "")
        .replace("(款)", "")
        .replace("(项)", "")
        .removesuffix("支出")
    )


def _named_row(rows: list[Row], name: str) -> Row | None:
    key = _name_key(name)
    return next((row for row in rows if _name_key(row.label or "") == key), None)


def subject_row(table: Table, statement: BudgetStatement) -> Row | None:
    """The 项 a statement is of, by its printed code or its 类/款/项 names."""
    if statement.code is not None:
        return table.find(statement.code)
    if statement.path is None:
        return None
    class_name, section_name, item_name = statement.path
    rows = list(table.coded_rows())

    def under(parent: str, length: int) -> list[Row]:
        return [r for r in rows if r.code and len(r.code) == length and r.code.startswith(parent)]

    class_row = _named_row(under("", 3), class_name)
    if class_row is None or class_row.code is None:
        return None
    section_row = _named_row(under(class_row.code, 5), section_name)
    if section_row is None or section_row.code is None:
        return None
    return _named_row(under(section_row.code, 7), item_name)


_T07_ITEMS = (
    ("因公出国", "因公出国（境）费"),
    ("公务用车购置及运行维护", T07_VEHICLES),
    ("公务接待", "公务接待费"),
    ("三公", T07_TOTAL),
)


def _final_column(table: Table) -> str:
    if table.table_id == "T07":
        return "决算数"
    for column in ("合计", "本年支出小计"):
        if column in table.columns:
            return column
    return "合计"


def statement_terms(
    document: Document,
    statement: BudgetStatement,
    column: str | None = None,
    table_id: str | None = None,
) -> tuple[str, list[Term]] | None:
    """(location, the table's terms) for what a budget statement is of, in its own table
    or in `table_id` of `document` (the budget's B05 for a T05 statement); None when its
    subject is not found there."""
    table_id = table_id or statement.table
    if table_id is None or not document.present(table_id):
        return None
    table = document.table(table_id)
    column = column or _final_column(table)
    if statement.table == "T07":
        subject = statement.subject[-40:]
        item = next((item for word, item in _T07_ITEMS if word in subject), None)
        if item is None:
            return None
        return item, [table.term(t07_item(table, item), column)]
    row = subject_row(table, statement)
    if row is not None:
        return row.location, [table.term(row, column)]
    if statement.path is None and statement.code is None and "财政拨款支出" in statement.subject:
        return "合计", subject_total_terms(table, column)
    return None


def _unresolved_location(statement: BudgetStatement) -> str:
    """Where a statement whose row is not found is reported: its code or 项, a 三公 item,
    else the section's 合计."""
    if statement.code is not None:
        return statement.code
    if statement.path is not None:
        return statement.path[2]
    if statement.table == "T07":
        return next((item for word, item in _T07_ITEMS if word in statement.subject[-40:]), "合计")
    return "合计"


# The budget table restating each final table's subjects (一般公共预算, 政府性基金, 国有资本经营).
BUDGET_TABLE_OF = {"T05": "B05", "T08": "B08", "T09": "B09"}


@dataclass(frozen=True)
class BudgetFigure:
    """What a statement's "年初预算为 X" is checked against, and where it is printed."""

    location: str
    terms: list[Term]
    table: str  # T07 (the final accounts' own 预算数), or the budget's B05/B08/B09
    document_id: str | None = None  # the budget document, when it is another document


def budget_terms(
    document: Document, statement: BudgetStatement, budget: Document | None = None
) -> BudgetFigure | None:
    """The budget a statement's "年初预算为 X" restates, where a loaded document prints it.

    T07 prints the 三公 budget (预算数). The budget of a 功能分类 subject is the same
    unit's and year's budget document's row (B05 for 一般公共预算, B08, B09), its 合计:
    checked only where that budget is loaded (`budget`) and prints the subject; else
    None, never a guess."""
    if statement.table == "T07":
        found = statement_terms(document, statement, "预算数")
        return None if found is None else BudgetFigure(found[0], found[1], "T07")
    budget_table = BUDGET_TABLE_OF.get(statement.table or "")
    if budget is None or budget_table is None:
        return None
    found = statement_terms(budget, statement, "合计", budget_table)
    if found is None:
        return None
    return BudgetFigure(found[0], found[1], budget_table, budget.document_id)


def _actual_relation(statement: BudgetStatement) -> str:
    """How the printed final compares with the printed budget (what a reader sees)."""
    difference = statement.final.amount - statement.budget.amount
    return "=" if difference == 0 else (">" if difference > 0 else "<")


def _level(statement: BudgetStatement) -> bool:
    """Whether 持平 / 基本持平 describes budget and final (pattern table: level_share)."""
    difference = abs(statement.final.amount - statement.budget.amount)
    return difference <= level_share() * statement.budget.amount


_RELATION_WORDS = {">": "大于", "<": "小于", "=": "等于", "~": "持平"}


def _stated_against_table(
    c: Collector,
    check: str,
    statement: BudgetStatement,
    stated: Figure,
    found: tuple[str, list[Term]],
    where: str,
    expected_label: str,
    compared_table: str | None,
) -> Outcome | None:
    """A budget statement's figure (年初预算 or 支出决算) against what its table prints."""
    location, terms = found
    outcome = c.identity(
        check,
        None,
        location,
        [_term(stated, statement.place)],
        terms,
        where=where,
        observed_label="年初预算" if stated is statement.budget else "支出决算",
        expected_label=expected_label,
        compared_table=compared_table,
        page=statement.place.page,
        box=statement.place.box,
    )
    if outcome is not None:
        outcome.observed_text = stated.printed
    return outcome


def _statement_fact(
    c: Collector,
    check: str,
    statement: BudgetStatement,
    location: str,
    facts: dict[str, bool],
    pass_message: str,
    fail_message: str,
) -> None:
    """A fact about a budget statement's words, at the statement, with its two figures."""
    c.plausibility(
        check,
        None,
        location,
        facts,
        page=statement.place.page,
        box=statement.place.box,
        pass_message=pass_message,
        fail_message=fail_message,
        observed=statement.final.amount,
        expected=statement.budget.amount,
    )


def budget_year(budget: Document | None) -> str:
    """How a message names the budget document: "2024年预算"."""
    year = None if budget is None else budget.fiscal_year
    return f"{year}年预算" if year is not None else "预算文件"


def _budget_rules(
    c: Collector,
    document: Document,
    statements: list[BudgetStatement],
    budget: Document | None = None,
) -> None:
    for statement in statements:
        place = statement.place
        found = statement_terms(document, statement)
        location = found[0] if found else _unresolved_location(statement)
        where = f"情况说明第 {place.page} 页“{location}”年初预算与决算"
        if found is not None:
            _stated_against_table(
                c,
                "narrative_final_vs_table",
                statement,
                statement.final,
                found,
                where,
                f"{statement.table} {found[0]}",
                statement.table,
            )
        printed_budget = budget_terms(document, statement, budget)
        if printed_budget is not None:
            budget_place = table_place(printed_budget.table, printed_budget.location, "合计")
            table_words = (
                f"{printed_budget.table} {printed_budget.location} 预算数"
                if printed_budget.document_id is None
                else f"{budget_year(budget)}{budget_place}"
            )
            outcome = _stated_against_table(
                c,
                "narrative_budget_vs_table",
                statement,
                statement.budget,
                (printed_budget.location, printed_budget.terms),
                where,
                table_words,
                printed_budget.table,
            )
            if outcome is not None:
                outcome.other_document_id = printed_budget.document_id
        if statement.rate is not None:
            _ratio_identity(
                c,
                "narrative_budget_rate",
                location,
                statement.rate,
                statement.final,
                statement.budget,
                place,
                where,
                "支出决算 ÷ 年初预算",
            )
        actual = _actual_relation(statement)
        figures = f"年初预算 {statement.budget.printed}，支出决算 {statement.final.printed}"
        if statement.relation is not None:
            agree = _level(statement) if statement.relation == "~" else statement.relation == actual
            _statement_fact(
                c,
                "narrative_budget_words",
                statement,
                location,
                {"words_agree": agree},
                f"{where}：“{statement.words}”与数字相符（{figures}）",
                f"{where}：文字说“{statement.words}”，但{figures}，"
                f"决算数{_RELATION_WORDS[actual]}预算数",
            )
        # 五(三)/八: each 项 whose final differs from its budget says why (the template's
        # "预决算持平的不用说明变动原因"); totals and 三公 items are not asked for one
        is_item = statement.path is not None or statement.code is not None
        differs = actual != "=" and not (statement.relation == "~" and _level(statement))
        if is_item and differs:
            given = bool(statement.reason and len(statement.reason) >= 2)
            _statement_fact(
                c,
                "narrative_budget_reason",
                statement,
                location,
                {"reason_given": given},
                f"{where}：说明了差异原因（{statement.reason}）",
                f"{where}：{figures}，决算与预算不同，但没有说明原因",
            )


def _prior_figure(prior: Document, name: str) -> list[Term] | None:
    """What the previous year's document prints for a figure: its table, else its narrative."""
    if name in NARRATIVE_FIGURES:
        table_id, table_figure, _ = NARRATIVE_FIGURES[name]
        if prior.present(table_id):
            terms = table_figure(prior.table(table_id))
            if any(term.printed for term in terms):
                return terms
    stated = prior.narrative.get(name)
    return None if stated is None else [stated.term()]


def _change_rules(
    c: Collector, document: Document, statements: list[ChangeStatement], prior: Document | None
) -> None:
    for statement in statements:
        figure, place = statement.figure, statement.place
        if figure is None:
            continue
        if document.is_budget and not statement.figure_in_sentence:
            # a budget's "2026年预算比2025年预算增加 A 万元" restates no figure: the amount
            # of the sentence before is another one's (长春 2026: 项目支出预算)
            continue
        name = statement.figure_name or "变动"
        sign = -1 if statement.increase else 1
        previous_amount = figure.amount + sign * statement.change.amount
        basis = "上年" if not statement.against_budget else "年初预算"
        where = f"情况说明第 {place.page} 页“{name}”比{basis}变动"
        slack = figure.half_unit + statement.change.half_unit
        if previous_amount > slack:
            spread = (
                HUNDRED * statement.change.half_unit / previous_amount
                + HUNDRED * statement.change.amount * slack / previous_amount**2
            )
            ratio = statement.change.amount * HUNDRED / previous_amount
            printed_ratio = ratio.quantize(statement.rate.value, rounding=ROUND_HALF_UP)
            expected = (
                statement.rate.value
                if printed_ratio == statement.rate.value
                else ratio.quantize(_RATIO_DIGITS)
            )
            outcome = c.identity(
                "narrative_change_rate",
                None,
                name,
                [
                    Term(
                        statement.rate.value,
                        "%",
                        printed_decimals(statement.rate.digits),
                        page=place.page,
                        box=place.box,
                    )
                ],
                [Term(expected, "%", 4, page=place.page)],
                where=where,
                observed_label="文字说明的变动率",
                expected_label=f"变动额 ÷ {basis}数",
                page=place.page,
                box=place.box,
            )
            if outcome is not None:
                outcome.tolerance = _rounded_up(statement.rate.half_unit + spread)
                outcome.observed_text = f"{statement.rate.digits}%"
                outcome.expected_text = (
                    f"{ratio:.2f}%（{statement.change.printed} ÷ {fmt(previous_amount)}万元）"
                )
        if prior is None or statement.against_budget or statement.figure_name is None:
            continue
        if statement.figure_name not in {spec.name for spec in figure_specs()}:
            continue  # a figure named only by its words: no previous-year figure to match
        prior_terms = _prior_figure(prior, statement.figure_name)
        # Compared only when both years print in the same unit, tables and narrative: a
        # 万元 figure is rounded (a total, from rounded lines), and may stray from the 元
        # accounts the other year's narrative reckons from by more than its own rounding.
        prior_units = {term.unit for term in prior_terms or ()}
        prior_units |= {stated.unit for stated in prior.narrative.values()}
        if prior_terms is None or prior_units != {figure.unit}:
            continue
        outcome = c.identity(
            "narrative_change_prior_year",
            None,
            name,
            [_term(figure, place), _term(statement.change, place, sign)],
            prior_terms,
            where=where,
            observed_label=f"本年数 {'−' if statement.increase else '+'} 变动额",
            expected_label=f"{prior.fiscal_year} 年度决算",
            page=place.page,
            box=place.box,
        )
        if outcome is not None:
            outcome.expected_text = f"{fmt(total(prior_terms))}万元"
            outcome.other_document_id = prior.document_id


def _whole_figure(document: Document, statement: ShareStatement) -> Figure | None:
    if statement.whole is not None:
        return statement.whole
    wholes = pattern_table()["share"]["named_wholes"]
    stated = document.narrative.get(wholes.get(statement.whole_name, statement.whole_name))
    if stated is None:
        return None
    return Figure(stated.amount, printed_figure(stated).removesuffix(stated.unit), stated.unit)


def _share_rules(c: Collector, document: Document, statements: list[ShareStatement]) -> None:
    t05 = document.table("T05") if document.present("T05") else None
    for statement in statements:
        place = statement.place
        whole = _whole_figure(document, statement)
        part_name = statement.part_name
        if whole is not None:
            outcome = _ratio_identity(
                c,
                "narrative_share",
                part_name,
                statement.share,
                statement.part,
                whole,
                place,
                f"情况说明第 {place.page} 页“{part_name}”占{statement.whole_name}",
                f"{part_name} ÷ {statement.whole_name}",
            )
            if outcome is not None and outcome.tolerance is not None and statement.balanced:
                # shares printed to add up to 100% carry the rounding of the whole list,
                # put on one of them (枣庄: 9.56% printed 9.55% so that the list makes 100%)
                outcome.tolerance += statement.list_size * statement.share.half_unit
        # the 类 amounts of the 一般公共预算 structure restate T05's class rows
        if t05 is not None and statement.whole_name == "一般公共预算财政拨款支出":
            classes = [row for row in t05.coded_rows() if len(row.code or "") == 3]
            row = _named_row(classes, statement.part_name)
            if row is None:
                continue
            outcome = c.identity(
                "narrative_matches_tables",
                None,
                row.location,
                [_term(statement.part, place)],
                [t05.term(row, "合计")],
                where=f"情况说明第 {place.page} 页“{statement.part_name}”",
                observed_label="文字说明",
                expected_label=f"一般公共预算财政拨款支出决算表 {row.location} 合计",
                compared_table="T05",
                page=place.page,
                box=place.box,
            )
            if outcome is not None:
                outcome.observed_text = statement.part.printed


def _count_rules(c: Collector, statements: list[CountStatement]) -> None:
    for statement in statements:
        place = statement.place
        total, *parts = (
            Term(Decimal(value), "辆", 0, page=place.page, box=place.box)
            for value in (statement.total, *(number for _, number in statement.parts))
        )
        outcome = c.identity(
            "narrative_vehicle_count",
            None,
            "车辆",
            [total],
            parts,
            where=f"情况说明第 {place.page} 页“共有车辆”",
            observed_label="共有车辆",
            expected_label="各类车辆之和",
            page=place.page,
            box=place.box,
        )
        if outcome is not None:
            outcome.tolerance = Decimal(0)  # counts are exact
            outcome.observed_text = f"{statement.total}辆"
            outcome.expected_text = f"{sum(n for _, n in statement.parts)}辆"


def _count_at_least(
    c: Collector,
    location: str,
    place: Place,
    where: str,
    larger: tuple[str, Count],
    smaller: tuple[str, Count],
) -> None:
    """larger ≥ smaller, two counts of one sentence (exact: a count carries no rounding)."""
    (larger_label, larger_count), (smaller_label, smaller_count) = larger, smaller
    outcome = c.identity(
        "narrative_visit_counts",
        None,
        location,
        [Term(Decimal(larger_count.number), larger_count.unit, 0, page=place.page, box=place.box)],
        [Term(Decimal(smaller_count.number), smaller_count.unit, 0, page=place.page)],
        where=where,
        observed_label=larger_label,
        expected_label=smaller_label,
        page=place.page,
        box=place.box,
    )
    if outcome is not None:
        outcome.tolerance = Decimal(0)
        outcome.observed_text = larger_count.printed
        outcome.expected_text = smaller_count.printed


def _groups_within_persons(
    c: Collector,
    location: str,
    place: Place,
    where: str,
    groups: tuple[str, Count],
    persons: Count,
) -> None:
    """团组 / 批次 ≤ 人次: a group is one person at least. Checked only where the persons
    are stated above 0 (a printed 0 beside groups is left alone, to be safe)."""
    if persons.number > 0:
        _count_at_least(c, location, place, where, ("人次数", persons), groups)


def _visit_rules(c: Collector, statements: list[VisitCount]) -> None:
    for visit in statements:
        place = visit.place
        where = f"情况说明第 {place.page} 页“{visit.what}”"
        groups_within = f"{visit.what}{visit.groups_word}与人次"
        _groups_within_persons(
            c, groups_within, place, where, (f"{visit.groups_word}数", visit.groups), visit.persons
        )
        if visit.part is None or visit.part_groups is None or visit.part_persons is None:
            continue
        part_where = f"{where}其中“{visit.part}”"
        part = f"{visit.what}其中{visit.part}"
        _count_at_least(
            c,
            f"{part}{visit.groups_word}",
            place,
            part_where,
            (f"共计{visit.groups_word}数", visit.groups),
            (f"其中{visit.part}{visit.groups_word}数", visit.part_groups),
        )
        _count_at_least(
            c,
            f"{part}人次",
            place,
            part_where,
            ("共计人次数", visit.persons),
            (f"其中{visit.part}人次数", visit.part_persons),
        )
        _groups_within_persons(
            c,
            f"{part}{visit.groups_word}与人次",
            place,
            part_where,
            (f"其中{visit.part}{visit.groups_word}数", visit.part_groups),
            visit.part_persons,
        )


def _leftover_rules(c: Collector, document: Document) -> None:
    found = leftovers(document.lines)
    if not found and document.lines:
        # One passing outcome says the narrative was read for leftovers and had none.
        c.plausibility(
            "narrative_template_leftover",
            None,
            None,
            {"template_leftover": None},
            page=None,
            pass_message="情况说明无模板残留",
            fail_message="",
        )
    for leftover in found:
        place = leftover.place
        c.plausibility(
            "narrative_template_leftover",
            None,
            leftover.text,
            {"template_leftover": leftover.text},
            page=place.page,
            box=place.box,
            pass_message="",
            fail_message=(
                f"第 {place.page} 页：{leftover.what}“{leftover.text}”（模板残留，请核对）"
            ),
        )


def last_table_page(document: Document) -> int:
    """The last page any table is printed on (the narrative follows the tables)."""
    pages = [0]
    for table in document.tables.values():
        pages += [p for p in (table.first_page, table.last_page) if p is not None]
        pages += [row.page for row in table.rows]
    return max(pages)


def narrative_rules(
    c: Collector,
    document: Document,
    prior: Document | None = None,
    budget: Document | None = None,
) -> None:
    """Every narrative check of the document; `prior`: the same unit's previous-year
    document of the same kind, `budget`: the same unit's and year's budget (for final
    accounts), when the warehouse holds them."""
    _restated_figures(c, document)
    if not document.lines:
        return  # read by an extractor that kept no lines: only the restated figures
    text = FoldedText.of(narrative_lines(document.lines, last_table_page(document)))
    _budget_rules(c, document, budget_statements(text), budget)
    _change_rules(c, document, change_statements(text), prior)
    _share_rules(c, document, share_statements(text))
    _count_rules(c, vehicle_counts(text))
    _visit_rules(c, visit_counts(text))
    _leftover_rules(c, document)
