"""What the report shows, read from the warehouse in one read-only pass.

The report reads only the public names of the warehouse contract: marts.dim_document,
marts.dim_unit, quality.check_results_latest and quality.document_coverage, with the
reviewers' quality.dismissals and each document's source path (raw.documents, to render
the pages its findings point at), and for the budget against the final accounts
marts.fct_budget_vs_final, marts.three_public_budget_vs_final and
marts.dim_function_subject. Any of them may be absent (a warehouse before its first check
run, no unit registry configured, built before budgets): the report then says so instead
of failing.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from functools import cached_property
from pathlib import Path

import duckdb

from pipelines.domain.tables import TABLES_BY_ID
from pipelines.quality.catalogue import CHECKS
from pipelines.warehouse import connect, state

# 'review': failed on a figure the extractor is unsure it read right; shown apart from
# errors, never counted as one.
SEVERITY_TITLES = {"error": "错误", "review": "需人工核对", "rounding": "尾数误差", "info": "提示"}
STATUS_TITLES = {
    "loaded": "已入库",
    "rejected": "已拒收",
    "superseded": "已被替代",
    "missing": "未报送",
    "unknown": "未知",
}
FINAL_ACCOUNTS, BUDGET = "决算", "预算"
# Order in which a unit-year's documents decide its status.
_STATUS_RANK = {"loaded": 0, "superseded": 1, "rejected": 2, "unknown": 3}

Value = float | int | str | None

# The warehouse stores naive UTC timestamps (ingested_at, checked_at); the bureau reads
# Beijing time.
BEIJING = timezone(timedelta(hours=8), "北京时间")


@dataclass
class Unit:
    key: str  # unit_id
    name: str
    region: str | None = None
    level: str | None = None


@dataclass
class Document:
    document_id: str
    file_name: str
    unit_key: str | None
    fiscal_year: int | None
    status: str
    status_reason: str | None
    page_count: int | None
    ingested_at: datetime | None
    checks_total: int = 0
    checks_passed: int = 0
    errors: int = 0
    roundings: int = 0
    infos: int = 0
    reviews: int = 0
    checked_at: datetime | None = None
    run_id: str | None = None
    dismissed: int = 0  # findings a reviewer dismissed as false alarms (not counted above)
    source_path: str | None = None  # relative to the inbox (raw.documents)
    kind: str = FINAL_ACCOUNTS  # '决算' or '预算' (dim_document.document_kind)
    # What the overview's search finds the document by without its findings: their check
    # names, tables, locations, columns and ids, each once, space-separated.
    keywords: str = ""


@dataclass
class Finding:
    document_id: str | None
    check_name: str
    check_title: str
    severity: str  # 'error', 'review', 'rounding', 'info'
    source_table: str | None
    table_title: str | None
    source_page: int | None
    location: str | None
    expected: Value
    observed: Value
    difference: Value
    tolerance: Value
    message: str | None
    unit_key: str | None
    fiscal_year: int | None
    measure: str | None = None  # the column checked (本年收入合计, 一般公共预算, 预算数 …)
    compared_table: str | None = None  # the other table of a cross-table check
    finding_id: str | None = None  # stable across runs (`juesuan dismiss FINDING_ID`)
    box: tuple[float, float, float, float] | None = None  # on source_page, PDF points
    dismissal: Dismissal | None = None  # a reviewer's: then listed under 已排除, not counted


@dataclass(frozen=True)
class Dismissal:
    reason: str
    dismissed_at: datetime | None  # Beijing time
    dismissed_by: str | None


@dataclass
class OverviewRow:
    unit_key: str
    fiscal_year: int
    status: str  # best document status of the unit-year, or 'missing'
    document_ids: list[str]
    errors: int
    roundings: int
    coverage: str | None  # 'expected', 'expected_missing', 'unregistered'; None: not known
    conclusion: str  # Chinese
    reviews: int = 0
    kind: str = FINAL_ACCOUNTS  # the documents' kind: a unit-year has a budget and final accounts


@dataclass
class CheckSummary:
    check_name: str
    check_title: str
    errors: int
    roundings: int
    documents: int
    reviews: int = 0


# How a line of the budget-against-final view stands: both sides printed, or which one is
# missing and why (the document not loaded, or loaded without the row).
BUDGET_LINE_STATES = {
    "both": "预算与决算均列",
    "no_budget_document": "未载入预算",
    "no_final_document": "未载入决算",
    "not_in_budget": "预算未列该科目",
    "not_in_final": "决算未列该科目",
}


@dataclass
class BudgetLine:
    """One row of marts.fct_budget_vs_final: a unit-year's leaf subject × fund × expenditure
    type, its budget and its final figure (万元)."""

    unit_key: str
    fiscal_year: int
    subject_code: str | None
    subject_name: str | None  # marts.dim_function_subject
    class_code: str | None  # the subject's 类
    class_name: str | None
    fund_type: str | None
    expenditure_type: str | None
    budget: Decimal | None
    final: Decimal | None
    execution_rate: Decimal | None  # final ÷ budget, as the mart computes it
    state: str  # a key of BUDGET_LINE_STATES
    budget_document_id: str | None = None
    final_document_id: str | None = None

    @property
    def gap(self) -> Decimal | None:
        """Final − budget: positive where more was spent than budgeted."""
        if self.budget is None or self.final is None:
            return None
        return self.final - self.budget


@dataclass
class ThreePublicLine:
    """One row of marts.three_public_budget_vs_final: a 三公 item's budget as the budget
    document prints it, as the final accounts restate it (T07 预算数), and its final."""

    unit_key: str
    fiscal_year: int
    cost_item: str
    budget: Decimal | None  # the budget document's B07
    final_budget: Decimal | None  # the final accounts' T07 预算数
    final: Decimal | None  # T07 决算数
    state: str  # a key of BUDGET_LINE_STATES

    @property
    def execution_rate(self) -> Decimal | None:
        if self.budget is None or self.final is None or self.budget == 0:
            return None
        return self.final / self.budget

    @property
    def gap(self) -> Decimal | None:
        """Final − budget (the budget document's)."""
        if self.budget is None or self.final is None:
            return None
        return self.final - self.budget

    @property
    def restatement_gap(self) -> Decimal | None:
        """The final accounts' 预算数 − the budget document's: 0 when restated correctly."""
        if self.budget is None or self.final_budget is None:
            return None
        return self.final_budget - self.budget


@dataclass
class BudgetSummary:
    """A unit-year's budget against its final accounts, over its leaf rows."""

    unit_key: str
    fiscal_year: int
    budget_loaded: bool
    final_loaded: bool
    budget_total: Decimal | None  # the sum of the budget's rows (None: not loaded)
    final_total: Decimal | None
    matched: int  # rows printed in both documents
    only_budget: int
    only_final: int

    @property
    def execution_rate(self) -> Decimal | None:
        if not self.budget_total or self.final_total is None:
            return None
        return self.final_total / self.budget_total

    @property
    def gap(self) -> Decimal | None:
        if self.budget_total is None or self.final_total is None:
            return None
        return self.final_total - self.budget_total


@dataclass
class BudgetComparison:
    """The budget-against-final view. `note` says, in Chinese, why there is nothing (or
    only one side) to compare; the lines are then empty."""

    # The BUDGET_TOP_LINES lines with the largest absolute gaps, largest first (every line:
    # iter_budget_lines); line_count / three_public_count: how many there are in all.
    lines: list[BudgetLine] = field(default_factory=list)
    three_public: list[ThreePublicLine] = field(default_factory=list)
    summary: list[BudgetSummary] = field(default_factory=list)
    note: str | None = None
    line_count: int = 0
    three_public_count: int = 0


@dataclass
class ReportData:
    warehouse: Path
    generated_at: datetime
    units: dict[str, Unit]
    documents: list[Document]
    overview: list[OverviewRow]
    check_summary: list[CheckSummary]
    # Where the expected unit-years come from: 'registry' (the operator's unit registry),
    # 'warehouse' (no registry: the units already known, so gaps between years), or None.
    coverage_basis: str | None
    run_ids: list[str] = field(default_factory=list)  # the latest run first
    last_checked_at: datetime | None = None
    checks_ran: bool = False
    warnings: list[str] = field(default_factory=list)
    # Findings a reviewer dismissed (quality.dismissals), not among `findings`.
    dismissed: list[Finding] = field(default_factory=list)
    budget: BudgetComparison = field(default_factory=BudgetComparison)

    @property
    def coverage_configured(self) -> bool:
        return self.coverage_basis is not None

    @cached_property
    def documents_by_id(self) -> dict[str, Document]:
        return {doc.document_id: doc for doc in self.documents}

    def status_counts(self) -> Counter:
        return Counter(doc.status for doc in self.documents)

    def current_documents(self) -> list[Document]:
        """Documents that are not superseded (their findings are what the bureau acts on)."""
        return [doc for doc in self.documents if doc.status != "superseded"]

    def finding_count(self) -> int:
        """Findings of every document (superseded ones included), dismissed ones apart."""
        return sum(d.errors + d.roundings + d.infos + d.reviews for d in self.documents)


def _catalogue_title(check_name: str) -> str:
    check = CHECKS.get(check_name)
    return check.title if check is not None else check_name


def table_title(table_id: str | None) -> str | None:
    spec = TABLES_BY_ID.get(table_id or "")
    return spec.canonical_title if spec else None


def plain_value(value: object) -> Value:
    """A JSON- and Excel-friendly scalar: amounts as numbers, anything else as text."""
    if value is None or isinstance(value, bool):
        return None if value is None else str(value)
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, int | float):
        return value
    text = str(value).strip()
    if not text:
        return None
    try:
        number = Decimal(text.replace(",", ""))
    except ArithmeticError:
        return text
    if not number.is_finite():
        return text
    return int(number) if number == number.to_integral_value() else float(number)


