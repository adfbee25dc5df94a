"""The quality engine's tables: check results (with history) and their latest view.

quality.check_results keeps every run (history): a run's rows are replaced when the same
run_id is written again, so a re-run never duplicates them, and earlier runs stay for
comparison (when did an error appear, was it fixed by a re-issued document).
quality.check_results_latest is the view most readers want: for each document, the rows
of the latest run that checked it (a superseded version keeps its last results; join
marts.dim_document for the status). quality.document_coverage, the schema's other
table, is a dbt model (dbt_project/models/quality/).

Amounts (observed, expected, difference, tolerance) are in 万元 as DECIMAL(28, 8): a
元 table's rounding (0.005 元 = 0.0000005 万元 per term) needs more than the warehouse's
six decimals.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import pandas as pd

from pipelines.quality.document import Document
from pipelines.quality.outcomes import Outcome

MONEY = "decimal(28, 8)"

# (column, type, Chinese description), in table order: the contract's columns first.
CHECK_RESULT_COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("run_id", "varchar", "质量检查运行编号（同一编号再次写入时替换该次结果）"),
    ("checked_at", "timestamp", "检查时间（UTC）"),
    ("check_name", "varchar", "检查项编号（稳定的英文编号，见 pipelines/quality/catalogue.py）"),
    ("check_title", "varchar", "检查项名称（中文）"),
    (
        "severity",
        "varchar",
        "严重程度：info 完全一致，rounding 差异在尾数误差范围内，error 超出尾数误差或不合理，"
        "review 需人工核对（不符所据的单元格读数存疑，不计为错误）",
    ),
    ("passed", "boolean", "是否通过（由 Great Expectations 校验套件判定）"),
    ("document_id", "varchar", "文件内容的 sha256"),
    ("unit_id", "varchar", "单位键：left(md5(单位名称), 16)，与 marts.dim_unit 相同"),
    ("fiscal_year", "integer", "决算年度"),
    ("source_table", "varchar", "所在表 T01…T09（表间核对报告在编号中的第一张表；文字说明为空）"),
    ("source_page", "integer", "所在页（从 1 起）"),
    (
        "location",
        "varchar",
        "位置：科目编码或“合计”、收支总表行名、经济分类编码或人员/公用经费合计、"
        "“三公”经费项目、文字说明数字名称；整表检查为空",
    ),
    ("observed", MONEY, "核对值（万元）：被检查的印出数字"),
    ("expected", MONEY, "应有值（万元）：由其他数字算出或另一表、文字说明中的数字"),
    ("difference", MONEY, "差额（万元）= 核对值 − 应有值"),
    ("tolerance", MONEY, "容差（万元）：参与数字的尾数误差之和（每个印出数字 0.005 个印刷单位）"),
    ("message", "varchar", "检查结果说明（中文）"),
    ("measure", "varchar", "所核对的列，如本年收入合计、一般公共预算、预算数；不分列的检查为空"),
    ("compared_table", "varchar", "表间或文字说明核对时对照的另一张表"),
    (
        "check_family",
        "varchar",
        "检查族（对应 expectations/ 中的一个 Great Expectations 校验套件）",
    ),
    ("printed_terms", "integer", "参与核对的印出数字个数（空白不计）"),
)
CHECK_RESULTS_COMMENT = (
    "质量检查结果：每次运行、每份已入库文件、每项检查、每个位置一行；保留历史运行，"
    "最新结果见 quality.check_results_latest"
)
LATEST_VIEW_COMMENT = (
    "最新质量检查结果：每份文件最近一次运行的检查结果（被取代的版本保留其最后结果，"
    "状态见 marts.dim_document）"
)


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _write_comments(con, relation: str, kind: str, comment: str, columns) -> None:
    """Comment a table or view and each of its columns (Chinese descriptions)."""
    con.execute(f"comment on {kind} {relation} is {_quote(comment)}")
    for name, _, description in columns:
        con.execute(f"comment on column {relation}.{name} is {_quote(description)}")


def ensure_schema(con) -> None:
    """Create the quality tables (adding columns a table from an older version lacks)."""
    con.execute("create schema if not exists quality")
    definition = ",\n".join(f"{name} {kind}" for name, kind, _ in CHECK_RESULT_COLUMNS)
    con.execute(f"create table if not exists quality.check_results (\n{definition}\n)")
    present = {
        name
        for (name,) in con.execute(
            "select column_name from duckdb_columns() "
            "where schema_name = 'quality' and table_name = 'check_results'"
        ).fetchall()
    }
    for name, kind, _ in CHECK_RESULT_COLUMNS:
        if name not in present:
            con.execute(f"alter table quality.check_results add column {name} {kind}")
    _write_comments(
        con, "quality.check_results", "table", CHECK_RESULTS_COMMENT, CHECK_RESULT_COLUMNS
    )


# The one definition of "the latest results" (pipelines.warehouse.state reads it).
LATEST_VIEW_SQL = """
    create or replace view quality.check_results_latest as
    with latest_runs as (
        -- Two runs checked at the same moment: the greater run_id wins, never a random one.
        select document_id, run_id
        from quality.check_results
        group by document_id, run_id
        qualify row_number() over (
            partition by document_id order by max(checked_at) desc, run_id desc
        ) = 1
    )
    select results.*
    from quality.check_results as results
    inner join latest_runs using (document_id, run_id)
