"""Faults at the warehouse, for real: `juesuan sql` reads the warehouse and nothing else;
an analyst's reads during an ingest neither fail it nor see the marts half built; a full
disk, a read-only folder or a corrupt file stops the pipeline at once with its cause."""

from __future__ import annotations

import errno
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import dagster as dg
import duckdb
import pytest
from click.testing import CliRunner

from pipelines.cli import main
from pipelines.warehouse import WarehouseLockedError, connect
from pipelines.warehouse.connection import permanent_fault
from pipelines.warehouse.resource import permanent_faults_fail_at_once
from tests.conftest import REPO, run_ingest

SECRET = "secret-marker-8c1f"  # in a file beside the warehouse that no query may read
CLI = [sys.executable, "-m", "pipelines.cli"]  # `juesuan` in a process of its own


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch, tmp_path):
    # The command fixes the paths as environment variables; keep them out of other tests.
    for name in ("JUESUAN_WAREHOUSE", "JUESUAN_SOURCES"):
        monkeypatch.delenv(name, raising=False)
    # DuckDB keeps installed extensions under ~/.duckdb: a private home shows any install.
    monkeypatch.setenv("HOME", str(tmp_path / "home"))


@pytest.fixture
def warehouse(tmp_path) -> Path:
    """A small warehouse with a mart holding text a spreadsheet would run as a formula."""
    path = tmp_path / "warehouse" / "juesuan.duckdb"
    with connect(path) as con:
        con.execute(
            """
            create schema marts;
            create table marts.dim_unit (unit_id varchar, unit_name varchar, note varchar,
                                         amount decimal(20, 6));
            insert into marts.dim_unit values
                ('u1', '枣庄市教育局', '=HYPERLINK("http://evil.example","点击")', -12.500000),
                ('u2', '枣庄市财政局', '+1+2', 1244.350000),
                ('u3', '枣庄市卫生局', '@SUM(A1)', 0.000000),
                ('u4', '枣庄市民政局', '-3', null);
            """
        )
    (tmp_path / "secret.csv").write_text(f"name\n{SECRET}\n", encoding="utf-8")
    return path


def sql(warehouse: Path, query: str, *options: str):
    return CliRunner().invoke(main, ["sql", query, "--warehouse", str(warehouse), *options])


def assert_refused(result) -> None:
    assert result.exit_code == 1, result.output
    assert "Error:" in result.output
    assert "Traceback" not in result.output
    assert SECRET not in result.output


# --- read-only SQL: each bypass is refused, and nothing is written or read ---------------


def test_a_plain_query_and_its_plan_still_answer(warehouse):
    result = sql(warehouse, "select unit_name from marts.dim_unit order by unit_id", "--csv", "-")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[:3] == ["unit_name", "枣庄市教育局", "枣庄市财政局"]
    for query in (
        "with u as (select * from marts.dim_unit) select count(*) as n from u",
        "from marts.dim_unit select count(*) as n",
        "explain select count(*) from marts.dim_unit",
        "describe marts.dim_unit",
        "select table_name, column_name from duckdb_columns() where schema_name = 'marts'",
    ):
        assert sql(warehouse, query, "--csv", "-").exit_code == 0, query


def test_explain_analyze_copy_writes_nothing(warehouse, tmp_path):
    target = tmp_path / "evil.txt"
    result = sql(warehouse, f"EXPLAIN ANALYZE COPY (select 'x' as p) TO '{target}' (HEADER false)")
    assert_refused(result)
    assert "EXPLAIN ANALYZE" in result.output
    assert not target.exists()
    # Neither spelled as options nor as a plan of a write.
    for query in (
        f"EXPLAIN (ANALYZE) COPY (select 1) TO '{target}'",
        f"explain\n  analyse copy (select 1) to '{target}'",
        f"/* a comment first */ EXPLAIN COPY (select 1) TO '{target}'",
    ):
        assert_refused(sql(warehouse, query))
    assert not target.exists()


@pytest.mark.parametrize(
    "statement",
    [
        "COPY marts.dim_unit TO '{target}'",
        "COPY (select * from marts.dim_unit) TO '{target}' (FORMAT parquet)",
        "EXPORT DATABASE '{target}'",
        "ATTACH '{target}' AS other",
        "CREATE TABLE marts.x AS SELECT 1",
        "INSERT INTO marts.dim_unit VALUES ('u9', 'x', 'y', 1)",
        "SET enable_external_access = true",
        "PRAGMA enable_profiling = 'json'",
        "CALL checkpoint()",
    ],
)
def test_a_statement_that_is_not_a_query_is_refused(warehouse, tmp_path, statement):
    target = tmp_path / "written"
    result = sql(warehouse, statement.format(target=target))
    assert_refused(result)
    assert "只允许查询语句" in result.output
    assert not target.exists()


