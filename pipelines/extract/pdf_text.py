"""The PDF's text layer, read once per document with pdfium (fast: hundreds of pages/s).

Character boxes come from pdfium's glyph boxes, so a character belongs to the cell its
centre lies in, whatever the font's line box says (Noto CJK / 思源 fonts overlap the row
above: ../shared/domain.md, "Fonts matter").
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

# A glyph box flatter than this (points) is no outline measure: the font has no glyph
# outlines (a Type 3 or bitmap font), so its ascent/descent box is used instead.
MIN_GLYPH_BOX_HEIGHT = 0.05
# Paths are counted up to this many: the count only decides whether a page can hold a
# ruled grid (grid.MIN_RULING_PATHS), and a ruled table page has thousands.
PATH_COUNT_CAP = 8


class PdfOpenError(Exception):
    """The file cannot be read as a PDF; `reason` is the Chinese status reason."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Char:
    text: str
    x0: float
    y0: float
    x1: float
    y1: float

    @property
    def cx(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def cy(self) -> float:
        return (self.y0 + self.y1) / 2


@dataclass(frozen=True)
class PageText:
    number: int  # 1-based
    width: float
    height: float
    text: str  # pdfium's reading order, lines separated by "\n"
    chars: tuple[Char, ...]  # visible characters only (no whitespace)
    has_images: bool = False  # rules or text drawn as pixels need the rendered page
    path_count: int = 0  # vector paths drawn, up to PATH_COUNT_CAP (rules are paths)

    @property
    def lines(self) -> list[str]:
        return [line.strip() for line in self.text.split("\n") if line.strip()]

    def chars_in(self, x0: float, y0: float, x1: float, y1: float) -> list[Char]:
        return [c for c in self.chars if x0 <= c.cx <= x1 and y0 <= c.cy <= y1]


def open_pdf(path: Path) -> pdfium.PdfDocument:
    """Open a PDF, trying the empty user password that many 'encrypted' files use."""
    with path.open("rb") as handle:
        head = handle.read(1024)
    if b"%PDF" not in head:
        raise PdfOpenError("不是 PDF 文件（文件头没有 %PDF 标记）")
    try:
        return pdfium.PdfDocument(str(path), password="")
    except pdfium.PdfiumError as exc:
        message = str(exc).lower()
        if "password" in message:
            raise PdfOpenError("PDF 已加密，空密码无法打开，需要文件的打开密码") from exc
        # Not pdfium's error code: when it fails without setting one (a catalogue with no
        # page tree), the code is whatever an earlier file left. A broken cross-reference
        # table alone is no error: pdfium rebuilds it by scanning the objects.
        raise PdfOpenError(
            "PDF 文件损坏或不完整，无法打开：文件结构（交叉引用表、对象、页面树）无法解析"
        ) from exc


def read_pages(document: pdfium.PdfDocument) -> list[PageText]:
    pages = []
    declared = len(document)
    for index in range(declared):
        try:
            page = document[index]
        except pdfium.PdfiumError as exc:  # pdfium walked the page tree and lost its way
            raise PdfOpenError(
                f"页面树损坏：文件声明 {declared} 页，第 {index + 1} 页无法读取"
                "（页面树存在循环引用或缺页），文件损坏"
            ) from exc
        textpage = page.get_textpage()
        count = textpage.count_chars()
        raw_text = textpage.get_text_range()
        text = raw_text.replace("\r\n", "\n").replace("\r", "\n")
        # One call for all characters; per-character calls only if indices do not line
        # up (characters outside the basic plane).
        aligned = len(raw_text) == count
        chars = []
        for i in range(count):
            ch = raw_text[i] if aligned else textpage.get_text_range(i, 1)
            if not ch or ch.isspace():
                continue
            # Horizontally the advance box: CJK text abuts whatever the font (a tight glyph
            # box leaves gaps that depend on which font pdfium substitutes for one that is
            # not embedded). Vertically the glyph box, so that wrapped lines stay apart,
            # unless the font has no outlines to measure (then its ascent/descent box).
            loose = textpage.get_charbox(i, loose=True)
            tight = textpage.get_charbox(i)
            x0, x1 = (loose[0], loose[2]) if loose[2] > loose[0] else (tight[0], tight[2])
            measurable = tight[3] - tight[1] >= MIN_GLYPH_BOX_HEIGHT
            y0, y1 = (tight[1], tight[3]) if measurable else (loose[1], loose[3])
            chars.append(Char(ch, x0, y0, x1, y1))
        width, height = page.get_size()
        has_images = next(page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE]), None) is not None
        paths = page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_PATH])
        path_count = sum(1 for _, _ in zip(range(PATH_COUNT_CAP), paths, strict=False))
        pages.append(PageText(index + 1, width, height, text, tuple(chars), has_images, path_count))
        textpage.close()
        page.close()
    return pages
