{#
    收入决算表 (T02) facts: the finest printed rows only (leaves of the subject hierarchy),
    one row per income-source column with a printed amount (a printed 0.00 is a fact,
    a blank or '-' is not). 本年收入合计 is the row total and not a fact. Only documents
    whose derived status is 'loaded' contribute.
#}

with

leaf_amounts as (

    select * from {{ ref('int_leaf_amounts__loaded') }}

    where table_id = 'T02'
        and column_name in (
            '财政拨款收入', '上级补助收入', '事业收入', '经营收入', '附属单位上缴收入', '其他收入'
        )

),

final as (

    select
        cast(unit_id as varchar) as unit_id,
        cast(fiscal_year as integer) as fiscal_year,
        cast(document_id as varchar) as document_id,
        cast(table_id as varchar) as source_table,
        cast(page as integer) as source_page,
        cast(subject_code as varchar) as subject_code,
        cast(column_name as varchar) as income_source,
        cast(amount as decimal(20, 6)) as amount

    from leaf_amounts

)

select * from final
