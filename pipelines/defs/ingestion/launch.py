"""One ingestion run from the command line: the same run the sensor or the schedule
would launch, executed in this process (or orchestrated from it, with a distributed
executor)."""

from __future__ import annotations

import contextlib
import os
import signal
import threading
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, TypeVar

import dagster as dg
from dagster._core.storage.tags import MAX_RETRIES_TAG

from pipelines import settings
from pipelines.defs.ingestion.assets import EXTRACTIONS_KEY
from pipelines.defs.ingestion.partitions import register_documents
from pipelines.defs.ingestion.planning import pending_sources, range_tags
from pipelines.defs.run_workers import free_pool_slots, run_process_tags, stop_descendants
from pipelines.extract.runner import SkippedEntry, discover
from pipelines.warehouse import WarehouseResource

# The console log shows warnings (each rejected document) and errors; the full event log
# is Dagster's, under `make dev`.
QUIET_LOGS = {"loggers": {"console": {"config": {"log_level": "WARNING"}}}}
T = TypeVar("T")


@dataclass
class IngestPlan:
    documents: int  # distinct contents in the inbox
    pending: list[str]  # document ids to extract, in partition order
    tags: dict[str, str]  # the run's partition range; empty when nothing is pending
    rebuild_only: bool  # nothing to extract, but the marts or checks are behind raw
    skipped: list[SkippedEntry]  # inbox entries that cannot or will not be read
    partition_order: list[str] = field(repr=False)  # every partition, in order

    def in_runs(self, documents_per_run: int) -> list[IngestPlan]:
        """The plan as consecutive runs of at most `documents_per_run` pending documents
        each, their partition ranges one after the other; the plan itself when it fits in
        one run (or has nothing pending)."""
        if len(self.pending) <= documents_per_run:
            return [self]
        return [
            replace(self, pending=part, tags=range_tags(part, self.partition_order))
            for part in (
                self.pending[start : start + documents_per_run]
                for start in range(0, len(self.pending), documents_per_run)
            )
        ]


def plan_ingestion(
    instance: dg.DagsterInstance, inbox: Path, warehouse: Path, force: bool = False
) -> IngestPlan:
    """Registers the inbox's documents as partitions and decides what the run covers."""
    scan = discover(inbox, settings.inbox_hashes_path())
    sources = scan.documents
    partition_order = register_documents(instance, sources)
    warehouse_resource = WarehouseResource(path=str(warehouse))
    position = {key: index for index, key in enumerate(partition_order)}
    pending = sorted(
        (s.document_id for s in pending_sources(sources, warehouse_resource, force)),
        key=position.__getitem__,
    )
    tags = range_tags(pending, partition_order) if pending else {}
    rebuild_only = not pending and warehouse_resource.downstream_behind_raw()
    return IngestPlan(len(sources), pending, tags, rebuild_only, scan.skipped, partition_order)


def _run_scope(
    job: dg.JobDefinition, plan: IngestPlan, force: bool, shards: int
) -> tuple[dict, list[dg.AssetKey] | None] | None:
    """The run config and asset selection of the plan's run; None when there is nothing
    to do."""
    if plan.pending:
        extraction = {"force": force, "shards": shards}
        return {**QUIET_LOGS, "ops": {"document_extractions": {"config": extraction}}}, None
    if plan.rebuild_only:
        # Everything but the per-document (partitioned) assets.
        graph = job.asset_layer.asset_graph
        selection = [
            key
            for key in job.asset_layer.executable_asset_keys
            if graph.get(key).partitions_def is None
        ]
        return QUIET_LOGS, selection
    return None


def _run_tags(plan: IngestPlan) -> dict[str, str]:
    return {
        **plan.tags,
        **run_process_tags(),  # a later run can tell when this process is gone
        "juesuan/trigger": "cli",
        # The operator re-runs the command; the daemon must not relaunch it.
        MAX_RETRIES_TAG: "0",
    }


