"""What the `juesuan` commands draw in the terminal (rich): the progress bars of
`ingest`, fed by the pipeline's progress hooks, and the tables of `status`."""

from __future__ import annotations

import contextlib
import io
import logging

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table
from rich.text import Text

from pipelines.progress import IngestProgress

PHASE_LABELS = {
    "extract": "提取 (extract)",
    "load": "写入 (load raw)",
    "dbt": "建模 (dbt build)",
    "quality": "核对 (checks)",
}


class RichIngestProgress(IngestProgress):
    """One bar per phase; lines the pipeline logs (warnings) print above the bars."""

    def __init__(self, console: Console | None = None) -> None:
        self.progress = Progress(
            SpinnerColumn(),
            TextColumn("{task.description:<18}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            TimeRemainingColumn(),
            TextColumn("[dim]{task.fields[note]}"),
            console=console or Console(stderr=True),
        )
        self.tasks: dict[str, TaskID] = {}

    def __enter__(self) -> RichIngestProgress:
        self.progress.start()
        return self

    def __exit__(self, *exc) -> None:
        self.progress.stop()

    def start(self, phase: str, total: int | None = None) -> None:
        self.tasks[phase] = self.progress.add_task(
            PHASE_LABELS.get(phase, phase), total=total, note=""
        )

    def advance(self, phase: str, note: str | None = None) -> None:
        task = self.tasks.get(phase)
        if task is not None:
            self.progress.update(task, advance=1, note=(note or "")[-40:])

    def finish(self, phase: str) -> None:
        task = self.tasks.get(phase)
        if task is not None:
            state = next(t for t in self.progress.tasks if t.id == task)
            done = state.total or max(state.completed, 1)
            self.progress.update(task, total=done, completed=done, note="")

    @contextlib.contextmanager
    def tool_output(self):
        # dagster-dbt echoes dbt's log to stdout and warns, through Dagster's builtin
        # logger, about each source test it reports as an observation: both are for
        # the UI's step logs, not for the operator's terminal.
        builtin = logging.getLogger("dagster.builtin")
        level = builtin.level
        builtin.setLevel(logging.ERROR)
        try:
            with contextlib.redirect_stdout(io.StringIO()):
                yield
        finally:
            builtin.setLevel(level)


STATUS_LABELS = {
    "loaded": "已入库 (loaded)",
    "rejected": "已拒收 (rejected)",
    "superseded": "已被取代 (superseded)",
}
YEAR_UNKNOWN = "未识别"


def year_label(year: int | None) -> str:
    return YEAR_UNKNOWN if year is None else str(year)


def status_table(counts, marts: bool):
    statuses = list(STATUS_LABELS)
    statuses += sorted({s for _, s, _ in counts.rows} - set(statuses))
    by_year: dict[int | None, dict[str, int]] = {}
    for year, state, documents in counts.rows:
        by_year.setdefault(year, {})[state] = documents
    table = Table(title="文档状态 (documents by status)", title_justify="left")
    table.add_column("年度 (year)", overflow="fold")
    for state in statuses:
        table.add_column(STATUS_LABELS.get(state, state), justify="right", overflow="fold")
    table.add_column("合计 (total)", justify="right", overflow="fold")

    def cells(row: dict[str, int]) -> list[str]:
        out = [str(row.get(s, 0)) for s in statuses]
        if not marts:  # raw.documents does not know which versions are superseded
            out[statuses.index("superseded")] = "—"
        return [*out, str(sum(row.values()))]

    years = sorted(by_year, key=lambda y: (y is None, y or 0))
    for year in years:
        table.add_row(year_label(year), *cells(by_year[year]))
    totals: dict[str, int] = {}
    for row in by_year.values():
        for state, documents in row.items():
            totals[state] = totals.get(state, 0) + documents
    table.add_section()
    table.add_row("合计 (total)", *cells(totals), style="bold")
    return table


def reasons_table(rows):
    table = Table(title="拒收原因 (rejection reasons)", title_justify="left")
    table.add_column("原因 (reason)", overflow="fold")
    table.add_column("文档 (documents)", justify="right")
    for reason, documents in rows:
        table.add_row(Text(reason or "（未注明 none given）"), str(documents))
    return table


def problems_table(rows):
    table = Table(title="被拒收或被取代的文档 (rejected or superseded)", title_justify="left")
    table.add_column("状态 (status)", overflow="fold")
    table.add_column("年度 (year)", overflow="fold")
    table.add_column("文件 (file)", overflow="fold")
    table.add_column("原因 (reason)", overflow="fold")
    for file_name, year, state, reason in rows:
        table.add_row(
            STATUS_LABELS.get(state, state), year_label(year), Text(file_name), Text(reason or "")
        )
    return table


def coverage_table(coverage):
    table = Table(
        title="覆盖情况 (coverage, as of the latest quality run)",
        title_justify="left",
        caption=Text("应报单位来源 (expected from): " + "、".join(coverage.expected_from))
        if coverage.expected_from
        else None,
        caption_justify="left",
    )
    table.add_column("年度 (year)", overflow="fold")
    table.add_column("类型 (kind)", overflow="fold")
    table.add_column("应报单位 (expected units)", justify="right", overflow="fold")
    table.add_column("缺少已入库文档 (gaps)", justify="right", overflow="fold")
    for year, kind, expected, gaps in coverage.rows:
        table.add_row(str(year), kind, str(expected), str(gaps))
    return table
