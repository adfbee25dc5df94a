"""Real disclosures (../shared/corpus/real): figures read off the pages by hand."""

from __future__ import annotations

from decimal import Decimal

import pytest

from pipelines.domain.tables import TABLES_BY_ID
from pipelines.extract.document import extract_document
from pipelines.extract.pdf_text import open_pdf, read_pages
from pipelines.extract.subject_tables import parse_subject_table
from pipelines.extract.text_grid import grid_from_text

FINANCE = "shanghai_putuo_finance_bureau_2024_final.pdf"
SOCIAL = "shanghai_putuo_social_work_dept_2024_final.pdf"


@pytest.fixture(scope="module")
def extracted(real_corpus):
    return {name: extract_document(real_corpus / name, real_corpus) for name in (FINANCE, SOCIAL)}


def amounts(table, key) -> dict[str, Decimal]:
    row = next(r for r in table.rows if (r.subject_code or r.line_label) == key)
    return {c.column_name: c.amount for c in row.cells if c.amount is not None}


def test_documents_are_recognised(extracted):
    finance, social = extracted[FINANCE], extracted[SOCIAL]
    assert (finance.unit_name, finance.fiscal_year, finance.region, finance.unit_level) == (
        "上海市普陀区财政局",
        2024,
        "上海市普陀区",
        "部门",
    )
    assert (social.unit_name, social.fiscal_year, social.region) == (
        "中共上海市普陀区委社会工作部",
        2024,
        "上海市普陀区",
    )


def test_finance_bureau_income_and_expenditure_tables(extracted):
    doc = extracted[FINANCE]
    t02, t03 = doc.table("T02"), doc.table("T03")
    assert amounts(t02, "合计") == {
        "本年收入合计": Decimal("2946.25"),
        "财政拨款收入": Decimal("2940.05"),
        "其他收入": Decimal("6.20"),
    }
    assert amounts(t02, "2010601")["本年收入合计"] == Decimal("1511.90")
    assert amounts(t02, "2080505")["本年收入合计"] == Decimal("160.75")
    assert amounts(t03, "合计") == {
        "本年支出合计": Decimal("2940.05"),
        "基本支出": Decimal("2336.91"),
        "项目支出": Decimal("603.14"),
    }
    assert (t03.first_page, t03.last_page) == (10, 11)


def test_social_work_department_expenditure_and_empty_tables(extracted):
    doc = extracted[SOCIAL]
    t03 = doc.table("T03")
    assert amounts(t03, "合计") == {
        "本年支出合计": Decimal("307.82"),
        "基本支出": Decimal("105.58"),
        "项目支出": Decimal("202.24"),
    }
    assert amounts(t03, "20139")["本年支出合计"] == Decimal("264.87")
    for table_id in ("T08", "T09"):
        table = doc.table(table_id)
        assert table.status == "empty" and "本表无数据" in table.note


def test_unruled_fallback_reads_the_same_figures_as_the_ruled_grid(real_corpus, extracted):
    """The text-layout fallback, run on pages camelot reads as ruled, must agree exactly."""
    pages = read_pages(open_pdf(real_corpus / FINANCE))
    for table_id in ("T02", "T03"):
        ruled = extracted[FINANCE].table(table_id)
        first = grid_from_text(pages[ruled.first_page - 1], ruled.printed_title)
        grids = [first] + [
            grid_from_text(pages[n - 1], None, first.col_bounds)
            for n in range(ruled.first_page + 1, ruled.last_page + 1)
        ]
        problems: list[str] = []
        rows = parse_subject_table(TABLES_BY_ID[table_id], grids, "万元", problems)
        assert problems == []
        as_tuples = lambda rs: [  # noqa: E731
            (r.subject_code, r.line_label, [(c.column_name, c.amount) for c in r.cells]) for r in rs
        ]
        assert as_tuples(rows) == as_tuples(ruled.rows)


def line(table, side: str, label: str, column: str = "决算数") -> Decimal | None:
    row = next(r for r in table.rows if r.side == side and r.line_label == label)
    return next(c.amount for c in row.cells if c.column_name == column)


@pytest.mark.parametrize("name", [FINANCE, SOCIAL])
def test_each_of_the_nine_tables_is_found_or_recorded_empty(extracted, name):
    tables = {t.table_id: t for t in extracted[name].tables}
    assert sorted(tables) == [f"T0{n}" for n in range(1, 10)]
    for table in tables.values():
        assert table.status in ("extracted", "empty"), table.table_id
        if table.status == "empty":
            assert table.note and "本表无数据" in table.note, table.table_id


def test_finance_bureau_statements_and_three_public_costs(extracted):
    doc = extracted[FINANCE]
    t01, t04, t07 = doc.table("T01"), doc.table("T04"), doc.table("T07")
    assert line(t01, "收入", "本年收入合计") == Decimal("2946.25")
    assert line(t01, "支出", "本年支出合计") == Decimal("2940.05")
    assert line(t01, "收入", "年初结转和结余") == Decimal("49.14")
    assert line(t01, "支出", "年末结转和结余") == Decimal("55.34")
    assert line(t01, "收入", "总计") == line(t01, "支出", "总计") == Decimal("2995.39")
    assert line(t04, "收入", "总计") == Decimal("2961.68")
    assert line(t04, "支出", "总计", "合计") == Decimal("2961.68")
    assert amounts(t07, "合计") == {"预算数": Decimal("0.95")}
    assert amounts(t07, "公务接待费") == {"预算数": Decimal("0.95")}
    assert all(c.amount is None for r in t07.rows for c in r.cells if c.column_name == "决算数")
    for table_id in ("T08", "T09"):
        assert doc.table(table_id).status == "empty"


def test_social_work_department_statement_lines(extracted):
    t01 = extracted[SOCIAL].table("T01")
    assert line(t01, "收入", "本年收入合计") == Decimal("307.82")
    assert line(t01, "收入", "一般公共预算财政拨款收入") == Decimal("307.82")
    assert line(t01, "支出", "一般公共服务支出") == Decimal("264.87")
    assert line(t01, "支出", "社会保障和就业支出") == Decimal("10.82")
    assert line(t01, "支出", "卫生健康支出") == Decimal("2.71")
    assert line(t01, "支出", "住房保障支出") == Decimal("29.42")
    assert line(t01, "支出", "本年支出合计") == Decimal("307.82")
    assert line(t01, "收入", "总计") == line(t01, "支出", "总计") == Decimal("307.82")
    assert extracted[SOCIAL].table("T07").status == "empty"


def test_narrative_figures_including_the_real_inconsistency(extracted):
    figures = {f.figure: f for f in extracted[FINANCE].narrative}
    assert figures["本年收入合计"].amount == Decimal("2946.25")
    assert figures["基本支出"].amount == Decimal("2336.91")
    # The narrative says 0.3 万元 where T04 prints 2,961.68: kept as printed, for the checks.
    assert figures["财政拨款收入支出总计"].amount == Decimal("0.3")
    assert figures["财政拨款收入支出总计"].page == 21
    assert figures["政府采购总额"].amount == Decimal("251.25")