def _text(value: object) -> str | None:
    return None if value is None or str(value).strip() == "" else str(value)


def _local(moment: object) -> datetime | None:
    """A warehouse timestamp (naive means UTC) in Beijing time, naive."""
    if not isinstance(moment, datetime):
        return None
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return aware.astimezone(BEIJING).replace(tzinfo=None)


class _Warehouse:
    def __init__(self, con: duckdb.DuckDBPyConnection):
        self.con = con
        rows = con.execute(
            "select schema_name, table_name, column_name, data_type from duckdb_columns() "
            "where database_name = current_database()"
        ).fetchall()
        self.columns: dict[str, dict[str, str]] = defaultdict(dict)
        for schema, table, column, data_type in rows:
            self.columns[f"{schema}.{table}"][column] = data_type

    def has(self, table: str) -> bool:
        return table in self.columns

    def select(self, table: str, wanted: list[str]) -> list[dict]:
        """Rows of `table` as dicts over `wanted`; a column the table lacks reads as None."""
        present = self.columns[table]
        exprs = [f'"{c}"' if c in present else f'null as "{c}"' for c in wanted]
        cursor = self.con.execute(f"select {', '.join(exprs)} from {table}")
        return [dict(zip(wanted, row, strict=True)) for row in cursor.fetchall()]


def open_warehouse(warehouse_path: Path):
    """A read-only connection wrapped for the report's reads (a context manager)."""
    return _WarehouseConnection(Path(warehouse_path))


