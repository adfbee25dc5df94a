"""The one way to open the DuckDB warehouse: every reader and writer waits for the lock.

DuckDB lets one process write a file, or several read it, at a time; dbt, a concurrent
run or an analyst's session may hold it for a while. A connection is opened for one piece
of work and closed after it, so the next process (dbt runs next) is not kept waiting.

An analyst's connection (`juesuan sql`) reads the warehouse and nothing else: one
statement that only reads, on a connection without file, network or extension access,
whose configuration is locked before the analyst's SQL runs. Faults no retry can mend (a
full disk, a read-only folder, a file that is not, or no longer, a DuckDB database) are
told apart here from passing ones, so that the pipeline stops at once with the cause.
"""

from __future__ import annotations

import errno
import os
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import duckdb

from pipelines import settings

RAW_SCHEMA_SQL = Path(__file__).with_name("raw_schema.sql")

# How long to wait for another process (dbt, a concurrent run, an analyst's session) to
# release the DuckDB file before giving up.
LOCK_WAIT_SECONDS = 60.0
# Retry delays double from the first to the longest: quick for a short dbt step, without
# spinning on the file through a long one.
FIRST_RETRY_SECONDS = 0.2
LONGEST_RETRY_SECONDS = 5.0
# A private database in memory (with the raw schema when writable): for shaping rows as
# the warehouse would, without touching the file.
IN_MEMORY = Path(":memory:")


class WarehouseLockedError(duckdb.IOException):
    """Another process held the warehouse for longer than the wait allowed.

    A duckdb.IOException still, so the callers that already treat an unreadable warehouse
    (and the transient-fault retries of the Dagster steps) treat this one alike."""


def _is_lock_conflict(error: duckdb.IOException) -> bool:
    return "lock" in str(error).lower()


def resource_config(path: Path) -> dict[str, str | int]:
    """What every connection may use: DuckDB's buffers up to the memory limit of the
    settings, then spilled to a temporary folder (the warehouse's own `<file>.tmp`, as
    DuckDB does; a folder of this process for a database in memory, where DuckDB's default
    would be `.tmp` in the working directory), so a process's memory does not grow with
    the warehouse it reads."""
    if path == IN_MEMORY:
        spill = Path(tempfile.gettempdir()) / f"juesuan-duckdb-{os.getpid()}"
    else:
        spill = path.with_name(path.name + ".tmp")
    return {
        "memory_limit": settings.duckdb_memory_limit(),
        "threads": settings.duckdb_threads(),
        "temp_directory": str(spill),
    }


def _open(
    path: Path,
    read_only: bool,
    lock_wait: float,
    config: dict[str, str | bool | int | float | list[str]] | None = None,
    on_wait: Callable[[], None] | None = None,
) -> duckdb.DuckDBPyConnection:
    deadline = time.monotonic() + lock_wait
    delay = FIRST_RETRY_SECONDS
    waited = False
    config = {**resource_config(path), **(config or {})}
    while True:
        try:
            return duckdb.connect(str(path), read_only=read_only, config=config)
        except duckdb.IOException as error:
            if not _is_lock_conflict(error):
                raise
            if time.monotonic() + delay > deadline:
                raise WarehouseLockedError(
                    f"数据仓库被另一个进程占用，等待 {lock_wait:g} 秒后放弃 "
                    f"(the warehouse {path} is locked by another process): {error}"
                ) from error
            if on_wait is not None and not waited:
                on_wait()
            waited = True
            time.sleep(delay)
            delay = min(delay * 2, LONGEST_RETRY_SECONDS)


@contextmanager
def connect(
    path: Path, read_only: bool = False, lock_wait: float = LOCK_WAIT_SECONDS
) -> Iterator[duckdb.DuckDBPyConnection]:
    """A connection to the warehouse file, closed on exit. Waits up to `lock_wait`
    seconds while another process holds the file, then raises WarehouseLockedError.
    A writable connection creates the file's folder and the raw schema if absent."""
    if not read_only and path != IN_MEMORY:
        path.parent.mkdir(parents=True, exist_ok=True)
    con = _open(path, read_only, lock_wait)
    try:
        if not read_only:
            con.execute(RAW_SCHEMA_SQL.read_text(encoding="utf-8"))
        yield con
    finally:
        con.close()


