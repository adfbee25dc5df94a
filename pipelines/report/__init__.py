"""The finance bureau's data-quality report: one self-contained HTML file and an Excel
export of the findings, read from the warehouse (marts.dim_document, marts.dim_unit,
quality.check_results, quality.document_coverage).

    from pipelines.report import write_report
    files = write_report(settings.warehouse_path(), settings.reports_dir())
    files.html, files.xlsx
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from pipelines.report.data import ReportData, read_report_data
from pipelines.report.excel import write_workbook
from pipelines.report.html import render_html

HTML_NAME = "quality_report.html"
XLSX_NAME = "quality_findings.xlsx"

__all__ = ["HTML_NAME", "XLSX_NAME", "ReportFiles", "read_report_data", "write_report"]


@dataclass(frozen=True)
class ReportFiles:
    html: Path
    xlsx: Path
    documents: int = 0
    errors: int = 0
    roundings: int = 0


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


def write_report(
    warehouse_path: Path, out_dir: Path, data_docs_index: Path | None = None
) -> ReportFiles:
    """Write the HTML report and the Excel export into `out_dir`; return their paths.

    The warehouse is opened read-only for the duration of the call only. `data_docs_index`
    is the Great Expectations Data Docs index.html, linked from the report by a relative
    path when given.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    data: ReportData = read_report_data(Path(warehouse_path))
    html_path = out_dir / HTML_NAME
    xlsx_path = out_dir / XLSX_NAME
    page = render_html(data, out_dir, XLSX_NAME, data_docs_index)
    _replace_atomically(html_path, lambda p: p.write_text(page, encoding="utf-8"))
    _replace_atomically(xlsx_path, lambda p: write_workbook(data, p))
    current = data.current_findings()
    return ReportFiles(
        html=html_path,
        xlsx=xlsx_path,
        documents=len(data.documents),
        errors=sum(f.severity == "error" for f in current),
        roundings=sum(f.severity == "rounding" for f in current),
    )
