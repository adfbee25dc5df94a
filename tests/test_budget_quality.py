"""The quality checks of budgets (预算, issue 11) on hand-made documents (no PDF, no warehouse).

A budget's own tables (B01…B09) close by the final accounts' identities under their own
check names; a final accounts' T07 预算数 and its narrative's 年初预算 are checked against
the same unit's and year's budget where both are loaded, and nowhere else; the rules
written for final accounts say nothing about a budget they would misread.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest

from pipelines.quality.catalogue import CHECKS
from pipelines.quality.checks import budget_documents, check_document, prior_documents
from pipelines.quality.document import (
    BUDGET,
    BUDGET_TABLE_IDS,
    TABLE_IDS,
    Cell,
    Document,
    Table,
    assemble_documents,
)
from pipelines.quality.engine import OTHER_BUDGET_ERRING, attribute_across_documents
from pipelines.quality.gx import validate_outcomes
from pipelines.quality.outcomes import ERROR, INFO, REVIEW, ROUNDING, Outcome
from pipelines.quality.text import PageLine
from tests.test_quality_rules import make_table
from tests.test_review_narrative import T05_ROWS, lines_of, putuo

D = Decimal


def budget(
    *tables: Table,
    lines: list[PageLine] | None = None,
    document_id: str = "budget",
    unit_id: str = "unit",
    year: int = 2024,
    level: str | None = "单位",
) -> Document:
    """A budget: absent B tables are missing."""
    by_id = {table.table_id: table for table in tables}
    all_tables = {t: by_id.get(t, Table(t, "missing", None, None)) for t in BUDGET_TABLE_IDS}
    return Document(
        document_id, unit_id, "某单位", year, all_tables, {}, tuple(lines or ()), level, BUDGET
    )


def final(
    *tables: Table,
    lines: list[PageLine] | None = None,
    document_id: str = "final",
    unit_id: str = "unit",
    year: int = 2024,
    level: str | None = "单位",
) -> Document:
    by_id = {table.table_id: table for table in tables}
    all_tables = {t: by_id.get(t, Table(t, "missing", None, None)) for t in TABLE_IDS}
    return Document(document_id, unit_id, "某单位", year, all_tables, {}, tuple(lines or ()), level)


def decided(document: Document, **kwargs) -> list[Outcome]:
    """The document's outcomes, decided as the engine decides them: by the GX suites."""
    outcomes = check_document(document, **kwargs)
    validate_outcomes(outcomes, "budget-test")
    return outcomes


def of(outcomes: list[Outcome], check: str) -> dict[tuple[str | None, str | None], Outcome]:
    """A check's outcomes by (location, measure)."""
    return {(o.location, o.measure): o for o in outcomes if o.check_name == check}


def severities(outcomes: list[Outcome], check: str) -> dict[tuple[str | None, str | None], str]:
    return {site: o.severity or "" for site, o in of(outcomes, check).items()}


def subject_table(table_id: str, columns: tuple[str, ...], rows: list[tuple], unit="万元"):
    """rows: (code, label, *printed values in `columns` order)."""
    return make_table(
        table_id,
        [(code, label, dict(zip(columns, values, strict=True))) for code, label, *values in rows],
        unit,
    )


# ---------------------------------------------------------------------------
# The budget tables' own identities


B02_COLUMNS = (
    "合计",
    "财政拨款收入小计",
    "一般公共预算拨款收入",
    "政府性基金预算拨款收入",
    "事业收入",
    "上年结转结余",
)


def b02(total_row_total: str = "130.00", subtotal: str = "110.00") -> Table:
    return subject_table(
        "B02",
        B02_COLUMNS,
        [
            (None, "合计", total_row_total, subtotal, "100.00", "10.00", "15.00", "5.00"),
            ("201", "一般公共服务支出", "130.00", "110.00", "100.00", "10.00", "15.00", "5.00"),
        ],
    )


def test_b02_total_is_its_printed_parts_and_the_subtotal_its_funds() -> None:
    found = decided(budget(b02()))
    sites = of(found, "b02_row_total")
    # 合计 = the funds + 事业收入 + 上年结转结余 (the 小计 is not a second summand)
    assert sites[("合计", None)].expected == D("130.00")
    assert sites[("合计", "财政拨款收入小计")].expected == D("110.00")
    assert {o.severity for o in sites.values()} == {INFO}
    assert sites[("合计", None)].source_table == "B02"
    assert "收入预算总表" in sites[("合计", None)].message()
    # rounding: one cent off over six printed terms; error: ten yuan off
    assert severities(decided(budget(b02("130.01"))), "b02_row_total")[("合计", None)] == ROUNDING
    wrong = severities(decided(budget(b02("130.00", "111.00"))), "b02_row_total")
    assert wrong[("合计", "财政拨款收入小计")] == ERROR and wrong[("合计", None)] == INFO


def test_b02_single_appropriation_column_is_a_part() -> None:
    table = subject_table(
        "B02",
        ("合计", "财政拨款收入", "其他收入"),
        [
            (None, "合计", "12.00", "10.00", "2.00"),
            ("201", "一般公共服务支出", "12.00", "10.00", "2.00"),
        ],
    )
    sites = of(decided(budget(table)), "b02_row_total")
    assert set(sites) == {("合计", None), ("201", None)}
    assert {o.severity for o in sites.values()} == {INFO}


def test_b03_row_total_and_b05_only_where_parts_are_printed() -> None:
    b03 = subject_table(
        "B03",
        ("合计", "基本支出", "项目支出", "事业单位经营支出"),
        [(None, "合计", "60.00", "30.00", "20.00", "10.00")],
    )
    assert severities(decided(budget(b03)), "b03_row_total") == {("合计", None): INFO}
    erring = subject_table(
        "B03", ("合计", "基本支出", "项目支出"), [(None, "合计", "60.00", "30.00", "20.00")]
    )
    assert severities(decided(budget(erring)), "b03_row_total") == {("合计", None): ERROR}
    # a B05 printing 合计 alone has no row total (its parts are not blanks to add up)
    total_only = subject_table("B05", ("合计",), [(None, "合计", "60.00")])
    assert not of(decided(budget(total_only)), "b05_row_total")
    b05 = subject_table(
        "B05", ("合计", "基本支出", "项目支出"), [(None, "合计", "60.01", "30.00", "30.00")]
    )
    assert severities(decided(budget(b05)), "b05_row_total") == {("合计", None): ROUNDING}


