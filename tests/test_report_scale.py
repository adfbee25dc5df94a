"""The report at scale: the overview without findings, the documents' pages rewritten only
when their results change (and deleted with their document), findings read in bounded
pieces, the overview's document list paged in a real browser."""

from __future__ import annotations

import csv
import json
import sqlite3
import sys
import tracemalloc
from collections import Counter
from contextlib import closing
from pathlib import Path

import duckdb
import pytest
from openpyxl import load_workbook

from pipelines.quality.store import LATEST_VIEW_SQL
from pipelines.report import (
    CSV_NAME,
    DOCUMENTS_FOLDER,
    EXPORTS_DIGEST_NAME,
    JSON_NAME,
    XLSX_NAME,
    write_report,
)
from pipelines.report import data as report_data
from pipelines.report.browser import CHROMIUM, DevTools
from pipelines.report.data import iter_findings, open_warehouse, read_report_data
from pipelines.report.documents import MANIFEST_NAME
from pipelines.report.excel import BUDGET_CSV_NAME, THREE_PUBLIC_CSV_NAME
from pipelines.report.export_fragments import FRAGMENTS_NAME
from pipelines.report.html import document_page_name

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
from report_scale import build_synthetic_warehouse, change_one_document

needs_chromium = pytest.mark.skipif(
    not CHROMIUM.exists(),
    reason=f"Debian's chromium is not installed ({CHROMIUM}); apt-get install -y chromium",
)


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory) -> Path:
    """120 documents in the report's shapes (benchmarks/report_scale.py), never written to:
    each test copies it."""
    return build_synthetic_warehouse(tmp_path_factory.mktemp("w") / "w.duckdb", 120)


def _copy(warehouse: Path, tmp_path: Path) -> Path:
    target = tmp_path / "w.duckdb"
    target.write_bytes(warehouse.read_bytes())
    return target


def _mtimes(folder: Path) -> dict[str, int]:
    return {p.name: p.stat().st_mtime_ns for p in folder.glob("*.html")}


def test_a_second_write_renders_only_the_changed_document(synthetic, tmp_path):
    warehouse, out = _copy(synthetic, tmp_path), tmp_path / "reports"
    first = write_report(warehouse, out, sources_dir=tmp_path / "inbox")
    folder = out / DOCUMENTS_FOLDER
    assert first.document_pages == len(list(folder.glob("*.html"))) > 100
    assert len(first.pages_rendered) == first.document_pages
    before = _mtimes(folder)
    exports = [
        out / name
        for name in (XLSX_NAME, CSV_NAME, JSON_NAME, BUDGET_CSV_NAME, THREE_PUBLIC_CSV_NAME)
    ]
    written = [p.stat().st_mtime_ns for p in exports]
    # Nothing changed: nothing rendered, no page touched, the exports kept.
    again = write_report(warehouse, out, sources_dir=tmp_path / "inbox")
    assert again.pages_rendered == () and _mtimes(folder) == before
    assert not again.exports_written and [p.stat().st_mtime_ns for p in exports] == written
    # One document re-checked with another figure: its page alone.
    changed = change_one_document(warehouse)
    third = write_report(warehouse, out, sources_dir=tmp_path / "inbox")
    assert third.pages_rendered == (changed,)
    assert third.exports_written and third.findings == first.findings
    after = _mtimes(folder)
    page = document_page_name(changed)
    assert after[page] != before[page]
    assert {k: v for k, v in after.items() if k != page} == {
        k: v for k, v in before.items() if k != page
    }
    manifest = json.loads((folder / MANIFEST_NAME).read_text(encoding="utf-8"))
    assert set(manifest["pages"]) == set(after)
    # The exports: that document's share rendered again, the others' kept, and the files
    # the same as those written from nothing.
    assert first.fragments_rendered == first.document_pages and third.fragments_rendered == 1
    # The budget lines hold no finding: their CSVs are kept.
    assert [p.stat().st_mtime_ns for p in exports[3:]] == written[3:]
    fresh = write_report(warehouse, tmp_path / "fresh", sources_dir=tmp_path / "inbox")
    assert fresh.fragments_rendered == first.document_pages
    assert _csv_rows(third.csv) == _csv_rows(fresh.csv)
    assert _json_findings(third.json) == _json_findings(fresh.json)
    for sheet in ("问题清单", "文档", "已排除"):
        assert _sheet_values(third.xlsx, sheet) == _sheet_values(fresh.xlsx, sheet)


def _json_findings(path: Path) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))["findings"]


def _sheet_values(path: Path, sheet: str) -> list[tuple]:
    return list(load_workbook(path, read_only=True)[sheet].iter_rows(values_only=True))


def _csv_rows(path: Path) -> list[dict]:
    with path.open(encoding="utf-8-sig") as f:
        return list(csv.DictReader(f))