class _WarehouseConnection:
    def __init__(self, path: Path):
        self.path = path

    def __enter__(self) -> _Warehouse:
        self._cm = connect(self.path, read_only=True)
        con = self._cm.__enter__()
        con.execute("set enable_progress_bar = false")  # the report's reads print nothing
        return _Warehouse(con)

    def __exit__(self, *exc):
        return self._cm.__exit__(*exc)


def read_report_data(warehouse_path: Path, wh: _Warehouse | None = None) -> ReportData:
    """What the overview shows, from `wh` or one read-only connection closed on return.
    The findings are not read here: per document with read_document_findings, or all of
    them streamed with iter_findings (memory bounded by a batch of documents)."""
    warehouse_path = Path(warehouse_path)
    if wh is not None:
        return _read(wh, warehouse_path)
    if not warehouse_path.is_file():
        raise FileNotFoundError(f"数据仓库不存在：{warehouse_path}")
    with connect(warehouse_path, read_only=True) as con:
        return _read(_Warehouse(con), warehouse_path)


def _read(wh: _Warehouse, warehouse_path: Path) -> ReportData:
    warnings: list[str] = []
    units = _read_units(wh, warnings)
    documents = _read_documents(wh, units, warnings)
    docs_by_id = {doc.document_id: doc for doc in documents}
    run_ids, last_checked, checks_ran = _read_document_counts(wh, docs_by_id, units, warnings)
    documents = list(docs_by_id.values())  # with documents only the results know
    dismissed = _read_dismissed(wh, docs_by_id, units)
    coverage, coverage_basis = _read_coverage(wh, units, warnings)
    documents.sort(key=lambda d: _doc_sort_key(d, units))
    return ReportData(
        warehouse=warehouse_path,
        generated_at=datetime.now(BEIJING).replace(tzinfo=None, microsecond=0),
        units=units,
        documents=documents,
        overview=_overview(documents, coverage, coverage_basis, units),
        check_summary=_read_check_summary(wh),
        coverage_basis=coverage_basis,
        run_ids=run_ids,
        last_checked_at=last_checked,
        checks_ran=checks_ran,
        warnings=warnings,
        dismissed=dismissed,
        budget=_read_budget_comparison(wh, documents, units),
    )


def _doc_sort_key(doc: Document, units: dict[str, Unit]) -> tuple:
    unit = units.get(doc.unit_key or "")
    return (
        unit is None,
        unit.name if unit else "",
        doc.fiscal_year or 0,
        _STATUS_RANK.get(doc.status, 9),
        doc.file_name,
    )


def _read_units(wh: _Warehouse, warnings: list[str]) -> dict[str, Unit]:
    if not wh.has("marts.dim_unit"):
        warnings.append("数据仓库中没有 marts.dim_unit 表：单位名称无法显示。")
        return {}
    rows = wh.select("marts.dim_unit", ["unit_id", "unit_name", "region", "unit_level"])
    return {
        str(r["unit_id"]): Unit(
            key=str(r["unit_id"]),
            name=str(r["unit_name"] or r["unit_id"]),
            region=r["region"],
            level=r["unit_level"],
        )
        for r in rows
        if r["unit_id"] is not None
    }


def _read_documents(wh: _Warehouse, units: dict[str, Unit], warnings: list[str]) -> list[Document]:
    if not wh.has("marts.dim_document"):
        warnings.append("数据仓库中没有 marts.dim_document 表：尚无入库文件。")
        return []
    wanted = [
        "document_id",
        "file_name",
        "unit_id",
        "fiscal_year",
        "page_count",
        "status",
        "status_reason",
        "ingested_at",
        "document_kind",
    ]
    source_paths = {}
    if wh.has("raw.documents"):
        source_paths = dict(
            wh.con.execute("select document_id, source_path from raw.documents").fetchall()
        )
    documents = []
    for r in wh.select("marts.dim_document", wanted):
        unit_key = str(r["unit_id"]) if r["unit_id"] is not None else None
        if unit_key is not None and unit_key not in units:
            units[unit_key] = Unit(key=unit_key, name=unit_key)
        documents.append(
            Document(
                document_id=str(r["document_id"]),
                file_name=str(r["file_name"] or r["document_id"]),
                unit_key=unit_key,
                fiscal_year=r["fiscal_year"],
                status=str(r["status"] or "unknown"),
                status_reason=r["status_reason"],
                page_count=r["page_count"],
                ingested_at=_local(r["ingested_at"]),
                source_path=source_paths.get(r["document_id"]),
                kind=str(r["document_kind"] or FINAL_ACCOUNTS),
            )
        )
    return documents


_FINDING_COLUMNS = [
    "run_id",
    "checked_at",
    "check_name",
    "check_title",
    "severity",
    "passed",
    "document_id",
    "unit_id",
    "fiscal_year",
    "source_table",
    "source_page",
    "location",
    "observed",
    "expected",
    "difference",
    "tolerance",
    "message",
    "measure",
    "compared_table",
    "finding_id",
    "box_x0",
    "box_y0",
    "box_x1",
    "box_y1",
]


def _box(row: dict) -> tuple[float, float, float, float] | None:
    values = [row[name] for name in ("box_x0", "box_y0", "box_x1", "box_y1")]
    if any(v is None for v in values):
        return None
    x0, y0, x1, y1 = (float(v) for v in values)
    return (x0, y0, x1, y1)


def _has_dismissals(wh: _Warehouse) -> bool:
    return wh.has(state.DISMISSALS)


