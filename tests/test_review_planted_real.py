"""A reviewer's problems planted in a copy of a real disclosure, all found at their page.

The copy of 上海市普陀区财政局 2024 (tests.planted_real) has its printed text rewritten: a
table removed, two tables blanked with no note, "XX局" in two headings, the wrong year in
two headings, two totals of "0 万元", three 大于 / 等于 words that contradict 五(三)'s
figures and two doubled "。。". Both the copy and the original go through `juesuan
ingest`: every planted problem is reported by its check at its page, its box on the
planted line; the copy reports nothing else but the original's real errors and the
consequences listed below; the original reports its real errors only.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from tests.pdf_rewrite import cjk_font_or_skip
from tests.planted_real import (
    FINANCE_BUREAU,
    REMOVED_TABLE_PAGES,
    PlantedProblem,
    ingest_one,
    plant_finance_bureau,
)

pytestmark = pytest.mark.real_corpus

FAILING = ("error", "review")
# Template leftovers are reported, as `info` (issue 12, item 5).
LEFTOVER_CHECKS = frozenset({"narrative_template_leftover"})

# The original's real errors, (check, location) → page; read off the pages by hand:
# - p21 "财政拨款收入支出总计0.3万元": T04 prints 总计 2,961.68 (../shared/corpus/real/README.md);
# - p21 "一般公共服务支出（类）2106.66万元，占71.73%": 2106.66 ÷ 2940.05 = 71.65%; the four
#   shares printed add up to 100.07% (71.73 + 11.11 + 2.07 + 15.16), the other three are right.
REAL_ERRORS = {
    ("narrative_matches_tables", "财政拨款收入支出总计"): 21,
    ("narrative_share", "一般公共服务支出(类)"): 21,
}
# On the copy, pages after the removed table come earlier by its page count.
COPY_REAL_ERRORS = {key: page - len(REMOVED_TABLE_PAGES) for key, page in REAL_ERRORS.items()}

# Errors of the copy that follow from a planted problem, besides the one planted:
# (check, page of the copy, location) → why. True findings, each of them.
CONSEQUENCES = {
    (
        "contents_match",
        2,
        "一般公共预算财政拨款基本支出决算表",
    ): "T06 removed: the contents still list it",
    ("narrative_matches_tables", 21, "三公经费预算数"): (
        "T07 blanked: the narrative's 三公 budget 0.95 is no longer printed in T07"
    ),
    ("narrative_budget_vs_table", 21, "合计"): (
        "T07 blanked: 七's 年初预算 0.95 is no longer T07's 预算数"
    ),
}


def _findings(warehouse: Path) -> list[dict]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        cursor = con.execute(
            """select check_name, severity, source_table, source_page, location, message,
                      box_x0, box_y0, box_x1, box_y1
               from quality.check_results_latest"""
        )
        names = [column[0] for column in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    finally:
        con.close()


def _reported(finding: dict) -> bool:
    """A finding a reviewer is shown: a failed check, or a template leftover (info)."""
    return finding["severity"] in FAILING or (
        finding["check_name"] in LEFTOVER_CHECKS and finding["location"] is not None
    )


@pytest.fixture(scope="module")
def font_file() -> Path:
    return cjk_font_or_skip()


@pytest.fixture(scope="module")
def planted_copy(real_corpus, font_file, tmp_path_factory) -> tuple[Path, list[PlantedProblem]]:
    out = tmp_path_factory.mktemp("planted_copy") / FINANCE_BUREAU
    return out, plant_finance_bureau(real_corpus / FINANCE_BUREAU, out, font_file)


@pytest.fixture(scope="module")
def planted_findings(planted_copy, tmp_path_factory) -> list[dict]:
    pdf, _ = planted_copy
    return _findings(ingest_one(pdf, tmp_path_factory.mktemp("planted_real")))


@pytest.fixture(scope="module")
def original_findings(real_corpus, tmp_path_factory) -> list[dict]:
    return _findings(ingest_one(real_corpus / FINANCE_BUREAU, tmp_path_factory.mktemp("original")))


def test_every_kind_of_the_issue_is_planted_in_several_places(planted_copy) -> None:
    """The copy reads back as planted (plant_finance_bureau verifies each edit with
    pdfium's text: the planted line printed at its page, the original gone)."""
    _, problems = planted_copy
    kinds: dict[str, int] = {}
    for problem in problems:
        kinds[problem.kind] = kinds.get(problem.kind, 0) + 1
    assert kinds == {
        "removed_table": 1,
        "blank_table": 2,
        "placeholder": 2,
        "wrong_year": 2,
        "zero_total": 2,
        "contradicting_word": 3,
        "doubled_punctuation": 2,
    }
    pages = {problem.page for problem in problems if problem.page is not None}
    assert len(pages) >= 7  # spread over the document, not one page


def _overlaps(box: tuple, finding: dict) -> bool:
    x0, y0, x1, y1 = (finding[f"box_{edge}"] for edge in ("x0", "y0", "x1", "y1"))
    return x0 < box[2] and box[0] < x1 and y0 < box[3] and box[1] < y1


def _found(problem: PlantedProblem, findings: list[dict]) -> list[dict]:
    found = [
        f
        for f in findings
        if f["check_name"] == problem.check
        and _reported(f)
        and f["source_page"] == problem.page
        and (problem.location is None or problem.location in (f["location"], f["source_table"]))
    ]
    if problem.box is not None:  # a rewritten line: the finding's box is on it
        found = [f for f in found if f["box_x0"] is not None and _overlaps(problem.box, f)]
    return found


@pytest.mark.slow
def test_every_planted_problem_is_found_at_its_page(planted_copy, planted_findings) -> None:
    _, problems = planted_copy
    missed = [
        (problem.kind, problem.check, problem.page, problem.location, problem.printed)
        for problem in problems
        if not _found(problem, planted_findings)
    ]
    assert missed == []


@pytest.mark.slow
def test_template_leftovers_are_info_and_the_rest_errors(planted_copy, planted_findings) -> None:
    _, problems = planted_copy
    for problem in problems:
        severities = {f["severity"] for f in _found(problem, planted_findings)}
        expected = "info" if problem.check in LEFTOVER_CHECKS else "error"
        assert severities == {expected}, (problem.kind, problem.page, severities)


@pytest.mark.slow
def test_the_planted_copy_reports_nothing_else(planted_copy, planted_findings) -> None:
    """Every error of the copy is a planted problem, one of the original's real errors
    or a consequence listed (with its reason) in CONSEQUENCES."""
    _, problems = planted_copy
    planted = {(p.check, p.page) for p in problems}
    unexplained = [
        (f["check_name"], f["source_page"], f["location"], f["message"])
        for f in planted_findings
        if f["severity"] in FAILING
        and (f["check_name"], f["source_page"]) not in planted
        and (f["check_name"], f["source_page"], f["location"]) not in CONSEQUENCES
        and COPY_REAL_ERRORS.get((f["check_name"], f["location"])) != f["source_page"]
    ]
    assert unexplained == []
    real = {
        (f["check_name"], f["location"]): f["source_page"]
        for f in planted_findings
        if f["severity"] == "error"
    }
    assert COPY_REAL_ERRORS.items() <= real.items()


@pytest.mark.slow
def test_the_original_reports_only_its_real_errors(original_findings) -> None:
    errors = [f for f in original_findings if f["severity"] in FAILING]
    assert {(f["check_name"], f["location"]): f["source_page"] for f in errors} == REAL_ERRORS
    assert len(errors) == len(REAL_ERRORS)
    total = next(f for f in errors if f["location"] == "财政拨款收入支出总计")
    assert "0.3万元" in total["message"] and "2961.68" in total["message"]
    share = next(f for f in errors if f["check_name"] == "narrative_share")
    assert "71.73%" in share["message"]
