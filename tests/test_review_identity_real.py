"""The document-identity checks on real disclosures and on generated corpora.

The real PDFs (../shared/corpus/real) are skipped when absent. The two published
disclosures give no finding; the empty 2024 template (rejected at extraction as a
template, so never loaded) gives, read as it prints, its placeholders and its seven
tables printed blank without a note; problems planted into the finance bureau's printed
lines are each found at their page. Generated corpora (ours, and LibreOffice's) give
no finding on any clean document.
"""

from __future__ import annotations

import dataclasses
import shutil
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest

from pipelines.extract.document import extract_document, extract_table, page_lines
from pipelines.extract.locate import locate_tables
from pipelines.extract.pdf_text import open_pdf, read_pages
from pipelines.extract.recognize import recognise
from pipelines.extract.records import DocumentExtraction
from pipelines.quality.catalogue import DOCUMENT_IDENTITY, check_ids
from pipelines.quality.document import TABLE_IDS, Document, PageLine, Table
from pipelines.quality.gx import validate_outcomes
from pipelines.quality.outcomes import ERROR, Collector, Outcome
from pipelines.quality.rules_identity import identity_rules

FINANCE = "shanghai_putuo_finance_bureau_2024_final.pdf"
SOCIAL = "shanghai_putuo_social_work_dept_2024_final.pdf"
TEMPLATE = "template_dept_final_2024_empty.pdf"
IDENTITY_CHECKS = set(check_ids(DOCUMENT_IDENTITY))


def quality_document(extraction: DocumentExtraction) -> Document:
    """What the checks see of an extraction once loaded (tables' states, lines, unit)."""
    tables = {}
    for table_id in TABLE_IDS:
        table = extraction.table(table_id)
        tables[table_id] = (
            Table(table_id, "missing", None, None)
            if table is None
            else Table(
                table_id,
                table.status,
                table.money_unit,
                table.first_page,
                (),
                table.last_page,
                table.note,
            )
        )
    lines = tuple(PageLine(ln.page, ln.line_number, ln.text, ln.box) for ln in extraction.lines)
    return Document(
        extraction.document_id,
        None,
        extraction.unit_name,
        extraction.fiscal_year,
        tables,
        lines=lines,
        unit_level=extraction.unit_level,
    )


def template_as_printed(path: Path) -> Document:
    """A template's document as its pages print it: extraction rejects a template before
    reading its tables, so they are located and read here the same way."""
    pdf = open_pdf(path)
    try:
        pages = read_pages(pdf)
        recognition = recognise(pages)
        by_number = {page.number: page for page in pages}
        locations = locate_tables(pages)
        tables = {}
        for table_id in TABLE_IDS:
            if table_id not in locations:
                tables[table_id] = Table(table_id, "missing", None, None)
                continue
            read = extract_table(path, locations[table_id], by_number, pdf)
            tables[table_id] = Table(
                table_id,
                read.status,
                read.money_unit,
                read.first_page,
                (),
                read.last_page,
                read.note,
            )
        lines = tuple(
            PageLine(ln.page, ln.line_number, ln.text, ln.box) for ln in page_lines(pages)
        )
    finally:
        pdf.close()
    return Document(
        "template",
        None,
        recognition.unit_name,
        recognition.fiscal_year,
        tables,
        lines=lines,
        unit_level=recognition.unit_level,
    )


def decide(documents: dict[str, Document]) -> dict[str, list[Outcome]]:
    """Each document's identity outcomes, decided by the suite in one validation."""
    outcomes = {}
    for name, document in documents.items():
        collector = Collector(document)
        identity_rules(collector, document)
        outcomes[name] = collector.outcomes
    validate_outcomes([o for found in outcomes.values() for o in found], "test")
    return outcomes


def findings(outcomes: list[Outcome]) -> list[Outcome]:
    return [o for o in outcomes if not o.passed]


def describe(found: list[Outcome]) -> list[str]:
    return [f"p{o.source_page} {o.check_name}: {o.message()}" for o in found]


# ---------------------------------------------------------------------------
# Real disclosures


@pytest.fixture(scope="module")
def real(real_corpus) -> dict[str, DocumentExtraction]:
    return {name: extract_document(real_corpus / name, real_corpus) for name in (FINANCE, SOCIAL)}


def test_the_published_disclosures_give_no_identity_finding(real) -> None:
    decided = decide({name: quality_document(ex) for name, ex in real.items()})
    for name, outcomes in decided.items():
        assert describe(findings(outcomes)) == [], name
        assert {o.check_name for o in outcomes} == IDENTITY_CHECKS, name
    notes = {
        name: sorted(o.source_table for o in outcomes if o.check_name == "empty_table_note")
        for name, outcomes in decided.items()
    }
    assert notes == {FINANCE: ["T08", "T09"], SOCIAL: ["T07", "T08", "T09"]}
    # the as-of date of the assets statement is read, and the narrative's 2023 is not a heading
    for outcomes in decided.values():
        years = [o.location for o in outcomes if o.check_name == "report_year"]
        assert "截至2024年12月31日" in years
        assert not any("2023" in (year or "") for year in years)


