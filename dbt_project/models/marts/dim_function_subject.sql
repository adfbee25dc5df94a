{#
    One row per function subject code printed in the subject tables (T02, T03, T05, T08,
    T09; the budgets' B02, B03, B05, B08, B09) of loaded documents; codes never printed do not appear. The name is the one
    printed in the latest fiscal year that prints one (a 类 never printed with a name
    falls back to the national name). The class name is the national one when the class
    is in the seed, else the name printed for the 3-digit code; the section name is the
    name printed for the 5-digit code (null for a 类, and when the 款 is never printed).
#}

with

yearly_names as (

    select * from {{ ref('int_function_subject_names__yearly') }}

),

function_classes as (

    select * from {{ ref('function_classes') }}

),

latest_names as (

    select
        subject_code,
        subject_name,
        subject_level,
        class_code,
        section_code

    from yearly_names

    qualify row_number() over (
        partition by subject_code
        order by subject_name is null, fiscal_year desc nulls last
    ) = 1

),

final as (

    select
        cast(latest_names.subject_code as varchar) as subject_code,
        cast(
            coalesce(
                latest_names.subject_name,
                case when latest_names.subject_level = '类' then function_classes.class_name end
            ) as varchar
        ) as subject_name,
        cast(latest_names.subject_level as varchar) as subject_level,
        cast(latest_names.class_code as varchar) as class_code,
        cast(coalesce(function_classes.class_name, class_names.subject_name) as varchar)
            as class_name,
        cast(latest_names.section_code as varchar) as section_code,
        cast(section_names.subject_name as varchar) as section_name

    from latest_names

    left join function_classes
        on latest_names.class_code = function_classes.class_code

    left join latest_names as class_names
        on latest_names.class_code = class_names.subject_code

    left join latest_names as section_names
        on latest_names.section_code = section_names.subject_code

)

select * from final
