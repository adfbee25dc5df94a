"""The report's inline stylesheet and script (static/report.css, static/report.js).

Both are inlined into the HTML file: no CDN, no web fonts, works from file://. The script
draws the tables from the JSON data island (#report-data) with textContent only, never
innerHTML, so text read from documents cannot inject markup. Filter state lives in the
URL hash (#q=2010301&sev=error&unit=…&year=2023&old=1): links inside the report use it,
and a bookmarked or shared link reopens the same view.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

STATIC = Path(__file__).with_name("static")


@cache
def css() -> str:
    return (STATIC / "report.css").read_text(encoding="utf-8")


@cache
def js() -> str:
    return (STATIC / "report.js").read_text(encoding="utf-8")
