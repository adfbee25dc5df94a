"""The juesuan command: one tool for operators and analysts."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from pipelines import settings

if TYPE_CHECKING:
    import duckdb

warehouse_option = click.option(
    "--warehouse",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="DuckDB file (default: warehouse/juesuan.duckdb, or JUESUAN_WAREHOUSE).",
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """Juesuan (决算): disclosure PDFs → a checked DuckDB warehouse."""
    try:
        settings.warehouse_path()
    except ValueError as exc:
        raise click.ClickException(str(exc)) from exc


@main.command()
@click.option(
    "--sources",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="PDF inbox (default: sources/, or JUESUAN_SOURCES).",
)
@warehouse_option
@click.option("--force", is_flag=True, help="Extract every document again, even unchanged ones.")
def ingest(sources: Path | None, warehouse: Path | None, force: bool) -> None:
    """Ingest the inbox: extract new or re-issued PDFs, load them, rebuild the marts,
    check every accounting identity and write the report.

    Documents already in the warehouse with the same content and extractor version are
    not extracted again; with nothing new the command returns in seconds. The run is
    recorded in Dagster's instance when DAGSTER_HOME is set (then `make dev` shows it).
    """
    settings.use_paths(sources, warehouse)
    inbox = settings.sources_dir()
    if not inbox.is_dir():
        raise click.ClickException(f"收件箱不存在：{inbox}")
    try:
        settings.unit_registry_path()  # a wrong registry stops here, before any work
    except settings.UnitRegistryError as error:
        raise click.ClickException(str(error)) from error
    # Imported here: the code location reads the paths fixed just above.
    import dagster as dg

    from pipelines.definitions import build_definitions
    from pipelines.defs.ingestion.launch import plan_ingestion, run_ingestion
    from pipelines.terminal import RichIngestProgress

    click.echo(f"收件箱 (inbox):     {inbox}")
    click.echo(f"数据仓库 (warehouse): {settings.warehouse_path()}")
    instance = (
        dg.DagsterInstance.get()
        if os.environ.get("DAGSTER_HOME")
        else dg.DagsterInstance.ephemeral()
    )
    with instance:
        plan = plan_ingestion(instance, inbox, settings.warehouse_path(), force=force)
        click.echo(
            f"文档 (documents in inbox): {plan.documents}，"
            f"待提取 (to extract) {len(plan.pending)}，"
            f"未变 (unchanged) {plan.documents - len(plan.pending)}"
        )
        with RichIngestProgress() as progress:
            result = run_ingestion(build_definitions(progress), instance, plan, force=force)
    if result is None:
        click.echo("没有新文件，数据仓库已是最新 (nothing new; the warehouse is current)")
    else:
        _print_run_counts(result)
    _print_summary(settings.warehouse_path())
    if result is not None and not result.success:
        for event in result.all_events:
            if event.is_step_failure:
                failure = event.step_failure_data.error
                message = failure.message.strip() if failure is not None else "?"
                click.echo(f"失败的步骤 (failed step) {event.step_key}: {message}", err=True)
        click.echo("流水线运行失败（pipeline run failed）", err=True)
        sys.exit(1)


def _print_run_counts(result) -> None:
    """What this run did, from the extraction step's metadata."""
    import dagster as dg

    for event in result.get_asset_materialization_events():
        if event.asset_key == dg.AssetKey("document_extractions"):
            metadata = {k: v.value for k, v in event.materialization.metadata.items()}
            click.echo(
                f"本次运行 (this run): 提取 (extracted) {metadata['extracted']}，"
                f"入库 (loaded) {metadata['loaded']}，拒收 (rejected) {metadata['rejected']}，"
                f"{metadata['pages']} 页 (pages)，{metadata['seconds']} 秒 (extraction s)"
            )
            return


def _print_summary(warehouse: Path) -> None:
    import duckdb

    try:
        _summarise(warehouse)
    except (duckdb.Error, LookupError) as exc:  # a failed run may not have built it all
        click.echo(f"（无法汇总：{exc}）", err=True)


def _summarise(warehouse: Path) -> None:
    from collections import Counter

    from pipelines.warehouse import connect, state

    with connect(warehouse, read_only=True) as con:
        by_status: Counter = Counter()
        for _, status, documents in state.documents_by_status(con).rows:
            by_status[status] += documents
        rows = sorted(by_status.items())
        rejected = [
            (file_name, reason)
            for file_name, _, status, reason in state.problem_documents(con).rows
            if status == "rejected"
        ]
        run = state.quality_run(con)
        findings = state.run_findings(con, run) if run is not None else None
    click.echo("文档 (documents): " + ", ".join(f"{status} {n}" for status, n in rows))
    for name, reason in rejected:
        click.echo(f"  已拒绝 {name}: {reason}")
    if findings is None:
        click.echo("核对 (checks): 尚未运行 (not run yet)")
    else:
        click.echo(
            f"核对 (checks): 错误 {findings.errors} 处"
            f"（涉及 {findings.documents_with_errors} 份文档），"
            f"尾数误差 {findings.rounding} 处"
        )
    click.echo(f"质量报告 (report): {settings.reports_dir() / 'quality_report.html'}")


