"""Every check of the catalogue over one document (pure: no warehouse, no GX).

The Collector refuses an outcome of a check the catalogue does not hold.
"""

from __future__ import annotations

from decimal import Decimal

from pipelines.domain.subjects import FUNCTION_CLASSES
from pipelines.quality.document import Document
from pipelines.quality.outcomes import Collector, Outcome
from pipelines.quality.rules_across import across_table_rules
from pipelines.quality.rules_narrative import narrative_rules
from pipelines.quality.rules_plausibility import plausibility_rules
from pipelines.quality.rules_within import within_table_rules
from pipelines.quality.scale import scale_rules
from pipelines.quality.tolerance import DEFAULT_TOLERANCE_PER_TERM


def check_document(
    document: Document, tolerance_per_term: Decimal = DEFAULT_TOLERANCE_PER_TERM
) -> list[Outcome]:
    """The document's outcomes, undecided (Outcome.passed is set by the suites)."""
    collector = Collector(document, tolerance_per_term)
    within_table_rules(collector, document)
    across_table_rules(collector, document)
    narrative_rules(collector, document)
    scale_rules(collector, document)
    plausibility_rules(collector, document, FUNCTION_CLASSES)
    return collector.outcomes
