{#
    The per-document intermediate rows, as macros: each int_* model of this file is its
    macro called without documents (every document: the view), and an incremental fact
    mart calls the same macro with its batch's document ids, so the filter sits on every
    read of raw, before the window functions, self-joins and aggregates. (DuckDB does not
    carry a filter on a view's output into the inner side of a NOT EXISTS, nor into a CTE
    it materialises: the view read with a filter would still scan every document.)

    document_ids: none for every document, else a list of document ids (maybe empty).
    in_test: called by a data test (document_ref).
#}


{# A filter on a document id column: true for none, false for an empty list, else an IN list. #}
{% macro in_documents(column, document_ids) -%}
    {%- if document_ids is none -%}
        true
    {%- elif document_ids | length == 0 -%}
        false
    {%- else -%}
        {{ column }} in {{ sql_string_list(document_ids) }}
    {%- endif -%}
{%- endmacro %}


{#
    A model or seed the macros below read: ref() in a model, for its lineage; in a data
    test (in_test, macros/test_scope.sql), the relation itself, as a test may only ref() the
    model it tests (its other reads are upstream of that model).
#}
{% macro document_ref(name, in_test=false) -%}
    {%- if not in_test -%}
        {{- return(ref(name)) -}}
    {%- endif -%}
    {%- set node = graph.nodes.values() | selectattr('name', 'equalto', name) | first -%}
    {{- return(api.Relation.create(
        database=target.database, schema=node.schema, identifier=node.alias
    )) -}}
{%- endmacro %}


{#
    The relation of a per-document intermediate model: the view itself for every document,
    else its macro's query restricted to the documents, as a subquery.
#}
{% macro document_rows(model_name, document_ids, in_test=false) -%}
    {%- if document_ids is none -%}
        {{ document_ref(model_name, in_test) }}
    {%- elif model_name == 'int_function_subject_rows' -%}
        ({{ function_subject_rows(document_ids, in_test) }})
    {%- elif model_name == 'int_economic_class_rows' -%}
        ({{ economic_class_rows(document_ids, in_test) }})
    {%- elif model_name == 'int_three_public_costs__pivoted' -%}
        ({{ three_public_costs_pivoted(document_ids, in_test) }})
    {%- elif model_name == 'int_leaf_amounts__loaded' -%}
        ({{ leaf_amounts_loaded(document_ids, in_test) }})
    {%- elif model_name == 'int_statement_lines__loaded' -%}
        ({{ statement_lines_loaded(document_ids, in_test) }})
    {%- else -%}
        {{ exceptions.raise_compiler_error('document_rows: no macro for ' ~ model_name) }}
    {%- endif -%}
{%- endmacro %}

{# The rows of int_function_subject_rows (see the model), of the given documents only. #}
{% macro function_subject_rows(document_ids=none, in_test=false) -%}
with

cells as (

    select * from {{ document_ref('stg_raw__table_cells', in_test) }}

    where table_id in {{ table_ids('function_subject') }}
        and {{ in_documents('document_id', document_ids) }}

),

printed_rows as (

    -- row attributes repeat on every cell of the row; one row each
    select distinct
        document_id,
        table_id,
        row_number,
        page,
        subject_code,
        line_label

    from cells

),

leaf_flags as (

    select
        printed_rows.*,
        {{ is_leaf_code('printed_rows') }} as is_leaf

    from printed_rows

),

final as (

    select
        document_id,
        table_id,
        row_number,
        page,
        subject_code,
        line_label,
        case length(subject_code)
            when 3 then '类'
            when 5 then '款'
            when 7 then '项'
        end as subject_level,
        case
            when length(subject_code) >= 3 then left(subject_code, 3)
        end as class_code,
        case
            when length(subject_code) >= 5 then left(subject_code, 5)
        end as section_code,
        subject_code is null and line_label like '%合计%' as is_total,
        is_leaf

    from leaf_flags

)

select * from final
{%- endmacro %}

{# The rows of int_economic_class_rows (see the model), of the given documents only. #}
{% macro economic_class_rows(document_ids=none, in_test=false) -%}
with

cells as (

    select * from {{ document_ref('stg_raw__table_cells', in_test) }}

    where table_id in {{ table_ids('economic_class') }}
        and {{ in_documents('document_id', document_ids) }}

),

economic_classes as (

    select * from {{ document_ref('economic_classes', in_test) }}

),

printed_rows as (

    -- row attributes repeat on every cell of the row; one row each
    select distinct
        document_id,
        table_id,
        row_number,
        page,
        subject_code as econ_code,
        line_label

    from cells

),

leaf_flags as (

    select
        printed_rows.*,
        {{ is_leaf_code('printed_rows', 'econ_code') }} as is_leaf

    from printed_rows

),

final as (

    select
        leaf_flags.document_id,
        leaf_flags.table_id,
        leaf_flags.row_number,
        leaf_flags.page,
        leaf_flags.econ_code,
        leaf_flags.line_label,
        case length(leaf_flags.econ_code)
            when 3 then '类'
            when 5 then '款'
        end as econ_level,
        case
            when length(leaf_flags.econ_code) >= 3 then left(leaf_flags.econ_code, 3)
        end as class_code,
        economic_classes.class_name as national_class_name,
        case
            when leaf_flags.econ_code is not null
                then coalesce(economic_classes.cost_category, '公用经费')
        end as cost_category,
        leaf_flags.is_leaf

    from leaf_flags

    left join economic_classes
        on left(leaf_flags.econ_code, 3) = economic_classes.class_code

)

select * from final
{%- endmacro %}

{# The rows of int_three_public_costs__pivoted (see the model), of the given documents only. #}
{% macro three_public_costs_pivoted(document_ids=none, in_test=false) -%}
with

cells as (

    select * from {{ document_ref('stg_raw__table_cells', in_test) }}

    where table_id in {{ table_ids('three_public') }}
        and {{ in_documents('document_id', document_ids) }}

),

items as (

    select
        document_id,
        table_id,
        row_number,
        page,
        replace(replace(line_label, '(', '（'), ')', '）') as cost_item,
        column_name,
        amount

    from cells

    where line_label is not null

),

pivoted as (

    select
        document_id,
        table_id,
        cost_item,
        min(row_number) as row_number,
        min(page) as page,
        max(amount) filter (where column_name = '预算数') as budget_amount,
        max(amount) filter (where column_name = '决算数') as final_amount,
        max(amount) filter (where column_name = '上年预算数') as previous_budget_amount

    from items

    group by document_id, table_id, cost_item

),

final as (

    select
        document_id,
        table_id,
        row_number,
        page,
        cost_item,
        cost_item in (
            '因公出国（境）费', '公务用车购置费', '公务用车运行维护费', '公务接待费'
        ) as is_leaf,
        cost_item in (
            '合计',
            '因公出国（境）费',
            '公务用车购置及运行维护费',
            '公务用车购置费',
            '公务用车运行维护费',
            '公务接待费'
        ) as is_three_public,
        budget_amount,
        final_amount,
        previous_budget_amount

    from pivoted

)

select * from final
{%- endmacro %}

{# The rows of int_leaf_amounts__loaded (see the model), of the given documents only. #}
{% macro leaf_amounts_loaded(document_ids=none, in_test=false) -%}
with

documents as (

    select * from {{ document_ref('int_documents__current', in_test) }}

    where status = 'loaded'
        and {{ in_documents('document_id', document_ids) }}

),

subject_leaves as (

    select * from {{ document_rows('int_function_subject_rows', document_ids, in_test) }}

    where is_leaf

),

econ_leaves as (

    select * from {{ document_rows('int_economic_class_rows', document_ids, in_test) }}

    where is_leaf

),

cells as (

    select * from {{ document_ref('stg_raw__table_cells', in_test) }}

    where amount is not null
        and {{ in_documents('document_id', document_ids) }}

),

leaf_rows as (

    select
        document_id,
        table_id,
        row_number,
        page,
        subject_code,
        cast(null as varchar) as econ_code,
        cast(null as varchar) as cost_category

    from subject_leaves

    union all

    select
        document_id,
        table_id,
        row_number,
        page,
        cast(null as varchar) as subject_code,
        econ_code,
        cost_category

    from econ_leaves

),

first_pages as (

    -- the first page each code is printed on, whether or not that row prints a column
    select
        leaf_rows.*,
        min(page) over (
            partition by document_id, table_id, subject_code, econ_code
        ) as first_page

    from leaf_rows

),

leaf_cells as (

    select
        first_pages.document_id,
        first_pages.table_id,
        first_pages.first_page as page,
        first_pages.subject_code,
        first_pages.econ_code,
        first_pages.cost_category,
        cells.column_name,
        cells.amount

    from first_pages

    inner join cells
        on first_pages.document_id = cells.document_id
        and first_pages.table_id = cells.table_id
        and first_pages.row_number = cells.row_number

),

leaf_codes as (

    -- one code, one subject: the rows printing the same code add up per column
    -- (cost_category follows from econ_code, so it never splits a code)
    select
        document_id,
        table_id,
        subject_code,
        econ_code,
        cost_category,
        column_name,
        min(page) as page,
        count(*) as printed_row_count,
        sum(amount) as amount

    from leaf_cells

    group by document_id, table_id, subject_code, econ_code, cost_category, column_name

),

final as (

    select
        documents.unit_id,
        documents.fiscal_year,
        leaf_codes.document_id,
        leaf_codes.table_id,
        leaf_codes.page,
        leaf_codes.subject_code,
        leaf_codes.econ_code,
        leaf_codes.cost_category,
        leaf_codes.column_name,
        cast(leaf_codes.printed_row_count as integer) as printed_row_count,
        cast(leaf_codes.amount as decimal(20, 6)) as amount

    from leaf_codes

    inner join documents
        on leaf_codes.document_id = documents.document_id

)

select * from final
{%- endmacro %}

{# The rows of int_statement_lines__loaded (see the model), of the given documents only. #}
{% macro statement_lines_loaded(document_ids=none, in_test=false) -%}
with

documents as (

    select * from {{ document_ref('int_documents__current', in_test) }}

    where status = 'loaded'
        and {{ in_documents('document_id', document_ids) }}

),

extracted_tables as (

    select * from {{ document_ref('stg_raw__extracted_tables', in_test) }}

    where {{ in_documents('document_id', document_ids) }}

),

statement_cells as (

    select * from {{ document_ref('stg_raw__table_cells', in_test) }}

    where table_id in {{ table_ids('statement') }}
        and line_label is not null
        and amount is not null
        and {{ in_documents('document_id', document_ids) }}

),

fund_rows as (

    select * from {{ document_rows('int_function_subject_rows', document_ids, in_test) }}

    where table_id in ('T08', 'T09')
        and (subject_code is not null or is_total)

),

carry_over_cells as (

    select * from {{ document_ref('stg_raw__table_cells', in_test) }}

    where table_id in ('T08', 'T09')
        and column_name in ('年初结转和结余', '本年收入', '年末结转和结余')
        and amount is not null
        and {{ in_documents('document_id', document_ids) }}

),

printed_labels as (

    -- how many lines of one side print the label, with or without amounts
    select
        document_id,
        table_id,
        side,
        line_label,
        count(distinct row_number) as printed_line_count

    from {{ document_ref('stg_raw__table_cells', in_test) }}

    where table_id in {{ table_ids('statement') }}
        and line_label is not null
        and {{ in_documents('document_id', document_ids) }}

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
{%- endmacro %}
