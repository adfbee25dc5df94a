"""Report benchmark: the finance bureau's report written from a warehouse of N documents,
and how long headless chromium takes to open it.

    .venv/bin/python benchmarks/report_scale.py [--documents 1000 10000] [--code DIR] [--json PATH]

SYNTHETIC WAREHOUSE. The report's cost depends on warehouse rows, not on PDFs, so the
warehouse is written directly in the shapes the report reads (pipelines/report/data.py):
marts.dim_unit, marts.dim_document, raw.documents, quality.check_results (the engine's
own columns, pipelines.quality.store) with its latest view, quality.dismissals,
quality.document_coverage, marts.fct_budget_vs_final, marts.three_public_budget_vs_final
and marts.dim_function_subject. The mix: units reporting a budget and final accounts for
each of 3 years in 8 regions; 20 check outcomes per checked document (about 5% failed as
error, 2% review, 4% rounding differences, 1% info), 2% rejected and 2% superseded
documents, a dismissal per 200 documents; 15 subject lines and 4 三公 items per unit-year.
No PDF is in the inbox, so no page image is rendered (a real run adds ~40 KB per page
with a finding, inside that document's page).

For each size, `write_report` runs in a child process (its peak RSS is the child's
ru_maxrss); then `measure_report` reports the folder's size, the size of the page opened
first (quality_report.html) and of the largest document page, and the seconds until
chromium's load event (performance navigation timing loadEventEnd, over the DevTools
protocol) for the overview and for that document page. `--code DIR` runs the report of
another tree (e.g. `git archive HEAD pipelines | tar -x -C DIR`), to compare versions in
one run. Then the report is written again twice into the same folder: with nothing new,
and after one document was re-checked with another figure (work proportional to change);
each of the three writes' seconds and peak RSS are printed (the exports are rewritten by
the third: the Excel list of errors and items to review, the CSV/JSON of every finding,
the budget CSVs).

`measure_report(folder)` is importable (benchmarks/scale.py uses it).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

OVERVIEW_NAME = "quality_report.html"
DOCUMENT_PAGES = "quality_report_documents"
YEARS = (2022, 2023, 2024)
REGIONS = (
    "枣庄市",
    "上海市普陀区",
    "成都市武侯区",
    "杭州市西湖区",
    "湖州市",
    "长沙市",
    "福州市",
    "重庆市",
)
OUTCOMES_PER_DOCUMENT = 20
LINES_PER_UNIT_YEAR = 15


def build_synthetic_warehouse(path: Path, documents: int) -> Path:
    """A warehouse of `documents` documents in the report's shapes (see the module doc)."""
    import duckdb

    from pipelines.quality.catalogue import CHECKS
    from pipelines.quality.store import LATEST_VIEW_SQL, ensure_schema

    checks = list(CHECKS.values())
    con = duckdb.connect(str(path))
    try:
        ensure_schema(con)
        con.execute("create schema if not exists marts; create schema if not exists raw")
        con.execute("create temp table checks (i integer, name varchar, title varchar)")
        con.executemany(
            "insert into checks values (?, ?, ?)",
            [(i, c.id, c.title) for i, c in enumerate(checks)],
        )
        per_unit = 2 * len(YEARS)
        units = max(1, -(-documents // per_unit))
        con.execute(
            f"""create table marts.dim_unit as
            select 'u' || lpad(i::varchar, 6, '0') as unit_id,
                   {list(REGIONS)}[1 + i % {len(REGIONS)}] || '第' || i || '局' as unit_name,
                   {list(REGIONS)}[1 + i % {len(REGIONS)}] as region,
                   case when i % 3 = 0 then '单位' else '部门' end as unit_level
            from range({units}) t(i)"""
        )
        con.execute(
            f"""create table marts.dim_document as
            select md5(i::varchar) || md5('x' || i) as document_id,
                   'u' || lpad((i // {per_unit})::varchar, 6, '0') as unit_id,
                   {list(YEARS)}[1 + (i // 2) % {len(YEARS)}] as fiscal_year,
                   case when i % 2 = 0 then '预算' else '决算' end as document_kind,
                   case when i % 50 = 7 then 'rejected' when i % 50 = 13 then 'superseded'
                        else 'loaded' end as status,
                   case when i % 50 = 7 then '不是决算公开文件，也不是预算公开文件：封面未见字样'
                        when i % 50 = 13 then '已被同一单位同一年度的新版文件取代'
                   end as status_reason,
                   20 + i % 30 as page_count,
                   timestamp '2025-09-01 08:00:00' + to_minutes(i) as ingested_at,
                   i as seq
            from range({documents}) t(i)"""
        )
        con.execute(
            """create or replace table marts.dim_document as
            select d.document_id,
                   u.unit_name || d.fiscal_year || '年度部门' || d.document_kind || '.pdf'
                       as file_name,
                   d.* exclude (document_id)
            from marts.dim_document d join marts.dim_unit u using (unit_id)"""
        )
        con.execute(
            """create table raw.documents as select document_id,
                   fiscal_year || '/' || file_name as source_path from marts.dim_document"""
        )
        n_checks = len(checks)
        con.execute(
            f"""insert into quality.check_results by name
            with outcomes as (
                select d.*, j, hash(d.document_id, j) % 1000 as roll
                from marts.dim_document d, range({OUTCOMES_PER_DOCUMENT}) t(j)
                where d.status <> 'rejected'
            )
            select 'run-' || (seq % 4) as run_id,
                   timestamp '2025-09-02 10:00:00' + to_minutes(seq % 4) as checked_at,
                   c.name as check_name, c.title as check_title,
                   case when roll < 50 then 'error' when roll < 70 then 'review'
                        when roll < 110 then 'rounding' when roll < 120 then 'info'
                        else 'error' end as severity,
                   not (roll < 70 or (roll >= 110 and roll < 120)) as passed,
                   document_id, unit_id, fiscal_year,
                   case when document_kind = '预算' then 'B0' else 'T0' end
                       || (1 + j % 9) as source_table,
                   1 + (j * 7) % page_count as source_page,
                   (2010101 + j * 100)::varchar as location,
                   (1000 + roll)::decimal(20, 6) as observed,
                   (1000 + roll - case when roll < 70 then 3.5
                                       when roll < 110 then 0.01 else 0 end)::decimal(20, 6)
                       as expected,
                   (case when roll < 70 then 3.5 when roll < 110 then 0.01 else 0 end)
                       ::decimal(20, 6) as difference,
                   0.02::decimal(20, 6) as tolerance,
                   case when roll < 120 then '款级科目与项级科目之和相差 ' || roll || ' 万元' end
                       as message,
                   '合计' as measure,
                   left(md5(document_id || j), 12) as finding_id,
                   100.0 as box_x0, 400.0 as box_y0, 160.0 as box_x1, 412.0 as box_y1,
                   document_kind
            from outcomes join checks c on c.i = (j * 3 + seq) % {n_checks}"""
        )
        con.execute(LATEST_VIEW_SQL)
        con.execute(
            """insert into quality.dismissals by name
            select finding_id, '审核认定为误报' as reason,
                   timestamp '2025-09-03 09:00:00' as dismissed_at, 'bench' as dismissed_by,
                   document_id, check_name, source_table, source_page, location, message
            from (select *, row_number() over (partition by document_id order by finding_id) n
                  from quality.check_results where not passed)
            where n = 1 and hash(document_id) % 200 = 0"""
        )
        con.execute(
            """create table quality.document_coverage as
            select u.unit_id, u.unit_name, u.region, u.unit_level, y.fiscal_year, k.document_kind,
                   exists (select 1 from marts.dim_document d where d.unit_id = u.unit_id
                           and d.fiscal_year = y.fiscal_year and d.document_kind = k.document_kind
                           and d.status = 'loaded') as has_loaded_document,
                   null::boolean as in_registry
            from marts.dim_unit u,
                 (select distinct fiscal_year from marts.dim_document) y,
                 (select distinct document_kind from marts.dim_document) k"""
        )
        con.execute(
            """create table marts.dim_function_subject as
            select (2010101 + i * 100)::varchar as subject_code, '科目' || i as subject_name,
                   '201' as class_code, '一般公共服务支出' as class_name
            from range(40) t(i)"""
        )
        con.execute(
            f"""create table marts.fct_budget_vs_final as
            with unit_years as (
                select unit_id, fiscal_year,
                    max(document_id) filter (where document_kind = '预算' and status = 'loaded')
                        as budget_document_id,
                    max(document_id) filter (where document_kind = '决算' and status = 'loaded')
                        as final_document_id
                from marts.dim_document group by all
            ), lines as (
                select *, hash(unit_id, fiscal_year, j) % 1000 as roll
                from unit_years, range({LINES_PER_UNIT_YEAR}) t(j)
            )
            select unit_id, fiscal_year, (2010101 + j * 100)::varchar as subject_code,
                   '一般公共预算' as fund_type,
                   case when j % 2 = 0 then '基本支出' else '项目支出' end as expenditure_type,
                   case when budget_document_id is not null and roll > 30
                        then (100 + roll)::decimal(38, 6) end as budget_amount,
                   case when final_document_id is not null and roll < 970
                        then (95 + roll * 1.01)::decimal(38, 6) end as final_amount,
                   null::decimal(38, 6) as execution_rate,
                   budget_document_id, final_document_id
            from lines"""
        )
        con.execute(
            """update marts.fct_budget_vs_final set execution_rate =
               round(final_amount / budget_amount, 6) where budget_amount <> 0"""
        )
        con.execute(
            """create table marts.three_public_budget_vs_final as
            select unit_id, fiscal_year, item as cost_item,
                   budget_document_id, final_document_id,
                   case when budget_document_id is not null then 12.5 end::decimal(38, 6)
                       as budget_amount,
                   case when final_document_id is not null then 12.5 end::decimal(38, 6)
                       as final_budget_amount,
                   case when final_document_id is not null then 11.75 end::decimal(38, 6)
                       as final_amount
            from (select distinct unit_id, fiscal_year, budget_document_id, final_document_id
                  from marts.fct_budget_vs_final),
                 (select unnest(['因公出国（境）费', '公务用车购置费', '公务用车运行维护费',
                                 '公务接待费']) as item)"""
        )
        con.execute("alter table marts.dim_document drop column seq")
    finally:
        con.close()
    return path


def change_one_document(path: Path) -> str:
    """A new check run for one document (one finding's figure changes): what a re-check
    of one changed document leaves in the warehouse. Returns the document id."""
    import duckdb

    from pipelines.quality.store import LATEST_VIEW_SQL

    con = duckdb.connect(str(path))
    try:
        row = con.execute(
            "select document_id from quality.check_results_latest "
            "where not passed order by document_id limit 1"
        ).fetchone()
        assert row is not None, "the synthetic warehouse has no failed check"
        document_id = row[0]
        con.execute(
            """insert into quality.check_results by name
            select * replace ('run-new' as run_id,
                              timestamp '2025-09-04 10:00:00' as checked_at,
                              observed + 1 as observed, difference + 1 as difference)
            from quality.check_results_latest where document_id = ?""",
            [document_id],
        )
        con.execute(LATEST_VIEW_SQL)
    finally:
        con.close()
    return document_id


def _folder_bytes(folder: Path) -> int:
    """The report's files: the Great Expectations Data Docs beside it are not the report."""
    data_docs = folder / "data_docs"
    return sum(
        p.stat().st_size
        for p in folder.rglob("*")
        if p.is_file() and not p.is_relative_to(data_docs)
    )


def measure_report(folder: Path, chromium: Path | None = None) -> dict:
    """A written report folder: its total size (`folder_mb`, also `size_mb`), the size of
    the page opened first (`overview_mb`) and of the largest document page, and the
    seconds until chromium's load event for each (`overview_load_s`, also `load_seconds`;
    `document_load_s`). Load times are None when chromium is missing."""
    from pipelines.report.browser import CHROMIUM, DevTools

    folder = Path(folder)
    chromium = chromium or CHROMIUM
    overview = folder / OVERVIEW_NAME
    pages = sorted((folder / DOCUMENT_PAGES).glob("*.html"), key=lambda p: -p.stat().st_size)
    document_page = pages[0] if pages else None
    figures: dict = {
        "folder_mb": round(_folder_bytes(folder) / 2**20, 2),
        "overview_mb": round(overview.stat().st_size / 2**20, 3) if overview.exists() else None,
        "document_pages": len(pages),
        "largest_document_page_kb": (
            round(document_page.stat().st_size / 1024, 1) if document_page else None
        ),
        "overview_load_s": None,
        "document_load_s": None,
    }
    figures["size_mb"] = figures["folder_mb"]  # the names benchmarks/scale.py reads
    if not chromium.exists() or not overview.exists():
        return figures
    with (
        tempfile.TemporaryDirectory(prefix="report-measure-") as profile,
        DevTools(Path(profile) / "profile", chromium) as browser,
    ):
        # A first page starts the renderer and loads fonts: not the report's cost.
        browser.load("data:text/html,<p>warm</p>")
        figures["overview_load_s"] = round(browser.load(overview.resolve().as_uri()), 3)
        if document_page is not None:
            url = document_page.resolve().as_uri()
            figures["document_load_s"] = round(browser.load(url), 3)
    figures["load_seconds"] = figures["overview_load_s"]
    return figures


def _write_in_child(warehouse: Path, out_dir: Path, code: Path | None) -> dict:
    """write_report in a fresh process (of `code`'s tree when given): seconds, peak RSS
    (VmHWM: ru_maxrss would carry this process's own peak over from the fork)."""
    script = (
        "import json, re, sys, time\n"
        "from pathlib import Path\n"
        "from pipelines.report import write_report\n"
        "t = time.perf_counter()\n"
        "inbox = Path(sys.argv[2]) / 'no-inbox'\n"
        "files = write_report(Path(sys.argv[1]), Path(sys.argv[2]), sources_dir=inbox)\n"
        "extra = {'phases': getattr(files, 'seconds', None),"
        " 'pages_rendered': len(getattr(files, 'pages_rendered', ())),"
        " 'excel_findings': getattr(files, 'excel_findings', None)}\n"
        "print(json.dumps({**extra, 'write_s': round(time.perf_counter() - t, 2),"
        " 'peak_rss_mib': round(int(re.search(r'VmHWM:\\s+(\\d+)',"
        " Path('/proc/self/status').read_text()).group(1)) / 1024, 1)}))\n"
    )
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(str(p) for p in (code, REPO) if p))
    result = subprocess.run(
        [sys.executable, "-c", script, str(warehouse), str(out_dir)],
        capture_output=True, text=True, env=env, cwd=str(code or REPO), check=False,
    )  # fmt: skip
    if result.returncode != 0:
        raise RuntimeError(result.stderr[-3000:])
    return json.loads(result.stdout.strip().splitlines()[-1])


def run(sizes: list[int], code: Path | None, work: Path, label: str) -> list[dict]:
    rows = []
    for size in sizes:
        warehouse = work / f"synthetic_{size}.duckdb"
        if not warehouse.exists():
            started = time.perf_counter()
            build_synthetic_warehouse(warehouse, size)
            print(f"[{size}] synthetic warehouse in {time.perf_counter() - started:.1f} s",
                  file=sys.stderr)  # fmt: skip
        out_dir = work / f"reports_{label}_{size}"
        first = _write_in_child(warehouse, out_dir, code)
        figures = {"code": label, "documents": size, **first, **measure_report(out_dir)}
        # Nothing new: the same warehouse written again.
        nothing_new = _write_in_child(warehouse, out_dir, code)
        figures["rewrite_nothing_new_s"] = nothing_new["write_s"]
        figures["rewrite_nothing_new_rss_mib"] = nothing_new["peak_rss_mib"]
        # One document re-checked: the second write's cost (work proportional to change).
        changed = work / f"changed_{label}_{size}.duckdb"
        changed.write_bytes(warehouse.read_bytes())
        change_one_document(changed)
        again = _write_in_child(changed, out_dir, code)
        figures["rewrite_one_changed_s"] = again["write_s"]
        figures["rewrite_one_changed_rss_mib"] = again["peak_rss_mib"]
        figures["rewrite_pages_rendered"] = again["pages_rendered"]
        figures["rewrite_phases"] = again["phases"]
        changed.unlink()
        rows.append(figures)
        print(json.dumps(figures, ensure_ascii=False), file=sys.stderr)
    return rows


def _table(rows: list[dict]) -> str:
    columns = [
        ("code", "code"), ("documents", "docs"), ("write_s", "write s"),
        ("rewrite_nothing_new_s", "again s"), ("rewrite_one_changed_s", "1 changed s"),
        ("peak_rss_mib", "peak MiB"), ("rewrite_nothing_new_rss_mib", "again MiB"),
        ("rewrite_one_changed_rss_mib", "1 changed MiB"), ("excel_findings", "Excel rows"),
        ("folder_mb", "folder MB"), ("overview_mb", "first page MB"),
        ("document_pages", "doc pages"), ("largest_document_page_kb", "doc page KB"),
        ("overview_load_s", "load s"), ("document_load_s", "doc load s"),
    ]  # fmt: skip
    lines = [" | ".join(title for _, title in columns)]
    for row in rows:
        lines.append(" | ".join(str(row.get(key, "")) for key, _ in columns))
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--documents", type=int, nargs="+", default=[10_000])
    parser.add_argument("--code", type=Path, action="append", default=[],
                        help="another tree's root to compare (repeatable)")  # fmt: skip
    parser.add_argument("--no-current", action="store_true", help="measure only the --code trees")
    parser.add_argument("--work", type=Path, help="keep warehouses and reports here")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="report-scale-") as tmp:
        work = args.work or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        rows = []
        for code in args.code:
            rows += run(args.documents, code.resolve(), work, code.name)
        if not args.no_current:
            rows += run(args.documents, None, work, "this tree")
    print(_table(rows))
    if args.json:
        args.json.write_text(json.dumps(rows, ensure_ascii=False, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
