{#
    The printed lines of the budgets' two-sided statements 收支总表 (B01) and
    财政拨款收支总表 (B04), every line and measure with a printed amount, totals included by
    design (本年收入合计, 总计 …), as fct_statement_lines holds the final accounts' T01 and
    T04: the budget tables of int_statement_lines__loaded. Loaded documents only. A label
    printed on several lines of one side (行政运行 under several 款 of a statement that lists
    the function hierarchy by name) names different lines: those lines are not facts
    (int_statement_lines__loaded keeps and flags them).
#}

{{ statement_line_facts(['B01', 'B04']) }}
