{#
    Model-level test: the combination of the given columns is unique (a composite grain).
    Fails with one row per duplicated combination and the number of rows sharing it.
#}
{% test unique_combination_of_columns(model, combination_of_columns) %}

with

grouped as (

    select
        {{ combination_of_columns | join(',\n        ') }},
        count(*) as row_count

    from {{ model }}

    group by {{ combination_of_columns | join(', ') }}

),

final as (

    select * from grouped

    where row_count > 1

)

select * from final

{% endtest %}
