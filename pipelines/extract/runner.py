"""Extracting many documents: in parallel processes, each with a time and memory limit.

Each document runs in its own worker process, so a pathological PDF that hangs inside
pdfium or camelot is killed at its deadline, and one that inflates past the worker's
memory cap fails its allocation; either is recorded as rejected, and the others go on.
Workers are forked from a server that has already imported the extractor.
"""

from __future__ import annotations

import errno
import json
import multiprocessing as mp
import os
import resource
import signal
import stat
import time
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import cast

from pipelines import settings
from pipelines.extract import EXTRACTOR_VERSION
from pipelines.extract.document import extract_document, file_sha256
from pipelines.extract.path_text import path_from_text, path_text
from pipelines.extract.records import DocumentExtraction


@dataclass(frozen=True)
class SourceFile:
    path: Path
    source_path: str  # relative to the inbox, as text (path_text)
    document_id: str
    file_size: int

    def handed_on(self) -> dict[str, str | int]:
        """What discovery hands the extraction step (as JSON): the hash is the key."""
        return {"source_path": self.source_path, "file_size": self.file_size}

    @classmethod
    def received(cls, inbox: Path, document_id: str, value: dict) -> SourceFile:
        """The source that `handed_on` described, below `inbox`."""
        path = inbox / path_from_text(value["source_path"])
        return cls(path, value["source_path"], document_id, value["file_size"])


@dataclass(frozen=True)
class SkippedEntry:
    """An inbox entry discovery cannot or will not read. It has no content hash, so it
    is not a document (no partition, no row in raw.documents): it is reported on every
    scan, by the run's metadata and log, the sensor and `juesuan ingest`, until it is
    fixed or removed."""

    source_path: str  # relative to the inbox, as text (path_text)
    reason: str  # Chinese, with the system's words in parentheses


@dataclass(frozen=True)
class InboxScan:
    documents: list[SourceFile]  # one per distinct content
    skipped: list[SkippedEntry]


# path (absolute) → [size, mtime_ns, sha256]: a file is hashed again only when its size or
# modification time changed. Persisted as JSON (`hash_cache`), it is shared by every inbox
# scan: the sensor's ticks, the schedule, `juesuan ingest`'s plan and the run's first step.
HashCache = dict[str, list]


def _read_hash_cache(path: Path) -> HashCache:
    try:
        cache = json.loads(path.read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):  # first scan, or a file cut short: hash again
        return {}
    return cache if isinstance(cache, dict) else {}


