"""The catalogue, and the expectation suites that decide every check's verdict."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from pipelines.domain.subjects import FUNCTION_CLASSES
from pipelines.quality import gx
from pipelines.quality.catalogue import CATALOGUE, CHECKS, FAMILIES, check_ids
from pipelines.quality.document import TABLE_IDS, Document, Table
from pipelines.quality.gx import QualityEngineError, load_suite_definition, validate_outcomes
from pipelines.quality.outcomes import ERROR, INFO, ROUNDING, Collector, Outcome
from pipelines.quality.tolerance import Term

MARTS = Path(__file__).resolve().parents[1] / "dbt_project" / "models" / "marts"
D = Decimal


def test_check_ids_are_unique_and_every_family_has_its_suite() -> None:
    assert len(CHECKS) == len(CATALOGUE)
    assert {check.family for check in CATALOGUE} == set(FAMILIES)
    for family in FAMILIES:
        assert gx.suite_path(family).is_file(), family


def test_every_check_hangs_on_a_mart_that_exists() -> None:
    marts = {path.stem for path in MARTS.rglob("*.sql")}
    assert {check.target_mart for check in CATALOGUE} <= marts


def test_each_suite_admits_exactly_its_familys_checks() -> None:
    for family in FAMILIES:
        (membership,) = [
            e
            for e in load_suite_definition(family)["expectations"]
            if e["kwargs"].get("column") == "check_name"
        ]
        assert membership["kwargs"]["value_set"] == list(check_ids(family))


def test_a_suite_file_may_not_list_check_names(tmp_path, monkeypatch) -> None:
    """The catalogue is the one list: a suite carrying its own copy is refused."""
    definition = json.loads(gx.suite_path("narrative_identities").read_text(encoding="utf-8"))
    definition["expectations"].append(
        {
            "type": "expect_column_values_to_be_in_set",
            "kwargs": {"column": "check_name", "value_set": ["narrative_matches_tables"]},
        }
    )
    (tmp_path / "narrative_identities.json").write_text(json.dumps(definition), "utf-8")
    monkeypatch.setattr(gx, "SUITES_DIR", tmp_path)
    with pytest.raises(QualityEngineError, match="catalogue"):
        load_suite_definition("narrative_identities")


def test_a_check_outside_the_catalogue_cannot_be_recorded() -> None:
    document = Document(
        "doc", None, None, 2024, {t: Table(t, "missing", None, None) for t in TABLE_IDS}
    )
    collector = Collector(document)
    terms = [Term(D("1.00"))]
    place = {"where": "某处", "observed_label": "甲", "expected_label": "乙"}
    with pytest.raises(KeyError, match="catalogue"):
        collector.identity("t10_row_total", "T10", "合计", terms, terms, **place)
    with pytest.raises(ValueError, match="plausibility"):  # the catalogue's rule is another
        collector.identity("scale_outlier", "T05", "合计", terms, terms, **place)
    assert collector.outcomes == []


def _identity(deviation: str, tolerance: str, check: str = "t05_row_total") -> Outcome:
    return Outcome(
        check_name=check,
        document_id="doc",
        source_table="T05",
        source_page=1,
        location="合计",
        observed=D(deviation),
        expected=D(0),
        difference=D(deviation),
        deviation=D(deviation),
        tolerance=D(tolerance),
        printed_terms=2,
    )


SEVERITY_CASES = [
    ("0", "0.015", INFO),
    ("0.00", "0", INFO),
    ("0.01", "0.015", ROUNDING),
    ("0.01", "0.010", ROUNDING),  # the envelope itself is still rounding
    ("0.011", "0.010", ERROR),
    ("0.0000006", "0.0000005", ERROR),  # 元 tables: a cent of 元 beyond is an error
    ("2961.38", "0.055", ERROR),
    ("-0.01", "0.015", ERROR),  # a negative deviation is never a valid outcome
]


def test_the_suites_decide_severity_by_deviation_against_the_envelope() -> None:
    outcomes = [_identity(deviation, tolerance) for deviation, tolerance, _ in SEVERITY_CASES]
    outcomes.append(_identity("0.02", "0.01", check="t03_t05_basic_at_least"))  # a shortfall
    validate_outcomes(outcomes, "unit-test")
    assert [o.severity for o in outcomes] == [*(case[2] for case in SEVERITY_CASES), ERROR]
    assert [o.passed for o in outcomes] == [o.severity != ERROR for o in outcomes]


def test_national_class_codes_are_those_of_the_domain() -> None:
    (expectation,) = [
        e
        for e in load_suite_definition("plausibility")["expectations"]
        if e["kwargs"].get("column") == "class_code"
    ]
    assert sorted(expectation["kwargs"]["value_set"]) == sorted(FUNCTION_CLASSES)


def test_every_expectation_explains_itself_in_chinese() -> None:
    for family in FAMILIES:
        definition = load_suite_definition(family)
        assert definition["meta"]["notes"]["content"]
        for expectation in definition["expectations"]:
            (text,) = expectation["meta"]["notes"]["content"]
            assert any("\u4e00" <= char <= "\u9fff" for char in text), expectation
