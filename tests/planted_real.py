"""Planted copies of a real disclosure: 上海市普陀区财政局 2024 (../shared/corpus/real).

The copy's printed text is rewritten (tests.pdf_rewrite) to plant every kind of problem a
reviewer looks for, each in its own place: a table removed, tables blanked with no note,
an "XX局" placeholder in headings, the wrong year in two headings, totals of "0 万元" in
the text, 大于 / 等于 words that contradict the figures of 五(三), and doubled "。。".
Each planted problem names the check that must report it and the page of the copy it is
on; `plant_finance_bureau` verifies every edit by reading the copy back with pdfium (the
planted text printed, the original gone) before anything else reads the copy.

    python -m tests.planted_real OUT.pdf    # write a planted copy to look at
"""

from __future__ import annotations

import shutil
import sys
from dataclasses import dataclass, replace
from pathlib import Path

from tests.conftest import REAL_CORPUS, run_ingest
from tests.ground_truth import compact, pdf_texts
from tests.pdf_rewrite import Box, PdfRewriter

FINANCE_BUREAU = "shanghai_putuo_finance_bureau_2024_final.pdf"
# The source's pages: T06 一般公共预算财政拨款基本支出决算表 on 16–17, T07 on 18, T09 on 20,
# the 情况说明 on 21–24.
REMOVED_TABLE_PAGES = (16, 17)


@dataclass(frozen=True)
class PlantedProblem:
    kind: str  # the kind of problem
    check: str  # the check id that must report it (quality.check_results.check_name)
    page: int | None  # the page of the copy it is on (None: no page prints it, a removed table)
    location: str | None  # what the check names at that page (None: not pinned)
    printed: str  # the line the copy prints there ("" for something removed)
    original: str  # what the source printed there (the whole line, for a rewritten one)
    box: Box | None = None  # where the copy prints the rewritten line


@dataclass(frozen=True)
class _Edit:
    kind: str
    check: str
    source_page: int
    location: str | None
    old: str
    new: str
    line_with: str = ""


# Text rewritten in place: (kind, check, source page, location, old, new, a line selector).
_TEXT_EDITS = (
    _Edit("placeholder", "placeholder_text", 2, None, "上海市普陀区财政局概况", "上海市XX局概况"),
    _Edit("placeholder", "placeholder_text", 4, None, "上海市普陀区财政局概况", "上海市XX局概况"),
    _Edit(
        "wrong_year",
        "report_year",
        6,
        None,
        "财政局2024年度部门决算表",
        "财政局2023年度部门决算表",
    ),
    _Edit(
        "wrong_year",
        "report_year",
        21,
        None,
        "财政局2024年度部门决算情况",
        "财政局2023年度部门决算情况",
    ),
    _Edit(
        "zero_total",
        "narrative_matches_tables",
        21,
        "本年收入合计",
        "本年收入合计2946.25万元",
        "本年收入合计0万元",
    ),
    _Edit(
        "zero_total",
        "narrative_matches_tables",
        23,
        "一般公共预算财政拨款基本支出",
        "基本支出2336.91万元",
        "基本支出0万元",
    ),
    # 五(三) items whose final is below the budget: the words now say it is above or equal.
    _Edit(
        "contradicting_word",
        "narrative_budget_words",
        22,
        None,
        "决算数小于预算数",
        "决算数大于预算数",
        "人员进出及退休变化",  # 1、行政运行: 1560.05 → 1511.89
    ),
    _Edit(
        "contradicting_word",
        "narrative_budget_words",
        22,
        None,
        "决算数小于",
        "决算数等于",
        "135.25万元",  # 3、信息化建设: 135.90 → 135.25
    ),
    _Edit(
        "contradicting_word",
        "narrative_budget_words",
        22,
        None,
        "决算数小于预",
        "决算数大于预",
        "187.19万元",  # 10、住房公积金: 187.75 → 187.19
    ),
    _Edit(
        "doubled_punctuation",
        "narrative_template_leftover",
        21,
        None,
        "下降1.87%。",
        "下降1.87%。。",
    ),
    _Edit(
        "doubled_punctuation",
        "narrative_template_leftover",
        24,
        None,
        "增长1.40%。",
        "增长1.40%。。",
    ),
)


