"""Operations: the inbox sensor, the yearly schedule, incremental runs, per-document
metadata."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import dagster as dg
import duckdb
import pytest

from juesuan_samples import generate_document
from pipelines.defs.ingestion.assets import RAW_KEYS, document_extractions, source_documents
from pipelines.defs.ingestion.launch import IngestPlan
from pipelines.defs.ingestion.planning import (
    RANGE_END_TAG,
    RANGE_START_TAG,
    pending_sources,
    range_tags,
)
from pipelines.defs.ingestion.schedules import yearly_ingestion
from pipelines.defs.ingestion.sensors import SETTLE_SECONDS, inbox_sensor
from pipelines.defs.resources import InboxResource
from pipelines.defs.transformation.definitions import TEST_SCOPE, TESTED_VERSIONS
from pipelines.extract import EXTRACTOR_VERSION
from pipelines.extract import runner as extract_runner
from pipelines.extract.records import (
    DocumentExtraction,
    ExtractedCell,
    ExtractedRow,
    ExtractedTable,
    NarrativeFigure,
    PageLine,
)
from pipelines.extract.runner import SourceFile
from pipelines.settings import DOCUMENTS_PER_RUN_ENV
from pipelines.warehouse import WarehouseResource, connect
from pipelines.warehouse.load import (
    RAW_TABLES,
    load_extraction,
    load_extraction_files,
    save_extraction_files,
)
from tests.conftest import REPO, run_ingest

sys.path.insert(0, str(REPO / "benchmarks"))
from compare_marts import compare, differing
from operations import run_and_report

PARTITIONS = "documents"


def sha256(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def settle(*paths) -> None:
    """Make files look fully copied: modified longer ago than the sensor waits."""
    past = time.time() - SETTLE_SECONDS - 60
    for path in paths:
        os.utime(path, (past, past))


def inbox_resource(inbox) -> InboxResource:
    """The inbox, with its hash file beside it (the code location keeps it in the
    document store)."""
    return InboxResource(path=str(inbox), hash_cache=str(inbox.parent / "inbox_hashes.json"))


def tick(instance, inbox) -> dg.SensorResult:
    # Entered and left here: a context left to the garbage collector resets Dagster's
    # current-instance state at some later moment, in another test.
    with dg.build_sensor_context(
        instance=instance, resources={"inbox": inbox_resource(inbox)}
    ) as context:
        return inbox_sensor(context)


@pytest.fixture
def hash_calls(monkeypatch) -> list:
    """The files discovery hashes (reads whole), in order."""
    hashed: list = []
    original = extract_runner.file_sha256
    monkeypatch.setattr(
        extract_runner, "file_sha256", lambda path: hashed.append(path) or original(path)
    )
    return hashed


def apply(instance, result: dg.SensorResult) -> None:
    """What the sensor daemon does with a tick's partition requests."""
    for request in result.dynamic_partitions_requests or []:
        instance.add_dynamic_partitions(request.partitions_def_name, list(request.partition_keys))


@pytest.fixture
def inbox(tmp_path):
    root = tmp_path / "inbox"
    first = generate_document(root / "2023", unit="枣庄市教育局", fiscal_year=2023, seed=1)
    second = generate_document(root / "2024", unit="枣庄市教育局", fiscal_year=2024, seed=2)
    settle(first.pdf_path, second.pdf_path)
    return root, first.pdf_path, second.pdf_path


def test_sensor_adds_new_documents_and_requests_one_run_over_them(inbox, hash_calls):
    root, first, second = inbox
    with dg.instance_for_test() as instance:
        result = tick(instance, root)
        keys = [sha256(first), sha256(second)]
        (request,) = result.dynamic_partitions_requests
        assert request.partitions_def_name == PARTITIONS
        assert list(request.partition_keys) == keys
        (run,) = result.run_requests
        assert run.tags[RANGE_START_TAG] == keys[0]
        assert run.tags[RANGE_END_TAG] == keys[1]
        assert run.job_name in (None, "ingest")  # the sensor's own job
        apply(instance, result)

        # Nothing new: no run, and the kept hashes spare reading the files again.
        hash_calls.clear()
        again = tick(instance, root)
        assert not again.run_requests
        assert not again.dynamic_partitions_requests
        assert hash_calls == []

        # The same bytes under another name are the same document.
        copy = root / "elsewhere" / "copy.pdf"
        copy.parent.mkdir()
        shutil.copy(first, copy)
        settle(copy)
        assert not tick(instance, root).run_requests


