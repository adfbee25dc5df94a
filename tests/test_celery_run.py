"""The ingest job through Celery for real: Debian's redis-server on loopback, two named
dagster-celery workers, the extraction split into shards that land on both, and marts
equal to an in-process `juesuan ingest` of the same documents."""

from __future__ import annotations

import contextlib
import importlib.util
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pipelines.defs.ingestion.celery_local import redis_server
from tests.conftest import REPO, run_ingest

sys.path.insert(0, str(REPO / "benchmarks"))
from compare_marts import compare, differing

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        redis_server() is None,
        reason="redis-server is not installed (Debian package redis-server; .ci/run installs it)",
    ),
    pytest.mark.skipif(
        importlib.util.find_spec("dagster_celery") is None,
        reason="dagster-celery is not installed (the `celery` extra, in requirements.lock)",
    ),
]

RUN_TIMEOUT_SECONDS = 900


def processes_naming(text: str) -> list[int]:
    """Processes whose command line contains `text` (this test's work folder)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        with contextlib.suppress(OSError):
            if text in (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode():
                found.append(int(entry.name))
    return found


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    sources = tmp_path_factory.mktemp("celery_sources")
    juesuan = str(Path(sys.executable).with_name("juesuan"))
    subprocess.run(
        [juesuan, "samples", "--out", str(sources), "--units", "3", "--years", "2024"],
        check=True,
        capture_output=True,
    )
    return sources


@pytest.fixture
def celery_workdir(tmp_path):
    """The work folder of the run's broker and workers; whatever of them is still running
    at the end (the run timed out, or its process was killed) is stopped."""
    workdir = tmp_path / "celery"
    yield workdir
    for pid in processes_naming(str(workdir)):
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


def test_the_ingest_job_runs_on_two_celery_workers_with_the_in_process_marts(
    corpus, celery_workdir, tmp_path
):
    in_process = tmp_path / "in_process" / "juesuan.duckdb"
    started = time.monotonic()
    result = run_ingest(corpus, in_process)
    in_process_seconds = time.monotonic() - started
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]

    distributed = tmp_path / "celery_run" / "juesuan.duckdb"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JUESUAN_", "DAGSTER_"))}
    env["JUESUAN_REPORTS"] = str(tmp_path / "celery_reports")
    command = [sys.executable, "-m", "pipelines.defs.ingestion.celery_local"]
    command += ["--sources", str(corpus), "--warehouse", str(distributed)]
    command += ["--workdir", str(celery_workdir), "--workers", "2", "--shards", "2"]
    run = subprocess.Popen(
        command, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        out, err = run.communicate(timeout=RUN_TIMEOUT_SECONDS)
    except subprocess.TimeoutExpired:
        run.terminate()  # it stops its broker and workers
        out, err = run.communicate()
        pytest.fail(f"the Celery run took over {RUN_TIMEOUT_SECONDS} s: {err[-3000:]}")
    assert run.returncode == 0, out[-3000:] + err[-3000:]
    summary = json.loads(out.strip().splitlines()[-1])
    print(f"in process {in_process_seconds:.1f} s, Celery {summary['seconds']:.1f} s")

    # Every step ran in a worker, and the extraction's shards on both.
    workers = set(summary["workers"])
    assert len(workers) == 2
    steps = summary["steps"]
    assert {"raw_tables", "juesuan_dbt_models"} <= steps.keys()
    assert set(steps.values()) <= workers
    shards = {key: worker for key, worker in steps.items() if ".extract_shard[" in key}
    assert len(shards) == 2
    assert set(shards.values()) == workers, shards

    assert differing(compare(str(in_process), str(distributed))) == {}
    # The broker and the workers are gone with the run.
    assert processes_naming(str(celery_workdir)) == []
