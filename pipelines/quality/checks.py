"""Every check of the catalogue over one document (pure: no warehouse, no GX), and the
documents each is compared with: the previous year's of the same kind, and, for final
accounts, the same year's budget.

The Collector refuses an outcome of a check the catalogue does not hold.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Generic, Protocol, TypeVar

from pipelines.domain.subjects import FUNCTION_CLASSES
from pipelines.quality.document import BUDGET, Document
from pipelines.quality.outcomes import Collector, Outcome
from pipelines.quality.rules_across import across_table_rules, final_against_budget_rules
from pipelines.quality.rules_identity import identity_rules, unread_amounts
from pipelines.quality.rules_narrative import narrative_rules
from pipelines.quality.rules_plausibility import plausibility_rules
from pipelines.quality.rules_within import within_table_rules
from pipelines.quality.scale import scale_rules
from pipelines.quality.tolerance import DEFAULT_TOLERANCE_PER_TERM


def check_document(
    document: Document,
    tolerance_per_term: Decimal = DEFAULT_TOLERANCE_PER_TERM,
    prior: Document | None = None,
    budget: Document | None = None,
) -> list[Outcome]:
    """The document's outcomes, undecided (Outcome.passed is set by the suites).

    prior: the same unit's final accounts of the previous year, when the warehouse holds
    them (the narrative's year-over-year changes are checked against them; a budget's
    changes are against budgets and are not compared). budget: for final accounts, the
    same unit's budget of the same year, when loaded (T07's 预算数 and the narrative's
    年初预算 restate it)."""
    document = with_unread_amounts(document)
    collector = Collector(document, tolerance_per_term)
    within_table_rules(collector, document)
    across_table_rules(collector, document)
    narrative_rules(
        collector,
        document,
        None if document.is_budget else prior,
        None if document.is_budget else budget,
    )
    if budget is not None and not document.is_budget:
        final_against_budget_rules(collector, document, budget)
    scale_rules(collector, document)
    plausibility_rules(collector, document, FUNCTION_CLASSES)
    identity_rules(collector, document)
    return collector.outcomes


def with_unread_amounts(document: Document) -> Document:
    """The document with each table read empty whose lines print amounts marked unsure
    (Table.unread): an identity resting on its blanks is 'review', not 'error'."""
    unread = unread_amounts(document)
    if not unread:
        return document
    tables = {
        table_id: replace(table, unread=unread[table_id]) if table_id in unread else table
        for table_id, table in document.tables.items()
    }
    return replace(document, tables=tables)


class Paired(Protocol):
    """What pairing reads of a document: a Document, or the engine's DocumentVersion."""

    @property
    def document_id(self) -> str: ...
    @property
    def unit_id(self) -> str | None: ...
    @property
    def fiscal_year(self) -> int | None: ...
    @property
    def unit_level(self) -> str | None: ...
    @property
    def kind(self) -> str | None: ...
    @property
    def is_budget(self) -> bool: ...


P = TypeVar("P", bound=Paired)


def _by_unit_year_kind(documents: Sequence[P]) -> dict[tuple[str, int, str | None], P]:
    """The documents by unit × fiscal year × kind (the first of each: dbt loads one)."""
    found: dict[tuple[str, int, str | None], P] = {}
    for document in documents:
        if document.unit_id is not None and document.fiscal_year is not None:
            found.setdefault((document.unit_id, document.fiscal_year, document.kind), document)
    return found


def prior_documents(documents: Sequence[P]) -> dict[str, P]:
    """Each document's previous-year document of the same unit and kind, among `documents`."""
    by_key = _by_unit_year_kind(documents)
    return {
        document.document_id: prior
        for document in documents
        if document.unit_id is not None
        and document.fiscal_year is not None
        and (prior := by_key.get((document.unit_id, document.fiscal_year - 1, document.kind)))
    }


def budget_documents(documents: Sequence[P]) -> dict[str, P]:
    """Each final accounts' budget: the same unit's budget of the same fiscal year, among
    `documents`, when both are of the same level (a 部门 budget consolidates units a 单位
    final does not; a level unknown on either side is no obstacle). A final without one
    has no entry: its cross-document checks give no outcome (quality.document_coverage
    says which document is missing)."""
    by_key = _by_unit_year_kind(documents)
    pairs = {}
    for document in documents:
        if document.is_budget or document.unit_id is None or document.fiscal_year is None:
            continue
        budget = by_key.get((document.unit_id, document.fiscal_year, BUDGET))
        if budget is None:
            continue
        levels = {document.unit_level, budget.unit_level} - {None}
        if len(levels) <= 1:
            pairs[document.document_id] = budget
    return pairs


@dataclass(frozen=True)
class Compared(Generic[P]):
    """The documents check_document compares one document with: for final accounts, the
    previous year's final accounts and the year's budget (when loaded); a budget is
    compared with none."""

    prior: P | None = None
    budget: P | None = None

    def __iter__(self) -> Iterator[P]:
        return iter(other for other in (self.prior, self.budget) if other is not None)


def compared_documents(documents: Sequence[P]) -> dict[str, Compared[P]]:
    """Each document's Compared, among `documents` (every document has an entry)."""
    priors, budgets = prior_documents(documents), budget_documents(documents)
    return {
        document.document_id: Compared()
        if document.is_budget
        else Compared(priors.get(document.document_id), budgets.get(document.document_id))
        for document in documents
    }
