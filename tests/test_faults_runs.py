"""Faults of runs: a run killed hard must not hang later runs (issue 15, item 1).

The process tests run `juesuan ingest` for real, with a persistent Dagster instance in a
temporary DAGSTER_HOME (the checkout's dagster.yaml), and bound every wait so that a
regression fails instead of hanging.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import dagster as dg
import duckdb
import pytest
from dagster._core.storage.dagster_run import DagsterRun

from pipelines.defs.resources import DUCKDB_POOL
from pipelines.defs.run_workers import (
    RUN_HOST_TAG,
    RUN_PID_TAG,
    START_SLACK_SECONDS,
    BoundedPoolWait,
    PoolWaitTimeout,
    descendant_pids,
    process_started_at,
    reap_dead_runs,
)
from pipelines.defs.transformation.definitions import stop_dbt_process
from tests.conftest import REPO, run_ingest

RUN_TIMEOUT = 900  # one ingest of the small corpus takes one to three minutes here
SIGNAL_EXIT_SECONDS = 10.0


# ---- a Dagster instance and runs that hold the pool ----------------------------------


@pytest.fixture
def dagster_home(tmp_path: Path) -> Path:
    home = tmp_path / "dagster_home"
    home.mkdir()
    shutil.copy(REPO / "dagster_home" / "dagster.yaml", home / "dagster.yaml")
    return home


@pytest.fixture
def instance(dagster_home: Path) -> Iterator[dg.DagsterInstance]:
    with dg.DagsterInstance.from_config(str(dagster_home)) as instance:
        yield instance


@pytest.fixture
def sleeper() -> Iterator[subprocess.Popen]:
    """A live process for a run to claim as its own."""
    process = subprocess.Popen(["sleep", "600"], start_new_session=True)
    yield process
    process.kill()
    process.wait()


def dead_pid() -> int:
    process = subprocess.Popen(["true"])
    process.wait()
    return process.pid


def hold_pool(
    instance: dg.DagsterInstance,
    pid: int,
    host: str | None = None,
    status: dg.DagsterRunStatus = dg.DagsterRunStatus.STARTED,
) -> str:
    """A run of `juesuan ingest` in process `pid` that holds the pool duckdb."""
    run_id = str(uuid.uuid4())
    tags = {RUN_HOST_TAG: host or socket.gethostname(), RUN_PID_TAG: str(pid)}
    instance.run_storage.add_run(DagsterRun(job_name="ingest", run_id=run_id, tags=tags))
    instance.run_storage.handle_run_event(  # sets the run's status
        run_id,
        dg.DagsterEvent(
            event_type_value=(
                dg.DagsterEventType.RUN_START.value
                if status == dg.DagsterRunStatus.STARTED
                else dg.DagsterEventType.RUN_FAILURE.value
            ),
            job_name="ingest",
        ),
    )
    storage = instance.event_log_storage
    storage.initialize_concurrency_limit_to_default(DUCKDB_POOL)
    assert storage.claim_concurrency_slot(DUCKDB_POOL, run_id, "raw_tables").is_claimed
    return run_id


def pool_run_ids(instance: dg.DagsterInstance) -> set[str]:
    info = instance.event_log_storage.get_concurrency_info(DUCKDB_POOL)
    return {s.run_id for s in info.claimed_slots} | {s.run_id for s in info.pending_steps}


# ---- a dbt build abandoned by its step -------------------------------------------------


def test_an_abandoned_dbt_process_is_stopped():
    # A process that exits on SIGINT (as dbt does, releasing the warehouse) …
    polite = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    # … and one that ignores it, killed after the grace time.
    stubborn = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import signal, sys, time; signal.signal(signal.SIGINT, signal.SIG_IGN); "
            "print('ready', flush=True); time.sleep(60)",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert stubborn.stdout is not None and stubborn.stdout.readline().strip() == "ready"
        stop_dbt_process(polite)
        assert polite.returncode is not None and polite.returncode != 0
        stop_dbt_process(stubborn, grace_seconds=0.5)
        assert stubborn.returncode == -signal.SIGKILL
        stop_dbt_process(polite)  # already ended: nothing to do
    finally:
        for process in (polite, stubborn):
            if process.poll() is None:
                process.kill()
                process.wait()


# ---- which process runs a run, and which runs are dead -------------------------------


def test_process_started_at_knows_live_and_dead_processes(sleeper):
    started = process_started_at(sleeper.pid)
    assert started is not None and abs(started - time.time()) < 60
    assert process_started_at(dead_pid()) is None


def test_descendants_include_grandchildren():
    shell = subprocess.Popen(["sh", "-c", "sleep 30 & sleep 30; wait"])
    try:
        deadline = time.monotonic() + 5
        while len(descendant_pids(os.getpid())) < 3 and time.monotonic() < deadline:
            time.sleep(0.05)
        below = descendant_pids(os.getpid())
        assert shell.pid in below and len(below) >= 3
    finally:
        for pid in descendant_pids(shell.pid):
            os.kill(pid, signal.SIGKILL)
        shell.kill()
        shell.wait()


def test_a_run_whose_process_is_gone_is_failed_and_its_slot_freed(instance):
    run_id = hold_pool(instance, dead_pid())

    reaped = reap_dead_runs(instance)

    assert [r.run_id for r in reaped] == [run_id]
    run = instance.get_run_by_id(run_id)
    assert run is not None and run.status == dg.DagsterRunStatus.FAILURE
    assert run_id not in pool_run_ids(instance)
    failure = instance.get_records_for_run(run_id, of_type=dg.DagsterEventType.RUN_FAILURE).records[
        0
    ]
    assert "运行进程已不存在" in failure.event_log_entry.message


def test_live_runs_and_runs_on_other_hosts_keep_their_slot(instance, sleeper):
    live = hold_pool(instance, sleeper.pid)
    assert reap_dead_runs(instance) == []
    assert instance.get_run_by_id(live).status == dg.DagsterRunStatus.STARTED  # type: ignore[union-attr]
    assert live in pool_run_ids(instance)
    instance.event_log_storage.free_concurrency_slots_for_run(live)

    # Another host's pid says nothing about this one's processes.
    elsewhere = hold_pool(instance, dead_pid(), host="another-host.invalid")
    assert reap_dead_runs(instance) == []
    assert elsewhere in pool_run_ids(instance)


def test_a_reused_pid_does_not_keep_a_dead_run_alive(instance):
    run_id = hold_pool(instance, dead_pid())
    time.sleep(START_SLACK_SECONDS + 0.5)
    newcomer = subprocess.Popen(["sleep", "600"])  # started after the run: not its process
    try:
        instance.add_run_tags(run_id, {RUN_PID_TAG: str(newcomer.pid)})
        assert [r.run_id for r in reap_dead_runs(instance)] == [run_id]
    finally:
        newcomer.kill()
        newcomer.wait()


def test_a_finished_run_still_holding_the_pool_is_freed(instance):
    run_id = hold_pool(instance, dead_pid(), status=dg.DagsterRunStatus.FAILURE)
    assert instance.get_run_by_id(run_id).status == dg.DagsterRunStatus.FAILURE  # type: ignore[union-attr]
    assert run_id in pool_run_ids(instance)  # what marking a run failed leaves behind

    assert [r.run_id for r in reap_dead_runs(instance)] == [run_id]
    assert run_id not in pool_run_ids(instance)


# ---- a step blocked on the pool ------------------------------------------------------


def blocked_claim(instance: dg.DagsterInstance) -> tuple[BoundedPoolWait, str]:
    run_id = str(uuid.uuid4())
    run = DagsterRun(job_name="ingest", run_id=run_id)
    instance.run_storage.add_run(run)
    return BoundedPoolWait(instance, run), run_id


def claim_until(
    waiter: BoundedPoolWait, done: Callable[[], bool], timeout: float
) -> tuple[bool, float, float]:
    """Claims as an executor does; returns (claimed, wall seconds, CPU seconds)."""
    start, cpu = time.monotonic(), time.process_time()
    claimed = False
    with waiter:
        while time.monotonic() - start < timeout and not done():
            claimed = waiter.claim(DUCKDB_POOL, "raw_tables")
            if claimed:
                break
            time.sleep(waiter.interval_to_next_pending_claim_check())
    return claimed, time.monotonic() - start, time.process_time() - cpu


def test_a_blocked_step_sleeps_and_gives_up_with_the_holder_named(
    instance, sleeper, monkeypatch, capsys
):
    holder = hold_pool(instance, sleeper.pid)
    monkeypatch.setenv("JUESUAN_POOL_WAIT_SECONDS", "1")
    waiter, _ = blocked_claim(instance)

    with pytest.raises(PoolWaitTimeout, match=f"数据仓库写入槽被运行 {holder}") as raised:
        claim_until(waiter, lambda: False, timeout=30)

    assert "已等待 1 秒" in str(raised.value)
    assert f"数据仓库写入槽被运行 {holder} 占用" in capsys.readouterr().err


def test_a_blocked_step_does_not_spin(instance, sleeper, monkeypatch):
    hold_pool(instance, sleeper.pid)
    waiter, _ = blocked_claim(instance)
    deadline = time.monotonic() + 2.5

    claimed, wall, cpu = claim_until(waiter, lambda: time.monotonic() > deadline, timeout=10)

    assert not claimed and wall >= 2
    assert cpu < 0.5 * wall, f"{cpu:.2f} s of CPU in {wall:.2f} s of waiting"


def test_a_blocked_step_frees_a_dead_holder_and_proceeds(instance):
    holder = hold_pool(instance, dead_pid())
    waiter, run_id = blocked_claim(instance)

    claimed, wall, _ = claim_until(waiter, lambda: False, timeout=60)

    assert claimed, f"still blocked after {wall:.0f} s"
    assert instance.get_run_by_id(holder).status == dg.DagsterRunStatus.FAILURE  # type: ignore[union-attr]
    slots = instance.event_log_storage.get_concurrency_info(DUCKDB_POOL).claimed_slots
    assert [s.run_id for s in slots] == [run_id]


# ---- real processes: kill -9 in the dbt build, SIGTERM, a live holder -----------------


@pytest.fixture(scope="module")
def small_corpus(tmp_path_factory) -> Path:
    from juesuan_samples import generate_corpus

    sources = tmp_path_factory.mktemp("sources")
    generate_corpus(sources, units=3, years=(2024,))
    return sources


def ingest_env(dagster_home: Path, warehouse: Path, **extra: str) -> dict[str, str]:
    env = {
        k: v for k, v in os.environ.items() if not k.startswith("JUESUAN_") and k != "DAGSTER_HOME"
    }
    env["DAGSTER_HOME"] = str(dagster_home)
    env["JUESUAN_REPORTS"] = str(warehouse.parent / "reports")
    env.update(extra)
    return env


def start_ingest(
    sources: Path, warehouse: Path, dagster_home: Path, log: Path, **extra: str
) -> subprocess.Popen:
    """`juesuan ingest` in its own session, as an operator's shell job."""
    with log.open("w") as out:
        return subprocess.Popen(
            [
                *(sys.executable, "-m", "pipelines.cli", "ingest"),
                *("--sources", str(sources), "--warehouse", str(warehouse)),
            ],
            cwd=REPO,
            env=ingest_env(dagster_home, warehouse, **extra),
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def wait_until(condition: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(0.5)


def dbt_builds(warehouse: Path) -> list[int]:
    """The dbt build processes writing this warehouse, whoever their parent now is."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            command = (entry / "cmdline").read_bytes().split(b"\0") if entry.name.isdigit() else []
        except OSError:
            continue
        if (
            any(part.endswith(b"/dbt") for part in command)
            and b"build" in command
            and any(str(warehouse).encode() in part for part in command)
        ):
            found.append(int(entry.name))
    return found


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def stop_session(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def mart_counts(warehouse: Path) -> dict[str, int]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        tables = [
            name
            for (name,) in con.execute(
                "select table_name from duckdb_tables() where schema_name = 'marts' "
                "union all select view_name from duckdb_views() where schema_name = 'marts'"
            ).fetchall()
        ]
        return {t: con.execute(f"select count(*) from marts.{t}").fetchone()[0] for t in tables}


def documents_without_facts(warehouse: Path) -> list[str]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return [
            document_id
            for (document_id,) in con.execute(
                "select d.document_id from marts.dim_document as d "
                "where d.status = 'loaded' and not exists ("
                "  select 1 from marts.fct_expenditure as f where f.document_id = d.document_id"
                ")"
            ).fetchall()
        ]


@pytest.mark.slow
def test_a_kill_in_the_dbt_build_does_not_hang_the_next_run(small_corpus, dagster_home, tmp_path):
    # What a run without the fault builds.
    clean = tmp_path / "clean" / "juesuan.duckdb"
    reference = run_ingest(small_corpus, clean)
    assert reference.returncode == 0, reference.stdout[-3000:] + reference.stderr[-3000:]

    warehouse = tmp_path / "killed" / "juesuan.duckdb"
    first = start_ingest(small_corpus, warehouse, dagster_home, tmp_path / "first.log")
    try:
        wait_until(lambda: bool(dbt_builds(warehouse)), RUN_TIMEOUT, "the dbt build")
        time.sleep(5)  # inside the build, the pool's slot held
    finally:
        stop_session(first)  # kill -9 of the whole process group
    with dg.DagsterInstance.from_config(str(dagster_home)) as instance:
        (killed,) = instance.get_runs()
        assert killed.status == dg.DagsterRunStatus.STARTED
        assert killed.run_id in pool_run_ids(instance), "the fault did not happen"

    second = start_ingest(small_corpus, warehouse, dagster_home, tmp_path / "second.log")
    try:
        second.wait(timeout=RUN_TIMEOUT)
    finally:
        stop_session(second)
    output = (tmp_path / "second.log").read_text()
    assert second.returncode == 0, output[-4000:]
    assert f"已清理中断的运行 (stale run cleared): 运行 {killed.run_id}" in output

    with dg.DagsterInstance.from_config(str(dagster_home)) as instance:
        assert instance.get_run_by_id(killed.run_id).status == dg.DagsterRunStatus.FAILURE  # type: ignore[union-attr]
        assert pool_run_ids(instance) == set()
        statuses = [r.status for r in instance.get_runs()]
        assert statuses == [dg.DagsterRunStatus.SUCCESS, dg.DagsterRunStatus.FAILURE]
    assert mart_counts(warehouse) == mart_counts(clean)
    assert documents_without_facts(warehouse) == []
    assert mart_counts(warehouse)["dim_document"] == 4


@pytest.mark.slow
def test_a_live_holder_bounds_the_wait_and_sigterm_stops_it(
    small_corpus, dagster_home, tmp_path, sleeper
):
    with dg.DagsterInstance.from_config(str(dagster_home)) as instance:
        holder = hold_pool(instance, sleeper.pid)
    warehouse = tmp_path / "warehouse" / "juesuan.duckdb"

    # A bounded wait: the run fails with the holder named.
    bounded = start_ingest(
        small_corpus,
        warehouse,
        dagster_home,
        tmp_path / "bounded.log",
        JUESUAN_POOL_WAIT_SECONDS="3",
    )
    try:
        bounded.wait(timeout=RUN_TIMEOUT)
    finally:
        stop_session(bounded)
    output = (tmp_path / "bounded.log").read_text()
    assert bounded.returncode == 1, output[-4000:]
    assert f"失败原因 (cause): 数据仓库写入槽被运行 {holder} 占用" in output

    # Blocked without a limit: no CPU spent, and SIGTERM ends it within seconds.
    blocked = start_ingest(small_corpus, warehouse, dagster_home, tmp_path / "blocked.log")
    log = tmp_path / "blocked.log"
    try:
        wait_until(lambda: "等待其结束" in log.read_text(), RUN_TIMEOUT, "the pool wait")
        before = cpu_seconds(blocked.pid)
        time.sleep(3)
        assert cpu_seconds(blocked.pid) - before < 1.0, "the blocked run spins"
        sent = time.monotonic()
        blocked.send_signal(signal.SIGTERM)
        blocked.wait(timeout=SIGNAL_EXIT_SECONDS)
        assert time.monotonic() - sent < SIGNAL_EXIT_SECONDS
    finally:
        stop_session(blocked)
    assert blocked.returncode == 128 + signal.SIGTERM, log.read_text()[-3000:]
    assert "已中断（SIGTERM）" in log.read_text()
    with dg.DagsterInstance.from_config(str(dagster_home)) as instance:
        assert pool_run_ids(instance) == {holder}  # its own claim withdrawn, the holder's kept
        runs = {r.run_id: r.status for r in instance.get_runs()}
        assert runs[holder] == dg.DagsterRunStatus.STARTED
        assert set(runs.values()) == {dg.DagsterRunStatus.STARTED, dg.DagsterRunStatus.FAILURE}


@pytest.mark.slow
def test_sigterm_in_the_dbt_build_stops_the_run(small_corpus, dagster_home, tmp_path):
    warehouse = tmp_path / "warehouse" / "juesuan.duckdb"
    log = tmp_path / "ingest.log"
    ingest = start_ingest(small_corpus, warehouse, dagster_home, log)
    try:
        wait_until(lambda: bool(dbt_builds(warehouse)), RUN_TIMEOUT, "the dbt build")
        time.sleep(3)
        sent = time.monotonic()
        ingest.send_signal(signal.SIGTERM)
        # A retry policy must not turn the signal into another build.
        ingest.wait(timeout=SIGNAL_EXIT_SECONDS)
        assert time.monotonic() - sent < SIGNAL_EXIT_SECONDS
        wait_until(lambda: not dbt_builds(warehouse), 10, "dbt to stop")
    finally:
        stop_session(ingest)
    assert ingest.returncode == 128 + signal.SIGTERM, log.read_text()[-3000:]
    with dg.DagsterInstance.from_config(str(dagster_home)) as instance:
        (run,) = instance.get_runs()
        assert run.status == dg.DagsterRunStatus.FAILURE
        assert pool_run_ids(instance) == set()


@pytest.mark.slow
def test_a_run_launched_by_dagster_frees_a_dead_holder(small_corpus, dagster_home, tmp_path):
    """The path of the sensor, the schedule and the UI: the job's own (multiprocess)
    executor in a run worker, which loads the definitions as the code location does."""
    warehouse = tmp_path / "warehouse" / "juesuan.duckdb"
    first = start_ingest(small_corpus, warehouse, dagster_home, tmp_path / "first.log")
    first.wait(timeout=RUN_TIMEOUT)
    assert first.returncode == 0, (tmp_path / "first.log").read_text()[-3000:]
    with dg.DagsterInstance.from_config(str(dagster_home)) as instance:
        (previous,) = instance.get_runs()
        holder = hold_pool(instance, dead_pid())
    partition_range = {k: v for k, v in previous.tags.items() if "partition_range" in k}

    worker = subprocess.run(
        [
            str(Path(sys.executable).parent / "dagster"),
            *("job", "execute", "-m", "pipelines.definitions", "-j", "ingest"),
            *("--tags", json.dumps(partition_range)),
        ],
        cwd=REPO,
        env=ingest_env(
            dagster_home,
            warehouse,
            JUESUAN_SOURCES=str(small_corpus),
            JUESUAN_WAREHOUSE=str(warehouse),
        ),
        capture_output=True,
        text=True,
        timeout=RUN_TIMEOUT,
    )

    assert worker.returncode == 0, worker.stdout[-3000:] + worker.stderr[-3000:]
    assert f"已清理：运行 {holder}" in worker.stderr
    with dg.DagsterInstance.from_config(str(dagster_home)) as instance:
        assert instance.get_run_by_id(holder).status == dg.DagsterRunStatus.FAILURE  # type: ignore[union-attr]
        latest = instance.get_runs(limit=1)[0]
        assert latest.status == dg.DagsterRunStatus.SUCCESS
        assert latest.tags[RUN_PID_TAG] != str(os.getpid())  # tagged by its own process
        assert pool_run_ids(instance) == set()
