"""The quality engine checks only what is stale, in batches.

A tiny warehouse built here holds dbt's relations as the engine reads them (no ingest,
no dbt): one unit's 2023 and 2024 final accounts and its 2024 budget, each printing only
its 三公 table (T07 with 预算数 and 决算数, B07 with 预算数), so that the 2024 final is
compared with its prior (the 2023 final) and with its budget (t07_budget_vs_b07). Every
other table is missing, which gives each document errors of its own in other tables
(tables_complete), never in T07/B07 unless a test plants one.

Each run validates with Great Expectations (a few seconds per batch): the tests making
many runs are marked slow.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from pipelines.quality import engine, run_quality_checks
from pipelines.quality.checks import compared_documents
from pipelines.quality.document import DocumentVersion
from pipelines.quality.outcomes import ERROR, REVIEW
from pipelines.warehouse import connect, state

T0 = datetime(2026, 1, 5, 9, 0)
UNIT, UNIT_NAME = "u1", "某市某局"
# The 三公 items as T07/B07 print them, with amounts that add up (合计 = 出国 + 用车 +
# 接待, 用车 = 购置 + 运行维护).
THREE_PUBLIC = {
    "合计": "10.00",
    "因公出国（境）费": "1.00",
    "公务用车购置及运行维护费": "5.00",
    "公务用车购置费": "2.00",
    "公务用车运行维护费": "3.00",
    "公务接待费": "4.00",
}


@dataclass(frozen=True)
class Doc:
    document_id: str
    year: int
    kind: str  # 决算 or 预算
    amounts: dict[str, str]  # the 三公 table's 预算数 by item
    status: str = "loaded"
    ingested_at: datetime = T0

    @property
    def table_id(self) -> str:
        return "B07" if self.kind == "预算" else "T07"


def final(year: int, document_id: str | None = None, **amounts: str) -> Doc:
    return Doc(document_id or f"final{year}", year, "决算", THREE_PUBLIC | amounts)


def budget(year: int, document_id: str | None = None, **amounts: str) -> Doc:
    return Doc(document_id or f"budget{year}", year, "预算", THREE_PUBLIC | amounts)


# The final's budget line for 公务接待费 differs from its budget's (planted mismatch):
# t07_budget_vs_b07 fails at 公务接待费 and at 合计.
MISMATCHED = {"公务接待费": "4.50", "合计": "10.50"}
# A budget whose B07 does not add up (合计 ≠ 出国 + 用车 + 接待): its own error in B07.
B07_ERRING = {"合计": "11.00"}


def build(path: Path, documents: list[Doc]) -> None:
    """(Re)write dbt's relations the engine reads, holding `documents`."""
    with connect(path) as con:
        con.execute("create schema if not exists marts; create schema if not exists staging")
        con.execute(
            "create or replace table marts.dim_document (document_id varchar, unit_id varchar, "
            "fiscal_year integer, status varchar, ingested_at timestamp)"
        )
        con.execute(
            "create or replace table marts.dim_unit as select ? as unit_id, ? as unit_name",
            [UNIT, UNIT_NAME],
        )
        con.execute(
            "create or replace table staging.stg_raw__documents (document_id varchar, "
            "unit_level varchar, document_kind varchar, ingested_at timestamp, "
            "extractor_version varchar)"
        )
        con.execute(
            "create or replace table staging.stg_raw__extracted_tables (document_id varchar, "
            "table_id varchar, extraction_status varchar, money_unit varchar, "
            "first_page integer, last_page integer, note varchar)"
        )
        con.execute(
            "create or replace table staging.stg_raw__table_cells (document_id varchar, "
            "table_id varchar, row_number integer, page integer, side varchar, "
            "subject_code varchar, line_label varchar, column_name varchar, "
            "printed_text varchar, amount decimal(18, 6), uncertain_reason varchar, "
            "x0 double, y0 double, x1 double, y1 double)"
        )
        con.execute(
            "create or replace table staging.stg_raw__narrative_figures (document_id varchar, "
            "figure varchar, amount decimal(18, 6), page integer, context varchar)"
        )
        con.execute(
            "create or replace table staging.stg_raw__page_lines (document_id varchar, "
            "page integer, line_number integer, text varchar, "
            "x0 double, y0 double, x1 double, y1 double)"
        )
        for doc in documents:
            con.execute(
                "insert into marts.dim_document values (?, ?, ?, ?, ?)",
                [doc.document_id, UNIT, doc.year, doc.status, doc.ingested_at],
            )
            con.execute(
                "insert into staging.stg_raw__documents values (?, '部门', ?, ?, 'v1')",
                [doc.document_id, doc.kind, doc.ingested_at],
            )
            con.execute(
                "insert into staging.stg_raw__extracted_tables "
                "values (?, ?, 'extracted', '万元', 3, 3, null)",
                [doc.document_id, doc.table_id],
            )
            columns = ("预算数",) if doc.kind == "预算" else ("预算数", "决算数")
            for row_number, (item, amount) in enumerate(doc.amounts.items(), start=1):
                for column in columns:
                    con.execute(
                        "insert into staging.stg_raw__table_cells values "
                        "(?, ?, ?, 3, null, null, ?, ?, ?, ?, null, null, null, null, null)",
                        [
                            doc.document_id,
                            doc.table_id,
                            row_number,
                            item,
                            column,
                            amount,
                            Decimal(amount),
                        ],
                    )