def test_budget_subject_hierarchy_in_every_column() -> None:
    columns = ("合计", "基本支出", "项目支出")
    rows = [
        (None, "合计", "30.00", "20.00", "10.00"),
        ("201", "一般公共服务支出", "30.00", "20.00", "10.00"),
        ("20106", "财政事务", "30.00", "20.00", "10.00"),
        ("2010601", "行政运行", "20.00", "20.00", ""),
        ("2010602", "一般行政管理事务", "10.01", "", "10.00"),
    ]
    found = decided(budget(subject_table("B08", columns, rows)))
    hierarchy = severities(found, "budget_subject_hierarchy")
    assert hierarchy[("20106", "合计")] == ROUNDING
    assert hierarchy[("20106", "基本支出")] == INFO and hierarchy[("合计", "项目支出")] == INFO
    assert not of(found, "subject_hierarchy")  # the final accounts' check is not a budget's
    rows[3] = ("2010601", "行政运行", "21.00", "20.00", "")
    broken = severities(decided(budget(subject_table("B08", columns, rows))), "b08_row_total")
    assert broken[("2010601", None)] == ERROR


def b06(personnel_total: str = "80.00", grand_total: str = "100.00") -> Table:
    return subject_table(
        "B06",
        ("合计", "人员经费", "公用经费"),
        [
            ("301", "工资福利支出", "70.00", "70.00", ""),
            ("30101", "基本工资", "40.00", "40.00", ""),
            ("30102", "津贴补贴", "30.00", "30.00", ""),
            ("303", "对个人和家庭的补助", "10.00", "10.00", ""),
            ("302", "商品和服务支出", "20.00", "", "20.00"),
            (None, "人员经费合计", personnel_total, personnel_total, ""),
            (None, "公用经费合计", "20.00", "", "20.00"),
            (None, "合计", grand_total, "80.00", "20.00"),
        ],
    )


def test_b06_classes_categories_total_and_columns() -> None:
    found = decided(budget(b06()))
    assert severities(found, "b06_hierarchy")[("301", "合计")] == INFO
    totals = severities(found, "b06_category_totals")
    assert totals[("人员经费合计", "合计")] == INFO and totals[("合计", "合计")] == INFO
    rows = severities(found, "b06_row_total")
    assert rows[("人员经费合计", None)] == INFO and rows[("合计", None)] == INFO
    assert rows[("30101", None)] == INFO
    wrong = decided(budget(b06(personnel_total="81.00", grand_total="100.00")))
    assert severities(wrong, "b06_category_totals")[("人员经费合计", "合计")] == ERROR
    # a row whose 合计 is not its 人员经费 + 公用经费
    rows_wrong = [
        r if r.code != "30101" else replace(r, cells=r.cells | {"合计": Cell(D("41.00"), "41.00")})
        for r in b06().rows
    ]
    odd_row = replace(b06(), rows=tuple(rows_wrong))
    assert severities(decided(budget(odd_row)), "b06_row_total")[("30101", None)] == ERROR
    grand = severities(decided(budget(b06(grand_total="100.01"))), "b06_category_totals")
    assert grand[("合计", "合计")] == ROUNDING


def b07(total: str = "6.00", vehicles: str = "3.00", extra_columns: bool = False) -> Table:
    rows = [
        ("合计", total),
        ("因公出国（境）费", "1.00"),
        ("公务用车购置及运行维护费", vehicles),
        ("公务用车购置费", "1.00"),
        ("公务用车运行维护费", "2.00"),
        ("公务接待费", "2.00"),
        ("会议费", "9.00"),  # printed beside the 三公, no part of them
    ]
    return make_table(
        "B07",
        [
            (None, label, {"预算数": value} | ({"上年预算数": value} if extra_columns else {}))
            for label, value in rows
        ],
    )


def test_b07_total_and_vehicles() -> None:
    found = decided(budget(b07(extra_columns=True)))
    assert severities(found, "b07_total") == {
        ("合计", "预算数"): INFO,
        ("合计", "上年预算数"): INFO,
    }
    assert severities(found, "b07_vehicle_subtotal")[("公务用车购置及运行维护费", "预算数")] == INFO
    assert severities(decided(budget(b07(total="6.01"))), "b07_total") == {
        ("合计", "预算数"): ROUNDING
    }
    assert (
        severities(decided(budget(b07(vehicles="4.00", total="7.00"))), "b07_vehicle_subtotal")[
            ("公务用车购置及运行维护费", "预算数")
        ]
        == ERROR
    )


def statement(table_id: str, income: list[tuple], expense: list[tuple]) -> Table:
    """income/expense: (code, label, {column: printed})."""
    return make_table(
        table_id,
        [(code, label, cells, "收入") for code, label, cells in income]
        + [(code, label, cells, "支出") for code, label, cells in expense],
    )


def b01(income_total: str = "125.00", expense_class: str = "125.00") -> Table:
    def amount(value: str) -> dict[str, str]:
        return {"预算数": value}

    return statement(
        "B01",
        [
            (None, "一般公共预算拨款收入", amount("100.00")),
            (None, "政府性基金预算拨款收入", amount("10.00")),
            (None, "事业收入", amount("15.00")),
            (None, "本年收入合计", amount(income_total)),
            (None, "上年结转结余", amount("5.00")),
            (None, "收入总计", amount("130.00")),
        ],
        [
            ("201", "一般公共服务支出", amount(expense_class)),
            ("208", "社会保障和就业支出", amount("5.00")),
            (None, "本年支出合计", amount("130.00")),
            (None, "支出总计", amount("130.00")),
        ],
    )


def test_b01_totals_grand_totals_and_balance() -> None:
    found = decided(budget(b01()))
    for check in (
        "budget_statement_income_total",
        "budget_statement_expense_total",
        "budget_statement_income_grand_total",
        "budget_statement_expense_grand_total",
        "budget_statement_balance",
    ):
        assert {o.severity for o in of(found, check).values()} == {INFO}, check
    assert not of(found, "statement_balance")
    assert (
        of(found, "budget_statement_income_total")[("本年收入合计", "预算数")].source_table == "B01"
    )
    wrong = decided(budget(b01(expense_class="124.00")))
    assert severities(wrong, "budget_statement_expense_total") == {
        ("本年支出合计", "预算数"): ERROR
    }
    rounded = decided(budget(b01(income_total="125.01")))
    assert severities(rounded, "budget_statement_income_total") == {
        ("本年收入合计", "预算数"): ROUNDING
    }


