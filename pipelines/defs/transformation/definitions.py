"""The dbt project's models and tests as Dagster assets and asset checks."""

import os
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


# What dbt writes: never walked when checking the manifest (it is most of the folder).
DBT_OUTPUT_FOLDERS = {"target", "logs", "dbt_packages"}
# Where each build writes its artifacts: one folder, reused. dagster-dbt's default is a new
# folder per invocation, which grows without end; builds never overlap (pool "duckdb").
BUILD_TARGET_PATH = dbt_project.target_path / "build"


def _manifest_is_stale() -> bool:
    """Missing, or older than a file of the dbt project (a model edited since)."""
    if not dbt_project.manifest_path.exists():
        return True
    built = dbt_project.manifest_path.stat().st_mtime
    for folder, subfolders, files in os.walk(settings.DBT_PROJECT_DIR):
        subfolders[:] = [name for name in subfolders if name not in DBT_OUTPUT_FOLDERS]
        for name in files:
            path = Path(folder, name)
            if path.suffix in {".sql", ".yml", ".csv", ".md"} and path.stat().st_mtime > built:
                return True
    return False


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
        build = dbt.cli(["build"], context=context, target_path=BUILD_TARGET_PATH)
        for event in build.stream():
            progress.advance("dbt")
            yield event
    progress.finish("dbt")


defs = dg.Definitions(
    assets=[juesuan_dbt_models],
    resources={"dbt": dbt_cli},
)