def test_sensor_picks_up_a_reissued_pdf_once_it_is_fully_copied(inbox, tmp_path):
    root, first, _ = inbox
    with dg.instance_for_test() as instance:
        result = tick(instance, root)
        apply(instance, result)
        old_key = sha256(first)

        # The unit re-issues its 2023 disclosure under the same name with other figures.
        staging = tmp_path / "staging"
        reissued = generate_document(staging, unit="枣庄市教育局", fiscal_year=2023, seed=99)
        shutil.copy(reissued.pdf_path, first)
        new_key = sha256(first)
        assert new_key != old_key

        # Still being copied (modified just now): left for a later tick.
        waiting = tick(instance, root)
        assert not waiting.run_requests

        settle(first)
        picked = tick(instance, root)
        (request,) = picked.dynamic_partitions_requests
        assert list(request.partition_keys) == [new_key]
        (run,) = picked.run_requests
        assert (run.tags[RANGE_START_TAG], run.tags[RANGE_END_TAG]) == (new_key, new_key)
        apply(instance, picked)
        # The earlier version keeps its partition: its history stays visible.
        assert {old_key, new_key} <= set(instance.get_dynamic_partitions(PARTITIONS))


def test_yearly_schedule_covers_every_document_of_the_inbox(inbox):
    root, first, second = inbox
    with dg.instance_for_test() as instance:
        with dg.build_schedule_context(
            instance=instance,
            scheduled_execution_time=datetime(2025, 10, 1, 2, tzinfo=ZoneInfo("Asia/Shanghai")),
            resources={"inbox": inbox_resource(root)},
        ) as context:
            request = yearly_ingestion(context)
        assert isinstance(request, dg.RunRequest)
        assert request.tags["juesuan/fiscal_year"] == "2024"
        assert request.run_key == "yearly-2024"
        # The sensor may have been off: the schedule registers the partitions itself.
        assert instance.get_dynamic_partitions(PARTITIONS) == [sha256(first), sha256(second)]
        assert request.tags[RANGE_START_TAG] == sha256(first)
        assert request.tags[RANGE_END_TAG] == sha256(second)


def test_yearly_schedule_cron_is_after_the_disclosure_season():
    assert yearly_ingestion.cron_schedule == "0 2 1 10 *"
    assert yearly_ingestion.execution_timezone == "Asia/Shanghai"


def source(key: str) -> SourceFile:
    return SourceFile(path=None, source_path=f"{key}.pdf", document_id=key, file_size=1)


def test_pending_documents_are_new_content_or_an_older_extractor(tmp_path):
    sources = [source("a"), source("b"), source("c")]
    warehouse = WarehouseResource(path=str(tmp_path / "juesuan.duckdb"))
    # Before the first load there is no warehouse file: everything is pending.
    assert pending_sources(sources, warehouse) == sources
    with warehouse.connect() as con:
        con.execute(
            "insert into raw.documents (document_id, file_name, source_path, file_size, "
            "status, extractor_version, ingested_at) values "
            f"('a', 'a.pdf', 'a.pdf', 1, 'loaded', '{EXTRACTOR_VERSION}', now()), "
            "('b', 'b.pdf', 'b.pdf', 1, 'loaded', '0.0.0-old', now())"
        )
    assert [s.document_id for s in pending_sources(sources, warehouse)] == ["b", "c"]
    assert pending_sources(sources, warehouse, force=True) == sources


