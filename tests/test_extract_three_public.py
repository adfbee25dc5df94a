"""The 三公 table (T07) in its three shapes, and the rules that name each of its amounts.

Fixture PDFs (tests/fixtures/make_fixtures.py, printed by LibreOffice Calc) hold the seed's
三公 figures transposed beside 会议费 / 培训费 columns, and under a header without any
rule; the unit tests state the naming rules on hand-built grids.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from pipelines.extract.three_public_tables import (
    ABROAD,
    PURCHASE,
    RECEPTION,
    RUNNING,
    TOTAL,
    VEHICLES,
    cell_keys,
    item_named,
    measure_named,
)
from tests.fixtures.seed_tables import T07_OTHER_COSTS, T07_ROWS
from tests.test_extract_fixtures import table
from tests.test_extract_heuristics import grid

EXPECTED = {
    item: {
        "预算数": None if budget is None else Decimal(budget),
        "决算数": None if final is None else Decimal(final),
    }
    for item, budget, final in T07_ROWS
}


def read(name: str) -> dict[str, dict[str, Decimal | None]]:
    t07 = table(name, "T07")
    assert t07.problems == []
    return {row.line_label: {c.column_name: c.amount for c in row.cells} for row in t07.rows}


# Fixture PDFs -----------------------------------------------------------------------


def test_transposed_rows_of_budget_and_final_are_read_and_meeting_and_training_left_out():
    assert read("three_public_transposed") == EXPECTED
    printed = {
        c.printed_text for row in table("three_public_transposed", "T07").rows for c in row.cells
    }
    assert not printed & {figure for _, *figures in T07_OTHER_COSTS for figure in figures}


def test_an_unruled_header_with_spaced_out_measure_titles_names_every_column():
    assert read("three_public_unruled") == EXPECTED


# Naming rules -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "item"),
    [
        ("合计", TOTAL),
        ("因公出国(境)费", ABROAD),
        ("公务接待费", RECEPTION),
        # A column under the vehicle group: the sub-column's own words are the more specific.
        ("公务用车购置及运行维护费小计", VEHICLES),
        ("公务用车购置及运行维护费公务用车购置费", PURCHASE),
        ("公务用车购置及运行维护费公务用车运行维护费", RUNNING),
        ("公务用车购置及运行费公务用车运行费", RUNNING),  # the Shanghai wording
        ("公务用车购置及运行维护费", VEHICLES),  # the group printed as one column
        # Wrapped words are joined before they are read.
        ("预算数公务用车购置及运行维护费公务用车购置费4", PURCHASE),
        ("及运行维护费公务用车购置费", PURCHASE),
        ("公务用车运行维护费", RUNNING),
        # Not 三公, whatever else the header says.
        ("会议费", None),
        ("培训费", None),
        ("公务接待费会议费", None),
        ("项目栏次", None),
    ],
)
def test_the_item_is_named_by_the_most_specific_words_of_the_header(header, item):
    assert item_named(header) == item


@pytest.mark.parametrize(
    ("text", "measure"),
    [
        ("预算数", "预算数"),
        ("决算数", "决算数"),
        ("全年预算数", "预算数"),
        ("决算数比预算数增减", None),
        ("执行率%", None),
        ("预决算", None),
        ("项目", None),
    ],
)
def test_a_measure_is_named_only_alone_and_never_by_a_comparison(text, measure):
    assert measure_named(text) == measure


TRANSPOSED_HEADER = [
    [
        "项目",
        "合计",
        "因公出国（境）费",
        "公务用车购置及运行维护费",
        "",
        "",
        "公务接待费",
        "会议费",
    ],
    ["", "", "", "小计", "公务用车购置费", "公务用车运行维护费", "", ""],
    ["栏次", "1", "2", "3", "4", "5", "6", "7"],
]
TRANSPOSED_MERGES = ((0, 0, 2, 1), (0, 1, 2, 1), (0, 2, 2, 1), (0, 3, 1, 3), (0, 6, 2, 1))


def test_transposed_amounts_take_the_item_from_the_column_and_the_measure_from_the_row():
    t07 = grid(
        [
            *TRANSPOSED_HEADER,
            ["预算数", "9.00", "1.00", "3.00", "2.00", "1.00", "5.00", "7.77"],
            ["决算数", "8.00", "1.00", "2.00", "1.00", "1.00", "5.00", "6.66"],
        ],
        TRANSPOSED_MERGES,
    )
    keys = cell_keys(t07, 3, [3, 4], problems := [])
    assert problems == []
    assert keys[(TOTAL, "预算数")] == (3, 1) and keys[(TOTAL, "决算数")] == (4, 1)
    assert keys[(PURCHASE, "决算数")] == (4, 4) and keys[(RECEPTION, "预算数")] == (3, 6)
    assert len(keys) == 12
    assert all(col != 7 for _, col in keys.values())  # 会议费


def test_a_row_label_that_contradicts_the_header_leaves_the_cell_unread():
    t07 = grid(
        [
            ["预算数", "", "决算数", ""],
            ["合计", "公务接待费", "合计", "公务接待费"],
            ["决算数", "5.00", "4.00", "3.00"],
        ],
        ((0, 0, 1, 2), (0, 2, 1, 2)),
    )
    keys = cell_keys(t07, 2, [2], problems := [])
    # Column 1 says 预算数, its row says 决算数: neither is believed.
    assert (RECEPTION, "预算数") not in keys and problems
    assert keys[(TOTAL, "决算数")] == (2, 2) and keys[(RECEPTION, "决算数")] == (2, 3)


def test_two_columns_claiming_one_place_are_both_left_unread():
    t07 = grid(
        [
            ["合计", "合计", "公务接待费"],
            ["预算数", "预算数", "预算数"],
            ["1.00", "2.00", "3.00"],
        ]
    )
    keys = cell_keys(t07, 2, [2], problems := [])
    assert keys == {(RECEPTION, "预算数"): (2, 2)}
    assert problems == ["第1页：“三公”经费表有 2 列都是合计预算数，未读取"]


def test_a_measure_title_split_by_letter_spacing_is_read_across_its_group():
    # Unruled, "预 算 数" centred over six columns falls into two of them as "预" / "算数".
    items = ["合计", "因公出国(境)费", "小计", "公务用车购置费", "公务用车运行维护费", "公务接待费"]
    t07 = grid(
        [
            ["", "", "预", "算数", "", "", "", "", "决", "算数", "", ""],
            items + items,
            [f"{n}.00" for n in range(1, 13)],
        ]
    )
    keys = cell_keys(t07, 2, [2], problems := [])
    assert problems == [] and len(keys) == 12
    assert keys[(TOTAL, "预算数")] == (2, 0) and keys[(TOTAL, "决算数")] == (2, 6)
    assert keys[(RECEPTION, "决算数")] == (2, 11)


def test_a_column_comparing_the_measures_is_no_amount_of_either():
    t07 = grid(
        [
            ["合计", "合计", "合计"],
            ["预算数", "决算数", "决算数比预算数增减"],
            ["9.00", "8.00", "-1.00"],
        ]
    )
    keys = cell_keys(t07, 2, [2], problems := [])
    assert keys == {(TOTAL, "预算数"): (2, 0), (TOTAL, "决算数"): (2, 1)} and problems == []
