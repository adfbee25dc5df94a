"""The DuckDB warehouse, owned here alone: connection.py opens it (the only place that
does, always waiting for the lock), state.py answers what it holds, load.py writes the
raw schema, resource.py makes it a Dagster resource."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pipelines.warehouse.connection import LOCK_WAIT_SECONDS, WarehouseLockedError, connect

if TYPE_CHECKING:
    from pipelines.warehouse.resource import WarehouseResource

__all__ = ["LOCK_WAIT_SECONDS", "WarehouseLockedError", "WarehouseResource", "connect"]


def __getattr__(name: str) -> object:
    # Dagster is imported only by those who ask for the resource, so `juesuan status`,
    # `juesuan sql` and the extraction workers start without it.
    if name == "WarehouseResource":
        from pipelines.warehouse.resource import WarehouseResource

        return WarehouseResource
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
