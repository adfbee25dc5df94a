"""The juesuan command: one tool for operators and analysts."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from pipelines import settings

warehouse_option = click.option(
    "--warehouse",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="DuckDB file (default: warehouse/juesuan.duckdb, or JUESUAN_WAREHOUSE).",
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """Juesuan (决算): disclosure PDFs → a checked DuckDB warehouse."""


@main.command()
@click.option(
    "--sources",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="PDF inbox (default: sources/, or JUESUAN_SOURCES).",
)
@warehouse_option
def ingest(sources: Path | None, warehouse: Path | None) -> None:
    """Run the whole pipeline headless: discover, extract, load, build the marts."""
    settings.use_paths(sources, warehouse)
    inbox = settings.sources_dir()
    if not inbox.is_dir():
        raise click.ClickException(f"收件箱不存在：{inbox}")
    # Imported here: the code location reads the paths fixed just above.
    import dagster as dg

    from pipelines.definitions import defs

    click.echo(f"收件箱 (inbox):     {inbox}")
    click.echo(f"数据仓库 (warehouse): {settings.warehouse_path()}")
    # The operator sees warnings (each rejected document) and errors; the full event log
    # is Dagster's, at DEBUG, under `make dev`.
    result = defs.resolve_job_def("ingest").execute_in_process(
        instance=dg.DagsterInstance.ephemeral(),
        raise_on_error=False,
        run_config={"loggers": {"console": {"config": {"log_level": "WARNING"}}}},
    )
    _print_summary(settings.warehouse_path())
    if not result.success:
        for event in result.all_events:
            if event.is_step_failure:
                error = event.event_specific_data.error.message.strip()
                click.echo(f"失败的步骤 (failed step) {event.step_key}: {error}", err=True)
        click.echo("流水线运行失败（pipeline run failed）", err=True)
        sys.exit(1)


def _print_summary(warehouse: Path) -> None:
    import duckdb

    try:
        _summarise(warehouse)
    except duckdb.Error as exc:  # a failed run may not have built what the summary reads
        click.echo(f"（无法汇总：{exc}）", err=True)


def _summarise(warehouse: Path) -> None:
    from pipelines.warehouse.load import connect

    with connect(warehouse, read_only=True) as con:
        rows = con.execute(
            "select status, count(*) from marts.dim_document group by status order by status"
        ).fetchall()
        rejected = con.execute(
            "select file_name, status_reason from marts.dim_document "
            "where status = 'rejected' order by file_name"
        ).fetchall()
        findings = con.execute(
            """
            select count(*) filter (where severity = 'error'),
                   count(*) filter (where severity = 'rounding'),
                   count(distinct document_id) filter (where severity = 'error')
            from quality.check_results
            where run_id = (select max_by(run_id, checked_at) from quality.check_results)
            """
        ).fetchone()
    click.echo("文档 (documents): " + ", ".join(f"{status} {n}" for status, n in rows))
    for name, reason in rejected:
        click.echo(f"  已拒绝 {name}: {reason}")
    errors, rounding, documents = findings
    click.echo(
        f"核对 (checks): 错误 {errors} 处（涉及 {documents} 份文档），尾数误差 {rounding} 处"
    )
    click.echo(f"质量报告 (report): {settings.reports_dir() / 'quality_report.html'}")


# Statements an analyst may run against the read-only warehouse.
READ_STATEMENTS = ("SELECT", "EXPLAIN", "PRAGMA", "CALL")


@main.command()
@click.argument("query")
@warehouse_option
@click.option(
    "--csv",
    "csv_path",
    type=click.Path(dir_okay=False, allow_dash=True),
    default=None,
    help="Write the result as CSV to this file ('-' for standard output).",
)
@click.option(
    "--parquet",
    "parquet_path",
    type=click.Path(dir_okay=False),
    default=None,
    help="Write the result as Parquet to this file.",
)
@click.option("--max-rows", type=int, default=100, show_default=True, help="Rows to print.")
def sql(
    query: str,
    warehouse: Path | None,
    csv_path: str | None,
    parquet_path: str | None,
    max_rows: int,
) -> None:
    """Run a read-only SQL query against the warehouse and print the result."""
    import duckdb

    settings.use_paths(warehouse=warehouse)
    path = settings.warehouse_path()
    if not path.exists():
        raise click.ClickException(f"数据仓库不存在：{path}（先运行 juesuan ingest）")
    con = duckdb.connect(str(path), read_only=True)
    try:
        try:
            statements = con.extract_statements(query)
        except duckdb.Error as exc:
            raise click.ClickException(f"SQL 语法错误：{exc}") from exc
        refused = [s.type.name for s in statements if s.type.name not in READ_STATEMENTS]
        if refused:
            raise click.ClickException(
                f"只允许查询语句（SELECT 等），已拒绝 {', '.join(refused)}："
                "数据仓库以只读方式打开，数据只由 juesuan ingest 写入。"
            )
        if not statements:
            raise click.ClickException("没有可执行的语句")
        try:
            for statement in statements[:-1]:
                con.execute(statement.query)
            relation = con.sql(statements[-1].query)
            if csv_path == "-":
                click.echo(relation.df().to_csv(index=False), nl=False)
            elif csv_path:
                relation.write_csv(csv_path)
                click.echo(f"已写出 CSV：{csv_path}")
            if parquet_path:
                relation.write_parquet(parquet_path)
                click.echo(f"已写出 Parquet：{parquet_path}")
            if not csv_path and not parquet_path:
                relation.show(max_rows=max_rows, max_width=200)
        except duckdb.Error as exc:
            raise click.ClickException(f"查询出错：{exc}") from exc
    finally:
        con.close()


@main.command()
@warehouse_option
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Folder for the report (default: reports/, or JUESUAN_REPORTS).",
)
@click.option("--recheck", is_flag=True, help="Run the quality checks again first.")
def report(warehouse: Path | None, out: Path | None, recheck: bool) -> None:
    """Write the finance bureau's quality report (HTML and Excel) from the warehouse."""
    import uuid

    from pipelines.quality import run_quality_checks
    from pipelines.report import write_report

    settings.use_paths(warehouse=warehouse)
    path = settings.warehouse_path()
    if not path.exists():
        raise click.ClickException(f"数据仓库不存在：{path}（先运行 juesuan ingest）")
    out_dir = (out or settings.reports_dir()).resolve()
    if recheck:
        run_quality_checks(path, run_id=f"cli-{uuid.uuid4()}", reports_dir=out_dir)
    data_docs = out_dir / "data_docs" / "index.html"
    files = write_report(path, out_dir, data_docs if data_docs.exists() else None)
    click.echo(f"质量报告 (report): {files.html}")
    click.echo(f"问题清单 (Excel):  {files.xlsx}")


