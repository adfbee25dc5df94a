"""The finance bureau's data-quality report, read from the warehouse (marts.dim_document,
marts.dim_unit, quality.check_results, quality.dismissals, quality.document_coverage, and
for the budget against the final accounts marts.fct_budget_vs_final and
marts.three_public_budget_vs_final):

- quality_report.html, the overview: one self-contained file (counts, coverage by unit ×
  year × kind, 预算执行, findings by check, a paged and searchable list of documents), with
  no finding in it, so that it opens fast at 10,000 documents;
- quality_report_documents/<document>.html, one page a document: its findings with the
  page images they point at (pipelines.report.documents), rewritten only when that
  document's results changed;
- the findings as Excel (the list to act on: errors and items to review, and the budget
  lines with the largest gaps), CSV and JSON (every finding, streamed), and every budget
  line as CSV (streamed from the warehouse).

    from pipelines.report import write_report
    files = write_report(settings.warehouse_path(), settings.reports_dir())
    files.html, files.documents_folder, files.xlsx, files.csv, files.json
"""

from __future__ import annotations

import hashlib
import json
import shutil
import time
from dataclasses import dataclass
from itertools import chain
from pathlib import Path

from pipelines import settings
from pipelines.code_digest import source_digest
from pipelines.report.data import ReportData, loose_findings, open_warehouse, read_report_data
from pipelines.report.documents import write_document_pages
from pipelines.report.excel import (
    BUDGET_CSV_NAME,
    CSV_NAME,
    JSON_NAME,
    THREE_PUBLIC_CSV_NAME,
    write_workbook,
)
from pipelines.report.export_fragments import refresh_fragments, render_fragment
from pipelines.report.exports import (
    write_budget_csv,
    write_findings_files,
    write_three_public_csv,
)
from pipelines.report.files import replace_atomically
from pipelines.report.html import DOCUMENTS_FOLDER, render_html
from pipelines.report.pages import PAGES_FOLDER

HTML_NAME = "quality_report.html"
XLSX_NAME = "quality_findings.xlsx"

__all__ = [
    "CSV_NAME",
    "DOCUMENTS_FOLDER",
    "HTML_NAME",
    "JSON_NAME",
    "XLSX_NAME",
    "ReportFiles",
    "read_report_data",
    "write_report",
]


@dataclass(frozen=True)
class ReportFiles:
    html: Path
    xlsx: Path
    documents: int = 0
    errors: int = 0
    roundings: int = 0
    csv: Path | None = None
    json: Path | None = None
    dismissed: int = 0
    page_images: int = 0  # page images rendered by this write (changed documents only)
    documents_folder: Path | None = None
    document_pages: int = 0  # pages the folder holds
    pages_rendered: tuple[str, ...] = ()  # document_ids whose page this write rewrote
    pages_removed: int = 0  # pages of documents no longer in the warehouse, deleted
    findings: int = 0  # every finding (CSV and JSON rows)
    pages_embedded: bool = True  # page images inside the documents' pages, always
    seconds: dict[str, float] | None = None  # the write's time by phase
    exports_written: bool = True  # False: nothing they hold changed, the files were kept
    excel_findings: int = 0  # rows of the Excel 问题清单
    fragments_rendered: int = 0  # documents whose share of the exports was rendered again


