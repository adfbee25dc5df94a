{#
    支出总表 (B03) facts of the budgets: the finest printed rows only (leaves of the subject
    hierarchy), one row per expenditure-type column with a printed amount (a printed 0.00
    is a fact, a blank or '-' is not). 合计 is the row total and not a fact. Only documents
    whose derived status is 'loaded' contribute.
    A code printed on several rows of the table is one fact, its rows added up and its
    page the first (int_leaf_amounts__loaded).
#}

{{ leaf_amount_facts(
    table_ids=['B03'],
    column_names=['基本支出', '项目支出', '上缴上级支出', '事业单位经营支出', '对附属单位补助支出'],
    labels=[['subject_code', 'subject_code'], ['column_name', 'expenditure_type']]
) }}
