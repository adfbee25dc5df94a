{{ config(severity='warn') }}
{#
    A statement line is named by its printed label. A label printed on several lines of
    one side of a statement (行政运行 under several 款 of a 收支总表 that lists the function
    hierarchy by name; a fund name under 本年收入 and again under 上年结转) cannot say which
    line it is: those lines are left out of the facts (int_statement_lines__loaded flags
    them is_ambiguous_label). A finding, as a warning, never a broken build: one row per
    document, table, side and label.
#}

with

ambiguous as (

    select * from {{ ref('int_statement_lines__loaded') }}

    where is_ambiguous_label

),

final as (

    select
        document_id,
        table_id,
        side,
        line_item,
        max(printed_line_count) as printed_line_count,
        min(page) as first_page

    from ambiguous

    group by document_id, table_id, side, line_item

)

select * from final
