{#
    Budget against final accounts, per unit, fiscal year, fund, function subject and
    expenditure type: the budgets' fund tables (B05, B08, B09: fct_budget_appropriation_
    expenditure) against the final accounts' (T05, T08, T09: fct_appropriation_expenditure,
    which already reads T08's and the 2024 T09's 本年支出 columns). Both sides are leaf
    facts of the unit-year's loaded document of each kind; a code a document prints on
    several rows is already one fact there (int_leaf_amounts__loaded adds its rows up), so
    it is compared at the sum.

    The two documents need not print the same depth. Within a unit, year and fund, a leaf
    printed by one document is compared at the coarsest leaf either document prints on its
    branch: a leaf with a printed leaf of the other document among its prefixes is summed
    into that coarser code (the budget prints 2080505 and 2080506, the final only 20805:
    both budget rows are compared at 20805); a leaf with no such prefix stands as printed,
    and the other side is null there. So every row's subject is a leaf printed in one of
    the two documents, and SUM over either side equals that document's facts.

    A budget fund table printing its total column alone gives facts typed '合计'; that
    fund is then compared at '合计', the final's 基本支出 and 项目支出 summed.

    execution_rate = final ÷ budget (macro exact_ratio: DECIMAL(38,6), exact, half away
    from zero), null when either side is null or the budget is 0. The document columns
    name the unit-year's loaded budget and final (null when none is loaded), also on rows
    the document does not print.
#}

with

{{ loaded_budget_and_final_documents() }}

facts as (

    select
        '预算' as side,
        unit_id,
        fiscal_year,
        fund_type,
        subject_code,
        expenditure_type,
        amount

    from {{ ref('fct_budget_appropriation_expenditure') }}

    union all

    select
        '决算' as side,
        unit_id,
        fiscal_year,
        fund_type,
        subject_code,
        expenditure_type,
        amount

    from {{ ref('fct_appropriation_expenditure') }}

),

printed_leaves as (

    select distinct
        unit_id,
        fiscal_year,
        fund_type,
        subject_code

    from facts

),

compared_codes as (

    -- the shortest printed leaf, of either document, on the leaf's branch (itself at most)
    select
        leaf.unit_id,
        leaf.fiscal_year,
        leaf.fund_type,
        leaf.subject_code,
        coarser.subject_code as compared_code

    from printed_leaves as leaf

    inner join printed_leaves as coarser
        on leaf.unit_id = coarser.unit_id
        and leaf.fiscal_year = coarser.fiscal_year
        and leaf.fund_type = coarser.fund_type
        and starts_with(leaf.subject_code, coarser.subject_code)

    qualify row_number() over (
        partition by leaf.unit_id, leaf.fiscal_year, leaf.fund_type, leaf.subject_code
        order by length(coarser.subject_code)
    ) = 1

),

total_only_funds as (

    select distinct
        unit_id,
        fiscal_year,
        fund_type

    from facts

    where side = '预算'
        and expenditure_type = '合计'

),

compared_facts as (

    select
        facts.side,
        facts.unit_id,
        facts.fiscal_year,
        facts.fund_type,
        compared_codes.compared_code as subject_code,
        case
            when total_only_funds.fund_type is not null then '合计'
            else facts.expenditure_type
        end as expenditure_type,
        facts.amount

    from facts

    inner join compared_codes
        on facts.unit_id = compared_codes.unit_id
        and facts.fiscal_year = compared_codes.fiscal_year
        and facts.fund_type = compared_codes.fund_type
        and facts.subject_code = compared_codes.subject_code

    left join total_only_funds
        on facts.unit_id = total_only_funds.unit_id
        and facts.fiscal_year = total_only_funds.fiscal_year
        and facts.fund_type = total_only_funds.fund_type

),

compared as (

    select
        unit_id,
        fiscal_year,
        subject_code,
        fund_type,
        expenditure_type,
        sum(amount) filter (where side = '预算') as budget_amount,
        sum(amount) filter (where side = '决算') as final_amount,
        count(*) filter (where side = '预算') as budget_fact_count,
        count(*) filter (where side = '决算') as final_fact_count

    from compared_facts

    group by unit_id, fiscal_year, subject_code, fund_type, expenditure_type

),

final as (

    select
        cast(compared.unit_id as varchar) as unit_id,
        cast(compared.fiscal_year as integer) as fiscal_year,
        cast(compared.subject_code as varchar) as subject_code,
        cast(compared.fund_type as varchar) as fund_type,
        cast(compared.expenditure_type as varchar) as expenditure_type,
        cast(compared.budget_amount as decimal(20, 6)) as budget_amount,
        cast(compared.final_amount as decimal(20, 6)) as final_amount,
        {{ exact_ratio('compared.final_amount', 'compared.budget_amount') }} as execution_rate,
        cast(budget_documents.document_id as varchar) as budget_document_id,
        cast(final_documents.document_id as varchar) as final_document_id,
        cast(compared.budget_fact_count as integer) as budget_fact_count,
        cast(compared.final_fact_count as integer) as final_fact_count

    from compared

    {{ join_budget_and_final_documents('compared') }}

)

select * from final
