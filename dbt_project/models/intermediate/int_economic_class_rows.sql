{#
    The printed rows of the economic-class tables, 一般公共预算财政拨款基本支出决算表 (T06)
    and the budget's 一般公共预算基本支出表 (B06) (macro table_ids), one per document and
    row, with the economic-class hierarchy, leaf detection and cost category. A 类 is a
    leaf only when none of its 款 is printed (macro is_leaf_code); the total rows (合计,
    人员经费合计, 公用经费合计) have no code and are never leaves. The cost category comes
    from the seed's grouping by class (人员经费 = 301 + 303); a class the seed does not
    list is the rest of basic expenditure, 公用经费.
#}

{{ economic_class_rows() }}
