{#
    The "三公"经费 tables pivoted, the final accounts' (T07) and the budget's (B07) (macro
    table_ids): one row per document and printed item with its 预算数 and 决算数 side by
    side, and the previous year's budget (上年预算数) some B07 tables print beside the
    year's (null when blank or not printed). Items are the printed labels with parentheses
    folded to full width (因公出国（境）费), so a label normalised to ASCII parentheses names
    the same item. 合计 and the vehicle 小计 (公务用车购置及运行维护费) are totals; the four
    other 三公 items are leaves. 机关运行经费, 会议费 and 培训费, printed in some budgets' B07,
    are not "三公"经费: neither leaves nor part of its 合计.
#}

with

cells as (

    select * from {{ ref('stg_raw__table_cells') }}

    where table_id in {{ table_ids('three_public') }}

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
        max(amount) filter (where column_name = '决算数') as final_amount,
        max(amount) filter (where column_name = '上年预算数') as previous_budget_amount

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
        cost_item in (
            '合计',
            '因公出国（境）费',
            '公务用车购置及运行维护费',
            '公务用车购置费',
            '公务用车运行维护费',
            '公务接待费'
        ) as is_three_public,
        budget_amount,
        final_amount,
        previous_budget_amount

    from pivoted

)

select * from final
