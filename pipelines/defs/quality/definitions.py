import dagster as dg

from pipelines.defs.quality.assets import quality_check_results, quality_report
from pipelines.defs.quality.checks import accounting_identities

defs = dg.Definitions(
    assets=[quality_check_results, quality_report], asset_checks=[accounting_identities]
)