def test_discovery_hashes_each_file_once_per_change(inbox, hash_calls):
    """The sensor, the schedule, the CLI's plan and the run's first step share one hash
    file: whoever scans first reads a file, the others reuse its hash until it changes."""
    root, first, second = inbox
    cache = root.parent / "inbox_hashes.json"
    planned = extract_runner.discover(root, cache).documents
    assert sorted(hash_calls) == sorted([first.resolve(), second.resolve()])
    assert [s.document_id for s in planned] == [sha256(first), sha256(second)]

    hash_calls.clear()
    # Another process (a run after the sensor's tick) reads the same file.
    assert inbox_resource(root).scan().documents == planned
    assert hash_calls == []

    # A changed file is read again, and only that one.
    staging = root.parent / "staging"
    reissued = generate_document(staging, unit="枣庄市教育局", fiscal_year=2023, seed=99)
    shutil.copy(reissued.pdf_path, first)
    changed = extract_runner.discover(root, cache).documents
    assert hash_calls == [first.resolve()]
    assert {s.document_id for s in changed} == {sha256(first), sha256(second)}

    # A removed file leaves the hash file.
    second.unlink()
    extract_runner.discover(root, cache)
    assert list(json.loads(cache.read_text())) == [str(first.resolve())]


def _small_extraction() -> DocumentExtraction:
    """A hand-made extraction with every kind of value the raw tables hold."""
    cells = [
        ExtractedCell("决算数", "1,234.56", Decimal("1234.56"), box=(300.5, 600.0, 360.25, 614.0)),
        ExtractedCell("年初预算数", "-", None),
        ExtractedCell("备注", "", None),
    ]
    table = ExtractedTable(
        table_id="T01",
        canonical_title="收入支出决算总表",
        printed_title="收入支出决算总表",
        status="extracted",
        money_unit="万元",
        first_page=5,
        last_page=6,
        parsing_report=[{"page": 5, "accuracy": 99.5}],
        rows=[ExtractedRow(1, 5, None, "一般公共预算财政拨款收入", cells, side="收入")],
        problems=["示例问题"],
    )
    missing = ExtractedTable("T09", "国有资本经营预算财政拨款支出决算表", None, "missing")
    return DocumentExtraction(
        document_id="d" * 64,
        file_name="a.pdf",
        source_path="2023/a.pdf",
        file_size=1234,
        extractor_version=EXTRACTOR_VERSION,
        status="loaded",
        page_count=20,
        document_kind="决算",
        unit_name="枣庄市教育局",
        region="枣庄市",
        unit_level="部门",
        fiscal_year=2023,
        tables=[table, missing],
        narrative=[NarrativeFigure("本年收入合计", Decimal("0.000001"), 3, "收入合计0.000001万元")],
        lines=[PageLine(3, 1, "收入合计 0.000001万元", (72.0, 700.5, 300.0, 712.0))],
    )


def columns(con, relation: str) -> list[tuple[str, str]]:
    """Names and types, in order."""
    return [(name, kind) for name, kind, *_ in con.execute(f"describe {relation}").fetchall()]


def test_an_extraction_is_stored_as_the_raw_tables_and_loads_unchanged(tmp_path):
    """Each extraction waits for the raw load as Parquet files, one per raw table, with
    the raw schema's columns and types; loading them writes the rows loading the
    extraction itself writes (ingested_at is the load's own time)."""
    extraction = _small_extraction()
    folder = tmp_path / "extractions" / extraction.document_id
    save_extraction_files(extraction, folder)
    assert sorted(p.name for p in folder.iterdir()) == sorted(f"{t}.parquet" for t in RAW_TABLES)

    with connect(tmp_path / "direct.duckdb") as direct:
        load_extraction(direct, extraction)
    with connect(tmp_path / "stored.duckdb") as con:
        assert load_extraction_files(con, folder) == extraction.document_id
        assert load_extraction_files(con, folder) == extraction.document_id  # replaces
        con.execute(f"attach '{tmp_path / 'direct.duckdb'}' as direct (read_only)")
        for table in RAW_TABLES:
            selected = "* exclude (ingested_at)" if table == "documents" else "*"
            stored = f"select {selected} from raw.{table}"
            expected = f"select {selected} from direct.raw.{table}"
            assert con.execute(f"select count(*) from raw.{table}").fetchone()[0] > 0, table
            for query in (f"{stored} except all {expected}", f"{expected} except all {stored}"):
                assert con.execute(query).fetchall() == [], table
            parquet = f"select * from read_parquet('{folder / table}.parquet')"
            assert columns(con, f"raw.{table}") == columns(con, parquet), table


def test_a_run_spans_its_documents_in_partition_order():
    order = ["k1", "k2", "k3", "k4"]
    assert range_tags(["k3", "k2"], order) == {RANGE_START_TAG: "k2", RANGE_END_TAG: "k3"}
    with pytest.raises(ValueError):
        range_tags([], order)


