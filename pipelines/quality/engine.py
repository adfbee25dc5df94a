"""The public entry point: check every loaded document and write the quality schema.

    from pipelines.quality import run_quality_checks
    summary = run_quality_checks("warehouse/juesuan.duckdb", run_id="2024-09-01T10:00")

It runs after dbt and reads dbt's models only (pipelines.quality.document). The warehouse
is opened twice, briefly: once to read the loaded documents, once to write
quality.check_results and its latest view. Between the two, the checks and the Great Expectations
validation run with no connection held, so the engine never blocks another writer for
long. A connection passed in is used as is and left open.

A document's inconsistencies are findings (rows of quality.check_results), never
exceptions; only a fault of the engine itself (no dbt models yet, an unreadable suite, a
rule crashing) raises.
"""

from __future__ import annotations

import contextlib
from collections import Counter
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path

import duckdb

from pipelines import settings
from pipelines.quality.checks import budget_documents, check_document, prior_documents
from pipelines.quality.document import DOCUMENT_RELATIONS, Document, load_documents
from pipelines.quality.gx import QualityEngineError, validate_outcomes
from pipelines.quality.outcomes import ERROR, INFO, REVIEW, ROUNDING, Outcome
from pipelines.quality.store import result_frame, write_check_results
from pipelines.quality.tolerance import DEFAULT_TOLERANCE_PER_TERM
from pipelines.warehouse.connection import connect
from pipelines.warehouse.state import existing_relations

DATA_DOCS_FOLDER = "data_docs"


@dataclass(frozen=True)
class QualitySummary:
    """What a quality run found and wrote."""

    run_id: str
    checked_at: datetime
    documents_checked: int
    outcomes: int
    by_severity: dict[str, int]
    errors_by_check: dict[str, int]
    documents_with_errors: int
    data_docs_index: Path | None
    tolerance_per_term: Decimal
    documents: tuple[str, ...] = field(default=(), repr=False)

    @property
    def passed(self) -> int:
        """Outcomes that passed (exact or within rounding)."""
        return self.by_severity.get(INFO, 0) + self.by_severity.get(ROUNDING, 0)

    @property
    def errors(self) -> int:
        return self.by_severity.get(ERROR, 0)

    @property
    def review(self) -> int:
        """Failed on a figure the extractor is unsure it read right (需人工核对)."""
        return self.by_severity.get(REVIEW, 0)

    @property
    def rounding(self) -> int:
        return self.by_severity.get(ROUNDING, 0)

    @property
    def info(self) -> int:
        return self.by_severity.get(INFO, 0)


@contextlib.contextmanager
def _connection(con_or_path) -> Iterator[duckdb.DuckDBPyConnection]:
    if isinstance(con_or_path, duckdb.DuckDBPyConnection):
        yield con_or_path
        return
    path = Path(con_or_path) if con_or_path is not None else settings.warehouse_path()
    if not path.is_file():
        raise QualityEngineError(f"no warehouse at {path} (run `juesuan ingest` first)")
    with connect(path) as con:
        yield con


def _per_term(value) -> Decimal:
    try:
        per_term = value if isinstance(value, Decimal) else Decimal(str(value))
    except InvalidOperation as error:
        raise ValueError(f"tolerance_per_term must be a number, got {value!r}") from error
    if not per_term.is_finite() or per_term < 0:
        raise ValueError(f"tolerance_per_term must be a non-negative number, got {value!r}")
    return per_term


def check_documents(documents: Sequence[Document], per_term: Decimal) -> list[Outcome]:
    outcomes: list[Outcome] = []
    priors = prior_documents(documents)
    budgets = budget_documents(documents)
    for document in documents:
        try:
            outcomes += check_document(
                document,
                per_term,
                priors.get(document.document_id),
                budgets.get(document.document_id),
            )
        except Exception as error:  # a rule crashing is the engine's fault: say where
            raise QualityEngineError(
                f"quality rules failed on document {document.document_id} "
                f"({document.unit_name} {document.fiscal_year}): {error!r}"
            ) from error
    return outcomes


