"""`dagster dev` serves the code location: its GraphQL API lists the asset graph."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import REPO

pytestmark = pytest.mark.slow  # starts `dagster dev`, which loads the whole code location


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def graphql(port: int, query: str) -> dict:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/graphql",
        data=json.dumps({"query": query}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.load(response)["data"]


@pytest.fixture(scope="module")
def webserver(tmp_path_factory):
    home = tmp_path_factory.mktemp("dagster_home")
    shutil.copy(REPO / "dagster_home" / "dagster.yaml", home)
    port = free_port()
    inbox = tmp_path_factory.mktemp("empty_inbox")  # the running sensor finds nothing
    env = {
        **os.environ,
        "DAGSTER_HOME": str(home),
        "JUESUAN_SOURCES": str(inbox),
        "JUESUAN_WAREHOUSE": str(home / "juesuan.duckdb"),
    }
    dagster = Path(sys.executable).parent / "dagster"
    process = subprocess.Popen(
        [str(dagster), "dev", "-m", "pipelines.definitions", "-p", str(port)],
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            try:
                if graphql(port, "{ assetNodes { id } }")["assetNodes"]:
                    break
            except OSError:
                pass
            if process.poll() is not None:
                pytest.fail(f"dagster dev exited: {process.stderr.read().decode()[-2000:]}")
            time.sleep(2)
        else:
            pytest.fail("dagster dev did not serve the asset graph within 180 s")
        yield port
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


def test_the_asset_graph_is_served(webserver):
    nodes = graphql(webserver, "{ assetNodes { assetKey { path } } }")["assetNodes"]
    keys = {"/".join(node["assetKey"]["path"]) for node in nodes}
    assert {"source_documents", "document_extractions", "raw/table_cells"} <= keys
    assert {"marts/fct_expenditure", "marts/dim_unit", "marts/fct_statement_lines"} <= keys


def test_documents_are_partitions_of_the_per_document_assets(webserver):
    nodes = graphql(
        webserver,
        "{ assetNodes { assetKey { path } partitionDefinition { type name } } }",
    )["assetNodes"]
    partitions = {"/".join(node["assetKey"]["path"]): node["partitionDefinition"] for node in nodes}
    for key in ("source_documents", "document_extractions", "raw/table_cells"):
        assert partitions[key] == {"type": "DYNAMIC", "name": "documents"}
    assert partitions["marts/fct_expenditure"] is None  # the marts cover every document


REPOSITORY_QUERY = """
{
  repositoriesOrError {
    ... on RepositoryConnection {
      nodes {
        jobs { name }
        sensors { name sensorState { status } }
        schedules { name cronSchedule executionTimezone scheduleState { status } }
      }
    }
  }
}
"""


def test_the_inbox_sensor_and_both_seasons_schedules_are_served(webserver):
    (repository,) = graphql(webserver, REPOSITORY_QUERY)["repositoriesOrError"]["nodes"]
    assert "ingest" in {job["name"] for job in repository["jobs"]}
    sensors = {sensor["name"]: sensor for sensor in repository["sensors"]}
    assert sensors["inbox_sensor"]["sensorState"]["status"] == "RUNNING"
    schedules = {schedule["name"]: schedule for schedule in repository["schedules"]}
    yearly = schedules["yearly_ingestion"]
    assert yearly["cronSchedule"] == "0 2 1 10 *"
    assert yearly["executionTimezone"] == "Asia/Shanghai"
    assert yearly["scheduleState"]["status"] == "RUNNING"
    budgets = schedules["budget_ingestion"]  # spring: after the February–March budgets
    assert budgets["cronSchedule"] == "0 2 1 4 *"
    assert budgets["executionTimezone"] == "Asia/Shanghai"
    assert budgets["scheduleState"]["status"] == "RUNNING"
