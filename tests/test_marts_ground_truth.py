"""Every fact table of the warehouse contract equals the ground truth, document by document."""

from __future__ import annotations

from decimal import Decimal

import pytest

from juesuan_samples.model import T02_COLUMNS
from tests.ground_truth import (
    document_id,
    expected_expenditure_facts,
    leaves,
    statement_line_label,
    truth_of,
)

INCOME_SOURCES = T02_COLUMNS[1:]  # every T02 column but 本年收入合计
FUNDS = {"T05": "一般公共预算", "T08": "政府性基金预算", "T09": "国有资本经营预算"}
SPENDING_COLUMNS = {
    "基本支出": "基本支出",
    "项目支出": "项目支出",
    "本年支出基本支出": "基本支出",
    "本年支出项目支出": "项目支出",
}
THREE_PUBLIC_ITEMS = ("因公出国（境）费", "公务用车购置费", "公务用车运行维护费", "公务接待费")
STATEMENT_TITLES = {"T01": "收入支出决算总表", "T04": "财政拨款收入支出决算总表"}


def expected_income(truth):
    return {
        (r["code"], source, Decimal(r["values"][source]))
        for r in leaves(truth["tables"]["T02"]["rows"])
        for source in INCOME_SOURCES
        if r["values"].get(source) is not None
    }


def expected_appropriation(truth):
    facts = set()
    for table_id, fund in FUNDS.items():
        for r in leaves(truth["tables"][table_id]["rows"]):
            for column, kind in SPENDING_COLUMNS.items():
                if r["values"].get(column) is not None:
                    facts.add((fund, r["code"], kind, Decimal(r["values"][column])))
    return facts


def expected_econ(truth):
    return {
        (
            r["code"],
            r["cost_category"],
            Decimal(r["values"]["决算数"]),
        )
        for r in leaves(truth["tables"]["T06"]["rows"])
        if r["values"].get("决算数") is not None
    }


def expected_three_public(truth):
    facts = set()
    for r in truth["tables"]["T07"]["rows"]:
        if r["label"] not in THREE_PUBLIC_ITEMS:
            continue
        budget, final = r["values"].get("预算数"), r["values"].get("决算数")
        if budget is None and final is None:
            continue
        facts.add(
            (r["label"], Decimal(budget) if budget else None, Decimal(final) if final else None)
        )
    return facts


def expected_statement_lines(truth):
    facts = set()
    for table_id, title in STATEMENT_TITLES.items():
        for r in truth["tables"][table_id]["rows"]:
            label = statement_line_label(r)
            for measure, value in r["values"].items():
                if value is not None:
                    facts.add((title, r["side"], label, measure, Decimal(value)))
    return facts


def facts(con, sql: str, doc_id: str) -> set:
    return set(con.execute(sql, [doc_id]).fetchall())


QUERIES = {
    "fct_expenditure": (
        "select subject_code, expenditure_type, amount from marts.fct_expenditure "
        "where document_id = ?",
        expected_expenditure_facts,
    ),
    "fct_income": (
        "select subject_code, income_source, amount from marts.fct_income where document_id = ?",
        expected_income,
    ),
    "fct_appropriation_expenditure": (
        "select fund_type, subject_code, expenditure_type, amount "
        "from marts.fct_appropriation_expenditure where document_id = ?",
        expected_appropriation,
    ),
    "fct_basic_expenditure_econ": (
        "select econ_code, cost_category, amount from marts.fct_basic_expenditure_econ "
        "where document_id = ?",
        expected_econ,
    ),
    "fct_three_public_costs": (
        "select cost_item, budget_amount, final_amount from marts.fct_three_public_costs "
        "where document_id = ?",
        expected_three_public,
    ),
    "fct_statement_lines": (
        "select statement, side, line_item, measure, amount from marts.fct_statement_lines "
        "where document_id = ? and source_table in ('T01', 'T04')",
        expected_statement_lines,
    ),
}


@pytest.mark.parametrize("table", sorted(QUERIES))
def test_fact_table_equals_the_ground_truth_for_every_document(demo_corpus, demo_db, table):
    sql, expected_of = QUERIES[table]
    mismatches, compared = [], 0
    for doc in demo_corpus:
        expected = expected_of(truth_of(doc))
        actual = facts(demo_db, sql, document_id(doc))
        compared += len(expected)
        if actual != expected:
            mismatches.append(
                f"{doc.pdf_path.name}: missing {sorted(expected - actual, key=str)[:3]}, "
                f"unexpected {sorted(actual - expected, key=str)[:3]}"
            )
    assert not mismatches, "\n".join(mismatches)
    assert compared, f"no {table} fact in the ground truth: nothing was compared"


def test_dimensions_hold_only_what_documents_print(demo_corpus, demo_db):
    printed = set()
    for doc in demo_corpus:
        truth = truth_of(doc)
        for table_id in ("T02", "T03", "T05", "T08", "T09"):
            printed |= {r["code"] for r in truth["tables"][table_id]["rows"] if r.get("code")}
    stored = {
        code
        for (code,) in demo_db.execute(
            "select subject_code from marts.dim_function_subject"
        ).fetchall()
    }
    assert stored == printed
    years = {truth_of(d)["document"]["fiscal_year"] for d in demo_corpus}
    assert {
        y for (y,) in demo_db.execute("select fiscal_year from marts.dim_fiscal_year").fetchall()
    } == years
