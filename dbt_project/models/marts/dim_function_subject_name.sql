{#
    The name each function subject code was printed under, per fiscal year (names of
    款 and 项 change between years). Only loaded documents count.
#}

with

yearly_names as (

    select * from {{ ref('int_function_subject_names__yearly') }}

),

final as (

    select
        cast(subject_code as varchar) as subject_code,
        cast(fiscal_year as integer) as fiscal_year,
        cast(subject_name as varchar) as subject_name,
        cast(subject_level as varchar) as subject_level

    from yearly_names

)

select * from final
