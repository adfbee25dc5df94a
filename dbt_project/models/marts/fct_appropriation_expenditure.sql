{#
    Appropriation expenditure facts from the three fund tables: 一般公共预算财政拨款支出决算表
    (T05), 政府性基金预算财政拨款收入支出决算表 (T08) and 国有资本经营预算财政拨款支出决算表
    (T09). The fund type is the table's; the expenditure type is the 基本支出 / 项目支出
    column, printed under 本年支出 in T08 and in T09 since 2024 (laid out like T08). The
    合计 / 小计 column is the row total, the carry-over columns live in
    fct_statement_lines: neither is a fact here. Leaves only, printed amounts only (a
    printed 0.00 is a fact), loaded documents only.
#}

with

documents as (

    select * from {{ ref('int_documents__current') }}

    where status = 'loaded'

),

leaf_rows as (

    select * from {{ ref('int_function_subject_rows') }}

    where table_id in ('T05', 'T08', 'T09')
        and is_leaf

),

cells as (

    select * from {{ ref('stg_raw__table_cells') }}

    where table_id in ('T05', 'T08', 'T09')
        and column_name in ('基本支出', '项目支出', '本年支出基本支出', '本年支出项目支出')
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
        cast(
            case cells.table_id
                when 'T05' then '一般公共预算'
                when 'T08' then '政府性基金预算'
                when 'T09' then '国有资本经营预算'
            end as varchar
        ) as fund_type,
        cast(
            case cells.column_name
                when '本年支出基本支出' then '基本支出'
                when '本年支出项目支出' then '项目支出'
                else cells.column_name
            end as varchar
        ) as expenditure_type,
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
