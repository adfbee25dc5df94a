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
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pipelines.report.data import (
    Finding,
    ReportData,
    iter_budget_lines,
    iter_three_public_lines,
)
from pipelines.report.excel import (
    BUDGET_COLUMNS,
    THREE_PUBLIC_COLUMNS,
    budget_line_row,
    three_public_row,
)

if TYPE_CHECKING:
    from pipelines.report.export_fragments import Fragment

# A spreadsheet takes a cell that begins with one of these for a formula (=HYPERLINK(…)).
FORMULA_LEADS = ("=", "+", "-", "@", "\t", "\r")


def csv_text(header: list[str] | None, rows: Iterable[Iterable]) -> str:
    """The rows as CSV, after the header unless it is None: decimals exactly as given, None
    as an empty cell, and each text cell a spreadsheet would run as a formula prefixed
    with ' (as OWASP advises against CSV injection); numbers, negative ones included, are
    left as they are."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    if header is not None:
        writer.writerow([_csv_cell(name) for name in header])
    writer.writerows([_csv_cell(value) for value in row] for row in rows)
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


def finding_records(data: ReportData, findings: Iterable[Finding]) -> Iterator[dict[str, Any]]:
    """The findings as records (the report's fields), one at a time."""
    fields = _fields(data)
    for f in findings:
        yield {name: get(f) for name, get in fields}


def _csv_cell(value: object) -> object:
    if isinstance(value, str) and value.startswith(FORMULA_LEADS):
        return "'" + value
    return value


def findings_header(data: ReportData) -> list[str]:
    return [name for name, _ in _fields(data)]


def write_findings_files(
    data: ReportData, parts: Iterable[Fragment], csv_path: Path, json_path: Path
) -> int:
    """Stream the findings' rendered parts (pipelines.report.export_fragments: each
    document's, in order, then those on no document and the dismissed) into the CSV and
    the JSON file in one pass; return how many findings were written."""
    head = {
        "generated_at": data.generated_at.isoformat(),
        "timezone": "Asia/Shanghai",
        "money_unit": "万元",
        "box_units": "PDF points, origin bottom-left",
    }
    count = 0
    with (
        csv_path.open("w", encoding="utf-8-sig", newline="") as csv_out,
        json_path.open("w", encoding="utf-8") as json_out,
    ):
        csv_out.write(csv_text(findings_header(data), []))
        json_out.write(json.dumps(head, ensure_ascii=False, indent=1)[:-2] + ',\n "findings": [')
        for part in parts:
            csv_out.write(part.csv)
            for record in part.json:
                json_out.write(",\n  " if count else "\n  ")
                json_out.write(record)
                count += 1
        json_out.write("\n ]\n}\n")
    return count


def write_budget_csv(wh, data: ReportData, path: Path) -> int:
    """Every line of the budget against the final accounts, largest gap first (the
    workbook's 预算执行 sheet holds the largest ones), streamed from the warehouse a batch
    at a time; return how many lines were written."""
    rows = (budget_line_row(data, line) for line in iter_budget_lines(wh, data))
    return _write_csv(path, BUDGET_COLUMNS, rows)


def write_three_public_csv(wh, data: ReportData, path: Path) -> int:
    """Every 三公 item's budget against its final accounts (三公预算执行), the same way."""
    rows = (three_public_row(data, item) for item in iter_three_public_lines(wh, data))
    return _write_csv(path, THREE_PUBLIC_COLUMNS, rows)


def _write_csv(path: Path, columns: list[tuple[str, int, str]], rows: Iterable[list]) -> int:
    count = 0
    with path.open("w", encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow([name for name, _, _ in columns])
        for row in rows:
            writer.writerow([_csv_cell(value) for value in row])
            count += 1
    return count