def b04(general: str = "100.00", fund: str = "10.00", total: str = "110.00") -> Table:
    funds = ("合计", "一般公共预算", "政府性基金预算")
    return statement(
        "B04",
        [
            (None, "一般公共预算拨款", {"预算数": "100.00"}),
            (None, "政府性基金预算拨款", {"预算数": "10.00"}),
            (None, "本年收入合计", {"预算数": "110.00"}),
            (None, "收入总计", {"预算数": "110.00"}),
        ],
        [
            ("201", "一般公共服务支出", dict(zip(funds, (total, general, fund), strict=True))),
            (None, "本年支出合计", dict(zip(funds, (total, general, fund), strict=True))),
            (None, "支出总计", dict(zip(funds, (total, general, fund), strict=True))),
        ],
    )


def test_b04_fund_columns_and_the_funds_tables() -> None:
    b05 = subject_table(
        "B05",
        ("合计", "基本支出", "项目支出"),
        [
            (None, "合计", "100.00", "80.00", "20.00"),
            ("201", "一般公共服务支出", "100.00", "80.00", "20.00"),
        ],
    )
    b08 = subject_table(
        "B08", ("合计",), [(None, "合计", "10.00"), ("201", "一般公共服务支出", "10.00")]
    )
    found = decided(budget(b04(), b05, b08))
    assert {o.severity for o in of(found, "b04_fund_columns").values()} == {INFO}
    general = of(found, "b04_b05_general_budget")
    assert {o.severity for o in general.values()} == {INFO}
    assert {(o.source_table, o.compared_table) for o in general.values()} == {("B04", "B05")}
    assert {o.severity for o in of(found, "b04_b08_government_fund").values()} == {INFO}
    # B09 not printed: no comparison with it
    assert not of(found, "b04_b09_state_capital")
    wrong = decided(budget(b04(general="99.00"), b05, b08))
    assert ERROR in {o.severity for o in of(wrong, "b04_fund_columns").values()}
    assert ERROR in {o.severity for o in of(wrong, "b04_b05_general_budget").values()}


def test_b01_against_b02_b03_and_b05_against_b06() -> None:
    b03 = subject_table(
        "B03", ("合计", "基本支出", "项目支出"), [(None, "合计", "130.00", "80.00", "50.00")]
    )
    b05 = subject_table(
        "B05", ("合计", "基本支出", "项目支出"), [(None, "合计", "100.00", "100.00", "")]
    )
    found = decided(budget(b01(), b02(), b03, b05, b06()))
    assert severities(found, "b01_b02_income") == {("本年收入合计", None): INFO}
    # B02's 合计 counts its 上年结转结余 column; B01's 本年收入合计 does not
    income = of(found, "b01_b02_income")[("本年收入合计", None)]
    assert income.expected == D("125.00") and "上年结转结余" in income.message()
    assert severities(found, "b01_b03_expenditure") == {("本年支出合计", None): INFO}
    assert severities(found, "b05_b06_basic") == {("合计", None): INFO}
    assert of(found, "b05_b06_basic")[("合计", None)].compared_table == "B06"
    short = subject_table(
        "B05", ("合计", "基本支出", "项目支出"), [(None, "合计", "99.00", "99.00", "")]
    )
    assert severities(decided(budget(b06(), short)), "b05_b06_basic") == {("合计", None): ERROR}
    assert severities(decided(budget(b01(), b02(total_row_total="131.00"))), "b01_b02_income") == {
        ("本年收入合计", None): ERROR
    }


# ---------------------------------------------------------------------------
# The rounding envelope follows the printed precision


def test_yuan_integers_and_six_decimal_wan_have_their_own_envelope() -> None:
    columns = ("合计", "基本支出", "项目支出")
    # Shanghai: 元 integers, each term ±0.5 元 = 0.00005 万元
    yuan = subject_table("B05", columns, [(None, "合计", "1,001", "500", "500")], unit="元")
    (outcome,) = of(decided(budget(yuan)), "b05_row_total").values()
    assert outcome.tolerance == D("0.00015") and outcome.deviation == D("0.0001")
    assert outcome.severity == ROUNDING  # one yuan over three rounded integers
    yuan_off = subject_table("B05", columns, [(None, "合计", "1,002", "500", "500")], unit="元")
    (off,) = of(decided(budget(yuan_off)), "b05_row_total").values()
    assert off.severity == ERROR  # two yuan is beyond three half-yuan
    # Beijing: 万元 with six decimals, each term ±0.0000005 万元
    six = subject_table(
        "B05", columns, [(None, "合计", "85,185.294830", "85,000.000000", "185.294829")]
    )
    (exact_six,) = of(decided(budget(six)), "b05_row_total").values()
    assert exact_six.tolerance == D("0.0000015") and exact_six.severity == ROUNDING
    six_off = subject_table(
        "B05", columns, [(None, "合计", "85,185.294839", "85,000.000000", "185.294829")]
    )
    (off_six,) = of(decided(budget(six_off)), "b05_row_total").values()
    assert off_six.severity == ERROR  # ten millionths of 万元 (0.1 元) is no rounding here


def test_a_zero_printed_without_decimals_in_a_cent_table_keeps_the_cent_envelope() -> None:
    table = subject_table(
        "B05", ("合计", "基本支出", "项目支出"), [(None, "合计", "10.01", "10.00", "0")]
    )
    assert table.decimals == 2
    (outcome,) = of(decided(budget(table)), "b05_row_total").values()
    assert outcome.tolerance == D("0.015") and outcome.severity == ROUNDING


# ---------------------------------------------------------------------------
# Across documents: the final accounts against the same year's budget


