"""Extracting many documents: in parallel processes, each with a time limit.

Each document runs in its own worker process, so a pathological PDF that hangs inside
pdfium or camelot is killed at its deadline and recorded as rejected, and the others
go on. Workers are forked from a server that has already imported the extractor.
"""

from __future__ import annotations

import json
import multiprocessing as mp
import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import cast

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

    def handed_on(self) -> dict[str, str | int]:
        """What discovery hands the extraction step (as JSON): the hash is the key."""
        return {"source_path": self.source_path, "file_size": self.file_size}

    @classmethod
    def received(cls, inbox: Path, document_id: str, value: dict) -> SourceFile:
        """The source that `handed_on` described, below `inbox`."""
        return cls(
            inbox / value["source_path"], value["source_path"], document_id, value["file_size"]
        )


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


def discover(
    inbox: Path, hash_cache: Path | None = None, settle_seconds: float = 0.0
) -> list[SourceFile]:
    """Every PDF below the inbox, any folder layout; one entry per distinct content.

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
    for path in sorted(p for p in inbox.rglob("*") if p.is_file() and p.suffix.lower() == ".pdf"):
        stat = path.stat()
        key = str(path)
        present.add(key)
        if settle_seconds and now - stat.st_mtime < settle_seconds:
            continue
        cached = cache.get(key)
        if cached and cached[0] == stat.st_size and cached[1] == stat.st_mtime_ns:
            document_id = cached[2]
        else:
            document_id = file_sha256(path)
            cache[key] = [stat.st_size, stat.st_mtime_ns, document_id]
            changed = True
        if document_id not in seen:  # the same bytes under another name is the same document
            seen[document_id] = SourceFile(
                path, str(path.relative_to(inbox)), document_id, stat.st_size
            )
    # Files of this inbox that are gone; other inboxes' entries stay.
    for gone in [key for key in cache if Path(key).is_relative_to(inbox) and key not in present]:
        del cache[gone]
        changed = True
    if hash_cache is not None and changed:
        _write_hash_cache(hash_cache, cache)
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
    running: dict[Connection, tuple[BaseProcess, SourceFile, float]] = {}
    try:
        while pending or running:
            while pending and len(running) < workers:
                source = pending.pop()
                parent_end, child_end = context.Pipe(duplex=False)
                process: BaseProcess = context.Process(
                    target=work,
                    args=(str(source.path), str(inbox), source.document_id, child_end),
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
