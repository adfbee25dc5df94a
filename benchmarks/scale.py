"""Scale benchmark: `juesuan ingest` at growing corpora, every figure of issue 14 in one run.

    .venv/bin/python benchmarks/scale.py [--sizes 200 1000 2000] [--json PATH] [--celery]
    .venv/bin/python benchmarks/scale.py --sizes 20 40 80      # smoke run, a few minutes

Generates the largest corpus once with the sample generator (finals and their budgets, as
a city publishes them: UNITS_IN_CATALOGUE units × as many fiscal years as the size needs,
ending with --last-year) and takes nested subsets of it for the smaller sizes: documents
ordered year by year, a unit's final and budget together, so the 200 documents of the
smallest size are among the 1,000 of the next and the same files are read at every size.
Each size is ingested in its own `juesuan ingest` subprocess into an empty warehouse
(an ephemeral Dagster instance, a fresh temporary folder: operations.run_ingest), with
every process of its tree sampled from /proc (operations.TreeMemorySampler).

It prints, to be compared as ratios:

- peak RSS per process role (the ingest process, the extraction workers, the dbt
  process, any other) at every size; the largest process at the largest size against
  the smallest size (target: within 10%) and against 1 GiB;
- wall time per document at every size (target: linear or better) and a projection to
  20,000 documents, its assumption stated;
- on the largest warehouse: a re-run with nothing new (seconds), then one new document
  into it against the same document into an empty warehouse (target: within 1.5×);
- the report of the largest run: its size in MB and the seconds until headless
  chromium's load event (report_scale.measure_report, when that benchmark exists);
- with --celery: the ingest of the smallest size through Celery workers against the
  in-process run of the same size (when the Celery entry point exists).

DuckDB memory of every process follows the settings (JUESUAN_DUCKDB_MEMORY_LIMIT …); the
benchmark passes the caller's environment on, without Juesuan or Dagster paths.
"""

from __future__ import annotations

import argparse
import importlib
import itertools
import json
import math
import os
import shutil
import sys
import tempfile
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(REPO / "samples")]  # the product and the sample generator

from operations import (  # noqa: E402
    NOTHING_TO_EXTRACT,
    BenchmarkFailed,
    ProcessPeak,
    RunFigures,
    machine_description,
    read_warehouse,
    run_and_report,
    run_ingest,
)

DEFAULT_SIZES = (200, 1000, 2000)
PROJECTED_DOCUMENTS = 20_000
# Issue 14's targets.
LARGEST_PROCESS_GROWTH = 1.10  # largest process at the largest size / at the smallest
LARGEST_PROCESS_MIB = 1024
ONE_NEW_DOCUMENT_RATIO = 1.5  # into the largest warehouse / into an empty one
OUTPUT_LINE_CHARS = 300  # of a failed run's last line, in the summary
RERUN_TARGET_SECONDS = 60  # "seconds, as now": a re-run with nothing new stays under a minute
DOCUMENTS_PER_UNIT_YEAR = 2  # a final and its budget
ROLES = ("ingest", "extraction worker", "dbt", "checks, report", "celery worker", "other")


@dataclass
class RoleFigures:
    role: str
    processes: int
    peak_mib: float  # the largest peak RSS of one process of this role
    command: str  # that process's command line (shortened)


@dataclass
class SizeFigures:
    label: str
    documents: int
    seconds: float
    tree_peak_mib: float
    largest_process_mib: float
    cpu_seconds: float  # user + system of the whole process tree
    roles: dict[str, RoleFigures] = field(default_factory=dict)
    # The ingest process's largest RSS in each phase of the run (ingest_phases).
    ingest_phases: dict[str, float] = field(default_factory=dict)
    statuses: dict[str, int] = field(default_factory=dict)
    pages: int | None = None

    @property
    def seconds_per_document(self) -> float:
        return self.seconds / self.documents

    @property
    def cpu_seconds_per_document(self) -> float:
        return self.cpu_seconds / self.documents