def _outcomes_sql(wh: _Warehouse, where: str = "") -> str:
    """The latest results with the columns the report reads (None for one a warehouse
    lacks), `is_finding` (a failed check, or a rounding difference on a passing one),
    `sev` (an unknown severity reads as an error) and the reviewer's dismissal."""
    present = wh.columns[state.LATEST_RESULTS]
    columns = ", ".join(f'r."{c}"' if c in present else f'null as "{c}"' for c in _FINDING_COLUMNS)
    dismissals = (
        f"left join {state.DISMISSALS} as x on x.finding_id = r.finding_id "
        "and r.passed is distinct from true"
        if _has_dismissals(wh) and "finding_id" in present
        else "left join (select null::varchar as finding_id, null::varchar as reason, "
        "null::timestamp as dismissed_at, null::varchar as dismissed_by) as x on false"
    )
    difference = (
        "try_cast(replace(cast(r.difference as varchar), ',', '') as double)"
        if "difference" in present
        else "null::double"
    )
    return f"""
        select {columns},
            (r.passed is distinct from true)
                or (r.severity = 'rounding' and coalesce({difference}, 0) <> 0) as is_finding,
            case when r.severity in ('error', 'review', 'rounding', 'info') then r.severity
                 else 'error' end as sev,
            x.finding_id is not null as dismissed,
            x.reason as dismissal_reason, x.dismissed_at, x.dismissed_by
        from {state.LATEST_RESULTS} as r {dismissals}
        {where}
    """


def _read_document_counts(
    wh: _Warehouse, docs: dict[str, Document], units: dict[str, Unit], warnings: list[str]
) -> tuple[list[str], datetime | None, bool]:
    """Each document's checks and findings counted in the warehouse (one row a document,
    never the findings themselves); a document only the results know is added to `docs`."""
    if not wh.has(state.LATEST_RESULTS):
        warnings.append(f"数据仓库中没有 {state.LATEST_RESULTS}：尚未运行数据质量检查。")
        return [], None, False
    rows = wh.con.execute(
        f"""
        with o as ({_outcomes_sql(wh)})
        select document_id, any_value(unit_id), any_value(fiscal_year), count(*),
            count(*) filter (where passed),
            count(*) filter (where is_finding and not dismissed and sev = 'error'),
            count(*) filter (where is_finding and not dismissed and sev = 'rounding'),
            count(*) filter (where is_finding and not dismissed and sev = 'info'),
            count(*) filter (where is_finding and not dismissed and sev = 'review'),
            count(*) filter (where is_finding and dismissed),
            max(checked_at), arg_max(run_id, checked_at),
            array_to_string(list_distinct(flatten(list([check_name, source_table,
                compared_table, location, measure, finding_id]) filter (where is_finding))), ' ')
        from o where document_id is not null group by document_id
        """
    ).fetchall()
    for doc_id, unit_id, year, total, passed, e, r, i, v, x, checked, run, words in rows:
        doc = docs.get(str(doc_id))
        if doc is None:  # results about a document the marts do not know: listed anyway
            unit_key = str(unit_id) if unit_id is not None else None
            if unit_key is not None and unit_key not in units:
                units[unit_key] = Unit(key=unit_key, name=unit_key)
            doc = docs[str(doc_id)] = Document(
                document_id=str(doc_id),
                file_name="（文件未登记）",
                unit_key=unit_key,
                fiscal_year=year,
                status="unknown",
                status_reason=None,
                page_count=None,
                ingested_at=None,
            )
        doc.checks_total, doc.checks_passed = int(total), int(passed)
        doc.errors, doc.roundings, doc.infos, doc.reviews = int(e), int(r), int(i), int(v)
        doc.dismissed = int(x)
        doc.checked_at, doc.run_id = _local(checked), run
        doc.keywords = words or ""
    latest = state.quality_run(wh.con)
    latest_run = latest.run_id if latest is not None else None
    last_checked = _local(latest.checked_at) if latest is not None else None
    run_ids = {
        str(run)
        for (run,) in wh.con.execute(
            f"select distinct run_id from {state.LATEST_RESULTS} where run_id is not null"
        ).fetchall()
    }
    run_ids.discard(latest_run or "")
    ordered_runs = ([latest_run] if latest_run is not None else []) + sorted(run_ids)
    any_rows = wh.con.execute(f"select 1 from {state.LATEST_RESULTS} limit 1").fetchone()
    return ordered_runs, last_checked, any_rows is not None


_SEVERITY_RANK = {"error": 0, "review": 1, "rounding": 2, "info": 3}


def _finding_order(f: Finding) -> tuple:
    return (_SEVERITY_RANK[f.severity], f.source_table or "", f.source_page or 0, f.location or "")


def _finding(row: dict, docs: dict[str, Document], units: dict[str, Unit]) -> Finding:
    doc = docs.get(str(row["document_id"])) if row["document_id"] is not None else None
    unit_key = str(row["unit_id"]) if row["unit_id"] is not None else None
    if doc is not None and doc.unit_key:
        unit_key = doc.unit_key
    if unit_key is not None and unit_key not in units:
        units[unit_key] = Unit(key=unit_key, name=unit_key)
    check_name = str(row["check_name"] or "")
    table = str(row["source_table"]) if row["source_table"] is not None else None
    page = row["source_page"]
    dismissal = (
        Dismissal(str(row["dismissal_reason"]), _local(row["dismissed_at"]), row["dismissed_by"])
        if row["dismissed"]
        else None
    )
    return Finding(
        document_id=str(row["document_id"]) if row["document_id"] is not None else None,
        check_name=check_name,
        check_title=str(row["check_title"] or _catalogue_title(check_name)),
        severity=str(row["sev"]),
        source_table=table,
        table_title=table_title(table),
        source_page=int(page) if isinstance(page, int | Decimal) else None,
        location=str(row["location"]) if row["location"] is not None else None,
        expected=plain_value(row["expected"]),
        observed=plain_value(row["observed"]),
        difference=plain_value(row["difference"]),
        tolerance=plain_value(row["tolerance"]),
        message=row["message"],
        unit_key=unit_key,
        fiscal_year=row["fiscal_year"] if doc is None else doc.fiscal_year,
        measure=_text(row["measure"]),
        compared_table=_text(row["compared_table"]),
        finding_id=_text(row["finding_id"]),
        box=_box(row),
        dismissal=dismissal,
    )


