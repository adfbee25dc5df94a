{#
    The data tests of the per-document relations read only the documents of this build's
    scope: the raw tables, the staging views over them and the per-document intermediate
    views (document_rows), whose tests would otherwise read every document the warehouse
    holds on every build, so that one new document cost a test of the whole warehouse.

    The scope is pipeline.dbt_test_scope, written by the pipeline before each build
    (pipelines/defs/transformation/definitions.py): the document versions loaded since the
    last build whose tests all passed. Without that table (a first build, a full refresh
    after a change of the dbt code, a build run by hand) every document is tested. Tests of
    the other models (the fact marts, tables read by column; the dimensions and comparisons,
    rebuilt whole) read them whole, as they always did. A test's own `where` still applies.

    The document ids are inlined as literals, as the incremental facts do: DuckDB then
    filters the raw scans inside the views (a semi-join on the scope table would not reach
    them).
#}
{% macro get_where_subquery(relation) -%}
    {%- set where = config.get('where', '') -%}
    {%- set name = relation.identifier -%}
    {%- set per_document_view = name in per_document_views() -%}
    {%- set per_document_table = name.startswith('stg_raw__') or relation.schema == 'raw' -%}
    {%- if not (per_document_view or per_document_table) -%}
        {{- return(dbt.default__get_where_subquery(relation)) -}}
    {%- endif -%}
    {%- set document_ids = tested_document_ids() if execute else none -%}
    {%- if document_ids is none -%}
        {{- return(dbt.default__get_where_subquery(relation)) -}}
    {%- endif -%}
    {%- set rows = document_rows(name, document_ids, true) if per_document_view else relation -%}
    {%- set filtered -%}
        (
            select * from {{ rows }} as tested
            where {{ in_documents('tested.document_id', document_ids) }}
            {%- if where %} and ({{ where }}){% endif %}
        ) dbt_subquery
    {%- endset -%}
    {{- return(filtered) -}}
{%- endmacro %}


{# The intermediate views document_rows can read for some documents only. #}
{% macro per_document_views() -%}
    {{- return([
        'int_function_subject_rows',
        'int_economic_class_rows',
        'int_three_public_costs__pivoted',
        'int_leaf_amounts__loaded',
        'int_statement_lines__loaded',
    ]) -}}
{%- endmacro %}


{#
    The documents of this build's test scope, as a list; none: every document. Each test
    compiles it once: dbt has no build-wide cache a macro may write to, and the query reads
    a table of the new documents only (milliseconds, against a test's own query).
#}
{% macro tested_document_ids() -%}
    {%- set scope = adapter.get_relation(
        database=target.database, schema='pipeline', identifier='dbt_test_scope'
    ) -%}
    {%- if scope is none -%}
        {{- return(none) -}}
    {%- endif -%}
    {%- set query -%}
        select document_id from {{ scope }} order by document_id
    {%- endset -%}
    {{- return(run_query(query).columns[0].values() | list) -}}
{%- endmacro %}
