"""The ingest job through Celery on one host: a Redis broker on loopback, named
dagster-celery workers, and the run orchestrated from this process. What the Celery test
and the scale benchmark run; a cluster runs the same job the same way, with its own
broker and workers on other hosts (README, Scaling out).

    python -m pipelines.defs.ingestion.celery_local --sources DIR --warehouse W.duckdb \\
        --workdir DIR [--workers 2] [--shards 4]

prints one JSON object: the run id, whether it succeeded, its wall seconds, and the
Celery worker that executed each step.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import click

from pipelines import settings
from pipelines.child_processes import stop_process

# Where the code location's Celery executor finds its broker and result backend
# (pipelines/definitions.py); the workers' `-y` file names the same URLs.
CELERY_BROKER_ENV = "DAGSTER_CELERY_BROKER_URL"
CELERY_BACKEND_ENV = "DAGSTER_CELERY_BACKEND_URL"
PROJECT_INSTANCE = settings.PROJECT_ROOT / "dagster_home" / "dagster.yaml"
WORKER_START_SECONDS = 180.0  # a worker imports Dagster, dbt and the definitions
WORKER_STOP_SECONDS = 20.0


@dataclass(frozen=True)
class LocalCelery:
    broker_url: str
    backend_url: str
    worker_names: list[str]  # as Celery reports them: <name>@<host>


def redis_server() -> str | None:
    """The redis-server executable (Debian's package `redis-server`), if installed."""
    return shutil.which("redis-server")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_for_redis(port: int, server: subprocess.Popen) -> None:
    import redis

    client = redis.Redis(host="127.0.0.1", port=port)
    deadline = time.monotonic() + 10.0
    try:
        while True:
            with contextlib.suppress(redis.ConnectionError):
                if client.ping():
                    return
            if server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"redis-server did not start on 127.0.0.1:{port}")
            time.sleep(0.05)
    finally:
        client.close()


def _wait_for_workers(broker_url: str, names: list[str], workers: list[subprocess.Popen]) -> None:
    from celery import Celery

    app = Celery(broker=broker_url)
    deadline = time.monotonic() + WORKER_START_SECONDS
    try:
        while True:
            replies = app.control.ping(timeout=1.0)
            if set(names) <= {name for reply in replies for name in reply}:
                return
            ended = [w.args for w in workers if w.poll() is not None]
            if ended or time.monotonic() > deadline:
                raise RuntimeError(f"Celery workers not up: {names}; ended: {ended}")
    finally:
        app.close()


@contextlib.contextmanager
def local_celery(workdir: Path, env: Mapping[str, str], workers: int = 2) -> Iterator[LocalCelery]:
    """Starts redis-server on a free loopback port and `workers` dagster-celery workers
    (named juesuan-1, juesuan-2, …; one task at a time each, in the worker process: a
    prefork child is daemonic and may not start extraction processes), with `env` (the
    Dagster instance and the JUESUAN_* paths, as the orchestrator's; the broker's URLs are
    added). Stops them all on exit. Logs: workdir/redis.log, workdir/worker-N.log."""
    server = redis_server()
    if server is None:
        raise RuntimeError("redis-server is not installed (Debian: apt-get install redis-server)")
    workdir = workdir.resolve()  # redis-server changes into it before opening its log
    workdir.mkdir(parents=True, exist_ok=True)
    port = _free_port()
    broker_url = f"redis://127.0.0.1:{port}/0"
    backend_url = f"redis://127.0.0.1:{port}/1"
    config = workdir / "celery.yaml"
    # acks_late with one task prefetched: a busy worker holds no second task, so the
    # shards go to idle workers.
    config.write_text(
        json.dumps(
            {
                "execution": {
                    "config": {
                        "broker": broker_url,
                        "backend": backend_url,
                        "config_source": {"task_acks_late": True},
                    }
                }
            }
        )
    )
    started: list[tuple[subprocess.Popen, bool]] = []
    try:
        # No persistence: the broker lives for one run.
        options = ["--save", "", "--appendonly", "no", "--logfile", str(workdir / "redis.log")]
        redis = subprocess.Popen(
            [server, "--bind", "127.0.0.1", "--port", str(port), "--dir", str(workdir), *options],
            stdin=subprocess.DEVNULL,
        )
        started.append((redis, False))
        _wait_for_redis(port, redis)
        names = [f"juesuan-{index}" for index in range(1, workers + 1)]
        host = socket.gethostname()
        command = str(Path(sys.executable).with_name("dagster-celery"))
        pool = ["--pool=solo", "--without-gossip", "--without-mingle"]
        processes = []
        path = os.environ.get("PATH", "")
        for name in names:
            start = ["-y", str(config), "-n", name]
            with (workdir / f"{name}.log").open("wb") as log:
                process = subprocess.Popen(
                    [command, "worker", "start", "-A", "dagster_celery.app", *start, "--", *pool],
                    env={
                        **os.environ,
                        # The wrapper starts `celery` by name; dbt is found the same way.
                        "PATH": os.pathsep.join([str(Path(sys.executable).parent), path]),
                        **env,
                        CELERY_BROKER_ENV: broker_url,
                        CELERY_BACKEND_ENV: backend_url,
                    },
                    stdin=subprocess.DEVNULL,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,  # its own group: the worker below it stops too
                )
            started.append((process, True))
            processes.append(process)
        full_names = [f"{name}@{host}" for name in names]
        _wait_for_workers(broker_url, full_names, processes)
        yield LocalCelery(broker_url, backend_url, full_names)
    finally:
        for process, group in reversed(started):
            # a worker finishes its task and exits, its extraction processes with it
            stop_process(process, WORKER_STOP_SECONDS, group=group)


