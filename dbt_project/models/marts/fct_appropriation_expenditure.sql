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

leaf_amounts as (

    select * from {{ ref('int_leaf_amounts__loaded') }}

    where table_id in ('T05', 'T08', 'T09')
        and column_name in ('基本支出', '项目支出', '本年支出基本支出', '本年支出项目支出')

),

final as (

    select
        cast(unit_id as varchar) as unit_id,
        cast(fiscal_year as integer) as fiscal_year,
        cast(document_id as varchar) as document_id,
        cast(table_id as varchar) as source_table,
        cast(page as integer) as source_page,
        cast(subject_code as varchar) as subject_code,
        cast(
            case table_id
                when 'T05' then '一般公共预算'
                when 'T08' then '政府性基金预算'
                when 'T09' then '国有资本经营预算'
            end as varchar
        ) as fund_type,
        cast(
            case column_name
                when '本年支出基本支出' then '基本支出'
                when '本年支出项目支出' then '项目支出'
                else column_name
            end as varchar
        ) as expenditure_type,
        cast(amount as decimal(20, 6)) as amount

    from leaf_amounts

)

select * from final