def t07(budgeted_hospitality: str = "2.00") -> Table:
    rows = [
        ("合计", "6.00" if budgeted_hospitality == "2.00" else "6.50", "5.00"),
        ("因公出国（境）费", "1.00", "1.00"),
        ("公务用车购置及运行维护费", "3.00", "3.00"),
        ("公务用车购置费", "1.00", "1.00"),
        ("公务用车运行维护费", "2.00", "2.00"),
        ("公务接待费", budgeted_hospitality, "1.00"),
    ]
    return make_table("T07", [(None, label, {"预算数": b, "决算数": f}) for label, b, f in rows])


def test_t07_budget_is_the_budgets_b07() -> None:
    the_budget = budget(b07())
    found = decided(final(t07()), budget=the_budget)
    matched = of(found, "t07_budget_vs_b07")
    assert {site for site, _ in matched} == {
        "合计",
        "因公出国（境）费",
        "公务用车购置及运行维护费",
        "公务用车购置费",
        "公务用车运行维护费",
        "公务接待费",
    }
    assert {o.severity for o in matched.values()} == {INFO}
    one = matched[("公务接待费", "预算数")]
    assert (one.source_table, one.compared_table, one.other_document_id) == ("T07", "B07", "budget")
    assert one.document_id == "final"
    assert "2024年预算" in one.message() and "“三公”经费支出预算表" in one.message()


def test_t07_against_b07_rounding_and_error() -> None:
    six_decimals = make_table(
        "B07",
        [
            (None, label, {"预算数": value})
            for label, value in (("合计", "6.000004"), ("公务接待费", "1.995000"))
        ],
    )
    rounded = of(decided(final(t07()), budget=budget(six_decimals)), "t07_budget_vs_b07")
    assert rounded[("公务接待费", "预算数")].severity == ROUNDING
    assert rounded[("公务接待费", "预算数")].tolerance == D("0.0050005")
    assert rounded[("合计", "预算数")].severity == ROUNDING
    erring = of(decided(final(t07("2.50")), budget=budget(b07())), "t07_budget_vs_b07")
    assert erring[("公务接待费", "预算数")].severity == ERROR
    assert erring[("合计", "预算数")].severity == ERROR
    assert erring[("因公出国（境）费", "预算数")].severity == INFO


def test_without_a_loaded_budget_there_is_no_cross_document_outcome() -> None:
    found = decided(final(t07(), make_table("T05", T05_ROWS), lines=lines_of(putuo())))
    assert not of(found, "t07_budget_vs_b07")
    assert all(o.other_document_id is None for o in found)
    # the budget loaded but without B07 (or B05): nothing to compare either
    empty_budget = budget()
    found = decided(
        final(t07(), make_table("T05", T05_ROWS), lines=lines_of(putuo())), budget=empty_budget
    )
    assert not of(found, "t07_budget_vs_b07")
    assert not [o for o in found if o.other_document_id]


B05_OF_PUTUO = [
    ("201", "一般公共服务支出", {"合计": "2,993.92"}),
    ("20106", "财政事务", {"合计": "2,993.92"}),
    ("2010601", "行政运行", {"合计": "1,560.05"}),
    ("2010602", "一般行政管理事务", {"合计": "10.00"}),
    (None, "合计", {"合计": "2,993.92"}),
]


def narrative_budget(found: list[Outcome]) -> dict[str, Outcome]:
    return {
        o.location or "": o
        for o in found
        if o.check_name == "narrative_budget_vs_table" and o.compared_table == "B05"
    }


def test_the_narratives_budget_per_item_is_the_budgets_b05_row() -> None:
    the_final = final(make_table("T05", T05_ROWS), lines=lines_of(putuo()))
    found = decided(the_final, budget=budget(make_table("B05", B05_OF_PUTUO)))
    items = narrative_budget(found)
    assert set(items) == {"合计", "2010601", "2010602"}
    assert {o.severity for o in items.values()} == {INFO}
    assert {o.other_document_id for o in items.values()} == {"budget"}
    assert "2024年预算一般公共预算支出预算表" in items["2010601"].message()
    # the budget printed 1560.06: within the rounding of two printed figures
    rows = [
        (c, n, {"合计": "1,560.06"}) if c == "2010601" else (c, n, v) for c, n, v in B05_OF_PUTUO
    ]
    rounded = narrative_budget(decided(the_final, budget=budget(make_table("B05", rows))))
    assert rounded["2010601"].severity == ROUNDING
    # the budget printed 1600.05: the narrative misstates the budget
    rows = [
        (c, n, {"合计": "1,600.05"}) if c == "2010601" else (c, n, v) for c, n, v in B05_OF_PUTUO
    ]
    wrong = narrative_budget(decided(the_final, budget=budget(make_table("B05", rows))))
    assert wrong["2010601"].severity == ERROR and wrong["2010602"].severity == INFO
    # no budget: the narrative's 年初预算 of a 功能分类 subject is not compared
    assert not narrative_budget(decided(the_final))


def test_documents_pair_by_unit_year_kind_and_level() -> None:
    the_final = final(document_id="f2024")
    same = budget(document_id="b2024")
    other_year = budget(document_id="b2025", year=2025)
    other_unit = budget(document_id="b-other", unit_id="other")
    assert {
        k: v.document_id
        for k, v in budget_documents([the_final, same, other_year, other_unit]).items()
    } == {"f2024": "b2024"}
    # a 部门 budget is no 单位 final's budget
    assert budget_documents([the_final, budget(document_id="dept", level="部门")]) == {}
    # the previous year's document is of the same kind: a budget is no final's prior
    previous_budget = budget(document_id="b2023", year=2023)
    previous_final = final(document_id="f2023", year=2023)
    priors = prior_documents([the_final, same, previous_budget, previous_final])
    assert {k: v.document_id for k, v in priors.items()} == {"f2024": "f2023", "b2024": "b2023"}


