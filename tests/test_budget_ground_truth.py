"""Generated budget–final pairs through the whole pipeline: the marts equal the truth.

A small corpus of finals and their budgets (juesuan_samples, both producers), with
cross-document mismatches planted in some finals (the final's T07 预算数, or a 五(三)
item's 年初预算, differing from its budget), is ingested as an operator does. Then:
- every budget fact table (fct_budget_*) equals the budget's truth tables, and
  marts.fct_budget_vs_final and marts.three_public_budget_vs_final equal the truth's
  budget_vs_final / three_public_budget_vs_final rows of every pair, exactly;
- every planted mismatch is an `error` of its check, at its place, on the final;
- no pair without a planted mismatch has a cross-document error.
"""

from __future__ import annotations

import shutil
from decimal import ROUND_HALF_UP, Decimal

import duckdb
import pytest

from juesuan_samples import generate_corpus, load_truth
from juesuan_samples.planting import MISMATCH_CHECKS, MISMATCH_KINDS
from tests.conftest import run_ingest
from tests.ground_truth import document_id, leaves

pytestmark = pytest.mark.slow

SEED = 20240901
# Eight units deal every budget family once (reportlab); the office suite is slower.
UNITS = {"reportlab": 8, "office": 4}
MISMATCHES = {"reportlab": 4, "office": 2}
CROSS_DOCUMENT_CHECKS = frozenset(MISMATCH_CHECKS.values())
HAS_OFFICE = shutil.which("soffice") is not None or shutil.which("libreoffice") is not None


def _producers() -> list:
    office = pytest.param(
        "office",
        marks=pytest.mark.skipif(not HAS_OFFICE, reason="LibreOffice (soffice) is not installed"),
    )
    return ["reportlab", office]


def _decimal(value) -> Decimal | None:
    return None if value is None else Decimal(value)


@pytest.fixture(scope="module", params=_producers())
def ingested(request, tmp_path_factory) -> dict:
    root = tmp_path_factory.mktemp(f"budget_pairs_{request.param}")
    documents = generate_corpus(
        root / "sources",
        units=UNITS[request.param],
        years=(2024,),
        seed=SEED,
        include_seed_case=False,
        budgets=True,
        budget_mismatches=MISMATCHES[request.param],
        producer=request.param,
    )
    warehouse = root / "juesuan.duckdb"
    result = run_ingest(root / "sources", warehouse)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    finals = {(d.unit_name, d.fiscal_year): d for d in documents if d.document_kind == "决算"}
    pairs = [
        (finals[(d.unit_name, d.fiscal_year)], d) for d in documents if d.document_kind == "预算"
    ]
    con = duckdb.connect(str(warehouse), read_only=True)
    yield {"pairs": pairs, "con": con, "producer": request.param}
    con.close()


def test_every_document_is_loaded_with_its_kind(ingested) -> None:
    con = ingested["con"]
    for final, budget in ingested["pairs"]:
        for document, kind in ((final, "决算"), (budget, "预算")):
            row = con.execute(
                "select status, document_kind, fiscal_year from marts.dim_document "
                "where document_id = ?",
                [document_id(document)],
            ).fetchone()
            assert row == ("loaded", kind, document.fiscal_year), document.pdf_path.name


FUNDS = {"B05": "一般公共预算", "B08": "政府性基金预算", "B09": "国有资本经营预算"}
THREE_PUBLIC_ITEMS = ("因公出国（境）费", "公务用车购置费", "公务用车运行维护费", "公务接待费")


def _printed(rows: list[dict], columns) -> set[tuple]:
    """(code, column, amount) of every printed amount of these rows in these columns."""
    return {
        (row["code"], column, Decimal(row["values"][column]))
        for row in rows
        for column in columns(row)
        if row["values"].get(column) is not None
    }


def expected_income(tables: dict) -> set[tuple]:
    return _printed(
        leaves(tables["B02"]["rows"]),
        lambda row: [c for c in row["values"] if c != "合计" and not c.endswith("小计")],
    )


def expected_expenditure(tables: dict) -> set[tuple]:
    return _printed(
        leaves(tables["B03"]["rows"]), lambda row: [c for c in row["values"] if c != "合计"]
    )


