"""The expectation suites in expectations/ agree with the catalogue and the domain."""

from __future__ import annotations

from pipelines.domain.subjects import FUNCTION_CLASSES
from pipelines.quality.catalogue import CHECKS
from pipelines.quality.gx import load_suite_definition
from pipelines.quality.outcomes import FAMILIES


def _check_names(definition: dict) -> set[str]:
    (expectation,) = [
        e
        for e in definition["expectations"]
        if e["type"] == "expect_column_values_to_be_in_set"
        and e["kwargs"]["column"] == "check_name"
    ]
    return set(expectation["kwargs"]["value_set"])


def test_every_check_belongs_to_exactly_one_suite() -> None:
    families = {family: _check_names(load_suite_definition(family)) for family in FAMILIES}
    listed = [check for checks in families.values() for check in checks]
    assert sorted(listed) == sorted(CHECKS)


def test_identity_suites_decide_by_the_rounding_envelope() -> None:
    for family in ("within_table_identities", "cross_table_identities", "narrative_identities"):
        kwargs = [e["kwargs"] for e in load_suite_definition(family)["expectations"]]
        assert {"column_A": "tolerance", "column_B": "deviation", "or_equal": True} in kwargs


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
