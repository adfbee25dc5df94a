"""The quality rules on small hand-made documents (no PDF, no warehouse)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from pipelines.domain.amounts import parse_amount, to_wan
from pipelines.quality.checks import check_document
from pipelines.quality.document import TABLE_IDS, Cell, Document, NarrativeFigure, Row, Table
from pipelines.quality.gx import validate_outcomes
from pipelines.quality.outcomes import ERROR, INFO, ROUNDING, Outcome
from pipelines.quality.scale import NARRATIVE_NODE, ScaleEdge, infer_scales
from pipelines.quality.tolerance import printed_decimals

D = Decimal


def make_table(table_id: str, rows: list[tuple], unit: str = "万元", page: int = 1) -> Table:
    """rows: (code, label, {column: printed text}) or (code, label, cells, side)."""
    built = []
    for number, spec in enumerate(rows, start=1):
        code, label, cells = spec[:3]
        side = spec[3] if len(spec) > 3 else None
        built.append(
            Row(
                number,
                page,
                side,
                code,
                label,
                {
                    column: Cell(to_wan(parse_amount(text), unit), text)
                    for column, text in cells.items()
                },
            )
        )
    return Table(table_id, "extracted", unit, page, tuple(built))


def make_document(*tables: Table, narrative: dict[str, tuple[str, str]] | None = None) -> Document:
    """Absent tables are missing; narrative: name → (万元 amount, printed text)."""
    by_id = {table.table_id: table for table in tables}
    all_tables = {t: by_id.get(t, Table(t, "missing", None, None)) for t in TABLE_IDS}
    figures = {}
    for name, (amount, printed) in (narrative or {}).items():
        figures[name] = NarrativeFigure(
            name, D(amount), 9, printed, "万元", printed_decimals(printed)
        )
    return Document("doc", "unit", "某单位", 2024, all_tables, figures)


def outcomes_of(document: Document, check: str, **kwargs) -> list[Outcome]:
    """The check's outcomes, decided as the engine decides them: by the GX suites."""
    outcomes = check_document(document, **kwargs)
    validate_outcomes(outcomes, "unit-test")
    return [o for o in outcomes if o.check_name == check]


T05_COLUMNS = ("合计", "基本支出", "项目支出")


def t05(*rows: tuple[str | None, str, str, str, str]) -> Table:
    return make_table(
        "T05",
        [
            (code, label, dict(zip(T05_COLUMNS, values, strict=True)))
            for code, label, *values in rows
        ],
    )


def test_row_total_rounding_and_error_and_the_configurable_allowance() -> None:
    table = t05(
        (None, "合计", "3000.01", "2000.00", "1000.00"),
        ("201", "一般公共服务支出", "3000.01", "2000.00", "1000.00"),
    )
    (total, cls) = outcomes_of(make_document(table), "t05_row_total")
    assert (total.location, cls.location) == ("合计", "201")
    assert total.difference == D("0.01") and total.tolerance == D("0.015")
    assert total.severity == ROUNDING
    (strict, _) = outcomes_of(make_document(table), "t05_row_total", tolerance_per_term=D("0.001"))
    assert strict.tolerance == D("0.003") and strict.severity == ERROR


def test_hierarchy_sums_under_the_nearest_printed_ancestor() -> None:
    table = t05(
        (None, "合计", "30.00", "30.00", ""),
        ("201", "一般公共服务支出", "30.00", "30.00", ""),
        ("2010301", "行政运行", "10.00", "10.00", ""),  # its 款 20103 is not printed
        ("20106", "财政事务", "20.00", "20.00", ""),
        ("2010601", "行政运行", "20.00", "20.00", ""),
    )
    sites = {
        (o.location, o.measure): o.expected
        for o in outcomes_of(make_document(table), "subject_hierarchy")
    }
    assert sites[("201", "合计")] == D("30.00")  # 2010301 + 20106
    assert sites[("20106", "合计")] == D("20.00")
    assert sites[("合计", "合计")] == D("30.00")
    # blank columns with no printed figure on either side are not checked
    assert ("201", "项目支出") not in sites


def statement_rows(side: str, rows: list[tuple[str | None, str, str]], column: str = "决算数"):
    return [(code, label, {column: value}, side) for code, label, value in rows]