def expected_appropriation(tables: dict) -> set[tuple]:
    return {
        (fund, *fact)
        for table_id, fund in FUNDS.items()
        for fact in _printed(leaves(tables[table_id]["rows"]), lambda row: ["基本支出", "项目支出"])
    }


def expected_econ(tables: dict) -> set[tuple]:
    return {
        (row["code"], row["cost_category"], Decimal(row["values"]["合计"]))
        for row in leaves(tables["B06"]["rows"])
        if row["values"].get("合计") is not None
    }


def expected_three_public(tables: dict) -> set[tuple]:
    return {
        (row["label"], Decimal(row["values"]["预算数"]))
        for row in tables["B07"]["rows"]
        if row["label"] in THREE_PUBLIC_ITEMS and row["values"].get("预算数") is not None
    }


def expected_statement_lines(tables: dict) -> set[tuple]:
    return {
        (table_id, row["side"], row["label"], measure, Decimal(value))
        for table_id in ("B01", "B04")
        for row in tables[table_id]["rows"]
        for measure, value in row["values"].items()
        if value is not None
    }


BUDGET_FACTS = {
    "fct_budget_income": (
        "select subject_code, income_source, amount from marts.fct_budget_income",
        expected_income,
    ),
    "fct_budget_expenditure": (
        "select subject_code, expenditure_type, amount from marts.fct_budget_expenditure",
        expected_expenditure,
    ),
    "fct_budget_appropriation_expenditure": (
        "select fund_type, subject_code, expenditure_type, amount "
        "from marts.fct_budget_appropriation_expenditure",
        expected_appropriation,
    ),
    "fct_budget_basic_expenditure_econ": (
        "select econ_code, cost_category, amount from marts.fct_budget_basic_expenditure_econ",
        expected_econ,
    ),
    "fct_budget_three_public_costs": (
        "select cost_item, amount from marts.fct_budget_three_public_costs",
        expected_three_public,
    ),
    "fct_budget_statement_lines": (
        "select source_table, side, line_item, measure, amount "
        "from marts.fct_budget_statement_lines",
        expected_statement_lines,
    ),
}


@pytest.mark.parametrize("table", sorted(BUDGET_FACTS))
def test_budget_fact_table_equals_the_truth(ingested, table) -> None:
    sql, expected_of = BUDGET_FACTS[table]
    con = ingested["con"]
    mismatches, compared = [], 0
    for _, budget in ingested["pairs"]:
        expected = expected_of(load_truth(budget.truth_path)["tables"])
        actual = set(con.execute(f"{sql} where document_id = ?", [document_id(budget)]).fetchall())
        compared += len(expected)
        if actual != expected:
            mismatches.append(
                f"{budget.pdf_path.name}: missing {sorted(expected - actual, key=str)[:3]}, "
                f"unexpected {sorted(actual - expected, key=str)[:3]}"
            )
    assert not mismatches, "\n".join(mismatches)
    assert compared, f"no {table} fact in the truth: nothing was compared"


def test_printed_listings_are_extracted_as_the_truth_says(ingested) -> None:
    """B10 项目支出表 and B11 政府采购预算表, where a family prints them: every printed
    amount in raw.table_cells by row name, function code and squashed header."""
    con = ingested["con"]
    mismatches, compared = [], 0
    for _, budget in ingested["pairs"]:
        tables = load_truth(budget.truth_path)["tables"]
        for table_id in ("B10", "B11"):
            if table_id not in tables:
                continue
            expected = {
                (row["code"], row["label"], column, Decimal(value))
                for row in tables[table_id]["rows"]
                for column, value in row["values"].items()
                if value is not None
            }
            actual = set(
                con.execute(
                    "select subject_code, line_label, column_name, amount from raw.table_cells "
                    "where document_id = ? and table_id = ? and amount is not null",
                    [document_id(budget), table_id],
                ).fetchall()
            )
            compared += len(expected)
            if actual != expected:
                mismatches.append(
                    f"{budget.pdf_path.name} {table_id}: missing "
                    f"{sorted(expected - actual, key=str)[:3]}, "
                    f"unexpected {sorted(actual - expected, key=str)[:3]}"
                )
    assert not mismatches, "\n".join(mismatches)
    assert compared


