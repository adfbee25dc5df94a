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

{{ three_public_costs_pivoted() }}
