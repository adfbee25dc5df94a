"""The accounting identities of domain.md, checked exactly on a Disclosure.

Generated disclosures satisfy all of them to the cent; the seed case carries the real
document's rounding differences and so reports a few. Each violation names the check of
pipelines.quality.catalogue it belongs to and where that check reports it
(`identity_findings`); `identity_violations` gives the readable messages alone.

Where a check is reported: a subject table's row code (3/5/7 digits) or '合计'; a T01/T04
line label ('本年支出合计', '总计', a class line's name); a T06 econ code or
'人员经费合计'/'公用经费合计'; a T07 item label; a narrative figure's ground-truth key
(table None). A check across two tables is reported at the first table of its id
(t01_t03_expenditure at T01, t03_t05_basic_at_least at T03). Checks involving a table the
document leaves out (Disclosure.missing_tables) are not evaluated.
"""

from __future__ import annotations

from dataclasses import dataclass

from juesuan_samples.model import (
    T09_STYLE_EXPENDITURE,
    Amount,
    BasicExpenditure,
    Disclosure,
    Statement,
    SubjectTable,
    ThreePublic,
    amount_sum,
)

# Narrative figures (ground-truth keys) and the table each is checked against.
NARRATIVE_TABLES = {
    "本年收入合计": "T01",
    "本年支出合计": "T01",
    "基本支出": "T03",
    "项目支出": "T03",
    "财政拨款收入支出总计": "T04",
    "三公经费预算数": "T07",
    "三公经费决算数": "T07",
    "政府采购总额": None,  # against its three parts, within the narrative
}


@dataclass(frozen=True)
class Violation:
    """One identity that does not hold: its check id, where it is reported, and a message."""

    check: str
    table: str | None
    location: str | None
    message: str

    @property
    def site(self) -> tuple[str, str | None, str | None]:
        return (self.check, self.table, self.location)


def involved_tables(check: str, table: str | None, location: str | None) -> frozenset[str]:
    """The tables whose printed figures a check at this site reads ('narrative' included)."""
    if check == "narrative_matches_tables":
        other = NARRATIVE_TABLES.get(location or "")
        return frozenset({"narrative", other} if other else {"narrative"})
    parts = check.split("_")
    if len(parts) > 2 and all(len(p) == 3 and p[0] == "t" and p[1:].isdigit() for p in parts[:2]):
        return frozenset(part.upper() for part in parts[:2])
    return frozenset({table} if table else ())


def _value(amount: Amount) -> int:
    return amount or 0


class _Checker:
    def __init__(self, missing: frozenset[str]) -> None:
        self.missing = missing
        self.violations: list[Violation] = []

    def _skipped(self, site: tuple[str, str | None, str | None]) -> bool:
        return bool(involved_tables(*site) & self.missing)

    def equal(
        self,
        site: tuple[str, str | None, str | None],
        where: str,
        observed: Amount,
        expected: int,
    ) -> None:
        if self._skipped(site):
            return
        if _value(observed) != expected:
            self.violations.append(Violation(*site, f"{where}: {_value(observed)} != {expected}"))

    def at_least(
        self,
        site: tuple[str, str | None, str | None],
        where: str,
        larger: Amount,
        smaller: Amount,
    ) -> None:
        if self._skipped(site):
            return
        if _value(larger) < _value(smaller):
            self.violations.append(
                Violation(*site, f"{where}: {_value(larger)} < {_value(smaller)}")
            )


def _check_hierarchy(check: _Checker, table_id: str, table: SubjectTable) -> None:
    """合计 = Σ 类, 类 = Σ its 款, 款 = Σ its 项, in every column, when children are printed."""
    coded = [row for row in table.rows if row.code is not None]
    for index, column in enumerate(table.columns):
        classes = [row for row in coded if len(row.code) == 3]
        if classes:
            check.equal(
                ("subject_hierarchy", table_id, "合计"),
                f"{table_id} 合计 {column} = Σ 类",
                table.total.values[index],
                amount_sum(row.values[index] for row in classes),
            )
        for parent in coded:
            child_length = {3: 5, 5: 7}.get(len(parent.code))
            children = [
                row
                for row in coded
                if len(row.code) == child_length and row.code.startswith(parent.code)
            ]
            if children:
                check.equal(
                    ("subject_hierarchy", table_id, parent.code),
                    f"{table_id} {parent.code} {column} = Σ children",
                    parent.values[index],
                    amount_sum(row.values[index] for row in children),
                )


