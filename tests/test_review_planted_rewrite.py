"""The PDF rewriter (tests.pdf_rewrite) on a generated disclosure: a printed line is
replaced where it was printed, in the text's reading order, runs and pages removed."""

from __future__ import annotations

from pathlib import Path

import pytest

from juesuan_samples import generate_document
from juesuan_samples.catalogue import corpus_units
from tests.ground_truth import compact, pdf_texts
from tests.pdf_rewrite import PdfRewriter, cjk_font_or_skip


@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("rewrite_sample")
    return generate_document(out, corpus_units(1)[0], 2024, seed=3).pdf_path


@pytest.fixture(scope="module")
def font_file() -> Path:
    return cjk_font_or_skip()


def _page_with(texts: list[str], needle: str) -> int:
    return next(n for n, text in enumerate(texts, start=1) if needle in compact(text))


def test_a_line_is_rewritten_in_place_and_in_reading_order(sample, font_file, tmp_path) -> None:
    texts = pdf_texts(sample)
    number = _page_with(texts, "收入决算结构情况")  # 情况说明: "本年收入合计 X 万元，其中：…"
    rewriter = PdfRewriter(sample, font_file)
    line = next(line for line in rewriter.lines(number) if line.text.startswith("本年收入合计"))
    old = line.text[line.text.index("本年收入合计") :].split("，")[0]
    rewritten = rewriter.replace(number, old, "本年收入合计 0 万元")
    target = rewriter.save(tmp_path / "copy.pdf")
    rewriter.close()
    before, after = pdf_texts(sample)[number - 1], pdf_texts(target)[number - 1]
    assert compact(rewritten.after) in compact(after)
    assert compact(rewritten.before) not in compact(after)
    # The lines around it are unchanged and it sits between them, as printed.
    lines_before = [line for line in before.splitlines() if line.strip()]
    lines_after = [line for line in after.splitlines() if line.strip()]
    index = next(i for i, text in enumerate(lines_before) if old.split()[0] in compact(text))
    assert len(lines_after) == len(lines_before)
    assert lines_after[:index] == lines_before[:index]
    assert lines_after[index + 1 :] == lines_before[index + 1 :]
    # Its box is where the line was printed: the same baseline band, from its first run.
    assert abs(rewritten.box[0] - line.x0) < 1
    assert rewritten.box[1] < line.runs[0].y1 and line.runs[0].y0 < rewritten.box[3]


def test_runs_and_pages_are_removed(sample, tmp_path) -> None:
    texts = pdf_texts(sample)
    rewriter = PdfRewriter(sample)
    number = _page_with(texts, "本年收入合计")
    removed = rewriter.remove_runs(number, r"本年收入合计.*")
    rewriter.delete_pages(1, 1)
    assert rewriter.new_page_number(number) == number - 1
    target = rewriter.save(tmp_path / "copy.pdf")
    rewriter.close()
    after = pdf_texts(target)
    assert removed and len(after) == len(texts) - 1
    assert all(compact(text) not in compact(after[number - 2]) for text in removed)
    assert compact(after[0]) == compact(texts[1])  # the cover is gone
    rewriter = PdfRewriter(sample)
    with pytest.raises(ValueError, match="not on exactly one line"):
        rewriter.replace(number, "no such words", "x")
    rewriter.close()
