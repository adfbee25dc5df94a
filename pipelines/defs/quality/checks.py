"""The identities as Dagster asset checks on the marts they concern.

The quality asset runs the Great Expectations suites and records every outcome; these
checks read every loaded document's latest outcomes and show them on the mart each
identity is about. A document's broken identity is a WARN finding: the run still succeeds.
"""

import dagster as dg

from pipelines.defs.quality.assets import QUALITY_RESULTS
from pipelines.quality.catalogue import CATALOGUE
from pipelines.warehouse import WarehouseResource, state

# Each check shows on the mart its catalogue entry names (where its findings are seen).
SPECS = [
    dg.AssetCheckSpec(
        check.id,
        asset=dg.AssetKey(["marts", check.target_mart]),
        description=check.title,
        additional_deps=[QUALITY_RESULTS],
    )
    for check in CATALOGUE
]


@dg.multi_asset_check(specs=SPECS, name="accounting_identities")
def accounting_identities(context: dg.AssetCheckExecutionContext, warehouse: WarehouseResource):
    with warehouse.connect(read_only=True) as con:
        # Every loaded document's latest outcomes: a run re-checks only the stale documents,
        # so one run's outcomes are not the marts' state.
        counts = state.current_findings_by_check(con)
    nothing = state.FindingCounts(0, 0, 0)
    for spec in SPECS:
        found = counts.get(spec.name, nothing)
        yield dg.AssetCheckResult(
            asset_key=spec.asset_key,
            check_name=spec.name,
            passed=found.errors == 0,
            severity=dg.AssetCheckSeverity.WARN,
            metadata={
                "errors": found.errors,
                "rounding": found.rounding,
                "review": found.review,
                "documents_with_errors": found.documents_with_errors,
            },
        )
