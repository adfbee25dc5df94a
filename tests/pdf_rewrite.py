"""Rewriting a real PDF's printed text with pypdfium2, to plant problems in a copy of it.

A page's text objects (runs of one font) are grouped into printed lines: runs on one
baseline, split where a gap wider than the font size separates table columns. A line is
rewritten by removing its runs and inserting one run of the new text in a CJK font of the
system (the document's own fonts are subsets that lack the new glyphs), at the line's
baseline and size, stretched horizontally so that the text keeps the printed line's
width per character: neighbouring columns and table rules stay where they were. Table
figures are removed run by run, and whole pages can be deleted.

The copy is written to a new file; the source is never touched.
"""

from __future__ import annotations

import ctypes
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest

# Runs on one printed line share a baseline to within this fraction of the font size.
BASELINE_TOLERANCE = 0.3
# A gap between runs wider than this many font sizes separates two columns (table
# cells), not two runs of one sentence (a change of font inside it).
COLUMN_GAP = 1.0


class NoCjkFont(RuntimeError):
    """fontconfig lists no TrueType/OpenType font with Chinese glyphs."""


# The planted text mixes Chinese with ASCII figures and letters ("XX局", "0 万元"):
# fallback fonts such as Droid Sans Fallback carry Chinese glyphs only, and pdfium
# silently drops the characters a font lacks.
PLANTED_TEXT_CHARSET = ":lang=zh:charset=20-7e"


def cjk_font_file() -> Path:
    """The smallest font file fontconfig lists for Chinese that also has every printable
    ASCII glyph (WenQuanYi, Noto CJK, AR PL UMing, …)."""
    if not shutil.which("fc-list"):
        raise NoCjkFont("fc-list absent: apt-get install -y fontconfig fonts-wqy-microhei")
    listed = subprocess.run(
        ["fc-list", PLANTED_TEXT_CHARSET, "file"], capture_output=True, text=True, timeout=60
    ).stdout
    files = {
        Path(line.strip().rstrip(":"))
        for line in listed.splitlines()
        if line.strip().rstrip(":").lower().endswith((".ttf", ".ttc", ".otf"))
    }
    files = {path for path in files if path.is_file()}
    if not files:
        raise NoCjkFont(
            "no Chinese font with ASCII glyphs: apt-get install -y fonts-wqy-microhei"
            " (or fonts-noto-cjk)"
        )
    return min(files, key=lambda path: (path.stat().st_size, str(path)))


def cjk_font_or_skip() -> Path:
    """cjk_font_file() for a test: skipped, with the reason, on a machine without one."""
    try:
        return cjk_font_file()
    except NoCjkFont as exc:
        pytest.skip(f"no CJK font to write the planted text with: {exc}")


@dataclass(frozen=True)
class Run:
    """One text object of a page, as printed."""

    index: int  # position among the page's objects, when read
    text: str
    x0: float
    y0: float
    x1: float
    y1: float
    origin_x: float  # the text matrix's origin: the baseline start
    baseline: float
    font_size: float


@dataclass(frozen=True)
class Line:
    runs: tuple[Run, ...]

    @property
    def text(self) -> str:
        return "".join(run.text for run in self.runs)

    @property
    def x0(self) -> float:
        return self.runs[0].x0

    @property
    def x1(self) -> float:
        return self.runs[-1].x1


Box = tuple[float, float, float, float]  # x0, y0, x1, y1 in PDF points, origin bottom-left


@dataclass(frozen=True)
class Rewritten:
    before: str  # the printed line, as it was
    after: str  # the line as the copy prints it
    box: Box  # where the copy prints it


def _bounds(obj) -> Box:
    left, bottom, right, top = (ctypes.c_float() for _ in range(4))
    if not pdfium_c.FPDFPageObj_GetBounds(
        obj, ctypes.byref(left), ctypes.byref(bottom), ctypes.byref(right), ctypes.byref(top)
    ):
        raise RuntimeError("pdfium gives no bounds for a text object")
    return left.value, bottom.value, right.value, top.value


