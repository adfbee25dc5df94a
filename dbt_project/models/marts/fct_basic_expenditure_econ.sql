{#
    一般公共预算财政拨款基本支出决算表 (T06) facts: one row per leaf economic code with a
    printed 决算数 (a 类 is a leaf only when none of its 款 is printed; a printed 0.00 is
    a fact, a blank is not). The totals 人员经费合计 / 公用经费合计 are not facts; the cost
    category comes from the seed's grouping (人员经费 = 301 + 303). Loaded documents only.
#}

with

documents as (

    select * from {{ ref('int_documents__current') }}

    where status = 'loaded'

),

leaf_rows as (

    select * from {{ ref('int_economic_class_rows') }}

    where is_leaf

),

cells as (

    select * from {{ ref('stg_raw__table_cells') }}

    where table_id = 'T06'
        and column_name = '决算数'
        and amount is not null

),

final as (

    select
        cast(documents.unit_id as varchar) as unit_id,
        cast(documents.fiscal_year as integer) as fiscal_year,
        cast(cells.document_id as varchar) as document_id,
        cast(cells.table_id as varchar) as source_table,
        cast(leaf_rows.page as integer) as source_page,
        cast(leaf_rows.econ_code as varchar) as econ_code,
        cast(leaf_rows.cost_category as varchar) as cost_category,
        cast(cells.amount as decimal(20, 6)) as amount

    from cells

    inner join leaf_rows
        on cells.document_id = leaf_rows.document_id
        and cells.table_id = leaf_rows.table_id
        and cells.row_number = leaf_rows.row_number

    inner join documents
        on cells.document_id = documents.document_id

)

select * from final