def process_role(process: ProcessPeak, by_pid: dict[int, ProcessPeak], root_pid: int) -> str:
    """Which part of the pipeline a process is, from its place in the tree and its command
    line: the ingest process is the root; extraction workers are forked from the
    multiprocessing fork server (whose own command line they keep); dbt is exec'd; the
    quality checks and the report are spawned (pipelines.defs.fresh_process)."""
    if process.pid == root_pid:
        return "ingest"
    parent = by_pid.get(process.parent_pid)
    if "forkserver" in process.command and parent and "forkserver" in parent.command:
        return "extraction worker"
    words = process.command.split()
    if any(Path(word).name == "dbt" for word in words):
        return "dbt"
    if "multiprocessing.spawn" in process.command and process.parent_pid == root_pid:
        return "checks, report"
    if "celery" in process.command and "worker" in words:
        return "celery worker"
    return "other"


def figures_by_role(processes: dict[int, ProcessPeak], root_pid: int) -> dict[str, RoleFigures]:
    roles: dict[str, RoleFigures] = {}
    for process in processes.values():
        role = process_role(process, processes, root_pid)
        mib = process.peak_kib / 1024
        seen = roles.get(role)
        if seen is None:
            roles[role] = RoleFigures(role, 1, mib, process.command[:160])
            continue
        seen.processes += 1
        if mib > seen.peak_mib:
            seen.peak_mib, seen.command = mib, process.command[:160]
    return roles


def ingest_phases(run: RunFigures) -> dict[str, float]:
    """The ingest process's largest RSS (MiB) in each phase, the phases told apart by the
    processes that run in them: start-up and planning until the first extraction worker,
    extraction until the last, the raw load until dbt starts, the dbt build, then the
    quality checks and the report. A phase that did not happen is left out."""
    by_role: dict[str, list[ProcessPeak]] = {}
    for process in run.processes.values():
        by_role.setdefault(process_role(process, run.processes, run.root_pid), []).append(process)
    end = run.root_timeline[-1][0] if run.root_timeline else 0.0
    marks: list[tuple[str, float]] = []
    workers, dbt = by_role.get("extraction worker", []), by_role.get("dbt", [])
    if workers:
        marks += [
            ("start-up", min(p.first_seen for p in workers)),
            ("extraction", max(p.last_seen for p in workers)),
        ]
    if dbt:
        marks += [
            ("raw load", min(p.first_seen for p in dbt)),
            ("dbt", max(p.last_seen for p in dbt)),
        ]
    marks.append(("checks, report" if dbt else "the rest", end + 1))
    phases: dict[str, float] = {}
    since = 0.0
    for name, until in marks:
        inside = [kib for at, kib in run.root_timeline if since <= at < until]
        if inside:
            phases[name] = max(inside) / 1024
        since = until
    return phases


def timed_ingest(
    label: str,
    inbox: Path,
    workdir: Path,
    documents: int,
    warehouse: Path | None = None,
    command: list[str] | None = None,
) -> tuple[SizeFigures, Path, str]:
    """One ingest of `inbox` (into a new warehouse under `workdir` unless `warehouse` is
    given), timed, with every process's peak RSS by role."""
    if warehouse is None:
        warehouse = workdir / "warehouse" / "juesuan.duckdb"
        warehouse.parent.mkdir(parents=True)
    reports = warehouse.parent.parent / "reports"
    run, output = run_ingest(label, inbox, warehouse, reports, command=command)
    figures = SizeFigures(
        label=label,
        documents=documents,
        seconds=run.seconds,
        tree_peak_mib=run.tree_peak_mib,
        largest_process_mib=max(run.largest_process_mib, run.sampled_largest_process_mib),
        cpu_seconds=run.cpu_seconds,
        roles=figures_by_role(run.processes, run.root_pid),
        ingest_phases=ingest_phases(run),
    )
    read_warehouse(run, warehouse)
    figures.statuses, figures.pages = run.statuses, run.pages
    return figures, warehouse, output