_OUTCOME_NAMES = [*_FINDING_COLUMNS, "is_finding", "sev", "dismissed", "dismissal_reason",
                  "dismissed_at", "dismissed_by"]  # fmt: skip


def _findings_of(wh: _Warehouse, where: str, params: list) -> list[dict]:
    cursor = wh.con.execute(
        f"select * from ({_outcomes_sql(wh)}) where is_finding and ({where})", params
    )
    return [dict(zip(_OUTCOME_NAMES, row, strict=True)) for row in cursor.fetchall()]


def read_document_findings(
    wh: _Warehouse, data: ReportData, document_ids: list[str]
) -> dict[str, list[Finding]]:
    """The findings (dismissed ones included, marked) of these documents, each list in the
    report's order: severity, table, page, location."""
    found: dict[str, list[Finding]] = {doc_id: [] for doc_id in document_ids}
    if not document_ids or not wh.has(state.LATEST_RESULTS):
        return found
    docs = data.documents_by_id
    rows = _findings_of(wh, "document_id in (select unnest(?::varchar[]))", [document_ids])
    for row in rows:
        finding = _finding(row, docs, data.units)
        found[finding.document_id or ""].append(finding)
    for items in found.values():
        items.sort(key=_finding_order)
    return found


# Documents read per query when every finding is streamed (exports, pages): the memory
# the report needs is a batch's findings, whatever the size of the warehouse.
DOCUMENT_BATCH = 500


def iter_findings(
    wh: _Warehouse, data: ReportData, severities: tuple[str, ...] | None = None
) -> Iterator[Finding]:
    """Every finding of the latest results that no reviewer dismissed (those are
    data.dismissed), in the documents' order (unit, year), each document's in the report's
    order, read DOCUMENT_BATCH documents at a time; findings on no document last.
    `severities`: only these."""
    if not wh.has(state.LATEST_RESULTS):
        return
    order = [doc.document_id for doc in data.documents if doc.checks_total]
    if severities is not None:
        # Only the documents with such findings are read (their counts say which).
        counts = {"error": "errors", "review": "reviews", "rounding": "roundings", "info": "infos"}
        wanted = [counts[severity] for severity in severities]
        docs = data.documents_by_id
        order = [i for i in order if any(getattr(docs[i], name) for name in wanted)]
    for start in range(0, len(order), DOCUMENT_BATCH):
        batch = read_document_findings(wh, data, order[start : start + DOCUMENT_BATCH])
        for doc_id in order[start : start + DOCUMENT_BATCH]:
            for finding in batch[doc_id]:
                if finding.dismissal is None and (
                    severities is None or finding.severity in severities
                ):
                    yield finding
    for finding in loose_findings(wh, data):
        if severities is None or finding.severity in severities:
            yield finding


def loose_findings(wh: _Warehouse, data: ReportData) -> list[Finding]:
    """The findings on no document that no reviewer dismissed (few: checks across the
    warehouse), in the report's order."""
    if not wh.has(state.LATEST_RESULTS):
        return []
    loose = _findings_of(wh, "document_id is null and not dismissed", [])
    return sorted((_finding(r, {}, data.units) for r in loose), key=_finding_order)


def _read_dismissed(
    wh: _Warehouse, docs: dict[str, Document], units: dict[str, Unit]
) -> list[Finding]:
    """The findings a reviewer dismissed (few: one a reviewer's decision each)."""
    if not wh.has(state.LATEST_RESULTS) or not _has_dismissals(wh):
        return []
    dismissed = [_finding(row, docs, units) for row in _findings_of(wh, "dismissed", [])]
    position = {doc_id: i for i, doc_id in enumerate(docs)}
    dismissed.sort(
        key=lambda f: (position.get(f.document_id or "", len(position)), *_finding_order(f))
    )
    return dismissed


def _read_check_summary(wh: _Warehouse) -> list[CheckSummary]:
    """Findings per check over the current (not superseded) documents, counted in SQL."""
    if not wh.has(state.LATEST_RESULTS):
        return []
    superseded = (
        "and document_id not in (select document_id from marts.dim_document "
        "where status = 'superseded')"
        if wh.has("marts.dim_document")
        else ""
    )
    rows = wh.con.execute(
        f"""
        select check_name, any_value(check_title),
            count(*) filter (where sev = 'error'), count(*) filter (where sev = 'rounding'),
            count(distinct document_id), count(*) filter (where sev = 'review')
        from ({_outcomes_sql(wh)})
        where is_finding and not dismissed {superseded}
        group by check_name
        """
    ).fetchall()
    summary = [
        CheckSummary(
            check_name=str(name or ""),
            check_title=str(title or _catalogue_title(str(name or ""))),
            errors=int(e),
            roundings=int(r),
            documents=int(n),
            reviews=int(v),
        )
        for name, title, e, r, n, v in rows
    ]
    summary.sort(key=lambda s: (-s.errors, -s.reviews, -s.roundings, s.check_name))
    return summary


def document_fingerprints(wh: _Warehouse) -> dict[str, str]:
    """document_id → a digest of its latest results and dismissals, computed in the
    warehouse (order-independent sum of row hashes): a changed result, a new run or a
    dismissal changes it."""
    if not wh.has(state.LATEST_RESULTS):
        return {}
    rows = wh.con.execute(
        f"""
        select document_id, count(*), sum(hash(o::varchar))::varchar,
            bit_xor(hash(o::varchar))::varchar
        from ({_outcomes_sql(wh)}) as o where document_id is not null group by document_id
        """
    ).fetchall()
    return {str(doc_id): f"{n}:{total}:{xor}" for doc_id, n, total, xor in rows}


