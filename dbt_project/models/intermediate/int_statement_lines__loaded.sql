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

with

documents as (

    select * from {{ ref('int_documents__current') }}

    where status = 'loaded'

),

extracted_tables as (

    select * from {{ ref('stg_raw__extracted_tables') }}

),

statement_cells as (

    select * from {{ ref('stg_raw__table_cells') }}

    where table_id in {{ table_ids('statement') }}
        and line_label is not null
        and amount is not null

),

fund_rows as (

    select * from {{ ref('int_function_subject_rows') }}

    where table_id in ('T08', 'T09')
        and (subject_code is not null or is_total)

),

carry_over_cells as (

    select * from {{ ref('stg_raw__table_cells') }}

    where table_id in ('T08', 'T09')
        and column_name in ('年初结转和结余', '本年收入', '年末结转和结余')
        and amount is not null

),

printed_labels as (

    -- how many lines of one side print the label, with or without amounts
    select
        document_id,
        table_id,
        side,
        line_label,
        count(distinct row_number) as printed_line_count

    from {{ ref('stg_raw__table_cells') }}

    where table_id in {{ table_ids('statement') }}
        and line_label is not null

    group by document_id, table_id, side, line_label

),

statement_lines as (

    select
        statement_cells.document_id,
        statement_cells.table_id,
        statement_cells.page,
        statement_cells.side,
        statement_cells.line_label as line_item,
        statement_cells.column_name as measure,
        statement_cells.amount,
        row_number() over (
            partition by
                statement_cells.document_id,
                statement_cells.table_id,
                statement_cells.side,
                statement_cells.line_label,
                statement_cells.column_name
            order by statement_cells.row_number
        ) as line_occurrence,
        printed_labels.printed_line_count,
        printed_labels.printed_line_count > 1 as is_ambiguous_label

    from statement_cells

    inner join printed_labels
        on statement_cells.document_id = printed_labels.document_id
        and statement_cells.table_id = printed_labels.table_id
        and statement_cells.side is not distinct from printed_labels.side
        and statement_cells.line_label = printed_labels.line_label

),

carry_over_rows as (

    select
        carry_over_cells.document_id,
        carry_over_cells.table_id,
        carry_over_cells.row_number,
        fund_rows.page,
        case carry_over_cells.column_name
            when '年末结转和结余' then '支出'
            else '收入'
        end as side,
        fund_rows.subject_code,
        coalesce(fund_rows.subject_code, '合计') as line_item,
        carry_over_cells.column_name as measure,
        carry_over_cells.amount

    from carry_over_cells

    inner join fund_rows
        on carry_over_cells.document_id = fund_rows.document_id
        and carry_over_cells.table_id = fund_rows.table_id
        and carry_over_cells.row_number = fund_rows.row_number

),

carry_over_lines as (

    -- a code printed on several rows is one subject: its rows add up
    select
        document_id,
        table_id,
        min(page) as page,
        side,
        line_item,
        measure,
        sum(amount) as amount,
        1 as line_occurrence,
        count(*) as printed_line_count,
        false as is_ambiguous_label

    from carry_over_rows

    where subject_code is not null

    group by document_id, table_id, side, line_item, measure

    union all

    -- a 合计 printed twice (a continuation page repeating it) is not added up
    select
        document_id,
        table_id,
        page,
        side,
        line_item,
        measure,
        amount,
        row_number() over (
            partition by document_id, table_id, side, line_item, measure
            order by row_number
        ) as line_occurrence,
        count(*) over (
            partition by document_id, table_id, side, line_item, measure
        ) as printed_line_count,
        count(*) over (
            partition by document_id, table_id, side, line_item, measure
        ) > 1 as is_ambiguous_label

    from carry_over_rows

    where subject_code is null

),

lines as (

    select * from statement_lines

    union all

    select * from carry_over_lines

),

final as (

    select
        documents.unit_id,
        documents.fiscal_year,
        lines.document_id,
        lines.table_id,
        lines.page,
        extracted_tables.canonical_title as statement,
        lines.side,
        lines.line_item,
        lines.measure,
        lines.amount,
        cast(lines.line_occurrence as integer) as line_occurrence,
        cast(lines.printed_line_count as integer) as printed_line_count,
        lines.is_ambiguous_label

    from lines

    inner join documents
        on lines.document_id = documents.document_id

    inner join extracted_tables
        on lines.document_id = extracted_tables.document_id
        and lines.table_id = extracted_tables.table_id

)

select * from final
