"""The juesuan command: one tool for operators and analysts."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from pipelines import settings

sources_option = click.option(
    "--sources",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="PDF inbox (default: sources/, or JUESUAN_SOURCES).",
)
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
@sources_option
@warehouse_option
@click.option("--force", is_flag=True, help="Extract every document again, even unchanged ones.")
def ingest(sources: Path | None, warehouse: Path | None, force: bool) -> None:
    """Ingest the inbox: extract new or re-issued PDFs, load them, rebuild the marts,
    check every accounting identity and write the report.

    Documents already in the warehouse with the same content and extractor version are
    not extracted again; with nothing new the command returns in seconds. More than
    JUESUAN_DOCUMENTS_PER_RUN (default 5000) documents to extract make consecutive runs.
    The runs are recorded in Dagster's instance when DAGSTER_HOME is set (then `make dev`
    shows them).
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
    from pipelines.defs.ingestion.launch import RunInterrupted, plan_ingestion, run_ingestion
    from pipelines.defs.run_workers import reap_dead_runs
    from pipelines.terminal import RichIngestProgress

    click.echo(f"收件箱 (inbox):     {inbox}")
    click.echo(f"数据仓库 (warehouse): {settings.warehouse_path()}")
    persistent = bool(os.environ.get("DAGSTER_HOME"))
    instance = dg.DagsterInstance.get() if persistent else dg.DagsterInstance.ephemeral()
    with instance:
        # A run killed hard still holds the warehouse's pool: it would block this one.
        for reaped in reap_dead_runs(instance):
            click.echo(f"已清理中断的运行 (stale run cleared): {reaped.describe()}")
        try:
            plan = plan_ingestion(instance, inbox, settings.warehouse_path(), force=force)
        except Exception as error:  # the warehouse or its store unusable: say why, no trace
            message = _warehouse_fault(error)
            if message is None:
                raise
            raise click.ClickException(message) from error
        click.echo(
            f"文档 (documents in inbox): {plan.documents}，"
            f"待提取 (to extract) {len(plan.pending)}，"
            f"未变 (unchanged) {plan.documents - len(plan.pending)}"
        )
        for entry in plan.skipped:
            click.echo(f"  已跳过 (skipped) {entry.source_path}：{entry.reason}")
        runs = plan.in_runs(settings.documents_per_run())
        result = None
        for number, run_plan in enumerate(runs, start=1):
            if len(runs) > 1:
                click.echo(
                    f"第 {number}/{len(runs)} 次运行 (run {number} of {len(runs)})："
                    f"提取 (to extract) {len(run_plan.pending)}"
                )
            try:
                with RichIngestProgress() as progress:
                    result = run_ingestion(
                        build_definitions(progress), instance, run_plan, force=force
                    )
            except RunInterrupted as stop:
                click.echo(str(stop), err=True)
                # The run's thread may still be unwinding: leave without waiting for it.
                sys.stdout.flush()
                sys.stderr.flush()
                os._exit(128 + stop.signum)
            if result is None:
                break
            _print_run_counts(result)
            if not instance.is_persistent:
                # Nothing reads a finished run's events again: the next run's start from an
                # empty log instead of on top of this one's.
                instance.delete_run(result.run_id)
            if not result.success:
                if number < len(runs):
                    left = sum(len(later.pending) for later in runs[number:])
                    click.echo(
                        f"其后 {len(runs) - number} 次运行未进行，{left} 份文件待提取；"
                        "已入库的保留，再次运行 juesuan ingest 从此继续 (the later runs did "
                        "not start; what is loaded stays, and the next ingest goes on from here)",
                        err=True,
                    )
                break
    if result is None:
        click.echo("没有新文件，数据仓库已是最新 (nothing new; the warehouse is current)")
    _print_summary(settings.warehouse_path())
    if result is not None and not result.success:
        for event in result.failures:
            if event.is_step_failure:
                failure = event.step_failure_data.error
                message = failure.message.strip() if failure is not None else "?"
                if failure is not None and failure.cls_name == "Failure":
                    message = message.split(": ", 1)[-1]  # a cause we wrote: no class name
                click.echo(f"失败的步骤 (failed step) {event.step_key}: {message}", err=True)
            elif event.is_run_failure and event.job_failure_data.error is not None:
                # Not a step's: e.g. the warehouse's pool stayed held (run_workers).
                run_error = event.job_failure_data.error
                reason = run_error.message.strip().split(f"{run_error.cls_name}: ", 1)[-1]
                click.echo(f"失败原因 (cause): {reason}", err=True)
        click.echo("流水线运行失败（pipeline run failed）", err=True)
        sys.exit(1)


