"""A streaming .xlsx writer for the report's workbook: rows are rendered straight to the
sheets' XML inside the zip, a few string operations a cell.

Why not openpyxl: its write-only mode builds an object per styled cell and wrote about
1,200 findings a second, so the workbook was most of the time one changed document cost
in a large warehouse. Here a row is rendered once (`row_cells`) into text that does not
depend on where it lands in the sheet (cells carry no reference; the row number is added
when the sheet is written), so rows can be kept from an earlier write and streamed again
(pipelines.report.export_fragments).

What the workbook uses is all there is: text as inline strings (never a formula, however
it begins), numbers, booleans, date-times as Excel serial numbers, a few cell styles (the
header, number formats, a severity's colours), column widths, a frozen header row and an
autofilter. The files are those of ECMA-376 part 1 (SpreadsheetML), as Excel, WPS,
LibreOffice and openpyxl read them.
"""

from __future__ import annotations

import math
import re
import zipfile
from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import IO

from openpyxl.utils import get_column_letter

from pipelines.report.data import SEVERITY_TITLES

# (header, width, kind); kind: 'text', 'int', 'amount', 'datetime', 'percent', or
# 'severity' (text in its severity's colours).
Column = tuple[str, int, str]

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PACKAGE_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'

# Cell styles (indexes into styles.xml's cellXfs, in STYLES_XML's order).
HEADER_STYLE = 1
_KIND_STYLES = {"amount": 2, "datetime": 3, "percent": 4}
# A 'severity' column's cell, by the severity's title (notes: not highlighted).
SEVERITY_STYLES = {
    SEVERITY_TITLES[key]: 5 + i for i, key in enumerate(("error", "review", "rounding"))
}

STYLES_XML = (
    _XML_HEAD + f'<styleSheet xmlns="{_MAIN}">'
    '<numFmts count="2"><numFmt numFmtId="164" formatCode="#,##0.00####"/>'
    '<numFmt numFmtId="165" formatCode="yyyy-mm-dd hh:mm:ss"/></numFmts>'
    '<fonts count="5">'
    '<font><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
    '<font><b/><sz val="11"/><color rgb="FFFFFFFF"/><name val="Calibri"/><family val="2"/></font>'
    '<font><b/><sz val="11"/><color rgb="FFB42318"/><name val="Calibri"/><family val="2"/></font>'
    '<font><b/><sz val="11"/><color rgb="FF5B3EA8"/><name val="Calibri"/><family val="2"/></font>'
    '<font><sz val="11"/><color rgb="FF93370D"/><name val="Calibri"/><family val="2"/></font>'
    "</fonts>"
    '<fills count="6"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill>'
    + "".join(
        f'<fill><patternFill patternType="solid"><fgColor rgb="FF{rgb}"/>'
        f'<bgColor rgb="FF{rgb}"/></patternFill></fill>'
        for rgb in ("1F3A5F", "FDE8E7", "F4F0FD", "FFF6E0")
    )
    + "</fills>"
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="8">'
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="2" borderId="0" xfId="0" applyFont="1" applyFill="1"'
    ' applyAlignment="1"><alignment vertical="center" wrapText="1"/></xf>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="10" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="0" fontId="2" fillId="3" borderId="0" xfId="0" applyFont="1" applyFill="1"/>'
    '<xf numFmtId="0" fontId="3" fillId="4" borderId="0" xfId="0" applyFont="1" applyFill="1"/>'
    '<xf numFmtId="0" fontId="4" fillId="5" borderId="0" xfId="0" applyFont="1" applyFill="1"/>'
    "</cellXfs>"
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)

# Characters XML 1.0 cannot hold (a document's text may carry them); dropped.
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
# Line breaks and tabs as character references: a rendered row stays on one line (the
# fragments keep one row a line), and a reader does not normalise \r away.
_ESCAPES = str.maketrans(
    {"&": "&amp;", "<": "&lt;", ">": "&gt;", "\n": "&#10;", "\r": "&#13;", "\t": "&#9;"}
)
_EXCEL_EPOCH = datetime(1899, 12, 30)


