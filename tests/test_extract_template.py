"""Which tables a document's template has: an eight-table contents, or tables numbered
公开01表…公开08表, leaves out T09.

Older templates print eight tables, without 国有资本经营预算财政拨款支出决算表; the
document's own contents or table numbers say so. Such a T09 is 'not_in_template', which
completeness passes; a table missing from a nine-table document (contents or numbers going
to nine, a gap, or neither contents nor numbers) stays missing.
"""

from __future__ import annotations

from pipelines.domain.tables import TABLES
from pipelines.extract.document import (
    LEFT_OUT_BY_CONTENTS,
    LEFT_OUT_BY_NUMBERING,
    left_out_by_template_reasons,
)
from pipelines.extract.locate import TableLocation, left_out_by_numbering, left_out_by_template
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


def labelled_tables(
    labels: dict[str, str | None], narrative: str = ""
) -> tuple[list[PageText], dict[str, TableLocation]]:
    """A cover, then one page per table (its label above its title, None for no label),
    then a narrative page; and where each table was located."""
    titles = {spec.table_id: spec.canonical_title for spec in TABLES}
    pages = [COVER]
    locations = {}
    for table_id, label in labels.items():
        number = len(pages) + 1
        lines = [label or "", titles[table_id], "单位：某某市某某局 金额单位：万元", "合计 1.00"]
        pages.append(PageText(number, 595.0, 842.0, "\n".join(lines), ()))
        locations[table_id] = TableLocation(table_id, titles[table_id], (number,))
    pages.append(PageText(len(pages) + 1, 595.0, 842.0, "第三部分 情况说明\n" + narrative, ()))
    return pages, locations


NUMBERED_EIGHT = {table_id: f"公开0{table_id[2]}表" for table_id in EIGHT}


def test_tables_numbered_01_to_08_without_t09_leave_out_t09() -> None:
    pages, locations = labelled_tables(NUMBERED_EIGHT)
    assert left_out_by_numbering(pages, locations) == {"T09"}
    # The order of the numbers is the template's (三公 may come last), not the tables'.
    shuffled = {**NUMBERED_EIGHT, "T07": "公开08表", "T08": "公开07表"}
    assert left_out_by_numbering(*labelled_tables(shuffled)) == {"T09"}
    # A label printed spaced out is the same label.
    spaced = {**NUMBERED_EIGHT, "T03": "公开 03 表"}
    assert left_out_by_numbering(*labelled_tables(spaced)) == {"T09"}


def test_nine_table_numbering_or_unnumbered_tables_keep_t09_expected() -> None:
    # 三公 as 公开09表 (fund and SOE tables 07/08): the SOE table's number is absent.
    three_public_last = {**NUMBERED_EIGHT, "T08": "公开07表", "T07": "公开09表"}
    assert left_out_by_numbering(*labelled_tables(three_public_last)) == set()
    # Numbers going to 09 with a gap at 05.
    gap = {**NUMBERED_EIGHT, "T05": "公开06表", "T06": "公开07表", "T07": "公开08表"}
    gap["T08"] = "公开09表"
    assert left_out_by_numbering(*labelled_tables(gap)) == set()
    # A gap at 05 within 01–08 (a number printed twice).
    assert left_out_by_numbering(*labelled_tables({**NUMBERED_EIGHT, "T05": "公开06表"})) == set()
    # A table missing outright: seven numbers.
    without_t05 = {t: label for t, label in NUMBERED_EIGHT.items() if t != "T05"}
    assert left_out_by_numbering(*labelled_tables(without_t05)) == set()
    # No labels (2024 Shanghai), or one table without its label.
    assert left_out_by_numbering(*labelled_tables(dict.fromkeys(EIGHT))) == set()
    assert left_out_by_numbering(*labelled_tables({**NUMBERED_EIGHT, "T04": None})) == set()
    # 公开09表 printed elsewhere (a page whose title was not understood, or the narrative).
    assert left_out_by_numbering(*labelled_tables(NUMBERED_EIGHT, "详见公开09表")) == set()
    # Contents listing T09: a nine-table template whose T09 is missing, however the
    # printed tables are numbered.
    pages, locations = labelled_tables(NUMBERED_EIGHT)
    assert (
        left_out_by_numbering([pages[0], contents([*EIGHT, "T09"]), *pages[1:]], locations) == set()
    )
    # T09 printed: nothing to leave out.
    pages, locations = labelled_tables({**NUMBERED_EIGHT, "T09": "公开09表"})
    assert left_out_by_numbering(pages, locations) == set()


def test_a_page_with_two_labels_gives_its_table_no_number() -> None:
    pages, locations = labelled_tables(NUMBERED_EIGHT)
    shared = pages[8]  # T08's page also carries T07's label: which is whose is unknown
    pages[8] = PageText(shared.number, 595.0, 842.0, "公开07表\n" + shared.text, ())
    assert left_out_by_numbering(pages, locations) == set()


def test_the_reason_names_the_signal_and_the_year_alone_decides_nothing() -> None:
    pages, locations = labelled_tables(NUMBERED_EIGHT)
    assert left_out_by_template_reasons(pages, locations) == {"T09": LEFT_OUT_BY_NUMBERING}
    assert "01–08" in LEFT_OUT_BY_NUMBERING
    with_contents = [pages[0], contents(EIGHT), *pages[1:]]
    assert left_out_by_template_reasons(with_contents, locations) == {"T09": LEFT_OUT_BY_CONTENTS}
    # An old year on the cover with unnumbered tables and no contents: T09 stays expected.
    old_cover = PageText(1, 595.0, 842.0, "2019年度\n某某市某某局\n部门决算", ())
    unnumbered, located = labelled_tables(dict.fromkeys(EIGHT))
    assert left_out_by_template_reasons([old_cover, *unnumbered[1:]], located) == {}
