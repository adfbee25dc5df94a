{#
    Appropriation expenditure facts from the three fund tables: 一般公共预算财政拨款支出决算表
    (T05), 政府性基金预算财政拨款收入支出决算表 (T08) and 国有资本经营预算财政拨款支出决算表
    (T09). The fund type is the table's; the expenditure type is the 基本支出 / 项目支出
    column, printed under 本年支出 in T08 and in T09 since 2024 (laid out like T08). The
    合计 / 小计 column is the row total, the carry-over columns live in
    fct_statement_lines: neither is a fact here. Leaves only, printed amounts only (a
    printed 0.00 is a fact), loaded documents only.
#}

{{ appropriation_facts(
    fund_types=[['T05', '一般公共预算'], ['T08', '政府性基金预算'], ['T09', '国有资本经营预算']],
    part_columns=['基本支出', '项目支出', '本年支出基本支出', '本年支出项目支出'],
    part_names={'本年支出基本支出': '基本支出', '本年支出项目支出': '项目支出'}
) }}
