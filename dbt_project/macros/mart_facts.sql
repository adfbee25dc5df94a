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
with

leaf_amounts as (

    select * from {{ ref('int_leaf_amounts__loaded') }}

    where table_id {{ sql_in(table_ids) }}
        and column_name {{ sql_in(column_names) }}

),

final as (

    select
        {{ fact_source_columns() }}
{%- for expression, name in labels %}
        cast({{ expression }} as varchar) as {{ name }},
{%- endfor %}
        cast(amount as decimal(20, 6)) as amount

    from leaf_amounts

)

select * from final
{%- endmacro %}


{#
    A statement-lines fact mart: the lines of the given tables in int_statement_lines__loaded,
    without the lines whose label is printed on several lines of a side.
#}
{% macro statement_line_facts(table_ids) -%}
with

lines as (

    select * from {{ ref('int_statement_lines__loaded') }}

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
        cast(amount as decimal(20, 6)) as amount

    from lines

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
with
{% if total_column %}
cells as (

    select * from {{ ref('stg_raw__table_cells') }}

    where table_id in {{ sql_string_list(table_ids) }}

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

    select * from {{ ref('int_leaf_amounts__loaded') }}

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
        cast(amount as decimal(20, 6)) as amount

    from {{ 'facts' if total_column else 'leaf_amounts' }}

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
with

documents as (

    select * from {{ ref('int_documents__current') }}

    where status = 'loaded'

),

items as (

    select * from {{ ref('int_three_public_costs__pivoted') }}

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
        cast(items.{{ column }} as decimal(20, 6)) as {{ name }}{% if not loop.last %},{% endif %}
{%- endfor %}

    from items

    inner join documents
        on items.document_id = documents.document_id

)

select * from final
{%- endmacro %}
