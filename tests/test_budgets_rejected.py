"""Budgets (预算公开) are not final accounts: every one of the 42 real budgets in
../shared/corpus/budgets is rejected with its reason, and none reaches the warehouse."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipelines.extract.document import extract_document
from pipelines.warehouse.connection import IN_MEMORY, connect
from pipelines.warehouse.load import load_extraction
from tests.conftest import REPO

# Reads all 42 real budgets: a corpus test, not a unit test.
pytestmark = pytest.mark.slow

BUDGETS = REPO.parent / "shared" / "corpus" / "budgets"
BUDGET_COUNT = 42
# Catalogued in the corpus README: one scanned file (no text layer), two whose tables
# are not in the file (narrative only).
SCANNED = "beijing_gov_services_data_bureau_scanned_2026_budget.pdf"
NARRATIVE_ONLY = (
    "beijing_transport_commission_2026_budget.pdf",
    "xian_development_reform_commission_2019_budget.pdf",
)
NOT_FINAL_ACCOUNTS = "不是决算公开文件：封面和前几页没有“决算”字样"


@pytest.fixture(scope="module")
def budgets() -> list[Path]:
    if not BUDGETS.is_dir():
        pytest.skip(f"real budget disclosures absent: {BUDGETS} (only in developer checkouts)")
    files = sorted(BUDGETS.glob("*.pdf"))
    assert len(files) == BUDGET_COUNT, f"the budget corpus should hold {BUDGET_COUNT} PDFs"
    return files


@pytest.fixture(scope="module")
def extractions(budgets):
    return {path.name: extract_document(path, BUDGETS) for path in budgets}


def test_every_budget_is_rejected_as_not_final_accounts(extractions):
    reasons = {name: (e.status, e.status_reason) for name, e in extractions.items()}
    expected = {name: ("rejected", NOT_FINAL_ACCOUNTS) for name in extractions if name != SCANNED}
    assert {n: r for n, r in reasons.items() if n != SCANNED} == expected
    assert all(e.document_kind is None and not e.tables for e in extractions.values())


def test_the_scanned_budget_is_rejected_as_scanned(extractions):
    scanned = extractions[SCANNED]
    assert scanned.status == "rejected"
    assert scanned.page_count == 8
    assert scanned.status_reason == (
        "扫描件：第1–8页均没有文字层（图片），无法提取，需先做文字识别"
    )


def test_narrative_only_budgets_are_rejected_before_any_table_is_sought(extractions):
    """Their 报表 are a separate attachment; they fail as budgets, not as a 决算 whose
    tables are missing."""
    for name in NARRATIVE_ONLY:
        extraction = extractions[name]
        assert (extraction.status, extraction.status_reason) == ("rejected", NOT_FINAL_ACCOUNTS)
        assert extraction.page_count > 0 and extraction.unit_name is None


def test_no_budget_is_loaded(extractions):
    """Loaded into the raw schema, each is one rejected document row with its reason
    and no table, cell or narrative figure."""
    with connect(IN_MEMORY) as con:
        for extraction in extractions.values():
            load_extraction(con, extraction)
        statuses = con.execute(
            "select status, count(*) from raw.documents group by status"
        ).fetchall()
        assert statuses == [("rejected", BUDGET_COUNT)]
        assert con.execute(
            "select count(*) from raw.documents where status_reason is null"
        ).fetchone() == (0,)
        for table in ("extracted_tables", "table_cells", "narrative_figures"):
            assert con.execute(f"select count(*) from raw.{table}").fetchone() == (0,), table