@main.command()
@warehouse_option
@click.option("--year", type=int, default=None, help="Only this fiscal year.")
@click.option(
    "--list",
    "list_documents",
    is_flag=True,
    help="Also list every rejected and superseded document with its reason.",
)
def status(warehouse: Path | None, year: int | None, list_documents: bool) -> None:
    """Show the documents by fiscal year and status (loaded, rejected, superseded), with
    totals; why documents were rejected (most common reason first); and, when the quality
    checks have run, how many expected units lack a loaded document each year."""
    import duckdb
    from rich.console import Console

    from pipelines import terminal
    from pipelines.warehouse import connect, state

    settings.use_paths(warehouse=warehouse)
    path = settings.warehouse_path()
    if not path.exists():
        raise click.ClickException(f"数据仓库不存在：{path}（先运行 juesuan ingest）")
    try:
        with connect(path, read_only=True) as con:
            counts = state.documents_by_status(con, year)
            reasons = state.rejection_reasons(con, year)
            problems = state.problem_documents(con, year) if list_documents else None
            coverage = state.coverage_gaps(con, year)
    except LookupError as exc:
        raise click.ClickException(
            f"数据仓库中还没有文档表：{path}（先运行 juesuan ingest）"
        ) from exc
    except duckdb.Error as exc:
        raise click.ClickException(f"无法读取数据仓库：{exc}") from exc

    console = Console(highlight=False)
    console.print(f"数据仓库 (warehouse): {path}", markup=False)
    if counts.source != state.MARTS_DOCUMENTS:
        console.print(
            f"（marts 尚未构建 (marts not built)：读取 {counts.source}，未区分被取代的版本）",
            markup=False,
        )
    if not counts.rows:
        scope = f"{year} 年度" if year is not None else "数据仓库中"
        console.print(f"{scope}没有文档 (no documents)", markup=False)
    else:
        console.print(terminal.status_table(counts, marts=counts.source == state.MARTS_DOCUMENTS))
    if reasons.rows:
        console.print(terminal.reasons_table(reasons.rows))
    if problems is not None and problems.rows:
        console.print(terminal.problems_table(problems.rows))
    elif problems is None and any(s in state.PROBLEM_STATUSES for _, s, _ in counts.rows):
        console.print("（--list 列出每份被拒收或被取代的文档及原因）", markup=False)
    if coverage is None:
        console.print(f"覆盖情况 (coverage): 尚无（{state.COVERAGE} 由 dbt 生成）", markup=False)
    elif coverage.rows:
        console.print(terminal.coverage_table(coverage))


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
    from pipelines.warehouse import WarehouseLockedError, connect

    settings.use_paths(warehouse=warehouse)
    path = settings.warehouse_path()
    if not path.exists():
        raise click.ClickException(f"数据仓库不存在：{path}（先运行 juesuan ingest）")
    try:
        with connect(path, read_only=True) as con:
            _run_read_query(con, query, csv_path, parquet_path, max_rows)
    except WarehouseLockedError as exc:
        raise click.ClickException(str(exc)) from exc


def _run_read_query(
    con: duckdb.DuckDBPyConnection,
    query: str,
    csv_path: str | None,
    parquet_path: str | None,
    max_rows: int,
) -> None:
    import duckdb

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
    from pipelines.warehouse import WarehouseLockedError

    settings.use_paths(warehouse=warehouse)
    path = settings.warehouse_path()
    if not path.exists():
        raise click.ClickException(f"数据仓库不存在：{path}（先运行 juesuan ingest）")
    out_dir = (out or settings.reports_dir()).resolve()
    try:
        if recheck:
            run_quality_checks(path, run_id=f"cli-{uuid.uuid4()}", reports_dir=out_dir)
        data_docs = out_dir / "data_docs" / "index.html"
        files = write_report(path, out_dir, data_docs if data_docs.exists() else None)
    except WarehouseLockedError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"质量报告 (report): {files.html}")
    click.echo(f"问题清单 (Excel):  {files.xlsx}")


# The generator is its own distribution (samples/), so its options live there; this command
# forwards everything to it, --help included.
@main.command(
    context_settings={"ignore_unknown_options": True, "allow_extra_args": True},
    add_help_option=False,
)
@click.pass_context
def samples(ctx: click.Context) -> None:
    """Generate realistic sample disclosures with ground truth (juesuan-samples)."""
    try:
        from juesuan_samples.cli import main as generate_samples
    except ModuleNotFoundError as exc:
        raise click.ClickException(
            f"juesuan samples needs the juesuan-samples package ({exc.name} is missing): "
            "run `make install`, or `uv pip install -e samples` in the checkout"
        ) from exc
    generate_samples.main(ctx.args, prog_name=ctx.command_path, standalone_mode=False)


if __name__ == "__main__":
    main()