def test_many_pending_documents_make_consecutive_runs():
    order = ["k1", "k2", "k3", "k4", "k5", "k6", "k7"]
    pending = ["k2", "k3", "k5", "k6", "k7"]  # k1, k4: loaded already
    plan = IngestPlan(7, pending, range_tags(pending, order), False, [], order)
    runs = plan.in_runs(2)
    assert [run.pending for run in runs] == [["k2", "k3"], ["k5", "k6"], ["k7"]]
    assert [(run.tags[RANGE_START_TAG], run.tags[RANGE_END_TAG]) for run in runs] == [
        ("k2", "k3"),
        ("k5", "k6"),
        ("k7", "k7"),
    ]
    assert plan.in_runs(5) == [plan]
    nothing = IngestPlan(7, [], {}, True, [], order)
    assert nothing.in_runs(2) == [nothing]


@pytest.mark.slow  # a subprocess of the whole pipeline
def test_an_inbox_ingested_in_several_runs_gives_the_warehouse_of_one_run(
    demo_sources, demo_warehouse, tmp_path
):
    """41 documents in runs of at most 15: the checks of a document whose neighbour (last
    year's final, this year's budget) comes in a later run are made again then."""
    warehouse = tmp_path / "in_runs" / "juesuan.duckdb"
    result = run_ingest(demo_sources, warehouse, {DOCUMENTS_PER_RUN_ENV: "15"})
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "第 3/3 次运行 (run 3 of 3)" in result.stdout
    assert result.stdout.count("本次运行 (this run)") == 3
    assert differing(compare(str(demo_warehouse), str(warehouse))) == {}
    # The later runs' dbt builds tested their own documents only (the last: 41 - 2 × 15),
    # and every version is recorded as tested.
    with duckdb.connect(str(warehouse), read_only=True) as con:
        assert con.execute(f"select count(*) from {TEST_SCOPE}").fetchone()[0] == 11
        assert (
            con.execute(
                f"select count(*) from raw.documents as d anti join {TESTED_VERSIONS} as t "
                "on t.document_id = d.document_id and t.ingested_at = d.ingested_at"
            ).fetchone()[0]
            == 0
        )


@pytest.fixture
def definitions_at(tmp_path, monkeypatch):
    """The code location's definitions with the inbox and warehouse given (settings read
    the environment; the dbt subprocess inherits it)."""

    def build(inbox, warehouse):
        monkeypatch.setenv("JUESUAN_SOURCES", str(inbox))
        monkeypatch.setenv("JUESUAN_WAREHOUSE", str(warehouse))
        monkeypatch.setenv("JUESUAN_REPORTS", str(tmp_path / "reports"))
        from pipelines.definitions import build_definitions

        return build_definitions()

    return build


PER_DOCUMENT = [source_documents.key, document_extractions.key, *RAW_KEYS]


@pytest.mark.slow  # runs the per-document Dagster job
def test_each_document_partition_shows_its_extraction_in_the_ui(definitions_at, inbox, tmp_path):
    root, first, second = inbox
    corrupt = root / "broken.pdf"
    corrupt.write_bytes(first.read_bytes()[:4000])
    warehouse = tmp_path / "warehouse" / "juesuan.duckdb"
    keys = [sha256(first), sha256(second), sha256(corrupt)]
    per_document_job = dg.define_asset_job("per_document", selection=PER_DOCUMENT)
    job = dg.Definitions.merge(
        definitions_at(root, warehouse), dg.Definitions(jobs=[per_document_job])
    ).resolve_job_def("per_document")  # dbt and the checks are exercised elsewhere
    with dg.instance_for_test() as instance:
        instance.add_dynamic_partitions(PARTITIONS, keys)
        result = job.execute_in_process(instance=instance, tags=range_tags(keys, keys))
        assert result.success
        observations = {
            event.event_specific_data.asset_observation.partition: (
                event.event_specific_data.asset_observation.metadata
            )
            for event in result.all_events
            if event.event_type_value == "ASSET_OBSERVATION"
        }
        assert set(observations) == set(keys)
        loaded = {name: value.value for name, value in observations[keys[0]].items()}
        assert loaded["status"] == "loaded"
        assert loaded["unit_name"] == "枣庄市教育局" and loaded["fiscal_year"] == 2023
        assert loaded["pages"] > 10 and loaded["tables_found"] == 9
        assert 90 <= loaded["camelot_accuracy"] <= 100
        rejected = {name: value.value for name, value in observations[keys[2]].items()}
        assert rejected["status"] == "rejected"
        assert "损坏" in rejected["status_reason"] or "截断" in rejected["status_reason"]
        # Each document partition of each asset is materialised.
        materialized = instance.get_materialized_partitions(dg.AssetKey(["raw", "table_cells"]))
        assert materialized == set(keys)
    # What the steps handed on is readable: JSON per document, the extraction as Parquet.
    store = warehouse.parent / "document_store"
    assert not list(store.rglob("*.pickle"))
    handed = json.loads((store / "document_extractions" / f"{keys[0]}.json").read_text())
    assert handed["source_path"] == str(first.relative_to(root))
    assert (Path(handed["folder"]) / "table_cells.parquet").is_file()
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        assert con.execute("select count(*) from raw.documents").fetchone()[0] == 3
    finally:
        con.close()