def test_statement_structure_survives_shortened_labels() -> None:
    """Labels the extractor cut ('结转和结余' for '年初结转和结余') stay in their place."""
    income = statement_rows(
        "收入",
        [
            (None, "一般公共预算财政拨款收入", "7753.63"),
            (None, "其他收入", ""),
            (None, "本年收入合计", "7753.63"),
            (None, "非财政拨款结余", "0.00"),
            (None, "结转和结余", "5.00"),
            (None, "总计", "7758.62"),
        ],
    )
    expense = statement_rows(
        "支出",
        [
            ("201", "一般公共服务支出", "7715.81"),
            (None, "本年支出合计", "7715.81"),
            (None, "年末结转和结余", "42.81"),
            (None, "总计", "7758.62"),
        ],
    )
    document = make_document(make_table("T01", income + expense))
    (grand,) = outcomes_of(document, "statement_income_grand_total")
    assert grand.location == "总计"
    assert (grand.observed, grand.expected) == (D("7758.62"), D("7758.63"))
    assert grand.printed_terms == 4 and grand.tolerance == D("0.020")
    assert grand.severity == ROUNDING
    (balance,) = outcomes_of(document, "statement_balance")
    assert balance.severity == INFO
    (expense_total,) = outcomes_of(document, "statement_expense_total")
    assert expense_total.location == "本年支出合计" and expense_total.severity == INFO


def test_t04_carry_over_by_fund_with_unlabelled_fund_lines() -> None:
    rows = statement_rows(
        "收入",
        [
            (None, "一般公共预算财政拨款", "2228.08"),
            (None, "本年收入合计", "2228.08"),
            (None, "财政拨款结转和结余", "3.00"),
            (None, "公共预算财政拨款", "1.00"),
            (None, "性基金预算财政拨款", "1.00"),
            (None, "资本经营预算财政拨款", "0.00"),
            (None, "总计", "2231.08"),
        ],
    )
    (carry,) = outcomes_of(make_document(make_table("T04", rows)), "statement_carry_by_fund")
    assert carry.location == "财政拨款结转和结余"
    assert (carry.observed, carry.expected) == (D("3.00"), D("2.00"))
    assert carry.severity == ERROR


def test_checks_reading_a_missing_table_are_skipped_and_completeness_fails() -> None:
    t01 = make_table(
        "T01", statement_rows("收入", [(None, "本年收入合计", "10.00"), (None, "总计", "10.00")])
    )
    outcomes = check_document(make_document(t01))
    assert not [o for o in outcomes if o.check_name == "t01_t02_income"]
    involving_t02 = [o for o in outcomes if "T02" in (o.source_table, o.compared_table)]
    assert [o.check_name for o in involving_t02] == ["tables_complete"]
    completeness = {
        o.source_table: o.facts["table_status"] for o in outcomes if o.site[0] == "tables_complete"
    }
    assert completeness["T01"] == "extracted" and completeness["T02"] == "missing"
    assert {o.location for o in outcomes if o.check_name == "tables_complete"} == {None}


def test_narrative_figure_rounds_to_its_printed_precision() -> None:
    t07 = make_table(
        "T07",
        [
            (None, "合计", {"预算数": "0.30", "决算数": "0.60"}),
            (None, "公务接待费", {"预算数": "0.30", "决算数": "0.60"}),
        ],
    )
    document = make_document(
        t07, narrative={"三公经费预算数": ("0", "0"), "三公经费决算数": ("0", "0")}
    )
    by_location = {o.location: o for o in outcomes_of(document, "narrative_matches_tables")}
    budget, final = by_location["三公经费预算数"], by_location["三公经费决算数"]
    assert budget.source_table is None and budget.compared_table == "T07"
    assert budget.tolerance == D("0.505")  # "0万元" ±0.5, the table's 0.30 ±0.005
    assert budget.severity == ROUNDING
    assert final.severity == ERROR


@pytest.mark.parametrize(
    ("rows", "consistent", "once"),
    [
        (
            [("201", "一般公共服务支出"), ("20103", "政府办公厅"), ("2010301", "行政运行")],
            True,
            True,
        ),
        # a 款 of class 208 printed under class 201: mis-joined split code columns
        ([("201", "一般公共服务支出"), ("20805", "行政事业单位养老支出")], False, True),
        ([("201", "一般公共服务支出"), ("201", "一般公共服务支出")], True, False),
    ],
)
def test_function_codes_sit_under_their_parent_once(rows, consistent: bool, once: bool) -> None:
    table = make_table("T03", [(code, label, {"本年支出合计": "1.00"}) for code, label in rows])
    last = outcomes_of(make_document(table), "code_well_formed")[-1]
    assert last.location == rows[-1][0]
    assert last.facts["parent_consistent"] is consistent
    assert last.facts["printed_once"] is once


