"""The one Definitions root of the Juesuan code location."""

from __future__ import annotations

import dagster as dg

from pipelines import settings
from pipelines.defs.ingestion import definitions as ingestion
from pipelines.defs.ingestion.celery_local import CELERY_BACKEND_ENV, CELERY_BROKER_ENV
from pipelines.defs.quality import definitions as quality
from pipelines.defs.resources import (
    DocumentStoreIOManager,
    ExtractionResource,
    InboxResource,
    ReportsResource,
)
from pipelines.defs.run_workers import install_bounded_pool_wait
from pipelines.defs.transformation import definitions as transformation
from pipelines.progress import IngestProgress
from pipelines.warehouse import WarehouseResource


def step_executor() -> dg.ExecutorDefinition | None:
    """JUESUAN_EXECUTOR picks where a run's steps execute, so that a deployment moves to
    Kubernetes or Celery by configuration (install the `k8s` or `celery` extra)."""
    name = settings.executor_name()
    if name == "default":
        return None  # Dagster's multiprocess executor
    if name == "k8s":
        from dagster_k8s import k8s_job_executor

        return k8s_job_executor
    if name == "celery":
        from dagster_celery import celery_executor

        # The broker and result backend the workers listen on (their `-y` file names the
        # same URLs), from the environment of the process orchestrating the run.
        return celery_executor.configured(
            {
                "broker": {"env": CELERY_BROKER_ENV},
                "backend": {"env": CELERY_BACKEND_ENV},
            },
            name="celery",
        )
    raise ValueError(f"{settings.EXECUTOR_ENV}={name!r}: expected default, k8s or celery")


def build_definitions(progress: IngestProgress | None = None) -> dg.Definitions:
    """The domains with their resources, at the paths settings give (absolute: dbt, a
    subprocess run from its own folder, is handed the warehouse's). `juesuan ingest`
    builds its own with a progress display; Dagster loads `defs` below."""
    # Here because every process that executes a run (a run worker, `juesuan ingest`)
    # loads these definitions first.
    install_bounded_pool_wait()
    return dg.Definitions.merge(
        ingestion.defs,
        transformation.defs,
        quality.defs,
        dg.Definitions(
            executor=step_executor(),
            resources={
                "progress": dg.ResourceDefinition.hardcoded_resource(progress or IngestProgress()),
                "inbox": InboxResource(
                    path=str(settings.sources_dir()),
                    hash_cache=str(settings.inbox_hashes_path()),
                ),
                "reports": ReportsResource(path=str(settings.reports_dir())),
                "warehouse": WarehouseResource(path=str(settings.warehouse_path())),
                "extraction": ExtractionResource(
                    store_path=str(settings.document_store_dir() / "extractions"),
                    timeout_seconds=settings.extract_timeout_seconds(),
                ),
                "document_store": DocumentStoreIOManager(
                    base_dir=str(settings.document_store_dir())
                ),
            },
        ),
    )


# Domain modules are imported as modules: Dagster allows one Definitions object at this
# module's scope.
defs = build_definitions()
