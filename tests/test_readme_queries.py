"""The README's example queries run through `juesuan sql` and answer correctly."""

from __future__ import annotations

import csv
import io
import re
import subprocess
import sys
from collections import defaultdict
from decimal import Decimal

import pytest

from juesuan_samples import load_truth
from tests.conftest import REPO
from tests.ground_truth import expected_expenditure_facts


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


@pytest.mark.parametrize("name", sorted(readme_queries()))
def test_each_example_query_returns_rows(demo_warehouse, name):
    assert run_sql(demo_warehouse, readme_queries()[name])


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