def test_a_mismatch_with_an_erring_budget_is_for_review() -> None:
    erring_budget = budget(b07(total="9.00"))
    outcomes = check_document(erring_budget) + check_document(
        final(t07("2.50")), budget=erring_budget
    )
    validate_outcomes(outcomes, "budget-test")
    attribute_across_documents(outcomes, {"budget"})
    (hospitality,) = [
        o for o in outcomes if o.check_name == "t07_budget_vs_b07" and o.location == "公务接待费"
    ]
    assert hospitality.severity == REVIEW
    assert OTHER_BUDGET_ERRING in hospitality.uncertain_reasons
    # an error elsewhere in the budget (its B02) says nothing of its B07: still an error
    budget_b02_wrong = budget(b07(), b02(total_row_total="131.00"))
    outcomes = check_document(budget_b02_wrong) + check_document(
        final(t07("2.50")), budget=budget_b02_wrong
    )
    validate_outcomes(outcomes, "budget-test")
    attribute_across_documents(outcomes, {"budget"})
    assert any(o.check_name == "b02_row_total" and o.severity == ERROR for o in outcomes)
    (hospitality,) = [
        o for o in outcomes if o.check_name == "t07_budget_vs_b07" and o.location == "公务接待费"
    ]
    assert hospitality.severity == ERROR


# ---------------------------------------------------------------------------
# The final accounts' rules say nothing about a budget


BUDGET_TEXT = (
    "第一部分 2024年部门预算说明\n"
    "一、2023年度决算情况：截至2023年12月31日，本单位共有车辆2辆。\n"
    "二、本单位2024年部门预算收入合计130.00万元，比2023年预算增加10.00万元，增长8.33%。\n"
    "三、单位决算 部门概况"
)


def test_final_only_rules_are_silent_on_a_budget() -> None:
    cover = PageLine(1, 1, "2024年部门预算", (200.0, 700.0, 400.0, 720.0))
    lines = [cover, *lines_of(BUDGET_TEXT, page=2)]
    found = decided(budget(b01(), b02(), b07(), lines=lines))
    names = {o.check_name for o in found}
    # no final accounts' check, no final table
    final_only = {
        "tables_complete",
        "statement_balance",
        "t07_total",
        "unit_level_wording",
        "contents_match",
        "scale_outlier",
        "narrative_change_prior_year",
    }
    assert not names & final_only
    assert not {o.source_table for o in found} & set(TABLE_IDS)
    # the as-of date of last year's assets and the 决算 words are no budget-year finding
    assert all(o.severity != ERROR for o in found if o.check_name == "report_year")
    assert {o.facts["printed_value"] for o in found if o.check_name == "report_year"} == {"2024"}
    # the budget's own completeness: B01–B09 (B10/B11 are printed by some templates only)
    complete = {
        o.source_table: o.severity for o in found if o.check_name == "budget_tables_complete"
    }
    assert set(complete) == set(BUDGET_TABLE_IDS[:9])
    assert complete["B01"] == INFO and complete["B03"] == ERROR
    left_out = budget(Table("B09", "not_in_template", None, None), Table("B08", "empty", "万元", 3))
    complete = {
        o.source_table: o.severity
        for o in decided(left_out)
        if o.check_name == "budget_tables_complete"
    }
    assert complete["B09"] == INFO and complete["B08"] == INFO and complete["B05"] == ERROR


def test_a_budget_year_heading_printing_another_year_is_a_finding() -> None:
    lines = [
        PageLine(1, 1, "2024年部门预算", (200.0, 700.0, 400.0, 720.0)),
        PageLine(3, 1, "第二部分 2023年部门预算表", (200.0, 700.0, 400.0, 720.0)),
        PageLine(4, 1, "第三部分 2024年部门预算情况说明", (200.0, 700.0, 400.0, 720.0)),
    ]
    found = [o for o in decided(budget(lines=lines)) if o.check_name == "report_year"]
    assert {o.facts["printed_value"]: o.severity for o in found} == {"2024": INFO, "2023": ERROR}
    assert any("预算年度" in o.message() for o in found)


def test_a_final_reads_its_budget_tables_nowhere() -> None:
    """A final accounts document has T tables only: no budget check runs on it."""
    found = decided(final(t07()))
    budget_checks = {c for c in CHECKS if c.startswith(("b0", "budget_"))}
    assert not {o.check_name for o in found} & budget_checks


def test_the_warehouse_rows_carry_the_kind() -> None:
    documents = [
        ("b", "unit", "某单位", 2024, "单位", BUDGET),
        ("f", "unit", "某单位", 2024, "单位", "决算"),
        ("old", "unit", "某单位", 2023, "单位"),  # a row read without the kind: final
    ]
    tables = [("b", "B05", "extracted", "元", 3, 3, None)]
    cells = [
        (
            "b",
            "B05",
            1,
            3,
            None,
            None,
            "合计",
            "合计",
            "1,000",
            D("0.1"),
            None,
            None,
            None,
            None,
            None,
        )
    ]
    by_id = {d.document_id: d for d in assemble_documents(documents, tables, cells, [])}
    assert by_id["b"].is_budget and set(by_id["b"].tables) == set(BUDGET_TABLE_IDS)
    assert by_id["b"].table("B05").decimals == 0 and not by_id["b"].present("T05")
    assert not by_id["f"].is_budget and set(by_id["f"].tables) == set(TABLE_IDS)
    assert not by_id["old"].is_budget


@pytest.mark.parametrize("check", [c for c in CHECKS if c.startswith(("b0", "budget_"))])
def test_budget_checks_are_named_for_budgets(check: str) -> None:
    """A finance reader sees a budget check by its title: 预算 is in it."""
    assert "预算" in CHECKS[check].title


def test_a_vehicle_list_separated_by_commas_too_is_read_to_its_end() -> None:
    """苏州 2026: "…离退休干部用车0辆，其他用车1辆；" (the last kind after a "，")."""
    text = (
        "十四、国有资产占用情况说明\n本部门共有车辆{total}辆，其中，副部（省）级及以上领导"
        "用车0辆、主要负责人用车0辆、应急保障用车0辆、离退休干部用车0辆，其他用车1辆；"
        "单价100万元（含）以上的设备0台。"
    )
    for total, verdict in (("1", INFO), ("2", ERROR)):
        lines = lines_of(text.replace("{total}", total), page=30)
        found = decided(budget(b07(), lines=lines))
        (count,) = of(found, "narrative_vehicle_count").values()
        assert (count.expected, count.severity) == (D(1), verdict)


