{#
    The one definition of each fact mart's shape, shared by a final-accounts mart and its
    budget twin: the tables and columns they read are the parameters.
#}

{# A SQL list of string literals: ('T02', 'B02'). #}
{% macro sql_string_list(values) -%}
    ({% for value in values %}'{{ value }}'{% if not loop.last %}, {% endif %}{% endfor %})
{%- endmacro %}


{# A test of membership in a list of strings: = 'T06' for one value, else in ('T02', 'B02'). #}
{% macro sql_in(values) -%}
    {% if values | length == 1 %}= '{{ values[0] }}'{% else %}in {{ sql_string_list(values) }}{% endif %}
{%- endmacro %}


{#
    Incremental facts by document. A per-document fact mart (models/marts/by_document) is
    built from scratch on its first build and with --full-refresh; any other build works
    only on its batch: the current loaded documents of its kind whose version (document_id
    and ingested_at: a re-extraction keeps the id and changes the time) is not yet in the
    mart — new documents, re-extracted ones, and older versions current again once a newer
    one is gone. The batch's rows replace the mart's rows of those documents (strategy
    delete+insert on document_id), then the rows of every version no longer current and
    loaded (superseded, rejected, removed, re-extracted) are deleted (post-hook
    delete_facts_of_replaced_versions). So an incremental build holds exactly the rows a
    full build would, and its work is that of the changed documents. A mart built before
    it recorded document_ingested_at gains the column and is rebuilt from every document.
#}

{# The document kind of a fact mart's tables: B.. are budgets (预算), T.. final accounts (决算). #}
{% macro document_kind_of(table_ids) -%}
    {{- '预算' if table_ids[0].startswith('B') else '决算' -}}
{%- endmacro %}


{#
    The document ids of this build's batch (see above), read when the model runs, as a list:
    none on a full build (every document). Inlined as literals, so DuckDB filters the raw
    scans by them (a semi-join would not reach the scans inside the views).
#}
{% macro batch_document_ids(document_kind) -%}
    {%- if not (execute and is_incremental()) -%}
        {{- return(none) -}}
    {%- endif -%}
    {%- set recorded = adapter.get_columns_in_relation(this) | map(attribute='name') | list -%}
    {%- if 'document_ingested_at' not in recorded -%}
        {{- return(none) -}}
    {%- endif -%}
    {%- set query -%}
        select documents.document_id

        from {{ ref('int_documents__current') }} as documents

        where documents.status = 'loaded'
            and documents.document_kind = '{{ document_kind }}'
            and not exists (
                select 1

                from {{ this }} as facts

                where facts.document_id = documents.document_id
                    and facts.document_ingested_at = documents.ingested_at
            )

        order by documents.document_id
    {%- endset -%}
    {{- return(run_query(query).columns[0].values() | list) -}}
{%- endmacro %}


{#
    Post-hook of the per-document fact marts, after the batch is in: on an incremental
    build, delete the rows of every document version that is not current and loaded
    (superseded, rejected, removed from raw, or re-extracted since: its ingested_at
    changed). In the same transaction as the batch.
#}
{% macro delete_facts_of_replaced_versions() -%}
{%- if is_incremental() -%}
    delete from {{ this }}

    where not exists (
        select 1

        from {{ ref('int_documents__current') }} as documents

        where documents.status = 'loaded'
            and documents.document_id = {{ this }}.document_id
            and documents.ingested_at = {{ this }}.document_ingested_at
    )
{%- endif -%}
{%- endmacro %}


{#
    The CTE fact_documents: the current loaded documents of the kind in the batch, with the
    version each fact row records (document_ingested_at). Renders the start of a with-list.
    The comments declare what the batch's inlined queries read (document_rows), which a
    full build reads through the views.
#}
{% macro fact_documents(document_kind, document_ids) -%}
-- depends_on: {{ ref('stg_raw__table_cells') }}
-- depends_on: {{ ref('stg_raw__extracted_tables') }}
-- depends_on: {{ ref('economic_classes') }}
with

fact_documents as (

    select
        document_id as fact_document_id,
        ingested_at as document_ingested_at

    from {{ ref('int_documents__current') }}

    where status = 'loaded'
        and document_kind = '{{ document_kind }}'
        and {{ in_documents('document_id', document_ids) }}

),
{%- endmacro %}


{# The column every per-document fact ends with: the version of its document. #}
{% macro document_version_column() -%}
        cast(fact_documents.document_ingested_at as timestamp) as document_ingested_at
{%- endmacro %}


{#
    The columns every fact mart starts with: the unit, year and document the fact belongs
    to and where it is printed. Reads unit_id, fiscal_year, document_id, table_id, page.
#}
{% macro fact_source_columns() -%}
        cast(unit_id as varchar) as unit_id,
        cast(fiscal_year as integer) as fiscal_year,
        cast(document_id as varchar) as document_id,
        cast(table_id as varchar) as source_table,
        cast(page as integer) as source_page,
{%- endmacro %}


{#
    A leaf-amount fact mart: the leaf amounts (int_leaf_amounts__loaded) of the given tables
    and columns, with the source columns, the code and label columns given as
    [expression, name] pairs (all varchar), and the amount.
#}
{% macro leaf_amount_facts(table_ids, column_names, labels) -%}
{%- set document_kind = document_kind_of(table_ids) -%}
{%- set document_ids = batch_document_ids(document_kind) -%}
{{ fact_documents(document_kind, document_ids) }}

leaf_amounts as (

    select * from {{ document_rows('int_leaf_amounts__loaded', document_ids) }}

    where table_id {{ sql_in(table_ids) }}
        and column_name {{ sql_in(column_names) }}

),

final as (

    select
        {{ fact_source_columns() }}
{%- for expression, name in labels %}
        cast({{ expression }} as varchar) as {{ name }},
{%- endfor %}
        cast(amount as decimal(20, 6)) as amount,
        {{ document_version_column() }}

    from leaf_amounts

    inner join fact_documents
        on leaf_amounts.document_id = fact_documents.fact_document_id

)

select * from final
{%- endmacro %}


{#
    A statement-lines fact mart: the lines of the given tables in int_statement_lines__loaded,
    without the lines whose label is printed on several lines of a side.
#}
{% macro statement_line_facts(table_ids) -%}
{%- set document_kind = document_kind_of(table_ids) -%}
{%- set document_ids = batch_document_ids(document_kind) -%}
{{ fact_documents(document_kind, document_ids) }}

lines as (

    select * from {{ document_rows('int_statement_lines__loaded', document_ids) }}

    where table_id {{ sql_in(table_ids) }}
        -- a label printed on several lines of a side names different lines: not a fact
        and not is_ambiguous_label

),

final as (

    select
        {{ fact_source_columns() }}
        cast(statement as varchar) as statement,
        cast(side as varchar) as side,
        cast(line_item as varchar) as line_item,
        cast(measure as varchar) as measure,
        cast(amount as decimal(20, 6)) as amount,
        {{ document_version_column() }}

    from lines

    inner join fact_documents
        on lines.document_id = fact_documents.fact_document_id

)

select * from final
{%- endmacro %}


{#
    The CTEs documents, budget_documents and final_documents: each unit-year's loaded
    document of each kind, for a mart that sets a budget beside its final accounts.
    Renders the start of a with-list; the model goes on after the trailing comma.
#}
{% macro loaded_budget_and_final_documents() -%}
documents as (

    select * from {{ ref('int_documents__current') }}

    where status = 'loaded'
        and unit_id is not null
        and fiscal_year is not null

),
{% for side, kind in [('budget', '预算'), ('final', '决算')] %}
{{ side }}_documents as (

    select unit_id, fiscal_year, document_id

    from documents

    where document_kind = '{{ kind }}'

),
{% endfor %}
{%- endmacro %}


{#
    Test body: the documents of a fact model's document_id column whose dim_document
    attribute is not the expected value, one row per document with its value and number
    of fact rows.
#}
{% macro facts_of_documents_other_than(model, column_name, attribute, expected) -%}
with

facts as (

    select
        {{ column_name }} as document_id,
        count(*) as fact_rows

    from {{ model }}

    group by {{ column_name }}

),

documents as (

    select * from {{ ref('dim_document') }}

),

final as (

    select
        facts.document_id,
        documents.{{ attribute }},
        facts.fact_rows

    from facts

    left join documents
        on facts.document_id = documents.document_id

    where documents.{{ attribute }} is distinct from '{{ expected }}'

)

select * from final
{%- endmacro %}


{#
    An appropriation-expenditure fact mart: the leaf amounts of the fund tables, given as
    [table_id, fund_type] pairs, in the part columns (基本支出 / 项目支出, and any printed
    alias of them renamed by part_names). With total_column, a document's table that
    prints no part column at all (no cell of the table is in one) gives its leaves'
    total_column cells instead, typed by that name: parts or total, never both.
#}
{% macro appropriation_facts(fund_types, part_columns, part_names={}, total_column=none) %}
{%- set table_ids = fund_types | map('first') | list -%}
{%- set document_kind = document_kind_of(table_ids) -%}
{%- set document_ids = batch_document_ids(document_kind) -%}
{{ fact_documents(document_kind, document_ids) }}
{% if total_column %}
cells as (

    select * from {{ ref('stg_raw__table_cells') }}

    where table_id in {{ sql_string_list(table_ids) }}
        and {{ in_documents('document_id', document_ids) }}

),

printed_parts as (

    -- the fund tables that print a part column (blank cells count: the column is printed)
    select distinct
        document_id,
        table_id

    from cells

    where column_name in {{ sql_string_list(part_columns) }}

),
{% endif %}
leaf_amounts as (

    select * from {{ document_rows('int_leaf_amounts__loaded', document_ids) }}

    where table_id in {{ sql_string_list(table_ids) }}
{%- if not total_column %}
        and column_name in {{ sql_string_list(part_columns) }}
{%- endif %}

),
{% if total_column %}
facts as (

    select leaf_amounts.*

    from leaf_amounts

    left join printed_parts
        on leaf_amounts.document_id = printed_parts.document_id
        and leaf_amounts.table_id = printed_parts.table_id

    where
        (
            printed_parts.document_id is not null
            and leaf_amounts.column_name in {{ sql_string_list(part_columns) }}
        )
        or (printed_parts.document_id is null and leaf_amounts.column_name = '{{ total_column }}')

),
{% endif %}
final as (

    select
        {{ fact_source_columns() }}
        cast(subject_code as varchar) as subject_code,
        cast(
            case table_id
{%- for table_id, fund_type in fund_types %}
                when '{{ table_id }}' then '{{ fund_type }}'
{%- endfor %}
            end as varchar
        ) as fund_type,
{%- if part_names %}
        cast(
            case column_name
{%- for printed, name in part_names.items() %}
                when '{{ printed }}' then '{{ name }}'
{%- endfor %}
                else column_name
            end as varchar
        ) as expenditure_type,
{%- else %}
        cast(column_name as varchar) as expenditure_type,
{%- endif %}
        cast(amount as decimal(20, 6)) as amount,
        {{ document_version_column() }}

    from {{ 'facts' if total_column else 'leaf_amounts' }}

    inner join fact_documents
        on {{ 'facts' if total_column else 'leaf_amounts' }}.document_id = fact_documents.fact_document_id

)

select * from final
{%- endmacro %}


{#
    The two left joins that name each row's loaded budget and final (the CTEs of
    loaded_budget_and_final_documents), on the unit and year of the given relation.
#}
{% macro join_budget_and_final_documents(relation) -%}
{% for side in ['budget', 'final'] -%}
    left join {{ side }}_documents
        on {{ relation }}.unit_id = {{ side }}_documents.unit_id
        and {{ relation }}.fiscal_year = {{ side }}_documents.fiscal_year
{%- if not loop.last %}

    {% endif %}
{%- endfor %}
{%- endmacro %}


{#
    A "三公"经费 fact mart: the leaf items of the given table in int_three_public_costs__pivoted
    with at least one of the amounts printed, the amounts given as [column, name] pairs.
#}
{% macro three_public_facts(table_id, amounts) -%}
{%- set document_kind = document_kind_of([table_id]) -%}
{%- set document_ids = batch_document_ids(document_kind) -%}
{{ fact_documents(document_kind, document_ids) }}

documents as (

    select * from {{ ref('int_documents__current') }}

    where status = 'loaded'
        and {{ in_documents('document_id', document_ids) }}

),

items as (

    select * from {{ document_rows('int_three_public_costs__pivoted', document_ids) }}

    where table_id = '{{ table_id }}'
        and is_leaf
{%- if amounts | length == 1 %}
        and {{ amounts[0][0] }} is not null
{%- else %}
        and ({% for column, name in amounts %}{{ column }} is not null{% if not loop.last %} or {% endif %}{% endfor %})
{%- endif %}

),

final as (

    select
        cast(documents.unit_id as varchar) as unit_id,
        cast(documents.fiscal_year as integer) as fiscal_year,
        cast(items.document_id as varchar) as document_id,
        cast(items.table_id as varchar) as source_table,
        cast(items.page as integer) as source_page,
        cast(items.cost_item as varchar) as cost_item,
{%- for column, name in amounts %}
        cast(items.{{ column }} as decimal(20, 6)) as {{ name }},
{%- endfor %}
        {{ document_version_column() }}

    from items

    inner join documents
        on items.document_id = documents.document_id

    inner join fact_documents
        on items.document_id = fact_documents.fact_document_id

)

select * from final
{%- endmacro %}