@main.command()
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="Folder to write PDFs and their ground-truth JSON into.",
)
@click.option("--units", type=int, default=20, show_default=True, help="Number of units.")
@click.option(
    "--years",
    type=int,
    multiple=True,
    default=(2023, 2024),
    show_default=True,
    help="Fiscal years (repeat the option for several).",
)
@click.option("--seed", type=int, default=20240901, show_default=True, help="Random seed.")
@click.option("--no-seed-case", is_flag=True, help="Leave out the 枣庄 2020 seed document.")
@click.option(
    "--plant-errors",
    type=int,
    default=0,
    show_default=True,
    help="Plant 1–3 errors in each of N documents (recorded in their ground truth).",
)
def samples(
    out: Path, units: int, years: tuple[int, ...], seed: int, no_seed_case: bool, plant_errors: int
) -> None:
    """Generate realistic sample disclosures with ground truth."""
    from pipelines.samples import generate_corpus, write_unit_registry

    docs = generate_corpus(
        out,
        units=units,
        years=years,
        seed=seed,
        include_seed_case=not no_seed_case,
        planted_errors=plant_errors,
    )
    registry = write_unit_registry(out, units=units, include_seed_case=not no_seed_case)
    click.echo(f"已生成 {len(docs)} 份样例决算 PDF（含标准答案 JSON）：{out}")
    click.echo(f"应报单位名册 (unit registry): {registry}")


if __name__ == "__main__":
    main()