def step_workers(instance, run_id: str) -> dict[str, str]:
    """The Celery worker that executed each step of the run, from dagster-celery's engine
    event ("Executing steps … in celery worker") in the run's event log."""
    found = {}
    for record in instance.all_logs(run_id):
        event = record.dagster_event
        if event is None or event.event_type_value != "ENGINE_EVENT" or not event.step_key:
            continue
        worker = event.engine_event_data.metadata.get("Celery worker")
        if worker is not None:
            found[event.step_key] = worker.value
    return found


def run_on_local_celery(
    sources: Path, warehouse: Path, workdir: Path, workers: int = 2, shards: int = 4
) -> dict:
    """Ingests `sources` into `warehouse` through a local Celery (this process's
    environment must not have loaded pipelines.definitions yet: the executor and the
    paths are chosen when it loads). Returns the run's summary."""
    home = workdir.resolve() / "dagster_home"
    home.mkdir(parents=True, exist_ok=True)
    shutil.copy(PROJECT_INSTANCE, home / "dagster.yaml")  # the pool limit of 1 for writers
    env = {
        "DAGSTER_HOME": str(home),
        settings.EXECUTOR_ENV: "celery",
        settings.SOURCES_ENV: str(sources.resolve()),
        settings.WAREHOUSE_ENV: str(warehouse.resolve()),
    }
    import dagster as dg

    # Created here first: workers creating a new SQLite storage at once collide.
    dg.DagsterInstance.from_config(str(home)).dispose()
    with local_celery(workdir, env, workers) as celery:
        env |= {CELERY_BROKER_ENV: celery.broker_url, CELERY_BACKEND_ENV: celery.backend_url}
        os.environ.update(env)
        from pipelines.defs.ingestion.launch import execute_ingestion, plan_ingestion

        started = time.monotonic()
        with dg.DagsterInstance.get() as instance:
            plan = plan_ingestion(instance, sources.resolve(), warehouse.resolve())
            run = execute_ingestion(instance, plan, shards=shards)
            seconds = time.monotonic() - started
            if run is None:
                return {"run_id": None, "success": True, "seconds": seconds, "steps": {}}
            return {
                "run_id": run.run_id,
                "success": run.success,
                "seconds": round(seconds, 2),
                "workers": celery.worker_names,
                "steps": step_workers(instance, run.run_id),
            }


@click.command()
@click.option("--sources", type=click.Path(path_type=Path, exists=True), required=True)
@click.option("--warehouse", type=click.Path(path_type=Path), required=True)
@click.option("--workdir", type=click.Path(path_type=Path), required=True)
@click.option("--workers", type=int, default=2, show_default=True)
@click.option("--shards", type=int, default=4, show_default=True)
def main(sources: Path, warehouse: Path, workdir: Path, workers: int, shards: int) -> None:
    # SIGTERM (a timeout, an operator) unwinds like Ctrl-C: the broker and workers stop.
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    summary = run_on_local_celery(sources, warehouse, workdir, workers, shards)
    click.echo(json.dumps(summary, ensure_ascii=False))
    sys.exit(0 if summary["success"] else 1)


if __name__ == "__main__":
    main()