# Fixed when the file opens: no extension is fetched or loaded behind a query's back.
ANALYST_OPEN_CONFIG: dict[str, str | bool | int | float | list[str]] = {
    "autoinstall_known_extensions": False,
    "autoload_known_extensions": False,
    "allow_community_extensions": False,
}


@contextmanager
def analyst_connection(
    path: Path,
    output_files: Iterable[str] = (),
    lock_wait: float = LOCK_WAIT_SECONDS,
    on_wait: Callable[[], None] | None = None,
) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only connection that reaches nothing but the warehouse, closed on exit.

    After the file opens, file and network access is switched off (read_csv, read_text,
    glob, COPY, ATTACH, INSTALL, LOAD, http…), except for `output_files`, the files the
    caller itself writes the result to; then the configuration is locked, so no SET,
    PRAGMA or CALL can undo it. `on_wait` is called once if the file is locked and the
    connection waits (up to `lock_wait` seconds, then WarehouseLockedError)."""
    con = _open(
        path, read_only=True, lock_wait=lock_wait, config=ANALYST_OPEN_CONFIG, on_wait=on_wait
    )
    try:
        # allowed_paths can only be set while external access is still on.
        outputs = [str(Path(file).resolve()) for file in output_files]
        if outputs:
            con.execute("SET allowed_paths = $paths", {"paths": outputs})
        con.execute("SET enable_external_access = false")
        # DuckDB draws it on standard output, where `juesuan sql --csv -` writes.
        con.execute("SET enable_progress_bar = false")
        con.execute("SET lock_configuration = true")
        yield con
    finally:
        con.close()


class RefusedQueryError(ValueError):
    """An analyst's SQL that is not exactly one statement that only reads."""


def read_only_query(con: duckdb.DuckDBPyConnection, sql: str) -> str:
    """The single statement of `sql`, when DuckDB's own parser says it only reads: a SELECT
    (which includes WITH, FROM-first, VALUES, DESCRIBE, SHOW and SUMMARIZE), or EXPLAIN of
    one without ANALYZE (which would run it). Anything else raises RefusedQueryError with
    the reason in Chinese."""
    try:
        statements = con.extract_statements(sql)
    except duckdb.Error as error:
        raise RefusedQueryError(f"SQL 语法错误 (syntax error)：{error}") from error
    if not statements:
        raise RefusedQueryError("没有可执行的语句 (no statement)")
    if len(statements) > 1:
        raise RefusedQueryError(
            f"一次只能执行一条查询语句，收到 {len(statements)} 条 (one statement at a time)"
        )
    statement = statements[0]
    kind = statement.type.name
    if kind == "SELECT":
        return statement.query
    if kind == "EXPLAIN":
        _refuse_unless_plain_explain(con, statement.query)
        return statement.query
    raise RefusedQueryError(
        f"只允许查询语句（SELECT），已拒绝 {kind} 语句 (only SELECT is allowed)："
        "数据仓库以只读方式打开，数据只由 juesuan ingest 写入。"
    )


def _refuse_unless_plain_explain(con: duckdb.DuckDBPyConnection, explain: str) -> None:
    """EXPLAIN of a SELECT only shows its plan. EXPLAIN ANALYZE executes the statement, and
    EXPLAIN (options…) may ask for ANALYZE, so both are refused; so is EXPLAIN of anything
    but a SELECT."""
    text = explain.encode("utf-8")  # the tokenizer's positions count bytes
    found = duckdb.tokenize(explain)
    ends = [start for start, _ in found[1:]] + [len(text)]
    tokens, words = [], []
    for (start, kind), end in zip(found, ends, strict=True):
        if kind != duckdb.token_type.comment:
            tokens.append(start)
            words.append(text[start:end].decode("utf-8").strip().upper())
    if len(words) < 2 or words[0] != "EXPLAIN":
        raise RefusedQueryError("无法识别的 EXPLAIN 语句 (unrecognised EXPLAIN)")
    if words[1] in ("ANALYZE", "ANALYSE") or words[1].startswith("("):
        raise RefusedQueryError(
            "只允许不带 ANALYZE 或选项的 EXPLAIN SELECT …：EXPLAIN ANALYZE 会执行语句 "
            "(EXPLAIN ANALYZE executes the statement)"
        )
    inner = con.extract_statements(text[tokens[1] :].decode("utf-8"))
    if len(inner) != 1 or inner[0].type.name != "SELECT":
        raise RefusedQueryError("EXPLAIN 只能用于查询语句（SELECT）(EXPLAIN of a SELECT only)")


