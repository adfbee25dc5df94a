"""The public entry point: check the loaded documents whose checks are stale, batch by
batch, and write the quality schema.

    from pipelines.quality import run_quality_checks
    summary = run_quality_checks("warehouse/juesuan.duckdb", run_id="2024-09-01T10:00")

It runs after dbt and reads dbt's models only (pipelines.quality.document). A document's
outcomes depend on its own reading, on the documents it is compared with (the previous
year's final accounts, the year's budget: checks.compared_documents) and on whether those
have errors of their own, on the tolerance and on the checks themselves
(catalogue.catalogue_version). Their hash is the document's fingerprint, kept in
quality.check_state with its outcomes; a document is checked again only when its
fingerprint changed (only_stale=False checks every loaded one). Superseded and rejected
documents are not checked: their last results stay.

The stale documents are checked one batch at a time, a batch reading at most
settings.quality_batch() documents (`batches`): the batch's documents and those they are
compared with are read, checked, validated by the Great Expectations suites and written
(outcomes and check state in one transaction), and let go before the next batch, so
memory is bounded by the batch, not by the warehouse.
The warehouse is opened only to read a batch and to write it; the checks and the
validation run with no connection held, so the engine never blocks another writer for
long. A connection passed in is used as is and left open.

Documents are checked in generations: a document after every document it is compared
with (budgets and the first year's final accounts first, then each later year's final
accounts), so that a comparison's other document has always been checked and written
before: whether it has errors of its own (which makes a failed comparison 'review', not
'error') is read from its stored check state, and a change of it makes the dependents
stale in the same run.

A document's inconsistencies are findings (rows of quality.check_results), never
exceptions; only a fault of the engine itself (no dbt models yet, an unreadable suite, a
rule crashing) raises. The batches written before such a fault stay written; the next
run checks only the documents still stale.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from collections import Counter
from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from itertools import islice
from pathlib import Path

import duckdb

from pipelines import settings
from pipelines.quality.catalogue import catalogue_version
from pipelines.quality.checks import Compared, check_document, compared_documents
from pipelines.quality.document import (
    DOCUMENT_RELATIONS,
    Document,
    DocumentVersion,
    load_documents,
    loaded_versions,
)
from pipelines.quality.gx import QualityEngineError, Validator
from pipelines.quality.outcomes import ERROR, INFO, REVIEW, ROUNDING, Outcome
from pipelines.quality.store import (
    CheckState,
    read_check_states,
    result_frame,
    write_check_results,
)
from pipelines.quality.tolerance import DEFAULT_TOLERANCE_PER_TERM
from pipelines.warehouse.connection import connect
from pipelines.warehouse.state import FindingCounts, current_findings, existing_relations

DATA_DOCS_FOLDER = "data_docs"


@dataclass(frozen=True)
class QualitySummary:
    """What a quality run checked and wrote (documents_checked … documents: this run's
    documents and outcomes only), and where the warehouse stands after it (`latest`)."""

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
    # The loaded documents the checks cover; those not checked were up to date.
    documents_loaded: int = 0
    batches: int = 0
    # Over every loaded document's latest results, whichever run made them (dismissed
    # findings apart): what `juesuan ingest` and the report show.
    latest: FindingCounts = field(default_factory=lambda: FindingCounts(0, 0, 0))
    # False when the run stopped at max_batches with stale documents left: `latest` and the
    # Data Docs are then left to the run that finishes them.
    complete: bool = True

    @property
    def documents_up_to_date(self) -> int:
        return self.documents_loaded - self.documents_checked

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


def _check(document: Document, per_term: Decimal, compared: Compared[Document]) -> list[Outcome]:
    try:
        return check_document(document, per_term, compared.prior, compared.budget)
    except Exception as error:  # a rule crashing is the engine's fault: say where
        raise QualityEngineError(
            f"quality rules failed on document {document.document_id} "
            f"({document.unit_name} {document.fiscal_year}): {error!r}"
        ) from error


def check_documents(documents: Sequence[Document], per_term: Decimal) -> list[Outcome]:
    """Every document's outcomes, each compared with the others among `documents`."""
    compared = compared_documents(documents)
    outcomes: list[Outcome] = []
    for document in documents:
        outcomes += _check(document, per_term, compared[document.document_id])
    return outcomes


# Why a cross-document finding is not this document's error (Chinese, in its message),
# by the other document's kind: the previous year's final accounts, or the year's budget.
OTHER_DOCUMENT_ERRING = "所据上年数来自一份本身有核对错误的上年度文件，无法判断是哪一年的数字有误"
OTHER_BUDGET_ERRING = "所据预算数来自一份本身有核对错误的预算文件，无法判断是哪一份文件的数字有误"


