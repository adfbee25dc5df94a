"""The quality engine end to end: generated PDFs → `juesuan ingest` → run_quality_checks.

(a) a small corpus with planted errors of all five kinds: every check each error must
trip is reported as an error at its site, and nothing else is; (b) the clean default
corpus (the demo warehouse): no error at all, and the seed case's real rounding
differences reported as rounding; (c) the real 上海市普陀区财政局 2024 disclosure: its
narrative "财政拨款收入支出总计0.3万元" is an error against T04. Coverage
(quality.document_coverage) is dbt's: built without a registry by the ingest, then again
with one, as an operator does after editing the registry.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from juesuan_samples import ERROR_KINDS, generate_corpus
from juesuan_samples.identities import NARRATIVE_TABLES
from pipelines.quality import QualityEngineError, run_quality_checks
from pipelines.quality.catalogue import CHECKS, NARRATIVE_FAMILY
from pipelines.quality.rules_narrative import NARRATIVE_FIGURES
from pipelines.settings import DBT_PROJECT_DIR
from tests.conftest import run_ingest
from tests.ground_truth import error_findings, planted_sites

SEED_UNIT = "枣庄市人民政府办公室本级"
UNREGISTERED_UNIT_INDEX = 2  # the planted corpus unit left out of the registry
EXTRA_REGISTERED_UNIT = "枣庄市未报送局"


def _query(warehouse: Path, sql: str, params: list | None = None) -> list[tuple]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def _build_coverage(warehouse: Path, registry: Path) -> None:
    """`dbt build` of quality.document_coverage against the warehouse, with the registry."""
    env = os.environ | {
        "JUESUAN_WAREHOUSE": str(warehouse),
        "JUESUAN_UNIT_REGISTRY": str(registry.resolve()),
    }
    target = warehouse.parent / "dbt_target"
    dbt = str(Path(sys.executable).parent / "dbt")
    paths = ["--target-path", str(target), "--log-path", str(target)]
    result = subprocess.run(
        [dbt, "build", "--select", "document_coverage", *paths, "--quiet"],
        cwd=DBT_PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]


def _truths(sources: Path) -> dict[tuple[str, int], dict]:
    truths = {}
    for path in sources.rglob("*.truth.json"):
        truth = json.loads(path.read_text(encoding="utf-8"))
        document = truth["document"]
        truths[(document["unit_name"], document["fiscal_year"])] = truth
    return truths


def _error_rows(warehouse: Path, run_id: str) -> list[tuple]:
    """(check_name, source_table, location, message) of every error of a run."""
    return _query(
        warehouse,
        "select check_name, source_table, location, message from quality.check_results "
        "where severity = 'error' and run_id = ?",
        [run_id],
    )


# ---------------------------------------------------------------------------
# (a) planted errors


@pytest.fixture(scope="module")
def planted(tmp_path_factory) -> dict:
    root = tmp_path_factory.mktemp("planted")
    sources, warehouse = root / "sources", root / "juesuan.duckdb"
    documents = generate_corpus(sources, units=6, years=(2024,), planted_errors=6)
    result = run_ingest(sources, warehouse)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    registry = root / "units.csv"
    with registry.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["unit_name", "region", "unit_level"])
        for index, document in enumerate(documents):
            if index != UNREGISTERED_UNIT_INDEX:
                writer.writerow([document.unit_name, "某地", "部门"])
        writer.writerow([EXTRA_REGISTERED_UNIT, "枣庄市", "部门"])
    _build_coverage(warehouse, registry)
    # The ingest checked every document; this run checks them all again, under its own id.
    summary = run_quality_checks(
        warehouse, "planted-run", reports_dir=root / "reports", only_stale=False
    )
    return {
        "documents": documents,
        "sources": sources,
        "warehouse": warehouse,
        "summary": summary,
        "root": root,
    }


@pytest.mark.slow
def test_the_planted_corpus_has_every_kind_of_error(planted) -> None:
    kinds = {error.kind for doc in planted["documents"] for error in doc.planted_errors}
    assert kinds == set(ERROR_KINDS)


@pytest.mark.slow
def test_every_planted_error_is_reported_at_its_check_table_and_location(planted) -> None:
    errors = error_findings(planted["warehouse"], "planted-run")
    truths = _truths(planted["sources"])
    assert any(truth["planted_errors"] for truth in truths.values())
    for key, truth in truths.items():
        for error in truth["planted_errors"]:
            for site in error["checks"]:
                expected = (site["check"], site["table"], site["location"])
                assert expected in errors.get(key, set()), (key, error["kind"], expected)


@pytest.mark.slow
def test_planted_documents_report_no_error_beyond_their_planted_ones(planted) -> None:
    """Beyond the planted sites, only the narrative's figures may follow a planted error:
    the narrative restates the tables, so a planted figure travels into the sentences the
    generator does not model (人员经费, a share "占 P%" of a planted total, a 五(三) item of a
    planted T05 row …). Such a knock-on goes through a planted table when it names one;
    table, word, identity and plausibility checks never report beyond the planted sites."""
    errors = error_findings(planted["warehouse"], "planted-run")
    compared = dict(
        ((unit, year, check, location), table)
        for unit, year, check, location, table in _query(
            planted["warehouse"],
            """select d.unit_name, r.fiscal_year, r.check_name, r.location, r.compared_table
               from quality.check_results r join raw.documents d using (document_id)
               where r.severity = 'error' and r.run_id = 'planted-run'""",
        )
    )
    modelled = set(NARRATIVE_TABLES)
    for key, truth in _truths(planted["sources"]).items():
        sites = planted_sites(truth)
        planted_tables = {e["table"] for e in truth["planted_errors"]}
        for check, table, location in errors.get(key, set()) - sites:
            assert CHECKS[check].family == NARRATIVE_FAMILY, (key, check, table, location)
            assert planted_tables, (key, check, location)
            through = compared.get((*key, check, location))
            if through is not None:
                assert through in planted_tables, (key, check, location, through)
            if check == "narrative_matches_tables" and location in NARRATIVE_FIGURES:
                assert location not in modelled, (key, location)
                assert NARRATIVE_FIGURES[location][0] in planted_tables, (key, location)


@pytest.mark.slow
def test_clean_documents_of_the_planted_corpus_have_no_error(planted) -> None:
    errors = error_findings(planted["warehouse"], "planted-run")
    clean = [(d.unit_name, d.fiscal_year) for d in planted["documents"] if not d.planted_errors]
    assert clean
    for key in clean:
        assert not errors.get(key), (key, errors.get(key))


@pytest.mark.slow
def test_checks_reading_a_missing_table_are_skipped(planted) -> None:
    missing = [
        (document, error)
        for document in planted["documents"]
        for error in document.planted_errors
        if error.kind == "missing_table"
    ]
    assert missing
    for document, error in missing:
        rows = _query(
            planted["warehouse"],
            """select distinct r.check_name from quality.check_results r
               join raw.documents d using (document_id)
               where d.unit_name = ? and (r.source_table = ? or r.compared_table = ?)
                 and r.run_id = 'planted-run'""",
            [document.unit_name, error.table, error.table],
        )
        assert rows == [("tables_complete",)], (document.unit_name, error.table, rows)


@pytest.mark.slow
def test_summary_agrees_with_the_table(planted) -> None:
    summary = planted["summary"]
    rows = _query(
        planted["warehouse"],
        "select severity, count(*) from quality.check_results where run_id = ? group by 1",
        ["planted-run"],
    )
    assert dict(rows) == {k: v for k, v in summary.by_severity.items() if v}
    assert summary.documents_checked == len(planted["documents"])
    assert summary.errors == sum(summary.errors_by_check.values()) > 0
    assert summary.data_docs_index == planted["root"] / "reports" / "data_docs" / "index.html"


@pytest.mark.slow
def test_data_docs_show_every_suite(planted) -> None:
    index = planted["summary"].data_docs_index
    html = index.read_text(encoding="utf-8")
    for suite in ("within_table_identities", "cross_table_identities", "narrative_identities"):
        assert suite in html
    assert list((index.parent / "validations").rglob("*.html"))


@pytest.mark.slow
def test_results_carry_the_contract_columns_and_keys(planted) -> None:
    (row,) = _query(
        planted["warehouse"],
        """select count(*), count_if(unit_id is null),
                  count_if(check_title is null), count_if(message is null),
                  count_if(severity not in ('info', 'rounding', 'error', 'review')),
                  count_if(passed <> (severity not in ('error', 'review')))
           from quality.check_results where run_id = 'planted-run'""",
    )
    assert row[0] > 0 and row[1:] == (0, 0, 0, 0, 0)
    (mismatched,) = _query(
        planted["warehouse"],
        """select count(*) from quality.check_results r
           join marts.dim_document d using (document_id)
           where r.unit_id is distinct from d.unit_id
              or r.fiscal_year is distinct from d.fiscal_year""",
    )
    assert mismatched == (0,)


@pytest.mark.slow
def test_every_quality_table_and_column_has_a_chinese_comment(planted) -> None:
    rows = _query(
        planted["warehouse"],
        """select table_name, column_name, comment from duckdb_columns()
           where schema_name = 'quality'""",
    )
    tables = {table for table, _, _ in rows}
    assert {"check_results", "check_results_latest", "document_coverage"} <= tables
    for table, column, comment in rows:
        assert comment and any("\u4e00" <= c <= "\u9fff" for c in comment), (table, column)
    relations = _query(
        planted["warehouse"],
        """select table_name, comment from duckdb_tables() where schema_name = 'quality'
           union all select view_name, comment from duckdb_views() where schema_name = 'quality'""",
    )
    assert all(comment for _, comment in relations), relations


@pytest.mark.slow
def test_coverage_follows_the_registry(planted) -> None:
    rows = _query(
        planted["warehouse"],
        """select unit_name, fiscal_year, expected_from, in_registry, has_loaded_document,
                  status, document_kind
           from quality.document_coverage""",
    )
    by_unit = {(r[0], r[1]): r for r in rows}
    missing = by_unit[(EXTRA_REGISTERED_UNIT, 2024)]
    assert missing[2:6] == ("单位登记表", True, False, "absent")
    unregistered = planted["documents"][UNREGISTERED_UNIT_INDEX]
    sender = by_unit[(unregistered.unit_name, unregistered.fiscal_year)]
    assert sender[3:6] == (False, True, "loaded")
    seed = by_unit[(SEED_UNIT, 2020)]
    assert seed[3:7] == (True, True, "loaded", "决算")
    years = {year for _, year in by_unit}
    assert years == {2020, 2024}
    (unkeyed,) = _query(
        planted["warehouse"],
        """select count(*) from quality.document_coverage c
           join marts.dim_unit u using (unit_name) where c.unit_id <> u.unit_id""",
    )
    assert unkeyed == (0,)


@pytest.mark.slow
def test_a_rerun_replaces_its_rows_and_history_is_kept(planted, tmp_path) -> None:
    warehouse = tmp_path / "copy.duckdb"
    shutil.copy(planted["warehouse"], warehouse)
    count = "select count(*) from quality.check_results where run_id = ?"
    (before,) = _query(warehouse, count, ["planted-run"])
    run_quality_checks(warehouse, "planted-run", build_data_docs=False, only_stale=False)
    assert _query(warehouse, count, ["planted-run"]) == [before]
    run_quality_checks(warehouse, "second-run", build_data_docs=False, only_stale=False)
    assert _query(warehouse, count, ["second-run"]) == [before]
    # Nothing changed since: a run checks nothing and writes nothing.
    assert run_quality_checks(warehouse, "third-run", build_data_docs=False).documents_checked == 0
    assert _query(warehouse, count, ["third-run"]) == [(0,)]
    assert _query(warehouse, "select distinct run_id from quality.check_results_latest") == [
        ("second-run",)
    ]


def test_engine_faults_raise_and_findings_do_not(tmp_path) -> None:
    with pytest.raises(QualityEngineError):
        run_quality_checks(tmp_path / "absent.duckdb", "run")
    before_dbt = tmp_path / "raw_only.duckdb"
    duckdb.connect(str(before_dbt)).close()
    with pytest.raises(QualityEngineError, match="dbt"):
        run_quality_checks(before_dbt, "run")
    with pytest.raises(ValueError):
        run_quality_checks(tmp_path / "absent.duckdb", " ")


# ---------------------------------------------------------------------------
# (b) the clean default corpus and the seed case


@pytest.fixture(scope="module")
def demo_checked(demo_warehouse, tmp_path_factory) -> Path:
    """A copy of the session's demo warehouse, checked (the original stays untouched)."""
    warehouse = tmp_path_factory.mktemp("demo_quality") / "juesuan.duckdb"
    shutil.copy(demo_warehouse, warehouse)
    run_quality_checks(warehouse, "demo-run", build_data_docs=False, only_stale=False)
    return warehouse


