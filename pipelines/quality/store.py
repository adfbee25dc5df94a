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

import hashlib
from collections import Counter
from collections.abc import Sequence
from dataclasses import astuple, dataclass
from datetime import UTC, datetime
from decimal import Decimal

import pandas as pd

from pipelines.quality.document import Document
from pipelines.quality.outcomes import Outcome
from pipelines.warehouse.state import DISMISSALS

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
    ("fiscal_year", "integer", "年度：决算的决算年度，预算的预算年度"),
    (
        "source_table",
        "varchar",
        "所在表：决算 T01…T09，预算 B01…B11（表间核对报告在编号中的第一张表；文字说明为空）",
    ),
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
    (
        "finding_id",
        "varchar",
        "核对结果编号：由文件、检查项、表、页、位置、列、对照表与所核对的数字算出，"
        "重新运行不变（用于 juesuan dismiss 排除误报）；数字变了编号即变",
    ),
    ("box_x0", "double", "所指位置框左边（PDF 点，原点在页面左下角）；位置未知时为空"),
    ("box_y0", "double", "所指位置框下边（PDF 点）"),
    ("box_x1", "double", "所指位置框右边（PDF 点）"),
    ("box_y1", "double", "所指位置框上边（PDF 点）"),
    ("document_kind", "varchar", "文件类型：决算或预算"),
    (
        "other_document_id",
        "varchar",
        "跨文件核对时对照的另一份文件（同一单位上年度的决算，或同年度的预算）；文件内的核对为空",
    ),
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
    con.execute(LATEST_VIEW_SQL)
    _write_comments(
        con, "quality.check_results_latest", "view", LATEST_VIEW_COMMENT, CHECK_RESULT_COLUMNS
    )
    ensure_dismissals(con)


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


# Hex digits of a finding_id: 48 bits, no collision among a warehouse's findings in practice,
# short enough to type after `juesuan dismiss`.
FINDING_ID_LENGTH = 12


def _figure(value: Decimal | None) -> str:
    """A figure as the id sees it: 12.50 and 12.5 are the same figure."""
    return "" if value is None else format(value.normalize(), "f")


def finding_key(outcome: Outcome) -> tuple[str, ...]:
    """What a finding is: the document (its content hash), the check, the place (table,
    page, location, column, the table compared with) and the figures it compared.

    The figures are part of it, so that a dismissal stops applying when they change (a
    re-extracted cell reads differently, the narrative's number is another). The message,
    the tolerance and the box are not: rewording a message or refining a box must not
    bring back a finding a reviewer dismissed.
    """
    return (
        outcome.document_id,
        outcome.check_name,
        outcome.source_table or "",
        "" if outcome.source_page is None else str(outcome.source_page),
        outcome.location or "",
        outcome.measure or "",
        outcome.compared_table or "",
        _figure(outcome.observed),
        _figure(outcome.expected),
    )


def finding_ids(outcomes: Sequence[Outcome]) -> list[str]:
    """Each outcome's finding_id, stable across runs. Outcomes with the same key (a check
    reporting twice at one place with the same figures) are told apart by their order."""
    seen: Counter[tuple[str, ...]] = Counter()
    ids = []
    for outcome in outcomes:
        key = finding_key(outcome)
        occurrence = seen[key]
        seen[key] += 1
        text = "\x1f".join(key if occurrence == 0 else (*key, str(occurrence)))
        ids.append(hashlib.sha256(text.encode()).hexdigest()[:FINDING_ID_LENGTH])
    return ids


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
    for outcome, finding_id in zip(outcomes, finding_ids(outcomes), strict=True):
        document = by_id[outcome.document_id]
        box = outcome.box or (None, None, None, None)
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
                "finding_id": finding_id,
                "box_x0": box[0],
                "box_y0": box[1],
                "box_x1": box[2],
                "box_y1": box[3],
                "document_kind": document.kind,
                "other_document_id": outcome.other_document_id,
            }
        )
    columns = [name for name, _, _ in CHECK_RESULT_COLUMNS]
    frame = pd.DataFrame.from_records(records, columns=columns)
    return frame.astype(
        {
            "source_page": "Int64",
            "fiscal_year": "Int64",
            "printed_terms": "Int64",
            **{name: "Float64" for name in ("box_x0", "box_y0", "box_x1", "box_y1")},
        }
    )


def _select_cast(columns) -> str:
    return ", ".join(f"cast({name} as {kind}) as {name}" for name, kind, _ in columns)


# ---------------------------------------------------------------------------
# Check state: what each document's latest results were computed from