def _warehouse_fault(error: Exception) -> str | None:
    """What to tell the operator when the warehouse cannot be used: a permanent fault's
    cause, or the lock held past the wait; None for any other error."""
    from pipelines.warehouse import WarehouseLockedError
    from pipelines.warehouse.connection import permanent_fault

    if isinstance(error, WarehouseLockedError):
        return str(error)
    fault = permanent_fault(error)
    return fault.describe() if fault is not None else None


def _print_run_counts(result) -> None:
    """What this run did, from the extraction step's metadata."""
    figures = result.extraction
    if figures is not None:
        click.echo(
            f"本次运行 (this run): 提取 (extracted) {figures['extracted']}，"
            f"入库 (loaded) {figures['loaded']}，拒收 (rejected) {figures['rejected']}，"
            f"{figures['pages']} 页 (pages)，{figures['seconds']} 秒 (extraction s)"
        )


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
        # A run checks only the stale documents: the warehouse's findings are every loaded
        # document's latest results, whichever run checked it.
        checked = state.quality_run(con) is not None
        findings = state.current_findings(con) if checked else None
        dismissed = state.current_dismissed_findings(con) if checked else 0
    click.echo("文档 (documents): " + ", ".join(f"{status} {n}" for status, n in rows))
    for name, reason in rejected:
        click.echo(f"  已拒绝 {name}: {reason}")
    if findings is None:
        click.echo("核对 (checks): 尚未运行 (not run yet)")
    else:
        click.echo(
            f"核对 (checks): 错误 {findings.errors} 处"
            f"（涉及 {findings.documents_with_errors} 份文档），"
            f"尾数误差 {findings.rounding} 处，"
            f"需人工核对 {findings.review} 处（读数存疑，不计为错误）"
            + (f"，已排除 {dismissed} 处（审核认定误报）" if dismissed else "")
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
    """Run one read-only query (SELECT, or EXPLAIN of one) against the warehouse and print
    the result, or write it as CSV or Parquet.

    The query reaches the warehouse and nothing else: no other file, no network, no
    extension, no setting. While an ingest writes the warehouse the command waits for it
    (up to a minute), and it lets go of the file as soon as the result is out. In CSV, text
    that a spreadsheet would take for a formula (=, +, -, @) is prefixed with '."""
    import duckdb

    from pipelines.report.exports import csv_text
    from pipelines.warehouse.connection import (
        LOCK_WAIT_SECONDS,
        RefusedQueryError,
        analyst_connection,
        read_only_query,
    )

    settings.use_paths(warehouse=warehouse)
    path = settings.warehouse_path()
    if not path.exists():
        raise click.ClickException(f"数据仓库不存在：{path}（先运行 juesuan ingest）")

    def say_waiting() -> None:
        click.echo(
            f"数据仓库正被另一个进程写入（如 juesuan ingest），等待其释放，最多 "
            f"{LOCK_WAIT_SECONDS:g} 秒… (waiting for the warehouse lock)",
            err=True,
        )

    header: list[str] = []
    rows: list[tuple] | None = None
    try:
        outputs = [parquet_path] if parquet_path else []
        with analyst_connection(path, output_files=outputs, on_wait=say_waiting) as con:
            relation = con.sql(read_only_query(con, query))
            if parquet_path:
                # Straight to the one file the connection may write (no temporary beside it).
                relation.write_parquet(str(Path(parquet_path).resolve()), use_tmp_file=False)
            if csv_path:
                header, rows = relation.columns, relation.fetchall()
            if not csv_path and not parquet_path:
                relation.show(max_rows=max_rows, max_width=200)
    except RefusedQueryError as exc:
        raise click.ClickException(str(exc)) from exc
    except duckdb.PermissionException as exc:
        raise click.ClickException(
            "查询只能读取数据仓库，不能访问其他文件、网络或扩展 "
            f"(file, network and extension access is disabled)：{exc}"
        ) from exc
    except duckdb.Error as exc:  # a lock held too long, a corrupt file, or the query's own
        raise click.ClickException(_warehouse_fault(exc) or f"查询出错：{exc}") from exc
    if parquet_path:
        click.echo(f"已写出 Parquet：{parquet_path}")
    if rows is not None:
        text = csv_text(header, rows)
        if csv_path == "-":
            click.echo(text, nl=False)
        else:
            Path(str(csv_path)).write_text(text, encoding="utf-8")
            click.echo(f"已写出 CSV：{csv_path}")


out_option = click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Folder for the report (default: reports/, or JUESUAN_REPORTS).",
)