def _check_row_sums(check: _Checker, table_id: str, table: SubjectTable, total: str) -> None:
    """Each row: the total column equals the sum of the others."""
    index = table.columns.index(total)
    for row in table.rows:
        parts = [value for position, value in enumerate(row.values) if position != index]
        check.equal(
            (f"{table_id.lower()}_row_total", table_id, row.code or "合计"),
            f"{table_id} {row.code or '合计'} {total}",
            row.values[index],
            amount_sum(parts),
        )


def _check_fund_flow(check: _Checker, table_id: str, table: SubjectTable) -> None:
    """T08-shaped rows: 小计 = 基本 + 项目; 年末 = 年初 + 本年收入 − 本年支出."""
    for row in table.rows:
        opening, income, spent, basic, project, closing = row.values
        location = row.code or "合计"
        where = f"{table_id} {location}"
        check.equal(
            (f"{table_id.lower()}_row_total", table_id, location),
            f"{where} 本年支出",
            spent,
            _value(basic) + _value(project),
        )
        check.equal(
            (f"{table_id.lower()}_carry_over", table_id, location),
            f"{where} 年末",
            closing,
            _value(opening) + _value(income) - _value(spent),
        )


_SIDE_CHECKS = {
    "收入": ("statement_income_total", "statement_income_grand_total"),
    "支出": ("statement_expense_total", "statement_expense_grand_total"),
}


def _check_statement(check: _Checker, table_id: str, statement: Statement) -> None:
    for side, column_count in (
        ("收入", len(statement.income_columns)),
        ("支出", len(statement.expense_columns)),
    ):
        total_check, grand_check = _SIDE_CHECKS[side]
        lines = statement.of_kind(side, "line")
        (subtotal,) = statement.of_kind(side, "subtotal")
        (grand,) = statement.of_kind(side, "grand_total")
        carries = statement.of_kind(side, "carry")
        subs = statement.of_kind(side, "sub")
        for index in range(column_count):
            check.equal(
                (total_check, table_id, subtotal.label),
                f"{table_id} {subtotal.label}[{index}]",
                subtotal.values[index],
                amount_sum(line.values[index] for line in lines),
            )
            check.equal(
                (grand_check, table_id, grand.label),
                f"{table_id} {side}总计[{index}]",
                grand.values[index],
                _value(subtotal.values[index]) + amount_sum(line.values[index] for line in carries),
            )
            for carry in carries:
                children = [sub for sub in subs if sub.parent == carry.label]
                if children:
                    # 年初财政拨款结转和结余 = Σ its fund sub-lines.
                    check.equal(
                        ("statement_carry_by_fund", table_id, carry.label),
                        f"{table_id} {carry.label}[{index}] = Σ funds",
                        carry.values[index],
                        amount_sum(child.values[index] for child in children),
                    )
    income_grand = statement.of_kind("收入", "grand_total")[0]
    expense_grand = statement.of_kind("支出", "grand_total")[0]
    check.equal(
        ("statement_balance", table_id, income_grand.label),
        f"{table_id} 总计 both sides",
        income_grand.values[0],
        _value(expense_grand.values[0]),
    )


def _check_fund_columns(check: _Checker, t04: Statement) -> None:
    """T04 every expense row: 合计 = Σ fund columns."""
    for line in t04.expense:
        if line.kind == "sub":
            continue
        check.equal(
            ("t04_fund_columns", "T04", line.label),
            f"T04 {line.label} 合计 = Σ funds",
            line.values[0],
            amount_sum(line.values[1:]),
        )


T07_SUBTOTAL_LABEL = "公务用车购置及运行维护费"


def _check_three_public(check: _Checker, side: str, costs: ThreePublic) -> None:
    check.equal(
        ("t07_total", "T07", "合计"),
        f"T07 {side} 合计",
        costs.total,
        _value(costs.abroad) + _value(costs.vehicles) + _value(costs.reception),
    )
    check.equal(
        ("t07_vehicle_subtotal", "T07", T07_SUBTOTAL_LABEL),
        f"T07 {side} 公务用车小计",
        costs.vehicles,
        _value(costs.vehicle_purchase) + _value(costs.vehicle_operation),
    )


