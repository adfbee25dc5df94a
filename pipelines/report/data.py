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
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
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

    lines: list[BudgetLine] = field(default_factory=list)  # largest absolute gap first
    three_public: list[ThreePublicLine] = field(default_factory=list)
    summary: list[BudgetSummary] = field(default_factory=list)
    note: str | None = None


@dataclass
class ReportData:
    warehouse: Path
    generated_at: datetime
    units: dict[str, Unit]
    documents: list[Document]
    findings: list[Finding]
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

    @property
    def documents_by_id(self) -> dict[str, Document]:
        return {doc.document_id: doc for doc in self.documents}

    def status_counts(self) -> Counter:
        return Counter(doc.status for doc in self.documents)

    def current_findings(self) -> list[Finding]:
        """Findings of documents that are not superseded (what the bureau acts on)."""
        return _current(self.findings, self.documents_by_id)


def _current(findings: list[Finding], docs: dict[str, Document]) -> list[Finding]:
    """The findings not about a superseded document (one without a known document stays)."""
    return [f for f in findings if _document_status(f, docs) != "superseded"]


def _document_status(finding: Finding, docs: dict[str, Document]) -> str | None:
    doc = docs.get(finding.document_id) if finding.document_id is not None else None
    return doc.status if doc is not None else None


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


def read_report_data(warehouse_path: Path) -> ReportData:
    """Everything the report shows, from one read-only connection closed on return."""
    warehouse_path = Path(warehouse_path)
    if not warehouse_path.is_file():
        raise FileNotFoundError(f"数据仓库不存在：{warehouse_path}")
    with connect(warehouse_path, read_only=True) as con:
        return _read(_Warehouse(con), warehouse_path)


