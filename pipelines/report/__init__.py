"""The finance bureau's data-quality report: one self-contained HTML file (each finding
with its page image, pipelines.report.pages), and the findings exported as Excel, CSV and
JSON, read from the warehouse (marts.dim_document, marts.dim_unit, quality.check_results,
quality.dismissals, quality.document_coverage); with each unit's budget against its final
accounts (marts.fct_budget_vs_final, marts.three_public_budget_vs_final) in the HTML and
the Excel workbook.

    from pipelines.report import write_report
    files = write_report(settings.warehouse_path(), settings.reports_dir())
    files.html, files.xlsx, files.csv, files.json
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from pipelines import settings
from pipelines.report.data import ReportData, read_report_data
from pipelines.report.excel import write_workbook
from pipelines.report.exports import write_findings_csv, write_findings_json
from pipelines.report.html import render_html
from pipelines.report.pages import RenderedPages, find_file, render_pages

HTML_NAME = "quality_report.html"
XLSX_NAME = "quality_findings.xlsx"
CSV_NAME = "quality_findings.csv"
JSON_NAME = "quality_findings.json"

__all__ = [
    "CSV_NAME",
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
    page_images: int = 0  # pages rendered for the findings
    pages_embedded: bool = True  # in the HTML, or beside it (pages.PAGES_FOLDER)


def _replace_atomically(path: Path, write) -> None:
    """Write through a temporary file in the same folder, so that a reader (a browser
    open on the previous report) never sees half a file."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    os.close(fd)
    try:
        write(Path(tmp))
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def finding_pages(data: ReportData, inbox: Path, out_dir: Path) -> RenderedPages:
    """The page images of the findings of current (not superseded) documents, dismissed
    ones included, rendered from the documents' files in `inbox`."""
    docs = data.documents_by_id
    wanted: dict[str, set[int]] = {}
    for finding in [*data.current_findings(), *data.dismissed]:
        doc = docs.get(finding.document_id or "")
        if doc is not None and doc.status != "superseded" and finding.source_page:
            wanted.setdefault(doc.document_id, set()).add(finding.source_page)
    files = {
        document_id: find_file(inbox, docs[document_id].source_path, document_id)
        for document_id in wanted
    }
    return render_pages(wanted, files, out_dir)


def write_report(
    warehouse_path: Path,
    out_dir: Path,
    data_docs_index: Path | None = None,
    sources_dir: Path | None = None,
) -> ReportFiles:
    """Write the HTML report and the Excel, CSV and JSON exports into `out_dir`; return
    their paths.

    The warehouse is opened read-only for the duration of the call only. `data_docs_index`
    is the Great Expectations Data Docs index.html, linked from the report by a relative
    path when given. The findings' pages are rendered from the documents' files in
    `sources_dir` (default: settings.sources_dir(), the inbox).
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    data: ReportData = read_report_data(Path(warehouse_path))
    inbox = Path(sources_dir) if sources_dir is not None else settings.sources_dir()
    pages = finding_pages(data, inbox, out_dir)
    html_path = out_dir / HTML_NAME
    xlsx_path, csv_path, json_path = out_dir / XLSX_NAME, out_dir / CSV_NAME, out_dir / JSON_NAME
    page = render_html(data, out_dir, XLSX_NAME, data_docs_index, pages)
    _replace_atomically(html_path, lambda p: p.write_text(page, encoding="utf-8"))
    _replace_atomically(xlsx_path, lambda p: write_workbook(data, p))
    _replace_atomically(csv_path, lambda p: write_findings_csv(data, p))
    _replace_atomically(json_path, lambda p: write_findings_json(data, p))
    current = data.current_findings()
    return ReportFiles(
        html=html_path,
        xlsx=xlsx_path,
        documents=len(data.documents),
        errors=sum(f.severity == "error" for f in current),
        roundings=sum(f.severity == "rounding" for f in current),
        csv=csv_path,
        json=json_path,
        dismissed=len(data.dismissed),
        page_images=len(pages.images),
        pages_embedded=pages.embedded,
    )