def test_file_logging_is_refused_in_every_spelling(warehouse, tmp_path):
    logs = tmp_path / "logs"
    # CALL is refused by its kind; the same table function in a SELECT by the locked
    # configuration of the connection.
    assert_refused(sql(warehouse, f"CALL enable_logging(storage='file', storage_path='{logs}')"))
    assert_refused(sql(warehouse, f"FROM enable_logging(storage='file', storage_path='{logs}')"))
    assert_refused(sql(warehouse, "SELECT * FROM query('SET lock_configuration = false')"))
    assert not logs.exists()


@pytest.mark.parametrize(
    "reader",
    [
        "read_text('{secret}')",
        "read_csv('{secret}')",
        "read_blob('{secret}')",
        "glob('{folder}/*')",
        "'{secret}'",
        "read_csv('https://example.com/data.csv')",
        "read_parquet('s3://bucket/data.parquet')",
        "read_text('/etc/passwd')",
    ],
)
def test_no_query_reads_a_file_or_the_network(warehouse, tmp_path, reader):
    query = "select * from " + reader.format(secret=tmp_path / "secret.csv", folder=tmp_path)
    result = sql(warehouse, query, "--csv", "-")
    assert_refused(result)
    assert "root:" not in result.output


def test_no_extension_is_installed_or_loaded(warehouse, tmp_path):
    for query in (
        "INSTALL httpfs",
        "LOAD httpfs",
        # Each of these would fetch and load its extension on a default connection.
        f"select * from read_xlsx('{tmp_path}/book.xlsx')",
        f"select * from st_read('{tmp_path}/map.shp')",
        "select * from read_csv('https://example.com/data.csv')",
    ):
        assert_refused(sql(warehouse, query))
    assert not (tmp_path / "home" / ".duckdb").exists()


def test_several_statements_are_refused_whole(warehouse, tmp_path):
    target = tmp_path / "second.csv"
    result = sql(warehouse, f"select 1; COPY (select 2) TO '{target}'")
    assert_refused(result)
    assert "一次只能执行一条" in result.output
    assert not target.exists()


def test_parquet_goes_to_the_named_file_only(warehouse, tmp_path):
    out = tmp_path / "out.parquet"
    other = tmp_path / "other.parquet"
    result = sql(warehouse, "select * from marts.dim_unit", "--parquet", str(out))
    assert result.exit_code == 0, result.output
    assert not list(tmp_path.glob("tmp_*"))  # no temporary left beside it
    with connect(out.parent / "check.duckdb") as con:
        assert con.execute(f"select count(*) from '{out}'").fetchone() == (4,)
    # The output file is the one file the connection may touch: not another.
    result = sql(warehouse, f"select * from read_parquet('{other}')", "--parquet", str(out))
    assert_refused(result)


def test_csv_cells_that_a_spreadsheet_would_run_are_neutralised(warehouse, tmp_path):
    out = tmp_path / "units.csv"
    query = "select unit_id, note, amount from marts.dim_unit order by unit_id"
    assert sql(warehouse, query, "--csv", str(out)).exit_code == 0
    stdout = sql(warehouse, query, "--csv", "-")
    for text in (out.read_text(encoding="utf-8"), stdout.output):
        assert text.splitlines() == [
            "unit_id,note,amount",
            'u1,"\'=HYPERLINK(""http://evil.example"",""点击"")",-12.500000',
            "u2,'+1+2,1244.350000",
            "u3,'@SUM(A1),0.000000",
            "u4,'-3,",
        ]


def test_a_query_waits_while_a_writer_holds_the_warehouse(warehouse):
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import duckdb, sys, time\n"
            "con = duckdb.connect(sys.argv[1])\n"
            "print('held', flush=True)\n"
            "time.sleep(2)\n",
            str(warehouse),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        started = time.monotonic()
        result = sql(warehouse, "select count(*) as n from marts.dim_unit", "--csv", "-")
        waited = time.monotonic() - started
    finally:
        holder.wait(timeout=30)
    assert result.exit_code == 0, result.output
    assert "等待其释放" in result.output
    assert result.output.splitlines()[-2:] == ["n", "4"]
    assert waited >= 1.0


