"""Configuration read from the environment: the unit registry is checked before any work."""

from __future__ import annotations

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
