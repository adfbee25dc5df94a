"""The pages the findings point at, rendered with pypdfium2 when the report is written.

Each page a finding names is rendered once (every finding on it shares the image; the
report draws each finding's box over it). The images are WebP, greyscale, at
RENDER_SCALE (108 dpi: small print legible, ~40 KB a page). They are embedded in the
HTML as data URIs while they total at most EMBED_LIMIT_BYTES, so the report stays one
self-contained file; a larger run writes them beside the report, in PAGES_FOLDER, linked
by relative paths (copy the folder with the HTML).

A page is rendered from the document's file in the inbox, found by its source path and
checked by its content hash: a file re-issued or removed since shows no image (the report
says so) rather than another file's page.
"""

from __future__ import annotations

import base64
import io
import shutil
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pypdfium2 as pdfium

from pipelines.extract.document import file_sha256
from pipelines.extract.pdf_text import Turn

# 1.5 × 72 dpi: the smallest scale at which a table's 9-point figures read clearly.
RENDER_SCALE = 1.5
WEBP_QUALITY = 50
# Images embedded up to this total (bytes, before base64): ~400 pages, a report that a
# browser still opens at once. Beyond, they are written beside the report.
EMBED_LIMIT_BYTES = 16 * 1024 * 1024
PAGES_FOLDER = "quality_report_pages"


@dataclass(frozen=True)
class PageImage:
    src: str  # a data URI, or a path relative to the report
    # The rendered area in PDF points (the crop box): boxes are drawn relative to it.
    left: float
    bottom: float
    width: float
    height: float


@dataclass(frozen=True)
class RenderedPages:
    images: dict[tuple[str, int], PageImage]  # (document_id, page) → image
    embedded: bool
    total_bytes: int
    missing_files: tuple[str, ...] = ()  # document_ids whose file is not in the inbox


def find_file(inbox: Path, source_path: str | None, document_id: str) -> Path | None:
    """The document's file in the inbox, when it still has the same content."""
    if not source_path:
        return None
    candidate = inbox / source_path
    if not candidate.is_file():
        return None
    try:
        return candidate if file_sha256(candidate) == document_id else None
    except OSError:
        return None


def _render(path: Path, pages: Iterable[int]) -> dict[int, tuple[bytes, tuple[float, ...]]]:
    rendered: dict[int, tuple[bytes, tuple[float, ...]]] = {}
    document = pdfium.PdfDocument(str(path), password="")
    try:
        for number in sorted(set(pages)):
            if not 1 <= number <= len(document):
                continue
            page = document[number - 1]
            try:
                # Boxes are in the displayed page's coordinates (pdf_text.Turn), as rendered.
                left, bottom, right, top = Turn.of(page).box(*page.get_cropbox())
                image = page.render(scale=RENDER_SCALE, grayscale=True).to_pil()
                buffer = io.BytesIO()
                image.save(buffer, "WEBP", quality=WEBP_QUALITY)
                rendered[number] = (buffer.getvalue(), (left, bottom, right - left, top - bottom))
            finally:
                page.close()
    finally:
        document.close()
    return rendered


def render_pages(
    wanted: dict[str, set[int]],
    files: dict[str, Path | None],
    out_dir: Path,
    embed_limit: int = EMBED_LIMIT_BYTES,
) -> RenderedPages:
    """Render the `wanted` pages of each document (document_id → page numbers) from its
    file; embed them or write them into out_dir/PAGES_FOLDER (see the module's doc)."""
    raw: dict[tuple[str, int], tuple[bytes, tuple[float, ...]]] = {}
    missing = []
    for document_id, pages in wanted.items():
        path = files.get(document_id)
        if path is None:
            missing.append(document_id)
            continue
        try:
            for number, item in _render(path, pages).items():
                raw[(document_id, number)] = item
        except pdfium.PdfiumError:
            missing.append(document_id)
    total = sum(len(data) for data, _ in raw.values())
    embedded = total <= embed_limit
    folder = out_dir / PAGES_FOLDER
    shutil.rmtree(folder, ignore_errors=True)  # the previous report's pages
    if not embedded:
        folder.mkdir(parents=True)
    images = {}
    for (document_id, number), (data, (left, bottom, width, height)) in raw.items():
        if embedded:
            src = "data:image/webp;base64," + base64.b64encode(data).decode("ascii")
        else:
            name = f"{document_id[:16]}_p{number}.webp"
            (folder / name).write_bytes(data)
            src = f"{PAGES_FOLDER}/{name}"
        images[(document_id, number)] = PageImage(src, left, bottom, width, height)
    return RenderedPages(images, embedded, total, tuple(missing))
