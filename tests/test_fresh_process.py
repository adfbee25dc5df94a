"""pipelines.defs.fresh_process: a step's work in a process of its own, its value or its
error brought back, its memory gone with it."""

from __future__ import annotations

import errno
import os
import signal

import pytest

from pipelines.defs.fresh_process import (
    FreshProcessDied,
    FreshProcessError,
    RemoteTraceback,
    in_fresh_process,
)
from pipelines.warehouse.connection import permanent_fault


def peak_rss_mib(megabytes: int) -> tuple[int, float]:
    """Holds `megabytes` for a moment; this process's id and its peak RSS."""
    block = bytearray(megabytes * 2**20)
    block[::4096] = b"x" * len(block[::4096])  # touch every page
    with open("/proc/self/status", encoding="ascii") as status:
        peak = next(line for line in status if line.startswith("VmHWM"))
    return os.getpid(), int(peak.split()[1]) / 1024


def raise_disk_full(path: str) -> None:
    try:
        raise OSError(errno.ENOSPC, "No space left on device", path)
    except OSError as error:
        raise RuntimeError("writing the report failed") from error


class Unpicklable(Exception):
    def __init__(self, message: str, handle: object):
        super().__init__(message)
        self.handle = handle


def raise_unpicklable() -> None:
    raise Unpicklable("a rule crashed", handle=lambda: None)


def kill_myself() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def keyword_echo(first: int, *, second: str) -> tuple[int, str]:
    return first, second


def test_the_work_runs_in_another_process_and_its_memory_goes_with_it():
    _, own_peak_before = peak_rss_mib(0)
    size = int(own_peak_before) + 100  # more than this process ever held
    pid, child_peak = in_fresh_process(peak_rss_mib, size)
    assert pid != os.getpid()
    assert child_peak >= size
    _, own_peak_after = peak_rss_mib(0)
    assert own_peak_after < own_peak_before + 50  # the child's memory was never here


def test_arguments_and_value_pass_both_ways():
    assert in_fresh_process(keyword_echo, 7, second="七") == (7, "七")


def test_an_error_is_raised_here_with_the_child_traceback_and_stays_a_permanent_fault():
    with pytest.raises(RuntimeError, match="writing the report failed") as caught:
        in_fresh_process(raise_disk_full, "/warehouse/juesuan.duckdb")
    cause = caught.value.__cause__
    assert isinstance(cause, RemoteTraceback)
    assert "No space left on device" in str(cause) and "raise_disk_full" in str(cause)
    # The step wrapper still tells a full disk from a passing fault.
    fault = permanent_fault(caught.value)
    assert fault is not None and "磁盘已满" in fault.cause


def test_an_error_that_does_not_pickle_comes_back_as_its_text():
    with pytest.raises(FreshProcessError, match="Unpicklable: a rule crashed"):
        in_fresh_process(raise_unpicklable)


def test_a_child_killed_without_answering_is_reported_with_its_exit_code():
    with pytest.raises(FreshProcessDied, match="-9"):
        in_fresh_process(kill_myself)
