"""Writing the report's files so that a reader never sees half of one."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def replace_atomically(*paths: Path, write) -> None:
    """Write through temporary files in the same folder (`write` gets them in order), so
    that a reader (a browser open on the previous report) never sees half a file."""
    temporary: list[Path] = []
    try:
        for path in paths:
            fd, name = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
            os.close(fd)
            temporary.append(Path(name))
        write(*temporary)
        for written, path in zip(temporary, paths, strict=True):
            os.chmod(written, 0o644)
            os.replace(written, path)
    except BaseException:
        for written in temporary:
            written.unlink(missing_ok=True)
        raise


def write_text_if_changed(path: Path, text: str) -> None:
    """Replace a text file atomically, leaving it untouched (its time too) when it
    already holds `text`: a page of a document that did not change is not rewritten."""
    if path.is_file() and path.read_text(encoding="utf-8") == text:
        return
    replace_atomically(path, write=lambda written: written.write_text(text, encoding="utf-8"))
