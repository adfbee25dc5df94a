"""Extracting many documents: in parallel processes, each with a time limit.

Each document runs in its own worker process, so a pathological PDF that hangs inside
pdfium or camelot is killed at its deadline and recorded as rejected, and the others
go on. Workers are forked from a server that has already imported the extractor.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from pathlib import Path

from pipelines import settings
from pipelines.extract import EXTRACTOR_VERSION
from pipelines.extract.document import extract_document, file_sha256
from pipelines.extract.records import DocumentExtraction


@dataclass(frozen=True)
class SourceFile:
    path: Path
    source_path: str  # relative to the inbox
    document_id: str
    file_size: int


# source_path → [size, mtime_ns, sha256]: lets a frequent inbox scan (the sensor) hash
# only the files that changed since it last looked.
HashCache = dict[str, list]
# Per inbox, for scans without a cache of their own: `juesuan ingest` scans to plan the
# run, then the run's first step scans again, in the same process.
_process_hash_caches: dict[Path, HashCache] = {}


def discover(
    inbox: Path, hash_cache: HashCache | None = None, settle_seconds: float = 0.0
) -> list[SourceFile]:
    """Every PDF below the inbox, any folder layout; one entry per distinct content.

    `hash_cache` is read and updated in place. A file modified less than `settle_seconds`
    ago is left for a later scan: it may still be being copied into the inbox.
    """
    cache = (
        hash_cache
        if hash_cache is not None
        else _process_hash_caches.setdefault(inbox.resolve(), {})
    )
    now = time.time()
    seen: dict[str, SourceFile] = {}
    present: set[str] = set()
    for path in sorted(p for p in inbox.rglob("*") if p.is_file() and p.suffix.lower() == ".pdf"):
        stat = path.stat()
        if settle_seconds and now - stat.st_mtime < settle_seconds:
            continue
        source_path = str(path.relative_to(inbox))
        present.add(source_path)
        cached = cache.get(source_path)
        if cached and cached[0] == stat.st_size and cached[1] == stat.st_mtime_ns:
            document_id = cached[2]
        else:
            document_id = file_sha256(path)
            cache[source_path] = [stat.st_size, stat.st_mtime_ns, document_id]
        if document_id not in seen:  # the same bytes under another name is the same document
            seen[document_id] = SourceFile(path, source_path, document_id, stat.st_size)
    for gone in set(cache) - present:
        del cache[gone]
    return list(seen.values())


def _rejected(source: SourceFile, reason: str, seconds: float) -> DocumentExtraction:
    return DocumentExtraction(
        document_id=source.document_id,
        file_name=source.path.name,
        source_path=source.source_path,
        file_size=source.file_size,
        extractor_version=EXTRACTOR_VERSION,
        status="rejected",
        status_reason=reason,
        seconds=seconds,
    )


def _work(path: str, inbox: str, document_id: str, conn: Connection) -> None:
    try:
        conn.send(extract_document(Path(path), Path(inbox), document_id))
    except BaseException as exc:  # reported to the parent as a rejection
        conn.send(exc)
    finally:
        conn.close()


def default_workers() -> int:
    """JUESUAN_EXTRACT_WORKERS, else the CPUs this process may run on (a container's
    cpuset, not the host's count)."""
    return settings.extract_workers() or len(os.sched_getaffinity(0)) or 1


def extract_all(
    sources: list[SourceFile],
    inbox: Path,
    workers: int | None = None,
    timeout: float = 300.0,
    work: Callable[[str, str, str, Connection], None] = _work,
) -> Iterator[DocumentExtraction]:
    """Yield one extraction per source, in completion order."""
    workers = max(1, workers or default_workers())
    context = mp.get_context("forkserver")
    context.set_forkserver_preload(["pipelines.extract.document"])
    pending = list(reversed(sources))
    # A worker that dies without a word (killed for memory, say) is a fault of the
    # machine, not of the document: it gets one more try before it is recorded.
    crashed: set[str] = set()
    running: dict[Connection, tuple[mp.Process, SourceFile, float]] = {}
    try:
        while pending or running:
            while pending and len(running) < workers:
                source = pending.pop()
                parent_end, child_end = context.Pipe(duplex=False)
                process = context.Process(
                    target=work,
                    args=(str(source.path), str(inbox), source.document_id, child_end),
                    daemon=True,
                )
                process.start()
                child_end.close()
                running[parent_end] = (process, source, time.monotonic())
            now = time.monotonic()
            next_deadline = min(started + timeout for _, _, started in running.values())
            ready = wait(list(running), timeout=max(0.0, next_deadline - now))
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
                elif isinstance(outcome, BaseException):
                    yield _rejected(
                        source, f"提取出错：{type(outcome).__name__}: {outcome}", elapsed
                    )
                elif source.document_id not in crashed:
                    crashed.add(source.document_id)
                    pending.append(source)
                else:
                    yield _rejected(
                        source, f"提取进程两次异常退出（退出码 {process.exitcode}）", elapsed
                    )
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
