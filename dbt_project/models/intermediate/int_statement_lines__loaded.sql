{#
    The printed lines of the two-sided statements of both disclosures (macro table_ids):
    收入支出决算总表 (T01) and 财政拨款收入支出决算总表 (T04) of the final accounts,
    收支总表 (B01) and 财政拨款收支总表 (B04) of the budgets; every line and measure with a
    printed amount, totals included by design (本年收入合计, 总计 …): they are what the
    identities are checked against. Lines without a printed label cannot be named and are
    left out. Per-fund sub-lines under a carry-over line keep the extractor's
    "<parent>-<fund>" label.

    Also the carry-over columns (年初结转和结余, 本年收入, 年末结转和结余) of
    政府性基金预算财政拨款收入支出决算表 (T08) and of 国有资本经营预算财政拨款支出决算表 (T09)
    when printed in the T08 layout (2024 on): every subject row and the 合计 row, the
    line item being the subject code or '合计'; 年初 and 本年收入 are the 收入 side, 年末
    the 支出 side. The statement is the table's canonical title. Loaded documents only;
    fct_statement_lines and fct_budget_statement_lines each pick their tables.

    A line is named by its printed label, and some statements print one label on several
    lines of a side: budgets that list the whole function hierarchy by name print
    行政运行 under 司法, under 监狱 and under 强制隔离戒毒 (Hangzhou's 收支总表), a 款 and
    its 项 of the same name, or a fund name under 本年收入 and again under 上年结转. Those
    lines are different things under one name: they are not added up, each is kept
    (line_occurrence numbers them in printed order) and flagged is_ambiguous_label, and the
    facts leave them out (the singular test statement_labels_printed_once reports them,
    as a warning). A subject code of T08/T09 is an identity, not a name: a code printed on
    several rows is one subject and its rows add up (as int_leaf_amounts__loaded does).
#}

{{ statement_lines_loaded() }}