@pytest.mark.slow
def test_the_clean_default_corpus_has_no_error(demo_checked) -> None:
    assert _error_rows(demo_checked, "demo-run") == []
    (documents,) = _query(
        demo_checked,
        "select count(distinct document_id) from quality.check_results where run_id = 'demo-run'",
    )
    assert documents == (41,)


@pytest.mark.slow
def test_every_check_of_the_catalogue_is_recorded_by_a_rule(
    planted, demo_checked, paired_warehouse
) -> None:
    """No catalogue entry lacks its rule: the planted and demo corpora print every final
    table with data, the paired corpus every budget table and a final for each budget
    (the ingest ran the quality checks on it)."""
    recorded = set()
    for warehouse in (planted["warehouse"], demo_checked, paired_warehouse):
        rows = _query(warehouse, "select distinct check_name from quality.check_results")
        recorded |= {name for (name,) in rows}
    assert recorded == set(CHECKS)


@pytest.mark.slow
def test_coverage_without_a_registry_is_the_warehouse_units_by_year(demo_checked) -> None:
    rows = _query(
        demo_checked,
        """select count(*), count(distinct unit_id), count(distinct fiscal_year),
                  count_if(has_loaded_document), count_if(in_registry is not null),
                  count_if(expected_from not like '%未配置%')
           from quality.document_coverage""",
    )
    units, years = 21, 3  # 20 units for 2023 and 2024, and the seed case's unit for 2020
    assert rows == [(units * years, units, years, 41, 0, 0)]


