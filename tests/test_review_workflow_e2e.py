"""The review workflow end to end, as a reviewer meets it: `juesuan ingest` of a generated
corpus with planted errors, the report in headless chromium (a finding's page image with
its box outlined), `juesuan dismiss` on the command line, a forced re-run, and the report
again: the finding under 已排除, not among the errors, its id unchanged."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from tests.conftest import REPO, run_ingest
from tests.test_report import CHROMIUM, _DevTools

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason=f"Debian's chromium is not installed ({CHROMIUM}); apt-get install -y chromium",
    ),
]

REASON = "原文如此：该数字经与单位核实无误（测试）"


def _juesuan(*args: str, reports: Path) -> subprocess.CompletedProcess:
    env = {
        k: v for k, v in os.environ.items() if not k.startswith("JUESUAN_") and k != "DAGSTER_HOME"
    }
    env["JUESUAN_REPORTS"] = str(reports)
    return subprocess.run(
        [sys.executable, "-m", "pipelines.cli", *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=1800,
    )


def _latest(warehouse: Path, sql: str, params: list | None = None) -> list[tuple]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


ERRORS = """select finding_id, run_id from quality.check_results_latest
            where severity = 'error' and source_page is not null and source_table is not null
            order by document_id, source_table, source_page, location, finding_id"""

# In the report: the finding rows' ids, the dismissed section's ids, the errors card.
ROW_IDS = """Array.from(document.querySelectorAll('tr.finding .fid'))
             .map(e => e.textContent.replace('编号 ', ''))"""
DISMISSED_IDS = """Array.from(document.querySelectorAll('#dismissed tbody .fid'))
                   .map(e => e.textContent)"""
ERROR_CARD = "document.querySelector('.card.c-err .v').firstChild.textContent"
# The finding row of an id, whether its page image has loaded, and the image's and the
# highlighted box's rectangles on the screen (left, top, right, bottom).
HELPERS = """
window.findingRow = id => Array.from(document.querySelectorAll('tr.finding'))
  .find(tr => (tr.querySelector('.fid') || {}).textContent === '编号 ' + id);
window.pageLoaded = id => {
  const next = findingRow(id).nextElementSibling;
  const img = next && next.querySelector('.pageview img');
  return !!img && img.complete && img.naturalWidth > 500;
};
window.pageAndBox = id => {
  const next = findingRow(id).nextElementSibling;
  const rect = e => {
    const b = e.getBoundingClientRect();
    return [b.left, b.top, b.right, b.bottom];
  };
  return [rect(next.querySelector('.pageview img')), rect(next.querySelector('.pageview .hl'))];
};
"""


def _open(browser: _DevTools, html: Path, finding_id: str) -> int:
    """The overview, searched for the finding's id: read its error count, then follow the
    document's link to its page (where the findings are). Returns the error count."""
    browser.load(html.resolve().as_uri() + "#q=" + finding_id)
    browser.wait_for("document.documentElement.dataset.ready === '1'")
    errors = int(browser.js(ERROR_CARD))
    browser.click("#doclist a.doclink")
    browser.wait_for(
        "location.pathname.includes('/quality_report_documents/')"
        " && document.documentElement.dataset.ready === '1'"
    )
    return errors


def test_dismiss_a_finding_then_rerun(tmp_path):
    from juesuan_samples import generate_corpus

    sources, warehouse = tmp_path / "sources", tmp_path / "juesuan.duckdb"
    reports = tmp_path / "reports"  # where run_ingest has the report written
    generate_corpus(sources, units=2, years=(2024,), include_seed_case=False, planted_errors=2)
    result = run_ingest(sources, warehouse)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    errors = _latest(warehouse, ERRORS)
    assert len(errors) >= 2, "the planted errors were not found"
    finding_id, first_run = errors[0]
    html = reports / "quality_report.html"

    browser = _DevTools(tmp_path / "profile")
    try:
        errors_before = _open(browser, html, finding_id)
        assert finding_id in browser.js(ROW_IDS)
        # The finding's page: click its page button, the page image opens with the box.
        browser.js(HELPERS)
        browser.js(f"findingRow('{finding_id}').querySelector('button.pg').click()")
        browser.wait_for(f"pageLoaded('{finding_id}')")
        image, box = browser.js(f"pageAndBox('{finding_id}')")
        assert box[2] - box[0] > 5 and box[3] - box[1] > 5, box  # a visible box ...
        assert image[0] - 3 <= box[0] and box[2] <= image[2] + 3  # ... on the page
        assert image[1] - 3 <= box[1] and box[3] <= image[3] + 3
        assert browser.js(DISMISSED_IDS) == []
    finally:
        browser.close()

    dismissed = _juesuan(
        "dismiss", finding_id, "--reason", REASON, "--warehouse", str(warehouse),
        "--sources", str(sources), reports=reports,
    )  # fmt: skip
    assert dismissed.returncode == 0, dismissed.stdout + dismissed.stderr
    assert f"已排除 (dismissed): {finding_id}" in dismissed.stdout
    listed = _juesuan("dismiss", "--list", "--warehouse", str(warehouse), reports=reports)
    assert finding_id in listed.stdout and REASON in listed.stdout

    # Re-run: every document extracted and checked again (a new run).
    rerun = _juesuan(
        "ingest", "--force", "--sources", str(sources), "--warehouse", str(warehouse),
        reports=reports,
    )  # fmt: skip
    assert rerun.returncode == 0, rerun.stdout[-4000:] + rerun.stderr[-4000:]
    assert "已排除 1 处" in rerun.stdout
    again = dict(_latest(warehouse, ERRORS))
    assert again[finding_id] != first_run  # the same finding, found by the new run

    browser = _DevTools(tmp_path / "profile2")
    try:
        assert _open(browser, html, finding_id) == errors_before - 1
        assert finding_id not in browser.js(ROW_IDS)
        assert browser.js(DISMISSED_IDS) == [finding_id]
        section = browser.js("document.getElementById('dismissed-h').innerText")
        assert "已排除（1 处）" in section and REASON in section
    finally:
        browser.close()