@dataclass
class _Coverage:
    unit_key: str
    fiscal_year: int
    has_document: bool  # a loaded document of the kind exists for the unit-year
    registered: bool | None  # in_registry: False for a unit that sent a document unregistered
    kind: str = FINAL_ACCOUNTS


# The columns of the dbt model quality.document_coverage the report reads.
_COVERAGE_COLUMNS = [
    "unit_id",
    "unit_name",
    "region",
    "unit_level",
    "fiscal_year",
    "has_loaded_document",
    "in_registry",
    "document_kind",  # absent before budgets: every row is about final accounts
]


def _read_coverage(
    wh: _Warehouse, units: dict[str, Unit], warnings: list[str]
) -> tuple[list[_Coverage], str | None]:
    """The expected unit-years of quality.document_coverage (one row per unit, year and
    document kind), and whether they come from the unit registry or the warehouse."""
    table = "quality.document_coverage"
    if not wh.has(table):
        return [], None
    rows = wh.select(table, _COVERAGE_COLUMNS)
    if not rows:
        warnings.append("quality.document_coverage 中没有可用的单位与年度。")
        return [], None
    coverage = []
    for r in rows:
        key = str(r["unit_id"])
        if key not in units:  # a registered unit that never sent a document
            units[key] = Unit(key, str(r["unit_name"]), r["region"], r["unit_level"])
        loaded = r["has_loaded_document"] is True
        kind = str(r["document_kind"] or FINAL_ACCOUNTS)
        coverage.append(_Coverage(key, int(r["fiscal_year"]), loaded, r["in_registry"], kind))
    registry = any(r["in_registry"] is not None for r in rows)
    return coverage, "registry" if registry else "warehouse"


def _conclusion(status: str, checks: int, errors: int, roundings: int, reviews: int = 0) -> str:
    if status == "missing":
        return "未报送"
    if status != "loaded" or checks == 0:
        return "未检查"
    if errors:
        return "有错误"
    if reviews:
        return "需人工核对"
    if roundings:
        return "仅尾数误差"
    return "通过"


def _overview(
    documents: list[Document],
    coverage: list[_Coverage],
    coverage_basis: str | None,
    units: dict[str, Unit],
) -> list[OverviewRow]:
    # One row per unit × year × kind: a unit-year's budget and final accounts are two
    # documents, each sent (or not) and checked on its own.
    groups: dict[tuple[str, int, str], list[Document]] = defaultdict(list)
    for doc in documents:
        if doc.unit_key is not None and doc.fiscal_year is not None:
            groups[(doc.unit_key, int(doc.fiscal_year), doc.kind)].append(doc)
    # Registry unit-years, with the coverage table's own word on a loaded document (it may
    # match a registry name to a document that the marts file under another spelling).
    expected: dict[tuple[str, int, str], bool] = {}
    listed: set[tuple[str, int, str]] = set()
    for c in coverage:
        key = (c.unit_key, c.fiscal_year, c.kind)
        listed.add(key)
        if c.registered is not False:
            expected[key] = expected.get(key, False) or c.has_document
    keys = set(groups) | listed
    rows = []
    for key in keys:
        docs = sorted(groups.get(key, []), key=lambda d: _STATUS_RANK.get(d.status, 9))
        status = docs[0].status if docs else ("loaded" if expected.get(key) else "missing")
        current = [d for d in docs if d.status == "loaded"]
        errors = sum(d.errors for d in current)
        roundings = sum(d.roundings for d in current)
        reviews = sum(d.reviews for d in current)
        checks = sum(d.checks_total for d in current)
        if coverage_basis is None:
            cover = None
        elif key in expected:
            cover = "expected" if current or expected[key] else "expected_missing"
        else:
            cover = "unregistered" if coverage_basis == "registry" else None
        rows.append(
            OverviewRow(
                unit_key=key[0],
                fiscal_year=key[1],
                status=status,
                document_ids=[d.document_id for d in docs],
                errors=errors,
                roundings=roundings,
                coverage=cover,
                conclusion=_conclusion(status, checks, errors, roundings, reviews),
                reviews=reviews,
                kind=key[2],
            )
        )
    # Within a unit-year, the budget first: it is published before the final accounts.
    rows.sort(key=lambda r: (units[r.unit_key].name, r.fiscal_year, r.kind != BUDGET))
    return rows


BUDGET_VS_FINAL = "marts.fct_budget_vs_final"
THREE_PUBLIC_VS_FINAL = "marts.three_public_budget_vs_final"
_BUDGET_COLUMNS = [
    "unit_id",
    "fiscal_year",
    "subject_code",
    "fund_type",
    "expenditure_type",
    "budget_amount",
    "final_amount",
    "execution_rate",
    "budget_document_id",
    "final_document_id",
]
_THREE_PUBLIC_COLUMNS = [
    "unit_id",
    "fiscal_year",
    "cost_item",
    "budget_amount",
    "final_budget_amount",
    "final_amount",
]


def _decimal(value: object) -> Decimal | None:
    if value is None:
        return None
    return value if isinstance(value, Decimal) else Decimal(str(value))


def _line_state(budget: Decimal | None, final: Decimal | None, loaded: set[str]) -> str:
    """`loaded`: the kinds of the unit-year with a loaded document."""
    if budget is not None and final is not None:
        return "both"
    if budget is None:
        return "not_in_budget" if BUDGET in loaded else "no_budget_document"
    return "not_in_final" if FINAL_ACCOUNTS in loaded else "no_final_document"


# The budget lines read into the report: the largest gaps (the workbook's 预算执行 and
# 三公预算执行 sheets, the overview's first ones), chosen in the warehouse; the counts and the
# per unit-year summary are the warehouse's aggregates, and every line goes to the budget
# CSVs BUDGET_CSV_BATCH lines a query (iter_budget_lines, iter_three_public_lines): a
# province's lines are never all in Python at once.
BUDGET_TOP_LINES = 5_000
BUDGET_CSV_BATCH = 10_000


