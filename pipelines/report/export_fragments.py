"""Each document's share of the exports, kept between writes: its findings as CSV lines,
as JSON records and as rows of the workbook's 问题清单, in an SQLite file beside the
documents' pages (FRAGMENTS_NAME), a row a document.

Work proportional to what changed: a fragment is keyed by its document page's
fingerprint (pipelines.report.documents: the document's latest results and dismissals, its
row and its unit) and by the code that renders it, so only the documents whose page is
rewritten have their findings read from the warehouse and rendered again. The exports are
then the fragments streamed in the documents' order, with the few findings on no document
after them: text copied, not findings read and rendered again. One SQLite file rather than
a file a document: at 10,000 documents, opening 10,000 small files to compare their keys
took seconds; a query takes milliseconds, and a write that stops half-way leaves the
fragments of the last commit (each batch is one transaction).
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from pipelines.code_digest import source_digest
from pipelines.report.data import DOCUMENT_BATCH, Finding, ReportData, read_document_findings
from pipelines.report.excel import EXCEL_SEVERITIES, finding_cells
from pipelines.report.exports import csv_text, finding_records
from pipelines.report.html import document_page_name

FRAGMENTS_NAME = "exports.sqlite"
# Bump when a fragment's content changes in a way the rendering modules' source does not
# show (it is digested too).
FRAGMENT_FORMAT = 1
_RENDERING_MODULES = ("data.py", "excel.py", "exports.py", "xlsx.py", "export_fragments.py")
_SCHEMA = """
create table if not exists fragments (
    document_id text primary key,
    key text not null,      -- the page fingerprint and rendering code it was made for
    csv text not null,      -- CSV lines, no header
    json text not null,     -- one JSON record a line
    workbook text not null  -- 问题清单's rows (errors and items to review), one a line
)
"""


@dataclass(frozen=True)
class Fragment:
    csv: str  # CSV lines, no header
    json: list[str]  # one JSON record a finding
    workbook_rows: list[str]  # 问题清单's rows (errors and items to review), rendered


@dataclass(frozen=True)
class Fragments:
    path: Path
    documents: tuple[str, ...]  # the documents with results, in the documents' order
    rendered: int  # fragments this write made again

    def workbook_rows(self) -> Iterator[str]:
        """Every document's rows of 问题清单, in the documents' order."""
        for (rows,) in self._read("workbook"):
            yield from _lines(rows)

    def exports(self) -> Iterator[Fragment]:
        """Every document's CSV lines and JSON records (no workbook rows), in order."""
        for text, records in self._read("csv, json"):
            yield Fragment(text, _lines(records), [])

    def _read(self, columns: str) -> Iterator[tuple[str, ...]]:
        with closing(sqlite3.connect(self.path)) as db:
            query = f"select {columns} from fragments where document_id = ?"
            for document_id in self.documents:
                yield db.execute(query, (document_id,)).fetchone()


def render_fragment(data: ReportData, findings: list[Finding], workbook: bool = True) -> Fragment:
    """Findings as the exports print them; the workbook's rows (the errors and items to
    review among them) unless `workbook` is False (the dismissed have their own sheet)."""
    records = list(finding_records(data, findings))
    return Fragment(
        csv=csv_text(None, (record.values() for record in records)),
        json=[json.dumps(record, ensure_ascii=False) for record in records],
        workbook_rows=[finding_cells(data, f) for f in findings if f.severity in EXCEL_SEVERITIES]
        if workbook
        else [],
    )


def refresh_fragments(
    wh, data: ReportData, documents_folder: Path, page_fingerprints: dict[str, str]
) -> Fragments:
    """Make the fragments of the documents whose page fingerprint (or the rendering code)
    changed, drop those of documents no longer in the warehouse, and return them all in
    the documents' order. An unreadable store is made again from nothing."""
    path = documents_folder / FRAGMENTS_NAME
    code = _code_digest()
    ordered = [doc.document_id for doc in data.documents if doc.checks_total]
    keys = {
        document_id: _key(code, page_fingerprints.get(document_page_name(document_id), ""))
        for document_id in ordered
    }
    try:
        stored = _stored_keys(path)
    except sqlite3.DatabaseError:  # not an SQLite file, or a damaged one
        path.unlink()
        stored = _stored_keys(path)
    stale = [document_id for document_id, key in keys.items() if stored.get(document_id) != key]
    with closing(sqlite3.connect(path)) as db:
        for start in range(0, len(stale), DOCUMENT_BATCH):
            batch = stale[start : start + DOCUMENT_BATCH]
            rows = []
            for document_id, findings in read_document_findings(wh, data, batch).items():
                # The dismissed ones are the exports' last part (data.dismissed).
                fragment = render_fragment(data, [f for f in findings if f.dismissal is None])
                rows.append(
                    (
                        document_id,
                        keys[document_id],
                        fragment.csv,
                        "\n".join(fragment.json),
                        "\n".join(fragment.workbook_rows),
                    )
                )
            with db:
                db.executemany("insert or replace into fragments values (?, ?, ?, ?, ?)", rows)
        gone = [(document_id,) for document_id in stored if document_id not in keys]
        with db:
            db.executemany("delete from fragments where document_id = ?", gone)
    return Fragments(path, tuple(ordered), len(stale))


def _stored_keys(path: Path) -> dict[str, str]:
    with closing(sqlite3.connect(path)) as db:
        db.execute(_SCHEMA)
        return dict(db.execute("select document_id, key from fragments").fetchall())


def _lines(text: str) -> list[str]:
    return text.split("\n") if text else []


def _key(code: str, page_fingerprint: str) -> str:
    return hashlib.sha256(f"{code}:{page_fingerprint}".encode()).hexdigest()


def _code_digest() -> str:
    here = Path(__file__).parent
    files = [here / name for name in _RENDERING_MODULES]
    return source_digest(files, here, salt=f"fragment-format {FRAGMENT_FORMAT}")