"""


def result_frame(
    outcomes: Sequence[Outcome],
    documents: Sequence[Document],
    run_id: str,
    checked_at: datetime,
) -> pd.DataFrame:
    """One row per outcome, in the table's column order; decimals as exact strings."""
    by_id = {document.document_id: document for document in documents}

    def text(value) -> str | None:
        return None if value is None else format(value, "f")

    records = []
    for outcome in outcomes:
        document = by_id[outcome.document_id]
        records.append(
            {
                "run_id": run_id,
                "checked_at": checked_at,
                "check_name": outcome.check_name,
                "check_title": outcome.check.title,
                "severity": outcome.severity,
                "passed": outcome.passed,
                "document_id": outcome.document_id,
                "unit_id": document.unit_id,
                "fiscal_year": document.fiscal_year,
                "source_table": outcome.source_table,
                "source_page": outcome.source_page,
                "location": outcome.location,
                "observed": text(outcome.observed),
                "expected": text(outcome.expected),
                "difference": text(outcome.difference),
                "tolerance": text(outcome.tolerance),
                "message": outcome.message(),
                "measure": outcome.measure,
                "compared_table": outcome.compared_table,
                "check_family": outcome.family,
                "printed_terms": outcome.printed_terms if outcome.is_identity else None,
            }
        )
    columns = [name for name, _, _ in CHECK_RESULT_COLUMNS]
    frame = pd.DataFrame.from_records(records, columns=columns)
    return frame.astype({"source_page": "Int64", "fiscal_year": "Int64", "printed_terms": "Int64"})


def _select_cast(columns) -> str:
    return ", ".join(f"cast({name} as {kind}) as {name}" for name, kind, _ in columns)


def write_check_results(con, frame: pd.DataFrame, run_id: str) -> None:
    """Replace this run's rows (if any) with the frame's, in one transaction."""
    ensure_schema(con)
    con.register("quality_check_results_frame", frame)
    try:
        con.execute("begin transaction")
        con.execute("delete from quality.check_results where run_id = ?", [run_id])
        names = ", ".join(name for name, _, _ in CHECK_RESULT_COLUMNS)
        con.execute(
            f"insert into quality.check_results ({names}) "
            f"select {_select_cast(CHECK_RESULT_COLUMNS)} from quality_check_results_frame"
        )
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise
    finally:
        con.unregister("quality_check_results_frame")
    con.execute(LATEST_VIEW_SQL)
    _write_comments(
        con, "quality.check_results_latest", "view", LATEST_VIEW_COMMENT, CHECK_RESULT_COLUMNS
    )