@dataclass
class IngestRun:
    """What `juesuan ingest` tells of a finished run, read back from the instance."""

    run_id: str
    success: bool
    failures: list[dg.DagsterEvent]  # the steps' and the run's failure events, in order
    extraction: dict[str, Any] | None  # the run's extraction figures (document_extractions)


def run_ingestion(
    defs: dg.Definitions,
    instance: dg.DagsterInstance,
    plan: IngestPlan,
    force: bool = False,
) -> IngestRun | None:
    """Executes the plan in this process; None when there is nothing to do."""
    job = defs.resolve_job_def("ingest")
    scope = _run_scope(job, plan, force, shards=1)
    if scope is None:
        return None
    run_config, asset_selection = scope
    run_id = str(uuid.uuid4())
    try:
        execute_interruptibly(
            instance,
            run_id,
            lambda: execute_in_this_process(
                job, instance, run_id, _run_tags(plan), run_config, asset_selection
            ),
        )
    finally:
        # In process, nothing of the run goes on once it returns or is interrupted: a
        # slot an interrupted step held must not outlive it.
        free_pool_slots(instance, run_id)
    return read_run(instance, run_id)


def execute_in_this_process(
    job: dg.JobDefinition,
    instance: dg.DagsterInstance,
    run_id: str,
    tags: dict[str, str],
    run_config: dict,
    asset_selection: list[dg.AssetKey] | None,
) -> None:
    """`job.execute_in_process` without its result, which holds every event of the run
    and every step's output until it is dropped: a run over n documents makes about 15n
    events (a planned and a done materialisation per partition of each of the seven
    per-document asset keys, an observation per extraction). Here each event goes to the
    instance only, and the caller reads back what it needs (read_run)."""
    from dagster._core.definitions.job_base import InMemoryJob
    from dagster._core.execution.api import create_execution_plan, execute_run_iterator

    ephemeral = job.as_ephemeral_job(
        resource_defs={}, input_values={}, asset_selection=asset_selection
    )
    in_memory = InMemoryJob(ephemeral)
    execution_plan = create_execution_plan(
        in_memory,
        run_config=run_config,
        instance_ref=instance.get_ref() if instance.is_persistent else None,
    )
    with _planned_events_per_asset(instance):
        run = instance.create_run_for_job(
            job_def=ephemeral,
            run_config=run_config,
            tags={**job.run_tags, **tags},
            run_id=run_id,
            asset_selection=frozenset(asset_selection) if asset_selection else None,
            execution_plan=execution_plan,
        )
    for _event in execute_run_iterator(in_memory, run, instance):
        pass  # stored by the instance as it happens; nothing kept here


# Dagster's switch for one planned-materialisation event per asset (its partitions as a
# subset) instead of one per partition.
PLANNED_SUBSET_ENV = "DAGSTER_EMIT_PARTITION_SUBSET_IN_PLANNED_EVENTS"


@contextlib.contextmanager
def _planned_events_per_asset(instance: dg.DagsterInstance) -> Iterator[None]:
    """In an instance held in memory (no DAGSTER_HOME) the run's planned events would be
    7 per document for the life of the command. Its cost, partitions of a failed run not
    marked failed, is nothing there: the instance is gone when the command ends. A
    persistent instance keeps Dagster's default."""
    if instance.is_persistent or PLANNED_SUBSET_ENV in os.environ:
        yield
        return
    os.environ[PLANNED_SUBSET_ENV] = "true"
    try:
        yield
    finally:
        del os.environ[PLANNED_SUBSET_ENV]


def read_run(instance: dg.DagsterInstance, run_id: str) -> IngestRun:
    """The run's outcome, its failures and its extraction figures, from the instance."""
    run = instance.get_run_by_id(run_id)
    failures = [
        record.event_log_entry.dagster_event
        for record in instance.get_records_for_run(
            run_id, of_type={dg.DagsterEventType.STEP_FAILURE, dg.DagsterEventType.RUN_FAILURE}
        ).records
        if record.event_log_entry.dagster_event is not None
    ]
    # Every partition's materialisation carries the step's figures: the latest one is
    # enough, when this run made it.
    latest = instance.fetch_materializations(EXTRACTIONS_KEY, limit=1).records
    extraction = (
        {name: value.value for name, value in latest[0].asset_materialization.metadata.items()}
        if latest and latest[0].run_id == run_id and latest[0].asset_materialization
        else None
    )
    return IngestRun(run_id, run is not None and run.is_success, failures, extraction)