# --- permanent faults: told apart from passing ones ----------------------------------------


@pytest.fixture
def broken_warehouses(tmp_path, warehouse) -> dict[str, Path]:
    """The same warehouse as random bytes, cut short, and with a damaged block."""
    with connect(warehouse) as con:  # enough rows for several blocks
        con.execute(
            "create table marts.filler as select range as i, md5(range::varchar) as s "
            "from range(200000)"
        )
        con.execute("checkpoint")
    size = warehouse.stat().st_size
    files = {}
    for name in ("garbage", "truncated", "damaged"):
        files[name] = tmp_path / name / "juesuan.duckdb"
        files[name].parent.mkdir()
    files["garbage"].write_bytes(os.urandom(size))
    files["truncated"].write_bytes(warehouse.read_bytes()[:100_000])  # a copy cut short
    damaged = bytearray(warehouse.read_bytes())
    for offset in range(300_000, size - 64, 262_144):
        damaged[offset : offset + 64] = os.urandom(64)
    files["damaged"].write_bytes(bytes(damaged))
    return files


def _duckdb_error(path: Path) -> duckdb.Error:
    try:
        with connect(path, read_only=True) as con:
            con.execute("select sum(length(s)) from marts.filler").fetchall()  # every block
    except duckdb.Error as error:
        return error
    raise AssertionError(f"{path} opened and read without error")


def test_corrupt_warehouses_are_permanent_faults(broken_warehouses):
    expected = {"garbage": "不是有效的", "truncated": "被截断", "damaged": "已损坏"}
    for name, path in broken_warehouses.items():
        fault = permanent_fault(_duckdb_error(path))
        assert fault is not None, name
        assert expected[name] in fault.cause
        assert "永久性故障" in fault.describe()


def test_disk_and_permission_errors_are_permanent_and_a_lock_is_not():
    # A full disk cannot be made without mounting one: the errors the system raises.
    for code, words in (
        (errno.ENOSPC, "磁盘已满"),
        (errno.EROFS, "只读"),
        (errno.EACCES, "权限"),
        (errno.EDQUOT, "配额"),
    ):
        fault = permanent_fault(OSError(code, os.strerror(code), "/data/warehouse"))
        assert fault is not None and words in fault.cause, code
    # As DuckDB (also in dbt's output) and as the cause of another error.
    dbt_output = (
        "The dbt CLI process failed with exit code 1.\n"
        'Runtime Error: IO Error: Could not write file "juesuan.duckdb.wal": '
        "No space left on device"
    )
    assert "磁盘已满" in permanent_fault(RuntimeError(dbt_output)).cause  # type: ignore[union-attr]
    try:
        try:
            raise OSError(errno.ENOSPC, "No space left on device")
        except OSError as inner:
            raise ValueError("could not store the extraction") from inner
    except ValueError as outer:
        assert permanent_fault(outer) is not None
    # A lock held too long passes: the step's retries are for it.
    assert permanent_fault(WarehouseLockedError("数据仓库被另一个进程占用 … lock")) is None
    assert permanent_fault(OSError(errno.EIO, "Input/output error")) is None
    assert permanent_fault(ValueError("anything else")) is None


def test_a_step_fails_at_once_past_its_retry_policy(broken_warehouses):
    with (
        pytest.raises(dg.Failure) as failure,
        permanent_faults_fail_at_once(),
        connect(broken_warehouses["garbage"]),
    ):
        pass
    assert failure.value.allow_retries is False
    assert "不是有效的 DuckDB 数据库" in (failure.value.description or "")
    # Anything else keeps its own type, and the step's retries.
    with pytest.raises(ValueError), permanent_faults_fail_at_once():
        raise ValueError("a passing fault")


def test_sql_on_a_corrupt_warehouse_says_why(broken_warehouses):
    for name, path in broken_warehouses.items():
        result = sql(path, "select sum(length(s)) from marts.filler")
        assert result.exit_code == 1, name
        assert "永久性故障" in result.output, result.output
        assert "Traceback" not in result.output


def _ingest_subprocess(sources: Path, warehouse: Path) -> subprocess.CompletedProcess:
    started = time.monotonic()
    done = run_ingest(sources, warehouse)
    done.seconds = time.monotonic() - started  # type: ignore[attr-defined]
    return done


