{#
    支出决算表 (T03) facts: the finest printed rows only (leaves of the subject hierarchy),
    one row per expenditure-type column with a printed amount (a printed 0.00 is a fact,
    a blank or '-' is not). 本年支出合计 is the row total and not a fact. Only documents
    whose derived status is 'loaded' contribute.
#}

with

leaf_amounts as (

    select * from {{ ref('int_leaf_amounts__loaded') }}

    where table_id = 'T03'
        and column_name in ('基本支出', '项目支出', '上缴上级支出', '经营支出', '对附属单位补助支出')

),

final as (

    select
        cast(unit_id as varchar) as unit_id,
        cast(fiscal_year as integer) as fiscal_year,
        cast(document_id as varchar) as document_id,
        cast(table_id as varchar) as source_table,
        cast(page as integer) as source_page,
        cast(subject_code as varchar) as subject_code,
        cast(column_name as varchar) as expenditure_type,
        cast(amount as decimal(20, 6)) as amount

    from leaf_amounts

)

select * from final
