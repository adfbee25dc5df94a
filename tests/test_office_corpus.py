"""Extraction of disclosures printed by real office software, against their ground truth.

Six documents from juesuan_samples.office (a .docx exported by LibreOffice Writer), each
named after the layouts it carries, cover every office layout value. The tests state what
extraction reads exactly today; each (document, table) it misreads is a strict xfail
naming the layout, so the test turns red the day that layout is read right (then delete
the entry). The corpus is then ingested (`juesuan ingest`) and its `error` findings set
against the truths: none on a clean document, every planted error at its site.
benchmarks/fidelity.py measures the same over larger corpora.
"""

from __future__ import annotations

import shutil
from collections import Counter
from pathlib import Path

import pytest

from juesuan_samples.catalogue import corpus_units
from juesuan_samples.corpus import DocumentJob
from juesuan_samples.office import OfficeLayout, generate_office_documents
from juesuan_samples.truth import load_truth
from juesuan_samples.variants import Variants
from pipelines.domain.tables import TABLES
from pipelines.extract.document import extract_document
from tests.conftest import run_ingest
from tests.ground_truth import (
    Site,
    compare_cells,
    document_key,
    error_findings,
    extracted_cells,
    planted_sites,
    truth_cells,
)

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        shutil.which("soffice") is None and shutil.which("libreoffice") is None,
        reason="LibreOffice (soffice) is not installed: apt-get install -y libreoffice-writer "
        "fonts-noto-cjk fonts-wqy-microhei fonts-wqy-zenhei fonts-arphic-uming (as .ci/run does)",
    ),
]

SEED = 20240901
UNITS = {unit.name: unit for unit in corpus_units(8)}

# name: (unit, year, variants, office layout, planted error kinds)
CASES: dict[str, tuple[str, int, Variants, OfficeLayout, tuple[str, ...]]] = {
    "serif_grid_three_pages_repeated_header": (
        "枣庄市教育局",
        2023,
        Variants(continuation="repeat_header", thousands_separator=True),
        OfficeLayout(font="Noto Serif CJK SC", long_tables=3),
        (),
    ),
    "sans_no_borders_two_pages_no_header_yuan_wrapped_titles": (
        "上海市普陀区卫生健康委员会",
        2024,
        Variants(continuation="no_header", money_unit="元", thousands_separator=True),
        OfficeLayout(
            font="Noto Sans CJK SC",
            borders="none",
            title_wrap=True,
            t07_shape="item_pairs",
            landscape="all_tables",
        ),
        (),
    ),
    "microhei_transposed_three_public_numbered_09": (
        "杭州市西湖区住房和城乡建设局",
        2023,
        Variants(code_layout="split", printed_zeros=True),
        OfficeLayout(
            font="WenQuanYi Micro Hei",
            t07_shape="transposed",
            numbering="三公09",
            header_breaks=True,
        ),
        (),
    ),
    "zenhei_eight_tables_cover_approval": (
        "杭州市西湖区司法局本级",
        2023,
        Variants(zero_style="dash", spaced_names=True, t01_line_numbers=False),
        OfficeLayout(font="WenQuanYi Zen Hei", template="eight_tables", cover_approval=True),
        (),
    ),
    "uming_summary_merged_wrapped_headers": (
        "成都市武侯区交通运输局",
        2024,
        Variants(wrapped_names=True, money_unit="mixed", t06_groups=2),
        OfficeLayout(font="AR PL UMing CN", summary=True, header_breaks=True),
        (),
    ),
    "serif_planted_errors": (
        "枣庄市财政局",
        2024,
        Variants(),
        OfficeLayout(font="Noto Serif CJK SC", borders="none"),
        ("leaf_amount", "wrong_total", "unit_slip"),
    ),
    "sans_planted_missing_table_and_narrative": (
        "上海市普陀区卫生健康委员会",
        2023,
        Variants(money_unit="元", thousands_separator=True),
        OfficeLayout(font="Noto Sans CJK SC", t07_shape="item_pairs", numbering="三公09"),
        ("narrative_mismatch", "missing_table"),
    ),
    "calc_serif_grid_three_pages_repeated_header_landscape": (
        "枣庄市教育局",
        2024,
        Variants(continuation="repeat_header", thousands_separator=True),
        OfficeLayout(
            font="Noto Serif CJK SC", long_tables=3, landscape="all_tables", application="calc"
        ),
        (),
    ),
    "calc_serif_no_borders_summary_broken_headers": (
        "杭州市西湖区住房和城乡建设局",
        2024,
        Variants(continuation="no_header"),
        OfficeLayout(
            font="Noto Serif CJK SC",
            borders="none",
            header_breaks=True,
            landscape="all_tables",
            summary=True,
            application="calc",
        ),
        (),
    ),
}
PLANTED_CASES = [name for name, case in CASES.items() if case[4]]

# (document, table) pairs extraction misreads today, with the layout that causes it.
MISREAD: dict[tuple[str, str], str] = {}
# Documents whose cover is misread today (unit name or year), with the layout.
COVER_MISREAD: dict[str, str] = {}
# Clean documents given an `error` finding today, with the finding and its cause.
FALSE_ERRORS: dict[str, str] = {}