def _check_basic_expenditure(check: _Checker, t06: BasicExpenditure) -> None:
    classes = [row for row in t06.rows if len(row.code) == 3]
    for econ_class in classes:
        items = [row for row in t06.rows if len(row.code) == 5 and row.code[:3] == econ_class.code]
        if items:
            check.equal(
                ("t06_hierarchy", "T06", econ_class.code),
                f"T06 {econ_class.code}",
                econ_class.amount,
                amount_sum(row.amount for row in items),
            )
    for category, printed in (("人员经费", t06.personnel_total), ("公用经费", t06.public_total)):
        check.equal(
            ("t06_category_totals", "T06", f"{category}合计"),
            f"T06 {category}合计",
            printed,
            amount_sum(row.amount for row in classes if row.category == category),
        )


def _class_value(table: SubjectTable, code: str, column: str) -> int:
    row = table.find(code)
    return 0 if row is None else _value(table.value(row, column))


def _check_cross_tables(check: _Checker, d: Disclosure) -> None:
    t01, t02, t03, t04, t05 = d.t01, d.t02, d.t03, d.t04, d.t05
    income_lines = {line.label: line.values[0] for line in t01.of_kind("收入", "line")}
    t02_total = t02.total
    check.equal(
        ("t01_t02_income", "T01", "本年收入合计"),
        "T01 本年收入合计 = T02 合计",
        t01.line("收入", "本年收入合计").values[0],
        _value(t02.value(t02_total, "本年收入合计")),
    )
    check.equal(
        ("t01_t02_income", "T01", "财政拨款收入"),
        "T01 财政拨款 lines = T02 财政拨款收入",
        _value(t02.value(t02_total, "财政拨款收入")),
        amount_sum(income_lines[label] for label in list(income_lines)[:3]),
    )
    for label in ("上级补助收入", "事业收入", "经营收入", "附属单位上缴收入", "其他收入"):
        check.equal(
            ("t01_t02_income", "T01", label),
            f"T01 {label} = T02",
            income_lines[label],
            _value(t02.value(t02_total, label)),
        )
    check.equal(
        ("t01_t03_expenditure", "T01", "本年支出合计"),
        "T01 本年支出合计 = T03 合计",
        t01.line("支出", "本年支出合计").values[0],
        _value(t03.value(t03.total, "本年支出合计")),
    )
    for line in t01.of_kind("支出", "line"):
        check.equal(
            ("t01_t03_expenditure", "T01", line.label),
            f"T01 {line.label} = T03 {line.code}",
            line.values[0],
            _class_value(t03, line.code, "本年支出合计"),
        )
    # T01 and T04 agree on the appropriation income lines.
    for (t01_label, t01_value), t04_line in zip(
        list(income_lines.items())[:3], t04.of_kind("收入", "line"), strict=True
    ):
        check.equal(
            ("t01_t04_income", "T01", t01_label),
            f"T01/T04 {t04_line.label}",
            t04_line.values[0],
            _value(t01_value),
        )

    fund_spent = "本年支出小计"
    capital_column = "合计" if d.t09_style == T09_STYLE_EXPENDITURE else fund_spent
    expense_rows = [line for line in t04.expense if line.kind in ("line", "subtotal")]
    for line in expense_rows:
        if line.kind == "line":
            general = _class_value(t05, line.code, "合计")
            fund = _class_value(d.t08, line.code, fund_spent)
            capital = _class_value(d.t09, line.code, capital_column)
        else:
            general = _value(t05.value(t05.total, "合计"))
            fund = _value(d.t08.value(d.t08.total, fund_spent))
            capital = _value(d.t09.value(d.t09.total, capital_column))
        check.equal(
            ("t04_t05_general_budget", "T04", line.label),
            f"T04 {line.label} 一般公共预算 = T05",
            line.values[1],
            general,
        )
        check.equal(
            ("t04_t08_government_fund", "T04", line.label),
            f"T04 {line.label} 政府性基金 = T08",
            line.values[2],
            fund,
        )
        check.equal(
            ("t04_t09_state_capital", "T04", line.label),
            f"T04 {line.label} 国有资本经营 = T09",
            line.values[3],
            capital,
        )
    if not d.t08.empty:
        fund_income = t04.of_kind("收入", "line")[1]
        check.equal(
            ("t04_t08_government_fund", "T04", fund_income.label),
            "T04 政府性基金 income = T08 本年收入",
            fund_income.values[0],
            _value(d.t08.value(d.t08.total, "本年收入")),
        )

    t06 = d.t06
    check.equal(
        ("t05_t06_basic", "T05", "合计"),
        "T05 基本支出 = T06 人员经费合计 + 公用经费合计",
        t05.value(t05.total, "基本支出"),
        _value(t06.personnel_total) + _value(t06.public_total),
    )
    for row in t05.rows:
        t03_row = t03.total if row.code is None else t03.find(row.code)
        check.at_least(
            ("t03_t05_basic_at_least", "T03", row.code or "合计"),
            f"T03 基本支出 ≥ T05 基本支出 {row.code or '合计'}",
            None if t03_row is None else t03.value(t03_row, "基本支出"),
            t05.value(row, "基本支出"),
        )

    narrative = d.narrative

    def narrative_site(figure: str) -> tuple[str, None, str]:
        return ("narrative_matches_tables", None, figure)

    check.equal(
        narrative_site("本年收入合计"),
        "narrative 本年收入合计",
        narrative.income_total,
        _value(t01.line("收入", "本年收入合计").values[0]),
    )
    check.equal(
        narrative_site("本年支出合计"),
        "narrative 本年支出合计",
        narrative.expenditure_total,
        _value(t01.line("支出", "本年支出合计").values[0]),
    )
    check.equal(
        narrative_site("基本支出"),
        "narrative 基本支出",
        narrative.basic,
        _value(t03.value(t03.total, "基本支出")),
    )
    check.equal(
        narrative_site("项目支出"),
        "narrative 项目支出",
        narrative.project,
        _value(t03.value(t03.total, "项目支出")),
    )
    check.equal(
        narrative_site("财政拨款收入支出总计"),
        "narrative 财政拨款收入支出总计",
        narrative.fiscal_grand_total,
        _value(t04.of_kind("收入", "grand_total")[0].values[0]),
    )
    check.equal(
        narrative_site("三公经费预算数"),
        "narrative 三公 预算数",
        narrative.three_public_budget,
        _value(d.t07.budget.total),
    )
    check.equal(
        narrative_site("三公经费决算数"),
        "narrative 三公 决算数",
        narrative.three_public_final,
        _value(d.t07.final.total),
    )
    check.equal(
        narrative_site("政府采购总额"),
        "narrative 政府采购总额",
        narrative.procurement_total,
        narrative.procurement_goods + narrative.procurement_works + narrative.procurement_services,
    )


