"""The dbt project, apart from its assets, so that it can be prepared (`dbt parse`, the
manifest) before the code location loads: `make` does, and so does the deploy step."""

from dagster_dbt import DbtProject

from pipelines import settings

dbt_project = DbtProject(
    project_dir=settings.DBT_PROJECT_DIR, profiles_dir=settings.DBT_PROJECT_DIR
)
# What prepares the manifest: the Makefile's and the deploy step's command.
PREPARE_COMMAND = (
    "dagster-dbt project prepare-and-package --file pipelines/defs/transformation/project.py"
)