def _seed_outcomes(warehouse: Path) -> list[tuple]:
    return _query(
        warehouse,
        """select r.check_name, r.source_table, r.location, r.measure, r.severity,
                  r.observed, r.expected, r.difference, r.tolerance, r.message
           from quality.check_results r join raw.documents d using (document_id)
           where d.unit_name = ? and d.fiscal_year = 2020 and r.run_id = 'demo-run'""",
        [SEED_UNIT],
    )


@pytest.mark.slow
def test_the_seed_case_reports_its_real_rounding_differences_and_no_error(demo_checked) -> None:
    outcomes = _seed_outcomes(demo_checked)
    assert outcomes
    assert not [o for o in outcomes if o[4] == "error"]
    rounding = {(o[0], o[1], o[2], o[3]): o for o in outcomes if o[4] == "rounding"}
    # T01 本年收入合计 7753.63 + 年初结转和结余 5.00 against 总计 7758.62
    grand = rounding[("statement_income_grand_total", "T01", "总计", "决算数")]
    assert grand[5:9] == (
        Decimal("7758.62"),
        Decimal("7758.63"),
        Decimal("-0.01"),
        Decimal("0.015"),
    )
    assert "尾数误差" in grand[9]
    # T05 基本支出 2204.72 against T06 人员经费合计 1991.45 + 公用经费合计 213.26
    basic = rounding[("t05_t06_basic", "T05", "合计", None)]
    assert basic[5:8] == (Decimal("2204.72"), Decimal("2204.71"), Decimal("0.01"))
    assert ("t03_row_total", "T03", "201", None) in rounding
    assert ("t06_hierarchy", "T06", "303", "决算数") in rounding


