"""A step's heavy work in a fresh Python process, so the memory it used goes with it.

`juesuan ingest` runs every step of its run in one process. Python and DuckDB keep much of
the memory a step used (freed, but not given back to the system), so each later step would
start from the high-water mark of the ones before, and the process's peak would be the sum
of what the steps leave behind rather than the largest step's. The raw load, the quality
checks and the report run in processes of their own (the load and the checks in several
consecutive ones, a bounded share each): the run's process stays at its planning and dbt
size, and each child's peak is its own work's (bounded by its documents or batches).
"""

from __future__ import annotations

import multiprocessing as mp
import pickle
import traceback
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any, TypeVar

from pipelines.child_processes import stop_process

T = TypeVar("T")

# A child that does not stop when asked is killed after this long.
STOP_GRACE_SECONDS = 5.0


class FreshProcessError(RuntimeError):
    """The work failed in its process with an error that could not be sent back as it was
    (it would not pickle): its type, message and those of the errors it was raised from."""


class FreshProcessDied(RuntimeError):
    """The work's process ended without an answer: killed (out of memory, a signal) or
    crashed."""


class RemoteTraceback(Exception):
    """The child's traceback, as the cause of the error re-raised here."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


def _chain_text(error: BaseException) -> str:
    lines, seen = [], set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        lines.append(f"{type(current).__name__}: {current}")
        current = current.__cause__ or current.__context__
    return "\n".join(lines)


def _portable(error: BaseException) -> BaseException:
    """The error itself when it survives pickling, else one that carries its text."""
    try:
        pickle.loads(pickle.dumps(error))
    except Exception:
        return FreshProcessError(_chain_text(error))
    return error


def _child_main(answer: Connection, function: Callable[..., Any], args: tuple, kwargs: dict):
    try:
        value = function(*args, **kwargs)
    except BaseException as error:  # sent back and re-raised in the parent
        answer.send(("error", _portable(error), traceback.format_exc()))
    else:
        answer.send(("value", value, ""))
    finally:
        answer.close()


def in_fresh_process(function: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """function(*args, **kwargs) run in a new Python process (spawned: nothing of this
    process's memory is copied); its value, or its error raised here with the child's
    traceback as the cause. The function and its arguments must pickle (a module-level
    function; paths, strings, numbers). The child is stopped if this process is
    interrupted while waiting, and its settings come from the environment it inherits."""
    context = mp.get_context("spawn")
    receiving, sending = context.Pipe(duplex=False)
    process = context.Process(
        target=_child_main,
        args=(sending, function, args, kwargs),
        name=f"juesuan {getattr(function, '__name__', 'work')}",
    )
    process.start()
    sending.close()  # the child holds its end: EOF here when it is gone
    answered = False
    try:
        try:
            kind, payload, child_traceback = receiving.recv()
            answered = True
        except EOFError:
            process.join()
            raise FreshProcessDied(
                f"{process.name} 的子进程未返回结果即退出（退出码 {process.exitcode}；"
                "负数为被信号终止，-9 常见于内存不足）"
                f"(the child process exited with code {process.exitcode} without an answer)"
            ) from None
    finally:
        receiving.close()
        if answered:  # it is exiting: let it
            process.join(STOP_GRACE_SECONDS)
        stop_process(process, STOP_GRACE_SECONDS)  # still there: this process was interrupted
    if kind == "error":
        raise payload from RemoteTraceback(child_traceback)
    return payload
