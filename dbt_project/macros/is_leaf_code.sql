{#
    Leaf detection over printed rows: a row is a leaf of its code hierarchy when it has a
    code and no other row of the same document and table prints a longer code starting
    with it. So a 类 or 款 printed without its children is a leaf, and label rows
    (合计 and the like, no code) never are. `rows` is a CTE (or relation) holding
    document_id, table_id and the code column; used as `rows.*, {{ is_leaf_code(...) }}`.
#}
{% macro is_leaf_code(rows, code_column='subject_code') -%}

    {{ rows }}.{{ code_column }} is not null
        and not exists (
            select 1

            from {{ rows }} as children

            where children.document_id = {{ rows }}.document_id
                and children.table_id = {{ rows }}.table_id
                and length(children.{{ code_column }}) > length({{ rows }}.{{ code_column }})
                and starts_with(children.{{ code_column }}, {{ rows }}.{{ code_column }})
        )

{%- endmacro %}