def test_a_budgets_empty_table_needs_no_note_but_a_wrong_note_is_found() -> None:
    """北京 prints an empty 政府性基金 table with blank cells and no note."""
    title = PageLine(7, 1, "政府性基金预算支出表", (300.0, 760.0, 500.0, 780.0))
    blank = Table("B08", "empty", "万元", 7)
    assert not of(decided(budget(blank, lines=[title])), "empty_table_note")
    wrong_note = PageLine(
        7, 2, "注：本单位无国有资本经营预算支出，故本表无数据。", (72.0, 700.0, 520.0, 715.0)
    )
    found = of(decided(budget(blank, lines=[title, wrong_note])), "empty_table_note")
    assert [o.severity for o in found.values()] == [ERROR]
    # six-decimal amounts printed but not read: our misreading, for review
    unread = PageLine(
        7, 2, "一般公共服务支出 1,234.567890 1,234.567890", (72.0, 700.0, 520.0, 715.0)
    )
    found = of(decided(budget(blank, lines=[title, unread])), "empty_table_note")
    assert [o.severity for o in found.values()] == [REVIEW]


# ---------------------------------------------------------------------------
# Budget layouts the final accounts do not print


def amounts(*rows: tuple) -> list[tuple]:
    """(code, label, 预算数) → statement rows of one column."""
    return [(code, label, {"预算数": value}) for code, label, value in rows]


def test_statement_lines_under_a_parent_line_are_not_added_twice() -> None:
    """长春: 财政拨款收入 over its funds, 单位资金收入 over 事业收入 …; 深圳: a class's 款 and
    项 printed under it, 其他支出 read as 229 three times (类, 款, 项 share the name)."""
    income = amounts(
        (None, "财政拨款收入", "100.00"),
        (None, "一般公共预算拨款收入", "90.00"),
        (None, "政府性基金预算拨款收入", "10.00"),
        (None, "财政专户管理资金收入", "0.00"),
        (None, "单位资金收入", "5.00"),
        (None, "事业收入", "5.00"),
        (None, "本年收入合计", "105.00"),
        (None, "收入总计", "105.00"),
    )
    expense = amounts(
        ("201", "一般公共服务支出", "100.00"),
        (None, "海关事务", "100.00"),
        (None, "行政运行", "100.00"),
        ("229", "其他支出", "5.00"),
        ("229", "其他支出", "5.00"),
        ("229", "其他支出", "5.00"),
        (None, "本年支出合计", "105.00"),
        (None, "支出总计", "105.00"),
    )
    found = decided(budget(statement("B01", income, expense)))
    for check in ("budget_statement_income_total", "budget_statement_expense_total"):
        assert {o.severity for o in of(found, check).values()} == {INFO}, check
    wrong = [
        (c, n, {"预算数": "96.00"}) if n == "一般公共服务支出" else (c, n, v) for c, n, v in expense
    ]
    found = decided(budget(statement("B01", income, wrong)))
    assert severities(found, "budget_statement_expense_total") == {
        ("本年支出合计", "预算数"): ERROR
    }


@pytest.mark.parametrize(
    "head",
    [(None, "合计", "15.00"), (None, "本年收入", "15.00")],
    ids=["重庆 合计 above its lines", "苏州 本年收入 heading its lines"],
)
def test_a_total_printed_above_its_lines(head: tuple) -> None:
    income = amounts(
        head,
        (None, "一般公共预算拨款", "10.00"),
        (None, "政府性基金预算拨款", "5.00"),
        (None, "上年结转", "2.00"),
        (None, "一般公共预算拨款", "2.00"),
        (None, "收入总计", "17.00"),
    )
    found = decided(budget(statement("B04", income, [])))
    total = of(found, "budget_statement_income_total")
    assert {o.severity for o in total.values()} == {INFO} and len(total) == 1
    # 总计 = the total + 上年结转 (its fund line is a part of 上年结转, not a third term)
    (grand,) = of(found, "budget_statement_income_grand_total").values()
    assert (grand.expected, grand.severity) == (D("17.00"), INFO)


def test_without_a_subtotal_the_grand_total_adds_the_lines() -> None:
    """上海: 财政拨款收入 over its funds, then 收入总计 (no 本年收入合计)."""
    income = amounts(
        (None, "财政拨款收入", "7,233,086"),
        (None, "一般公共预算", "7,233,086"),
        (None, "政府性基金预算", ""),
        (None, "事业收入", ""),
        (None, "收入总计", "7,233,086"),
    )
    found = decided(budget(statement("B01", income, [])))
    (grand,) = of(found, "budget_statement_income_grand_total").values()
    assert (grand.expected, grand.severity) == (D("7233086"), INFO)


def test_a_department_lists_each_units_codes() -> None:
    """北京, 深圳: the same code printed once per unit of the department; each printing is
    an amount (no 'repeated code' finding on a budget)."""
    rows = [
        (None, "合计", "30.00", "30.00", ""),
        ("201", "一般公共服务支出", "20.00", "20.00", ""),
        ("2010801", "行政运行", "12.00", "12.00", ""),
        ("2010801", "行政运行", "8.00", "8.00", ""),
        ("201", "一般公共服务支出", "10.00", "10.00", ""),
        ("2010801", "行政运行", "10.00", "10.00", ""),
    ]
    table = subject_table("B05", ("合计", "基本支出", "项目支出"), rows)
    found = decided(budget(table))
    hierarchy = severities(found, "budget_subject_hierarchy")
    assert hierarchy[("合计", "合计")] == INFO and hierarchy[("201", "合计")] == INFO
    assert of(found, "budget_subject_hierarchy")[("201", "合计")].observed == D("30.00")
    codes = [o for o in found if o.check_name == "code_well_formed"]
    assert codes and {o.severity for o in codes} == {INFO}


def test_b02_group_columns_and_carry_over_details() -> None:
    """北京 B02: 合计 | 本年收入小计 | funds | 其他收入 | 上年结转结余 | its parts."""
    columns = (
        "合计",
        "本年收入小计",
        "一般公共预算拨款收入",
        "单位资金",
        "事业收入",
        "其他收入",
        "上年结转结余",
        "上年结转结余一般公共预算拨款收入",
    )
    values = ("120.00", "100.00", "80.00", "20.00", "15.00", "5.00", "20.00", "20.00")
    found = decided(budget(subject_table("B02", columns, [(None, "合计", *values)])))
    sites = of(found, "b02_row_total")
    assert sites[("合计", None)].expected == D("120.00")  # the detail is inside 上年结转结余
    assert sites[("合计", "本年收入小计")].expected == D("100.00")
    assert sites[("合计", "单位资金")].expected == D("20.00")
    assert {o.severity for o in sites.values()} == {INFO}


