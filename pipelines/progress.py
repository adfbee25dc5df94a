"""How the pipeline reports its progress, phase by phase, to whoever watches."""

from __future__ import annotations

import contextlib


class IngestProgress:
    """Where the pipeline reports its progress, phase by phase.

    This default says nothing: the Dagster UI shows the run's events. `juesuan ingest`
    passes one that draws progress bars in the terminal.
    """

    def start(self, phase: str, total: int | None = None) -> None:
        """A phase begins; `total` is the number of steps it will report, if known."""

    def advance(self, phase: str, note: str | None = None) -> None:
        """One step of the phase is done (a document, a dbt node)."""

    def finish(self, phase: str) -> None:
        """The phase is over."""

    def tool_output(self) -> contextlib.AbstractContextManager:
        """Where a tool's own console output goes (dbt's log lines): kept here, where the
        UI captures it per step; a terminal with progress bars drops it (dbt still writes
        dbt_project/logs/dbt.log)."""
        return contextlib.nullcontext()
