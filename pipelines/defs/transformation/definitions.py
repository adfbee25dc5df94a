"""The dbt project's models and tests as Dagster assets and asset checks.

The manifest is prepared before the code location loads (project.py); loading only reads
it.
"""

import hashlib
import json
import sys
from pathlib import Path

import dagster as dg
from dagster_dbt import (
    DagsterDbtTranslator,
    DagsterDbtTranslatorSettings,
    DbtCliResource,
    dbt_assets,
)

from pipelines import settings
from pipelines.defs.ingestion.assets import TRANSIENT_RETRY
from pipelines.defs.resources import DUCKDB_POOL
from pipelines.defs.transformation.project import PREPARE_COMMAND, dbt_project
from pipelines.progress import IngestProgress
from pipelines.warehouse import WarehouseResource
from pipelines.warehouse.resource import permanent_faults_fail_at_once

# Where builds write their artifacts: one folder per warehouse, reused. dagster-dbt's
# default is a new folder per invocation, which grows without end. Builds of one warehouse
# never overlap (pool "duckdb", the file's lock); builds of two warehouses (two inboxes,
# two test sessions) may, and must not share dbt's partial-parse state and run results.
BUILD_TARGET_ROOT = dbt_project.target_path / "build"


def build_target_path(warehouse_file: Path) -> Path:
    """The artifact folder of the builds of this warehouse."""
    key = hashlib.sha256(str(warehouse_file.resolve()).encode()).hexdigest()[:16]
    return BUILD_TARGET_ROOT / key


# The dbt variable profiles.yml reads the warehouse file from (before JUESUAN_WAREHOUSE).
WAREHOUSE_VAR = "juesuan_warehouse"
# The dbt variable quality.document_coverage reads the unit registry from ('' for none).
UNIT_REGISTRY_VAR = "juesuan_unit_registry"
# The dbt variable that makes the build hold the file from its first model to its last
# (profiles.yml): a reader sees the marts before the build or after it, never half built.
HOLD_WAREHOUSE_VAR = "juesuan_hold_warehouse"

if not dbt_project.manifest_path.exists():
    raise FileNotFoundError(
        f"dbt manifest missing: {dbt_project.manifest_path}. Prepare it first: "
        f"`make dbt_project/target/manifest.json` (make demo, test and dev do), or "
        f"`{PREPARE_COMMAND}`."
    )

# The dbt beside this interpreter: the venv need not be activated (make, CI, cron).
dbt_cli = DbtCliResource(
    project_dir=dbt_project, dbt_executable=str(Path(sys.executable).parent / "dbt")
)


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
    warehouse: WarehouseResource,
    progress: dg.ResourceParam[IngestProgress],
):
    progress.start("dbt", len(context.selected_asset_keys) + len(context.selected_asset_check_keys))
    # The same DuckDB file as the Python steps, whatever dbt's working folder.
    registry = settings.unit_registry_path()  # absolute, as the warehouse's
    warehouse_var = json.dumps(
        {
            WAREHOUSE_VAR: str(warehouse.file.resolve()),
            UNIT_REGISTRY_VAR: str(registry) if registry is not None else "",
            HOLD_WAREHOUSE_VAR: True,
        }
    )
    with permanent_faults_fail_at_once(), progress.tool_output():
        # Opened here first: a corrupt file or a read-only folder fails at once, with its
        # cause, rather than after dbt's connection retries (profiles.yml).
        with warehouse.connect():
            pass
        build = dbt.cli(
            ["build", "--vars", warehouse_var],
            context=context,
            target_path=build_target_path(warehouse.file),
        )
        for event in build.stream():
            progress.advance("dbt")
            yield event
    progress.finish("dbt")


defs = dg.Definitions(
    assets=[juesuan_dbt_models],
    resources={"dbt": dbt_cli},
)