def _write_report(warehouse: Path, out_dir: Path):
    """The report from the warehouse into out_dir, linking the Data Docs when present."""
    from pipelines.report import write_report

    data_docs = out_dir / "data_docs" / "index.html"
    return write_report(warehouse, out_dir, data_docs if data_docs.exists() else None)


@main.command()
@warehouse_option
@out_option
@click.option("--recheck", is_flag=True, help="Run the quality checks again first.")
@sources_option
def report(warehouse: Path | None, out: Path | None, recheck: bool, sources: Path | None) -> None:
    """Write the finance bureau's quality report from the warehouse: the HTML (each
    finding with its page, rendered from the inbox's PDF) and the findings as Excel, CSV
    and JSON."""
    import uuid

    from pipelines.quality import run_quality_checks
    from pipelines.warehouse import WarehouseLockedError

    settings.use_paths(sources, warehouse)
    path = settings.warehouse_path()
    if not path.exists():
        raise click.ClickException(f"数据仓库不存在：{path}（先运行 juesuan ingest）")
    out_dir = (out or settings.reports_dir()).resolve()
    try:
        if recheck:
            run_quality_checks(
                path, run_id=f"cli-{uuid.uuid4()}", reports_dir=out_dir, only_stale=False
            )
        files = _write_report(path, out_dir)
    except WarehouseLockedError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"质量报告 (report): {files.html}")
    click.echo(f"问题清单 (Excel):  {files.xlsx}")
    click.echo(f"问题清单 (CSV, JSON): {files.csv}，{files.json}")


@main.command()
@click.argument("finding_id", required=False)
@click.option("--reason", default=None, help="Why it is a false alarm (required to dismiss).")
@click.option("--undo", is_flag=True, help="Take the dismissal of FINDING_ID back.")
@click.option("--list", "list_all", is_flag=True, help="List every dismissal.")
@warehouse_option
@sources_option
@out_option
def dismiss(
    finding_id: str | None,
    reason: str | None,
    undo: bool,
    list_all: bool,
    warehouse: Path | None,
    sources: Path | None,
    out: Path | None,
) -> None:
    """Dismiss a finding as a false alarm: `juesuan dismiss FINDING_ID --reason "…"`.

    FINDING_ID is the 编号 the report, the Excel, CSV and JSON exports show (a unique
    prefix will do). The dismissal is kept in the warehouse (quality.dismissals) across
    re-runs; the finding is listed under 已排除 and no longer counted, until its figures
    change (then it is another finding). --undo takes a dismissal back, --list lists them.
    The report is written again afterwards."""
    import getpass

    from pipelines.quality.store import (
        DismissalError,
        list_dismissals,
        record_dismissal,
        undo_dismissal,
    )
    from pipelines.warehouse import WarehouseLockedError, connect

    settings.use_paths(sources, warehouse)
    path = settings.warehouse_path()
    if not path.exists():
        raise click.ClickException(f"数据仓库不存在：{path}（先运行 juesuan ingest）")
    if list_all:
        with connect(path, read_only=True) as con:
            dismissals = list_dismissals(con)
        if not dismissals:
            click.echo("没有已排除的发现 (no dismissals)")
        for d in dismissals:
            place = " ".join(str(p) for p in (d.source_table, d.location) if p)
            page = f" 第{d.source_page}页" if d.source_page else ""
            click.echo(
                f"{d.finding_id}  {d.dismissed_at:%Y-%m-%d %H:%M} UTC  {d.check_name}  "
                f"{place}{page}  理由：{d.reason}"
            )
        return
    if not finding_id:
        raise click.ClickException("请给出要排除的发现编号：juesuan dismiss 编号 --reason 理由")
    try:
        with connect(path) as con:
            if undo:
                done = undo_dismissal(con, finding_id)
                click.echo(f"已撤销排除 (dismissal undone): {done.finding_id}")
            else:
                if not reason:
                    raise DismissalError("排除须写明理由（--reason）")
                done = record_dismissal(con, finding_id, reason, getpass.getuser())
                click.echo(f"已排除 (dismissed): {done.finding_id}  {done.message or ''}")
        files = _write_report(path, (out or settings.reports_dir()).resolve())
    except DismissalError as exc:
        raise click.ClickException(str(exc)) from exc
    except WarehouseLockedError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"质量报告 (report): {files.html}")


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
