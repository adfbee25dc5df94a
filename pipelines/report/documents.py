"""The documents' pages: one HTML file a document (its findings, the ones dismissed, the
images of the pages they point at), in DOCUMENTS_FOLDER beside the overview, sharing the
report's stylesheet and script written once into that folder.

Work proportional to what changed: a manifest in the folder (MANIFEST_NAME) keeps each
page's fingerprint, a digest of everything drawn on it (the document's latest results
and dismissals, digested in the warehouse; its row in marts.dim_document and its unit;
its file in the inbox by size and time; the page's template, stylesheet and script). A
page whose fingerprint is unchanged is not read, rendered nor written again; a page of a
document no longer in the warehouse is deleted. A missing or unreadable manifest, or one
of another format, renders every page. Findings are read DOCUMENT_BATCH documents at a
time, so the memory a write needs does not grow with the warehouse.
"""

from __future__ import annotations

import hashlib
import json
import sys
from dataclasses import dataclass
from pathlib import Path

from pipelines.code_digest import source_digest
from pipelines.report import assets
from pipelines.report.data import (
    DOCUMENT_BATCH,
    Document,
    ReportData,
    document_fingerprints,
    read_document_findings,
)
from pipelines.report.files import write_text_if_changed
from pipelines.report.html import (
    DOCUMENTS_FOLDER,
    SHARED_FRAGMENTS,
    document_page_name,
    render_document_html,
)
from pipelines.report.pages import find_file, render_pages

MANIFEST_NAME = "manifest.json"
# Bump when what a page shows changes in a way the assets' digest does not see (the
# Python that builds its data island).
PAGE_FORMAT = 1
SHARED_ASSETS = ("report.css", "report.js")


@dataclass(frozen=True)
class DocumentPages:
    folder: Path
    pages: int  # pages the folder holds after the write
    rendered: tuple[str, ...]  # document_ids whose page was (re)written by this write
    removed: int  # pages deleted: their document is no longer in the warehouse
    page_images: int  # page images rendered by this write
    # Documents whose findings' pages could not be shown (their file is no longer in the
    # inbox, or was re-issued), as their pages were last rendered.
    missing_files: int
    fingerprints: dict[str, str]  # page name → fingerprint, every page the folder holds


def _assets_digest() -> str:
    files = [assets.STATIC / name for name in (*SHARED_ASSETS, "document.html", *SHARED_FRAGMENTS)]
    return source_digest(files, assets.STATIC, salt=f"page-format {PAGE_FORMAT}")


def _read_manifest(path: Path, version: str) -> tuple[dict[str, str], set[str]]:
    """page name → fingerprint, and the pages drawn without their file; empty (render
    all) when missing, corrupt or of another version of the pages."""
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}, set()
    if not isinstance(manifest, dict) or manifest.get("version") != version:
        return {}, set()
    pages, missing = manifest.get("pages"), manifest.get("missing_files", [])
    if not isinstance(pages, dict) or not isinstance(missing, list):
        return {}, set()
    return {str(k): str(v) for k, v in pages.items()}, {str(name) for name in missing}


def _file_stamp(inbox: Path, doc: Document) -> list:
    if not doc.source_path:
        return []
    try:
        stat = (inbox / doc.source_path).stat()
    except OSError:
        return []
    return [stat.st_size, stat.st_mtime_ns]


def _fingerprint(data: ReportData, doc: Document, results: str | None, inbox: Path) -> str:
    unit = data.units.get(doc.unit_key or "")
    drawn = [
        results,
        doc.file_name,
        doc.status,
        doc.status_reason,
        doc.fiscal_year,
        doc.kind,
        doc.page_count,
        str(doc.ingested_at),
        [unit.name, unit.region, unit.level] if unit else None,
        data.coverage_basis,
        _file_stamp(inbox, doc),
    ]
    return hashlib.sha256(json.dumps(drawn, ensure_ascii=False, default=str).encode()).hexdigest()


def _paged(doc: Document) -> bool:
    """A rejected document without results is listed in the overview with its reason only."""
    return doc.status != "rejected" or doc.checks_total > 0


def write_document_pages(
    wh, data: ReportData, out_dir: Path, inbox: Path, overview_name: str
) -> DocumentPages:
    folder = Path(out_dir) / DOCUMENTS_FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    for name in SHARED_ASSETS:
        write_text_if_changed(folder / name, (assets.STATIC / name).read_text(encoding="utf-8"))
    version = _assets_digest()
    manifest_path = folder / MANIFEST_NAME
    previous, missing_before = _read_manifest(manifest_path, version)
    results = document_fingerprints(wh)
    wanted: dict[str, tuple[Document, str]] = {}
    for doc in data.documents:
        if _paged(doc):
            fingerprint = _fingerprint(data, doc, results.get(doc.document_id), inbox)
            wanted[document_page_name(doc.document_id)] = (doc, fingerprint)
    stale = [
        doc
        for name, (doc, fingerprint) in wanted.items()
        if previous.get(name) != fingerprint or not (folder / name).is_file()
    ]
    # The manifest is written first without the pages about to change: a write that stops
    # half-way leaves them to the next one.
    current = {name: fp for name, (_, fp) in wanted.items() if previous.get(name) == fp}
    missing = missing_before & set(current)
    _write_manifest(manifest_path, version, current, missing)
    images = 0
    for start in range(0, len(stale), DOCUMENT_BATCH):
        batch = stale[start : start + DOCUMENT_BATCH]
        findings = read_document_findings(wh, data, [doc.document_id for doc in batch])
        for doc in batch:
            items = findings[doc.document_id]
            numbers = {f.source_page for f in items if f.source_page}
            pages = None
            if numbers and doc.status != "superseded":
                pages = render_pages(
                    {doc.document_id: numbers},
                    {doc.document_id: find_file(inbox, doc.source_path, doc.document_id)},
                    folder,
                    embed_limit=sys.maxsize,  # a document's own pages: bounded by its length
                )
                images += len(pages.images)
            name = document_page_name(doc.document_id)
            if pages is not None and pages.missing_files:
                missing.add(name)
            page = render_document_html(data, doc, items, pages, overview_name)
            write_text_if_changed(folder / name, page)
            current[name] = wanted[name][1]
        _write_manifest(manifest_path, version, current, missing)
    removed = 0
    for path in folder.glob("*.html"):
        if path.name not in wanted:
            path.unlink()
            removed += 1
    return DocumentPages(
        folder=folder,
        pages=len(wanted),
        rendered=tuple(doc.document_id for doc in stale),
        removed=removed,
        page_images=images,
        missing_files=len(missing),
        fingerprints={name: fp for name, (_, fp) in wanted.items()},
    )


def _write_manifest(path: Path, version: str, pages: dict[str, str], missing: set[str]) -> None:
    manifest = {"version": version, "pages": pages, "missing_files": sorted(missing)}
    text = json.dumps(manifest, ensure_ascii=False, indent=0)
    write_text_if_changed(path, text)