@dataclass(frozen=True)
class OwnErrors:
    """A document's errors of its own (not its comparisons with another document):
    whether it has any, and the tables they are at (source and compared)."""

    any: bool = False
    tables: frozenset[str] = frozenset()


def own_errors(outcomes: Sequence[Outcome]) -> dict[str, OwnErrors]:
    """The OwnErrors of every document with outcomes among `outcomes` (decided ones)."""
    tables: dict[str, set[str]] = {outcome.document_id: set() for outcome in outcomes}
    erring: set[str] = set()
    for outcome in outcomes:
        if outcome.severity == ERROR and not outcome.other_document_id:
            erring.add(outcome.document_id)
            tables[outcome.document_id] |= {
                table for table in (outcome.source_table, outcome.compared_table) if table
            }
    return {
        document_id: OwnErrors(document_id in erring, frozenset(found))
        for document_id, found in tables.items()
    }


def attribute_across_documents(
    outcomes: Sequence[Outcome],
    budget_ids: Collection[str] = (),
    others: Mapping[str, OwnErrors] | None = None,
) -> None:
    """A failed comparison with another document is this document's error only when what
    it compares with is sound; else either may be wrong, and the finding is 'review'
    (需人工核对), not 'error'. The previous year's document is sound when it has no error
    of its own; the year's budget (`budget_ids`), when the budget table compared with
    (B05, B07 …) has none (an error in its B02 says nothing of its B07).

    What the other document's errors are is read from `outcomes` when it is among them,
    else from `others` (its stored check state, when checked in an earlier batch)."""
    known = {**(others or {}), **own_errors(outcomes)}
    for outcome in outcomes:
        other = outcome.other_document_id
        if outcome.severity != ERROR or other is None or other not in known:
            continue
        if other in budget_ids:
            if outcome.compared_table in known[other].tables:
                outcome.uncertain_reasons += (OTHER_BUDGET_ERRING,)
                outcome.severity = REVIEW
        elif known[other].any:
            outcome.uncertain_reasons += (OTHER_DOCUMENT_ERRING,)
            outcome.severity = REVIEW


def _stored_errors(state: CheckState | None) -> OwnErrors | None:
    if state is None:
        return None
    return OwnErrors(state.has_own_errors, frozenset(state.own_error_tables))


def _version(version: DocumentVersion) -> list:
    return [
        version.document_id,
        version.unit_id,
        version.unit_name,
        version.fiscal_year,
        version.unit_level,
        version.kind,
        None if version.ingested_at is None else version.ingested_at.isoformat(),
        version.extractor_version,
    ]


def fingerprint(
    version: DocumentVersion,
    compared: Compared[DocumentVersion],
    states: Mapping[str, CheckState],
    catalogue: str,
    per_term: Decimal,
) -> str:
    """The hash of everything the document's outcomes depend on: its reading, the
    readings of the documents it is compared with and what of their own errors its
    findings' severity reads (the prior's: any; the budget's: the tables), the tolerance
    and the checks (catalogue_version)."""
    prior, budget = compared.prior, compared.budget
    prior_errors = None if prior is None else _stored_errors(states.get(prior.document_id))
    budget_errors = None if budget is None else _stored_errors(states.get(budget.document_id))
    parts = [
        catalogue,
        str(per_term),
        _version(version),
        None if prior is None else [_version(prior), prior_errors and prior_errors.any],
        None
        if budget is None
        else [_version(budget), budget_errors and sorted(budget_errors.tables)],
    ]
    return hashlib.sha256(json.dumps(parts, ensure_ascii=False).encode()).hexdigest()


def generations(
    versions: Sequence[DocumentVersion], compared: Mapping[str, Compared[DocumentVersion]]
) -> list[list[DocumentVersion]]:
    """The documents in the order they can be checked: each generation after every
    document its documents are compared with (a budget, and a final accounts without a
    loaded prior or budget, are generation 0). Each keeps the documents' order."""
    depth: dict[str, int] = {}

    def depth_of(version: DocumentVersion) -> int:
        found = depth.get(version.document_id)
        if found is None:
            # the comparisons point to an earlier year or to a budget: no cycle
            others = list(compared[version.document_id])
            found = 1 + max(map(depth_of, others)) if others else 0
            depth[version.document_id] = found
        return found

    by_depth: dict[int, list[DocumentVersion]] = {}
    for version in versions:
        by_depth.setdefault(depth_of(version), []).append(version)
    return [by_depth[level] for level in sorted(by_depth)]


