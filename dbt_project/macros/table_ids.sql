{#
    The standard tables of each shape, final accounts (T..) and budgets (B..) alike: the
    one place that says which tables the shared intermediate models read. Renders a SQL
    list, used as `where table_id in {{ table_ids('function_subject') }}`.
#}
{% macro table_ids(shape) -%}

    {%- set ids_by_shape = {
        'function_subject': ['T02', 'T03', 'T05', 'T08', 'T09', 'B02', 'B03', 'B05', 'B08', 'B09'],
        'economic_class': ['T06', 'B06'],
        'three_public': ['T07', 'B07'],
        'statement': ['T01', 'T04', 'B01', 'B04'],
    } -%}

    {{ sql_string_list(ids_by_shape[shape]) }}

{%- endmacro %}