@pytest.mark.slow  # a subprocess of the whole pipeline or many documents
def test_ingest_on_a_corrupt_warehouse_says_why(broken_warehouses, tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "a.pdf").write_bytes(b"%PDF-1.4\n%%EOF\n")  # the warehouse fails first
    for name in ("garbage", "truncated"):
        done = _ingest_subprocess(inbox, broken_warehouses[name])
        output = done.stdout + done.stderr
        assert done.returncode == 1, output
        assert "永久性故障" in output and "Traceback" not in output, output
        assert done.seconds < 60  # type: ignore[attr-defined]


# --- for real, on a built warehouse (slow) -------------------------------------------------


@pytest.fixture(scope="module")
def corpora(tmp_path_factory) -> dict[str, list[Path]]:
    """Two small generated corpora: the first is ingested, the second arrives later."""
    from juesuan_samples import generate_corpus

    first = tmp_path_factory.mktemp("first")
    later = tmp_path_factory.mktemp("later")
    generate_corpus(first, units=2, years=(2024,))
    generate_corpus(later, units=1, years=(2023,), seed=7, include_seed_case=False)
    return {"first": sorted(first.rglob("*.pdf")), "later": sorted(later.rglob("*.pdf"))}


@pytest.fixture(scope="module")
def built(tmp_path_factory, corpora) -> Path:
    """A warehouse folder ingested from the first corpus (copied by each test)."""
    root = tmp_path_factory.mktemp("built")
    inbox = root / "inbox"
    inbox.mkdir()
    for pdf in corpora["first"]:
        shutil.copy(pdf, inbox / pdf.name)
    done = run_ingest(inbox, root / "warehouse" / "juesuan.duckdb")
    assert done.returncode == 0, done.stdout + done.stderr
    return root


def _fresh_copy(built: Path, corpora, into: Path) -> tuple[Path, Path]:
    """A copy of the built warehouse, and an inbox holding both corpora."""
    shutil.copytree(built / "warehouse", into / "warehouse")
    inbox = into / "inbox"
    inbox.mkdir()
    for pdf in corpora["first"] + corpora["later"]:
        shutil.copy(pdf, inbox / f"{pdf.parent.name}-{pdf.name}")
    return inbox, into / "warehouse" / "juesuan.duckdb"


MARTS_AGREE = """
    select
        (select count(*) from raw.documents where status = 'loaded') as raw_loaded,
        (select count(*) from marts.dim_document where status = 'loaded') as loaded,
        (select count(distinct document_id) from marts.fct_expenditure) as with_facts
"""


def _marts(warehouse: Path) -> tuple[int, int, int]:
    with connect(warehouse, read_only=True) as con:
        row = con.execute(MARTS_AGREE).fetchone()
    assert row is not None
    return row


