"""The identities as Dagster asset checks on the marts they concern.

The quality asset runs the Great Expectations suites and records every outcome; these
checks read that run's outcomes and show them on the mart each identity is about. A
document's broken identity is a WARN finding: the run still succeeds.
"""

import dagster as dg

from pipelines.defs.quality.assets import QUALITY_RESULTS
from pipelines.defs.resources import WarehouseResource
from pipelines.quality.catalogue import CHECKS
from pipelines.warehouse.load import connect


def _mart(name: str) -> dg.AssetKey:
    return dg.AssetKey(["marts", name])


# The mart each check speaks about (where its findings show in the UI).
CHECK_TARGETS: dict[str, dg.AssetKey] = {
    **{name: _mart("fct_statement_lines") for name in CHECKS if name.startswith("statement_")},
    "t02_row_total": _mart("fct_income"),
    "t01_t02_income": _mart("fct_income"),
    "t03_row_total": _mart("fct_expenditure"),
    "t01_t03_expenditure": _mart("fct_expenditure"),
    "t03_t05_basic_at_least": _mart("fct_expenditure"),
    "subject_hierarchy": _mart("fct_expenditure"),
    "t05_row_total": _mart("fct_appropriation_expenditure"),
    "t08_row_total": _mart("fct_appropriation_expenditure"),
    "t08_carry_over": _mart("fct_appropriation_expenditure"),
    "t09_row_total": _mart("fct_appropriation_expenditure"),
    "t09_carry_over": _mart("fct_appropriation_expenditure"),
    "t04_fund_columns": _mart("fct_statement_lines"),
    "t01_t04_income": _mart("fct_statement_lines"),
    "t04_t05_general_budget": _mart("fct_appropriation_expenditure"),
    "t04_t08_government_fund": _mart("fct_appropriation_expenditure"),
    "t04_t09_state_capital": _mart("fct_appropriation_expenditure"),
    "t06_hierarchy": _mart("fct_basic_expenditure_econ"),
    "t06_category_totals": _mart("fct_basic_expenditure_econ"),
    "t05_t06_basic": _mart("fct_basic_expenditure_econ"),
    "t07_total": _mart("fct_three_public_costs"),
    "t07_vehicle_subtotal": _mart("fct_three_public_costs"),
    "narrative_matches_tables": _mart("dim_document"),
    "code_well_formed": _mart("dim_function_subject"),
    "class_code_national": _mart("dim_function_subject"),
    "amount_non_negative": _mart("dim_document"),
    "scale_outlier": _mart("dim_document"),
    "tables_complete": _mart("dim_document"),
}
SPECS = [
    dg.AssetCheckSpec(
        name,
        asset=CHECK_TARGETS.get(name, _mart("dim_document")),
        description=title,
        additional_deps=[QUALITY_RESULTS],
    )
    for name, title in CHECKS.items()
]


@dg.multi_asset_check(specs=SPECS, name="accounting_identities")
def accounting_identities(context: dg.AssetCheckExecutionContext, warehouse: WarehouseResource):
    with connect(warehouse.file, read_only=True) as con:
        # This run's outcomes; the latest recorded run's when the checks run on their own.
        run_id = con.execute(
            """
            select coalesce(
                (select any_value(run_id) from quality.check_results where run_id = ?),
                (select max_by(run_id, checked_at) from quality.check_results)
            )
            """,
            [context.op_execution_context.run_id],
        ).fetchone()[0]
        counts = {
            name: (errors, rounding, documents)
            for name, errors, rounding, documents in con.execute(
                """
                select check_name,
                       count(*) filter (where severity = 'error'),
                       count(*) filter (where severity = 'rounding'),
                       count(distinct document_id) filter (where severity = 'error')
                from quality.check_results
                where run_id = ?
                group by check_name
                """,
                [run_id],
            ).fetchall()
        }
    for spec in SPECS:
        errors, rounding, documents = counts.get(spec.name, (0, 0, 0))
        yield dg.AssetCheckResult(
            asset_key=spec.asset_key,
            check_name=spec.name,
            passed=errors == 0,
            severity=dg.AssetCheckSeverity.WARN,
            metadata={"errors": errors, "rounding": rounding, "documents_with_errors": documents},
        )