CHECK_STATE = "quality.check_state"
CHECK_STATE_COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("document_id", "varchar primary key", "文件内容的 sha256"),
    (
        "fingerprint",
        "varchar not null",
        "检查依据指纹：本文件的版本（入库时间、提取器版本）、对照文件（上年度决算、同年度预算）"
        "的版本及其本身错误、容差与检查目录版本的哈希；任何一项变了，文件即须重新检查",
    ),
    ("catalogue_version", "varchar", "检查目录版本：规则、模式、校验套件与 GX 版本的哈希"),
    ("ingested_at", "timestamp", "所检查版本的入库时间（raw.documents.ingested_at）"),
    (
        "has_own_errors",
        "boolean not null",
        "本文件自身有无错误（不含与其他文件的核对）：对照它的文件据此把不符判为需人工核对",
    ),
    ("own_error_tables", "varchar[] not null", "本文件自身错误所在的表（含表间核对的对照表）"),
    ("outcomes", "integer not null", "本次检查写入的结果行数"),
    ("run_id", "varchar not null", "最近一次检查本文件的运行编号"),
    ("checked_at", "timestamp not null", "最近一次检查本文件的时间（UTC）"),
)
CHECK_STATE_COMMENT = (
    "检查状态：每份检查过的文件一行，记录其最新结果所依据的一切（指纹）；指纹不变的文件"
    "不再重新检查，与该文件的检查结果在同一事务中写入"
)


@dataclass(frozen=True)
class CheckState:
    """One document's row of quality.check_state."""

    document_id: str
    fingerprint: str
    catalogue_version: str
    ingested_at: datetime | None
    has_own_errors: bool
    own_error_tables: tuple[str, ...]
    outcomes: int
    run_id: str
    checked_at: datetime


def ensure_check_state(con) -> None:
    con.execute("create schema if not exists quality")
    definition = ",\n".join(f"{name} {kind}" for name, kind, _ in CHECK_STATE_COLUMNS)
    con.execute(f"create table if not exists {CHECK_STATE} (\n{definition}\n)")
    _write_comments(con, CHECK_STATE, "table", CHECK_STATE_COMMENT, CHECK_STATE_COLUMNS)


def read_check_states(con) -> dict[str, CheckState]:
    """document_id → its CheckState (none before the first incremental run)."""
    present = con.execute(
        "select count(*) from duckdb_tables() "
        "where schema_name = 'quality' and table_name = 'check_state'"
    ).fetchone()
    if not present or not present[0]:
        return {}
    names = ", ".join(name for name, _, _ in CHECK_STATE_COLUMNS)
    rows = con.execute(f"select {names} from {CHECK_STATE}").fetchall()
    return {
        document_id: CheckState(
            document_id, fingerprint, version, ingested_at, erring, tuple(tables or ()), *rest
        )
        for document_id, fingerprint, version, ingested_at, erring, tables, *rest in rows
    }


def write_check_results(
    con, frame: pd.DataFrame, run_id: str, states: Sequence[CheckState] = ()
) -> None:
    """In one transaction: replace this run's rows of the frame's documents (and of the
    states' documents) with the frame's, and those documents' check state with `states`.

    A run writes one batch of documents at a time, so a run's rows are replaced per
    document: a run_id written again replaces the rows of the documents it checks again,
    and leaves the others."""
    ensure_schema(con)
    if states:
        ensure_check_state(con)
    written = sorted(set(frame["document_id"]) | {state.document_id for state in states})
    selected = "(select unnest(?::varchar[]))"
    con.register("quality_check_results_frame", frame)
    try:
        con.execute("begin transaction")
        con.execute(
            f"delete from quality.check_results where run_id = ? and document_id in {selected}",
            [run_id, written],
        )
        names = ", ".join(name for name, _, _ in CHECK_RESULT_COLUMNS)
        con.execute(
            f"insert into quality.check_results ({names}) "
            f"select {_select_cast(CHECK_RESULT_COLUMNS)} from quality_check_results_frame"
        )
        if states:
            con.execute(
                f"delete from {CHECK_STATE} where document_id in {selected}",
                [[state.document_id for state in states]],
            )
            state_names = ", ".join(name for name, _, _ in CHECK_STATE_COLUMNS)
            con.executemany(
                f"insert into {CHECK_STATE} ({state_names}) values "
                f"({', '.join('?' for _ in CHECK_STATE_COLUMNS)})",
                [
                    [*astuple(state)[:5], list(state.own_error_tables), *astuple(state)[6:]]
                    for state in states
                ],
            )
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise
    finally:
        con.unregister("quality_check_results_frame")


# ---------------------------------------------------------------------------
# Dismissals: a reviewer's word that a finding is a false alarm

