"""File names and paths as text: the one way a path becomes a string the warehouse, the
Dagster metadata, the document store's JSON and the terminal can all hold.

A Linux file name is bytes. Python keeps bytes that are not UTF-8 as lone surrogates
('bad\\udcff.pdf'), which DuckDB, JSON files and a UTF-8 terminal refuse. Here such a
byte is written as `\\xff`, a control character (a newline in a name) as `\\x0a`, and a
backslash as `\\\\`, so the text is valid, printable and decodes back to the same path
(`path_from_text`). A name of valid UTF-8 without backslashes reads as it always did.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

# Backslashes, C0 controls and DEL, and the surrogates Python uses for undecodable bytes.
_NEEDS_ESCAPE = re.compile("[\\\\\x00-\x1f\x7f\udc80-\udcff]")
_ESCAPE = re.compile(r"\\(\\|x[0-9a-f]{2})")
# Python's surrogateescape maps byte 0xNN (0x80–0xff) to U+DCNN.
_SURROGATE_BASE = 0xDC00


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    if char == "\\":
        return "\\\\"
    code = ord(char)
    return f"\\x{code - _SURROGATE_BASE if code >= _SURROGATE_BASE else code:02x}"


def path_text(path: str | os.PathLike[str]) -> str:
    """The path (or file name) as valid, printable, reversible text."""
    raw = os.fsencode(path).decode("utf-8", errors="surrogateescape")
    return _NEEDS_ESCAPE.sub(_escape, raw)


def path_from_text(text: str) -> Path:
    """The path that `path_text` wrote as `text`."""
    raw = bytearray()
    position = 0
    for match in _ESCAPE.finditer(text):
        raw += text[position : match.start()].encode("utf-8")
        escape = match.group(1)
        raw += b"\\" if escape == "\\" else bytes([int(escape[1:], 16)])
        position = match.end()
    raw += text[position:].encode("utf-8")
    return Path(os.fsdecode(bytes(raw)))
