{#
    一般公共预算基本支出表 (B06) facts of the budgets: one row per leaf economic code with a
    printed amount in its 合计 column, the row's amount (a 类 is a leaf only when none of
    its 款 is printed; a printed 0.00 is a fact, a blank is not). The total rows (合计,
    人员经费合计, 公用经费合计) are not facts, nor are the 人员经费 / 公用经费 columns some
    budgets print beside 合计 (they split the same amount). The cost category is the seed's
    grouping (人员经费 = 301 + 303), as for the final accounts, so budget and final are
    grouped alike. Loaded documents only.
    A code printed on several rows of the table is one fact, its rows added up and its
    page the first (int_leaf_amounts__loaded).
#}

{{ leaf_amount_facts(
    table_ids=['B06'],
    column_names=['合计'],
    labels=[['econ_code', 'econ_code'], ['cost_category', 'cost_category']]
) }}