# Why a cross-document finding is not this document's error (Chinese, in its message),
# by the other document's kind: the previous year's final accounts, or the year's budget.
OTHER_DOCUMENT_ERRING = "所据上年数来自一份本身有核对错误的上年度文件，无法判断是哪一年的数字有误"
OTHER_BUDGET_ERRING = "所据预算数来自一份本身有核对错误的预算文件，无法判断是哪一份文件的数字有误"


def attribute_across_documents(
    outcomes: Sequence[Outcome], budget_ids: Collection[str] = ()
) -> None:
    """A failed comparison with another document is this document's error only when what
    it compares with is sound; else either may be wrong, and the finding is 'review'
    (需人工核对), not 'error'. The previous year's document is sound when it has no error
    of its own; the year's budget (`budget_ids`), when the budget table compared with
    (B05, B07 …) has none (an error in its B02 says nothing of its B07)."""
    own_errors = [o for o in outcomes if o.severity == ERROR and not o.other_document_id]
    erring = {o.document_id for o in own_errors}
    erring_tables = {
        (o.document_id, table)
        for o in own_errors
        for table in (o.source_table, o.compared_table)
        if table is not None
    }
    for outcome in outcomes:
        other = outcome.other_document_id
        if outcome.severity != ERROR or other is None:
            continue
        if other in budget_ids:
            if (other, outcome.compared_table) in erring_tables:
                outcome.uncertain_reasons += (OTHER_BUDGET_ERRING,)
                outcome.severity = REVIEW
        elif other in erring:
            outcome.uncertain_reasons += (OTHER_DOCUMENT_ERRING,)
            outcome.severity = REVIEW


def run_quality_checks(
    con_or_path: duckdb.DuckDBPyConnection | Path | str | None,
    run_id: str,
    reports_dir: Path | None = None,
    tolerance_per_term: Decimal = DEFAULT_TOLERANCE_PER_TERM,
    *,
    build_data_docs: bool = True,
) -> QualitySummary:
    """Check every loaded document of the warehouse and write quality.check_results.

    con_or_path: an open DuckDB connection (left open), or the warehouse file (opened
    only while reading and while writing; None: settings.warehouse_path()).
    run_id: names this run in quality.check_results; writing the same run_id again
    replaces that run's rows. reports_dir: where the Data Docs go, under data_docs/
    (None: settings.reports_dir()). tolerance_per_term: the rounding allowance of one
    printed figure in its own printed unit (0.005: half a cent of 万元 or of 元).
    build_data_docs: False skips the Data Docs (the verdicts are the same).
    """
    if not run_id or not str(run_id).strip():
        raise ValueError("run_id must be a non-empty string")
    run_id = str(run_id)
    per_term = _per_term(tolerance_per_term)
    checked_at = datetime.now(UTC).replace(tzinfo=None)

    with _connection(con_or_path) as con:
        absent = sorted(set(DOCUMENT_RELATIONS) - existing_relations(con))
        if absent:
            raise QualityEngineError(
                f"the warehouse lacks dbt's {', '.join(absent)}: the checks run after dbt "
                "(`juesuan ingest` builds the models)"
            )
        documents = load_documents(con)

    outcomes = check_documents(documents, per_term)
    data_docs_dir = None
    if build_data_docs:
        data_docs_dir = Path(reports_dir or settings.reports_dir()) / DATA_DOCS_FOLDER
    report = validate_outcomes(outcomes, run_id, data_docs_dir)
    attribute_across_documents(outcomes, {d.document_id for d in documents if d.is_budget})

    with _connection(con_or_path) as con:
        write_check_results(con, result_frame(outcomes, documents, run_id, checked_at), run_id)

    severities = Counter(outcome.severity for outcome in outcomes)
    errors_by_check = Counter(o.check_name for o in outcomes if o.severity == ERROR)
    return QualitySummary(
        run_id=run_id,
        checked_at=checked_at,
        documents_checked=len(documents),
        outcomes=len(outcomes),
        by_severity={
            severity: severities.get(severity, 0) for severity in (INFO, ROUNDING, ERROR, REVIEW)
        },
        errors_by_check=dict(sorted(errors_by_check.items())),
        documents_with_errors=len({o.document_id for o in outcomes if o.severity == ERROR}),
        data_docs_index=report.data_docs_index,
        tolerance_per_term=per_term,
        documents=tuple(document.document_id for document in documents),
    )
