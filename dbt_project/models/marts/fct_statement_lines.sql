{#
    The printed lines of the two-sided statements 收入支出决算总表 (T01) and
    财政拨款收入支出决算总表 (T04), every line and measure with a printed amount, totals
    included by design (本年收入合计, 总计 …): they are what the identities are checked
    against. Lines without a printed label cannot be named and are left out. Per-fund
    sub-lines under a carry-over line keep the extractor's "<parent>-<fund>" label.

    Also the carry-over columns (年初结转和结余, 本年收入, 年末结转和结余) of
    政府性基金预算财政拨款收入支出决算表 (T08) and of 国有资本经营预算财政拨款支出决算表 (T09)
    when printed in the T08 layout (2024 on): every subject row and the 合计 row, the
    line item being the subject code or '合计'; 年初 and 本年收入 are the 收入 side, 年末
    the 支出 side. The statement is the table's canonical title. Loaded documents only.
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

    where table_id in ('T01', 'T04')
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

statement_lines as (

    select
        document_id,
        table_id,
        page,
        side,
        line_label as line_item,
        column_name as measure,
        amount

    from statement_cells

),

carry_over_lines as (

    select
        carry_over_cells.document_id,
        carry_over_cells.table_id,
        fund_rows.page,
        case carry_over_cells.column_name
            when '年末结转和结余' then '支出'
            else '收入'
        end as side,
        coalesce(fund_rows.subject_code, '合计') as line_item,
        carry_over_cells.column_name as measure,
        carry_over_cells.amount

    from carry_over_cells

    inner join fund_rows
        on carry_over_cells.document_id = fund_rows.document_id
        and carry_over_cells.table_id = fund_rows.table_id
        and carry_over_cells.row_number = fund_rows.row_number

),

lines as (

    select * from statement_lines

    union all

    select * from carry_over_lines

),

final as (

    select
        cast(documents.unit_id as varchar) as unit_id,
        cast(documents.fiscal_year as integer) as fiscal_year,
        cast(lines.document_id as varchar) as document_id,
        cast(lines.table_id as varchar) as source_table,
        cast(lines.page as integer) as source_page,
        cast(extracted_tables.canonical_title as varchar) as statement,
        cast(lines.side as varchar) as side,
        cast(lines.line_item as varchar) as line_item,
        cast(lines.measure as varchar) as measure,
        cast(lines.amount as decimal(20, 6)) as amount

    from lines

    inner join documents
        on lines.document_id = documents.document_id

    inner join extracted_tables
        on lines.document_id = extracted_tables.document_id
        and lines.table_id = extracted_tables.table_id

)

select * from final
