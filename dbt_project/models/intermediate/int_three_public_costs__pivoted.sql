{#
    The "三公"经费 table (T07) pivoted: one row per document and printed item with its
    预算数 and 决算数 side by side (null when blank or not printed). Items are the
    printed labels with parentheses folded to full width (因公出国（境）费), so a label
    normalised to ASCII parentheses names the same item. 合计 and the vehicle 小计
    (公务用车购置及运行维护费) are totals; the four other items are leaves.
#}

with

cells as (

    select * from {{ ref('stg_raw__table_cells') }}

    where table_id = 'T07'

),

items as (

    select
        document_id,
        table_id,
        row_number,
        page,
        replace(replace(line_label, '(', '（'), ')', '）') as cost_item,
        column_name,
        amount

    from cells

    where line_label is not null

),

pivoted as (

    select
        document_id,
        table_id,
        cost_item,
        min(row_number) as row_number,
        min(page) as page,
        max(amount) filter (where column_name = '预算数') as budget_amount,
        max(amount) filter (where column_name = '决算数') as final_amount

    from items

    group by document_id, table_id, cost_item

),

final as (

    select
        document_id,
        table_id,
        row_number,
        page,
        cost_item,
        cost_item in (
            '因公出国（境）费', '公务用车购置费', '公务用车运行维护费', '公务接待费'
        ) as is_leaf,
        budget_amount,
        final_amount

    from pivoted

)

select * from final