@pytest.mark.slow
def test_reads_during_an_ingest_neither_fail_it_nor_see_half_built_marts(built, corpora, tmp_path):
    inbox, warehouse = _fresh_copy(built, corpora, tmp_path)
    _, before, _ = _marts(warehouse)
    env = {k: v for k, v in os.environ.items() if not k.startswith("JUESUAN_")}
    env.pop("DAGSTER_HOME", None)
    env["JUESUAN_REPORTS"] = str(tmp_path / "reports")
    ingest = subprocess.Popen(
        [*CLI, "ingest", "--sources", str(inbox), "--warehouse", str(warehouse)],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    reads: list[tuple[int, int]] = []
    waits = 0
    query = "select loaded, with_facts from (" + MARTS_AGREE + ")"
    while ingest.poll() is None:
        read = subprocess.run(
            [*CLI, "sql", query, "--warehouse", str(warehouse), "--csv", "-"],
            cwd=REPO,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert read.returncode == 0, read.stderr
        assert "Traceback" not in read.stderr
        waits += "等待其释放" in read.stderr
        loaded, with_facts = (int(v) for v in read.stdout.splitlines()[-1].split(","))
        reads.append((loaded, with_facts))
        time.sleep(0.5)
    output = ingest.communicate(timeout=60)[0]
    assert ingest.returncode == 0, output
    raw_loaded, after, with_facts = _marts(warehouse)
    assert after == with_facts == raw_loaded > before
    assert len(reads) >= 3, reads  # the loop did read during the run
    # Each read saw the marts before the build or after it: never one half rebuilt.
    assert all(loaded == facts and loaded in (before, after) for loaded, facts in reads), reads
    # Some read came while the build held the file, and waited for it to finish.
    assert waits >= 1, reads


def _mount(*args: str) -> None:
    if os.geteuid() != 0:
        pytest.skip("mounting a file system needs root")
    done = subprocess.run(["mount", *args], capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount here: {done.stderr.strip()}")


@pytest.fixture
def unmount() -> Iterator[list[Path]]:
    mounted: list[Path] = []
    yield mounted
    for path in reversed(mounted):
        subprocess.run(["umount", str(path)], check=False)


def _make_read_only(path: Path, unmount: list[Path]) -> None:
    """`path` read-only, as the system would refuse it: a read-only bind mount for root
    (whom file modes do not stop), the mode for anyone else."""
    if os.geteuid() == 0:
        _mount("--bind", str(path), str(path))
        unmount.append(path)
        _mount("-o", "remount,ro,bind", str(path))
    else:
        path.chmod(0o444 if path.is_file() else 0o555)


@pytest.mark.slow
def test_a_read_only_warehouse_fails_the_run_at_once_with_its_cause(
    built, corpora, tmp_path, unmount
):
    inbox, warehouse = _fresh_copy(built, corpora, tmp_path)
    before = _marts(warehouse)
    _make_read_only(warehouse, unmount)
    done = _ingest_subprocess(inbox, warehouse)
    output = done.stdout + done.stderr
    assert done.returncode == 1, output
    assert "失败的步骤 (failed step) raw_tables" in output
    assert "永久性故障" in output and ("只读" in output or "权限" in output), output
    assert "max_retries" not in output
    assert done.seconds < 90, output  # type: ignore[attr-defined]  # no retries for minutes
    assert _marts(warehouse) == before


@pytest.mark.slow
def test_a_read_only_warehouse_folder_stops_ingest_with_its_cause(
    built, corpora, tmp_path, unmount
):
    inbox, warehouse = _fresh_copy(built, corpora, tmp_path)
    _make_read_only(warehouse.parent, unmount)
    done = _ingest_subprocess(inbox, warehouse)
    output = done.stdout + done.stderr
    assert done.returncode == 1, output
    assert "永久性故障" in output and ("只读" in output or "权限" in output), output
    # Stopped before the run (root: the store beside the warehouse is read-only too) or by
    # a step (others: the file's WAL cannot be made): either way the last word is the cause.
    assert "Traceback (most recent call last)" not in done.stderr.split("失败的步骤")[-1]
    assert done.seconds < 90, output  # type: ignore[attr-defined]


@pytest.mark.slow
def test_a_full_disk_fails_the_run_at_once_and_harms_nothing(built, corpora, tmp_path, unmount):
    disk = tmp_path / "disk"
    disk.mkdir()
    # Room for the built warehouse and its store, and little more.
    used = sum(f.stat().st_size for f in (built / "warehouse").rglob("*") if f.is_file())
    _mount("-t", "tmpfs", "-o", f"size={used + 512 * 1024}", "tmpfs", str(disk))
    unmount.append(disk)
    inbox, warehouse = _fresh_copy(built, corpora, disk)
    before = _marts(warehouse)
    done = _ingest_subprocess(inbox, warehouse)
    output = done.stdout + done.stderr
    assert done.returncode == 1, output
    assert "磁盘已满" in output and "永久性故障" in output, output
    assert done.seconds < 90, output  # type: ignore[attr-defined]
    # Raw may hold what was loaded before the disk filled; the marts are as they were,
    # whole, and the file still opens.
    _, loaded, with_facts = _marts(warehouse)
    assert loaded == with_facts == before[1]
    # Space freed: the same command completes, and the marts agree.
    _mount("-o", "remount,size=512m", str(disk))
    done = run_ingest(inbox, warehouse)
    assert done.returncode == 0, done.stdout + done.stderr
    raw_loaded, loaded, with_facts = _marts(warehouse)
    assert raw_loaded == loaded == with_facts > before[1]


@pytest.mark.slow  # a subprocess of the whole pipeline or many documents
def test_csv_on_standard_output_holds_the_rows_and_nothing_else(warehouse):
    # Over two seconds long: DuckDB would draw its progress bar on standard output.
    query = (
        "select count(*) as n from "
        "(select md5(range::varchar) as s from range(20000000) order by s)"
    )
    done = subprocess.run(
        [*CLI, "sql", query, "--warehouse", str(warehouse), "--csv", "-"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == "n\n20000000\n"
