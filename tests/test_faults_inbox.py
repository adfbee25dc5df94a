"""Hostile inbox entries: file names that are not UTF-8, unreadable entries, symlinks that
lead out of the inbox, FIFOs, folders nested a thousand deep, and a half-copied file.
Each affects only itself: the good documents beside it load, and the marts agree."""

from __future__ import annotations

import errno
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from pipelines.extract import runner
from pipelines.extract.path_text import path_from_text, path_text
from pipelines.extract.runner import SourceFile, discover, extract_all
from pipelines.terminal import STATUS_LABELS
from pipelines.warehouse import connect
from pipelines.warehouse.load import load_extraction_files, save_extraction_files

from .conftest import REPO, run_ingest

BAD_NAME = os.fsdecode(b"bad\xff.pdf")  # not UTF-8: Python holds it as 'bad\udcff.pdf'
# Deep enough to exhaust Python's recursion limit (about 1,000 frames) in a recursive walk.
DEPTH = 1100


def _unnest(outer: Path) -> None:
    """Removes folders nested in `outer` under its own name, any depth, one level at a
    time: shutil.rmtree (and so pytest's clean-up of tmp_path) recurses and fails."""
    held = outer.with_name(outer.name + ".held")
    while outer.is_dir():
        inner = outer / outer.name
        if inner.is_dir():
            inner.rename(held)
        shutil.rmtree(outer)
        if held.is_dir():
            held.rename(outer)


@pytest.fixture
def nest():
    """nest(top, name, depth): `depth` folders named `name`, each inside the last, made
    through directory descriptors (a path this long is beyond what makedirs or PATH_MAX
    allow); removed at the end of the test."""
    made: list[Path] = []

    def make(top: Path, name: str, depth: int) -> None:
        made.append(top / name)
        fd = os.open(top, os.O_RDONLY)
        try:
            for _ in range(depth):
                os.mkdir(name, dir_fd=fd)
                inner = os.open(name, os.O_RDONLY, dir_fd=fd)
                os.close(fd)
                fd = inner
        finally:
            os.close(fd)

    yield make
    for outer in made:
        _unnest(outer)


# --- Names as text ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("枣庄市教育局2024年度部门决算.pdf", "枣庄市教育局2024年度部门决算.pdf"),
        (BAD_NAME, "bad\\xff.pdf"),
        (os.fsdecode(b"\xe6\x9e\xa3\xff\xfe.pdf"), "枣\\xff\\xfe.pdf"),
        ("line\nbreak.pdf", "line\\x0abreak.pdf"),
        ("back\\slash.pdf", "back\\\\slash.pdf"),
        ("back\\xff.pdf", "back\\\\xff.pdf"),  # a literal backslash-x is not an escape
    ],
)
def test_a_path_becomes_valid_text_and_back(name, text):
    assert path_text(Path("sub", name)) == f"sub/{text}"
    assert path_text(name).encode("utf-8")  # no lone surrogate left
    assert path_from_text(path_text(Path("sub", name))) == Path("sub", name)


