{#
    收入决算表 (T02) facts: the finest printed rows only (leaves of the subject hierarchy),
    one row per income-source column with a printed amount (a printed 0.00 is a fact,
    a blank or '-' is not). 本年收入合计 is the row total and not a fact. Only documents
    whose derived status is 'loaded' contribute.
#}

{{ leaf_amount_facts(
    table_ids=['T02'],
    column_names=['财政拨款收入', '上级补助收入', '事业收入', '经营收入', '附属单位上缴收入', '其他收入'],
    labels=[['subject_code', 'subject_code'], ['column_name', 'income_source']]
) }}