def _write_hash_cache(path: Path, cache: HashCache) -> None:
    """Written whole and renamed, so a concurrent scan (the sensor beside a run) reads
    the old cache or the new one, never half of one. Of two scans writing at once, one's
    additions are lost: those files are hashed once more, nothing worse."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.{os.getpid()}.partial")
    partial.write_text(json.dumps(cache, sort_keys=True), encoding="utf-8")
    partial.replace(path)


# The causes of a failed read that an operator can act on; others keep the system's words.
_READ_ERRORS = {
    errno.EACCES: "没有读取权限",
    errno.EPERM: "没有读取权限",
    errno.EIO: "读取时发生输入/输出错误（磁盘或网络存储故障）",
    errno.ENAMETOOLONG: "路径过长",
    errno.ELOOP: "符号链接层数过多",
}
_FILE_KINDS = (
    (stat.S_ISFIFO, "命名管道 FIFO"),
    (stat.S_ISSOCK, "套接字 socket"),
    (stat.S_ISCHR, "字符设备"),
    (stat.S_ISBLK, "块设备"),
)


def _unreadable(exc: OSError) -> str:
    cause = _READ_ERRORS.get(exc.errno or 0, "无法读取")
    return f"{cause}（{exc.strerror or exc}）"


def _file_kind(mode: int) -> str:
    return next((name for is_kind, name in _FILE_KINDS if is_kind(mode)), "特殊文件")


def _is_pdf_name(path: Path) -> bool:
    return path.suffix.lower() == ".pdf"


def _symlink_refusal(link: Path, inbox: Path) -> str | None:
    """Why a symlink is refused; None when it is merely redundant. Symlinks are never
    followed: one inside the inbox leads to a file the scan finds under its own name, and
    one leading out of it would read whatever the link names (/proc/self/mem, /etc…)."""
    target = Path(os.path.realpath(link))
    if not target.exists():
        return f"符号链接失效：目标 {path_text(target)} 不存在" if _is_pdf_name(link) else None
    if target.is_relative_to(inbox) or not (_is_pdf_name(link) or target.is_dir()):
        return None
    return f"符号链接指向收件箱之外（{path_text(target)}），出于安全不予读取"


def _walk_inbox(inbox: Path) -> tuple[list[tuple[Path, os.stat_result]], list[tuple[Path, str]]]:
    """Every regular .pdf file below the inbox with its stat, and the entries refused with
    a reason. A loop over a stack, not recursion, so any depth of folders is walked; an
    entry that fails affects only itself (a folder: the files below it)."""
    files: list[tuple[Path, os.stat_result]] = []
    refused: list[tuple[Path, str]] = []
    folders = [inbox]
    while folders:
        folder = folders.pop()
        try:
            with os.scandir(folder) as listing:
                entries = list(listing)
        except OSError as exc:
            refused.append((folder, f"文件夹{_unreadable(exc)}，其中的文件均未处理"))
            continue
        for entry in entries:
            path = Path(entry.path)
            try:
                if entry.is_symlink():
                    reason = _symlink_refusal(path, inbox)
                    if reason is not None:
                        refused.append((path, reason))
                elif entry.is_dir(follow_symlinks=False):
                    folders.append(path)
                elif _is_pdf_name(path):
                    info = entry.stat(follow_symlinks=False)
                    if stat.S_ISREG(info.st_mode):
                        files.append((path, info))
                    else:  # opening a FIFO would wait for a writer for ever
                        kind = _file_kind(info.st_mode)
                        refused.append((path, f"不是普通文件（{kind}），未读取"))
            except OSError as exc:
                refused.append((path, f"{_unreadable(exc)}，未读取"))
    files.sort(key=lambda found: found[0])
    return files, refused


def discover(inbox: Path, hash_cache: Path | None = None, settle_seconds: float = 0.0) -> InboxScan:
    """Every PDF below the inbox, any folder layout; one entry per distinct content, and
    the entries skipped with their reasons (unreadable, not a regular file, a symlink
    leading out of the inbox).

    `hash_cache` is the JSON file that spares hashing unchanged files (read, and updated
    when anything changed); without one, every file is hashed. A file modified less than
    `settle_seconds` ago is left for a later scan: it may still be being copied into the
    inbox.
    """
    inbox = inbox.resolve()
    cache = _read_hash_cache(hash_cache) if hash_cache is not None else {}
    changed = False
    now = time.time()
    seen: dict[str, SourceFile] = {}
    present: set[str] = set()
    files, refused = _walk_inbox(inbox)
    skipped = [SkippedEntry(path_text(path.relative_to(inbox)), why) for path, why in refused]
    for path, info in files:
        key = str(path)
        present.add(key)
        if settle_seconds and now - info.st_mtime < settle_seconds:
            continue
        cached = cache.get(key)
        if cached and cached[0] == info.st_size and cached[1] == info.st_mtime_ns:
            document_id = cached[2]
        else:
            try:
                document_id = file_sha256(path)
            except FileNotFoundError:  # removed while the inbox was scanned
                continue
            except OSError as exc:
                reason = f"{_unreadable(exc)}，未读取"
                skipped.append(SkippedEntry(path_text(path.relative_to(inbox)), reason))
                continue
            cache[key] = [info.st_size, info.st_mtime_ns, document_id]
            changed = True
        if document_id not in seen:  # the same bytes under another name is the same document
            seen[document_id] = SourceFile(
                path, path_text(path.relative_to(inbox)), document_id, info.st_size
            )
    # Files of this inbox that are gone; other inboxes' entries stay.
    for gone in [key for key in cache if Path(key).is_relative_to(inbox) and key not in present]:
        del cache[gone]
        changed = True
    if hash_cache is not None and changed:
        _write_hash_cache(hash_cache, cache)
    skipped.sort(key=lambda entry: entry.source_path)
    return InboxScan(list(seen.values()), skipped)


def _rejected(source: SourceFile, reason: str, seconds: float) -> DocumentExtraction:
    return DocumentExtraction(
        document_id=source.document_id,
        file_name=path_text(source.path.name),
        source_path=source.source_path,
        file_size=source.file_size,
        extractor_version=EXTRACTOR_VERSION,
        status="rejected",
        status_reason=reason,
        seconds=seconds,
    )


@dataclass(frozen=True)
class WorkerLimits:
    """What one document's worker may use. Read from the settings by the parent and
    handed to each worker: the fork server keeps the environment it started with."""

    memory_mb: int
    max_pages: int

    @classmethod
    def from_settings(cls) -> WorkerLimits:
        return cls(settings.extract_memory_mb(), settings.extract_max_pages())


def _cap_memory(megabytes: int) -> None:
    """RLIMIT_DATA rather than RLIMIT_AS: it counts what the process has made writable
    (heap, anonymous mappings), not address space merely reserved or shared libraries'
    code, so the cap measures what a document makes the extractor allocate."""
    limit = megabytes << 20
    _, hard = resource.getrlimit(resource.RLIMIT_DATA)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_DATA, (limit, hard))


def _work(path: str, inbox: str, document_id: str, conn: Connection, limits: WorkerLimits) -> None:
    outcome: object
    try:
        _cap_memory(limits.memory_mb)
        outcome = extract_document(Path(path), Path(inbox), document_id, limits.max_pages)
    except MemoryError:  # the cap, met in Python (numpy, camelot) rather than in pdfium
        # A fresh one: the one raised holds the frames that hold the memory.
        outcome = MemoryError()
    except BaseException as exc:  # reported to the parent as a rejection
        traceback.print_exc()  # the run's log keeps what the Chinese reason leaves out
        outcome = exc
    try:
        conn.send(outcome)
    except MemoryError:  # the extraction itself too large to pickle under the cap
        conn.send(MemoryError())
    finally:
        conn.close()


def _over_memory(limits: WorkerLimits) -> str:
    return (
        f"文件超出内存上限（{limits.memory_mb} MB），可能是压缩炸弹或损坏的文件"
        f"（可调整 {settings.EXTRACT_MEMORY_ENV}）"
    )


def _ended_by(exitcode: int | None) -> str:
    """How a worker process ended, for a reason: 信号 SIGSEGV, 退出码 1."""
    if exitcode is not None and exitcode < 0:
        try:
            return f"信号 {signal.Signals(-exitcode).name}"
        except ValueError:
            return f"信号 {-exitcode}"
    return f"退出码 {exitcode}"


def _crashed_on_its_document(exitcode: int | None) -> bool:
    """A worker ended by a signal of its own (SIGSEGV, SIGBUS… in pdfium or camelot) met
    its document; SIGKILL comes from outside, and an exit code without a result means the
    worker failed before or after the document (starting, handing the result back)."""
    return exitcode is not None and exitcode < 0 and exitcode != -signal.SIGKILL


def _ended_twice(exitcode: int | None) -> str:
    if exitcode == -signal.SIGKILL:
        return (
            "提取进程两次被系统强行终止（SIGKILL），通常是机器内存不足，并非文件本身的问题；"
            "可在内存充足时用 --force 重新提取"
        )
    return f"提取进程两次异常退出（{_ended_by(exitcode)}），并非文件本身的问题，详见运行日志"


def default_workers() -> int:
    """JUESUAN_EXTRACT_WORKERS, else the CPUs this process may run on (a container's
    cpuset, not the host's count)."""
    return settings.extract_workers() or len(os.sched_getaffinity(0)) or 1


def extract_all(
    sources: list[SourceFile],
    inbox: Path,
    workers: int | None = None,
    timeout: float = 300.0,
    work: Callable[[str, str, str, Connection, WorkerLimits], None] = _work,
    limits: WorkerLimits | None = None,
) -> Iterator[DocumentExtraction]:
    """Yield one extraction per source, in completion order. `limits` default to the
    settings (JUESUAN_EXTRACT_MEMORY_MB, JUESUAN_EXTRACT_MAX_PAGES)."""
    workers = max(1, workers or default_workers())
    limits = limits or WorkerLimits.from_settings()
    context = mp.get_context("forkserver")
    context.set_forkserver_preload(["pipelines.extract.document"])
    pending = list(reversed(sources))
    # A worker killed from outside (SIGKILL: the kernel's OOM killer when the machine runs
    # short) met a fault of the machine, not of the document: it gets one more try. One
    # that a signal of its own ends met its document: over its memory cap (a failed
    # allocation aborts pdfium: SIGABRT), or crashed on it; never tried again.
    killed: set[str] = set()
    running: dict[Connection, tuple[BaseProcess, SourceFile, float]] = {}
    try:
        while pending or running:
            while pending and len(running) < workers:
                source = pending.pop()
                parent_end, child_end = context.Pipe(duplex=False)
                process: BaseProcess = context.Process(
                    target=work,
                    args=(str(source.path), str(inbox), source.document_id, child_end, limits),
                    daemon=True,
                )
                process.start()
                child_end.close()
                running[parent_end] = (process, source, time.monotonic())
            now = time.monotonic()
            next_deadline = min(started + timeout for _, _, started in running.values())
            # wait() returns some of the objects it was given: here, connections.
            ready = cast(
                list[Connection], wait(list(running), timeout=max(0.0, next_deadline - now))
            )
            for conn in ready:
                process, source, started = running.pop(conn)
                try:
                    outcome = conn.recv()
                except EOFError:
                    outcome = None
                conn.close()
                process.join()
                elapsed = time.monotonic() - started
                if isinstance(outcome, DocumentExtraction):
                    yield outcome
                elif isinstance(outcome, MemoryError) or process.exitcode == -signal.SIGABRT:
                    yield _rejected(source, _over_memory(limits), elapsed)
                elif isinstance(outcome, BaseException):
                    reason = (
                        f"提取程序内部错误（{type(outcome).__name__}），文件未能处理，详见运行日志"
                    )
                    yield _rejected(source, reason, elapsed)
                elif _crashed_on_its_document(process.exitcode):
                    reason = (
                        f"提取进程读取文件时崩溃（{_ended_by(process.exitcode)}），文件可能损坏"
                    )
                    yield _rejected(source, reason, elapsed)
                elif source.document_id not in killed:
                    killed.add(source.document_id)
                    pending.append(source)
                else:
                    yield _rejected(source, _ended_twice(process.exitcode), elapsed)
            now = time.monotonic()
            for conn, (process, source, started) in list(running.items()):
                if now - started >= timeout:
                    process.kill()
                    process.join()
                    conn.close()
                    del running[conn]
                    yield _rejected(
                        source,
                        f"处理超时：超过 {timeout:g} 秒仍未完成，已中止"
                        "（可调整 JUESUAN_EXTRACT_TIMEOUT）",
                        timeout,
                    )
    finally:
        for conn, (process, _, _) in running.items():
            process.kill()
            conn.close()
