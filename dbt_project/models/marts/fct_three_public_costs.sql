{#
    "三公"经费 (T07) facts: one row per document and leaf item (因公出国（境）费,
    公务用车购置费, 公务用车运行维护费, 公务接待费) with its 预算数 and 决算数. 合计 and the
    vehicle 小计 (公务用车购置及运行维护费) are totals, not facts. An item with neither
    amount printed is dropped; a printed 0.00 is kept. Loaded documents only; an empty
    table (本表无数据) has no cells and so no facts.
#}

with

documents as (

    select * from {{ ref('int_documents__current') }}

    where status = 'loaded'

),

items as (

    select * from {{ ref('int_three_public_costs__pivoted') }}

    where is_leaf
        and (budget_amount is not null or final_amount is not null)

),

final as (

    select
        cast(documents.unit_id as varchar) as unit_id,
        cast(documents.fiscal_year as integer) as fiscal_year,
        cast(items.document_id as varchar) as document_id,
        cast(items.table_id as varchar) as source_table,
        cast(items.page as integer) as source_page,
        cast(items.cost_item as varchar) as cost_item,
        cast(items.budget_amount as decimal(20, 6)) as budget_amount,
        cast(items.final_amount as decimal(20, 6)) as final_amount

    from items

    inner join documents
        on items.document_id = documents.document_id

)

select * from final
