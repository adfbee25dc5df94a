"""Extraction of small PDFs printed by LibreOffice Calc, one behaviour per file.

The fixtures (tests/fixtures/*.pdf, made by tests/fixtures/make_fixtures.py) come from
another producer than our sample generator. Each test states what must be read, from
the figures printed (tests/fixtures/seed_tables.py). A behaviour not yet supported gets
its fixture all the same, with an xfail(strict=True) naming the failure, so that it flags
when fixed.
"""

from __future__ import annotations

from decimal import Decimal
from functools import cache
from pathlib import Path

import pypdfium2 as pdfium
import pytest

from pipelines.domain.text import normalise_label
from pipelines.extract.document import extract_document
from pipelines.extract.records import DocumentExtraction, ExtractedTable
from tests.fixtures.seed_tables import (
    SUMMARY_UNIT,
    T01_ROWS,
    T02_ROWS,
    T03_COLUMNS,
    T03_ROWS,
    T05_COLUMNS,
    T05_ROWS,
    T07_ROWS,
    UNIT,
    YEAR,
)

FIXTURES = Path(__file__).resolve().parent / "fixtures"


@cache
def extracted(name: str) -> DocumentExtraction:
    return extract_document(FIXTURES / f"{name}.pdf", FIXTURES)


def table(name: str, table_id: str) -> ExtractedTable:
    found = extracted(name).table(table_id)
    assert found is not None and found.status == "extracted", (name, table_id, found)
    return found


def subject_rows(extraction: ExtractedTable) -> list[tuple]:
    """(code, label, {column: amount}) of every row, blanks left out."""
    return [
        (
            row.subject_code,
            row.line_label,
            {c.column_name: c.amount for c in row.cells if c.amount is not None},
        )
        for row in extraction.rows
    ]


def expected_subject_rows(rows, columns) -> list[tuple]:
    return [
        (
            code or None,
            normalise_label(name),
            {col: Decimal(v) for col, v in zip(columns, values, strict=True) if v is not None},
        )
        for code, name, *values in rows
    ]


def test_ruled_subject_table_is_read_cell_for_cell():
    t05 = table("ruled_subject_table", "T05")
    assert (t05.first_page, t05.last_page, t05.money_unit, t05.problems) == (2, 2, "万元", [])
    assert subject_rows(t05) == expected_subject_rows(T05_ROWS, T05_COLUMNS)


def test_subject_table_without_rules_reads_like_the_ruled_one():
    t05 = table("unruled_subject_table", "T05")
    assert subject_rows(t05) == expected_subject_rows(T05_ROWS, T05_COLUMNS)


def test_two_sided_statement_continues_onto_its_second_page():
    t01 = table("statement_two_pages", "T01")
    assert (t01.first_page, t01.last_page, t01.problems) == (2, 3, [])
    read = {
        (row.side, row.line_label): row.cells[0].amount
        for row in t01.rows
        if row.cells[0].amount is not None
    }
    expected = {}
    for income, income_value, expense, expense_value in T01_ROWS:
        if income_value is not None:
            expected[("收入", normalise_label(income))] = Decimal(income_value)
        if expense_value is not None:
            expected[("支出", normalise_label(expense))] = Decimal(expense_value)
    assert read == expected
    # Every printed line, blank or not, on both sides and both pages.
    assert len([r for r in t01.rows if r.side == "支出"]) == 30
    assert {r.page for r in t01.rows} == {2, 3}
    assert next(r for r in t01.rows if r.line_label == "住房保障支出").subject_code == "221"


def test_title_wrapped_over_two_lines_is_recognised():
    doc = extracted("wrapped_title")
    assert doc.table("T03").status == "missing"
    t05 = table("wrapped_title", "T05")
    assert subject_rows(t05) == expected_subject_rows(T05_ROWS[:8], T05_COLUMNS)


def test_amounts_in_yuan_with_thousands_separators_are_converted_to_wan():
    t03 = table("yuan_thousands", "T03")
    assert t03.money_unit == "元" and t03.problems == []
    assert subject_rows(t03) == expected_subject_rows(T03_ROWS, T03_COLUMNS)
    total = t03.rows[0].cells[0]
    assert (total.printed_text, total.amount) == ("77,158,100.00", Decimal("7715.81"))


def test_three_public_costs_under_a_merged_wrapped_header():
    t07 = table("three_public_merged_header", "T07")
    assert t07.problems == []
    read = {row.line_label: {c.column_name: c.amount for c in row.cells} for row in t07.rows}
    assert read == {
        item: {
            "预算数": None if budget is None else Decimal(budget),
            "决算数": None if final is None else Decimal(final),
        }
        for item, budget, final in T07_ROWS
    }


def test_cover_with_approval_lines_still_yields_its_tables():
    doc = extracted("cover_approval_lines")
    assert (doc.status, doc.fiscal_year, doc.unit_level) == ("loaded", YEAR, "单位")
    t02 = table("cover_approval_lines", "T02")
    assert subject_rows(t02) == [
        (code or None, name, {"本年收入合计": Decimal(v), "财政拨款收入": Decimal(v)})
        for code, name, v in T02_ROWS
    ]


def test_cover_with_approval_lines_names_the_unit():
    assert extracted("cover_approval_lines").unit_name == UNIT


def test_a_summary_cover_names_the_department_without_its_summary_marker():
    doc = extracted("summary_cover")  # "部门决算（汇总）" under the department's name
    assert (doc.status, doc.unit_name, doc.unit_level, doc.fiscal_year) == (
        "loaded",
        SUMMARY_UNIT,
        "部门",
        YEAR,
    )
    t05 = table("summary_cover", "T05")
    assert subject_rows(t05) == expected_subject_rows(T05_ROWS, T05_COLUMNS)
    assert (FIXTURES / "summary_cover.pdf").stat().st_size < 100_000


@pytest.mark.parametrize(
    "name",
    [
        "ruled_subject_table",
        "unruled_subject_table",
        "statement_two_pages",
        "wrapped_title",
        "yuan_thousands",
        "three_public_merged_header",
        "three_public_unruled",
        "three_public_transposed",
        "cover_approval_lines",
    ],
)
def test_fixture_is_a_small_office_made_pdf_recognised_as_the_seed_unit_and_year(name):
    path = FIXTURES / f"{name}.pdf"
    assert path.stat().st_size < 100_000
    pdf = pdfium.PdfDocument(path)
    assert pdf.get_metadata_dict()["Producer"].startswith("LibreOffice")  # not our generator
    pdf.close()
    doc = extracted(name)
    assert (doc.status, doc.fiscal_year) == ("loaded", YEAR)
    assert doc.unit_name is not None and doc.unit_name.startswith(UNIT)