def _text(value: str) -> str:
    return _ILLEGAL.sub("", value).translate(_ESCAPES)


def _serial(value: date) -> str:
    """Excel's serial day number (1900 date system, as Excel counts from 1900-03-01)."""
    moment = value if isinstance(value, datetime) else datetime(value.year, value.month, value.day)
    return repr((moment.replace(tzinfo=None) - _EXCEL_EPOCH).total_seconds() / 86400)


def _number(value: int | float | Decimal) -> str | None:
    """The number as the file holds it (every digit); None for NaN and infinities."""
    if isinstance(value, Decimal):
        return format(value, "f") if value.is_finite() else None
    if isinstance(value, float):
        return repr(value) if math.isfinite(value) else None
    return str(value)


def cell(value: object, kind: str = "text", style: int = 0) -> str:
    """One cell's XML, without a reference (its place is its order in the row)."""
    if value is None:
        return "<c/>"
    if isinstance(value, bool):
        return f'<c t="b"><v>{int(value)}</v></c>'
    if isinstance(value, str):
        s = f' s="{style}"' if style else ""
        return f'<c t="inlineStr"{s}><is><t xml:space="preserve">{_text(value)}</t></is></c>'
    if isinstance(value, date):
        return f'<c s="{_KIND_STYLES["datetime"]}"><v>{_serial(value)}</v></c>'
    if isinstance(value, int | float | Decimal):
        number = _number(value)
        if number is None:
            return "<c/>"
        style = _KIND_STYLES.get(kind, style)
        return f'<c s="{style}"><v>{number}</v></c>' if style else f"<c><v>{number}</v></c>"
    return cell(str(value), kind, style)


def row_cells(columns: list[Column], values: list) -> str:
    """A row's cells as one line of XML: numbers in their column's format, a severity in
    its colours. A row may be shorter than the columns (a sentence under the header)."""
    if len(values) > len(columns):
        raise ValueError(f"a row of {len(values)} values under {len(columns)} columns")
    parts = []
    for (_, _, kind), value in zip(columns, values, strict=False):
        style = SEVERITY_STYLES.get(value, 0) if kind == "severity" else 0
        parts.append(cell(value, kind, style))
    return "".join(parts)


def header_cells(columns: list[Column]) -> str:
    return "".join(cell(name, style=HEADER_STYLE) for name, _, _ in columns)


