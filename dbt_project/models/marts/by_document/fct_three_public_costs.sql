{#
    "三公"经费 (T07) facts: one row per document and leaf item (因公出国（境）费,
    公务用车购置费, 公务用车运行维护费, 公务接待费) with its 预算数 and 决算数. 合计 and the
    vehicle 小计 (公务用车购置及运行维护费) are totals, not facts. An item with neither
    amount printed is dropped; a printed 0.00 is kept. Loaded documents only; an empty
    table (本表无数据) has no cells and so no facts.
#}

{{ three_public_facts('T07', [['budget_amount', 'budget_amount'], ['final_amount', 'final_amount']]) }}
