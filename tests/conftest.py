"""Shared fixtures: the real corpus (optional), a generated corpus, an ingested warehouse."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
REAL_CORPUS = REPO.parent / "shared" / "corpus" / "real"
REAL_BUDGETS = REPO.parent / "shared" / "corpus" / "budgets"
SEED_TEXT = REPO.parent / "shared" / "seed" / "zaozhuang_2020_gov_office_final_accounts.txt"

# Fixtures that build a whole warehouse: a test using one, directly or through another
# fixture, is marked slow. Tests that build one by other means carry the mark themselves.
WAREHOUSE_FIXTURES = frozenset({"demo_warehouse", "demo_db", "paired_warehouse"})


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if WAREHOUSE_FIXTURES.intersection(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)


@pytest.fixture(scope="session")
def real_corpus() -> Path:
    if not REAL_CORPUS.is_dir():
        pytest.skip(f"real disclosures absent: {REAL_CORPUS} (only in CI and developer checkouts)")
    return REAL_CORPUS


@pytest.fixture(scope="session")
def real_budgets() -> Path:
    if not REAL_BUDGETS.is_dir():
        pytest.skip(
            f"real budget disclosures absent: {REAL_BUDGETS} (only in CI and developer checkouts)"
        )
    return REAL_BUDGETS


@pytest.fixture(scope="session")
def real_budget_extractions(real_budgets) -> dict:
    """Every real budget PDF extracted once per session: file name → DocumentExtraction
    (about a minute; the budget tests share it)."""
    from pipelines.extract.document import extract_document

    return {
        path.name: extract_document(path, real_budgets)
        for path in sorted(real_budgets.glob("*.pdf"))
    }


@pytest.fixture(scope="session")
def seed_text() -> str:
    if not SEED_TEXT.is_file():
        pytest.skip(f"seed disclosure text absent: {SEED_TEXT}")
    return SEED_TEXT.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def demo_sources(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("sources")


@pytest.fixture(scope="session")
def demo_corpus(demo_sources) -> list:
    """The corpus `make demo` generates: 20 units × 2 years plus the 枣庄 2020 seed case.

    Generated once per session: the generator's tests read it, and the warehouse is built
    from it."""
    from juesuan_samples import generate_corpus

    return generate_corpus(demo_sources, units=20, years=(2023, 2024))


def run_ingest(
    sources: Path, warehouse: Path, settings: dict[str, str] | None = None
) -> subprocess.CompletedProcess:
    """`juesuan ingest` in its own process, as an operator runs it (with `settings`, the
    JUESUAN_* variables to set)."""
    # An ephemeral Dagster instance: the checkout's dagster_home/ is for `make dev`.
    env = {
        k: v for k, v in os.environ.items() if not k.startswith("JUESUAN_") and k != "DAGSTER_HOME"
    }
    env["JUESUAN_REPORTS"] = str(warehouse.parent / "reports")  # never the checkout's reports/
    env.update(settings or {})
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pipelines.cli",
            "ingest",
            "--sources",
            str(sources),
            "--warehouse",
            str(warehouse),
        ],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=1800,
    )


@pytest.fixture(scope="session")
def demo_warehouse(demo_sources, demo_corpus, tmp_path_factory) -> Path:
    warehouse = tmp_path_factory.mktemp("warehouse") / "juesuan.duckdb"
    result = run_ingest(demo_sources, warehouse)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    return warehouse


# The generator's default seed, and two catalogue units (beyond the first four) with
# 政府性基金 and 国有资本经营 spending.
CORPUS_SEED = 20240901
FUND_SPENDING_UNITS = ("上海市普陀区民政局", "成都市武侯区国有资产监督管理局")


@pytest.fixture(scope="session")
def paired_corpus(tmp_path_factory) -> tuple[Path, list]:
    """Four units' budgets and final accounts for 2023 and 2024 (each final restating its
    budget), generated once per session: (inbox, documents)."""
    from juesuan_samples import generate_budget_document, generate_corpus, generate_document

    sources = tmp_path_factory.mktemp("paired_sources")
    documents = generate_corpus(
        sources, units=4, years=(2023, 2024), include_seed_case=False, budgets=True
    )
    # No unit among the first four spends 政府性基金 or 国有资本经营 money: two more pairs
    # do (B08 and B09 with 合计 | 基本支出 | 项目支出), so every budget check has its table.
    for unit in FUND_SPENDING_UNITS:
        final = generate_document(
            sources,
            unit,
            2024,
            seed=CORPUS_SEED,
            relative_path=f"funds/{unit}2024年度部门决算.pdf",
            budgeted=True,
        )
        budget = generate_budget_document(
            sources,
            unit,
            2024,
            seed=CORPUS_SEED,
            relative_path=f"funds/{unit}2024年度部门预算.pdf",
            final=final,
        )
        documents += [final, budget]
    return sources, documents


@pytest.fixture(scope="session")
def paired_warehouse(paired_corpus, tmp_path_factory) -> Path:
    """The paired corpus ingested: budgets and finals side by side, checked."""
    warehouse = tmp_path_factory.mktemp("paired_warehouse") / "juesuan.duckdb"
    result = run_ingest(paired_corpus[0], warehouse)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    return warehouse


@pytest.fixture(scope="module")
def demo_db(demo_warehouse):
    """A read-only connection to the demo warehouse, for one test module."""
    import duckdb

    con = duckdb.connect(str(demo_warehouse), read_only=True)
    yield con
    con.close()