def ingest_job() -> dg.JobDefinition:
    """The code location's `ingest` job, for executors whose steps run in other processes:
    each rebuilds it from this function (dg.reconstructable)."""
    from pipelines.definitions import defs

    return defs.resolve_job_def("ingest")


@dataclass
class ExecutedRun:
    run_id: str
    success: bool


def execute_ingestion(
    instance: dg.DagsterInstance, plan: IngestPlan, shards: int, force: bool = False
) -> ExecutedRun | None:
    """Executes the plan with the executor JUESUAN_EXECUTOR selects (Celery: a task per
    step, the extraction split into `shards` steps); this process orchestrates and holds
    the pool claims. None when there is nothing to do."""
    scope = _run_scope(ingest_job(), plan, force, shards)
    if scope is None:
        return None
    run_config, asset_selection = scope
    with dg.execute_job(
        dg.reconstructable(ingest_job),
        instance,
        run_config=run_config,
        tags=_run_tags(plan),
        asset_selection=asset_selection,
        raise_on_error=False,
    ) as result:
        return ExecutedRun(result.run_id, result.success)


class RunInterrupted(Exception):
    """Ctrl-C or SIGTERM stopped `juesuan ingest` during its run."""

    def __init__(self, signum: int, run_id: str):
        self.signum = signum
        name = signal.Signals(signum).name
        super().__init__(
            f"已中断（{name}）：运行 {run_id} 已标记为失败，其子进程已停止；"
            f"已提交的文档保留，再次运行 juesuan ingest 即可继续 (interrupted)"
        )


def execute_interruptibly(instance: dg.DagsterInstance, run_id: str, execute: Callable[[], T]) -> T:
    """Executes the run on a worker thread while this (main) thread owns SIGINT and
    SIGTERM: in process, Dagster defers a signal until a step checks for it (a step blocked
    on a pool never does) and turns one inside a step with a retry policy into a retry,
    so Ctrl-C would build the marts again instead of stopping. On a signal the run's child
    processes are stopped, the run is marked failed, and RunInterrupted is raised at once;
    the worker thread is left to the process's exit (a document's load is one transaction,
    so an unfinished one leaves nothing)."""
    if threading.current_thread() is not threading.main_thread():
        return execute()  # signals are the main thread's: nothing to own here
    outcome: dict[str, Any] = {}

    def work() -> None:
        try:
            outcome["result"] = execute()
        except BaseException as error:  # re-raised on the main thread
            outcome["error"] = error

    received: list[int] = []

    def on_signal(signum: int, _frame: object) -> None:
        received.append(signum)

    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
    # Dagster's log capture points this process's stdout and stderr at files while the run
    # executes, and echoes them through `tail` processes that are stopped below.
    terminal = {fd: os.dup(fd) for fd in (1, 2)}
    worker = threading.Thread(target=work, name=f"run {run_id}", daemon=True)
    try:
        worker.start()
        while worker.is_alive() and not received:
            worker.join(0.2)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        if received:
            for fd, saved in terminal.items():
                os.dup2(saved, fd)
        for saved in terminal.values():
            os.close(saved)
    if received:
        stop_descendants()
        run = instance.get_run_by_id(run_id)
        if run is not None and not run.is_finished:
            instance.report_run_failed(
                run, f"被操作员中断（{signal.Signals(received[0]).name}）(interrupted)"
            )
        raise RunInterrupted(received[0], run_id)
    if "error" in outcome:
        raise outcome["error"]
    return outcome["result"]
