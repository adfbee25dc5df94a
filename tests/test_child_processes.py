"""stop_process: the one way the pipeline stops what it started (dbt, Celery workers,
fresh Python processes)."""

from __future__ import annotations

import multiprocessing as mp
import os
import signal
import subprocess
import sys
import time

from pipelines.child_processes import stop_process
from pipelines.defs.run_workers import process_started_at

IGNORES_SIGTERM = (
    "import signal, sys, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); "
    "print('ready', flush=True); time.sleep(60)"
)


def _ignore_sigterm_and_wait(ready) -> None:
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    ready.set()
    time.sleep(60)


def test_a_python_process_that_ignores_sigterm_is_killed_after_the_grace_time():
    context = mp.get_context("spawn")
    ready = context.Event()
    process = context.Process(target=_ignore_sigterm_and_wait, args=(ready,))
    process.start()
    try:
        assert ready.wait(30)
        started = time.monotonic()
        stop_process(process, grace_seconds=0.5)
        assert not process.is_alive()
        assert process.exitcode == -signal.SIGKILL
        assert time.monotonic() - started >= 0.5
    finally:
        if process.is_alive():
            process.kill()


def test_a_group_leader_that_exits_leaves_none_of_its_group_behind():
    # The leader exits on SIGTERM; the child it started in its group ignores SIGTERM, as
    # a Celery worker below its CLI wrapper may.
    leader = subprocess.Popen(
        [
            sys.executable,
            "-c",
            # SIGTERM's default action, whatever the test process ignores (an ignored
            # signal stays ignored across exec).
            "import signal, subprocess, sys, time; signal.signal(signal.SIGTERM, signal.SIG_DFL); "
            f"child = subprocess.Popen([sys.executable, '-c', {IGNORES_SIGTERM!r}], "
            "stdout=subprocess.PIPE, text=True); "
            "assert child.stdout.readline().strip() == 'ready'; "
            "print(child.pid, flush=True); time.sleep(60)",
        ],
        stdout=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        assert leader.stdout is not None
        child_pid = int(leader.stdout.readline())
        stop_process(leader, grace_seconds=5.0, group=True)
        assert leader.returncode == -signal.SIGTERM
        deadline = time.monotonic() + 5.0
        while process_started_at(child_pid) is not None and time.monotonic() < deadline:
            time.sleep(0.05)  # killed: gone, or a zombie until whoever adopted it reaps it
        assert process_started_at(child_pid) is None
    finally:
        if leader.poll() is None:
            os.killpg(leader.pid, signal.SIGKILL)
            leader.wait()


def test_a_process_that_has_exited_is_sent_nothing():
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    stop_process(process, grace_seconds=0.1)  # no error, no signal to a reused pid
    assert process.returncode == 0
