"""Which tables a document's template has: an eight-table contents leaves out T09.

Older templates print eight tables, without 国有资本经营预算财政拨款支出决算表; the
document's own contents say so. Such a T09 is 'not_in_template', which completeness
passes; a table missing from a nine-table contents (or without contents) stays missing.
"""

from __future__ import annotations

from pipelines.domain.tables import TABLES
from pipelines.extract.locate import left_out_by_template
from pipelines.extract.pdf_text import PageText
from pipelines.quality.checks import check_document
from pipelines.quality.document import Table
from pipelines.quality.gx import validate_outcomes
from tests.test_quality_rules import make_document

ORDINALS = "一二三四五六七八九"
COVER = PageText(1, 595.0, 842.0, "2023年度\n某某市某某局\n部门决算", ())


def contents(table_ids: list[str], heading: str = "目 录") -> PageText:
    titles = {spec.table_id: spec.canonical_title for spec in TABLES}
    lines = [heading, "第一部分 部门概况", "第二部分 2023年度部门决算表"]
    lines += [f"{ORDINALS[i]}、{titles[t]}" for i, t in enumerate(table_ids)]
    lines += ["第三部分 2023年度部门决算情况说明", "九、国有资本经营预算财政拨款支出决算情况说明"]
    return PageText(2, 595.0, 842.0, "\n".join(lines), ())


EIGHT = [f"T0{n}" for n in range(1, 9)]


def test_contents_listing_eight_tables_leave_out_t09() -> None:
    assert left_out_by_template([COVER, contents(EIGHT)]) == {"T09"}
    # A page naming many tables is contents even without the word 目录.
    assert left_out_by_template([COVER, contents(EIGHT, heading="说明")]) == {"T09"}


def test_every_table_is_expected_without_eight_table_contents() -> None:
    assert left_out_by_template([COVER]) == set()
    assert left_out_by_template([COVER, contents([*EIGHT, "T09"])]) == set()
    # Contents that skip another table: not a template we know, so nothing is left out.
    without_t05 = [t for t in EIGHT if t != "T05"]
    assert left_out_by_template([COVER, contents(without_t05)]) == set()


def test_completeness_passes_a_table_the_template_has_not_and_fails_a_missing_one() -> None:
    document = make_document(Table("T09", "not_in_template", None, None))
    outcomes = check_document(document)
    validate_outcomes(outcomes, "unit-test")
    completeness = {o.source_table: o for o in outcomes if o.check_name == "tables_complete"}
    assert completeness["T09"].passed
    assert "模板不含此表" in completeness["T09"].message()
    assert not completeness["T08"].passed
