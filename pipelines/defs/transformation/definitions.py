"""The dbt project's models and tests as Dagster assets and asset checks."""

import sys
from pathlib import Path

import dagster as dg
from dagster_dbt import (
    DagsterDbtTranslator,
    DagsterDbtTranslatorSettings,
    DbtCliResource,
    DbtProject,
    dbt_assets,
)

from pipelines import settings
from pipelines.defs.ingestion.assets import TRANSIENT_RETRY
from pipelines.defs.resources import DUCKDB_POOL
from pipelines.progress import IngestProgress

dbt_project = DbtProject(
    project_dir=settings.DBT_PROJECT_DIR, profiles_dir=settings.DBT_PROJECT_DIR
)


def _manifest_is_stale() -> bool:
    """Missing, or older than a file of the dbt project (a model edited since)."""
    if not dbt_project.manifest_path.exists():
        return True
    built = dbt_project.manifest_path.stat().st_mtime
    files = (p for p in settings.DBT_PROJECT_DIR.rglob("*") if "target" not in p.parts)
    return any(
        p.suffix in {".sql", ".yml", ".csv", ".md"} and p.stat().st_mtime > built for p in files
    )


# The dbt beside this interpreter: the venv need not be activated (make, CI, cron).
dbt_cli = DbtCliResource(
    project_dir=dbt_project, dbt_executable=str(Path(sys.executable).parent / "dbt")
)

# `make` prepares the manifest (dagster-dbt project prepare-and-package); here it is
# parsed again only when missing or stale, e.g. under `dagster dev` after an edit.
if _manifest_is_stale():
    dbt_cli.cli(["parse", "--quiet"], target_path=dbt_project.target_path).wait()


@dbt_assets(
    manifest=dbt_project.manifest_path,
    project=dbt_project,
    # The raw tables' key tests are checks on the raw assets, not stray observations.
    dagster_dbt_translator=DagsterDbtTranslator(
        settings=DagsterDbtTranslatorSettings(enable_source_tests_as_checks=True)
    ),
    pool=DUCKDB_POOL,
    retry_policy=TRANSIENT_RETRY,
)
def juesuan_dbt_models(
    context: dg.AssetExecutionContext,
    dbt: DbtCliResource,
    progress: dg.ResourceParam[IngestProgress],
):
    progress.start("dbt", len(context.selected_asset_keys) + len(context.selected_asset_check_keys))
    with progress.tool_output():
        for event in dbt.cli(["build"], context=context).stream():
            progress.advance("dbt")
            yield event
    progress.finish("dbt")


defs = dg.Definitions(
    assets=[juesuan_dbt_models],
    resources={"dbt": dbt_cli},
)
