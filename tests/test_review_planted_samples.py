"""Problems of words planted in generated disclosures, all found at their page.

The sample generator plants what a reviewer reads besides the figures
(juesuan_samples.planting.REVIEW_KINDS): a 五(三) item whose 大于/小于 contradicts its
figures, an empty T07/T08/T09 printed without its 本表无数据 note, "XX局" in a part's
heading, the year before the report year in a part's heading. Each is recorded in the
ground truth with the check that must report it and its page. Printed by both producers
(reportlab, and LibreOffice Writer/Calc when installed), ingested as an operator does:
every planted problem is an `error` of its check at its page, and the clean documents of
the corpus have no `error` at all.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from juesuan_samples import REVIEW_KINDS, ErrorRequest, generate_corpus, generate_document
from juesuan_samples.catalogue import corpus_units
from juesuan_samples.planting import REVIEW_CHECKS
from pipelines.quality.catalogue import CHECKS
from tests.conftest import run_ingest
from tests.ground_truth import compact, document_key, pdf_texts

SEED = 20240901
UNITS = 10
REVIEW_DOCUMENTS = 6  # of the UNITS documents; the others stay clean

HAS_OFFICE = shutil.which("soffice") is not None or shutil.which("libreoffice") is not None

# (unit, year, check, source_table, location, page) of an `error` finding.
Finding = tuple[str, int, str, str | None, str | None, int | None]


def _error_findings(warehouse: Path) -> list[Finding]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return con.execute(
            """select d.unit_name, r.fiscal_year, r.check_name, r.source_table, r.location,
                      r.source_page
               from quality.check_results_latest r join raw.documents d using (document_id)
               where r.severity = 'error'"""
        ).fetchall()
    finally:
        con.close()


def _truths(documents) -> list[dict]:
    from juesuan_samples import load_truth

    return [load_truth(document.truth_path) for document in documents]


# ---------------------------------------------------------------------------
# The generator: each kind printed where its truth says


@pytest.mark.parametrize("kind", REVIEW_KINDS)
def test_each_review_kind_is_printed_where_the_truth_says(kind: str, tmp_path: Path) -> None:
    unit = corpus_units(3)[2]
    document = generate_document(tmp_path, unit, 2024, seed=5, errors=[ErrorRequest(kind)])
    (truth,) = _truths([document])
    (error,) = truth["planted_errors"]
    assert error["kind"] == kind
    (site,) = error["checks"]
    assert site["check"] == REVIEW_CHECKS[kind] and site["check"] in CHECKS
    page = compact(pdf_texts(document.pdf_path)[error["page"] - 1])
    if kind == "empty_table_note":
        table = truth["tables"][error["table"]]
        assert table["empty"] and table["note"] is None and error["page"] == table["pages"][0]
        assert "无数据" not in page
    elif kind == "narrative_word":
        # The item's words say the opposite of its figures.
        assert error["printed"] != error["correct"]
        assert f"决算数{error['printed']}年初预算数" in page
    else:
        printed, correct = compact(error["printed"]), compact(error["correct"])
        # The heading as planted, and not as it should be ("XX局2024…" holds "2024…").
        assert printed in page and correct not in page.replace(printed, "")
        assert site["location"] in compact(error["printed"])


def test_review_problems_are_dealt_over_clean_documents_only(tmp_path: Path) -> None:
    documents = generate_corpus(
        tmp_path,
        units=UNITS,
        years=(2024,),
        include_seed_case=False,
        review_errors=4,
        planted_errors=2,
    )
    kinds = [{e.kind for e in d.planted_errors} for d in documents]
    figure = [k for k in kinds if k and not k & set(REVIEW_KINDS)]
    review = [k for k in kinds if k & set(REVIEW_KINDS)]
    assert len(figure) == 2 and len(review) == 4
    assert all(k <= set(REVIEW_KINDS) for k in review)


# ---------------------------------------------------------------------------
# The checks: every planted problem found at its page, clean documents without error


def _producers() -> list:
    office = pytest.param(
        "office",
        marks=pytest.mark.skipif(
            not HAS_OFFICE,
            reason="LibreOffice (soffice) is not installed: apt-get install -y "
            "libreoffice-writer libreoffice-calc fonts-noto-cjk fonts-wqy-microhei",
        ),
    )
    return ["reportlab", office]


@pytest.fixture(scope="module", params=_producers())
def checked_corpus(request, tmp_path_factory) -> tuple[list[dict], list[Finding]]:
    root = tmp_path_factory.mktemp(f"review_{request.param}")
    documents = generate_corpus(
        root / "sources",
        units=UNITS,
        years=(2024,),
        seed=SEED,
        include_seed_case=False,
        review_errors=REVIEW_DOCUMENTS,
        producer=request.param,
    )
    warehouse = root / "juesuan.duckdb"
    result = run_ingest(root / "sources", warehouse)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    return _truths(documents), _error_findings(warehouse)


@pytest.mark.slow
def test_every_kind_is_planted(checked_corpus) -> None:
    truths, _ = checked_corpus
    kinds = {error["kind"] for truth in truths for error in truth["planted_errors"]}
    assert kinds == set(REVIEW_KINDS)


@pytest.mark.slow
def test_every_planted_problem_is_an_error_at_its_page(checked_corpus) -> None:
    truths, findings = checked_corpus
    reported = {
        (u, y, check, table, location, page) for u, y, check, table, location, page in findings
    }
    missed = []
    for truth in truths:
        unit, year = document_key(truth)
        for error in truth["planted_errors"]:
            for site in error["checks"]:
                key = (unit, year, site["check"], site["table"], site["location"], error["page"])
                if key not in reported:
                    missed.append(key)
    assert missed == []


@pytest.mark.slow
def test_clean_documents_have_no_error(checked_corpus) -> None:
    truths, findings = checked_corpus
    clean = {document_key(truth) for truth in truths if not truth["planted_errors"]}
    assert clean
    assert [f for f in findings if (f[0], f[1]) in clean] == []


@pytest.mark.slow
def test_planted_documents_have_no_error_beyond_their_problems(checked_corpus) -> None:
    truths, findings = checked_corpus
    planted = {
        document_key(truth): {
            (site["check"], site["table"], site["location"], error["page"])
            for error in truth["planted_errors"]
            for site in error["checks"]
        }
        for truth in truths
        if truth["planted_errors"]
    }
    beyond = [
        f for f in findings if (f[0], f[1]) in planted and tuple(f[2:]) not in planted[(f[0], f[1])]
    ]
    assert beyond == []