def test_economic_codes_in_side_by_side_groups_are_consistent() -> None:
    rows = [
        ("301", "工资福利支出"),
        ("30101", "基本工资"),
        ("302", "商品和服务支出"),
        ("30309", "奖励金"),
        ("303", "对个人和家庭的补助"),
    ]
    table = make_table("T06", [(code, label, {"决算数": "1.00"}) for code, label in rows])
    facts = [o.facts for o in outcomes_of(make_document(table), "code_well_formed")]
    assert len(facts) == len(rows)
    assert all(f["parent_consistent"] and f["code_system"] == "经济分类" for f in facts)


def test_carry_over_figures_may_be_negative_spending_may_not() -> None:
    t08 = make_table(
        "T08",
        [
            (None, "合计", {"年初结转和结余": "-3.00", "本年收入": "5.00", "本年支出小计": "2.00"}),
            (
                "212",
                "城乡社区支出",
                {"年初结转和结余": "-3.00", "本年收入": "5.00", "本年支出小计": "-2.00"},
            ),
        ],
    )
    by_location = {o.location: o for o in outcomes_of(make_document(t08), "amount_non_negative")}
    assert by_location["合计"].facts["min_amount"] == D("2.00")
    assert by_location["212"].facts["min_amount"] == D("-2.00")
    assert by_location["212"].measure == "本年支出小计"


def edge(table: str, figure: str, other: str, other_figure: str) -> ScaleEdge:
    return ScaleEdge(table, D(figure), "a", other, D(other_figure), "b")


def test_scale_a_slipped_table_is_the_one_out_of_line_with_the_rest() -> None:
    edges = [
        edge("T01", "6650.34", "T02", "66503400"),
        edge("T01", "6490.47", "T03", "6490.47"),
        edge("T01", "6650.34", NARRATIVE_NODE, "6650.34"),
    ]
    assert infer_scales(edges) == {"T02": 4}
    reversed_slip = [edge("T01", "6650.34", "T02", "0.665034"), *edges[1:]]
    assert infer_scales(reversed_slip) == {"T02": -4}
    assert infer_scales(edges[1:]) == {}


def test_scale_a_slipped_hub_is_blamed_not_its_single_neighbours() -> None:
    edges = [
        edge("T04", "22280800", "T05", "2228.08"),
        edge("T04", "31000", "T08", "3.10"),
        edge("T04", "22280800", NARRATIVE_NODE, "2228.08"),
        edge("T05", "1132.15", "T06", "1132.15"),
    ]
    assert infer_scales(edges) == {"T04": 4}


def test_scale_a_lone_pair_blames_the_later_table() -> None:
    assert infer_scales([edge("T05", "2000", "T06", "20000000")]) == {"T06": 4}


def test_great_expectations_decides_by_the_rounding_envelope() -> None:
    """The suites' verdict follows the envelope, at its edge too, and 元 tables alike."""
    t05_table = t05(
        (None, "合计", "10.02", "10.00", "0.01"),  # off by 0.01 = 3 × 0.005 − 0.005: rounding
        ("201", "一般公共服务支出", "10.02", "10.00", ""),  # off by 0.02 > 0.01: error
        ("205", "教育支出", "0.00", "0.00", ""),
        ("20508", "进修及培训", "0.00", "0.00", ""),
        ("2050", "残缺编码", "", "", ""),
        ("999", "不存在的类", "", "", ""),
    )
    yuan = make_table(
        "T02",
        [(None, "合计", {"本年收入合计": "100.02", "财政拨款收入": "100.00"})],
        unit="元",
    )
    outcomes = check_document(make_document(t05_table, yuan))
    validate_outcomes(outcomes, "unit-test")
    for outcome in outcomes:
        if outcome.is_identity:
            assert outcome.deviation is not None and outcome.tolerance is not None
            beyond = outcome.deviation > outcome.tolerance
            expected = ERROR if beyond else (ROUNDING if outcome.deviation else INFO)
            assert outcome.severity == expected, outcome
    severities = {(o.check_name, o.source_table, o.location): o.severity for o in outcomes}
    assert severities[("t05_row_total", "T05", "合计")] == ROUNDING
    assert severities[("t05_row_total", "T05", "201")] == ERROR
    assert severities[("t05_row_total", "T05", "205")] == INFO
    # 2 分 of 元 against an envelope of 2 × 0.005 元: an error, however small in 万元
    assert severities[("t02_row_total", "T02", "合计")] == ERROR
    assert severities[("code_well_formed", "T05", "2050")] == ERROR
    assert severities[("code_well_formed", "T05", "20508")] == INFO
    assert severities[("class_code_national", "T05", "999")] == ERROR
    assert severities[("class_code_national", "T05", "201")] == INFO
    assert severities[("tables_complete", "T01", None)] == ERROR
    assert severities[("tables_complete", "T05", None)] == INFO