@pytest.fixture(scope="module")
def office_corpus(tmp_path_factory) -> dict[str, dict]:
    out = tmp_path_factory.mktemp("office_corpus")
    jobs, layouts = [], []
    for name, (unit, year, variants, layout, errors) in CASES.items():
        jobs.append(DocumentJob(UNITS[unit], year, variants, Path(f"{name}.pdf"), errors))
        layouts.append(layout)
    documents = generate_office_documents(out, jobs, SEED, layouts)
    return {
        name: {
            "document": doc,
            "truth": load_truth(doc.truth_path),
            "extraction": extract_document(doc.pdf_path, out),
        }
        for name, doc in zip(CASES, documents, strict=True)
    }


@pytest.fixture(scope="module")
def office_findings(office_corpus, tmp_path_factory) -> dict[str, set[Site]]:
    """The corpus ingested as an operator does: each document's `error` findings."""
    inbox = next(iter(office_corpus.values()))["document"].pdf_path.parent
    warehouse = tmp_path_factory.mktemp("office_warehouse") / "juesuan.duckdb"
    result = run_ingest(inbox, warehouse)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    errors = error_findings(warehouse)
    return {
        name: errors.get(document_key(entry["truth"]), set())
        for name, entry in office_corpus.items()
    }


def _expected(case: str, table_id: str, reason: dict) -> list:
    marks = []
    if (case, table_id) in reason:
        marks.append(pytest.mark.xfail(strict=True, reason=reason[(case, table_id)]))
    return marks


def test_the_truth_records_the_office_layout_and_the_pages_writer_chose(office_corpus):
    for name, (_, _, _, layout, errors) in CASES.items():
        truth = office_corpus[name]["truth"]
        assert truth["producer"] == "office"
        assert truth["office_layout"] == layout.as_dict(), name
        printed = [t for t in truth["tables"].values() if t["pages"]]
        assert all(row["page"] in t["pages"] for t in printed for row in t["rows"]), name
        assert len(truth["planted_errors"]) == len(errors), name
    three_pages = office_corpus["serif_grid_three_pages_repeated_header"]["truth"]["tables"]
    assert len(three_pages["T01"]["pages"]) == 3  # the table really runs over three pages
    calc = office_corpus["calc_serif_grid_three_pages_repeated_header_landscape"]["truth"]
    assert len(calc["tables"]["T01"]["pages"]) == 3  # Calc's manual page breaks
    eight = office_corpus["zenhei_eight_tables_cover_approval"]["truth"]["tables"]["T09"]
    assert eight["missing"] and eight["absent_by_template"]


@pytest.mark.parametrize(
    ("case", "table_id"),
    [
        pytest.param(case, spec.table_id, marks=_expected(case, spec.table_id, MISREAD))
        for case in CASES
        for spec in TABLES
    ],
)
def test_every_amount_of_the_table_is_read_exactly(office_corpus, case, table_id):
    entry = office_corpus[case]
    truth_table = entry["truth"]["tables"][table_id]
    table = entry["extraction"].table(table_id)
    actual = extracted_cells(table) if table is not None else Counter()
    tally = compare_cells(truth_cells(truth_table, table_id), actual)
    assert (tally.wrong, tally.missing, tally.extra) == (0, 0, 0), tally


@pytest.mark.parametrize(
    "case",
    [
        pytest.param(
            case,
            marks=[pytest.mark.xfail(strict=True, reason=COVER_MISREAD[case])]
            if case in COVER_MISREAD
            else [],
        )
        for case in CASES
    ],
)
def test_the_cover_is_read(office_corpus, case):
    entry = office_corpus[case]
    expected = entry["truth"]["document"]
    extraction = entry["extraction"]
    assert extraction.status == "loaded", extraction.status_reason
    assert (extraction.unit_name, extraction.fiscal_year) == (
        expected["unit_name"],
        expected["fiscal_year"],
    )


@pytest.mark.parametrize("case", PLANTED_CASES)
def test_planted_errors_are_printed_where_the_truth_says(office_corpus, case):
    entry = office_corpus[case]
    extraction = entry["extraction"]
    for error in entry["truth"]["planted_errors"]:
        if error["kind"] == "narrative_mismatch":
            continue  # a sentence, not a cell (test_samples_planted checks its text)
        table = extraction.table(error["table"])
        if error["kind"] == "missing_table":
            assert table is None or table.status == "missing", error
            continue
        assert error["page"] in entry["truth"]["tables"][error["table"]]["pages"], error
        if error["kind"] == "unit_slip":
            assert table.money_unit == "万元", error  # the header's unit, as printed
            continue
        read = {
            (row.subject_code or row.line_label, cell.column_name): cell.printed_text
            for row in table.rows
            for cell in row.cells
        }
        printed = read[(error["location"], error["column"])].replace(",", "")
        assert printed == error["printed"], error


@pytest.mark.parametrize(
    "case",
    [
        pytest.param(
            case,
            marks=[pytest.mark.xfail(strict=True, reason=FALSE_ERRORS[case])]
            if case in FALSE_ERRORS
            else [],
        )
        for case in CASES
        if case not in PLANTED_CASES
    ],
)
def test_a_clean_document_has_no_error_finding(office_findings, case):
    assert office_findings[case] == set()


@pytest.mark.parametrize("case", PLANTED_CASES)
def test_every_planted_error_is_reported_at_its_site(office_corpus, office_findings, case):
    expected = planted_sites(office_corpus[case]["truth"])
    assert expected, case
    assert expected - office_findings[case] == set()
