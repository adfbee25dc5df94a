{#
    The printed rows of the economic-class tables, 一般公共预算财政拨款基本支出决算表 (T06)
    and the budget's 一般公共预算基本支出表 (B06) (macro table_ids), one per document and
    row, with the economic-class hierarchy, leaf detection and cost category. A 类 is a
    leaf only when none of its 款 is printed (macro is_leaf_code); the total rows (合计,
    人员经费合计, 公用经费合计) have no code and are never leaves. The cost category comes
    from the seed's grouping by class (人员经费 = 301 + 303); a class the seed does not
    list is the rest of basic expenditure, 公用经费.
#}

with

cells as (

    select * from {{ ref('stg_raw__table_cells') }}

    where table_id in {{ table_ids('economic_class') }}

),

economic_classes as (

    select * from {{ ref('economic_classes') }}

),

printed_rows as (

    -- row attributes repeat on every cell of the row; one row each
    select distinct
        document_id,
        table_id,
        row_number,
        page,
        subject_code as econ_code,
        line_label

    from cells

),

leaf_flags as (

    select
        printed_rows.*,
        {{ is_leaf_code('printed_rows', 'econ_code') }} as is_leaf

    from printed_rows

),

final as (

    select
        leaf_flags.document_id,
        leaf_flags.table_id,
        leaf_flags.row_number,
        leaf_flags.page,
        leaf_flags.econ_code,
        leaf_flags.line_label,
        case length(leaf_flags.econ_code)
            when 3 then '类'
            when 5 then '款'
        end as econ_level,
        case
            when length(leaf_flags.econ_code) >= 3 then left(leaf_flags.econ_code, 3)
        end as class_code,
        economic_classes.class_name as national_class_name,
        case
            when leaf_flags.econ_code is not null
                then coalesce(economic_classes.cost_category, '公用经费')
        end as cost_category,
        leaf_flags.is_leaf

    from leaf_flags

    left join economic_classes
        on left(leaf_flags.econ_code, 3) = economic_classes.class_code

)

select * from final