@pytest.fixture
def warehouse(tmp_path) -> Path:
    return tmp_path / "juesuan.duckdb"


def check(path: Path, run_id: str, **options):
    return run_quality_checks(path, run_id, build_data_docs=False, **options)


def rows(path: Path, sql: str, params: list | None = None) -> list[tuple]:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


def latest(path: Path) -> list[tuple]:
    """Every loaded document's latest results: (document_id, finding_id, severity)."""
    return sorted(
        rows(
            path,
            "select document_id, finding_id, severity from quality.check_results_latest "
            "where document_id in (select document_id from marts.dim_document "
            "where status = 'loaded')",
        )
    )


def comparison(path: Path, item: str = "公务接待费") -> tuple:
    """The 2024 final's latest t07_budget_vs_b07 outcome at `item`: (severity, run_id)."""
    (found,) = rows(
        path,
        "select severity, run_id from quality.check_results_latest "
        "where check_name = 't07_budget_vs_b07' and location = ? and document_id = 'final2024'",
        [item],
    )
    return found


def runs_by_document(path: Path) -> dict[str, str]:
    return dict(rows(path, "select document_id, run_id from quality.check_state"))


def test_a_second_run_with_nothing_changed_checks_nothing_and_writes_nothing(warehouse):
    build(warehouse, [final(2023), budget(2024), final(2024, **MISMATCHED)])
    first = check(warehouse, "r1")
    assert first.documents_checked == first.documents_loaded == 3
    assert first.latest.errors > 0 and first.batches == 2  # the 2024 final after the rest
    results = rows(warehouse, "select * from quality.check_results order by all")
    states = rows(warehouse, "select * from quality.check_state order by all")

    second = check(warehouse, "r2")
    assert (second.documents_checked, second.outcomes, second.batches) == (0, 0, 0)
    assert second.documents_up_to_date == 3
    # What the operator is told stays the warehouse's: the latest results' totals.
    assert second.latest == first.latest
    assert rows(warehouse, "select * from quality.check_results order by all") == results
    assert rows(warehouse, "select * from quality.check_state order by all") == states


@pytest.mark.slow
def test_a_re_extracted_document_is_checked_again_with_its_dependants(warehouse):
    documents = [final(2023), budget(2024), final(2024, **MISMATCHED), final(2025)]
    build(warehouse, documents)
    check(warehouse, "r1")
    # The 2023 final read again (a new extractor): it, and the 2024 final compared with
    # it, are stale; the budget and the 2025 final (compared with the 2024 final, whose
    # reading and own errors are unchanged) are not.
    documents[0] = replace(documents[0], ingested_at=T0 + timedelta(days=1))
    build(warehouse, documents)
    summary = check(warehouse, "r2")
    assert sorted(summary.documents) == ["final2023", "final2024"]
    assert runs_by_document(warehouse) == {
        "final2023": "r2",
        "final2024": "r2",
        "budget2024": "r1",
        "final2025": "r1",
    }
    # The budget read again: the final of that budget is checked again too.
    documents[1] = replace(documents[1], ingested_at=T0 + timedelta(days=2))
    build(warehouse, documents)
    assert sorted(check(warehouse, "r3").documents) == ["budget2024", "final2024"]


@pytest.mark.slow
def test_a_new_version_superseding_a_budget_is_checked_with_its_final(warehouse):
    old = budget(2024, **B07_ERRING)
    build(warehouse, [final(2023), old, final(2024, **MISMATCHED)])
    check(warehouse, "r1")
    assert comparison(warehouse) == (REVIEW, "r1")  # the budget's own B07 errs
    corrected = budget(2024, "budget2024v2")
    build(
        warehouse,
        [final(2023), replace(old, status="superseded"), corrected, final(2024, **MISMATCHED)],
    )
    summary = check(warehouse, "r2")
    assert sorted(summary.documents) == ["budget2024v2", "final2024"]
    # Against the sound budget, the mismatch is the final's error.
    assert comparison(warehouse) == (ERROR, "r2")
    # The superseded version is not checked again: its last results stay.
    assert rows(
        warehouse,
        "select distinct run_id from quality.check_results_latest where document_id = ?",
        [old.document_id],
    ) == [("r1",)]