def test_the_workbook_is_the_list_to_act_on(synthetic, tmp_path, monkeypatch):
    """问题清单: the errors and items to review, every one; rounding differences and
    notes in the CSV (with everything). The budget sheets: the largest gaps; the CSVs: every
    line of the marts."""
    monkeypatch.setattr(report_data, "BUDGET_TOP_LINES", 100)
    warehouse, out = _copy(synthetic, tmp_path), tmp_path / "reports"
    files = write_report(warehouse, out, sources_dir=tmp_path / "inbox")
    data = read_report_data(warehouse)
    documents = data.documents
    errors, reviews = sum(d.errors for d in documents), sum(d.reviews for d in documents)
    roundings, infos = sum(d.roundings for d in documents), sum(d.infos for d in documents)
    assert min(errors, reviews, roundings, infos) > 0
    wb = load_workbook(files.xlsx, read_only=True)
    listed = Counter(row[5] for row in wb["问题清单"].iter_rows(min_row=2, values_only=True))
    assert listed == {"错误": errors, "需人工核对": reviews}
    assert files.excel_findings == errors + reviews
    exported = Counter(
        row["severity"] for row in _csv_rows(files.csv) if row["dismissed"] == "False"
    )
    assert exported == {"error": errors, "review": reviews, "rounding": roundings, "info": infos}
    con = duckdb.connect(str(warehouse), read_only=True)
    (lines,) = con.execute("select count(*) from marts.fct_budget_vs_final").fetchone()
    (items,) = con.execute("select count(*) from marts.three_public_budget_vs_final").fetchone()
    con.close()
    assert lines > 100 and items > 100
    assert sum(1 for _ in wb["预算执行"].iter_rows(min_row=2)) == 100
    assert sum(1 for _ in wb["三公预算执行"].iter_rows(min_row=2)) == 100
    assert len(_csv_rows(out / BUDGET_CSV_NAME)) == lines
    assert len(_csv_rows(out / THREE_PUBLIC_CSV_NAME)) == items


def test_a_dismissal_rerenders_its_document_page(synthetic, tmp_path):
    warehouse, out = _copy(synthetic, tmp_path), tmp_path / "reports"
    write_report(warehouse, out, sources_dir=tmp_path / "inbox")
    con = duckdb.connect(str(warehouse))
    finding_id, document_id = con.execute(
        "select finding_id, document_id from quality.check_results_latest "
        "where not passed order by finding_id limit 1"
    ).fetchone()
    con.execute(
        "insert into quality.dismissals (finding_id, reason, dismissed_at, document_id) "
        "values (?, '误报', now(), ?)",
        [finding_id, document_id],
    )
    con.close()
    files = write_report(warehouse, out, sources_dir=tmp_path / "inbox")
    assert files.pages_rendered == (document_id,)
    page = (out / DOCUMENTS_FOLDER / document_page_name(document_id)).read_text("utf-8")
    assert "误报" in page


def test_pages_of_documents_gone_from_the_warehouse_are_deleted(synthetic, tmp_path):
    warehouse, out = _copy(synthetic, tmp_path), tmp_path / "reports"
    write_report(warehouse, out, sources_dir=tmp_path / "inbox")
    con = duckdb.connect(str(warehouse))
    (gone,) = con.execute(
        "select document_id from marts.dim_document where status = 'loaded' "
        "order by document_id limit 1"
    ).fetchone()
    con.execute("delete from marts.dim_document where document_id = ?", [gone])
    con.execute("delete from quality.check_results where document_id = ?", [gone])
    con.execute(LATEST_VIEW_SQL)
    con.close()
    files = write_report(warehouse, out, sources_dir=tmp_path / "inbox")
    assert files.pages_removed == 1 and files.pages_rendered == ()
    assert not (out / DOCUMENTS_FOLDER / document_page_name(gone)).exists()
    assert gone[:16] not in (out / "quality_report.html").read_text(encoding="utf-8")
    # Its share of the exports is gone too.
    assert files.fragments_rendered == 0
    assert gone not in {row["document_id"] for row in _csv_rows(files.csv)}
    with closing(sqlite3.connect(out / DOCUMENTS_FOLDER / FRAGMENTS_NAME)) as store:
        assert not store.execute(
            "select count(*) from fragments where document_id = ?", [gone]
        ).fetchone()[0]


@pytest.mark.parametrize("damage", ["missing", "not sqlite", "other code"])
def test_a_missing_or_damaged_fragment_store_renders_every_fragment(
    synthetic, tmp_path, monkeypatch, damage
):
    """The exports' fragments made again from nothing give the same files."""
    warehouse, out = _copy(synthetic, tmp_path), tmp_path / "reports"
    first = write_report(warehouse, out, sources_dir=tmp_path / "inbox")
    folder = out / DOCUMENTS_FOLDER
    store = folder / FRAGMENTS_NAME
    if damage == "missing":
        store.unlink()
    elif damage == "not sqlite":
        store.write_bytes(b"{not a database}" * 100)
    else:
        monkeypatch.setattr("pipelines.report.export_fragments.FRAGMENT_FORMAT", 99)
    (folder / EXPORTS_DIGEST_NAME).unlink()  # else the exports are kept as they are
    again = write_report(warehouse, out, sources_dir=tmp_path / "inbox")
    assert again.exports_written and again.pages_rendered == ()
    assert again.fragments_rendered == first.fragments_rendered == first.document_pages
    assert _csv_rows(again.csv) == _csv_rows(first.csv)
    assert _sheet_values(again.xlsx, "问题清单") == _sheet_values(first.xlsx, "问题清单")


