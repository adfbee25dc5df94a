"""Hostile documents: bombs, broken structures, several disclosures in one file.

Each gets a specific Chinese reason and a recorded status; memory is measured for real
(the resident memory of the whole process tree, sampled while the batch runs); the good
documents beside the hostile ones still load.
"""

from __future__ import annotations

import os
import shutil
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from juesuan_samples import Variants, generate_document
from pipelines import settings
from pipelines.extract.document import disclosures_in, extract_document
from pipelines.extract.pdf_text import open_pdf, read_pages
from pipelines.extract.recognize import recognise
from pipelines.extract.runner import WorkerLimits, _work, discover, extract_all
from tests import hostile_pdfs

MB = 1 << 20
# The cap for the batch: far above what a disclosure needs (under 350 MB), far below what
# the bombs reach uncapped (1.5 GB and more).
TEST_CAP_MB = 600
# Resident memory beyond the cap a worker may show: shared libraries' code is resident
# but outside RLIMIT_DATA, as is the first page of an allocation being refused.
RSS_MARGIN_MB = 150
# The fork server that starts the workers: the extractor's libraries, imported once.
FORK_SERVER_MB = 400
SAMPLE_SECONDS = 0.02
# Characters no reason may show: pdfium's and Python's English words.
ENGLISH_ERRORS = ("Error", "Failed", "PDFium", "Traceback")


def _parents() -> dict[int, int]:
    parents = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:  # gone between the listing and the read
                continue
            # After the ")" that closes the command name: state, then the parent's pid.
            parents[int(entry)] = int(stat.rpartition(")")[2].split()[1])
    return parents


def _resident_bytes(pid: int) -> int:
    try:
        return int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * os.sysconf("SC_PAGESIZE")
    except (OSError, IndexError):
        return 0


@dataclass
class TreeMemory:
    """Peaks of resident memory of a process and all its descendants, sampled."""

    root: int
    peak_total: int = 0
    peak_by_pid: dict[int, int] = field(default_factory=dict)

    def sample(self) -> None:
        parents = _parents()
        tree, frontier = {self.root}, [self.root]
        while frontier:
            pid = frontier.pop()
            children = [child for child, parent in parents.items() if parent == pid]
            tree.update(children)
            frontier.extend(children)
        sizes = {pid: _resident_bytes(pid) for pid in tree}
        self.peak_total = max(self.peak_total, sum(sizes.values()))
        for pid, size in sizes.items():
            self.peak_by_pid[pid] = max(self.peak_by_pid.get(pid, 0), size)


@contextmanager
def measured_tree() -> Iterator[TreeMemory]:
    memory = TreeMemory(os.getpid())
    done = threading.Event()

    def sample_until_done() -> None:
        while not done.is_set():
            memory.sample()
            time.sleep(SAMPLE_SECONDS)

    sampler = threading.Thread(target=sample_until_done, daemon=True)
    sampler.start()
    try:
        yield memory
    finally:
        done.set()
        sampler.join()


def _mark_attempt(inbox: str, document_id: str) -> None:
    with (Path(inbox).parent / f"attempts-{document_id}").open("a") as marks:
        marks.write("attempt\n")


def counting_work(path: str, inbox: str, document_id: str, conn, limits) -> None:
    """The real worker, leaving a mark per attempt: a retry is visible."""
    _mark_attempt(inbox, document_id)
    _work(path, inbox, document_id, conn, limits)


def attempts(inbox: Path, document_id: str) -> int:
    return len((inbox.parent / f"attempts-{document_id}").read_text().splitlines())


def good_document(folder: Path, unit: str = "枣庄市测试局", year: int = 2023, seed: int = 7):
    return generate_document(folder, unit=unit, fiscal_year=year, variants=Variants(), seed=seed)


def assert_chinese_reason(reason: str | None) -> None:
    assert reason, "a rejection must say why"
    assert not any(word in reason for word in ENGLISH_ERRORS), reason


# -- bombs --------------------------------------------------------------------------------