def test_when_a_budget_s_own_errors_change_its_final_is_checked_again(warehouse):
    """The final's finding is 'review' while its budget's B07 errs: the budget's own
    errors are part of the final's fingerprint, so fixing them (a new reading of the same
    document) re-checks the final in the same run, and the finding becomes an error."""
    documents = [budget(2024, **B07_ERRING), final(2024, **MISMATCHED)]
    build(warehouse, documents)
    check(warehouse, "r1")
    assert comparison(warehouse) == (REVIEW, "r1")
    documents[0] = replace(budget(2024), ingested_at=T0 + timedelta(days=1))
    build(warehouse, documents)
    assert sorted(check(warehouse, "r2").documents) == ["budget2024", "final2024"]
    assert comparison(warehouse) == (ERROR, "r2")


@pytest.mark.slow
def test_a_new_catalogue_version_checks_everything(warehouse, monkeypatch):
    build(warehouse, [final(2023), budget(2024), final(2024)])
    check(warehouse, "r1")
    assert check(warehouse, "r2").documents_checked == 0
    monkeypatch.setattr(engine, "catalogue_version", lambda: "another rule")
    assert check(warehouse, "r3").documents_checked == 3
    assert check(warehouse, "r4").documents_checked == 0
    # A tolerance is part of what the outcomes depend on, too.
    assert check(warehouse, "r5", tolerance_per_term=Decimal("0.01")).documents_checked == 3


def test_the_catalogue_version_follows_the_rules_and_suites(tmp_path, monkeypatch):
    from pipelines import settings
    from pipelines.quality.catalogue import catalogue_version

    for name in (
        "pipelines/quality/rules.py",
        "pipelines/domain/words.toml",
        "expectations/s.json",
    ):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("one", encoding="utf-8")
    monkeypatch.setattr(settings, "PROJECT_ROOT", tmp_path)
    versions = []
    try:
        for name in (
            "pipelines/quality/rules.py",
            "pipelines/domain/words.toml",
            "expectations/s.json",
        ):
            catalogue_version.cache_clear()
            versions.append(catalogue_version())
            (tmp_path / name).write_text("another", encoding="utf-8")
        catalogue_version.cache_clear()
        versions.append(catalogue_version())
        (tmp_path / "README.md").write_text("not a rule", encoding="utf-8")
        catalogue_version.cache_clear()
        versions.append(catalogue_version())
    finally:
        catalogue_version.cache_clear()
    assert len(set(versions)) == 4 and versions[-1] == versions[-2]


@pytest.mark.slow
def test_recheck_all_checks_every_loaded_document(warehouse):
    build(warehouse, [final(2023), budget(2024), final(2024)])
    check(warehouse, "r1")
    summary = check(warehouse, "r2", only_stale=False)
    assert summary.documents_checked == 3
    assert set(runs_by_document(warehouse).values()) == {"r2"}


@pytest.mark.slow
# Batches: the first generation (2023 final, both budgets) in 3 or 2, then each final.
@pytest.mark.parametrize(("size", "batches"), [(1, 5), (2, 4)])
def test_batch_size_does_not_change_the_latest_results(tmp_path, size, batches):
    documents = [
        final(2023, **B07_ERRING),  # T07 errs on its own: 2024's comparisons are review
        budget(2024, **B07_ERRING),
        final(2024, **MISMATCHED),
        budget(2025),
        final(2025, **MISMATCHED),
    ]
    whole, batched = tmp_path / "whole.duckdb", tmp_path / "batched.duckdb"
    build(whole, documents)
    build(batched, documents)
    assert check(whole, "r1", batch_size=100).batches == 3
    assert check(batched, "r1", batch_size=size).batches == batches
    assert latest(whole) == latest(batched)
    # Across batches, the 2024 final's mismatch is review (its budget's B07 errs) and
    # the 2025 final's is an error (its budget is sound).
    severities = dict(
        rows(
            batched,
            "select document_id, severity from quality.check_results_latest "
            "where check_name = 't07_budget_vs_b07' and location = '公务接待费'",
        )
    )
    assert severities == {"final2024": REVIEW, "final2025": ERROR}