def test_the_empty_template_gives_its_placeholders_and_its_blank_tables(real_corpus) -> None:
    rejected = extract_document(real_corpus / TEMPLATE, real_corpus)
    assert rejected.status == "rejected" and "模板" in (rejected.status_reason or "")
    outcomes = decide({"template": template_as_printed(real_corpus / TEMPLATE)})["template"]
    found = findings(outcomes)
    by_check = Counter(o.check_name for o in found)
    assert set(by_check) == {"placeholder_text", "empty_table_note"}, describe(found)
    # every page that prints "XX" (cover, contents, 概况, table heading, notes, narrative)
    placeholder_pages = {o.source_page for o in found if o.check_name == "placeholder_text"}
    assert {1, 2, 4, 5, 13, 14} | set(range(15, 23)) <= placeholder_pages
    assert by_check["placeholder_text"] >= 100
    # the template prints T01–T07 blank with no note (T07's note is left to the narrative);
    # T08 and T09 carry theirs, naming their funds
    blank = sorted(o.source_table for o in found if o.check_name == "empty_table_note")
    assert blank == ["T01", "T02", "T03", "T04", "T05", "T06", "T07"]
    assert all(o.severity == ERROR for o in found)
    notes = [o for o in outcomes if o.check_name == "empty_table_note" and o.passed]
    assert sorted(o.source_table for o in notes) == ["T08", "T09"]


def _edit(page: int, old: str, new: str) -> Callable[[Document], Document]:
    """A plant: the first line of `page` printing `old` prints `new` instead."""

    def plant(document: Document) -> Document:
        lines = list(document.lines)
        hits = [i for i, ln in enumerate(lines) if ln.page == page and old in ln.text]
        assert hits, (page, old)
        lines[hits[0]] = dataclasses.replace(
            lines[hits[0]], text=lines[hits[0]].text.replace(old, new)
        )
        return dataclasses.replace(document, lines=tuple(lines))

    return plant


def _blank_table(table_id: str, page: int, old: str) -> Callable[[Document], Document]:
    """A plant: a table printed with its grid and no figure, its note removed."""

    def plant(document: Document) -> Document:
        document = _edit(page, old, "")(document)
        table = document.tables[table_id]
        tables = document.tables | {table_id: dataclasses.replace(table, status="empty", note=None)}
        return dataclasses.replace(document, tables=tables)

    return plant


def _remove_table(table_id: str) -> Callable[[Document], Document]:
    """A plant: a table's pages left out of the document."""

    def plant(document: Document) -> Document:
        table = document.tables[table_id]
        pages = range(table.first_page or 0, (table.last_page or table.first_page or 0) + 1)
        lines = tuple(ln for ln in document.lines if ln.page not in pages)
        tables = document.tables | {table_id: Table(table_id, "missing", None, None)}
        return dataclasses.replace(document, lines=lines, tables=tables)

    return plant


# name: (plant, the (check, page) it must be found at)
FINANCE_PLANTS: dict[str, tuple[Callable[[Document], Document], set[tuple[str, int]]]] = {
    "year_in_part_heading": (
        _edit(6, "财政局2024年度部门决算表", "财政局2023年度部门决算表"),
        {("report_year", 6)},
    ),
    "year_as_of": (_edit(24, "截至2024年", "截至2023年"), {("report_year", 24)}),
    "t08_note_removed": (
        _blank_table(
            "T08", 19, "注：上海市普陀区财政局无政府性基金预算财政拨款支出，故本表无数据。"
        ),
        {("empty_table_note", 19)},
    ),
    "t09_note_names_the_other_fund": (
        _edit(20, "无国有资本经营预算", "无政府性基金预算"),
        {("empty_table_note", 20)},
    ),
    "placeholder_in_heading": (
        _edit(21, "上海市普陀区财政局2024", "上海市XX局2024"),
        {("placeholder_text", 21)},
    ),
    "other_units_name": (
        _edit(21, "上海市普陀区财政局2024年度收入", "上海市普陀区民政局2024年度收入"),
        {("unit_name_consistent", 21)},
    ),
    "level_word": (
        _edit(2, "2024年度部门决算表", "2024年度单位决算表"),
        {("unit_level_wording", 2)},
    ),
    "table_left_out_of_contents": (
        _edit(2, "七、财政拨款“三公”经费支出决算表", ""),
        {("contents_match", 18)},
    ),
    # left to tables_complete (not an identity check): no second finding from the contents
    "table_removed": (_remove_table("T06"), set()),
}


def test_problems_planted_in_a_real_disclosures_lines_are_found_at_their_page(real) -> None:
    original = quality_document(real[FINANCE])
    planted = {name: plant(original) for name, (plant, _) in FINANCE_PLANTS.items()}
    decided = decide(planted)
    for name, (_, expected) in FINANCE_PLANTS.items():
        found = findings(decided[name])
        assert {(o.check_name, o.source_page) for o in found} == expected, (
            name,
            describe(found),
        )
        assert all(o.box is not None for o in found), name


# ---------------------------------------------------------------------------
# Generated corpora


def _generated_findings(documents) -> dict[str, list[str]]:
    extracted = {}
    for generated in documents:
        path = Path(generated.pdf_path)
        extraction = extract_document(path, path.parent)
        assert extraction.status == "loaded", (path.name, extraction.status_reason)
        extracted[path.name] = quality_document(extraction)
    decided = decide(extracted)
    return {name: describe(findings(outcomes)) for name, outcomes in decided.items()}


@pytest.mark.slow
def test_clean_generated_documents_give_no_identity_finding(tmp_path) -> None:
    from juesuan_samples import generate_corpus

    documents = generate_corpus(tmp_path, units=6, years=(2023, 2024))
    found = _generated_findings(documents)
    assert len(found) == len(documents) >= 13  # with the 枣庄 2020 seed case
    assert {name: f for name, f in found.items() if f} == {}


@pytest.mark.slow
@pytest.mark.skipif(
    shutil.which("soffice") is None and shutil.which("libreoffice") is None,
    reason="LibreOffice (soffice) is not installed: the office producer needs it",
)
def test_clean_office_documents_give_no_identity_finding(tmp_path) -> None:
    from juesuan_samples import generate_corpus

    documents = generate_corpus(
        tmp_path, units=3, years=(2024,), include_seed_case=False, producer="office"
    )
    found = _generated_findings(documents)
    assert {name: f for name, f in found.items() if f} == {}
