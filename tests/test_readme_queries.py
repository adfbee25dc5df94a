"""The README's example queries run through `juesuan sql` and answer correctly.

The queries on the final accounts run against the demo corpus; those on budgets
(marts.fct_budget_vs_final, marts.three_public_budget_vs_final) against a small corpus of
budget and final-accounts pairs, as `juesuan samples` makes them."""

from __future__ import annotations

import csv
import io
import re
import subprocess
import sys
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import pytest

from juesuan_samples import generate_corpus, load_truth
from juesuan_samples.budget_document import pair_truth
from tests.conftest import REPO, run_ingest
from tests.ground_truth import expected_expenditure_facts

# The marts only a warehouse holding budgets fills.
BUDGET_MARTS = ("fct_budget_", "budget_vs_final")


def readme_queries() -> dict[str, str]:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    section = text.split("## Example queries", 1)[1].split("\n## ", 1)[0]
    found = re.findall(r"#### (\d+)\. ([^\n]+)\n\n```sql\n(.*?)```", section, flags=re.S)
    return {f"{number}. {title}": sql for number, title, sql in found}


def run_sql(warehouse, sql: str) -> list[dict]:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pipelines.cli",
            "sql",
            sql,
            "--warehouse",
            str(warehouse),
            "--csv",
            "-",
        ],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return list(csv.DictReader(io.StringIO(result.stdout)))


def test_the_readme_has_at_least_six_example_queries():
    assert len(readme_queries()) >= 6
    assert sum(any(m in sql for m in BUDGET_MARTS) for sql in readme_queries().values()) >= 3


@pytest.fixture(scope="module")
def paired_corpus(tmp_path_factory) -> tuple[list, Path]:
    """Four units' budgets and final accounts of two years, ingested."""
    sources = tmp_path_factory.mktemp("paired_sources")
    documents = generate_corpus(
        sources, units=4, years=(2023, 2024), include_seed_case=False, budgets=True
    )
    warehouse = tmp_path_factory.mktemp("paired_warehouse") / "juesuan.duckdb"
    result = run_ingest(sources, warehouse)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    return documents, warehouse


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(readme_queries()))
def test_each_example_query_returns_rows(request, name):
    sql = readme_queries()[name]
    if any(mart in sql for mart in BUDGET_MARTS):
        warehouse = request.getfixturevalue("paired_corpus")[1]
    else:
        warehouse = request.getfixturevalue("demo_warehouse")
    assert run_sql(warehouse, sql)


def _query(number: int) -> str:
    return next(sql for name, sql in readme_queries().items() if name.startswith(f"{number}."))


def test_basic_against_project_spending_matches_the_documents(demo_corpus, demo_warehouse):
    expected = defaultdict(lambda: defaultdict(Decimal))
    for doc in demo_corpus:
        truth = load_truth(doc.truth_path)
        key = (truth["document"]["unit_name"], str(truth["document"]["fiscal_year"]))
        for _, kind, amount in expected_expenditure_facts(truth):
            expected[key][kind] += amount
    rows = run_sql(demo_warehouse, _query(2))
    assert len(rows) == len(expected)
    for row in rows:
        sums = expected[(row["unit_name"], row["fiscal_year"])]
        assert Decimal(row["basic_wan"] or 0) == sums["基本支出"]
        assert Decimal(row["project_wan"] or 0) == sums["项目支出"]


def test_the_subjects_of_the_seed_unit_add_up_to_its_printed_leaves(demo_corpus, demo_warehouse):
    seed = next(d for d in demo_corpus if d.fiscal_year == 2020)
    by_subject = defaultdict(Decimal)
    for code, _, amount in expected_expenditure_facts(load_truth(seed.truth_path)):
        by_subject[code] += amount
    rows = run_sql(demo_warehouse, _query(6))
    assert {r["subject_code"]: Decimal(r["amount_wan"]) for r in rows} == by_subject
    assert rows[0]["subject_code"] == "2120899"  # 4488.48 万元, the largest


