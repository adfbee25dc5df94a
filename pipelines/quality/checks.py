"""Every check of the catalogue over one document (pure: no warehouse, no GX).

The Collector refuses an outcome of a check the catalogue does not hold.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from pipelines.domain.subjects import FUNCTION_CLASSES
from pipelines.quality.document import Document
from pipelines.quality.outcomes import Collector, Outcome
from pipelines.quality.rules_across import across_table_rules
from pipelines.quality.rules_identity import identity_rules
from pipelines.quality.rules_narrative import narrative_rules
from pipelines.quality.rules_plausibility import plausibility_rules
from pipelines.quality.rules_within import within_table_rules
from pipelines.quality.scale import scale_rules
from pipelines.quality.tolerance import DEFAULT_TOLERANCE_PER_TERM


def check_document(
    document: Document,
    tolerance_per_term: Decimal = DEFAULT_TOLERANCE_PER_TERM,
    prior: Document | None = None,
) -> list[Outcome]:
    """The document's outcomes, undecided (Outcome.passed is set by the suites).

    prior: the same unit's document of the previous year, when the warehouse holds it
    (the narrative's year-over-year changes are checked against it)."""
    collector = Collector(document, tolerance_per_term)
    within_table_rules(collector, document)
    across_table_rules(collector, document)
    narrative_rules(collector, document, prior)
    scale_rules(collector, document)
    plausibility_rules(collector, document, FUNCTION_CLASSES)
    identity_rules(collector, document)
    return collector.outcomes


def prior_documents(documents: Sequence[Document]) -> dict[str, Document]:
    """Each document's previous-year document of the same unit, among `documents`."""
    by_unit_year: dict[tuple[str, int], Document] = {}
    for document in documents:
        if document.unit_id is not None and document.fiscal_year is not None:
            by_unit_year.setdefault((document.unit_id, document.fiscal_year), document)
    return {
        document.document_id: prior
        for document in documents
        if document.unit_id is not None
        and document.fiscal_year is not None
        and (prior := by_unit_year.get((document.unit_id, document.fiscal_year - 1)))
    }