def write_report(
    warehouse_path: Path,
    out_dir: Path,
    data_docs_index: Path | None = None,
    sources_dir: Path | None = None,
) -> ReportFiles:
    """Write the overview, the documents' pages and the Excel, CSV and JSON exports into
    `out_dir`; return their paths and counts.

    The warehouse is opened read-only for the duration of the call only. `data_docs_index`
    is the Great Expectations Data Docs index.html, linked from the report by a relative
    path when given. The findings' pages are rendered from the documents' files in
    `sources_dir` (default: settings.sources_dir(), the inbox).
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    warehouse_path = Path(warehouse_path)
    if not warehouse_path.is_file():
        raise FileNotFoundError(f"数据仓库不存在：{warehouse_path}")
    inbox = Path(sources_dir) if sources_dir is not None else settings.sources_dir()
    html_path = out_dir / HTML_NAME
    xlsx_path, csv_path, json_path = out_dir / XLSX_NAME, out_dir / CSV_NAME, out_dir / JSON_NAME
    seconds: dict[str, float] = {}
    clock = time.perf_counter()

    def lap(phase: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        seconds[phase] = round(now - clock, 3)
        clock = now

    with open_warehouse(warehouse_path) as wh:
        data: ReportData = read_report_data(warehouse_path, wh)
        lap("overview_read")
        pages = write_document_pages(wh, data, out_dir, inbox, HTML_NAME)
        lap("document_pages")
        # Page images of a report before the documents' pages (now inside them).
        shutil.rmtree(out_dir / PAGES_FOLDER, ignore_errors=True)
        page = render_html(data, out_dir, XLSX_NAME, data_docs_index, pages.missing_files)
        replace_atomically(html_path, write=lambda p: p.write_text(page, encoding="utf-8"))
        lap("overview_write")
        digest = _exports_digest(wh, data, pages.fingerprints)
        digest_path = pages.folder / EXPORTS_DIGEST_NAME
        budget_csvs = (out_dir / BUDGET_CSV_NAME, out_dir / THREE_PUBLIC_CSV_NAME)
        export_files = (xlsx_path, csv_path, json_path, *budget_csvs)
        if _unchanged(digest_path, digest, export_files):
            # Nothing the exports hold changed since they were written: kept as they are.
            return _files(data, pages, html_path, xlsx_path, csv_path, json_path, seconds, None)
        digest_path.unlink(missing_ok=True)
        counts: dict[str, int] = {}

        fragments = refresh_fragments(wh, data, pages.folder, pages.fingerprints)
        loose = render_fragment(data, loose_findings(wh, data))
        counts["fragments"] = fragments.rendered
        lap("fragments")

        def workbook(path: Path) -> None:
            # The dismissed findings have their own sheet; rounding and info are left out.
            rows = chain(fragments.workbook_rows(), loose.workbook_rows)
            counts["excel"] = write_workbook(data, rows, path)

        replace_atomically(xlsx_path, write=workbook)
        lap("excel")

        def exports(csv_tmp: Path, json_tmp: Path) -> None:
            dismissed = render_fragment(data, data.dismissed, workbook=False)
            everything = chain(fragments.exports(), [loose, dismissed])
            counts["findings"] = write_findings_files(data, everything, csv_tmp, json_tmp)

        replace_atomically(csv_path, json_path, write=exports)
        lap("csv_json")
        # The budget lines' CSVs hold no finding: a re-check or a dismissal keeps them.
        budget_digest = _digest(wh, _BUDGET_CODE, _BUDGET_TABLES)
        budget_digest_path = pages.folder / BUDGET_DIGEST_NAME
        if not _unchanged(budget_digest_path, budget_digest, budget_csvs):
            budget_digest_path.unlink(missing_ok=True)
            replace_atomically(budget_csvs[0], write=lambda p: write_budget_csv(wh, data, p))
            replace_atomically(budget_csvs[1], write=lambda p: write_three_public_csv(wh, data, p))
            budget_digest_path.write_text(budget_digest, encoding="utf-8")
        lap("budget_csv")
        digest_path.write_text(digest, encoding="utf-8")
    return _files(
        data, pages, html_path, xlsx_path, csv_path, json_path, seconds,
        (counts["findings"], counts["excel"], counts["fragments"]),
    )  # fmt: skip


# The exports' digests, beside the pages' manifest: the next write skips the exports when
# nothing they hold changed (a re-run with nothing new costs the overview only), and the
# budget lines' CSVs when the budget marts did not change.
EXPORTS_DIGEST_NAME = "exports.digest"
BUDGET_DIGEST_NAME = "budget_exports.digest"
_EXPORTS_CODE = ("excel.py", "exports.py", "data.py", "xlsx.py", "export_fragments.py")
_BUDGET_CODE = ("excel.py", "exports.py", "data.py")
_BUDGET_TABLES = (
    "marts.dim_unit",
    "marts.dim_function_subject",
    "marts.fct_budget_vs_final",
    "marts.three_public_budget_vs_final",
)
# The tables the exports read besides the documents and their results.
_EXPORT_TABLES = (*_BUDGET_TABLES, "quality.document_coverage")


def _exports_digest(wh, data: ReportData, page_fingerprints: dict[str, str]) -> str:
    """What the Excel, CSV and JSON files hold, digested: every page's fingerprint (a
    document's results, dismissals and row), every document's row, the other tables the
    exports read and the code that writes them."""
    rows = [
        (d.document_id, d.file_name, d.status, d.status_reason, d.unit_key, d.fiscal_year, d.kind)
        for d in data.documents
    ]
    documents = json.dumps(
        [sorted(page_fingerprints.items()), rows], ensure_ascii=False, default=str
    )
    return _digest(wh, _EXPORTS_CODE, _EXPORT_TABLES, documents)


def _digest(wh, modules: tuple[str, ...], tables: tuple[str, ...], extra: str = "") -> str:
    """The modules' source, the tables' rows (summed row hashes, in the warehouse) and
    `extra`, digested."""
    here = Path(__file__).parent
    digest = hashlib.sha256(source_digest([here / name for name in modules], here).encode())
    digest.update(extra.encode())
    for table in tables:
        if wh.has(table):
            count, total = wh.con.execute(
                f"select count(*), sum(hash(t::varchar))::varchar from {table} as t"
            ).fetchone()
            digest.update(f"{table}:{count}:{total}".encode())
    return digest.hexdigest()


def _unchanged(digest_path: Path, digest: str, exports: tuple[Path, ...]) -> bool:
    try:
        previous = digest_path.read_text(encoding="utf-8")
    except OSError:
        return False
    return previous == digest and all(path.is_file() for path in exports)


def _files(data, pages, html_path, xlsx_path, csv_path, json_path, seconds, written):
    """The write's ReportFiles; `written`: (findings, Excel rows, fragments rendered) when
    the exports were written, None when they were kept."""
    current = data.current_documents()
    findings, excel_findings, fragments = written if written is not None else (0, 0, 0)
    return ReportFiles(
        html=html_path,
        xlsx=xlsx_path,
        documents=len(data.documents),
        errors=sum(d.errors for d in current),
        roundings=sum(d.roundings for d in current),
        csv=csv_path,
        json=json_path,
        dismissed=len(data.dismissed),
        page_images=pages.page_images,
        documents_folder=pages.folder,
        document_pages=pages.pages,
        pages_rendered=pages.rendered,
        pages_removed=pages.removed,
        findings=findings,
        excel_findings=excel_findings,
        fragments_rendered=fragments,
        exports_written=written is not None,
        seconds=seconds,
    )
