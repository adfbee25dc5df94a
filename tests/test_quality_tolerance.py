"""The rounding rule (尾数误差): envelope per printed term, printed precision.

The verdict on a deviation against its envelope is the suites': tests/test_quality_suites.py.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from pipelines.quality.document import narrative_precision
from pipelines.quality.tolerance import (
    DEFAULT_TOLERANCE_PER_TERM,
    Term,
    envelope,
    printed_decimals,
    total,
)

D = Decimal


def wan(text: str | None) -> Term:
    return Term(None if text is None else D(text))


def test_default_allowance_is_half_a_cent() -> None:
    assert D("0.005") == DEFAULT_TOLERANCE_PER_TERM


def test_an_equality_of_two_printed_figures_may_differ_by_one_cent() -> None:
    assert envelope([wan("236.63"), wan("236.64")]) == D("0.010")


def test_a_total_against_five_parts_may_differ_by_three_cents() -> None:
    terms = [wan("100.00")] + [wan("20.00")] * 5
    assert envelope(terms) == D("0.030")


def test_blank_terms_are_not_printed_terms() -> None:
    assert envelope([wan("7758.62"), wan("7753.63"), wan(None), wan("5.00")]) == D("0.015")
    assert total([wan(None), wan("5.00")]) == D("5.00")


def test_a_printed_zero_is_a_printed_term() -> None:
    assert envelope([wan("0.00"), wan("0.00")]) == D("0.010")


def test_a_yuan_table_term_contributes_half_a_cent_of_yuan() -> None:
    yuan = Term(D("10504.093165"), unit="元")
    assert yuan.half_unit() == D("0.0000005")
    assert envelope([wan("10504.09"), yuan]) == D("0.0050005")


def test_a_narrative_figure_rounds_to_its_own_printed_precision() -> None:
    assert Term(D("2747.5"), decimals=1).half_unit() == D("0.05")
    assert Term(D("0"), decimals=0).half_unit() == D("0.5")
    assert Term(D("0.3"), decimals=1).half_unit() == D("0.05")
    assert Term(D("10504.093165"), unit="元", decimals=2).half_unit() == D("0.0000005")


def test_the_allowance_is_configurable() -> None:
    terms = [wan("1.00"), wan("1.01")]
    assert envelope(terms, D("0.01")) == D("0.02")
    assert envelope(terms, D("0")) == 0


def test_subtracted_terms_count_with_their_sign_and_round_alike() -> None:
    opening, income, spent = wan("3.10"), wan("4485.38"), wan("4488.48").negated()
    assert total([opening, income, spent]) == D("0.00")
    assert envelope([opening, income, spent]) == D("0.015")


@pytest.mark.parametrize(
    ("text", "decimals"), [("2747.5", 1), ("0", 0), ("1,244.35", 2), ("55", 0), ("0.300", 3)]
)
def test_printed_decimals(text: str, decimals: int) -> None:
    assert printed_decimals(text) == decimals


@pytest.mark.parametrize(
    ("amount", "context", "precision"),
    [
        ("6650.34", "一)收入决算结构情况本年收入合计6650.34万元,其", ("万元", 2)),
        ("0.3", "区财政局2024年度财政拨款收入支出总计0.3万元。与", ("万元", 1)),
        ("55", "支出83.46万元、政府采购工程支出55万元、政", ("万元", 0)),
        ("10504.093165", "情况说明2024年度收、支总计105040931.65元。与", ("元", 2)),
        # several amounts in the fragment: the one whose value is the figure's
        (
            "3534.43",
            "本年支出合计6490.47万元,其中:基本支出2956.04万元,占45.54%;项目支出3534.43万元,占",
            ("万元", 2),
        ),
        # unreadable context: a table-like 万元 figure
        ("12.00", "无法辨认", ("万元", 2)),
    ],
)
def test_narrative_precision_is_read_back_from_the_context(
    amount: str, context: str, precision: tuple[str, int]
) -> None:
    assert narrative_precision(D(amount), context) == precision