@dataclass(frozen=True)
class PermanentFault:
    """A fault no retry can mend, with what the operator must do about it."""

    cause: str  # Chinese, with the English in parentheses
    remedy: str
    detail: str  # the error as raised: it names the file

    def describe(self) -> str:
        return (
            f"{self.cause}：{self.detail}。{self.remedy}"
            "（永久性故障，不自动重试 / permanent fault, not retried）"
        )


_DISK_FULL = ("磁盘已满 (no space left on device)", "请释放磁盘空间后重新运行。")
_QUOTA = ("磁盘配额已用完 (disk quota exceeded)", "请释放空间或提高配额后重新运行。")
_READ_ONLY = (
    "文件系统为只读 (read-only file system)",
    "请把数据仓库放在可写的位置（JUESUAN_WAREHOUSE）后重新运行。",
)
_NO_PERMISSION = (
    "没有写入或读取权限 (permission denied)",
    "请给运行流水线的用户读写数据仓库所在文件夹的权限后重新运行。",
)
_RESTORE = "请从备份恢复数据仓库文件，或将其移走后重新运行 juesuan ingest（从收件箱重建）。"
_BY_ERRNO = {
    errno.ENOSPC: _DISK_FULL,
    errno.EDQUOT: _QUOTA,
    errno.EROFS: _READ_ONLY,
    errno.EACCES: _NO_PERMISSION,
    errno.EPERM: _NO_PERMISSION,
}
# DuckDB reports file-system faults as text inside its own exceptions.
_BY_MESSAGE = (
    ("No space left on device", _DISK_FULL),
    ("Disk quota exceeded", _QUOTA),
    ("Read-only file system", _READ_ONLY),
    ("Permission denied", _NO_PERMISSION),
    (
        "not a valid DuckDB database",
        ("数据仓库文件不是有效的 DuckDB 数据库 (not a valid DuckDB database file)", _RESTORE),
    ),
    ("Corrupt database file", ("数据仓库文件已损坏 (corrupt database file)", _RESTORE)),
    (
        "Could not read enough bytes",
        ("数据仓库文件不完整，可能被截断 (truncated database file)", _RESTORE),
    ),
    (
        "database file with version number",
        (
            "数据仓库文件的存储版本与本程序的 DuckDB 不兼容 (incompatible storage version)",
            _RESTORE,
        ),
    ),
)


def permanent_fault(error: BaseException) -> PermanentFault | None:
    """What makes `error` permanent, if anything does: the error or one it was raised from
    (its cause or context) is an OSError with a disk-full, read-only or permission errno,
    or a DuckDB error (also inside dbt's output) telling the same or that the file is not a
    sound DuckDB database. None for anything else, a lock held too long included."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, OSError) and current.errno in _BY_ERRNO:
            cause, remedy = _BY_ERRNO[current.errno]
            return PermanentFault(cause, remedy, str(current))
        text = str(current)
        for marker, (cause, remedy) in _BY_MESSAGE:
            if marker in text:
                return PermanentFault(cause, remedy, _line_with(text, marker))
        current = current.__cause__ or current.__context__
    return None


def _line_with(text: str, marker: str) -> str:
    """The line of a long message (dbt's, say) that tells the fault."""
    return next(line.strip() for line in text.splitlines() if marker in line).rstrip("!.。")