def test_budget_vs_final_equals_the_truth(ingested) -> None:
    con = ingested["con"]
    mismatches, compared = [], 0
    for final, budget in ingested["pairs"]:
        truth = load_truth(budget.truth_path)
        expected = {
            (
                row["subject_code"],
                row["fund_type"],
                row["expenditure_type"],
                _decimal(row["budget_amount"]),
                _decimal(row["final_amount"]),
            )
            for row in truth["budget_vs_final"]
        }
        rows = con.execute(
            "select subject_code, fund_type, expenditure_type, budget_amount, final_amount, "
            "execution_rate, final_document_id from marts.fct_budget_vs_final "
            "where budget_document_id = ?",
            [document_id(budget)],
        ).fetchall()
        actual = {row[:5] for row in rows}
        compared += len(expected)
        if actual != expected:
            mismatches.append(
                f"{budget.pdf_path.name}: missing {sorted(expected - actual, key=str)[:3]}, "
                f"unexpected {sorted(actual - expected, key=str)[:3]}"
            )
        for *_, budget_amount, final_amount, rate, final_id in rows:
            assert final_id == document_id(final)
            if budget_amount and final_amount is not None:
                exact = (final_amount / budget_amount).quantize(
                    Decimal("0.000001"), rounding=ROUND_HALF_UP
                )
                assert rate == exact
            else:
                assert rate is None
    assert not mismatches, "\n".join(mismatches)
    assert compared


def test_three_public_budget_vs_final_equals_the_truth(ingested) -> None:
    con = ingested["con"]
    mismatches = []
    for _, budget in ingested["pairs"]:
        truth = load_truth(budget.truth_path)
        expected = {
            (
                row["cost_item"],
                _decimal(row["budget_amount"]),
                _decimal(row["final_budget_amount"]),
                _decimal(row["final_amount"]),
            )
            for row in truth["three_public_budget_vs_final"]
        }
        actual = set(
            con.execute(
                "select cost_item, budget_amount, final_budget_amount, final_amount "
                "from marts.three_public_budget_vs_final where budget_document_id = ?",
                [document_id(budget)],
            ).fetchall()
        )
        if actual != expected:
            mismatches.append(
                f"{budget.pdf_path.name}: missing {sorted(expected - actual, key=str)}, "
                f"unexpected {sorted(actual - expected, key=str)}"
            )
    assert not mismatches, "\n".join(mismatches)


def _cross_document_errors(con, final) -> set[tuple[str, str | None, str | None, int | None]]:
    return set(
        con.execute(
            "select check_name, source_table, location, source_page "
            "from quality.check_results_latest where document_id = ? and severity = 'error' "
            "and list_contains(?, check_name)",
            [document_id(final), list(CROSS_DOCUMENT_CHECKS)],
        ).fetchall()
    )


def test_every_planted_mismatch_is_an_error_of_its_check(ingested) -> None:
    con = ingested["con"]
    planted, missed = [], []
    for final, _ in ingested["pairs"]:
        truth = load_truth(final.truth_path)
        reported = {site[:3] for site in _cross_document_errors(con, final)}
        for error in truth["planted_errors"]:
            if error["kind"] not in MISMATCH_KINDS:
                continue
            planted.append(error["kind"])
            for site in error["checks"]:
                key = (site["check"], site["table"], site["location"])
                if key not in reported:
                    missed.append((final.pdf_path.name, key, sorted(reported, key=str)))
    assert len(planted) >= MISMATCHES[ingested["producer"]]
    assert set(planted) == set(MISMATCH_KINDS)
    assert missed == []


def test_pairs_without_a_planted_mismatch_have_no_cross_document_error(ingested) -> None:
    con = ingested["con"]
    unexpected = []
    for final, _ in ingested["pairs"]:
        truth = load_truth(final.truth_path)
        sites = {
            (site["check"], site["table"], site["location"])
            for error in truth["planted_errors"]
            for site in error["checks"]
        }
        for finding in _cross_document_errors(con, final):
            if finding[:3] not in sites:
                unexpected.append((final.pdf_path.name, finding))
    assert unexpected == []
