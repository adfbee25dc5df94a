"""Stopping the processes this one started: dbt, Celery workers, fresh Python processes.

Light on purpose (no Dagster): a fresh process imports it when it unpickles its work.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
from multiprocessing.process import BaseProcess


def stop_process(
    process: subprocess.Popen | BaseProcess,
    grace_seconds: float,
    first_signal: int = signal.SIGTERM,
    group: bool = False,
) -> None:
    """Stops a process this one started and waits for its end: `first_signal` (to the
    process group it leads, when `group`), then SIGKILL after the grace time. Nothing is
    sent to a process that has already exited (its pid may be another's by now)."""

    pid = process.pid
    if pid is None:  # never started
        return

    def exited_within(seconds: float | None) -> bool:
        if isinstance(process, subprocess.Popen):
            try:
                process.wait(seconds)
            except subprocess.TimeoutExpired:
                return False
            return True
        process.join(seconds)
        return not process.is_alive()

    def send(sig: int) -> None:
        with contextlib.suppress(ProcessLookupError):
            if group:
                os.killpg(pid, sig)
            else:
                os.kill(pid, sig)

    if not exited_within(0):
        send(first_signal)
        if not exited_within(grace_seconds):
            send(signal.SIGKILL)
            exited_within(None)
    if group:  # the group may outlive its leader (a worker below a CLI wrapper)
        send(signal.SIGKILL)
