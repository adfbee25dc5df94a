"""Hostile PDFs, written at test time (kilobytes each, never kept in the repository).

Each builder writes the file it names and returns its path. The PDFs are assembled by
hand, object by object, because no PDF library writes a malformed file on purpose; the
cross-reference data is computed from the real byte offsets unless a builder breaks it.
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from pathlib import Path

import pypdfium2 as pdfium

CATALOG = b"<< /Type /Catalog /Pages 2 0 R >>"
# One page drawing a line of text in a standard font: enough for pdfium to read.
TEXT_PAGE = (
    b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
    b"/Resources << /Font << /F1 5 0 R >> >> >>"
)
HELVETICA = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"
# A tiny stroked line: a path object per 14 bytes of content, about 18 bytes of memory
# in pdfium for each byte inflated.
DRAWN_LINE = b"0 0 m 1 1 l S\n"


def _stream(data: bytes, compress: bool = False, extra: bytes = b"") -> bytes:
    if compress:
        data = zlib.compress(data, 9)
        extra += b" /Filter /FlateDecode"
    return b"<< /Length %d%s >>\nstream\n%s\nendstream" % (len(data), extra, data)


def assemble(objects: Sequence[bytes], root: int = 1) -> bytes:
    """A PDF of `objects` (object n is objects[n - 1]) with a correct xref table."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    start = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root %d 0 R >>\n" % (len(objects) + 1, root)
    out += b"startxref\n%d\n%%%%EOF\n" % start
    return bytes(out)


def assemble_packed(objects: Sequence[bytes], packed: set[int]) -> bytes:
    """Like `assemble`, with the objects numbered in `packed` compressed together in an
    object stream, and a cross-reference stream (PDF 1.5) in place of the table."""
    plain = [n for n in range(1, len(objects) + 1) if n not in packed]
    inside = sorted(packed)
    stream_number, xref_number = len(objects) + 1, len(objects) + 2
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets: dict[int, int] = {}
    for number in plain:
        offsets[number] = len(out)
        out += b"%d 0 obj\n%s\nendobj\n" % (number, objects[number - 1])
    bodies, header, position = b"", b"", 0
    for number in inside:
        header += b"%d %d " % (number, position)
        bodies += objects[number - 1] + b"\n"
        position = len(bodies)
    extra = b" /Type /ObjStm /N %d /First %d" % (len(inside), len(header))
    offsets[stream_number] = len(out)
    out += b"%d 0 obj\n%s\nendobj\n" % (stream_number, _stream(header + bodies, True, extra))
    # Entries: type 1 (offset), type 2 (object stream, index within it), type 0 (free).
    rows = [bytes([0]) + (0).to_bytes(4, "big") + (65535).to_bytes(2, "big")]
    for number in range(1, xref_number + 1):
        if number in packed:
            index = inside.index(number)
            rows.append(bytes([2]) + stream_number.to_bytes(4, "big") + index.to_bytes(2, "big"))
        else:
            offset = offsets.get(number, len(out))  # the xref stream's own offset: here
            rows.append(bytes([1]) + offset.to_bytes(4, "big") + (0).to_bytes(2, "big"))
    start = len(out)
    extra = b" /Type /XRef /Size %d /W [1 4 2] /Root 1 0 R" % (xref_number + 1)
    out += b"%d 0 obj\n%s\nendobj\n" % (xref_number, _stream(b"".join(rows), True, extra))
    out += b"startxref\n%d\n%%%%EOF\n" % start
    return bytes(out)


def page_tree_bomb(path: Path, repeats: int = 1_000_000) -> Path:
    """A /Pages node whose /Kids name one page object `repeats` times (/Count to match):
    about 12 KB on disk, the /Kids packed in an object stream; a million pages once read."""
    kids = b"[" + b"3 0 R " * repeats + b"]"
    objects = [
        CATALOG,
        b"<< /Type /Pages /Kids %s /Count %d >>" % (kids, repeats),
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
    ]
    path.write_bytes(assemble_packed(objects, packed={2}))
    return path


def inflate_bomb(path: Path, inflated_mb: int = 700, unit: bytes = bytes(1 << 10)) -> Path:
    """One page whose content stream inflates from well under 1 MB to `inflated_mb` MB
    of `unit` repeated: zeros by default (700 MB from 0.7 MB, the issue's bomb), or
    drawing operators, each of which pdfium turns into an object of its own."""
    deflate = zlib.compressobj(9)
    megabyte = unit * max(1, (1 << 20) // len(unit))
    compressed = b"".join(deflate.compress(megabyte) for _ in range(inflated_mb))
    compressed += deflate.flush()
    objects = [
        CATALOG,
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n%s\nendstream"
        % (len(compressed), compressed),
    ]
    path.write_bytes(assemble(objects))
    return path


def page_tree_loop(path: Path) -> Path:
    """A /Pages node listing itself among its kids, and declaring more pages than the
    one it really holds."""
    objects = [
        CATALOG,
        b"<< /Type /Pages /Kids [2 0 R 3 0 R] /Count 5 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
    ]
    path.write_bytes(assemble(objects))
    return path


def broken_xref(source: Path, path: Path) -> Path:
    """`source` with every cross-reference offset wrong and startxref past the end of the
    file: a reader must rebuild the table by scanning the objects."""
    data = source.read_bytes()
    head, found, _ = data.rpartition(b"startxref")
    assert found, f"{source} has no startxref"
    lines = head.split(b"\n")
    shifted = [
        b"%010d 00000 n " % (int(line[:10]) + 7) if line.endswith(b" 00000 n ") else line
        for line in lines
    ]
    path.write_bytes(b"\n".join(shifted) + b"startxref\n%d\n%%%%EOF\n" % (len(data) * 10))
    return path


def missing_root(path: Path) -> Path:
    """A trailer whose /Root names an object that does not exist."""
    objects = [
        b"<< /Type /Pages /Kids [2 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 1 0 R /MediaBox [0 0 595 842] >>",
    ]
    path.write_bytes(assemble(objects, root=9))
    return path


def no_page_tree(path: Path) -> Path:
    """A catalogue without /Pages."""
    path.write_bytes(assemble([b"<< /Type /Catalog >>"]))
    return path


def garbage_after_header(path: Path, size: int = 4096) -> Path:
    """The %PDF header, then nothing a PDF reader can parse."""
    path.write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * (size // 256))
    return path


def text_page(path: Path, text: bytes = b"Hello") -> Path:
    """A valid one-page PDF printing `text`: what the broken builders start from."""
    content = b"BT /F1 24 Tf 72 720 Td (%s) Tj ET" % text
    objects = [
        CATALOG,
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        TEXT_PAGE,
        _stream(content),
        HELVETICA,
    ]
    path.write_bytes(assemble(objects))
    return path


def concatenate(parts: Sequence[Path], path: Path) -> Path:
    """One PDF holding the pages of `parts` in order, as a merged download would."""
    merged = pdfium.PdfDocument.new()
    try:
        for part in parts:
            source = pdfium.PdfDocument(str(part))
            try:
                merged.import_pages(source)
            finally:
                source.close()
        merged.save(str(path))
    finally:
        merged.close()
    return path
