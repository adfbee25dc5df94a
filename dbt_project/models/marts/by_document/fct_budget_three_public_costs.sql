{#
    "三公"经费 facts of the budgets (B07): one row per document and leaf item
    (因公出国（境）费, 公务用车购置费, 公务用车运行维护费, 公务接待费) with its printed
    预算数 (the budget year's; a printed previous-year column is not a fact). 合计 and the
    vehicle 小计 (公务用车购置及运行维护费) are totals, not facts. 机关运行经费, 会议费 and
    培训费, printed in some B07 tables, are not "三公"经费 and are left out, so SUM(amount)
    is the 三公 total. An item without a printed 预算数 is dropped; a printed 0.00 is kept.
    Loaded documents only; an empty table (本表无数据) has no cells and so no facts.
#}

{{ three_public_facts('B07', [['budget_amount', 'amount']]) }}