def test_a_bad_name_is_recorded_and_loaded(tmp_path):
    """The raw load failed on the surrogate; now the name is stored as text, and the
    document store's JSON hands the same file on."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / BAD_NAME).write_bytes(b"not a pdf")
    (source,) = discover(inbox).documents
    assert source.source_path == "bad\\xff.pdf"
    handed = json.loads(json.dumps(source.handed_on(), ensure_ascii=False).encode("utf-8"))
    assert SourceFile.received(inbox.resolve(), source.document_id, handed) == source

    (extraction,) = extract_all([source], inbox.resolve(), workers=1)
    assert extraction.status == "rejected" and extraction.status_reason.startswith("不是 PDF")
    assert extraction.file_name == "bad\\xff.pdf"
    save_extraction_files(extraction, tmp_path / "store" / source.document_id)
    with connect(tmp_path / "juesuan.duckdb") as con:
        load_extraction_files(con, tmp_path / "store" / source.document_id)
        row = con.execute("select file_name, source_path from raw.documents").fetchone()
    assert row == ("bad\\xff.pdf", "bad\\xff.pdf")


# --- Discovery -------------------------------------------------------------------------


@pytest.fixture
def hostile_inbox(tmp_path, nest) -> Path:
    """Good files beside one of each hostile entry, and a PDF outside the inbox."""
    inbox, outside = tmp_path / "inbox", tmp_path / "outside"
    (inbox / "sub").mkdir(parents=True)
    outside.mkdir()
    (inbox / "good.pdf").write_bytes(b"%PDF good")
    (inbox / "sub" / "other.PDF").write_bytes(b"%PDF other")
    (outside / "secret.pdf").write_bytes(b"%PDF outside")
    (inbox / "unreadable.pdf").symlink_to("/proc/self/mem")
    (inbox / "outside.pdf").symlink_to(outside / "secret.pdf")
    (inbox / "outside_folder").symlink_to(outside)
    (inbox / "broken.pdf").symlink_to(inbox / "nowhere.pdf")
    (inbox / "inside.pdf").symlink_to(inbox / "good.pdf")  # redundant, not a problem
    (inbox / "loop").symlink_to(inbox)  # a cycle if followed
    os.mkfifo(inbox / "fifo.pdf")
    nest(inbox, "d", DEPTH)  # 2 characters a level: still within PATH_MAX
    deepest = inbox.joinpath(*["d"] * DEPTH)
    (deepest / "deep.pdf").write_bytes(b"%PDF deep")
    nest(inbox, "too_long", 600)  # 9 characters a level: beyond PATH_MAX
    return inbox


def _skipped(inbox: Path) -> dict[str, str]:
    return {entry.source_path[:40]: entry.reason for entry in discover(inbox).skipped}


def test_each_hostile_entry_is_skipped_with_its_reason_and_the_rest_found(hostile_inbox):
    scan = discover(hostile_inbox)
    found = sorted(source.source_path for source in scan.documents)
    assert found == ["/".join(["d"] * DEPTH + ["deep.pdf"]), "good.pdf", "sub/other.PDF"]
    reasons = {entry.source_path[:40]: entry.reason for entry in scan.skipped}
    assert reasons["unreadable.pdf"].startswith("符号链接指向收件箱之外（/proc/")
    assert reasons["outside.pdf"].startswith("符号链接指向收件箱之外")
    assert reasons["outside_folder"].startswith("符号链接指向收件箱之外")
    assert reasons["broken.pdf"].startswith("符号链接失效")
    assert reasons["fifo.pdf"] == "不是普通文件（命名管道 FIFO），未读取"
    (too_long,) = [path for path in reasons if path.startswith("too_long/")]
    assert reasons[too_long].startswith("文件夹路径过长")
    assert len(reasons) == 6


def test_a_file_that_fails_to_read_is_skipped_and_the_others_found(tmp_path, monkeypatch):
    """A read error (a failing disk, a dropped network share) on one file."""
    (tmp_path / "good.pdf").write_bytes(b"%PDF good")
    (tmp_path / "failing.pdf").write_bytes(b"%PDF failing")
    original = runner.file_sha256

    def failing_disk(path: Path) -> str:
        if path.name == "failing.pdf":
            raise OSError(errno.EIO, "Input/output error")
        return original(path)

    monkeypatch.setattr(runner, "file_sha256", failing_disk)
    scan = discover(tmp_path)
    assert [source.source_path for source in scan.documents] == ["good.pdf"]
    assert _skipped(tmp_path) == {
        "failing.pdf": "读取时发生输入/输出错误（磁盘或网络存储故障）（Input/output error），未读取"
    }


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files and folders of mode 000")
def test_a_file_and_a_folder_without_permission_are_skipped(tmp_path):
    (tmp_path / "good.pdf").write_bytes(b"%PDF good")
    (tmp_path / "locked.pdf").write_bytes(b"%PDF locked")
    (tmp_path / "locked_folder").mkdir()
    (tmp_path / "locked_folder" / "inside.pdf").write_bytes(b"%PDF inside")
    (tmp_path / "locked.pdf").chmod(0)
    (tmp_path / "locked_folder").chmod(0)
    try:
        scan = discover(tmp_path)
        assert [source.source_path for source in scan.documents] == ["good.pdf"]
        assert _skipped(tmp_path) == {
            "locked.pdf": "没有读取权限（Permission denied），未读取",
            "locked_folder": "文件夹没有读取权限（Permission denied），其中的文件均未处理",
        }
    finally:
        (tmp_path / "locked_folder").chmod(0o755)


def test_the_sensor_requests_the_good_documents_and_names_the_skipped(hostile_inbox, capfd):
    import dagster as dg

    from pipelines.defs.ingestion.sensors import inbox_sensor
    from pipelines.defs.resources import InboxResource

    inbox = InboxResource(
        path=str(hostile_inbox), hash_cache=str(hostile_inbox.parent / "hashes.json")
    )
    for source in discover(hostile_inbox).documents:  # copied long enough ago to be read
        os.utime(source.path, (0, 0))
    with (
        dg.instance_for_test() as instance,
        dg.build_sensor_context(instance=instance, resources={"inbox": inbox}) as context,
    ):
        result = inbox_sensor(context)
    (request,) = result.dynamic_partitions_requests
    assert len(request.partition_keys) == 3
    logged = capfd.readouterr().err
    assert "已跳过收件箱条目 fifo.pdf：不是普通文件（命名管道 FIFO），未读取" in logged


# --- End to end ------------------------------------------------------------------------


def _marts_agree(warehouse: Path) -> list[tuple[str, str]]:
    """Every loaded document has its facts and only loaded ones have any; returns
    (file_name, status) of every document."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        without_facts = con.execute(
            """
            select d.file_name from marts.dim_document as d
            where d.status = 'loaded' and not exists (
                select 1 from marts.fct_expenditure as f where f.document_id = d.document_id
            )
            """
        ).fetchall()
        facts_of_others = con.execute(
            """
            select distinct d.file_name from marts.fct_expenditure as f
            join marts.dim_document as d using (document_id)
            where d.status != 'loaded'
            """
        ).fetchall()
        raw_loaded, marts_loaded = con.execute(
            "select (select count(*) from raw.documents where status = 'loaded'), "
            "(select count(*) from marts.dim_document where status in ('loaded', 'superseded') "
            "and document_id in (select document_id from raw.documents where status = 'loaded'))"
        ).fetchone()
        documents = con.execute(
            "select file_name, status from marts.dim_document order by all"
        ).fetchall()
    assert without_facts == [] and facts_of_others == []
    assert raw_loaded == marts_loaded
    return documents