def batches(
    stale: Sequence[DocumentVersion],
    compared: Mapping[str, Compared[DocumentVersion]],
    size: int,
) -> Iterator[list[DocumentVersion]]:
    """The stale documents, in order, in batches that each read at most `size` documents:
    those checked and those they are compared with (a document whose comparisons alone
    exceed `size` goes by itself). Counting only the checked ones would let a batch of
    later years' final accounts read three times as many documents as one of budgets, and
    a batch's memory follows what it reads."""
    batch: list[DocumentVersion] = []
    read: set[str] = set()
    for version in stale:
        needs = {version.document_id} | {o.document_id for o in compared[version.document_id]}
        if batch and len(read | needs) > size:
            yield batch
            batch, read = [], set()
        batch.append(version)
        read |= needs
    if batch:
        yield batch


@dataclass
class _Tally:
    """This run's outcomes, counted as batches are written (the outcomes are not kept)."""

    documents: list[str] = field(default_factory=list)
    outcomes: int = 0
    severities: Counter = field(default_factory=Counter)
    errors_by_check: Counter = field(default_factory=Counter)
    documents_with_errors: set[str] = field(default_factory=set)
    batches: int = 0

    def add(self, batch: Sequence[DocumentVersion], outcomes: Sequence[Outcome]) -> None:
        self.documents += [version.document_id for version in batch]
        self.outcomes += len(outcomes)
        self.severities.update(outcome.severity for outcome in outcomes)
        errors = [outcome for outcome in outcomes if outcome.severity == ERROR]
        self.errors_by_check.update(outcome.check_name for outcome in errors)
        self.documents_with_errors |= {outcome.document_id for outcome in errors}
        self.batches += 1


@dataclass(frozen=True)
class _Run:
    """What every batch of one run shares."""

    con_or_path: duckdb.DuckDBPyConnection | Path | str | None
    run_id: str
    checked_at: datetime
    per_term: Decimal
    catalogue: str
    validator: Validator


def _check_batch(
    run: _Run,
    batch: Sequence[DocumentVersion],
    compared: Mapping[str, Compared[DocumentVersion]],
    fingerprints: Mapping[str, str],
    states: Mapping[str, CheckState],
) -> tuple[list[Outcome], list[CheckState]]:
    """Read, check, validate and write one batch; its outcomes and new check states."""
    # The documents the batch is compared with: read, not checked (they are of an
    # earlier generation, checked and written before).
    others = {
        other.document_id: other for version in batch for other in compared[version.document_id]
    }
    with _connection(run.con_or_path) as con:
        loaded = load_documents(con, [*batch, *others.values()])
    documents = {document.document_id: document for document in loaded}

    def as_documents(pair: Compared[DocumentVersion]) -> Compared[Document]:
        return Compared(
            None if pair.prior is None else documents[pair.prior.document_id],
            None if pair.budget is None else documents[pair.budget.document_id],
        )

    outcomes: list[Outcome] = []
    for version in batch:
        document = documents[version.document_id]
        outcomes += _check(document, run.per_term, as_documents(compared[version.document_id]))
    run.validator.validate(outcomes, run.run_id)
    stored = {
        document_id: errors
        for document_id in others
        if (errors := _stored_errors(states.get(document_id))) is not None
    }
    attribute_across_documents(
        outcomes, {d.document_id for d in loaded if d.is_budget}, others=stored
    )
    found = own_errors(outcomes)
    counts = Counter(outcome.document_id for outcome in outcomes)
    new_states = [
        CheckState(
            document_id=version.document_id,
            fingerprint=fingerprints[version.document_id],
            catalogue_version=run.catalogue,
            ingested_at=version.ingested_at,
            has_own_errors=found.get(version.document_id, OwnErrors()).any,
            own_error_tables=tuple(sorted(found.get(version.document_id, OwnErrors()).tables)),
            outcomes=counts[version.document_id],
            run_id=run.run_id,
            checked_at=run.checked_at,
        )
        for version in batch
    ]
    frame = result_frame(
        outcomes, [documents[v.document_id] for v in batch], run.run_id, run.checked_at
    )
    with _connection(run.con_or_path) as con:
        write_check_results(con, frame, run.run_id, new_states)
    return outcomes, new_states


