"""One digest of source files, for every "has this code changed?" version in the project:
dbt's code version (a full refresh of the incremental facts), the check catalogue's version
(every document checked again), and the report's page, export and fragment versions."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path


def source_digest(files: Iterable[Path], root: Path, salt: str = "") -> str:
    """sha256 of `salt`, then of each file's path relative to `root` and its bytes, in the
    order given (callers sort globbed files), so that a renamed file changes it too."""
    digest = hashlib.sha256(salt.encode() + b"\0")
    for path in files:
        digest.update(path.relative_to(root).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()
