"""Findings as CSV and JSON, beside the HTML report and the Excel workbook.

One row per finding the report lists (failed checks, and rounding differences), the
dismissed ones included and marked (`dismissed`, `dismissal_reason`): a script or a
spreadsheet filters on them. Field names are quality.check_results' where they are the
same thing; amounts are in 万元, exact as the warehouse holds them; the box is in PDF
points with the origin bottom-left. The CSV is UTF-8 with a byte-order mark, so that
Excel opens the Chinese text as such; the JSON is an object with `findings`.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pipelines.report.data import Finding, ReportData

# A spreadsheet takes a cell that begins with one of these for a formula (=HYPERLINK(…)).
FORMULA_LEADS = ("=", "+", "-", "@", "\t", "\r")


def csv_text(header: list[str], rows: list[tuple] | list[list]) -> str:
    """The rows as CSV: decimals exactly as given, None as an empty cell, and each text
    cell a spreadsheet would run as a formula prefixed with ' (as OWASP advises against CSV
    injection); numbers, negative ones included, are left as they are."""

    def cell(value: object) -> object:
        if isinstance(value, str) and value.startswith(FORMULA_LEADS):
            return "'" + value
        return value

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([cell(name) for name in header])
    writer.writerows([cell(value) for value in row] for row in rows)
    return out.getvalue()


def _fields(data: ReportData) -> list[tuple[str, Callable[[Finding], Any]]]:
    docs = data.documents_by_id

    def unit(f: Finding):
        return data.units.get(f.unit_key or "")

    def doc(f: Finding):
        return docs.get(f.document_id or "")

    def box(i: int) -> Callable[[Finding], Any]:
        return lambda f: None if f.box is None else f.box[i]

    return [
        ("finding_id", lambda f: f.finding_id),
        ("severity", lambda f: f.severity),
        ("dismissed", lambda f: f.dismissal is not None),
        ("dismissal_reason", lambda f: f.dismissal.reason if f.dismissal else None),
        ("unit_name", lambda f: unit(f).name if unit(f) else None),
        ("fiscal_year", lambda f: f.fiscal_year),
        ("file_name", lambda f: doc(f).file_name if doc(f) else None),
        ("document_status", lambda f: doc(f).status if doc(f) else None),
        ("check_name", lambda f: f.check_name),
        ("check_title", lambda f: f.check_title),
        ("source_table", lambda f: f.source_table),
        ("compared_table", lambda f: f.compared_table),
        ("location", lambda f: f.location),
        ("measure", lambda f: f.measure),
        ("expected", lambda f: f.expected),
        ("observed", lambda f: f.observed),
        ("difference", lambda f: f.difference),
        ("tolerance", lambda f: f.tolerance),
        ("source_page", lambda f: f.source_page),
        ("box_x0", box(0)),
        ("box_y0", box(1)),
        ("box_x1", box(2)),
        ("box_y1", box(3)),
        ("message", lambda f: f.message),
        ("document_id", lambda f: f.document_id),
    ]


def finding_records(data: ReportData) -> list[dict[str, Any]]:
    """Every finding of the report, dismissed ones last."""
    fields = _fields(data)
    return [{name: get(f) for name, get in fields} for f in [*data.findings, *data.dismissed]]


def write_findings_csv(data: ReportData, path: Path) -> None:
    records = finding_records(data)
    header = [name for name, _ in _fields(data)]
    rows = [[record[name] for name in header] for record in records]
    path.write_text(csv_text(header, rows), encoding="utf-8-sig")


def write_findings_json(data: ReportData, path: Path) -> None:
    payload = {
        "generated_at": data.generated_at.isoformat(),
        "timezone": "Asia/Shanghai",
        "money_unit": "万元",
        "box_units": "PDF points, origin bottom-left",
        "findings": finding_records(data),
    }
    path.write_text(json.dumps(payload, ensure_ascii=False, indent=1), encoding="utf-8")