def _listed_status(warehouse: Path, file_name: str) -> str:
    """The status `juesuan status --list` shows for a file."""
    result = subprocess.run(
        [sys.executable, "-m", "pipelines.cli", "status", "--warehouse", str(warehouse), "--list"],
        cwd=REPO,
        capture_output=True,
        text=True,
        env={**os.environ, "COLUMNS": "200"},
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    (row,) = [line for line in result.stdout.splitlines() if f" {file_name} " in line]
    return next(label for label in STATUS_LABELS.values() if label in row)


@pytest.mark.slow
def test_ingest_with_hostile_entries_and_a_half_copied_file(tmp_path, nest):
    """One `juesuan ingest` over good documents beside a bad name, an unreadable symlink,
    a symlink out of the inbox, a FIFO, deep folders and a half-copied file; then the
    copy completes and a second run loads it: the stale rejection is superseded."""
    generated = tmp_path / "generated"
    samples = ["samples", "--out", str(generated), "--units", "2", "--years", "2024"]
    samples.append("--no-budgets")  # three finals: the seed case and two units
    subprocess.run(
        [sys.executable, "-m", "pipelines.cli", *samples],
        cwd=REPO,
        check=True,
        capture_output=True,
        timeout=600,
    )
    first, second, third = sorted(generated.rglob("*.pdf"))
    inbox, outside = tmp_path / "inbox", tmp_path / "outside"
    inbox.mkdir()
    outside.mkdir()
    shutil.copy(first, inbox / BAD_NAME)
    shutil.copy(second, inbox / "good.pdf")
    shutil.copy(third, outside / "outside.pdf")
    (inbox / "outside.pdf").symlink_to(outside / "outside.pdf")
    (inbox / "unreadable.pdf").symlink_to("/proc/self/mem")
    os.mkfifo(inbox / "fifo.pdf")
    nest(inbox, "d", DEPTH)
    # A half-copied file: the first 20 KB of a third document, at its final path.
    copying = inbox / "copying" / "third.pdf"
    copying.parent.mkdir()
    copying.write_bytes(third.read_bytes()[:20_000])
    warehouse = tmp_path / "warehouse" / "juesuan.duckdb"

    result = run_ingest(inbox, warehouse)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    assert "Traceback" not in result.stdout + result.stderr
    assert "已跳过 (skipped) unreadable.pdf：符号链接指向收件箱之外" in result.stdout
    assert "已跳过 (skipped) outside.pdf：符号链接指向收件箱之外" in result.stdout
    assert "已跳过 (skipped) fifo.pdf：不是普通文件" in result.stdout
    assert _marts_agree(warehouse) == [
        ("bad\\xff.pdf", "loaded"),
        ("good.pdf", "loaded"),
        ("third.pdf", "rejected"),
    ]
    assert _listed_status(warehouse, "third.pdf") == STATUS_LABELS["rejected"]

    copying.write_bytes(third.read_bytes())  # the copy completes
    result = run_ingest(inbox, warehouse)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    with duckdb.connect(str(warehouse), read_only=True) as con:
        (loaded_third,) = con.execute(
            "select document_id from marts.dim_document "
            "where file_name = 'third.pdf' and status = 'loaded'"
        ).fetchone()
        superseded = con.execute(
            "select status_reason, superseded_by_document_id "
            "from intermediate.int_documents__current "
            "where file_name = 'third.pdf' and raw_status = 'rejected'"
        ).fetchone()
    assert _marts_agree(warehouse) == [
        ("bad\\xff.pdf", "loaded"),
        ("good.pdf", "loaded"),
        ("third.pdf", "loaded"),
        ("third.pdf", "superseded"),
    ]
    reason, superseded_by = superseded
    assert superseded_by == loaded_third
    assert reason.startswith("曾被拒收（PDF 文件损坏")
    assert "同一路径的文件 third.pdf 已入库" in reason
    assert _listed_status(warehouse, "third.pdf") == STATUS_LABELS["superseded"]
