{#
    一般公共预算财政拨款基本支出决算表 (T06) facts: one row per leaf economic code with a
    printed 决算数 (a 类 is a leaf only when none of its 款 is printed; a printed 0.00 is
    a fact, a blank is not). The totals 人员经费合计 / 公用经费合计 are not facts; the cost
    category comes from the seed's grouping (人员经费 = 301 + 303). Loaded documents only.
#}

{{ leaf_amount_facts(
    table_ids=['T06'],
    column_names=['决算数'],
    labels=[['econ_code', 'econ_code'], ['cost_category', 'cost_category']]
) }}
