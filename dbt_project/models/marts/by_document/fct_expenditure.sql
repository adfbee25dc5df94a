{#
    支出决算表 (T03) facts: the finest printed rows only (leaves of the subject hierarchy),
    one row per expenditure-type column with a printed amount (a printed 0.00 is a fact,
    a blank or '-' is not). 本年支出合计 is the row total and not a fact. Only documents
    whose derived status is 'loaded' contribute.
#}

{{ leaf_amount_facts(
    table_ids=['T03'],
    column_names=['基本支出', '项目支出', '上缴上级支出', '经营支出', '对附属单位补助支出'],
    labels=[['subject_code', 'subject_code'], ['column_name', 'expenditure_type']]
) }}
