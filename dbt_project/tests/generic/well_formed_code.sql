{#
    Column test: a classification code is all ASCII digits and has one of the allowed
    lengths (function subjects: 3, 5 or 7 digits; economic classes: 3 or 5).
    Nulls pass; add not_null where a code is required.
#}
{% test well_formed_code(model, column_name, lengths=[3, 5, 7]) %}

with

codes as (

    select {{ column_name }} as code

    from {{ model }}

    where {{ column_name }} is not null

),

final as (

    select * from codes

    where not regexp_full_match(code, '[0-9]+')
        or length(code) not in ({{ lengths | join(', ') }})

)

select * from final

{% endtest %}