def _wide(text: str) -> ctypes.Array:
    encoded = (text + "\x00").encode("utf-16-le")
    return (ctypes.c_ushort * (len(encoded) // 2)).from_buffer_copy(encoded)


class PdfRewriter:
    """A copy of a PDF being rewritten; pages are numbered from 1, as printed."""

    def __init__(self, source: Path, font_file: Path | None = None):
        self.pdf = pdfium.PdfDocument(str(source))
        self._font_file = font_file
        self._font = None
        self._font_data: ctypes.Array | None = None
        self._pages: dict[int, pdfium.PdfPage] = {}
        self._changed: set[int] = set()
        self._deleted: list[int] = []

    # -- reading

    def page(self, number: int) -> pdfium.PdfPage:
        if number not in self._pages:
            self._pages[number] = self.pdf[number - 1]
        return self._pages[number]

    def runs(self, number: int) -> list[Run]:
        page = self.page(number)
        textpage = page.get_textpage()
        try:
            runs = []
            for index, obj in enumerate(page.get_objects(max_depth=1, textpage=textpage)):
                if obj.type != pdfium_c.FPDF_PAGEOBJ_TEXT:
                    continue
                text = obj.extract()
                if not text.strip():
                    continue
                x0, y0, x1, y1 = obj.get_bounds()
                matrix = obj.get_matrix().get()
                runs.append(
                    Run(index, text, x0, y0, x1, y1, matrix[4], matrix[5], obj.get_font_size())
                )
            return runs
        finally:
            textpage.close()  # pdfium requires it closed before objects are removed

    def lines(self, number: int) -> list[Line]:
        """The page's printed lines, top to bottom, each left to right."""
        rows: list[list[Run]] = []
        for run in sorted(self.runs(number), key=lambda r: (-r.baseline, r.x0)):
            row = rows[-1] if rows else None
            if row and abs(row[0].baseline - run.baseline) <= BASELINE_TOLERANCE * run.font_size:
                row.append(run)
            else:
                rows.append([run])
        lines = []
        for row in rows:
            row.sort(key=lambda r: r.x0)
            current = [row[0]]
            for run in row[1:]:
                if run.x0 - current[-1].x1 > COLUMN_GAP * run.font_size:
                    lines.append(Line(tuple(current)))
                    current = [run]
                else:
                    current.append(run)
            lines.append(Line(tuple(current)))
        return lines

    def text(self, number: int) -> str:
        """The page's text as pdfium extracts it (what any reader of the copy sees)."""
        textpage = self.page(number).get_textpage()
        try:
            return textpage.get_text_range()
        finally:
            textpage.close()

    # -- writing

    def replace(self, number: int, old: str, new: str, line_with: str = "") -> Rewritten:
        """Rewrite the one printed line of the page that contains `old` (and `line_with`),
        with `new` in its place. `old` must occur on exactly one such line, once."""
        found = [line for line in self.lines(number) if old in line.text and line_with in line.text]
        if len(found) != 1 or found[0].text.count(old) != 1:
            where = [line.text for line in found]
            raise ValueError(f"page {number}: {old!r} not on exactly one line once: {where}")
        (line,) = found
        rewritten = line.text.replace(old, new)
        box = self._rewrite(number, line, rewritten)
        return Rewritten(line.text, rewritten, box)

    def remove_runs(self, number: int, pattern: str) -> list[str]:
        """Remove every run of the page whose whole text (stripped) matches `pattern`:
        a table's figures, a note. Returns the texts removed."""
        regex = re.compile(pattern)
        doomed = [run for run in self.runs(number) if regex.fullmatch(run.text.strip())]
        self._remove(number, doomed)
        return [run.text.strip() for run in doomed]

    def delete_pages(self, first: int, last: int) -> None:
        """Delete pages first..last (numbers of the source). Done when saving, so that the
        other edits may keep the source's page numbers."""
        self._deleted.extend(range(first, last + 1))

    def new_page_number(self, number: int) -> int:
        """A source page's number in the saved copy."""
        if number in self._deleted:
            raise ValueError(f"page {number} is deleted")
        return number - sum(1 for deleted in self._deleted if deleted < number)

    def save(self, target: Path) -> Path:
        for number in sorted(self._changed):
            self.page(number).gen_content()
        for page in self._pages.values():
            page.close()
        self._pages.clear()
        for number in sorted(set(self._deleted), reverse=True):
            self.pdf.del_page(number - 1)
        target.parent.mkdir(parents=True, exist_ok=True)
        self.pdf.save(str(target))
        return target

    def close(self) -> None:
        for page in self._pages.values():
            page.close()
        self._pages.clear()
        self.pdf.close()

    # -- internals

    def _font_handle(self):
        if self._font is None:
            data = (self._font_file or cjk_font_file()).read_bytes()
            self._font_data = (ctypes.c_uint8 * len(data)).from_buffer_copy(data)
            # cid=True: a CID font, so that any Chinese character can be written.
            self._font = pdfium_c.FPDFText_LoadFont(
                self.pdf.raw, self._font_data, len(data), pdfium_c.FPDF_FONT_TRUETYPE, True
            )
            if not self._font:
                raise NoCjkFont(f"pdfium cannot load {self._font_file or cjk_font_file()}")
        return self._font

    def _natural_width(self, text: str, size: float) -> float:
        """The width of `text` in the CJK font at `size`, unscaled."""
        obj = pdfium_c.FPDFPageObj_CreateTextObj(self.pdf.raw, self._font_handle(), size)
        try:
            pdfium_c.FPDFText_SetText(obj, _wide(text))
            x0, _, x1, _ = _bounds(obj)
            return x1 - x0
        finally:
            pdfium_c.FPDFPageObj_Destroy(obj)

    def _rewrite(self, number: int, line: Line, text: str) -> Box:
        size = max(run.font_size for run in line.runs)
        old_width = self._natural_width(line.text.rstrip(), size)
        # The printed line's width per unit of the CJK font's width, kept for the new text.
        stretch = (line.x1 - line.x0) / old_width if old_width > 0 else 1.0
        obj = pdfium_c.FPDFPageObj_CreateTextObj(self.pdf.raw, self._font_handle(), size)
        if not pdfium_c.FPDFText_SetText(obj, _wide(text)):
            raise RuntimeError(f"pdfium refused the text {text!r}")
        first = line.runs[0]
        pdfium_c.FPDFPageObj_Transform(obj, stretch, 0, 0, 1, first.origin_x, first.baseline)
        self._remove(number, list(line.runs))
        # Where the first run was in the content stream: readers that follow the stream's
        # order (pdfium's text) see the line where it was printed, not at the page's end.
        at = min(run.index for run in line.runs)
        if not pdfium_c.FPDFPage_InsertObjectAtIndex(self.page(number).raw, obj, at):
            raise RuntimeError(f"page {number}: pdfium could not insert the rewritten line")
        self._changed.add(number)
        return _bounds(obj)

    def _remove(self, number: int, runs: list[Run]) -> None:
        page = self.page(number)
        objects = list(page.get_objects(max_depth=1))
        # Highest index first: removing an object shifts the ones after it.
        for run in sorted(runs, key=lambda r: r.index, reverse=True):
            page.remove_obj(objects[run.index])
        if runs:
            self._changed.add(number)
