{#
    一般公共预算财政拨款基本支出决算表 (T06) facts: one row per leaf economic code with a
    printed 决算数 (a 类 is a leaf only when none of its 款 is printed; a printed 0.00 is
    a fact, a blank is not). The totals 人员经费合计 / 公用经费合计 are not facts; the cost
    category comes from the seed's grouping (人员经费 = 301 + 303). Loaded documents only.
#}

with

leaf_amounts as (

    select * from {{ ref('int_leaf_amounts__loaded') }}

    where table_id = 'T06'
        and column_name = '决算数'

),

final as (

    select
        cast(unit_id as varchar) as unit_id,
        cast(fiscal_year as integer) as fiscal_year,
        cast(document_id as varchar) as document_id,
        cast(table_id as varchar) as source_table,
        cast(page as integer) as source_page,
        cast(econ_code as varchar) as econ_code,
        cast(cost_category as varchar) as cost_category,
        cast(amount as decimal(20, 6)) as amount

    from leaf_amounts

)

select * from final