def _plant_removals(rewriter: PdfRewriter) -> list[PlantedProblem]:
    problems = []
    # T07: its two figures (合计 and 公务接待费 预算数 0.95) removed; the grid stays, no note.
    removed = rewriter.remove_runs(18, r"0\.95")
    if removed != ["0.95", "0.95"]:
        raise AssertionError(f"T07's figures not as expected: {removed}")
    problems.append(PlantedProblem("blank_table", "empty_table_note", 18, "T07", "", "0.95"))
    # T09: printed empty with its 本表无数据 note; the note removed.
    (note,) = rewriter.remove_runs(20, r"注：.*本表无数据。")
    problems.append(PlantedProblem("blank_table", "empty_table_note", 20, "T09", "", note))
    # T06 removed, title and body (its two pages).
    rewriter.delete_pages(*REMOVED_TABLE_PAGES)
    problems.append(
        PlantedProblem(
            "removed_table",
            "tables_complete",
            None,
            "T06",
            "",
            "一般公共预算财政拨款基本支出决算表",
        )
    )
    return problems


def plant_finance_bureau(
    source: Path, target: Path, font_file: Path | None = None
) -> list[PlantedProblem]:
    """Write the planted copy of the 财政局 disclosure to `target`; the problems planted,
    each at its page of the copy. Raises when the copy does not read back as planted."""
    rewriter = PdfRewriter(source, font_file)
    try:
        planted = []
        for edit in _TEXT_EDITS:
            line = rewriter.replace(edit.source_page, edit.old, edit.new, edit.line_with)
            planted.append(
                PlantedProblem(
                    edit.kind,
                    edit.check,
                    edit.source_page,
                    edit.location,
                    line.after,
                    line.before,
                    line.box,
                )
            )
        planted += _plant_removals(rewriter)
        # Page numbers of the copy, once the removed table's pages are gone.
        planted = [
            problem
            if problem.page is None
            else replace(problem, page=rewriter.new_page_number(problem.page))
            for problem in planted
        ]
        rewriter.save(target)
    finally:
        rewriter.close()
    verify_copy(source, target, planted)
    return planted


def verify_copy(source: Path, target: Path, planted: list[PlantedProblem]) -> None:
    """The copy prints each planted text at its page, and no longer the original there."""
    before = [compact(text) for text in pdf_texts(source)]
    after = [compact(text) for text in pdf_texts(target)]
    removed = len(REMOVED_TABLE_PAGES)
    if len(after) != len(before) - removed:
        raise AssertionError(f"copy has {len(after)} pages, source {len(before)}")
    for problem in planted:
        if problem.page is None:  # a removed table: its title printed on no page but 目录
            title = problem.original
            pages = [n for n, text in enumerate(after, start=1) if title in text]
            if pages != [2]:
                raise AssertionError(f"{title} still printed on pages {pages}")
            continue
        text = after[problem.page - 1]
        if problem.printed and compact(problem.printed) not in text:
            raise AssertionError(f"page {problem.page}: {problem.printed!r} not printed")
        if compact(problem.original) in text:
            raise AssertionError(f"page {problem.page}: {problem.original!r} still printed")


def ingest_one(pdf: Path, root: Path) -> Path:
    """`juesuan ingest` of an inbox holding a copy of `pdf` alone, as an operator runs it;
    the warehouse it built."""
    inbox = root / "sources"
    inbox.mkdir(parents=True)
    shutil.copy(pdf, inbox / pdf.name)
    warehouse = root / "juesuan.duckdb"
    result = run_ingest(inbox, warehouse)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    return warehouse


if __name__ == "__main__":
    out = Path(sys.argv[1])
    for problem in plant_finance_bureau(REAL_CORPUS / FINANCE_BUREAU, out):
        print(problem.page, problem.check, problem.kind, problem.location, problem.printed)
