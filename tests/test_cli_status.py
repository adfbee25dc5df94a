"""`juesuan status` on hand-built warehouses (no pipeline run), and --help for every command."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner

from pipelines.cli import main
from pipelines.warehouse import connect, state

T0 = datetime(2024, 9, 1, 10, 0)
NOT_FINAL = "不是决算文件：封面未见“决算”字样"
NO_TABLES = "缺少标准表：未找到收入支出决算总表"
SUPERSEDED = "已被同一单位同一年度的新版文件 a2023.pdf 取代"
# (document_id, file_name, fiscal_year, status, status_reason)
DOCUMENTS = [
    ("d1", "a2023.pdf", 2023, "loaded", None),
    ("d2", "b2023.pdf", 2023, "loaded", None),
    ("d3", "a2023（旧版）.pdf", 2023, "superseded", SUPERSEDED),
    ("d4", "c2023.pdf", 2023, "rejected", NO_TABLES),
    ("d5", "a2024.pdf", 2024, "loaded", None),
    ("d6", "[bold]d2024[/bold].pdf", 2024, "rejected", NO_TABLES),
    ("d7", "会议纪要.pdf", None, "rejected", NOT_FINAL),
    ("d8", "通知.pdf", None, "rejected", NOT_FINAL),
    ("d9", "扫描件.pdf", None, "rejected", NOT_FINAL),
]
COVERAGE = [
    # (unit_name, fiscal_year, in_registry, has_loaded_document)
    ("甲", 2023, True, True),
    ("乙", 2023, True, True),
    ("丙", 2023, True, False),
    ("甲", 2024, True, True),
    ("乙", 2024, True, False),
    ("丙", 2024, True, False),
    ("丁", 2024, False, True),  # sent a document without being registered: not expected
]


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch):
    # The command fixes the paths as environment variables; keep them out of other tests.
    for name in ("JUESUAN_WAREHOUSE", "JUESUAN_SOURCES"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def marts_warehouse(tmp_path) -> Path:
    path = tmp_path / "with_marts.duckdb"
    con = duckdb.connect(str(path))
    try:
        con.execute(
            """
            create schema marts;
            create table marts.dim_document (
                document_id varchar, file_name varchar, unit_id varchar, fiscal_year integer,
                document_kind varchar, page_count integer, status varchar,
                status_reason varchar, ingested_at timestamp
            );
            create schema quality;
            create table quality.document_coverage (
                unit_name varchar, fiscal_year integer, expected_from varchar,
                in_registry boolean, has_loaded_document boolean
            );
            """
        )
        con.executemany(
            "insert into marts.dim_document values (?, ?, 'u', ?, '决算', 10, ?, ?, ?)",
            [(d, f, y, s, r, T0) for d, f, y, s, r in DOCUMENTS],
        )
        con.executemany(
            "insert into quality.document_coverage values (?, ?, '单位登记表', ?, ?)", COVERAGE
        )
    finally:
        con.close()
    return path


@pytest.fixture
def raw_warehouse(tmp_path) -> Path:
    """Only the raw schema: the loader ran, dbt did not (so nothing is superseded yet)."""
    path = tmp_path / "raw_only.duckdb"
    with connect(path) as con:
        con.executemany(
            """insert into raw.documents (document_id, file_name, source_path, file_size,
                   fiscal_year, status, status_reason, extractor_version, ingested_at)
               values (?, ?, ?, 1000, ?, ?, ?, 'test', ?)""",
            [
                (
                    d,
                    f,
                    f,
                    y,
                    "loaded" if s == "superseded" else s,
                    None if s != "rejected" else r,
                    T0,
                )
                for d, f, y, s, r in DOCUMENTS
            ],
        )
    return path


def run(*args: str):
    # Wide enough that rich does not wrap the reasons.
    return CliRunner().invoke(main, list(args), env={"COLUMNS": "200"})


def table_row(output: str, label: str, after: str = "") -> list[str]:
    """The cells of the first table row starting with `label` (after the line `after`)."""
    lines = output.splitlines()
    if after:
        lines = lines[next(i for i, line in enumerate(lines) if after in line) :]
    for line in lines:
        cells = [c.strip() for c in re.split(r"[│┃|]", line) if c.strip()]
        if cells and cells[0] == label:
            return cells[1:]
    raise AssertionError(f"no row {label!r} in:\n{output}")


def test_counts_by_year_and_status_from_the_marts(marts_warehouse):
    result = run("status", "--warehouse", str(marts_warehouse))
    assert result.exit_code == 0, result.output
    out = result.output
    assert "marts 尚未构建" not in out
    # loaded, rejected, superseded, total
    assert table_row(out, "2023") == ["2", "1", "1", "4"]
    assert table_row(out, "2024") == ["1", "1", "0", "2"]
    assert table_row(out, "未识别") == ["0", "3", "0", "3"]
    assert table_row(out, "合计 (total)") == ["3", "5", "1", "9"]
    # Rejection reasons with counts, most common first.
    assert table_row(out, NOT_FINAL) == ["3"]
    assert table_row(out, NO_TABLES) == ["2"]
    assert out.index(NOT_FINAL) < out.index(NO_TABLES)
    # Without --list the documents themselves are not listed.
    assert "会议纪要.pdf" not in out
    assert "--list" in out
    # Coverage: expected units and gaps; the unregistered sender 丁 is not expected.
    assert table_row(out, "2023", after="覆盖情况") == ["决算", "3", "1"]
    assert table_row(out, "2024", after="覆盖情况") == ["决算", "3", "2"]
    assert "应报单位来源 (expected from): 单位登记表" in out


def test_coverage_gaps_per_year(marts_warehouse):
    with connect(marts_warehouse, read_only=True) as con:
        coverage = state.coverage_gaps(con)
        assert coverage.rows == [(2023, "决算", 3, 1), (2024, "决算", 3, 2)]
        assert coverage.expected_from == ["单位登记表"]
        assert state.coverage_gaps(con, 2024).rows == [(2024, "决算", 3, 2)]


def listed_documents(output: str) -> list[list[str]]:
    """The rows of the --list table: status, year, file, reason."""
    rows = []
    for line in output.splitlines():
        cells = [c.strip() for c in re.split(r"[│┃]", line) if c.strip()]
        if len(cells) == 4 and cells[0] in ("已拒收 (rejected)", "已被取代 (superseded)"):
            rows.append(cells)
    return rows


def test_list_shows_every_problem_document_with_its_reason(marts_warehouse):
    result = run("status", "--warehouse", str(marts_warehouse), "--list")
    assert result.exit_code == 0, result.output
    label = {"rejected": "已拒收 (rejected)", "superseded": "已被取代 (superseded)"}
    expected = [
        [label[state], str(year) if year else "未识别", file_name, reason]
        for _, file_name, year, state, reason in DOCUMENTS
        if state != "loaded"
    ]
    # Rejected before superseded, then by year (unknown last) and file name; a file name
    # that looks like rich markup is printed as it is.
    assert listed_documents(result.output) == sorted(
        expected, key=lambda r: (r[0] != label["rejected"], r[1] == "未识别", r[1], r[2])
    )


def test_problem_documents_order(marts_warehouse):
    with connect(marts_warehouse, read_only=True) as con:
        problems = state.problem_documents(con)
    assert problems.source == state.MARTS_DOCUMENTS
    assert [(f, y, s) for f, y, s, _ in problems.rows] == [
        ("c2023.pdf", 2023, "rejected"),
        ("[bold]d2024[/bold].pdf", 2024, "rejected"),
        ("会议纪要.pdf", None, "rejected"),
        ("扫描件.pdf", None, "rejected"),
        ("通知.pdf", None, "rejected"),
        ("a2023（旧版）.pdf", 2023, "superseded"),
    ]


def test_year_filter(marts_warehouse):
    result = run("status", "--warehouse", str(marts_warehouse), "--year", "2024", "--list")
    assert result.exit_code == 0, result.output
    out = result.output
    assert table_row(out, "2024") == ["1", "1", "0", "2"]
    assert table_row(out, "合计 (total)") == ["1", "1", "0", "2"]
    assert "2023" not in out
    assert "未识别" not in out
    assert table_row(out, NO_TABLES) == ["1"]
    assert NOT_FINAL not in out
    assert "[bold]d2024[/bold].pdf" in out


def test_year_without_documents(marts_warehouse):
    result = run("status", "--warehouse", str(marts_warehouse), "--year", "2019")
    assert result.exit_code == 0, result.output
    assert "2019 年度没有文档" in result.output


def test_falls_back_to_raw_documents_before_the_marts(raw_warehouse):
    result = run("status", "--warehouse", str(raw_warehouse))
    assert result.exit_code == 0, result.output
    out = result.output
    assert "marts 尚未构建" in out and "raw.documents" in out
    # The superseded version is still 'loaded' in raw; the superseded column is not known.
    assert table_row(out, "2023") == ["3", "1", "—", "4"]
    assert table_row(out, "未识别") == ["0", "3", "—", "3"]
    assert table_row(out, "合计 (total)") == ["4", "5", "—", "9"]
    assert table_row(out, NOT_FINAL) == ["3"]
    assert "覆盖情况 (coverage): 尚无" in out
    with connect(raw_warehouse, read_only=True) as con:
        counts = state.documents_by_status(con)
    assert counts.source == state.RAW_DOCUMENTS
    assert (None, "rejected", 3) in counts.rows


def test_missing_warehouse(tmp_path):
    missing = tmp_path / "nowhere.duckdb"
    result = run("status", "--warehouse", str(missing))
    assert result.exit_code == 1
    assert "数据仓库不存在" in result.output
    assert str(missing) in result.output
    assert "先运行 juesuan ingest" in result.output
    assert not missing.exists()


def test_warehouse_without_documents_table(tmp_path):
    path = tmp_path / "empty.duckdb"
    duckdb.connect(str(path)).close()
    result = run("status", "--warehouse", str(path))
    assert result.exit_code == 1
    assert "还没有文档表" in result.output


@pytest.mark.parametrize("command", sorted(main.commands))
def test_help_of_every_command(command):
    result = CliRunner().invoke(main, [command, "--help"])
    assert result.exit_code == 0, result.output
    assert result.output.strip()
    assert "Usage" in result.output


def test_status_help_says_what_it_shows():
    result = CliRunner().invoke(main, ["status", "--help"])
    assert result.exit_code == 0
    assert "fiscal year and status" in result.output
    assert "--year" in result.output and "--list" in result.output


def test_narrow_terminal_wraps_rather_than_cuts(marts_warehouse):
    result = CliRunner().invoke(
        main, ["status", "--warehouse", str(marts_warehouse), "--list"], env={"COLUMNS": "60"}
    )
    assert result.exit_code == 0, result.output
    assert "…" not in result.output


def test_a_warehouse_that_is_not_a_file_is_refused_not_created(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("JUESUAN_WAREHOUSE", "md:juesuan")
    result = CliRunner().invoke(main, ["status"])
    assert result.exit_code == 1
    assert "must be a DuckDB file path" in result.output
    assert not (tmp_path / "md:juesuan").exists()