# ---------------------------------------------------------------------------
# (c) the real disclosure's narrative inconsistency

FINANCE_BUREAU = "shanghai_putuo_finance_bureau_2024_final.pdf"


@pytest.fixture(scope="module")
def real_checked(real_corpus, tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("real_quality")
    inbox = root / "sources"
    inbox.mkdir()
    shutil.copy(real_corpus / FINANCE_BUREAU, inbox / FINANCE_BUREAU)
    warehouse = root / "juesuan.duckdb"
    result = run_ingest(inbox, warehouse)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    run_quality_checks(warehouse, "real-run", build_data_docs=False, only_stale=False)
    return warehouse


@pytest.mark.real_corpus
@pytest.mark.slow
def test_the_real_narrative_total_is_an_error_against_t04(real_checked) -> None:
    (row,) = _query(
        real_checked,
        """select severity, passed, source_table, compared_table, observed, expected,
                  source_page, message
           from quality.check_results
           where check_name = 'narrative_matches_tables' and location = '财政拨款收入支出总计'
             and run_id = 'real-run'""",
    )
    severity, passed, source_table, compared_table, observed, expected, page, message = row
    assert (severity, passed, source_table, compared_table) == ("error", False, None, "T04")
    assert (observed, expected) == (Decimal("0.3"), Decimal("2961.68"))
    assert page == 21
    assert "0.3万元" in message and "2961.68" in message


@pytest.mark.real_corpus
@pytest.mark.slow
def test_the_real_disclosure_reports_only_its_two_true_errors(real_checked) -> None:
    # Its two true errors: the narrative's 财政拨款收入支出总计 "0.3万元" against T04, and
    # p.21's "一般公共服务支出（类）2106.66万元，占71.73%" where 2106.66 ÷ 2940.05 = 71.65%
    # (its four printed shares add up to 100.07%), checked by hand.
    rows = _error_rows(real_checked, "real-run")
    assert sorted((name, location) for name, _, location, _ in rows) == [
        ("narrative_matches_tables", "财政拨款收入支出总计"),
        ("narrative_share", "一般公共服务支出(类)"),
    ]