def _read(wh: _Warehouse, warehouse_path: Path) -> ReportData:
    warnings: list[str] = []
    units = _read_units(wh, warnings)
    documents = _read_documents(wh, units, warnings)
    docs_by_id = {doc.document_id: doc for doc in documents}
    findings, run_ids, last_checked, checks_ran = _read_findings(wh, docs_by_id, units, warnings)
    dismissed = [f for f in findings if f.dismissal is not None]
    findings = [f for f in findings if f.dismissal is None]
    # Findings about documents the marts do not know (should not happen): listed anyway.
    for finding in findings:
        if finding.document_id and finding.document_id not in docs_by_id:
            doc = Document(
                document_id=finding.document_id,
                file_name="（文件未登记）",
                unit_key=finding.unit_key,
                fiscal_year=finding.fiscal_year,
                status="unknown",
                status_reason=None,
                page_count=None,
                ingested_at=None,
            )
            documents.append(doc)
            docs_by_id[doc.document_id] = doc
    coverage, coverage_basis = _read_coverage(wh, units, warnings)
    documents.sort(key=lambda d: _doc_sort_key(d, units))
    # Findings in the documents' order (unit, year), then severity, table, page, location.
    position = {doc.document_id: i for i, doc in enumerate(documents)}
    findings.sort(key=lambda f: position.get(f.document_id or "", len(position)))
    return ReportData(
        warehouse=warehouse_path,
        generated_at=datetime.now(BEIJING).replace(tzinfo=None, microsecond=0),
        units=units,
        documents=documents,
        findings=findings,
        overview=_overview(documents, coverage, coverage_basis, units),
        check_summary=_check_summary(findings, docs_by_id),
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


def _read_dismissals(wh: _Warehouse) -> dict[str, Dismissal]:
    """finding_id → the reviewer's dismissal (none before the first)."""
    if not wh.has(state.DISMISSALS):
        return {}
    rows = wh.select(state.DISMISSALS, ["finding_id", "reason", "dismissed_at", "dismissed_by"])
    return {
        str(r["finding_id"]): Dismissal(
            str(r["reason"]), _local(r["dismissed_at"]), r["dismissed_by"]
        )
        for r in rows
    }


def _box(row: dict) -> tuple[float, float, float, float] | None:
    values = [row[name] for name in ("box_x0", "box_y0", "box_x1", "box_y1")]
    if any(v is None for v in values):
        return None
    x0, y0, x1, y1 = (float(v) for v in values)
    return (x0, y0, x1, y1)


def _is_finding(row: dict) -> bool:
    """A failed check (an error, or one to review), or a rounding difference recorded on a
    passing one."""
    if row["passed"] is not True:
        return True
    difference = plain_value(row["difference"])
    return row["severity"] == "rounding" and isinstance(difference, int | float) and difference != 0


def _read_findings(
    wh: _Warehouse,
    docs: dict[str, Document],
    units: dict[str, Unit],
    warnings: list[str],
) -> tuple[list[Finding], list[str], datetime | None, bool]:
    if not wh.has(state.LATEST_RESULTS):
        warnings.append(f"数据仓库中没有 {state.LATEST_RESULTS}：尚未运行数据质量检查。")
        return [], [], None, False
    rows = wh.select(state.LATEST_RESULTS, _FINDING_COLUMNS)
    dismissals = _read_dismissals(wh)
    latest = state.quality_run(wh.con)
    latest_run = latest.run_id if latest is not None else None
    last_checked = _local(latest.checked_at) if latest is not None else None
    findings: list[Finding] = []
    run_ids: set[str] = set()
    for row in rows:
        checked_at = _local(row["checked_at"])
        if row["run_id"] is not None:
            run_ids.add(str(row["run_id"]))
        doc = docs.get(str(row["document_id"])) if row["document_id"] is not None else None
        if doc is not None:
            doc.checks_total += 1
            doc.checks_passed += row["passed"] is True
            if checked_at and (doc.checked_at is None or checked_at > doc.checked_at):
                doc.checked_at, doc.run_id = checked_at, row["run_id"]
        if not _is_finding(row):
            continue
        severity = str(row["severity"] or "error")
        if severity not in SEVERITY_TITLES:
            severity = "error"
        finding_id = _text(row["finding_id"])
        # Only a failed check can be dismissed (a rounding difference is no alarm).
        dismissal = dismissals.get(finding_id or "") if row["passed"] is not True else None
        if doc is not None and dismissal is not None:
            doc.dismissed += 1
        elif doc is not None:
            doc.errors += severity == "error"
            doc.roundings += severity == "rounding"
            doc.infos += severity == "info"
            doc.reviews += severity == "review"
        unit_key = str(row["unit_id"]) if row["unit_id"] is not None else None
        if doc is not None and doc.unit_key:
            unit_key = doc.unit_key
        if unit_key is not None and unit_key not in units:
            units[unit_key] = Unit(key=unit_key, name=unit_key)
        check_name = str(row["check_name"] or "")
        table = str(row["source_table"]) if row["source_table"] is not None else None
        page = row["source_page"]
        findings.append(
            Finding(
                document_id=str(row["document_id"]) if row["document_id"] is not None else None,
                check_name=check_name,
                check_title=str(row["check_title"] or _catalogue_title(check_name)),
                severity=severity,
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
                finding_id=finding_id,
                box=_box(row),
                dismissal=dismissal,
            )
        )
    severity_rank = {"error": 0, "review": 1, "rounding": 2, "info": 3}
    findings.sort(
        key=lambda f: (
            severity_rank[f.severity],
            f.source_table or "",
            f.source_page or 0,
            f.location or "",
        )
    )
    if latest_run is not None:
        run_ids.discard(latest_run)
    ordered_runs = ([latest_run] if latest_run is not None else []) + sorted(run_ids)
    return findings, ordered_runs, last_checked, bool(rows)


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


def _check_summary(findings: list[Finding], docs: dict[str, Document]) -> list[CheckSummary]:
    by_check: dict[str, list[Finding]] = defaultdict(list)
    for finding in _current(findings, docs):
        by_check[finding.check_name].append(finding)
    summary = [
        CheckSummary(
            check_name=name,
            check_title=items[0].check_title,
            errors=sum(f.severity == "error" for f in items),
            roundings=sum(f.severity == "rounding" for f in items),
            documents=len({f.document_id for f in items}),
            reviews=sum(f.severity == "review" for f in items),
        )
        for name, items in by_check.items()
    ]
    summary.sort(key=lambda s: (-s.errors, -s.reviews, -s.roundings, s.check_name))
    return summary


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


def _gap_order(line: BudgetLine | ThreePublicLine) -> tuple:
    """Largest absolute gap first; a line missing one side after every compared line,
    the larger amount it has first."""
    gap = line.gap
    if gap is not None:
        return (0, -abs(gap))
    present = line.budget if line.budget is not None else line.final
    return (1, -abs(present) if present is not None else Decimal(0))


def _read_budget_comparison(
    wh: _Warehouse, documents: list[Document], units: dict[str, Unit]
) -> BudgetComparison:
    if not wh.has(BUDGET_VS_FINAL):
        return BudgetComparison(
            note="数据仓库中还没有预算与决算对比（marts.fct_budget_vs_final）："
            "该仓库建于支持预算之前，或上次建模（dbt）未完成；重新运行 juesuan ingest 后即可生成。"
        )
    loaded: dict[tuple[str, int], set[str]] = defaultdict(set)
    for doc in documents:
        if doc.status == "loaded" and doc.unit_key is not None and doc.fiscal_year is not None:
            loaded[(doc.unit_key, int(doc.fiscal_year))].add(doc.kind)
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
    names: dict[str, tuple] = {}
    if wh.has("marts.dim_function_subject"):
        wanted = ["subject_code", "subject_name", "class_code", "class_name"]
        for r in wh.select("marts.dim_function_subject", wanted):
            names[str(r["subject_code"])] = (r["subject_name"], r["class_code"], r["class_name"])

    def unit_key(value: object) -> str:
        key = str(value)
        if key not in units:
            units[key] = Unit(key=key, name=key)
        return key

    lines: list[BudgetLine] = []
    for r in wh.select(BUDGET_VS_FINAL, _BUDGET_COLUMNS):
        if r["unit_id"] is None or r["fiscal_year"] is None:
            continue
        key, year = unit_key(r["unit_id"]), int(r["fiscal_year"])
        budget, final = _decimal(r["budget_amount"]), _decimal(r["final_amount"])
        code = _text(r["subject_code"])
        subject_name, class_code, class_name = names.get(code or "", (None, None, None))
        lines.append(
            BudgetLine(
                unit_key=key,
                fiscal_year=year,
                subject_code=code,
                subject_name=subject_name,
                class_code=class_code,
                class_name=class_name,
                fund_type=_text(r["fund_type"]),
                expenditure_type=_text(r["expenditure_type"]),
                budget=budget,
                final=final,
                execution_rate=_decimal(r["execution_rate"]),
                state=_line_state(budget, final, loaded[(key, year)]),
                budget_document_id=_text(r["budget_document_id"]),
                final_document_id=_text(r["final_document_id"]),
            )
        )
    lines.sort(
        key=lambda line: (
            *_gap_order(line),
            units[line.unit_key].name,
            line.fiscal_year,
            line.subject_code or "",
        )
    )
    three_public: list[ThreePublicLine] = []
    if wh.has(THREE_PUBLIC_VS_FINAL):
        for r in wh.select(THREE_PUBLIC_VS_FINAL, _THREE_PUBLIC_COLUMNS):
            if r["unit_id"] is None or r["fiscal_year"] is None:
                continue
            key, year = unit_key(r["unit_id"]), int(r["fiscal_year"])
            budget, final = _decimal(r["budget_amount"]), _decimal(r["final_amount"])
            three_public.append(
                ThreePublicLine(
                    unit_key=key,
                    fiscal_year=year,
                    cost_item=str(r["cost_item"] or ""),
                    budget=budget,
                    final_budget=_decimal(r["final_budget_amount"]),
                    final=final,
                    state=_line_state(budget, final, loaded[(key, year)]),
                )
            )
        three_public.sort(
            key=lambda line: (
                *_gap_order(line),
                units[line.unit_key].name,
                line.fiscal_year,
                line.cost_item,
            )
        )
    summary = _budget_summary(lines, loaded, units)
    note = None
    if not lines:
        note = f"{BUDGET_VS_FINAL} 中没有数据行：已载入的预算与决算文件中没有读到功能分类支出科目。"
    elif not any(s.budget_loaded and s.final_loaded for s in summary):
        note = (
            "没有哪个单位同一年度的预算和决算都已载入：下表各行只有一方的数字，"
            "另一方载入后即可看到执行率。"
        )
    return BudgetComparison(lines=lines, three_public=three_public, summary=summary, note=note)


def _budget_summary(
    lines: list[BudgetLine], loaded: dict[tuple[str, int], set[str]], units: dict[str, Unit]
) -> list[BudgetSummary]:
    by_unit_year: dict[tuple[str, int], list[BudgetLine]] = defaultdict(list)
    for line in lines:
        by_unit_year[(line.unit_key, line.fiscal_year)].append(line)
    summary = []
    for (key, year), items in by_unit_year.items():
        kinds = loaded[(key, year)]
        budgets = [line.budget for line in items if line.budget is not None]
        finals = [line.final for line in items if line.final is not None]
        summary.append(
            BudgetSummary(
                unit_key=key,
                fiscal_year=year,
                budget_loaded=BUDGET in kinds,
                final_loaded=FINAL_ACCOUNTS in kinds,
                budget_total=sum(budgets, Decimal(0)) if BUDGET in kinds else None,
                final_total=sum(finals, Decimal(0)) if FINAL_ACCOUNTS in kinds else None,
                matched=sum(line.state == "both" for line in items),
                only_budget=sum(line.budget is not None and line.final is None for line in items),
                only_final=sum(line.final is not None and line.budget is None for line in items),
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