@pytest.mark.parametrize("manifest", [None, "{not json", '{"version": "other", "pages": {}}'])
def test_a_missing_or_corrupt_manifest_renders_every_page(synthetic, tmp_path, manifest):
    warehouse, out = _copy(synthetic, tmp_path), tmp_path / "reports"
    first = write_report(warehouse, out, sources_dir=tmp_path / "inbox")
    path = out / DOCUMENTS_FOLDER / MANIFEST_NAME
    if manifest is None:
        path.unlink()
    else:
        path.write_text(manifest, encoding="utf-8")
    again = write_report(warehouse, out, sources_dir=tmp_path / "inbox")
    assert len(again.pages_rendered) == first.document_pages


def _peak_bytes(action) -> int:
    tracemalloc.start()
    try:
        action()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_the_overview_does_not_read_the_findings(synthetic, tmp_path):
    """10,000 more findings on one document leave the overview's read as it was: counted
    in the warehouse, not read into memory."""
    plain = _copy(synthetic, tmp_path)
    crowded = tmp_path / "crowded.duckdb"
    crowded.write_bytes(plain.read_bytes())
    con = duckdb.connect(str(crowded))
    con.execute(
        """insert into quality.check_results
        select r.* replace (false as passed, 'error' as severity,
                          md5(i::varchar) as finding_id, (2000000 + i)::varchar as location,
                          repeat('说明', 40) as message)
        from quality.check_results_latest as r, range(10000) t(i)
        where document_id = (select min(document_id) from quality.check_results)
          and check_name = (select min(check_name) from quality.check_results
                            where document_id = (select min(document_id)
                                                 from quality.check_results))"""
    )
    con.close()
    base = _peak_bytes(lambda: read_report_data(plain))
    data = read_report_data(crowded)
    assert sum(d.errors for d in data.documents) >= 10_000  # the findings are counted
    grown = _peak_bytes(lambda: read_report_data(crowded)) - base
    # 10,000 findings read would take > 10 MB; their search words (a code each) ~1 MB.
    assert grown < 3 * 2**20, grown


def test_findings_are_streamed_in_document_order(synthetic, tmp_path):
    warehouse = _copy(synthetic, tmp_path)
    with open_warehouse(warehouse) as wh:
        data = read_report_data(warehouse, wh)
        findings = list(iter_findings(wh, data))
        errors = list(iter_findings(wh, data, ("error",)))
    expected = sum(d.errors + d.roundings + d.infos + d.reviews for d in data.documents)
    assert len(findings) == expected > 0
    assert {f.severity for f in errors} == {"error"}
    assert len(errors) == sum(d.errors for d in data.documents)
    order = {d.document_id: i for i, d in enumerate(data.documents)}
    positions = [order[f.document_id] for f in findings]
    assert positions == sorted(positions)  # one document after another, in the report's order


@needs_chromium
def test_the_overview_pages_its_document_list(tmp_path):
    warehouse = build_synthetic_warehouse(tmp_path / "w.duckdb", 250)
    files = write_report(warehouse, tmp_path / "reports", sources_dir=tmp_path / "inbox")
    rows = "document.querySelectorAll('#doclist tbody tr:not(.pager)').length"
    pager = "document.querySelector('#doclist tr.pager').innerText"
    first_row = "document.querySelector('#doclist tbody tr').innerText"
    with DevTools(tmp_path / "profile") as browser:
        browser.load(files.html.resolve().as_uri())
        browser.wait_for("document.documentElement.dataset.ready === '1'")
        shown = int(browser.js("document.getElementById('count').dataset.shown"))
        assert shown > 200  # rejected files without results are listed apart
        assert browser.js(rows) == 100
        assert f"第 1 / 3 页（共 {shown} 行）" in browser.js(pager)
        top = browser.js(first_row)
        browser.click("#doclist tr.pager button:last-child")
        assert "第 2 / 3 页" in browser.js(pager) and browser.js(first_row) != top
        # A filter in the URL narrows the list and starts at its first page.
        unit = browser.js("document.querySelector('#f-unit option:nth-child(2)').value")
        browser.js(f"location.hash = 'unit=' + encodeURIComponent({json.dumps(unit)})")
        browser.wait_for("!document.querySelector('#doclist tr.pager')")
        assert 0 < browser.js(rows) <= 6
        link = browser.js("document.querySelector('#doclist a.doclink').getAttribute('href')")
        assert link.startswith(f"{DOCUMENTS_FOLDER}/")
        # …and the page it links to opens with its findings.
        browser.load((files.html.parent / link.split("#")[0]).resolve().as_uri())
        browser.wait_for("document.documentElement.dataset.ready === '1'")
        assert browser.js("document.querySelectorAll('article.doc').length") == 1