DISMISSAL_COLUMNS: tuple[tuple[str, str, str], ...] = (
    (
        "finding_id",
        "varchar primary key",
        "被排除的核对结果编号（quality.check_results.finding_id）",
    ),
    ("reason", "varchar not null", "排除理由（审核人填写）"),
    ("dismissed_at", "timestamp not null", "排除时间（UTC）"),
    ("dismissed_by", "varchar", "排除人（操作系统用户名）"),
    ("document_id", "varchar", "文件内容的 sha256（排除时记录，便于查阅）"),
    ("check_name", "varchar", "检查项编号（排除时记录）"),
    ("source_table", "varchar", "所在表（排除时记录）"),
    ("source_page", "integer", "所在页（排除时记录）"),
    ("location", "varchar", "位置（排除时记录）"),
    ("message", "varchar", "排除时的检查结果说明"),
)
DISMISSALS_COMMENT = (
    "已排除的核对结果：审核人认定为误报并说明理由的发现，按 finding_id 记录；重新运行、"
    "重新入库都保留；同一位置的数字变了 finding_id 即变，排除不再适用"
)


class DismissalError(Exception):
    """A dismissal that cannot be made or undone; the message is Chinese, for the CLI."""


@dataclass(frozen=True)
class Dismissal:
    finding_id: str
    reason: str
    dismissed_at: datetime
    dismissed_by: str | None
    document_id: str | None
    check_name: str | None
    source_table: str | None
    source_page: int | None
    location: str | None
    message: str | None


def ensure_dismissals(con) -> None:
    """Create quality.dismissals when absent. Nothing else ever drops or rewrites it: an
    ingest replaces raw rows and check results, never a reviewer's dismissals."""
    con.execute("create schema if not exists quality")
    definition = ",\n".join(f"{name} {kind}" for name, kind, _ in DISMISSAL_COLUMNS)
    con.execute(f"create table if not exists {DISMISSALS} (\n{definition}\n)")
    _write_comments(con, DISMISSALS, "table", DISMISSALS_COMMENT, DISMISSAL_COLUMNS)


def record_dismissal(
    con, finding_id: str, reason: str, dismissed_by: str | None = None
) -> Dismissal:
    """Record that the finding is a false alarm. `finding_id` may be a unique prefix of a
    finding of the latest results; only a failed check can be dismissed. Dismissing it
    again replaces the reason."""
    reason = reason.strip()
    if not reason:
        raise DismissalError("排除须写明理由（--reason）")
    latest = con.execute(
        "select count(*) from duckdb_views() "
        "where schema_name = 'quality' and view_name = 'check_results_latest'"
    ).fetchone()
    if not latest or not latest[0]:
        raise DismissalError("数据仓库中还没有检查结果（先运行 juesuan ingest）")
    ensure_dismissals(con)
    rows = con.execute(
        """select distinct finding_id, document_id, check_name, source_table, source_page,
                  location, message, passed
           from quality.check_results_latest where starts_with(finding_id, ?)""",
        [finding_id.strip().lower()],
    ).fetchall()
    ids = sorted({row[0] for row in rows})
    if not ids:
        raise DismissalError(f"最新检查结果中没有编号为 {finding_id} 的发现")
    if len(ids) > 1:
        raise DismissalError(f"编号 {finding_id} 不唯一，可指：{'、'.join(ids[:5])}")
    full_id, document_id, check_name, table, page, location, message, passed = rows[0]
    if passed:
        raise DismissalError(f"{full_id} 是通过的检查，不是需要排除的发现")
    moment = datetime.now(UTC).replace(tzinfo=None)
    names = ", ".join(name for name, _, _ in DISMISSAL_COLUMNS)
    values = [full_id, reason, moment, dismissed_by, document_id, check_name, table, page]
    values += [location, message]
    con.execute(
        f"insert or replace into {DISMISSALS} ({names}) values "
        f"({', '.join('?' for _ in DISMISSAL_COLUMNS)})",
        values,
    )
    return Dismissal(*values)


def undo_dismissal(con, finding_id: str) -> Dismissal:
    """Take a dismissal back (the finding counts again from the next report on)."""
    matches = [d for d in list_dismissals(con) if d.finding_id.startswith(finding_id.lower())]
    if not matches:
        raise DismissalError(f"没有编号为 {finding_id} 的排除记录")
    if len(matches) > 1:
        ids = "、".join(d.finding_id for d in matches[:5])
        raise DismissalError(f"编号 {finding_id} 不唯一，可指：{ids}")
    con.execute(f"delete from {DISMISSALS} where finding_id = ?", [matches[0].finding_id])
    return matches[0]


def list_dismissals(con) -> list[Dismissal]:
    """Every dismissal, the latest first (none before the first)."""
    present = con.execute(
        "select count(*) from duckdb_tables() "
        "where schema_name = 'quality' and table_name = 'dismissals'"
    ).fetchone()
    if not present or not present[0]:
        return []
    names = ", ".join(name for name, _, _ in DISMISSAL_COLUMNS)
    rows = con.execute(
        f"select {names} from {DISMISSALS} order by dismissed_at desc, finding_id"
    ).fetchall()
    return [Dismissal(*row) for row in rows]
