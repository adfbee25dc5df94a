"""Runs whose process died, and steps waiting for the warehouse's pool.

A run killed hard (kill -9, a lost host) stays STARTED in the Dagster instance and keeps
its slot in the pool "duckdb"; Dagster frees it only when its daemon runs with
`free_slots_after_run_end_seconds`, and only once the run is marked finished. Here every
run records the process that executes it (host and pid tags), a later process that finds
that process gone marks the run failed and frees its slots, and a step blocked on the pool
polls without spinning, names the run it waits for, and gives up after a bounded time.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import dagster as dg
from dagster._core.execution.plan.instance_concurrency_context import InstanceConcurrencyContext

from pipelines import settings

# Set on every run by the process that executes it (its orchestrating process, for Dagster's
# multiprocess executor): `juesuan ingest`, a run worker of the local launcher, a pod.
RUN_HOST_TAG = "juesuan/host"
RUN_PID_TAG = "juesuan/pid"

ACTIVE_STATUSES = [
    dg.DagsterRunStatus.STARTING,
    dg.DagsterRunStatus.STARTED,
    dg.DagsterRunStatus.CANCELING,
]
# A pid is reused: the process found must have started before the run did (clock ticks
# round the start time to 1/100 s; a second covers that and clock adjustments).
START_SLACK_SECONDS = 1.0
# How often a blocked step polls, looks for dead holders, and repeats what it waits for.
POLL_SECONDS = 0.5
REAP_EVERY_SECONDS = 5.0
ANNOUNCE_EVERY_SECONDS = 60.0


def run_process_tags() -> dict[str, str]:
    """Tags naming this process, for a run executed in it."""
    return {RUN_HOST_TAG: socket.gethostname(), RUN_PID_TAG: str(os.getpid())}


def process_started_at(pid: int) -> float | None:
    """When process `pid` of this host started (Unix time); None when there is none."""
    if not Path("/proc/self/stat").exists():  # no procfs (macOS): existence only
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return None
        except PermissionError:
            pass
        return 0.0
    try:
        # The command name (field 2) may hold spaces and parentheses: fields count from
        # the last ')'. Field 22 is the start in clock ticks after boot.
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        if fields[0] == "Z":  # a zombie has exited; only its parent has not reaped it
            return None
        ticks = int(fields[19])
    except (OSError, IndexError, ValueError):
        return None
    boot = next(
        int(line.split()[1])
        for line in Path("/proc/stat").read_text().splitlines()
        if line.startswith("btime ")
    )
    return boot + ticks / os.sysconf("SC_CLK_TCK")


def descendant_pids(root: int) -> list[int]:
    """The processes below `root` (children first, then theirs), from procfs."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue  # exited meanwhile
        children.setdefault(parent, []).append(int(entry.name))
    found, frontier = [], [root]
    while frontier:
        below = [pid for parent in frontier for pid in children.get(parent, [])]
        found.extend(below)
        frontier = below
    return found


def stop_descendants(grace_seconds: float = 3.0) -> None:
    """Stops every process this one started (dbt, extraction workers, log tails): SIGTERM,
    then SIGKILL for those still there after the grace time."""
    pids = descendant_pids(os.getpid())
    for pid in pids:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + grace_seconds
    while time.monotonic() < deadline and any(process_started_at(p) for p in pids):
        time.sleep(0.1)
    for pid in pids:
        if process_started_at(pid) is not None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)


@dataclass(frozen=True)
class RunWorker:
    """The process executing a run, as far as this host can tell."""

    host: str
    pid: int

    def describe(self) -> str:
        return f"进程 {self.pid}@{self.host}"


def run_worker(run: dg.DagsterRun) -> RunWorker | None:
    """The run's process, from its tags; None for a run that has not started executing."""
    if RUN_PID_TAG in run.tags and RUN_HOST_TAG in run.tags:
        return RunWorker(run.tags[RUN_HOST_TAG], int(run.tags[RUN_PID_TAG]))
    return None


def worker_alive(worker: RunWorker, run_started: float | None) -> bool | None:
    """Whether the run's process still runs; None when it is on another host."""
    if worker.host != socket.gethostname():
        return None
    started = process_started_at(worker.pid)
    if started is None:
        return False
    return run_started is None or started <= run_started + START_SLACK_SECONDS


@dataclass(frozen=True)
class ReapedRun:
    run_id: str
    worker: RunWorker | None
    status: dg.DagsterRunStatus  # before it was reaped

    def describe(self) -> str:
        if self.worker is None:
            return f"运行 {self.run_id}（已结束：{self.status.value}）：释放其数据仓库写入槽"
        return (
            f"运行 {self.run_id}（{self.worker.describe()} 已不存在）："
            "标记为失败，释放其数据仓库写入槽"
        )