def test_a_run_over_known_documents_extracts_nothing_and_skips_downstream(
    definitions_at, demo_sources, demo_warehouse, tmp_path
):
    """The sensor or schedule may hand a run documents already loaded: the run extracts
    nothing, writes nothing, and the dbt build, checks and report skip."""
    warehouse = tmp_path / "juesuan.duckdb"
    shutil.copy(demo_warehouse, warehouse)
    keys = [s.document_id for s in extract_runner.discover(demo_sources).documents]
    job = definitions_at(demo_sources, warehouse).resolve_job_def("ingest")
    with dg.instance_for_test() as instance:
        instance.add_dynamic_partitions(PARTITIONS, keys)
        started = time.monotonic()
        result = job.execute_in_process(instance=instance, tags=range_tags(keys, keys))
        seconds = time.monotonic() - started
    assert result.success
    (extraction,) = [
        event.materialization.metadata
        for event in result.get_asset_materialization_events()
        if event.asset_key == dg.AssetKey("document_extractions")
    ][:1]
    assert extraction["extracted"].value == 0
    assert extraction["unchanged"].value == len(keys)
    materialized = {event.asset_key for event in result.get_asset_materialization_events()}
    assert dg.AssetKey(["raw", "table_cells"]) not in materialized
    skipped = {
        event.step_key for event in result.all_events if event.event_type_value == "STEP_SKIPPED"
    }
    assert {"juesuan_dbt_models", "quality__check_results", "quality__report"} <= skipped
    assert seconds < 60, f"a run with nothing new took {seconds:.1f} s"


def test_a_second_ingest_with_nothing_new_extracts_nothing(demo_sources, demo_warehouse):
    def ingested_at():
        con = duckdb.connect(str(demo_warehouse), read_only=True)
        try:
            return con.execute("select max(ingested_at), count(*) from raw.documents").fetchone()
        finally:
            con.close()

    before = ingested_at()
    result = run_ingest(demo_sources, demo_warehouse)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "待提取 (to extract) 0" in result.stdout
    assert "nothing new" in result.stdout
    assert ingested_at() == before


def test_marts_or_checks_behind_raw_are_caught_up_even_with_nothing_new(tmp_path):
    """After a run that failed between the raw load and the checks, the next run has
    nothing to extract but must still rebuild: the raw assets say so."""
    from pipelines.warehouse import connect
    from pipelines.warehouse.state import downstream_behind_raw

    with connect(tmp_path / "juesuan.duckdb") as con:
        assert not downstream_behind_raw(con)  # nothing loaded, nothing to build
        con.execute(
            "insert into raw.documents (document_id, file_name, source_path, file_size, "
            "status, extractor_version, ingested_at) "
            "values ('d1', 'a.pdf', 'a.pdf', 1, 'loaded', 'v', timestamp '2026-01-01 10:00')"
        )
        assert downstream_behind_raw(con)  # no marts yet
        con.execute(
            "create schema marts; create table marts.dim_document as "
            "select 'd1' as document_id, timestamp '2026-01-01 10:00' as ingested_at; "
            "create schema quality; create table quality.check_results (checked_at timestamp)"
        )
        assert downstream_behind_raw(con)  # built, never checked
        con.execute("insert into quality.check_results values (timestamp '2026-01-01 10:05')")
        assert not downstream_behind_raw(con)  # current
        con.execute("update raw.documents set ingested_at = timestamp '2026-01-01 11:00'")
        assert downstream_behind_raw(con)  # reloaded after the marts were built


