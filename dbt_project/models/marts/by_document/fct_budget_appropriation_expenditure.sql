{#
    Appropriation expenditure facts of the budgets' three fund tables: 一般公共预算支出表
    (B05), 政府性基金预算支出表 (B08) and 国有资本经营预算支出表 (B09). The fund type is the
    table's; the expenditure type is the 基本支出 / 项目支出 column. Some budgets print a
    fund table with its total column alone: when a document's table prints neither a
    基本支出 nor a 项目支出 column (no cell of the table is in either), its leaves' 合计
    cells are the facts, with expenditure type '合计'. A table therefore gives either parts
    or totals, never both, and SUM never double counts. Leaves only, printed amounts only
    (a printed 0.00 is a fact), loaded documents only.
    A code printed on several rows of the table is one fact, its rows added up and its
    page the first (int_leaf_amounts__loaded).
#}

{{ appropriation_facts(
    fund_types=[['B05', '一般公共预算'], ['B08', '政府性基金预算'], ['B09', '国有资本经营预算']],
    part_columns=['基本支出', '项目支出'],
    total_column='合计'
) }}