def test_a_blank_table_whose_page_prints_amounts_makes_a_failure_review() -> None:
    """An identity failing on a table read empty while its lines print amounts rests on
    our misreading: review, with the reason, not an error."""
    b02_page = [
        PageLine(5, 1, "收入总表", (300.0, 760.0, 500.0, 780.0)),
        PageLine(5, 2, "合计 130.00 110.00", (72.0, 700.0, 520.0, 715.0)),
    ]
    unread_b02 = Table("B02", "empty", "万元", 5)
    found = decided(budget(b01(), unread_b02, lines=b02_page))
    (income,) = of(found, "b01_b02_income").values()
    assert income.severity == REVIEW
    assert any("未能读出" in reason for reason in income.uncertain_reasons)
    # printed empty with its note: the budget's own inconsistency
    noted = [
        b02_page[0],
        PageLine(5, 2, "本单位无收入，故本表无数据。", (72.0, 700.0, 520.0, 715.0)),
    ]
    (income,) = of(decided(budget(b01(), unread_b02, lines=noted)), "b01_b02_income").values()
    assert income.severity == ERROR


def test_a_three_public_part_not_printed_leaves_its_sum_unchecked() -> None:
    rows = [("合计", "6.00"), ("公务用车购置及运行维护费", "3.50"), ("公务用车购置费", "")]
    table = make_table("B07", [(None, label, {"预算数": value}) for label, value in rows])
    found = decided(budget(table))
    # no 运行维护费 row read: 3.50 is not compared with 购置费 alone
    assert not of(found, "b07_vehicle_subtotal") and not of(found, "b07_total")


def test_a_budgets_change_is_read_against_a_figure_of_its_own_sentence() -> None:
    """长春 2026: "2026年预算比2025年预算增加50.32万元，增长3.08%" restates no figure; the
    amount of the sentence before (项目支出预算474.56万元) is not its base."""
    before = (
        "一、收支总表情况说明\n项目支出预算474.56万元，占部门预算总支出的28.20%。"
        "2026年预算比2025年预算增加50.32万元，增长3.08%。"
    )
    same = "一、收支总表情况说明\n2026年收入预算1682.76万元，比2025年预算增加50.32万元，增长3.08%。"
    assert not of(decided(budget(lines=lines_of(before, page=3))), "narrative_change_rate")
    (rate,) = of(decided(budget(lines=lines_of(same, page=3))), "narrative_change_rate").values()
    assert rate.severity == INFO


def test_a_heading_total_repeated_by_the_subtotal_is_no_line() -> None:
    """西安: "部门预算" printed first on each side, 本年收入合计 below the lines."""
    income = amounts(
        (None, "部门预算", "15.00"),
        (None, "财政拨款", "15.00"),
        (None, "一般公共预算拨款", "15.00"),
        (None, "其中:专项资金列入部门预算的项目", "3.00"),
        (None, "事业收入", "0.00"),
        (None, "本年收入合计", "15.00"),
    )
    found = decided(budget(statement("B01", income, [])))
    (total,) = of(found, "budget_statement_income_total").values()
    assert (total.expected, total.severity) == (D("15.00"), INFO)


# ---------------------------------------------------------------------------
# HB: failures that rest on figures we did not read are no findings


def test_a_row_total_whose_this_year_parts_are_not_read_is_not_checked() -> None:
    """西安 支出总表 (printed by funding source: 公共预算拨款 | 政府性基金拨款 | … | 上年结转):
    only 合计 and 上年结转 are read; 合计 = 上年结转 alone would be our misreading."""
    b03 = subject_table(
        "B03",
        ("合计", "上年结转结余"),
        [(None, "合计", "2518.06", "0.00"), (None, "西安市国资委", "2518.06", "0.00")],
    )
    assert not of(decided(budget(b03)), "b03_row_total")
    # with a this-year part read, the carry-over is one of the parts again
    read = subject_table(
        "B03", ("合计", "基本支出", "上年结转结余"), [(None, "合计", "12.00", "10.00", "1.00")]
    )
    assert severities(decided(budget(read)), "b03_row_total") == {("合计", None): ERROR}


def test_a_class_whose_children_print_no_amount_is_not_checked() -> None:
    """烟台审计 B03 p12: a continuation page whose columns were not found leaves its 款/项
    rows without any amount; 221 = 0.00 would be our misreading."""
    columns = ("合计", "基本支出", "项目支出")
    rows = [
        (None, "合计", "20.00", "20.00", ""),
        ("221", "住房保障支出", "20.00", "20.00", ""),
        ("22101", "", "", "", ""),
    ]
    unread = of(decided(budget(subject_table("B03", columns, rows))), "budget_subject_hierarchy")
    assert ("221", "合计") not in unread and ("合计", "合计") in unread
    # a child printing an amount somewhere keeps the check (a printed 0 vs its class is found)
    rows[2] = ("22101", "住房改革支出", "", "", "1.00")
    found = severities(
        decided(budget(subject_table("B03", columns, rows))), "budget_subject_hierarchy"
    )
    assert found[("221", "合计")] == ERROR


def test_a_department_row_over_its_units_is_their_total() -> None:
    """深圳 人社 B02: no 合计 row; the department's row, then its units (本级 first) under
    it. B02's 合计 is the department's row, not twice the income."""
    b02_units = subject_table(
        "B02",
        ("合计", "一般公共预算拨款收入", "上年结转结余"),
        [
            (None, "深圳市某局", "30.00", "28.00", "2.00"),
            (None, "深圳市某局(本级)", "20.00", "19.00", "1.00"),
            (None, "深圳市某中心", "10.00", "9.00", "1.00"),
        ],
    )
    found = decided(budget(b01(income_total="28.00"), b02_units))
    income = of(found, "b01_b02_income")[("本年收入合计", None)]
    assert (income.expected, income.severity) == (D("28.00"), INFO)


