{#
    Each side of fct_budget_vs_final adds up to its document's facts: per unit, year and
    fund, SUM(budget_amount) equals the budget facts' (fct_budget_appropriation_expenditure)
    and SUM(final_amount) the final facts' (fct_appropriation_expenditure), and the rows
    counted on each side are all of them. Rolling a finer leaf up to the coarser one may
    move an amount, never lose or repeat it. Fails with one row per unit, year and fund
    whose sums or counts differ.
#}

with

compared as (

    select
        unit_id,
        fiscal_year,
        fund_type,
        sum(budget_amount) as budget_amount,
        sum(final_amount) as final_amount,
        sum(budget_fact_count) as budget_facts,
        sum(final_fact_count) as final_facts

    from {{ ref('fct_budget_vs_final') }}

    group by unit_id, fiscal_year, fund_type

),

budget_facts as (

    select
        unit_id,
        fiscal_year,
        fund_type,
        sum(amount) as amount,
        count(*) as facts

    from {{ ref('fct_budget_appropriation_expenditure') }}

    group by unit_id, fiscal_year, fund_type

),

final_facts as (

    select
        unit_id,
        fiscal_year,
        fund_type,
        sum(amount) as amount,
        count(*) as facts

    from {{ ref('fct_appropriation_expenditure') }}

    group by unit_id, fiscal_year, fund_type

),

final as (

    select
        coalesce(compared.unit_id, budget_facts.unit_id, final_facts.unit_id) as unit_id,
        coalesce(compared.fiscal_year, budget_facts.fiscal_year, final_facts.fiscal_year)
            as fiscal_year,
        coalesce(compared.fund_type, budget_facts.fund_type, final_facts.fund_type) as fund_type,
        compared.budget_amount,
        budget_facts.amount as budget_fact_amount,
        compared.final_amount,
        final_facts.amount as final_fact_amount

    from compared

    full outer join budget_facts
        on compared.unit_id = budget_facts.unit_id
        and compared.fiscal_year = budget_facts.fiscal_year
        and compared.fund_type = budget_facts.fund_type

    full outer join final_facts
        on coalesce(compared.unit_id, budget_facts.unit_id) = final_facts.unit_id
        and coalesce(compared.fiscal_year, budget_facts.fiscal_year) = final_facts.fiscal_year
        and coalesce(compared.fund_type, budget_facts.fund_type) = final_facts.fund_type

    where compared.budget_amount is distinct from budget_facts.amount
        or compared.final_amount is distinct from final_facts.amount
        or coalesce(compared.budget_facts, 0) <> coalesce(budget_facts.facts, 0)
        or coalesce(compared.final_facts, 0) <> coalesce(final_facts.facts, 0)

)

select * from final
