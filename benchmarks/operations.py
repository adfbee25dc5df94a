"""Operations benchmark: `juesuan ingest` end to end, as an operator runs it.

    .venv/bin/python benchmarks/operations.py [--units 100] [--small-units 10] [--json PATH]

Generates two corpora with the sample generator (no seed case, same seed): `--units` ×
`--years` documents (200 by default) and `--small-units` × `--years` (20). Then, each
in a subprocess `python -m pipelines.cli ingest --sources DIR --warehouse FILE` with an
ephemeral Dagster instance and a fresh temporary folder:

  1. the large corpus into an empty warehouse (cold);
  2. the same inbox and warehouse again, nothing changed (must say "待提取 (to extract) 0");
  3. the small corpus into an empty warehouse (cold).

Each run reports wall time (process start to exit: imports, extraction, load, dbt build,
quality checks and report), pages (sum of raw.documents.page_count), pages/s, documents/s
and two peak-memory figures: the process tree's peak total RSS (the ingest process and
every descendant, sampled from /proc every 0.2 s) and the largest single process's peak
RSS (ru_maxrss of the ingest process and the descendants it reaped). Last comes the
scaling figure: time(large) / time(small) against the ratio of document counts.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(REPO / "samples")]  # the product and the sample generator

SAMPLE_SECONDS = 0.2
NOTHING_TO_EXTRACT = "待提取 (to extract) 0"
OUTPUT_TAIL_CHARS = 3000
VERSIONED_PACKAGES = ("camelot-py", "dagster", "duckdb", "dbt-core")
# Where things are: a run's own command line and folders say it, not the caller's settings.
PATH_SETTINGS = (
    "JUESUAN_SOURCES",
    "JUESUAN_WAREHOUSE",
    "JUESUAN_REPORTS",
    "JUESUAN_UNIT_REGISTRY",
    "DAGSTER_HOME",
)


@dataclass
class ProcessPeak:
    """One process of the tree: its parent, its command line, its largest RSS seen, and
    when it was first and last seen (seconds since sampling began)."""

    pid: int
    parent_pid: int
    command: str
    peak_kib: int
    first_seen: float
    last_seen: float
    # CPU seconds at the last sample: its own, and its reaped children's.
    cpu_seconds: float = 0.0
    children_cpu_seconds: float = 0.0


@dataclass
class RunFigures:
    label: str
    documents: int
    seconds: float
    tree_peak_mib: float
    largest_process_mib: float
    sampled_largest_process_mib: float
    pages: int | None = None
    documents_in_warehouse: int | None = None
    statuses: dict[str, int] = field(default_factory=dict)
    # Every process of the run's tree with its own peak (TreeMemorySampler.processes).
    processes: dict[int, ProcessPeak] = field(default_factory=dict, repr=False)
    root_pid: int = 0
    root_timeline: list[tuple[float, int]] = field(default_factory=list, repr=False)
    cpu_seconds: float = 0.0  # user + system of the whole tree (tree_cpu_seconds)

    @property
    def pages_per_second(self) -> float | None:
        return self.pages / self.seconds if self.pages else None

    @property
    def documents_per_second(self) -> float:
        return self.documents / self.seconds


class BenchmarkFailed(Exception):
    def __init__(self, message: str, output: str) -> None:
        super().__init__(message)
        self.output = output


CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def _children_by_parent() -> tuple[dict[int, list[int]], dict[int, tuple[float, float]]]:
    """Every process's children, and its CPU seconds: its own (user + system) and its
    reaped children's (cutime + cstime), from /proc/<pid>/stat."""
    children: dict[int, list[int]] = {}
    cpu: dict[int, tuple[float, float]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            stat = Path(entry.path, "stat").read_text()
        except OSError:  # the process ended between listing and reading
            continue
        # The command name (field 2) may hold spaces and parentheses: split after its ")".
        fields = stat.rsplit(")", 1)[1].split()
        ppid = int(fields[1])
        children.setdefault(ppid, []).append(int(entry.name))
        utime, stime, cutime, cstime = (int(value) for value in fields[11:15])
        cpu[int(entry.name)] = ((utime + stime) / CLOCK_TICKS, (cutime + cstime) / CLOCK_TICKS)
    return children, cpu


def _command_line(pid: int) -> str:
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return ""
    return raw.rstrip(b"\0").replace(b"\0", b" ").decode("utf-8", errors="replace")


def _rss_kib(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0  # gone, or a zombie (which has no VmRSS line)


class TreeMemorySampler(threading.Thread):
    """Peak summed RSS of a process and all its descendants (forkserver, extraction
    workers, dbt), polled from /proc: ru_maxrss alone cannot see what runs at once.
    `processes` keeps every process seen, with its own peak and command line (read again
    when its RSS grows: a child that execs, like dbt, changes its command line)."""

    def __init__(self, root_pid: int) -> None:
        super().__init__(daemon=True)
        self.root_pid = root_pid
        self.peak_total_kib = 0
        self.peak_single_kib = 0
        self.processes: dict[int, ProcessPeak] = {}
        # (seconds since start, KiB) of the root process: where in the run it grows.
        self.root_timeline: list[tuple[float, int]] = []
        self._sampling_since = time.perf_counter()
        self._finished = threading.Event()

    def run(self) -> None:
        while not self._finished.is_set():
            self._sample()
            self._finished.wait(SAMPLE_SECONDS)

    def _sample(self) -> None:
        children, cpu = _children_by_parent()
        tree, pending = [], [(self.root_pid, 0)]
        while pending:
            pid, parent = pending.pop()
            tree.append((pid, parent))
            pending.extend((child, pid) for child in children.get(pid, ()))
        sizes = [_rss_kib(pid) for pid, _ in tree]
        self.peak_total_kib = max(self.peak_total_kib, sum(sizes))
        self.peak_single_kib = max(self.peak_single_kib, *sizes)
        now = time.perf_counter() - self._sampling_since
        self.root_timeline.append((now, sizes[0]))
        for (pid, parent), size in zip(tree, sizes, strict=True):
            seen = self.processes.get(pid)
            if seen is None:
                command = _command_line(pid)
                seen = self.processes[pid] = ProcessPeak(pid, parent, command, size, now, now)
            seen.last_seen = now
            seen.cpu_seconds, seen.children_cpu_seconds = cpu.get(pid, (0.0, 0.0))
            if size > seen.peak_kib:
                seen.peak_kib = size
                seen.command = _command_line(pid) or seen.command

    def stop(self) -> None:
        self._finished.set()
        self.join()


def tree_cpu_seconds(
    usage: resource.struct_rusage, processes: dict[int, ProcessPeak], root_pid: int
) -> float:
    """CPU seconds (user + system) of a run's whole process tree. wait4's usage covers the
    root and every descendant reaped through it (dbt, Celery workers); multiprocessing's
    fork server outlives the root (it ends when the root does), so it is never reaped
    through it: its own CPU and its reaped workers' (the extraction) are added from its
    last sample."""
    outliving = [
        process
        for process in processes.values()
        if process.parent_pid == root_pid and "multiprocessing.forkserver" in process.command
    ]
    return (
        usage.ru_utime
        + usage.ru_stime
        + sum(process.cpu_seconds + process.children_cpu_seconds for process in outliving)
    )


def _ingest_environment(reports: Path, dagster_home: Path | None = None) -> dict[str, str]:
    """The caller's environment without any Juesuan or Dagster path: the command line
    alone says where things are, Dagster's instance is ephemeral (in memory) unless
    `dagster_home` is given, and the report goes to the temporary folder instead of the
    checkout's reports/. Other Juesuan settings (JUESUAN_DUCKDB_MEMORY_LIMIT …) pass."""
    env = {name: value for name, value in os.environ.items() if name not in PATH_SETTINGS}
    env["JUESUAN_REPORTS"] = str(reports)
    if dagster_home is not None:
        dagster_home.mkdir(parents=True, exist_ok=True)
        env["DAGSTER_HOME"] = str(dagster_home)
    return env


def ingest_command(inbox: Path, warehouse: Path) -> list[str]:
    return [
        sys.executable,
        "-m",
        "pipelines.cli",
        "ingest",
        "--sources",
        str(inbox),
        "--warehouse",
        str(warehouse),
    ]


def run_ingest(
    label: str,
    inbox: Path,
    warehouse: Path,
    reports: Path,
    command: list[str] | None = None,
    dagster_home: Path | None = None,
) -> tuple[RunFigures, str]:
    """One `juesuan ingest` (or `command`, another way to run it on the same inbox and
    warehouse), timed and memory-sampled; returns its figures and output. Dagster's
    instance is in memory, or the one in `dagster_home` (an operator's, kept across runs)."""
    command = command or ingest_command(inbox, warehouse)
    slug = "".join(c if c.isalnum() else "_" for c in label)
    log_path = warehouse.parent / f"ingest_{slug}.log"
    # Output goes to a file, not a pipe: nothing to drain while we wait on the process.
    with log_path.open("wb") as log:
        started = time.perf_counter()
        process = subprocess.Popen(
            command,
            cwd=REPO,
            env=_ingest_environment(reports, dagster_home),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        sampler = TreeMemorySampler(process.pid)
        sampler.start()
        # wait4 gives this child's own rusage; RUSAGE_CHILDREN would be the running max
        # over every run so far, which hides a smaller run after a larger one.
        _, wait_status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(wait_status)
        sampler.stop()
    output = log_path.read_text(encoding="utf-8", errors="replace")
    if process.returncode != 0:
        raise BenchmarkFailed(f"{label}: ingest exited with {process.returncode}", output)
    figures = RunFigures(
        label=label,
        documents=0,
        seconds=seconds,
        tree_peak_mib=sampler.peak_total_kib / 1024,
        largest_process_mib=usage.ru_maxrss / 1024,  # KiB on Linux
        sampled_largest_process_mib=sampler.peak_single_kib / 1024,
        processes=sampler.processes,
        root_pid=process.pid,
        root_timeline=sampler.root_timeline,
        cpu_seconds=tree_cpu_seconds(usage, sampler.processes, process.pid),
    )
    return figures, output


def read_warehouse(figures: RunFigures, warehouse: Path) -> None:
    import duckdb

    with duckdb.connect(str(warehouse), read_only=True) as con:
        pages, documents = con.execute(
            "select coalesce(sum(page_count), 0), count(*) from raw.documents"
        ).fetchone()
        statuses = con.execute(
            "select status, count(*) from raw.documents group by status order by status"
        ).fetchall()
    figures.pages = int(pages)
    figures.documents_in_warehouse = int(documents)
    figures.statuses = {status: int(n) for status, n in statuses}


def cold_run(label: str, workdir: Path, documents: int) -> tuple[RunFigures, Path, Path]:
    """Ingest `workdir/inbox` into a new warehouse beside it; returns the figures and the
    warehouse and reports paths (for a second run on the same state)."""
    warehouse, reports = workdir / "warehouse" / "juesuan.duckdb", workdir / "reports"
    warehouse.parent.mkdir(parents=True)
    figures, _ = run_ingest(label, workdir / "inbox", warehouse, reports)
    figures.documents = documents
    read_warehouse(figures, warehouse)
    return figures, warehouse, reports


def machine_description() -> dict[str, str | int | None]:
    versions = {name: importlib.metadata.version(name) for name in VERSIONED_PACKAGES}
    return {"cpus": os.cpu_count(), "python": platform.python_version(), **versions}


def _cell(value: float | None, spec: str) -> str:
    return format(value, spec) if value is not None else "—"


def print_table(runs: list[RunFigures]) -> None:
    header = (
        f"{'run':<28}{'docs':>6}{'pages':>7}{'wall s':>9}{'pages/s':>9}{'docs/s':>8}"
        f"{'tree peak MiB':>15}{'largest proc MiB':>18}"
    )
    print(header)
    print("-" * len(header))
    for run in runs:
        print(
            f"{run.label:<28}{run.documents:>6}{_cell(run.pages, 'd'):>7}{run.seconds:>9.1f}"
            f"{_cell(run.pages_per_second, '.1f'):>9}{run.documents_per_second:>8.2f}"
            f"{run.tree_peak_mib:>15.0f}{run.largest_process_mib:>18.0f}"
        )


def scaling(large: RunFigures, small: RunFigures) -> dict[str, float | bool]:
    documents_ratio = large.documents / small.documents
    time_ratio = large.seconds / small.seconds
    per_document_ratio = (large.seconds / large.documents) / (small.seconds / small.documents)
    return {
        "documents_ratio": documents_ratio,
        "time_ratio": time_ratio,
        "per_document_time_ratio": per_document_ratio,
        "linear_or_better": time_ratio <= documents_ratio,
    }


def run_benchmark(args: argparse.Namespace) -> dict:
    years = tuple(args.years)
    machine = machine_description()
    print(
        f"machine: {machine['cpus']} CPUs, Python {machine['python']}, "
        + ", ".join(f"{name} {machine[name]}" for name in VERSIONED_PACKAGES)
    )
    runs: list[RunFigures] = []
    with tempfile.TemporaryDirectory(prefix="juesuan-ops-large-") as large_tmp:
        large_dir = Path(large_tmp)
        large_docs = generate("large", large_dir / "inbox", args.units, years, args.seed)
        cold, warehouse, reports = cold_run("cold, large corpus", large_dir, len(large_docs))
        runs.append(cold)
        inbox = large_dir / "inbox"
        rerun, output = run_ingest("re-run, nothing changed", inbox, warehouse, reports)
        if NOTHING_TO_EXTRACT not in output:
            raise BenchmarkFailed(f"re-run: {NOTHING_TO_EXTRACT!r} not in its output", output)
        rerun.documents = len(large_docs)
        runs.append(rerun)

    with tempfile.TemporaryDirectory(prefix="juesuan-ops-small-") as small_tmp:
        small_dir = Path(small_tmp)
        small_docs = generate("small", small_dir / "inbox", args.small_units, years, args.seed)
        small, _, _ = cold_run("cold, small corpus", small_dir, len(small_docs))
        runs.append(small)

    print()
    print_table(runs)
    print()
    for run in (cold, small):
        statuses = ", ".join(f"{status} {n}" for status, n in run.statuses.items())
        print(f"{run.label}: {run.documents_in_warehouse} in raw.documents ({statuses})")
    figures = scaling(cold, small)
    print(
        f"scaling: {cold.documents} documents took {figures['time_ratio']:.2f}× the time of "
        f"{small.documents} ({figures['documents_ratio']:.0f}× the documents); "
        f"per-document time ratio {figures['per_document_time_ratio']:.2f}"
    )
    verdict = "linear or better" if figures["linear_or_better"] else "worse than linear"
    print(f"scaling: {verdict}")
    print(
        "memory: tree peak = summed RSS of the ingest process and all descendants, sampled "
        f"every {SAMPLE_SECONDS} s; largest proc = ru_maxrss over the ingest process and "
        "the descendants it reaped"
    )
    return {
        "machine": machine,
        "years": list(years),
        "seed": args.seed,
        "runs": [
            {
                **{
                    name: value
                    for name, value in asdict(run).items()
                    if name not in ("processes", "root_timeline")
                },
                "pages_per_second": run.pages_per_second,
                "documents_per_second": run.documents_per_second,
            }
            for run in runs
        ],
        "scaling": figures,
    }


def generate(label: str, inbox: Path, units: int, years: tuple[int, ...], seed: int) -> list:
    from juesuan_samples import generate_corpus  # after sys.path has the checkout

    started = time.perf_counter()
    documents = generate_corpus(inbox, units, years, seed, include_seed_case=False)
    print(
        f"{label} corpus: {len(documents)} documents ({units} units × {len(years)} years) "
        f"generated in {time.perf_counter() - started:.1f} s"
    )
    return documents


def run_and_report(benchmark: Callable[[], dict], json_path: Path | None) -> None:
    """Run a benchmark; on failure print why with its output's tail and exit 1, else
    write its figures to json_path when one is given, then exit 1 if a measurement it was
    asked for could not be made (the figures' "not_measured": what and why), so that a
    scripted run notices."""
    try:
        results = benchmark()
    except BenchmarkFailed as failure:
        print(f"benchmark failed: {failure}", file=sys.stderr)
        print(failure.output[-OUTPUT_TAIL_CHARS:], file=sys.stderr)
        sys.exit(1)
    if json_path:
        json_path.parent.mkdir(parents=True, exist_ok=True)
        json_path.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n")
        print(f"figures written to {json_path}")
    if results.get("not_measured"):
        print("not measured: " + "; ".join(results["not_measured"]), file=sys.stderr)
        sys.exit(1)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--units", type=int, default=100, help="units in the large corpus")
    parser.add_argument("--small-units", type=int, default=10, help="units in the small corpus")
    parser.add_argument("--years", type=int, nargs="+", default=[2023, 2024])
    parser.add_argument("--seed", type=int, default=20240901)
    parser.add_argument("--json", type=Path, default=None, help="also write the figures here")
    args = parser.parse_args()
    run_and_report(lambda: run_benchmark(args), args.json)


if __name__ == "__main__":
    main()