def _column(wh: _Warehouse, table: str, alias: str, name: str) -> str:
    """`alias."name" as "name"`, or a null where the table lacks the column (older marts)."""
    return f'{alias}."{name}" as "{name}"' if name in wh.columns[table] else f'null as "{name}"'


def _gap_order_sql(alias: str) -> str:
    """Largest absolute gap (final − budget) first; a line missing one side after every
    compared line, the larger amount it has first."""
    gap = f"({alias}.final_amount - {alias}.budget_amount)"
    return (
        f"{gap} is null, abs(coalesce({gap}, {alias}.budget_amount, {alias}.final_amount, 0)) desc"
    )


def _unit_join(wh: _Warehouse, alias: str) -> tuple[str, str]:
    """(join, order expression): the unit's name as the report shows it (its id when
    marts.dim_unit does not name it), to order lines of equal gap as the report does."""
    if not wh.has("marts.dim_unit"):
        return "", f"{alias}.unit_id::varchar"
    join = (
        "left join (select unit_id::varchar as uid, any_value(unit_name) as unit_name "
        f"from marts.dim_unit group by 1) as u on u.uid = {alias}.unit_id::varchar"
    )
    return join, f"coalesce(nullif(u.unit_name::varchar, ''), {alias}.unit_id::varchar)"


def _budget_lines_sql(wh: _Warehouse) -> str:
    """marts.fct_budget_vs_final's lines (_BUDGET_COLUMNS, then the subject's name, class
    code and class name), in the report's order: gap, unit name, year, subject."""
    columns = ", ".join(_column(wh, BUDGET_VS_FINAL, "b", c) for c in _BUDGET_COLUMNS)
    subjects = "left join (select null::varchar as code) as s on false"
    names = "null, null, null"
    if wh.has("marts.dim_function_subject"):
        subjects = (
            "left join (select subject_code::varchar as code, last(subject_name) as sn, "
            "last(class_code) as cc, last(class_name) as cn "
            "from marts.dim_function_subject group by 1) as s "
            "on s.code = b.subject_code::varchar"
        )
        names = "s.sn, s.cc, s.cn"
    unit_join, unit_order = _unit_join(wh, "b")
    return (
        f"select {columns}, {names} from {BUDGET_VS_FINAL} as b {subjects} {unit_join} "
        "where b.unit_id is not null and b.fiscal_year is not null "
        f"order by {_gap_order_sql('b')}, {unit_order}, b.fiscal_year, "
        "coalesce(b.subject_code::varchar, ''), b.fund_type, b.expenditure_type"
    )


def _three_public_sql(wh: _Warehouse) -> str:
    columns = ", ".join(_column(wh, THREE_PUBLIC_VS_FINAL, "t", c) for c in _THREE_PUBLIC_COLUMNS)
    unit_join, unit_order = _unit_join(wh, "t")
    return (
        f"select {columns} from {THREE_PUBLIC_VS_FINAL} as t {unit_join} "
        "where t.unit_id is not null and t.fiscal_year is not null "
        f"order by {_gap_order_sql('t')}, {unit_order}, t.fiscal_year, t.cost_item"
    )


def _loaded_kinds(documents: list[Document]) -> dict[tuple[str, int], set[str]]:
    """The kinds of each unit-year with a loaded document."""
    loaded: dict[tuple[str, int], set[str]] = defaultdict(set)
    for doc in documents:
        if doc.status == "loaded" and doc.unit_key is not None and doc.fiscal_year is not None:
            loaded[(doc.unit_key, int(doc.fiscal_year))].add(doc.kind)
    return loaded


def _budget_line(
    row: tuple, units: dict[str, Unit], loaded: dict[tuple[str, int], set[str]]
) -> BudgetLine:
    """A row of _budget_lines_sql as a BudgetLine (a unit the warehouse does not name is
    added to `units` under its id)."""
    r = dict(zip([*_BUDGET_COLUMNS, "subject_name", "class_code", "class_name"], row, strict=True))
    key, year = _unit_key(r["unit_id"], units), int(r["fiscal_year"])
    budget, final = _decimal(r["budget_amount"]), _decimal(r["final_amount"])
    return BudgetLine(
        unit_key=key,
        fiscal_year=year,
        subject_code=_text(r["subject_code"]),
        subject_name=r["subject_name"],
        class_code=r["class_code"],
        class_name=r["class_name"],
        fund_type=_text(r["fund_type"]),
        expenditure_type=_text(r["expenditure_type"]),
        budget=budget,
        final=final,
        execution_rate=_decimal(r["execution_rate"]),
        state=_line_state(budget, final, loaded[(key, year)]),
        budget_document_id=_text(r["budget_document_id"]),
        final_document_id=_text(r["final_document_id"]),
    )


def _unit_key(value: object, units: dict[str, Unit]) -> str:
    key = str(value)
    if key not in units:
        units[key] = Unit(key=key, name=key)
    return key


def _three_public_line(
    row: tuple, units: dict[str, Unit], loaded: dict[tuple[str, int], set[str]]
) -> ThreePublicLine:
    r = dict(zip(_THREE_PUBLIC_COLUMNS, row, strict=True))
    key, year = _unit_key(r["unit_id"], units), int(r["fiscal_year"])
    budget, final = _decimal(r["budget_amount"]), _decimal(r["final_amount"])
    return ThreePublicLine(
        unit_key=key,
        fiscal_year=year,
        cost_item=str(r["cost_item"] or ""),
        budget=budget,
        final_budget=_decimal(r["final_budget_amount"]),
        final=final,
        state=_line_state(budget, final, loaded[(key, year)]),
    )


