{#
    The reporting unit's stable key: the first 16 hex digits of md5(unit_name).
    This macro is the one place that defines it; unit_name is the name on the
    cover or title page with whitespace removed. A null name gives a null key.
#}
{% macro unit_id(unit_name_column) -%}

    left(md5({{ unit_name_column }}), 16)

{%- endmacro %}
