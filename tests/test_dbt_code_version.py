"""The incremental facts are rebuilt in full once when the dbt code changes: the build step
compares the project's code version with the one the warehouse was last fully built with."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb

from pipelines import settings
from pipelines.defs.transformation.definitions import (
    built_code_version,
    dbt_code_version,
    record_code_version,
)


def copy_of_dbt_project(tmp_path: Path) -> Path:
    project = tmp_path / "dbt_project"
    shutil.copytree(
        settings.DBT_PROJECT_DIR, project, ignore=shutil.ignore_patterns("target", "logs")
    )
    return project


def test_the_code_version_follows_models_macros_seeds_and_the_project_file(tmp_path):
    project = copy_of_dbt_project(tmp_path)
    original = dbt_code_version(project)
    assert dbt_code_version(project) == original  # deterministic

    # Build artifacts and logs are not code.
    (project / "target").mkdir()
    (project / "target" / "run_results.json").write_text("{}")
    assert dbt_code_version(project) == original

    for changed in (
        next((project / "macros").glob("*.sql")),
        next((project / "models").rglob("*.sql")),
        project / "dbt_project.yml",
    ):
        text = changed.read_text("utf-8")
        changed.write_text(text + "\n-- changed\n", "utf-8")
        assert dbt_code_version(project) != original, changed
        changed.write_text(text, "utf-8")
        assert dbt_code_version(project) == original

    # A model moved to another folder is another project (its config comes from the path).
    model = next((project / "models" / "marts").glob("*.sql"))
    model.rename(project / "models" / "intermediate" / model.name)
    assert dbt_code_version(project) != original


def test_the_warehouse_records_the_version_it_was_fully_built_with(tmp_path):
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    try:
        assert built_code_version(con) is None  # never built: the first build is full
        record_code_version(con, "a" * 64)
        assert built_code_version(con) == "a" * 64
        record_code_version(con, "b" * 64)  # replaced, never two rows
        assert built_code_version(con) == "b" * 64
        assert con.execute("select count(*) from pipeline.dbt_build_state").fetchone() == (1,)
    finally:
        con.close()
