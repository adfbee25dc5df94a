{#
    Budget against final per expected unit and fiscal year: whether the unit-year's budget
    (预算) and final accounts (决算) are loaded, which side is missing, and why. The
    cross-document checks (the final's T07 预算数 against the budget's B07, the narrative's
    年初预算 against B05) and fct_budget_vs_final compare only where both are loaded; this
    model tells the reader, for every other unit-year, which document is missing.

    Unit-years are those of quality.document_coverage (its expected units, for every year
    either kind lists); each side is the coverage row of that kind, 'absent' when coverage
    lists no row of that kind for the year (no document of that kind and year was ever
    ingested) or lists it as absent.
#}

with

coverage as (

    select * from {{ ref('document_coverage') }}

),

unit_years as (

    select distinct
        unit_id,
        unit_name,
        region,
        unit_level,
        fiscal_year,
        expected_from,
        in_registry

    from coverage

),

budgets as (

    select * from coverage where document_kind = '预算'

),

finals as (

    select * from coverage where document_kind = '决算'

),

sides as (

    select
        unit_years.*,
        budgets.document_id as budget_document_id,
        coalesce(budgets.status, 'absent') as budget_status,
        coalesce(budgets.has_loaded_document, false) as budget_loaded,
        coalesce(budgets.status_reason, '未收到该单位该年度的预算文件') as budget_status_reason,
        finals.document_id as final_document_id,
        coalesce(finals.status, 'absent') as final_status,
        coalesce(finals.has_loaded_document, false) as final_loaded,
        coalesce(finals.status_reason, '未收到该单位该年度的决算文件') as final_status_reason

    from unit_years

    left join budgets
        on unit_years.unit_name = budgets.unit_name
        and unit_years.fiscal_year = budgets.fiscal_year

    left join finals
        on unit_years.unit_name = finals.unit_name
        and unit_years.fiscal_year = finals.fiscal_year

),

final as (

    select
        cast(unit_id as varchar) as unit_id,
        cast(unit_name as varchar) as unit_name,
        cast(region as varchar) as region,
        cast(unit_level as varchar) as unit_level,
        cast(fiscal_year as integer) as fiscal_year,
        cast(expected_from as varchar) as expected_from,
        cast(in_registry as boolean) as in_registry,
        cast(budget_loaded and final_loaded as boolean) as both_loaded,
        cast(
            case
                when not budget_loaded and not final_loaded then '预算和决算均缺'
                when not budget_loaded then '缺预算'
                when not final_loaded then '缺决算'
            end as varchar
        ) as missing_side,
        cast(budget_document_id as varchar) as budget_document_id,
        cast(budget_status as varchar) as budget_status,
        cast(case when not budget_loaded then budget_status_reason end as varchar)
            as budget_status_reason,
        cast(final_document_id as varchar) as final_document_id,
        cast(final_status as varchar) as final_status,
        cast(case when not final_loaded then final_status_reason end as varchar)
            as final_status_reason

    from sides

)

select * from final
