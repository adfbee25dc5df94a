"""Extracting many documents: in parallel processes, each with a time limit.

Each document runs in its own worker process, so a pathological PDF that hangs inside
pdfium or camelot is killed at its deadline and recorded as rejected, and the others
go on. Workers are forked from a server that has already imported the extractor.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from pathlib import Path

from pipelines.extract import EXTRACTOR_VERSION
from pipelines.extract.document import extract_document, file_sha256
from pipelines.extract.records import DocumentExtraction


@dataclass(frozen=True)
class SourceFile:
    path: Path
    source_path: str  # relative to the inbox
    document_id: str
    file_size: int


def discover(inbox: Path) -> list[SourceFile]:
    """Every PDF below the inbox, any folder layout; one entry per distinct content."""
    seen: dict[str, SourceFile] = {}
    for path in sorted(p for p in inbox.rglob("*") if p.is_file() and p.suffix.lower() == ".pdf"):
        document_id = file_sha256(path)
        if document_id not in seen:  # the same bytes under another name is the same document
            seen[document_id] = SourceFile(
                path, str(path.relative_to(inbox)), document_id, path.stat().st_size
            )
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


def extract_all(
    sources: list[SourceFile], inbox: Path, workers: int | None = None, timeout: float = 300.0
) -> Iterator[DocumentExtraction]:
    """Yield one extraction per source, in completion order."""
    workers = max(1, workers or os.cpu_count() or 1)
    context = mp.get_context("forkserver")
    context.set_forkserver_preload(["pipelines.extract.document"])
    pending = list(reversed(sources))
    running: dict[Connection, tuple[mp.Process, SourceFile, float]] = {}
    try:
        while pending or running:
            while pending and len(running) < workers:
                source = pending.pop()
                parent_end, child_end = context.Pipe(duplex=False)
                process = context.Process(
                    target=_work,
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
                else:
                    yield _rejected(
                        source, f"提取进程异常退出（退出码 {process.exitcode}）", elapsed
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