def test_the_statement_total_column_is_the_budget_amount_in_any_stored_order() -> None:
    """上海 B01 prints 预算数 | 人员经费 | 公用经费 | 项目支出 on its expense side, 长春 本年预算
    (预算数) | 编制预算 | 上年结转, 烟台 B04 预算数 | 一般公共预算 | …; the warehouse hands the
    columns over ordered by name, so 人员经费 / 上年结转 / 一般公共预算 come first. The 总计 are
    compared, and B01 against B02, in 预算数, never in a part printed beside it."""
    parts = ("人员经费", "公用经费", "项目支出", "预算数")  # stored order: by name
    expense = [
        (
            "201",
            "一般公共服务支出",
            dict(zip(parts, ("2,545,183", "3,968,353", "270,000", "6,783,536"), strict=True)),
        ),
        ("221", "住房保障支出", dict(zip(parts, ("449,550", "", "", "449,550"), strict=True))),
        (
            None,
            "支出总计",
            dict(zip(parts, ("2,994,733", "3,968,353", "270,000", "7,233,086"), strict=True)),
        ),
    ]
    income = amounts(
        (None, "财政拨款收入", "7,233,086"),
        (None, "一般公共预算", "7,233,086"),
        (None, "收入总计", "7,233,086"),
    )
    found = decided(
        budget(
            make_table(
                "B01", [(*r, "收入") for r in income] + [(*r, "支出") for r in expense], "元"
            )
        )
    )
    assert severities(found, "budget_statement_balance") == {("总计", None): INFO}
    carried = ("上年结转", "编制预算", "预算数")
    changchun = statement(
        "B01",
        [
            (None, "财政拨款收入", dict(zip(carried, ("0.00", "125.00", "125.00"), strict=True))),
            (None, "本年收入合计", dict(zip(carried, ("0.00", "125.00", "125.00"), strict=True))),
            (None, "收入总计", dict(zip(carried, ("0.00", "125.00", "125.00"), strict=True))),
        ],
        [],
    )
    b02_plain = subject_table("B02", ("合计", "事业收入"), [(None, "合计", "125.00", "125.00")])
    found = decided(budget(changchun, b02_plain))
    assert severities(found, "b01_b02_income") == {("本年收入合计", None): INFO}


def test_a_heading_line_printing_no_figure_leaves_its_parts_as_lines() -> None:
    """西安 人社 B01 p.29: "1、财政拨款" printed blank over "(1)一般公共预算拨款收入
    181716.56"; "上年结转 90.57" over "其中：财政拨款资金结转 90.57" (a part, not a second
    carry-over). 上海 福彩: a blank fund line under 财政拨款收入 ends no run."""
    income = amounts(
        (None, "部门预算", ""),
        (None, "财政拨款", ""),
        (None, "一般公共预算拨款收入", "181716.56"),
        (None, "其中:专项资金列入部门预算的项目", "50830"),
        (None, "政府性基金收入", "0"),
        (None, "其他收入", "350"),
        (None, "本年收入合计", "182066.56"),
        (None, "上年结转", "90.57"),
        (None, "其中:财政拨款资金结转", "90.57"),
        (None, "非财政拨款资金结余", ""),
        (None, "收入总计", "182157.13"),
    )
    found = decided(budget(statement("B01", income, [])))
    assert severities(found, "budget_statement_income_total") == {("本年收入合计", "预算数"): INFO}
    (grand,) = of(found, "budget_statement_income_grand_total").values()
    assert (grand.expected, grand.severity) == (D("182157.13"), INFO)
    welfare = amounts(
        (None, "财政拨款收入", "21,502.00"),
        (None, "一般公共预算", ""),
        (None, "政府性基金预算", "21,502.00"),
        (None, "其他收入", "178.16"),
        (None, "收入总计", "21,680.16"),
    )
    (grand,) = of(
        decided(budget(statement("B01", welfare, []))), "budget_statement_income_grand_total"
    ).values()
    assert (grand.expected, grand.severity) == (D("21680.16"), INFO)


def test_a_source_printed_below_the_b01_total_is_in_b02s_total() -> None:
    """烟台 住建 B01 p.9: 本年收入合计 45,907.29, then 上级补助收入 60.00 below it (收入总计
    45,967.29); B02 prints 上级补助收入 as a column its 合计 45,967.29 counts."""
    income = amounts(
        (None, "财政拨款收入", "45,832.29"),
        (None, "其他收入", "75.00"),
        (None, "本年收入合计", "45,907.29"),
        (None, "上级补助收入", "60.00"),
        (None, "上年结转", ""),
        (None, "收入总计", "45,967.29"),
    )
    b02_sources = subject_table(
        "B02",
        ("合计", "财政拨款收入", "其他收入", "上级补助收入", "上年结转结余"),
        [(None, "合计", "45,967.29", "45,832.29", "75.00", "60.00", "")],
    )
    found = decided(budget(statement("B01", income, []), b02_sources))
    income_outcome = of(found, "b01_b02_income")[("本年收入合计", None)]
    assert (income_outcome.observed, income_outcome.severity) == (D("45967.29"), INFO)
    short = replace(
        b02_sources,
        rows=(
            replace(
                b02_sources.rows[0],
                cells={**b02_sources.rows[0].cells, "合计": Cell(D("45907.30"), "45,907.30")},
            ),
        ),
    )
    assert severities(decided(budget(statement("B01", income, []), short)), "b01_b02_income") == {
        ("本年收入合计", None): ERROR
    }


def test_an_expense_side_headed_by_its_appropriation_counts_it_once() -> None:
    """西安 国资委 2022 B04 p.27: the expense side opens with "一、财政拨款 25180591.33" (元)
    above its classes 201…233, as the income side does; it heads them, it is no spending."""
    expense = amounts(
        (None, "财政拨款", "25180591.33"),
        ("208", "社会保障和就业支出", "1494346.00"),
        ("210", "卫生健康支出", "597057.55"),
        ("215", "资源勘探工业信息等支出", "11881676.36"),
        ("221", "住房保障支出", "11207511.42"),
        (None, "本年支出合计", "25180591.33"),
        (None, "支出总计", "25180591.33"),
    )
    found = decided(budget(make_table("B04", [(*r, "支出") for r in expense], "元")))
    (total,) = of(found, "budget_statement_expense_total").values()
    assert (total.expected, total.severity) == (D("2518.059133"), INFO)