@pytest.mark.slow  # a subprocess of the whole pipeline or many documents
def test_bombs_stay_under_the_memory_cap_and_the_good_documents_load(tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    good = [good_document(inbox, seed=7), good_document(inbox, "枣庄市审计局", 2024, seed=8)]
    zeros = hostile_pdfs.inflate_bomb(inbox / "zeros.pdf", inflated_mb=700)
    drawn = hostile_pdfs.inflate_bomb(inbox / "drawn.pdf", 48, hostile_pdfs.DRAWN_LINE)
    tree = hostile_pdfs.page_tree_bomb(inbox / "page_tree.pdf")
    assert zeros.stat().st_size < MB and drawn.stat().st_size < MB
    assert tree.stat().st_size < 16 << 10
    sources = discover(inbox).documents
    limits = WorkerLimits(memory_mb=TEST_CAP_MB, max_pages=settings.DEFAULT_EXTRACT_MAX_PAGES)
    memory = TreeMemory(os.getpid())
    memory.sample()
    before = memory.peak_total
    with measured_tree() as memory:
        results = {
            r.file_name: r
            for r in extract_all(sources, inbox, workers=2, work=counting_work, limits=limits)
        }

    for document in good:
        assert results[document.pdf_path.name].status == "loaded"
        assert results[document.pdf_path.name].unit_name == document.unit_name
    over_memory = f"文件超出内存上限（{TEST_CAP_MB} MB），可能是压缩炸弹或损坏的文件"
    for bomb in (zeros, drawn):
        assert results[bomb.name].status == "rejected"
        assert results[bomb.name].status_reason.startswith(over_memory)
    assert results[tree.name].status_reason.startswith("页数超过上限：文件声明 1000000 页")
    for result in results.values():
        # A worker over its own cap is the document's fault: never tried twice.
        assert attempts(inbox, result.document_id) == 1
        if result.status == "rejected":
            assert_chinese_reason(result.status_reason)

    cap, margin = TEST_CAP_MB * MB, RSS_MARGIN_MB * MB
    workers = [size for pid, size in memory.peak_by_pid.items() if pid != memory.root]
    assert workers and max(workers) < cap + margin, f"a worker reached {max(workers) / MB:.0f} MB"
    grown = memory.peak_total - before
    assert grown < 2 * (cap + margin) + FORK_SERVER_MB * MB, f"grew {grown / MB:.0f} MB"


def segfault_work(path: str, inbox: str, document_id: str, conn, limits) -> None:
    """A worker crashing in native code on its document, as pdfium may."""
    import signal

    _mark_attempt(inbox, document_id)
    os.kill(os.getpid(), signal.SIGSEGV)


def exit_work(path: str, inbox: str, document_id: str, conn, limits) -> None:
    """A worker that fails around its document (unable to start, say)."""
    _mark_attempt(inbox, document_id)
    os._exit(3)


def test_a_crash_on_the_document_is_not_retried_a_failure_around_it_is(tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    hostile_pdfs.text_page(inbox / "page.pdf")
    (source,) = discover(inbox).documents
    (crashed,) = extract_all([source], inbox, workers=1, work=segfault_work)
    assert crashed.status_reason == "提取进程读取文件时崩溃（信号 SIGSEGV），文件可能损坏"
    assert attempts(inbox, source.document_id) == 1
    (inbox.parent / f"attempts-{source.document_id}").unlink()
    (failed,) = extract_all([source], inbox, workers=1, work=exit_work)
    assert failed.status_reason.startswith("提取进程两次异常退出（退出码 3），并非文件本身的问题")
    assert attempts(inbox, source.document_id) == 2


def test_a_page_tree_bomb_is_refused_before_its_pages_are_read(tmp_path):
    bomb = hostile_pdfs.page_tree_bomb(tmp_path / "bomb.pdf")
    started = time.perf_counter()
    result = extract_document(bomb, tmp_path, max_pages=2000)
    assert time.perf_counter() - started < 5  # reading its pages takes minutes
    assert result.status == "rejected"
    assert result.status_reason == (
        "页数超过上限：文件声明 1000000 页，上限 2000 页（JUESUAN_EXTRACT_MAX_PAGES），"
        "可能是页面树异常或损坏的文件"
    )


def test_the_page_limit_is_a_setting(tmp_path, monkeypatch):
    path = good_document(tmp_path).pdf_path
    monkeypatch.setenv(settings.EXTRACT_MAX_PAGES_ENV, "3")
    result = extract_document(path, tmp_path)
    assert result.status_reason.startswith("页数超过上限") and "上限 3 页" in result.status_reason
    monkeypatch.setenv(settings.EXTRACT_MAX_PAGES_ENV, "many")
    with pytest.raises(ValueError, match="JUESUAN_EXTRACT_MAX_PAGES=many：须为正整数"):
        settings.extract_max_pages()
    monkeypatch.setenv(settings.EXTRACT_MAX_PAGES_ENV, "40")
    monkeypatch.setenv(settings.EXTRACT_MEMORY_ENV, "1024")
    assert WorkerLimits.from_settings() == WorkerLimits(memory_mb=1024, max_pages=40)


# -- broken structures --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("build", "reason"),
    [
        (
            hostile_pdfs.page_tree_loop,
            "页面树损坏：文件声明 5 页，第 2 页无法读取（页面树存在循环引用或缺页），文件损坏",
        ),
        (
            hostile_pdfs.missing_root,
            "PDF 文件损坏或不完整，无法打开：文件结构（交叉引用表、对象、页面树）无法解析",
        ),
        (
            hostile_pdfs.garbage_after_header,
            "PDF 文件损坏或不完整，无法打开：文件结构（交叉引用表、对象、页面树）无法解析",
        ),
        (
            hostile_pdfs.no_page_tree,
            "PDF 文件损坏或不完整，无法打开：文件结构（交叉引用表、对象、页面树）无法解析",
        ),
    ],
    ids=["page_tree_loop", "missing_root", "garbage", "no_page_tree"],
)
def test_a_broken_structure_gets_its_own_reason(tmp_path, build, reason):
    result = extract_document(build(tmp_path / "broken.pdf"), tmp_path)
    assert (result.status, result.status_reason) == ("rejected", reason)


def test_a_broken_xref_is_rebuilt_and_the_disclosure_loads(tmp_path):
    """Offsets all wrong and startxref past the end: pdfium rebuilds the table by scanning,
    so the file is read as if whole, not rejected."""
    document = good_document(tmp_path / "whole")
    whole = extract_document(document.pdf_path, document.pdf_path.parent)
    broken = hostile_pdfs.broken_xref(document.pdf_path, tmp_path / "broken_xref.pdf")
    assert broken.read_bytes() != document.pdf_path.read_bytes()
    rebuilt = extract_document(broken, tmp_path)
    assert rebuilt.status == whole.status == "loaded"
    assert (rebuilt.unit_name, rebuilt.fiscal_year) == (whole.unit_name, whole.fiscal_year)
    assert [(t.table_id, t.status, len(t.rows)) for t in rebuilt.tables] == [
        (t.table_id, t.status, len(t.rows)) for t in whole.tables
    ]


def test_a_batch_of_broken_files_is_recorded_file_by_file(tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    good = good_document(inbox)
    hostile_pdfs.page_tree_loop(inbox / "loop.pdf")
    hostile_pdfs.missing_root(inbox / "root.pdf")
    hostile_pdfs.no_page_tree(inbox / "empty.pdf")
    results = {r.file_name: r for r in extract_all(discover(inbox).documents, inbox, workers=2)}
    assert results.pop(good.pdf_path.name).status == "loaded"
    assert sorted(results) == ["empty.pdf", "loop.pdf", "root.pdf"]
    for result in results.values():
        assert result.status == "rejected"
        assert_chinese_reason(result.status_reason)


# -- several disclosures in one file ------------------------------------------------------

MERGED_UNITS = (
    "枣庄市教育局",
    "枣庄市财政局",
    "上海市普陀区民政局",
    "杭州市西湖区住房和城乡建设局",
)


def test_a_file_of_several_disclosures_is_rejected_naming_them(tmp_path):
    parts = [
        good_document(tmp_path / f"part{i}", unit, 2024, seed=i).pdf_path
        for i, unit in enumerate(MERGED_UNITS)
    ]
    merged = hostile_pdfs.concatenate(parts, tmp_path / "merged.pdf")
    result = extract_document(merged, tmp_path)
    assert result.status == "rejected"
    assert result.status_reason == (
        "一个文件包含 4 份决算公开（枣庄市教育局 2024年度、枣庄市财政局 2024年度、"
        "上海市普陀区民政局 2024年度等），请拆分后分别放入收件箱"
    )
    assert result.unit_name is None  # no unit stands for the file


def test_the_same_unit_twice_in_one_file_is_two_disclosures(tmp_path):
    first = good_document(tmp_path / "a", "枣庄市教育局", 2023, seed=1).pdf_path
    second = good_document(tmp_path / "b", "枣庄市教育局", 2024, seed=2).pdf_path
    merged = hostile_pdfs.concatenate([first, second], tmp_path / "two_years.pdf")
    assert extract_document(merged, tmp_path).status_reason == (
        "一个文件包含 2 份决算公开（枣庄市教育局 2023年度、枣庄市教育局 2024年度），"
        "请拆分后分别放入收件箱"
    )


def _disclosure_count(path: Path) -> int:
    document = open_pdf(path)
    try:
        pages = read_pages(document)
    finally:
        document.close()
    return len(disclosures_in(pages, recognise(pages)))


@pytest.mark.slow  # a subprocess of the whole pipeline or many documents
def test_a_single_disclosure_is_never_taken_for_several(demo_corpus):
    counts = {doc.pdf_path.name: _disclosure_count(doc.pdf_path) for doc in demo_corpus}
    assert set(counts.values()) == {1}, {name: n for name, n in counts.items() if n != 1}


def test_real_disclosures_are_one_each(real_corpus):
    counts = {path.name: _disclosure_count(path) for path in sorted(real_corpus.glob("*.pdf"))}
    assert counts and set(counts.values()) == {1}, counts


def test_a_merged_file_beside_good_ones_does_not_stop_them(tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    parts = [
        good_document(tmp_path / f"p{i}", u, 2024, seed=i).pdf_path
        for i, u in enumerate(MERGED_UNITS[:2])
    ]
    hostile_pdfs.concatenate(parts, inbox / "merged.pdf")
    shutil.copy(parts[0], inbox / "alone.pdf")
    results = {r.file_name: r for r in extract_all(discover(inbox).documents, inbox, workers=2)}
    assert results["alone.pdf"].status == "loaded"
    assert results["merged.pdf"].status_reason.startswith("一个文件包含 2 份决算公开")
