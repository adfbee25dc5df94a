{#
    The printed rows of the function-subject tables of both disclosures (final accounts
    T02, T03, T05, T08, T09; budgets B02, B03, B05, B08, B09: macro table_ids), one per
    document, table and row, with the subject hierarchy and leaf detection (macro
    is_leaf_code): a row with a subject code is a leaf when no other row of the same
    document and table has a longer code starting with it, so a 类 or 款 printed without
    its children is a leaf too. Label rows (合计 and the like, no code) are never leaves.
    Leafness belongs to the code, not the row: a code printed on several rows (Beijing's
    budgets print a function code once per economic class or per unit) is a leaf on all of
    them or on none, and one with printed children is no leaf however often it is printed;
    int_leaf_amounts__loaded adds a leaf code's rows up.
#}

with

cells as (

    select * from {{ ref('stg_raw__table_cells') }}

    where table_id in {{ table_ids('function_subject') }}

),

printed_rows as (

    -- row attributes repeat on every cell of the row; one row each
    select distinct
        document_id,
        table_id,
        row_number,
        page,
        subject_code,
        line_label

    from cells

),

leaf_flags as (

    select
        printed_rows.*,
        {{ is_leaf_code('printed_rows') }} as is_leaf

    from printed_rows

),

final as (

    select
        document_id,
        table_id,
        row_number,
        page,
        subject_code,
        line_label,
        case length(subject_code)
            when 3 then '类'
            when 5 then '款'
            when 7 then '项'
        end as subject_level,
        case
            when length(subject_code) >= 3 then left(subject_code, 3)
        end as class_code,
        case
            when length(subject_code) >= 5 then left(subject_code, 5)
        end as section_code,
        subject_code is null and line_label like '%合计%' as is_total,
        is_leaf

    from leaf_flags

)

select * from final
