"""The dbt project's models and tests as Dagster assets and asset checks.

The manifest is prepared before the code location loads (project.py); loading only reads
it.
"""

import hashlib
import json
import signal
import subprocess
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
from pipelines.child_processes import stop_process
from pipelines.code_digest import source_digest
from pipelines.defs.ingestion.assets import TRANSIENT_RETRY
from pipelines.defs.resources import DUCKDB_POOL
from pipelines.defs.transformation.project import PREPARE_COMMAND, dbt_project
from pipelines.progress import IngestProgress
from pipelines.warehouse import WarehouseResource
from pipelines.warehouse.resource import permanent_faults_fail_at_once
from pipelines.warehouse.state import existing_relations

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
        code_version = dbt_code_version()
        with warehouse.connect() as con:
            built_with = built_code_version(con)
            full_refresh = built_with != code_version
            scope = write_test_scope(con, every_document=full_refresh)
        if scope is not None:
            context.log.info(
                f"dbt 测试范围：新入库的 {scope} 份文件 (per-document tests: {scope} documents)"
            )
        if full_refresh:
            # The facts are incremental by document: rows built by other SQL would stay.
            context.log.info(
                "dbt 项目代码已变（或首次构建）：全量重建 (full refresh: the models changed)"
            )
        build = dbt.cli(
            ["build", "--vars", warehouse_var, *(["--full-refresh"] if full_refresh else [])],
            context=context,
            target_path=build_target_path(warehouse.file),
        )
        try:
            for event in build.stream():
                progress.advance("dbt")
                yield event
        finally:
            # A failure while handling dbt's events (or the step being closed) must not
            # leave dbt running: it would hold the warehouse's lock through every retry.
            stop_dbt_process(build.process)
        # Reached only when the build succeeded (dagster-dbt raises when a test fails).
        with warehouse.connect() as con:
            if full_refresh:
                record_code_version(con, code_version)
            if not context.is_subset:  # a subset ran some of the tests only
                record_tested_versions(con)
    progress.finish("dbt")


# The dbt code the warehouse's incremental facts were last fully built with: a change of
# any model, macro, seed or project setting rebuilds them all once (`--full-refresh`).
BUILD_STATE = "pipeline.dbt_build_state"
DBT_CODE_FOLDERS = ("models", "macros", "seeds")


def dbt_code_version(project_dir: Path = settings.DBT_PROJECT_DIR) -> str:
    """A digest of the dbt project's code: every file under models/, macros/ and seeds/,
    and dbt_project.yml (paths and contents)."""
    files = [project_dir / "dbt_project.yml"]
    for folder in DBT_CODE_FOLDERS:
        files += sorted(p for p in (project_dir / folder).rglob("*") if p.is_file())
    return source_digest(files, project_dir)


def built_code_version(con) -> str | None:
    """The code version the facts were last fully built with; None before the first."""
    if BUILD_STATE not in existing_relations(con):
        return None
    row = con.execute(f"select code_version from {BUILD_STATE}").fetchone()
    return row[0] if row else None


def record_code_version(con, code_version: str) -> None:
    con.execute("create schema if not exists pipeline")
    con.execute(
        f"create table if not exists {BUILD_STATE} (code_version varchar, built_at timestamp)"
    )
    con.execute(
        f"comment on table {BUILD_STATE} is "
        "'dbt 项目代码版本：按文件增量构建的事实表上次全量重建所用的模型代码；代码变了即全量重建'"
    )
    con.execute("begin transaction")
    con.execute(f"delete from {BUILD_STATE}")
    con.execute(
        f"insert into {BUILD_STATE} values (?, current_timestamp::timestamp)", [code_version]
    )
    con.execute("commit")


# The document versions tested by the last build whose tests passed, and the scope of the
# next build's tests of the per-document relations: the versions loaded since
# (dbt_project/macros/test_scope.sql).
TESTED_VERSIONS = "pipeline.dbt_tested_versions"
TEST_SCOPE = "pipeline.dbt_test_scope"


def write_test_scope(con, every_document: bool) -> int | None:
    """Write the next build's test scope: the document versions in raw.documents that no
    passed build tested. Return how many documents it holds; None when every document is
    to be tested (`every_document`, or no build recorded what it tested), and the scope is
    then dropped."""
    con.execute(f"drop table if exists {TEST_SCOPE}")
    if every_document or TESTED_VERSIONS not in existing_relations(con):
        return None
    con.execute(
        f"""
        create table {TEST_SCOPE} as
        select documents.document_id
        from raw.documents as documents
        where not exists (
            select 1 from {TESTED_VERSIONS} as tested
            where tested.document_id = documents.document_id
                and tested.ingested_at = documents.ingested_at
        )
        """
    )
    con.execute(
        f"comment on table {TEST_SCOPE} is "
        "'本次 dbt 构建的测试范围：上次测试全部通过后新入库（或重新提取）的文件；原始表、"
        "staging 与按文件的中间视图的测试只读这些文件 (the documents the per-document tests "
        "of this build read)'"
    )
    return con.execute(f"select count(*) from {TEST_SCOPE}").fetchone()[0]


def record_tested_versions(con) -> None:
    """After a build whose tests passed: every document version in raw is tested."""
    con.execute("create schema if not exists pipeline")
    con.execute(
        f"create or replace table {TESTED_VERSIONS} as "
        "select document_id, ingested_at from raw.documents"
    )
    con.execute(
        f"comment on table {TESTED_VERSIONS} is "
        "'已通过 dbt 测试的文件版本（document_id 与 ingested_at），下次构建只测试其余的 "
        "(document versions tested by the last build whose tests passed)'"
    )


def stop_dbt_process(process: subprocess.Popen, grace_seconds: float = 10.0) -> None:
    """Interrupt a dbt process still running (dbt stops at its next node and releases the
    warehouse), then kill it after the grace time."""
    stop_process(process, grace_seconds, first_signal=signal.SIGINT)


defs = dg.Definitions(
    assets=[juesuan_dbt_models],
    resources={"dbt": dbt_cli},
)
