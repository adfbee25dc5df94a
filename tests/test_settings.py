"""Configuration read from the environment: the unit registry is checked before any work."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from pipelines import settings
from pipelines.cli import main


def test_registry_unset_is_none(monkeypatch):
    monkeypatch.delenv(settings.UNIT_REGISTRY_ENV, raising=False)
    assert settings.unit_registry_path() is None


def test_registry_with_its_columns_resolves(tmp_path, monkeypatch):
    registry = tmp_path / "units.csv"
    # A BOM, as Excel writes a CSV, is not part of the first column's name.
    registry.write_text("\ufeffunit_name,region,unit_level\n枣庄市财政局,枣庄市,部门\n")
    monkeypatch.setenv(settings.UNIT_REGISTRY_ENV, str(registry))
    assert settings.unit_registry_path() == registry.resolve()


def test_registry_missing_columns_are_named(tmp_path, monkeypatch):
    registry = tmp_path / "units.csv"
    registry.write_text("name,region\n枣庄市财政局,枣庄市\n")
    monkeypatch.setenv(settings.UNIT_REGISTRY_ENV, str(registry))
    with pytest.raises(settings.UnitRegistryError, match="缺少列 unit_name, unit_level"):
        settings.unit_registry_path()


def test_registry_absent_file_is_named(tmp_path, monkeypatch):
    monkeypatch.setenv(settings.UNIT_REGISTRY_ENV, str(tmp_path / "nowhere.csv"))
    with pytest.raises(settings.UnitRegistryError, match="无法读取"):
        settings.unit_registry_path()


def test_ingest_refuses_a_wrong_registry_before_any_work(tmp_path, monkeypatch):
    registry = tmp_path / "units.csv"
    registry.write_text("name\nx\n")
    monkeypatch.setenv(settings.UNIT_REGISTRY_ENV, str(registry))
    warehouse = tmp_path / "warehouse" / "juesuan.duckdb"
    # `ingest` fixes its paths in the environment; set here, they are restored after.
    monkeypatch.setenv(settings.SOURCES_ENV, str(tmp_path))
    monkeypatch.setenv(settings.WAREHOUSE_ENV, str(warehouse))
    result = CliRunner().invoke(
        main, ["ingest", "--sources", str(tmp_path), "--warehouse", str(warehouse)]
    )
    assert result.exit_code == 1
    assert "缺少列 unit_name" in result.output
    assert not warehouse.parent.exists()


def test_duckdb_limits_default_and_follow_the_environment(monkeypatch):
    monkeypatch.delenv(settings.DUCKDB_MEMORY_ENV, raising=False)
    monkeypatch.delenv(settings.DUCKDB_THREADS_ENV, raising=False)
    assert settings.duckdb_memory_limit() == settings.DEFAULT_DUCKDB_MEMORY_LIMIT
    assert settings.duckdb_threads() == settings.DEFAULT_DUCKDB_THREADS
    monkeypatch.setenv(settings.DUCKDB_MEMORY_ENV, " 2GiB ")
    monkeypatch.setenv(settings.DUCKDB_THREADS_ENV, "1")
    assert settings.duckdb_memory_limit() == "2GiB"
    assert settings.duckdb_threads() == 1


@pytest.mark.parametrize("value", ["512", "lots", "80%", "-1GB"])
def test_duckdb_memory_limit_needs_a_size_with_its_unit(monkeypatch, value):
    monkeypatch.setenv(settings.DUCKDB_MEMORY_ENV, value)
    with pytest.raises(ValueError, match="须为带单位的大小"):
        settings.duckdb_memory_limit()


def _limits(con) -> tuple:
    return con.execute(
        "select current_setting('memory_limit'), current_setting('threads'), "
        "current_setting('temp_directory')"
    ).fetchone()


def test_every_warehouse_connection_has_the_duckdb_limits(tmp_path, monkeypatch):
    """Without them DuckDB's buffers may grow to 80% of the machine in every process that
    reads the warehouse; with them a process spills past the limit instead."""
    import duckdb

    from pipelines.warehouse.connection import IN_MEMORY, analyst_connection, connect

    monkeypatch.setenv(settings.DUCKDB_MEMORY_ENV, "300MB")
    monkeypatch.setenv(settings.DUCKDB_THREADS_ENV, "1")
    monkeypatch.chdir(tmp_path)
    with duckdb.connect(config={"memory_limit": "300MB"}) as reference:
        (limit,) = reference.execute("select current_setting('memory_limit')").fetchone()
    warehouse = tmp_path / "warehouse" / "juesuan.duckdb"
    with connect(warehouse) as con:
        assert _limits(con) == (limit, 1, f"{warehouse}.tmp")
    with connect(warehouse, read_only=True) as con:
        assert _limits(con) == (limit, 1, f"{warehouse}.tmp")
    with analyst_connection(warehouse) as con:
        assert _limits(con)[:2] == (limit, 1)
    with connect(IN_MEMORY) as con:
        memory_limit, threads, spill = _limits(con)
        # Not DuckDB's default ".tmp" in the working directory (the checkout, say).
        assert (memory_limit, threads) == (limit, 1)
        assert Path(spill).is_absolute() and not Path(spill).is_relative_to(tmp_path)


def test_raw_load_documents_per_process_defaults_and_follows_the_environment(monkeypatch):
    monkeypatch.delenv(settings.RAW_LOAD_DOCUMENTS_PER_PROCESS_ENV, raising=False)
    assert settings.raw_load_documents_per_process() == 250
    assert settings.DEFAULT_RAW_LOAD_DOCUMENTS_PER_PROCESS == 250
    monkeypatch.setenv(settings.RAW_LOAD_DOCUMENTS_PER_PROCESS_ENV, "40")
    assert settings.raw_load_documents_per_process() == 40


@pytest.mark.parametrize("value", ["0", "-5", "many", "2.5"])
def test_raw_load_documents_per_process_must_be_a_positive_integer(monkeypatch, value):
    monkeypatch.setenv(settings.RAW_LOAD_DOCUMENTS_PER_PROCESS_ENV, value)
    with pytest.raises(ValueError, match=r"JUESUAN_RAW_LOAD_DOCUMENTS_PER_PROCESS=\S+：须为正整数"):
        settings.raw_load_documents_per_process()
