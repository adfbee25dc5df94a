{#
    "三公"经费 budget against final accounts, per unit, fiscal year and leaf item
    (因公出国（境）费, 公务用车购置费, 公务用车运行维护费, 公务接待费) printed in either
    document: the budget's B07 预算数 (fct_budget_three_public_costs) beside the final
    accounts' T07 预算数 and 决算数 (fct_three_public_costs). The T07 预算数 restates the
    budget, so budget_amount and final_budget_amount should agree. A side that is not
    loaded or does not print the item is null. The document columns name the unit-year's
    loaded budget and final (null when none is loaded), also on rows the document does
    not print.
#}

with

{{ loaded_budget_and_final_documents() }}

budget_items as (

    select * from {{ ref('fct_budget_three_public_costs') }}

),

final_items as (

    select * from {{ ref('fct_three_public_costs') }}

),

items as (

    select
        coalesce(budget_items.unit_id, final_items.unit_id) as unit_id,
        coalesce(budget_items.fiscal_year, final_items.fiscal_year) as fiscal_year,
        coalesce(budget_items.cost_item, final_items.cost_item) as cost_item,
        budget_items.amount as budget_amount,
        final_items.budget_amount as final_budget_amount,
        final_items.final_amount

    from budget_items

    full outer join final_items
        on budget_items.unit_id = final_items.unit_id
        and budget_items.fiscal_year = final_items.fiscal_year
        and budget_items.cost_item = final_items.cost_item

),

final as (

    select
        cast(items.unit_id as varchar) as unit_id,
        cast(items.fiscal_year as integer) as fiscal_year,
        cast(items.cost_item as varchar) as cost_item,
        cast(items.budget_amount as decimal(20, 6)) as budget_amount,
        cast(items.final_budget_amount as decimal(20, 6)) as final_budget_amount,
        cast(items.final_amount as decimal(20, 6)) as final_amount,
        cast(budget_documents.document_id as varchar) as budget_document_id,
        cast(final_documents.document_id as varchar) as final_document_id

    from items

    {{ join_budget_and_final_documents('items') }}

)

select * from final
