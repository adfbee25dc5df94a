{#
    The leaf rule of fct_budget_vs_final: within a unit, year and fund, no compared subject
    is a prefix of another (a finer leaf of one document is summed into the coarser leaf
    the other prints, never compared beside it), so SUM over the rows never double counts.
    Fails with one row per pair of nested subjects.
#}

with

compared as (

    select distinct
        unit_id,
        fiscal_year,
        fund_type,
        subject_code

    from {{ ref('fct_budget_vs_final') }}

),

final as (

    select
        coarser.unit_id,
        coarser.fiscal_year,
        coarser.fund_type,
        coarser.subject_code as coarser_code,
        finer.subject_code as finer_code

    from compared as coarser

    inner join compared as finer
        on coarser.unit_id = finer.unit_id
        and coarser.fiscal_year = finer.fiscal_year
        and coarser.fund_type = finer.fund_type
        and length(finer.subject_code) > length(coarser.subject_code)
        and starts_with(finer.subject_code, coarser.subject_code)

)

select * from final