def reap_dead_runs(instance: dg.DagsterInstance) -> list[ReapedRun]:
    """Marks failed every run that claims to be starting or running but whose process is
    gone, and frees the pool slots and queued claims of such runs and of finished runs.
    A run whose process may still be alive (here, or on a host that cannot be checked from
    here) is left alone."""
    storage = instance.event_log_storage
    holders: set[str] = set()
    if storage.supports_global_concurrency_limits:
        keys = list(storage.get_concurrency_keys())
        for info in storage.get_concurrency_infos(keys).values():
            holders.update(slot.run_id for slot in info.claimed_slots)
            holders.update(step.run_id for step in info.pending_steps)
    candidates = {
        record.dagster_run.run_id: record
        for record in instance.get_run_records(dg.RunsFilter(statuses=ACTIVE_STATUSES))
    }
    if holders - candidates.keys():
        for record in instance.get_run_records(
            dg.RunsFilter(run_ids=list(holders - candidates.keys()))
        ):
            candidates[record.dagster_run.run_id] = record
    reaped = []
    for run_id, record in candidates.items():
        run = record.dagster_run
        worker = run_worker(run)
        alive = worker_alive(worker, record.start_time) if worker is not None else None
        if run.is_finished:
            if alive or run_id not in holders:
                continue  # a run marked finished while its process goes on writing
            free_pool_slots(instance, run_id)
            reaped.append(ReapedRun(run_id, None, run.status))
        elif alive is False and worker is not None:
            instance.report_run_failed(
                run,
                f"运行进程已不存在（{worker.describe()}），由后来的运行标记为失败 "
                "(the run's process is gone: marked failed by a later run)",
            )
            free_pool_slots(instance, run_id)
            reaped.append(ReapedRun(run_id, worker, run.status))
    return reaped


def free_pool_slots(instance: dg.DagsterInstance, run_id: str) -> None:
    """Frees every pool slot and queued claim of the run."""
    if instance.event_log_storage.supports_global_concurrency_limits:
        instance.event_log_storage.free_concurrency_slots_for_run(run_id)


class PoolWaitTimeout(Exception):
    """A step waited longer than JUESUAN_POOL_WAIT_SECONDS for the warehouse's pool."""


class BoundedPoolWait(InstanceConcurrencyContext):
    """Dagster's claim on a pool for the steps of one run, made crash-safe: the run is
    tagged with its process, and while a step is blocked it frees the claims of dead runs,
    says who holds the pool, sleeps between checks (Dagster 1.13's wait never sleeps: it
    spins a CPU), and gives up after JUESUAN_POOL_WAIT_SECONDS."""

    def __init__(self, instance: dg.DagsterInstance, dagster_run: dg.DagsterRun):
        super().__init__(instance, dagster_run)
        if RUN_PID_TAG not in dagster_run.tags:  # launched by a sensor, a schedule, the UI
            instance.add_run_tags(dagster_run.run_id, run_process_tags())
        self._instance_for_waits = instance
        self._own_run_id = dagster_run.run_id
        self._blocked_since: dict[str, float] = {}
        self._announced_at: dict[str, float] = {}
        self._reaped_at = 0.0

    def claim(self, concurrency_key: str, step_key: str, step_priority: int = 0) -> bool:
        if super().claim(concurrency_key, step_key, step_priority):
            self._blocked_since.pop(step_key, None)
            return True
        now = time.monotonic()
        since = self._blocked_since.setdefault(step_key, now)
        if now - self._reaped_at >= REAP_EVERY_SECONDS:
            self._reaped_at = now
            reaped = reap_dead_runs(self._instance_for_waits)
            for run in reaped:
                self._say(f"已清理：{run.describe()}")
            if reaped:
                return False  # the freed slot is this step's at one of the next checks
        limit = settings.pool_wait_seconds()
        if now - since > limit:
            holders = self._holders(concurrency_key)
            raise PoolWaitTimeout(
                f"数据仓库写入槽被{holders}占用，步骤 {step_key} 已等待 {limit:.0f} 秒仍未释放"
                f"（上限 {settings.POOL_WAIT_ENV}）；该运行结束后再试 "
                f"(pool {concurrency_key} still held after {limit:.0f} s)"
            )
        if now - self._announced_at.get(step_key, -ANNOUNCE_EVERY_SECONDS) >= (
            ANNOUNCE_EVERY_SECONDS
        ):
            self._announced_at[step_key] = now
            holders = self._holders(concurrency_key)
            self._say(
                f"数据仓库写入槽被{holders}占用，步骤 {step_key} 等待其结束（最多 {limit:.0f} 秒）"
            )
        return False

    def interval_to_next_pending_claim_check(self) -> float:
        return POLL_SECONDS if self.has_pending_claims() else 0.0

    def _holders(self, concurrency_key: str) -> str:
        info = self._instance_for_waits.event_log_storage.get_concurrency_info(concurrency_key)
        runs = sorted({s.run_id for s in info.claimed_slots if s.run_id != self._own_run_id})
        return f"运行 {', '.join(runs)} " if runs else "排在前面的其他运行"

    def _say(self, message: str) -> None:
        # On the terminal for `juesuan ingest`, in the run's event log for the UI.
        print(message, file=sys.stderr, flush=True)
        run = self._instance_for_waits.get_run_by_id(self._own_run_id)
        if run is not None:
            self._instance_for_waits.report_engine_event(message, run)


def install_bounded_pool_wait() -> None:
    """Makes Dagster's executors (in process, multiprocess, step per pod, Celery) claim
    pools through BoundedPoolWait: they take the class from their module's namespace."""
    from dagster._core.executor import in_process, multiprocess
    from dagster._core.executor.step_delegating import step_delegating_executor

    modules = [in_process, multiprocess, step_delegating_executor]
    if settings.executor_name() == "celery":  # imported only then: celery costs 0.25 s
        from dagster_celery import core_execution_loop

        modules.append(core_execution_loop)
    for module in modules:
        module.InstanceConcurrencyContext = BoundedPoolWait  # type: ignore[attr-defined]