def _batches(wh: _Warehouse, sql: str, count: int) -> Iterator[tuple]:
    """The rows of an ordered query, BUDGET_CSV_BATCH a query: DuckDB's Python results
    are materialised whole, a province's budget lines would all be in memory at once."""
    for start in range(0, count, BUDGET_CSV_BATCH):
        yield from wh.con.execute(sql + " limit ? offset ?", [BUDGET_CSV_BATCH, start]).fetchall()


def iter_budget_lines(wh: _Warehouse, data: ReportData) -> Iterator[BudgetLine]:
    """Every line of marts.fct_budget_vs_final, in the report's order (largest gap first)."""
    if not data.budget.line_count:
        return
    loaded = _loaded_kinds(data.documents)
    for row in _batches(wh, _budget_lines_sql(wh), data.budget.line_count):
        yield _budget_line(row, data.units, loaded)


def iter_three_public_lines(wh: _Warehouse, data: ReportData) -> Iterator[ThreePublicLine]:
    """Every line of marts.three_public_budget_vs_final, largest gap first."""
    if not data.budget.three_public_count:
        return
    loaded = _loaded_kinds(data.documents)
    for row in _batches(wh, _three_public_sql(wh), data.budget.three_public_count):
        yield _three_public_line(row, data.units, loaded)


def _read_budget_comparison(
    wh: _Warehouse, documents: list[Document], units: dict[str, Unit]
) -> BudgetComparison:
    if not wh.has(BUDGET_VS_FINAL):
        return BudgetComparison(
            note="数据仓库中还没有预算与决算对比（marts.fct_budget_vs_final）："
            "该仓库建于支持预算之前，或上次建模（dbt）未完成；重新运行 juesuan ingest 后即可生成。"
        )
    loaded = _loaded_kinds(documents)
    kinds = set().union(*loaded.values()) if loaded else set()
    if BUDGET not in kinds:
        return BudgetComparison(
            note="尚未载入任何预算文件，无法对比预算与决算；各单位的预算（每年 2–3 月公开）"
            "入库后，此处按单位和科目列出预算数、决算数与执行率。"
        )
    if FINAL_ACCOUNTS not in kinds:
        return BudgetComparison(
            note="尚未载入任何决算文件，无法对比预算与决算；同一单位同一年度的决算"
            "（次年 8–9 月公开）入库后，此处列出执行率。"
        )
    sql = _budget_lines_sql(wh) + " limit ?"
    lines = [
        _budget_line(row, units, loaded)
        for row in wh.con.execute(sql, [BUDGET_TOP_LINES]).fetchall()
    ]
    line_count = _count(wh, BUDGET_VS_FINAL)
    three_public: list[ThreePublicLine] = []
    three_public_count = 0
    if wh.has(THREE_PUBLIC_VS_FINAL):
        three_public_count = _count(wh, THREE_PUBLIC_VS_FINAL)
        rows = wh.con.execute(_three_public_sql(wh) + " limit ?", [BUDGET_TOP_LINES]).fetchall()
        three_public = [_three_public_line(row, units, loaded) for row in rows]
    summary = _budget_summary(wh, loaded, units)
    note = None
    if not line_count:
        note = f"{BUDGET_VS_FINAL} 中没有数据行：已载入的预算与决算文件中没有读到功能分类支出科目。"
    elif not any(s.budget_loaded and s.final_loaded for s in summary):
        note = (
            "没有哪个单位同一年度的预算和决算都已载入：下表各行只有一方的数字，"
            "另一方载入后即可看到执行率。"
        )
    return BudgetComparison(
        lines=lines,
        three_public=three_public,
        summary=summary,
        note=note,
        line_count=line_count,
        three_public_count=three_public_count,
    )


def _count(wh: _Warehouse, table: str) -> int:
    """The lines of a budget-against-final mart the report shows (unit and year known)."""
    row = wh.con.execute(
        f"select count(*) from {table} where unit_id is not null and fiscal_year is not null"
    ).fetchone()
    return int(row[0]) if row else 0


def _budget_summary(
    wh: _Warehouse, loaded: dict[tuple[str, int], set[str]], units: dict[str, Unit]
) -> list[BudgetSummary]:
    """Per unit-year, the budget's and the final accounts' totals over its leaf rows and
    how many rows each side prints: aggregates of the warehouse, one row a unit-year."""
    rows = wh.con.execute(
        "select unit_id, fiscal_year, coalesce(sum(budget_amount), 0), "
        "coalesce(sum(final_amount), 0), "
        "count(*) filter (where budget_amount is not null and final_amount is not null), "
        "count(*) filter (where budget_amount is not null and final_amount is null), "
        "count(*) filter (where final_amount is not null and budget_amount is null) "
        f"from {BUDGET_VS_FINAL} where unit_id is not null and fiscal_year is not null "
        "group by all"
    ).fetchall()
    summary = []
    for unit_id, fiscal_year, budget_total, final_total, matched, only_budget, only_final in rows:
        key, year = _unit_key(unit_id, units), int(fiscal_year)
        kinds = loaded[(key, year)]
        summary.append(
            BudgetSummary(
                unit_key=key,
                fiscal_year=year,
                budget_loaded=BUDGET in kinds,
                final_loaded=FINAL_ACCOUNTS in kinds,
                budget_total=_decimal(budget_total) if BUDGET in kinds else None,
                final_total=_decimal(final_total) if FINAL_ACCOUNTS in kinds else None,
                matched=int(matched),
                only_budget=int(only_budget),
                only_final=int(only_final),
            )
        )
    # Both documents first, the largest gap between them first.
    summary.sort(
        key=lambda s: (
            s.gap is None,
            -abs(s.gap) if s.gap is not None else Decimal(0),
            units[s.unit_key].name,
            s.fiscal_year,
        )
    )
    return summary
