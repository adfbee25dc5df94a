{#
    收入决算表 (T02) facts: the finest printed rows only (leaves of the subject hierarchy),
    one row per income-source column with a printed amount (a printed 0.00 is a fact,
    a blank or '-' is not). 本年收入合计 is the row total and not a fact. Only documents
    whose derived status is 'loaded' contribute.
#}

with

documents as (

    select * from {{ ref('int_documents__current') }}

    where status = 'loaded'

),

leaf_rows as (

    select * from {{ ref('int_function_subject_rows') }}

    where table_id = 'T02'
        and is_leaf

),

cells as (

    select * from {{ ref('stg_raw__table_cells') }}

    where table_id = 'T02'
        and column_name in (
            '财政拨款收入', '上级补助收入', '事业收入', '经营收入', '附属单位上缴收入', '其他收入'
        )
        and amount is not null

),

final as (

    select
        cast(documents.unit_id as varchar) as unit_id,
        cast(documents.fiscal_year as integer) as fiscal_year,
        cast(cells.document_id as varchar) as document_id,
        cast(cells.table_id as varchar) as source_table,
        cast(leaf_rows.page as integer) as source_page,
        cast(leaf_rows.subject_code as varchar) as subject_code,
        cast(cells.column_name as varchar) as income_source,
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
