{#
    收入总表 (B02) facts of the budgets: the finest printed rows only (leaves of the subject
    hierarchy), one row per income part column with a printed amount (a printed 0.00 is a
    fact, a blank or '-' is not). The 合计 column and any printed '<…>小计' column are
    totals over the parts and never facts; the parts are disjoint (财政拨款收入 is one
    column only when the fund split is not printed), so SUM never double counts. Only
    documents whose derived status is 'loaded' contribute.
    A code printed on several rows of the table is one fact, its rows added up and its
    page the first (int_leaf_amounts__loaded).
#}

{{ leaf_amount_facts(
    table_ids=['B02'],
    column_names=[
        '财政拨款收入',
        '一般公共预算拨款收入',
        '政府性基金预算拨款收入',
        '国有资本经营预算拨款收入',
        '财政专户管理资金收入',
        '事业收入',
        '事业单位经营收入',
        '上级补助收入',
        '附属单位上缴收入',
        '其他收入',
        '上年结转结余',
    ],
    labels=[['subject_code', 'subject_code'], ['column_name', 'income_source']]
) }}