def generate_ordered(corpus: Path, largest: int, last_year: int, seed: int) -> list[Path]:
    """The largest corpus, generated once: its PDFs (relative to `corpus`) in the order
    subsets are taken, fiscal year by fiscal year, each unit's final then its budget."""
    from juesuan_samples import generate_corpus
    from juesuan_samples.catalogue import corpus_units

    catalogue = len(corpus_units())
    unit_years = math.ceil(largest / DOCUMENTS_PER_UNIT_YEAR)
    units = min(catalogue, unit_years)
    years = tuple(range(last_year - math.ceil(unit_years / units) + 1, last_year + 1))
    started = time.perf_counter()
    documents = generate_corpus(corpus, units, years, seed, include_seed_case=False, budgets=True)
    print(
        f"corpus: {len(documents)} documents ({units} units × {len(years)} years "
        f"{years[0]}–{years[-1]}, finals and budgets) generated in "
        f"{time.perf_counter() - started:.0f} s"
    )
    # generate_corpus lists unit by unit (each year's final, then its budget); sorting by
    # year keeps that order within a year.
    ordered = sorted(enumerate(documents), key=lambda item: (item[1].fiscal_year, item[0]))
    return [document.pdf_path.relative_to(corpus) for _, document in ordered]


def subset_inbox(corpus: Path, files: list[Path], inbox: Path) -> None:
    """An inbox holding `files` of the corpus: hard links, so no byte is copied and every
    size reads the same files."""
    for relative in files:
        target = inbox / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        os.link(corpus / relative, target)


def one_new_document(folder: Path, year: int, seed: int) -> Path:
    """A final of the catalogue's first unit for a year the corpus does not hold."""
    from juesuan_samples import generate_corpus

    (document,) = generate_corpus(folder, 1, (year,), seed, include_seed_case=False)
    return document.pdf_path


def projection(sizes: list[SizeFigures]) -> dict[str, Any]:
    """Wall time at PROJECTED_DOCUMENTS, extrapolating the line through the two largest
    sizes: their difference is the cost of each added document, the rest is fixed."""
    smaller, larger = sizes[-2], sizes[-1]
    per_document = (larger.seconds - smaller.seconds) / (larger.documents - smaller.documents)
    if per_document > 0:
        fixed = larger.seconds - per_document * larger.documents
        assumption = (
            f"each document beyond {larger.documents} costs what each one from "
            f"{smaller.documents} to {larger.documents} cost ({per_document:.2f} s), on top "
            f"of the fixed {fixed:.0f} s"
        )
    else:  # the larger size ran faster than the smaller (noise): no marginal cost to extend
        per_document, fixed = larger.seconds_per_document, 0.0
        assumption = (
            f"every document costs the {larger.documents}-document run's average "
            f"({per_document:.2f} s; the sizes' difference was negative, noise)"
        )
    return {
        "documents": PROJECTED_DOCUMENTS,
        "seconds": fixed + per_document * PROJECTED_DOCUMENTS,
        "marginal_seconds_per_document": per_document,
        "fixed_seconds": fixed,
        "assumption": (
            f"{assumption}, on this machine's {os.cpu_count()} CPUs; memory stays bounded "
            "(no swapping)"
        ),
    }


def verdict(passed: bool) -> str:
    return "PASS" if passed else "FAIL"


