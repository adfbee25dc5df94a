"""The PDF's text layer, read once per document with pdfium (fast: hundreds of pages/s).

Character boxes come from pdfium's glyph boxes, so a character belongs to the cell its
centre lies in, whatever the font's line box says (Noto CJK / 思源 fonts overlap the row
above: ../shared/domain.md, "Fonts matter").

Every box is in the displayed page's coordinates (`Turn`): a landscape table printed on a
portrait page turned by /Rotate reads as it is displayed, as camelot measures it and as
pdfium renders it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

# A glyph box flatter than this (points) is no outline measure: the font has no glyph
# outlines (a Type 3 or bitmap font), so its ascent/descent box is used instead.
MIN_GLYPH_BOX_HEIGHT = 0.05
# Path shapes are counted up to this many: the count only decides whether a page can
# hold a ruled grid (grid.MIN_RULING_PATHS), and a ruled table page has thousands.
PATH_COUNT_CAP = 8


class PdfOpenError(Exception):
    """The file cannot be read as a PDF; `reason` is the Chinese status reason."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


Box = tuple[float, float, float, float]  # x0, y0, x1, y1 in PDF points, origin bottom-left


@dataclass(frozen=True)
class Turn:
    """How a page is turned for display (its /Rotate), and so where a point of the page's
    own coordinates (pdfium's character boxes, paths and bounded text) lies on the
    displayed page, where camelot measures, pdfium renders and a reader looks.

    Displayed coordinates are PDF points, origin bottom-left of the displayed page, offset
    as the page's own are by the MediaBox's lower-left corner (left, bottom): the displayed
    MediaBox spans [left, left + displayed width] x [bottom, bottom + displayed height]. A
    page without /Rotate is displayed in its own coordinates.
    """

    rotation: int = 0  # degrees clockwise, as /Rotate: 0, 90, 180 or 270
    mediabox: Box = (0.0, 0.0, 0.0, 0.0)

    @classmethod
    def of(cls, page: pdfium.PdfPage) -> Turn:
        x0, y0, x1, y1 = page.get_mediabox()
        box = (min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1))
        return cls(page.get_rotation() % 360, box)

    def point(self, x: float, y: float) -> tuple[float, float]:
        """The displayed position of the page's own point (x, y)."""
        if not self.rotation:
            return x, y
        left, bottom, right, top = self.mediabox
        u, v = x - left, y - bottom
        if self.rotation == 90:  # clockwise: the page's left edge becomes the top
            u, v = v, (right - left) - u
        elif self.rotation == 180:
            u, v = (right - left) - u, (top - bottom) - v
        else:  # 270: the page's left edge becomes the bottom
            u, v = (top - bottom) - v, u
        return left + u, bottom + v

    def unturned_point(self, x: float, y: float) -> tuple[float, float]:
        """The page's own position of the displayed point (x, y): `point` undone."""
        if not self.rotation:
            return x, y
        left, bottom, right, top = self.mediabox
        u, v = x - left, y - bottom
        if self.rotation == 90:
            u, v = (right - left) - v, u
        elif self.rotation == 180:
            u, v = (right - left) - u, (top - bottom) - v
        else:
            u, v = v, (top - bottom) - u
        return left + u, bottom + v

    def box(self, x0: float, y0: float, x1: float, y1: float) -> Box:
        """The displayed box of the page's own box (x0, y0, x1, y1)."""
        return _spanned(self.point(x0, y0), self.point(x1, y1))

    def unturned_box(self, x0: float, y0: float, x1: float, y1: float) -> Box:
        """The page's own box of the displayed box (x0, y0, x1, y1)."""
        return _spanned(self.unturned_point(x0, y0), self.unturned_point(x1, y1))


UPRIGHT = Turn()


def _spanned(a: tuple[float, float], b: tuple[float, float]) -> Box:
    return (min(a[0], b[0]), min(a[1], b[1]), max(a[0], b[0]), max(a[1], b[1]))


class TurnedTextPage:
    """A pypdfium2 text page asked in displayed coordinates: pdfium's FPDFText_GetBoundedText
    takes the page's own, so each rectangle is turned back first (`Turn.unturned_box`)."""

    def __init__(self, textpage: pdfium.PdfTextPage, turn: Turn):
        self.textpage = textpage
        self.turn = turn

    def get_text_bounded(self, left: float, bottom: float, right: float, top: float) -> str:
        return str(
            self.textpage.get_text_bounded(*self.turn.unturned_box(left, bottom, right, top))
        )


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
    path_count: int = 0  # path shapes drawn, up to PATH_COUNT_CAP (see count_path_shapes)
    # The MediaBox's lower-left corner: camelot measures from it, pdfium's characters are
    # in the PDF's own coordinates (a page cut out of a larger sheet starts at, e.g., -12).
    origin: tuple[float, float] = (0.0, 0.0)
    turn: Turn = UPRIGHT  # the page's /Rotate: chars, width and height are as displayed

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
        turn = Turn.of(page)
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
            # Across and up as displayed: on a turned page the text runs along the page's
            # own y axis.
            loose = turn.box(*textpage.get_charbox(i, loose=True))
            tight = turn.box(*textpage.get_charbox(i))
            x0, x1 = (loose[0], loose[2]) if loose[2] > loose[0] else (tight[0], tight[2])
            measurable = tight[3] - tight[1] >= MIN_GLYPH_BOX_HEIGHT
            y0, y1 = (tight[1], tight[3]) if measurable else (loose[1], loose[3])
            chars.append(Char(ch, x0, y0, x1, y1))
        width, height = page.get_size()
        has_images = next(page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE]), None) is not None
        path_count = count_path_shapes(page, PATH_COUNT_CAP)
        left, bottom, _, _ = page.get_mediabox()
        pages.append(
            PageText(
                index + 1,
                width,
                height,
                text,
                tuple(chars),
                has_images,
                path_count,
                (left, bottom),
                turn,
            )
        )
        textpage.close()
        page.close()
    return pages


def count_path_shapes(page: pdfium.PdfPage, cap: int) -> int:
    """The shapes the page's paths draw (each subpath begun by a move), up to `cap`.

    Not the path objects: one path object may draw a whole grid as many subpaths (a rule
    per subpath, as Microsoft Print to PDF does), and a page with two or three such
    objects is as ruled as one drawing each rule on its own.
    """
    shapes = 0
    for path in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_PATH]):
        for index in range(pdfium_c.FPDFPath_CountSegments(path.raw)):
            segment = pdfium_c.FPDFPath_GetPathSegment(path.raw, index)
            if pdfium_c.FPDFPathSegment_GetType(segment) == pdfium_c.FPDF_SEGMENT_MOVETO:
                shapes += 1
                if shapes >= cap:
                    return shapes
    return shapes