class WorkbookWriter:
    """Sheets written one after the other into the .xlsx at `path`, each streamed:

    with WorkbookWriter(path, title="…", creator="Juesuan") as book:
        book.sheet("问题清单", columns, (row_cells(columns, row) for row in rows))
    """

    def __init__(self, path: Path, *, title: str, creator: str) -> None:
        self._zip = zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6)
        self._title, self._creator = title, creator
        self._sheets: list[tuple[str, str | None]] = []  # (name, autofilter range)

    def __enter__(self) -> WorkbookWriter:
        return self

    def __exit__(self, kind, error, trace) -> None:
        try:
            if kind is None:
                self._finish()
        finally:
            self._zip.close()

    def sheet(
        self,
        name: str,
        columns: list[Column],
        rows: Iterable[str],
        *,
        header: bool = True,
    ) -> int:
        """A sheet of `columns` (widths) holding `rows` (each row_cells' text), under a
        frozen, filterable header row unless `header` is False; return how many rows."""
        index = len(self._sheets) + 1
        count = 0
        with self._zip.open(f"xl/worksheets/sheet{index}.xml", "w", force_zip64=True) as raw:
            out = _TextSink(raw)
            out.write(f'{_XML_HEAD}<worksheet xmlns="{_MAIN}" xmlns:r="{_REL}">')
            if header:
                out.write(
                    '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" '
                    'topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
                    '<selection pane="bottomLeft" activeCell="A2" sqref="A2"/>'
                    "</sheetView></sheetViews>"
                )
            out.write('<sheetFormatPr defaultRowHeight="15"/><cols>')
            for number, (_, width, _) in enumerate(columns, start=1):
                out.write(f'<col min="{number}" max="{number}" width="{width}" customWidth="1"/>')
            out.write("</cols><sheetData>")
            line = 1
            if header:
                out.write(f'<row r="1">{header_cells(columns)}</row>')
                line = 2
            for cells in rows:
                out.write(f'<row r="{line}">{cells}</row>')
                line += 1
                count += 1
            out.write("</sheetData>")
            span = None
            if header and count:
                span = f"A1:{get_column_letter(len(columns))}{count + 1}"
                out.write(f'<autoFilter ref="{span}"/>')
            out.write("</worksheet>")
            out.flush()
        self._sheets.append((name, span))
        return count

    def _finish(self) -> None:
        sheets = range(1, len(self._sheets) + 1)
        self._zip.writestr(
            "[Content_Types].xml",
            _XML_HEAD
            + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" '
            'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            + "".join(
                f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/'
                'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
                for i in sheets
            )
            + '<Override PartName="/xl/styles.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
            '<Override PartName="/docProps/core.xml" '
            'ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
            '<Override PartName="/docProps/app.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.extended-properties+xml"/>'
            "</Types>",
        )
        self._zip.writestr(
            "_rels/.rels",
            _XML_HEAD + f'<Relationships xmlns="{_PACKAGE_REL}">'
            f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/>'
            '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/'
            'relationships/metadata/core-properties" Target="docProps/core.xml"/>'
            f'<Relationship Id="rId3" Type="{_REL}/extended-properties" '
            'Target="docProps/app.xml"/></Relationships>',
        )
        self._zip.writestr(
            "docProps/app.xml",
            _XML_HEAD + '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/'
            '2006/extended-properties"><Application>Juesuan</Application></Properties>',
        )
        self._zip.writestr(
            "docProps/core.xml",
            _XML_HEAD + '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/'
            'package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/"'
            f"><dc:title>{_text(self._title)}</dc:title>"
            f"<dc:creator>{_text(self._creator)}</dc:creator></cp:coreProperties>",
        )
        self._zip.writestr(
            "xl/_rels/workbook.xml.rels",
            _XML_HEAD
            + f'<Relationships xmlns="{_PACKAGE_REL}">'
            + "".join(
                f'<Relationship Id="rId{i}" Type="{_REL}/worksheet" '
                f'Target="worksheets/sheet{i}.xml"/>'
                for i in sheets
            )
            + f'<Relationship Id="rId{len(sheets) + 1}" Type="{_REL}/styles" '
            'Target="styles.xml"/></Relationships>',
        )
        filters = "".join(
            f'<definedName name="_xlnm._FilterDatabase" localSheetId="{i}" hidden="1">'
            f"'{_text(name)}'!{_absolute(span)}</definedName>"
            for i, (name, span) in enumerate(self._sheets)
            if span
        )
        self._zip.writestr(
            "xl/workbook.xml",
            _XML_HEAD
            + f'<workbook xmlns="{_MAIN}" xmlns:r="{_REL}"><sheets>'
            + "".join(
                f'<sheet name="{_text(name)}" sheetId="{i}" r:id="rId{i}"/>'
                for i, (name, _) in enumerate(self._sheets, start=1)
            )
            + "</sheets>"
            + (f"<definedNames>{filters}</definedNames>" if filters else "")
            + "</workbook>",
        )
        self._zip.writestr("xl/styles.xml", STYLES_XML)


def _absolute(span: str) -> str:
    """A1:U10 → $A$1:$U$10."""
    return ":".join(re.sub(r"([A-Z]+)(\d+)", r"$\1$\2", part) for part in span.split(":"))


class _TextSink:
    """Text buffered into large UTF-8 writes to the zip member (a write per row would
    cost a deflate call each)."""

    def __init__(self, raw: IO[bytes], size: int = 1 << 20) -> None:
        self._raw, self._size = raw, size
        self._parts: list[str] = []
        self._length = 0

    def write(self, text: str) -> None:
        self._parts.append(text)
        self._length += len(text)
        if self._length >= self._size:
            self.flush()

    def flush(self) -> None:
        if self._parts:
            self._raw.write("".join(self._parts).encode("utf-8"))
            self._parts.clear()
            self._length = 0
