"""The real budgets through the product: loaded or rejected, tables found, identities closing.

    .venv/bin/python benchmarks/budgets_real.py [--budgets DIR] [--keep DIR] [--files N]

Copies the real budget PDFs (../shared/corpus/budgets, 42 files catalogued in its
README) into a temporary inbox and runs `juesuan ingest` on it as an operator does (its
own process, an empty warehouse, an ephemeral Dagster instance): extraction, the raw
load, the dbt build and the quality engine. Then reads the warehouse and prints, per
file:

- its status: loaded, or rejected with the Chinese reason (raw.documents);
- the kind, unit and budget year read from it, and its level;
- the tables found: each B id printed (extracted or printed empty) with its pages
  (raw.extracted_tables), and the B01–B09 ids recorded as missing;
- its cells (raw.table_cells) and how many carry an amount;
- the share of the budget's own identities that close: of the latest quality run's
  outcomes on the document (quality.check_results_latest) from the within-table and
  cross-table identity checks of the catalogue, not comparing it with another document,
  the passed ones over all (a rounding difference inside the envelope passes), with the
  failures by severity;

then the totals, and the identities per check. A measurement, not a test: it never fails
on a misread; it fails only when the ingest itself does (after printing what the
warehouse holds by then).
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(REPO / "samples")]  # the product

from operations import BenchmarkFailed, run_ingest  # noqa: E402

from pipelines.quality.catalogue import ACROSS_TABLES, CHECKS, WITHIN_TABLE  # noqa: E402

DEFAULT_BUDGETS = REPO.parent / "shared" / "corpus" / "budgets"
# The tables every budget is expected to record (B10/B11 only when printed).
REQUIRED = tuple(f"B{n:02d}" for n in range(1, 10))
FOUND_STATUSES = ("extracted", "empty")


def own_identity(check_name: str) -> bool:
    """A within-table or cross-table identity of one document (the catalogue says)."""
    check = CHECKS.get(check_name)
    return (
        check is not None
        and check.family in (WITHIN_TABLE, ACROSS_TABLES)
        and check.rule.is_identity
    )


@dataclass
class FileFigures:
    file_name: str
    pages: int | None = None
    status: str = "absent"  # 'loaded', 'rejected', or absent from raw.documents
    reason: str | None = None
    kind: str | None = None
    unit: str | None = None
    level: str | None = None
    year: int | None = None
    tables: list[tuple[str, str, int | None, int | None]] = field(default_factory=list)
    cells: int = 0
    amounts: int = 0
    identities: int = 0
    closing: int = 0
    failures: Counter = field(default_factory=Counter)  # severity → count

    @property
    def found(self) -> list[str]:
        return [table_id for table_id, status, _, _ in self.tables if status in FOUND_STATUSES]

    @property
    def missing(self) -> list[str]:
        return [table_id for table_id, status, _, _ in self.tables if status == "missing"]


def _pages(first: int | None, last: int | None) -> str:
    if first is None:
        return "?"
    return f"{first}" if last in (None, first) else f"{first}–{last}"


def read_figures(warehouse: Path, files: list[Path]) -> tuple[list[FileFigures], dict]:
    """Per file, what the warehouse holds; and per identity check, (passed, total)."""
    import duckdb

    figures = {path.name: FileFigures(path.name) for path in files}
    per_check: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    with duckdb.connect(str(warehouse), read_only=True) as con:
        relations = {
            f"{schema}.{name}"
            for schema, name in con.execute(
                "select schema_name, table_name from duckdb_tables() "
                "union all select schema_name, view_name from duckdb_views()"
            ).fetchall()
        }
        documents = con.execute(
            "select document_id, file_name, page_count, status, status_reason, document_kind, "
            "unit_name, unit_level, fiscal_year from raw.documents"
        ).fetchall()
        by_id: dict[str, FileFigures] = {}
        for doc_id, name, pages, status, reason, kind, unit, level, year in documents:
            f = figures.setdefault(name, FileFigures(name))
            f.pages, f.status, f.reason, f.kind = pages, status, reason, kind
            f.unit, f.level, f.year = unit, level, year
            by_id[doc_id] = f
        for doc_id, table_id, status, first, last in con.execute(
            "select document_id, table_id, status, first_page, last_page "
            "from raw.extracted_tables order by document_id, table_id"
        ).fetchall():
            if doc_id in by_id:
                by_id[doc_id].tables.append((table_id, status, first, last))
        for doc_id, cells, amounts in con.execute(
            "select document_id, count(*), count(amount) from raw.table_cells group by all"
        ).fetchall():
            if doc_id in by_id:
                by_id[doc_id].cells, by_id[doc_id].amounts = int(cells), int(amounts)
        if "quality.check_results_latest" in relations:
            columns = {
                name
                for (name,) in con.execute(
                    "select column_name from duckdb_columns() where schema_name = 'quality' "
                    "and table_name = 'check_results_latest'"
                ).fetchall()
            }
            # A cross-document outcome (the final's T07 against this budget) is not the
            # budget's own identity.
            own = "other_document_id is null" if "other_document_id" in columns else "true"
            for doc_id, check, severity, passed in con.execute(
                "select document_id, check_name, severity, passed "
                f"from quality.check_results_latest where {own}"
            ).fetchall():
                f = by_id.get(doc_id)
                if f is None or not own_identity(check):
                    continue
                f.identities += 1
                per_check[check][1] += 1
                if passed:
                    f.closing += 1
                    per_check[check][0] += 1
                else:
                    f.failures[severity] += 1
    return sorted(figures.values(), key=lambda f: f.file_name), dict(per_check)


def _share(part: int, whole: int) -> str:
    return f"{part}/{whole} ({part / whole:.1%})" if whole else "—"


def print_figures(rows: list[FileFigures], per_check: dict, seconds: float) -> None:
    for f in rows:
        head = f"{f.file_name}  [{f.pages or '?'} pp]"
        if f.status != "loaded":
            print(f"{head}\n  {f.status}: {f.reason or '（不在 raw.documents 中）'}")
            continue
        print(head)
        print(f"  loaded: {f.kind} · {f.unit} · {f.level} · {f.year}")
        tables = ", ".join(
            f"{t} p{_pages(first, last)}" + ("（空表）" if status == "empty" else "")
            for t, status, first, last in f.tables
            if status in FOUND_STATUSES
        )
        print(f"  tables {len(f.found)}: {tables or '—'}")
        absent = [f"{t} {s}" for t, s, _, _ in f.tables if s not in FOUND_STATUSES]
        if absent:
            print(f"  not found: {', '.join(absent)}")
        failures = ", ".join(f"{sev} {n}" for sev, n in sorted(f.failures.items()))
        print(
            f"  cells {f.cells} ({f.amounts} amounts) · own identities closing "
            f"{_share(f.closing, f.identities)}" + (f" · failing: {failures}" if failures else "")
        )
    loaded = [f for f in rows if f.status == "loaded"]
    rejected = [f for f in rows if f.status != "loaded"]
    budgets = [f for f in loaded if f.kind == "预算"]
    print()
    print(
        f"files {len(rows)}: loaded {len(loaded)} ({len(budgets)} as 预算), "
        f"rejected {len(rejected)}; ingest {seconds:.0f} s"
    )
    for reason, n in Counter(f.reason for f in rejected).most_common():
        print(f"  rejected {n}: {reason}")
    found = Counter(t for f in loaded for t in f.found)
    print("tables found (files): " + ", ".join(f"{t} {n}" for t, n in sorted(found.items())))
    complete = sum(all(t in f.found for t in REQUIRED) for f in loaded)
    print(f"loaded files with every one of B01–B09 found: {complete}/{len(loaded)}")
    print(f"cells {sum(f.cells for f in loaded)} ({sum(f.amounts for f in loaded)} amounts)")
    closing, total = sum(f.closing for f in loaded), sum(f.identities for f in loaded)
    failures: Counter = Counter()
    for f in loaded:
        failures.update(f.failures)
    failing = ", ".join(f"{s} {n}" for s, n in sorted(failures.items()))
    print(
        f"own identities closing: {_share(closing, total)}"
        + (f" · failing: {failing}" if failing else "")
    )
    full = sum(f.identities > 0 and f.closing == f.identities for f in loaded)
    print(f"files whose every identity closes: {full}/{len(loaded)}")
    print("per check (closing/tested):")
    width = max((len(check) for check in per_check), default=0) + 2
    for check, (passed, tested) in sorted(per_check.items()):
        print(f"  {check:<{width}}{_share(passed, tested):>20}  {CHECKS[check].title}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--budgets", type=Path, default=DEFAULT_BUDGETS)
    parser.add_argument("--keep", type=Path, help="keep the inbox, warehouse and report here")
    parser.add_argument("--files", type=int, help="only the first N files (by name)")
    args = parser.parse_args()
    files = sorted(args.budgets.glob("*.pdf")) if args.budgets.is_dir() else []
    if not files:
        sys.exit(f"no budget PDF in {args.budgets}")
    files = files[: args.files] if args.files else files
    with tempfile.TemporaryDirectory(prefix="budgets_real_") as tmp:
        workdir = args.keep or Path(tmp)
        inbox = workdir / "inbox"
        inbox.mkdir(parents=True, exist_ok=True)
        for path in files:  # copies: a symlink out of the inbox is never read
            shutil.copy2(path, inbox / path.name)
        warehouse = workdir / "warehouse" / "juesuan.duckdb"
        warehouse.parent.mkdir(parents=True, exist_ok=True)
        started = time.perf_counter()
        failure = None
        try:
            run_ingest("real budgets", inbox, warehouse, workdir / "reports")
        except BenchmarkFailed as failed:
            # What was loaded before the failing step is still worth reading.
            failure = failed
            print(failed.output[-3000:], file=sys.stderr)
        seconds = time.perf_counter() - started
        if warehouse.is_file():
            rows, per_check = read_figures(warehouse, files)
            print_figures(rows, per_check, seconds)
        if args.keep:
            print(f"kept: {warehouse}, {workdir / 'reports'}")
        if failure is not None:
            sys.exit(f"the ingest failed ({failure}): the figures above stop where it did")


if __name__ == "__main__":
    main()