@pytest.mark.slow
def test_a_run_stopped_after_some_batches_goes_on_where_it_stopped(tmp_path):
    """What the ingest asset does, one process after another: runs of at most two batches
    with one run_id, until one completes, leave the results of a run without stops."""
    documents = [final(2023), budget(2024), final(2024, **MISMATCHED), budget(2025)]
    whole, stepped = tmp_path / "whole.duckdb", tmp_path / "stepped.duckdb"
    build(whole, documents)
    build(stepped, documents)
    check(whole, "r1", batch_size=1)
    parts = []
    while not parts or not parts[-1].complete:
        parts.append(check(stepped, "r1", batch_size=1, max_batches=2))
    assert [(p.batches, p.complete) for p in parts] == [(2, False), (2, True)]
    assert sum(p.documents_checked for p in parts) == 4
    # Only the run that completes counts the warehouse's findings.
    assert parts[0].latest.errors == 0 and parts[-1].latest.errors > 0
    assert latest(whole) == latest(stepped)
    with pytest.raises(ValueError, match="only_stale"):
        check(stepped, "r2", only_stale=False, max_batches=1)


def test_each_batch_is_written_as_it_is_made_and_a_failed_run_resumes(warehouse, monkeypatch):
    build(warehouse, [final(2023), budget(2024), final(2024), budget(2025)])
    real_check = engine.check_document

    def failing_on_the_2024_final(document, *args, **kwargs):
        if document.document_id == "final2024":
            raise RuntimeError("a rule crashing")
        return real_check(document, *args, **kwargs)

    monkeypatch.setattr(engine, "check_document", failing_on_the_2024_final)
    with pytest.raises(engine.QualityEngineError, match="final2024"):
        check(warehouse, "r1", batch_size=1)
    # The batches before the failure are committed with their state.
    assert runs_by_document(warehouse) == {
        "final2023": "r1",
        "budget2024": "r1",
        "budget2025": "r1",
    }
    assert rows(warehouse, "select distinct document_id from quality.check_results order by 1") == [
        ("budget2024",),
        ("budget2025",),
        ("final2023",),
    ]
    monkeypatch.setattr(engine, "check_document", real_check)
    assert check(warehouse, "r2").documents == ("final2024",)


def test_the_checks_are_behind_raw_until_every_loaded_reading_is_checked(warehouse):
    documents = [final(2023), replace(final(2024), status="rejected")]
    build(warehouse, documents)
    with connect(warehouse) as con:
        for doc in documents:
            con.execute(
                "insert into raw.documents (document_id, file_name, source_path, file_size, "
                "status, extractor_version, ingested_at) values (?, ?, ?, 1, ?, 'v1', ?)",
                [doc.document_id, doc.document_id, doc.document_id, doc.status, doc.ingested_at],
            )
        assert state.downstream_behind_raw(con)  # never checked
    check(warehouse, "r1")
    with connect(warehouse) as con:
        # The rejected document is never checked and does not hold the checks behind.
        assert not state.downstream_behind_raw(con)
        later = T0 + timedelta(hours=1)
        con.execute(
            "update raw.documents set ingested_at = ? where document_id = 'final2023'", [later]
        )
        con.execute(
            "update marts.dim_document set ingested_at = ? where document_id = 'final2023'", [later]
        )
        assert state.downstream_behind_raw(con)  # read again, not yet checked


def version(document_id: str, unit: str, year: int, kind: str = "决算") -> DocumentVersion:
    return DocumentVersion(document_id, unit, unit, year, None, kind, T0, "v1")


def test_a_batch_counts_the_documents_it_compares_with():
    """Three units' 2024 finals, each compared with its 2023 final and its 2024 budget: a
    batch reading at most 6 documents holds two finals (2 + 4 compared), not six."""
    versions = [
        version(f"{kind}{year}{unit}", unit, year, kind)
        for unit in "abc"
        for year, kind in ((2023, "决算"), (2024, "预算"), (2024, "决算"))
    ]
    compared = compared_documents(versions)
    finals_2024 = [v for v in versions if v.fiscal_year == 2024 and v.kind == "决算"]
    batches = list(engine.batches(finals_2024, compared, size=6))
    assert [[v.document_id for v in batch] for batch in batches] == [
        ["决算2024a", "决算2024b"],
        ["决算2024c"],
    ]
    # A document whose comparisons alone pass the size still goes, by itself.
    assert [len(batch) for batch in engine.batches(finals_2024, compared, size=2)] == [1, 1, 1]
    # Documents compared with nothing fill a batch to the size.
    budgets = [v for v in versions if v.kind == "预算"]
    assert [len(b) for b in engine.batches(budgets, compared, size=2)] == [2, 1]