# Run in a fresh interpreter: the libraries are imported first, since some change the
# environment themselves (opencv sets LD_LIBRARY_PATH, dagster's croniter runs `file`).
IMPORT_SIDE_EFFECTS = """
import json, os, sys
import camelot, dagster, dagster_dbt, duckdb, great_expectations, pandas
events = []
sys.addaudithook(
    lambda event, args: events.append(event)
    if event in ("subprocess.Popen", "os.system", "os.posix_spawn", "os.fork", "os.exec")
    else None
)
before = dict(os.environ)
import pipelines.definitions
changed = sorted(k for k in set(before) | set(os.environ) if before.get(k) != os.environ.get(k))
print(json.dumps({"changed": changed, "events": events}))
"""


@pytest.mark.slow  # a subprocess of the whole pipeline or many documents
def test_loading_the_code_location_changes_no_environment_and_starts_no_process():
    env = {k: v for k, v in os.environ.items() if not k.startswith("JUESUAN_")}
    result = subprocess.run(
        [sys.executable, "-c", IMPORT_SIDE_EFFECTS],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    effects = json.loads(result.stdout.strip().splitlines()[-1])
    assert effects == {"changed": [], "events": []}


@pytest.mark.slow  # a subprocess of the whole pipeline or many documents
def test_a_missing_dbt_manifest_is_a_clear_error_at_load(tmp_path):
    """Loading never parses the dbt project: without a manifest it says how to make one."""
    project = tmp_path / "dbt_project"
    shutil.copytree(REPO / "dbt_project", project, ignore=shutil.ignore_patterns("target"))
    code = f"""
from dagster_dbt import DbtProject
import pipelines.defs.transformation.project as project
project.dbt_project = DbtProject(project_dir={str(project)!r}, profiles_dir={str(project)!r})
import pipelines.definitions
"""
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=300
    )
    assert result.returncode != 0
    assert "FileNotFoundError: dbt manifest missing" in result.stderr
    assert "dagster-dbt project prepare-and-package" in result.stderr
    assert not (project / "target" / "manifest.json").exists()


@pytest.mark.slow  # a subprocess of the whole pipeline or many documents
def test_dbt_writes_the_warehouse_it_is_handed_over_the_environment(tmp_path):
    """The dbt step passes the warehouse as a dbt variable; it wins over JUESUAN_WAREHOUSE,
    which the code location no longer fixes in the environment."""
    from pipelines.defs.transformation.definitions import WAREHOUSE_VAR, dbt_project

    handed = tmp_path / "handed.duckdb"
    env = {**os.environ, "JUESUAN_WAREHOUSE": str(tmp_path / "from_environment.duckdb")}
    result = subprocess.run(
        [
            str(Path(sys.executable).parent / "dbt"),
            "debug",
            "--vars",
            json.dumps({WAREHOUSE_VAR: str(handed)}),
            "--project-dir",
            str(dbt_project.project_dir),
            "--profiles-dir",
            str(dbt_project.profiles_dir),
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert f"path: {handed}" in result.stdout, result.stdout[-3000:]
    assert "from_environment" not in result.stdout


def test_a_benchmark_missing_a_measurement_writes_its_figures_and_exits_1(tmp_path, capsys):
    """A benchmark that could not make a measurement it was asked for keeps the figures it
    made, and exits 1 so that a scripted run notices; one that made them all exits 0."""
    figures = tmp_path / "figures.json"
    with pytest.raises(SystemExit) as stop:
        run_and_report(lambda: {"seconds": 12.5, "not_measured": ["celery: failed"]}, figures)
    assert stop.value.code == 1
    assert json.loads(figures.read_text())["seconds"] == 12.5
    assert "celery: failed" in capsys.readouterr().err
    run_and_report(lambda: {"seconds": 3.0, "not_measured": []}, figures)
    assert json.loads(figures.read_text())["seconds"] == 3.0