def print_sizes(sizes: list[SizeFigures], largest: SizeFigures) -> None:
    header = (
        f"{'run':<24}{'docs':>6}{'pages*':>7}{'wall s':>9}{'s/doc':>7}{'cpu s':>8}"
        f"{'cpu/doc':>8}{'tree MiB':>10}" + "".join(f"{role:>19}" for role in ROLES)
    )
    print(header)
    print("-" * len(header))
    for run in sizes:
        cells = []
        for role in ROLES:
            found = run.roles.get(role)
            cells.append(f"{found.peak_mib:>12.0f} ({found.processes:>3})" if found else "—")
        print(
            f"{run.label:<24}{run.documents:>6}{run.pages or 0:>7}{run.seconds:>9.1f}"
            f"{run.seconds_per_document:>7.2f}{run.cpu_seconds:>8.0f}"
            f"{run.cpu_seconds_per_document:>8.2f}{run.tree_peak_mib:>10.0f}"
            + "".join(f"{cell:>19}" for cell in cells)
        )
    print(
        "pages*: in the warehouse after the run; role columns: the largest peak RSS of one "
        "process of that role, MiB (processes)"
    )
    for run in sizes:
        phases = ", ".join(f"{name} {mib:.0f}" for name, mib in run.ingest_phases.items())
        print(f"  ingest process by phase, {run.label}: {phases} (MiB)")
    for role in ROLES:
        found = largest.roles.get(role)
        if found:
            print(f"  {role} at {largest.documents}: {found.command}")


def largest_process(run: SizeFigures) -> tuple[str, float]:
    """The role of the largest process sampled, and the largest peak RSS of any process
    (sampled, or ru_maxrss of one the ingest reaped: a spike between samples)."""
    role = max(run.roles.values(), key=lambda figures: figures.peak_mib)
    return role.role, max(role.peak_mib, run.largest_process_mib)


CELERY_ENTRY = "pipelines.defs.ingestion.celery_local"
CELERY_WORKERS = 2


def run_celery(inbox: Path, workdir: Path, documents: int) -> tuple[SizeFigures, dict] | str:
    """The ingest of `inbox` through Celery on this host (CELERY_ENTRY: a Redis broker on
    loopback, CELERY_WORKERS dagster-celery workers, all children of the process timed),
    with its own summary (its `seconds` leave out starting and stopping the workers); or
    why it was not measured."""
    try:
        entry = importlib.import_module(CELERY_ENTRY)
    except ImportError as error:
        return f"no Celery entry point ({error})"
    if entry.redis_server() is None:
        return "redis-server is not installed (Debian package redis-server)"
    warehouse = workdir / "warehouse" / "juesuan.duckdb"
    warehouse.parent.mkdir(parents=True)
    command = [sys.executable, "-m", CELERY_ENTRY, "--sources", str(inbox)]
    command += ["--warehouse", str(warehouse), "--workdir", str(workdir / "celery")]
    command += ["--workers", str(CELERY_WORKERS), "--shards", str(2 * CELERY_WORKERS)]
    try:
        figures, _, output = timed_ingest(
            "celery", inbox, workdir, documents, warehouse=warehouse, command=command
        )
    except BenchmarkFailed as failure:  # the figures measured before it are kept
        last_line = failure.output.strip().splitlines()[-1:] or [""]
        return f"failed: {failure} ({last_line[0][:OUTPUT_LINE_CHARS]})"
    summary = json.loads(output.strip().splitlines()[-1])
    return figures, summary


def measure_report(reports: Path) -> dict | None:
    """report_scale.measure_report (benchmarks/report_scale.py), when it exists."""
    try:
        report_scale = importlib.import_module("report_scale")
    except ImportError:
        return None
    try:
        return report_scale.measure_report(reports)
    except Exception as error:  # a browser that fails to start loses this figure only
        return {"error": f"{type(error).__name__}: {error}"}


def announce(run: SizeFigures) -> None:
    """One line per run as soon as it ends: a later failure loses no figure."""
    role, mib = largest_process(run)
    print(
        f"{run.label}: {run.seconds:.0f} s, {run.cpu_seconds:.0f} CPU-s, largest process "
        f"{mib:.0f} MiB ({role})",
        flush=True,
    )