def expected_pairs(documents: list) -> dict[tuple[str, int], dict[str, list[dict]]]:
    """(unit, year) → the budget-against-final rows the truths of its two documents give."""
    truths: dict[tuple[str, int, str], dict] = {}
    for doc in documents:
        truths[(doc.unit_name, doc.fiscal_year, doc.document_kind)] = load_truth(doc.truth_path)
    return {
        (unit, year): pair_truth(truth, truths[(unit, year, "决算")])
        for (unit, year, kind), truth in truths.items()
        if kind == "预算"
    }


def _amount(value: str | None) -> Decimal | None:
    return None if value is None or value == "" else Decimal(value)


@pytest.mark.slow
def test_budget_execution_by_unit_matches_the_documents(paired_corpus):
    documents, warehouse = paired_corpus
    expected = {}
    for key, pairs in expected_pairs(documents).items():
        # Every row of the unit-year: a subject one document leaves out counts on its side.
        rows = pairs["budget_vs_final"]
        expected[key] = (
            sum(_amount(r["budget_amount"]) or Decimal(0) for r in rows),
            sum(_amount(r["final_amount"]) or Decimal(0) for r in rows),
        )
    rows = run_sql(warehouse, _query(8))
    got = {
        (r["unit_name"], int(r["fiscal_year"])): (Decimal(r["budget_wan"]), Decimal(r["final_wan"]))
        for r in rows
    }
    assert got == expected
    # Largest absolute gap first.
    gaps = [abs(Decimal(r["gap_wan"])) for r in rows]
    assert gaps == sorted(gaps, reverse=True)
    for r in rows:
        budget, final = got[(r["unit_name"], int(r["fiscal_year"]))]
        assert abs(Decimal(r["execution_pct"]) - 100 * final / budget) <= Decimal("0.005")


@pytest.mark.slow
def test_budget_execution_by_function_class_matches_the_documents(paired_corpus):
    documents, warehouse = paired_corpus
    expected: dict[tuple[str, str], list[Decimal]] = defaultdict(lambda: [Decimal(0), Decimal(0)])
    units: dict[tuple[str, str], set] = defaultdict(set)
    for (unit, year), pairs in expected_pairs(documents).items():
        for r in pairs["budget_vs_final"]:
            key = (r["subject_code"][:3], str(year))
            expected[key][0] += _amount(r["budget_amount"]) or Decimal(0)
            expected[key][1] += _amount(r["final_amount"]) or Decimal(0)
            units[key].add(unit)
    rows = run_sql(warehouse, _query(9))
    assert {
        (r["class_code"], r["fiscal_year"]): [Decimal(r["budget_wan"]), Decimal(r["final_wan"])]
        for r in rows
    } == dict(expected)
    assert all(int(r["units"]) == len(units[(r["class_code"], r["fiscal_year"])]) for r in rows)
    assert all(r["class_name"] for r in rows)  # named by marts.dim_function_subject


@pytest.mark.slow
def test_three_public_budget_against_final_matches_the_documents(paired_corpus):
    documents, warehouse = paired_corpus
    expected = {
        (unit, str(year), item["cost_item"]): (
            _amount(item["budget_amount"]),
            _amount(item["final_budget_amount"]),
            _amount(item["final_amount"]),
        )
        for (unit, year), pairs in expected_pairs(documents).items()
        for item in pairs["three_public_budget_vs_final"]
        if item["budget_amount"] is not None
    }
    rows = run_sql(warehouse, _query(10))
    assert {
        (r["unit_name"], r["fiscal_year"], r["cost_item"]): (
            _amount(r["budget_wan"]),
            _amount(r["restated_budget_wan"]),
            _amount(r["final_wan"]),
        )
        for r in rows
    } == expected
    # No planted mismatch in this corpus: every final restates its budget exactly.
    assert {_amount(r["restatement_gap_wan"]) for r in rows} <= {Decimal(0), None}