def run_quality_checks(
    con_or_path: duckdb.DuckDBPyConnection | Path | str | None,
    run_id: str,
    reports_dir: Path | None = None,
    tolerance_per_term: Decimal = DEFAULT_TOLERANCE_PER_TERM,
    *,
    build_data_docs: bool = True,
    only_stale: bool = True,
    batch_size: int | None = None,
    max_batches: int | None = None,
) -> QualitySummary:
    """Check the loaded documents whose checks are stale and write quality.check_results
    and quality.check_state, batch by batch.

    con_or_path: an open DuckDB connection (left open), or the warehouse file (opened
    only while reading and while writing each batch; None: settings.warehouse_path()).
    run_id: names this run in quality.check_results; writing the same run_id again
    replaces that run's rows of the documents it checks again. reports_dir: where the Data
    Docs go, under data_docs/ (None: settings.reports_dir()); they show this run's
    validations, and are left as they were when nothing was stale. tolerance_per_term:
    the rounding allowance of one printed figure in its own printed unit (0.005: half a
    cent of 万元 or of 元). build_data_docs: False skips the Data Docs (the verdicts are
    the same). only_stale: False checks every loaded document again (`juesuan report
    --recheck`). batch_size: documents read per batch, checked or compared with (None:
    settings.quality_batch()). max_batches: stop after that many batches when more are
    stale (the summary is then not `complete`; a next run with the same run_id goes on
    where this one stopped).
    """
    if not run_id or not str(run_id).strip():
        raise ValueError("run_id must be a non-empty string")
    run_id = str(run_id)
    per_term = _per_term(tolerance_per_term)
    size = batch_size if batch_size is not None else settings.quality_batch()
    if size <= 0:
        raise ValueError(f"batch_size must be positive, got {size}")
    if max_batches is not None and (max_batches <= 0 or not only_stale):
        # Going on where a run stopped needs the stale state: a re-check of every document
        # would start again from the first.
        raise ValueError("max_batches must be positive, and only with only_stale")
    checked_at = datetime.now(UTC).replace(tzinfo=None)

    with _connection(con_or_path) as con:
        absent = sorted(set(DOCUMENT_RELATIONS) - existing_relations(con))
        if absent:
            raise QualityEngineError(
                f"the warehouse lacks dbt's {', '.join(absent)}: the checks run after dbt "
                "(`juesuan ingest` builds the models)"
            )
        versions = loaded_versions(con)
        states = read_check_states(con)

    catalogue = catalogue_version()
    compared = compared_documents(versions)
    data_docs_dir = None
    if build_data_docs:
        data_docs_dir = Path(reports_dir or settings.reports_dir()) / DATA_DOCS_FOLDER
    run: _Run | None = None
    tally = _Tally()
    work = _batches_to_check(versions, compared, states, catalogue, per_term, only_stale, size)
    for batch, fingerprints in islice(work, max_batches):
        if run is None:
            run = _Run(
                con_or_path, run_id, checked_at, per_term, catalogue, Validator(data_docs_dir)
            )
        outcomes, written = _check_batch(run, batch, compared, fingerprints, states)
        tally.add(batch, outcomes)
        states.update((state.document_id, state) for state in written)
        del outcomes  # let the batch go before the next one is read
    complete = next(work, None) is None

    data_docs_index: Path | None = None
    latest = FindingCounts(0, 0, 0)
    # A stopped run leaves the Data Docs and the counts to the run that finishes the stale
    # documents.
    if complete:
        if run is not None:
            data_docs_index = run.validator.build_data_docs()
        else:  # nothing checked: the Data Docs of the run that last checked stay
            index = None if data_docs_dir is None else data_docs_dir / "index.html"
            data_docs_index = index if index is not None and index.is_file() else None
        with _connection(con_or_path) as con:
            latest = current_findings(con)
    return QualitySummary(
        run_id=run_id,
        checked_at=checked_at,
        documents_checked=len(tally.documents),
        outcomes=tally.outcomes,
        by_severity={
            severity: tally.severities.get(severity, 0)
            for severity in (INFO, ROUNDING, ERROR, REVIEW)
        },
        errors_by_check=dict(sorted(tally.errors_by_check.items())),
        documents_with_errors=len(tally.documents_with_errors),
        data_docs_index=data_docs_index,
        tolerance_per_term=per_term,
        documents=tuple(tally.documents),
        documents_loaded=len(versions),
        batches=tally.batches,
        latest=latest,
        complete=complete,
    )


def _batches_to_check(
    versions: Sequence[DocumentVersion],
    compared: Mapping[str, Compared[DocumentVersion]],
    states: Mapping[str, CheckState],
    catalogue: str,
    per_term: Decimal,
    only_stale: bool,
    size: int,
) -> Iterator[tuple[list[DocumentVersion], dict[str, str]]]:
    """(batch, the fingerprints of its generation) of the documents to check, generation
    by generation. Lazy: a generation's fingerprints are computed when it is reached, so
    they see the states the caller wrote for the generations before (`states` is updated
    by the caller between batches)."""
    for generation in generations(versions, compared):
        fingerprints = {
            v.document_id: fingerprint(v, compared[v.document_id], states, catalogue, per_term)
            for v in generation
        }
        stale = [
            v
            for v in generation
            if not only_stale
            or (found := states.get(v.document_id)) is None
            or found.fingerprint != fingerprints[v.document_id]
        ]
        for batch in batches(stale, compared, size):
            yield batch, fingerprints