def run_benchmark(args: argparse.Namespace, workdir: Path) -> dict:
    sizes = sorted(set(args.sizes))
    machine = machine_description()
    print(f"machine: {machine}")
    corpus = workdir / "corpus"
    order = generate_ordered(corpus, sizes[-1], args.last_year, args.seed)
    results: dict = {"machine": machine, "sizes": sizes, "seed": args.seed}
    runs: list[SizeFigures] = []
    for size in sizes:
        folder = workdir / f"size_{size}"
        subset_inbox(corpus, order[:size], folder / "inbox")
        figures, warehouse, _ = timed_ingest(f"cold, {size}", folder / "inbox", folder, size)
        announce(figures)
        runs.append(figures)
        if size != sizes[-1]:
            shutil.rmtree(folder / "warehouse")  # the disk holds one warehouse at a time

    largest_folder = workdir / f"size_{sizes[-1]}"
    inbox, warehouse = largest_folder / "inbox", largest_folder / "warehouse" / "juesuan.duckdb"
    rerun, _, output = timed_ingest(
        f"re-run, {sizes[-1]}", inbox, largest_folder, sizes[-1], warehouse=warehouse
    )
    announce(rerun)
    if NOTHING_TO_EXTRACT not in output:
        raise BenchmarkFailed(f"re-run: {NOTHING_TO_EXTRACT!r} not in its output", output)
    report = measure_report(largest_folder / "reports")

    new_pdf = one_new_document(workdir / "new", args.last_year + 1, args.seed)
    shutil.copy(new_pdf, inbox / new_pdf.name)
    into_largest, _, _ = timed_ingest(
        f"+1 into {sizes[-1]}", inbox, largest_folder, 1, warehouse=warehouse
    )
    announce(into_largest)
    empty_folder = workdir / "one_new"
    (empty_folder / "inbox").mkdir(parents=True)
    shutil.copy(new_pdf, empty_folder / "inbox" / new_pdf.name)
    into_empty, _, _ = timed_ingest("+1 into empty", empty_folder / "inbox", empty_folder, 1)
    announce(into_empty)

    celery: SizeFigures | None = None
    celery_summary: dict | str | None = None
    if args.celery:
        celery_folder = workdir / "celery"
        subset_inbox(corpus, order[: sizes[0]], celery_folder / "inbox")
        measured = run_celery(celery_folder / "inbox", celery_folder, sizes[0])
        if isinstance(measured, str):
            celery_summary = measured
        else:
            celery, celery_summary = measured
            announce(celery)

    print()
    print_sizes([*runs, rerun, into_largest, into_empty, *([celery] if celery else [])], runs[-1])
    print()
    first, last = runs[0], runs[-1]
    checks = []
    peaks = [largest_process(run) for run in runs]
    growth = peaks[-1][1] / peaks[0][1]
    checks.append(
        (
            "largest process, growth",
            f"{peaks[-1][1]:.0f} MiB ({peaks[-1][0]}) at {last.documents} / "
            f"{peaks[0][1]:.0f} MiB ({peaks[0][0]}) at {first.documents} = {growth:.2f}× "
            f"(target ≤ {LARGEST_PROCESS_GROWTH:.2f}×)",
            growth <= LARGEST_PROCESS_GROWTH,
        )
    )
    worst = max(peak for _, peak in peaks)
    checks.append(
        (
            "largest process, size",
            f"{worst:.0f} MiB at most (target < {LARGEST_PROCESS_MIB} MiB)",
            worst < LARGEST_PROCESS_MIB,
        )
    )
    # Wall time and CPU time both: on a shared machine the wall clock measures the others.
    for smaller, larger in itertools.pairwise(runs):
        for what, unit, per_document in (
            ("time", "s", lambda run: run.seconds_per_document),
            ("CPU", "CPU-s", lambda run: run.cpu_seconds_per_document),
        ):
            after, before = per_document(larger), per_document(smaller)
            ratio = after / before
            checks.append(
                (
                    f"{what} per document {smaller.documents}→{larger.documents}",
                    f"{after:.2f} / {before:.2f} {unit} = {ratio:.2f}× "
                    "(target ≤ 1.00×: linear or better)",
                    ratio <= 1.0,
                )
            )
    for what, unit, largest_figure, empty_figure in (
        ("time", "s", into_largest.seconds, into_empty.seconds),
        ("CPU", "CPU-s", into_largest.cpu_seconds, into_empty.cpu_seconds),
    ):
        one_new = largest_figure / empty_figure
        checks.append(
            (
                f"one new document, {what}",
                f"into {last.documents}: {largest_figure:.1f} {unit} / into empty: "
                f"{empty_figure:.1f} {unit} = {one_new:.2f}× "
                f"(target ≤ {ONE_NEW_DOCUMENT_RATIO}×)",
                one_new <= ONE_NEW_DOCUMENT_RATIO,
            )
        )
    checks.append(
        (
            "re-run, nothing new",
            f"{rerun.seconds:.1f} s on {last.documents} documents "
            f"(target < {RERUN_TARGET_SECONDS} s)",
            rerun.seconds < RERUN_TARGET_SECONDS,
        )
    )
    for name, text, passed in checks:
        print(f"{verdict(passed)}  {name}: {text}")
    projected = projection(runs) if len(runs) > 1 else None
    if projected:
        print(
            f"projection: {projected['documents']:,} documents in "
            f"{projected['seconds'] / 3600:.1f} h, assuming {projected['assumption']}"
        )
    if report is None:
        print("report: not measured (benchmarks/report_scale.py has no measure_report)")
    else:
        print(
            f"report at {last.documents} documents: "
            + ", ".join(f"{key} {value}" for key, value in report.items())
        )
    if args.celery:
        if celery is None:
            print(f"celery: not measured: {celery_summary}")
        else:
            assert isinstance(celery_summary, dict)
            same = runs[0]
            print(
                f"celery: {celery.seconds:.0f} s ({celery_summary.get('seconds')} s from plan "
                f"to the run's end, without starting the workers) against in-process "
                f"{same.seconds:.0f} s at {same.documents} documents = "
                f"{celery.seconds / same.seconds:.2f}×; steps by worker: "
                f"{Counter(celery_summary.get('steps', {}).values())}"
            )
    print(
        "memory: per-process peak RSS sampled from /proc every 0.2 s over the whole tree "
        "(operations.TreeMemorySampler); wall time from process start to exit"
    )
    everything = [*runs, rerun, into_largest, into_empty, *([celery] if celery else [])]
    results.update(
        runs=[
            {
                **asdict(run),
                "seconds_per_document": run.seconds_per_document,
                "cpu_seconds_per_document": run.cpu_seconds_per_document,
            }
            for run in everything
        ],
        checks=[{"name": n, "figures": t, "passed": p} for n, t, p in checks],
        projection=projected,
        report=report,
        celery=celery_summary,
        not_measured=[f"celery: {celery_summary}"] if args.celery and celery is None else [],
    )
    return results


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=list(DEFAULT_SIZES))
    parser.add_argument("--last-year", type=int, default=2024, help="the corpus's last year")
    parser.add_argument("--seed", type=int, default=20240901)
    parser.add_argument("--celery", action="store_true", help="also time a Celery run")
    parser.add_argument("--json", type=Path, default=None, help="also write the figures here")
    parser.add_argument(
        "--workdir", type=Path, default=None, help="keep corpora and warehouses here"
    )
    args = parser.parse_args()
    if min(args.sizes) < DOCUMENTS_PER_UNIT_YEAR:
        parser.error(f"every size needs at least {DOCUMENTS_PER_UNIT_YEAR} documents")
    if len(set(args.sizes)) < 2:
        parser.error("give at least two sizes: the figures are ratios")

    def benchmark() -> dict:
        if args.workdir:
            args.workdir.mkdir(parents=True, exist_ok=False)
            return run_benchmark(args, args.workdir)
        with tempfile.TemporaryDirectory(prefix="juesuan-scale-") as workdir:
            return run_benchmark(args, Path(workdir))

    run_and_report(benchmark, args.json)


if __name__ == "__main__":
    main()