def identity_findings(d: Disclosure) -> list[Violation]:
    """Every identity of domain.md that does not hold exactly, with its check and site."""
    check = _Checker(d.missing_tables)
    _check_row_sums(check, "T02", d.t02, "本年收入合计")
    _check_row_sums(check, "T03", d.t03, "本年支出合计")
    _check_row_sums(check, "T05", d.t05, "合计")
    _check_fund_flow(check, "T08", d.t08)
    if d.t09_style == T09_STYLE_EXPENDITURE:
        _check_row_sums(check, "T09", d.t09, "合计")
    else:
        _check_fund_flow(check, "T09", d.t09)
    for table_id, table in (
        ("T02", d.t02),
        ("T03", d.t03),
        ("T05", d.t05),
        ("T08", d.t08),
        ("T09", d.t09),
    ):
        _check_hierarchy(check, table_id, table)
    _check_basic_expenditure(check, d.t06)
    _check_three_public(check, "预算数", d.t07.budget)
    _check_three_public(check, "决算数", d.t07.final)
    _check_statement(check, "T01", d.t01)
    _check_statement(check, "T04", d.t04)
    _check_fund_columns(check, d.t04)
    _check_cross_tables(check, d)
    return check.violations


def identity_violations(d: Disclosure) -> list[str]:
    """Every identity of domain.md that does not hold exactly, as readable messages."""
    return [violation.message for violation in identity_findings(d)]
