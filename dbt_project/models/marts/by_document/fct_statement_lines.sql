{#
    The printed lines of the final accounts' two-sided statements 收入支出决算总表 (T01) and
    财政拨款收入支出决算总表 (T04), totals included by design, and the carry-over columns of
    T08 and of T09 in the T08 layout: the final-accounts tables of
    int_statement_lines__loaded (the budgets' B01 and B04 are fct_budget_statement_lines).
    Loaded documents only.
#}

{{ statement_line_facts(['T01', 'T04', 'T08', 'T09']) }}
