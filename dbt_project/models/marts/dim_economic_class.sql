{#
    One row per economic classification code printed in 一般公共预算财政拨款基本支出决算表
    (T06) or the budget's 一般公共预算基本支出表 (B06) of loaded documents; codes never printed do not appear. The name is the one
    printed in the latest fiscal year (then by the most documents, then the latest
    ingested); a 类 never printed with a name falls back to the seed's. The class name
    comes from the seed when the class is listed there, else as printed for the 3-digit
    code; the cost category is the seed's grouping (人员经费 = 301 + 303).
#}

with

documents as (

    select * from {{ ref('int_documents__current') }}

    where status = 'loaded'

),

econ_rows as (

    select * from {{ ref('int_economic_class_rows') }}

    where econ_code is not null

),

name_counts as (

    select
        econ_rows.econ_code,
        econ_rows.econ_level,
        econ_rows.class_code,
        econ_rows.national_class_name,
        econ_rows.cost_category,
        documents.fiscal_year,
        econ_rows.line_label as econ_name,
        count(distinct documents.document_id) as document_count,
        max(documents.ingested_at) as last_ingested_at

    from econ_rows

    inner join documents
        on econ_rows.document_id = documents.document_id

    group by all

),

latest_names as (

    select * from name_counts

    qualify row_number() over (
        partition by econ_code
        order by
            econ_name is null,
            fiscal_year desc nulls last,
            document_count desc,
            last_ingested_at desc,
            econ_name
    ) = 1

),

final as (

    select
        cast(latest_names.econ_code as varchar) as econ_code,
        cast(
            coalesce(
                latest_names.econ_name,
                case when latest_names.econ_level = '类' then latest_names.national_class_name end
            ) as varchar
        ) as econ_name,
        cast(latest_names.econ_level as varchar) as econ_level,
        cast(latest_names.class_code as varchar) as class_code,
        cast(coalesce(latest_names.national_class_name, class_names.econ_name) as varchar)
            as class_name,
        cast(latest_names.cost_category as varchar) as cost_category

    from latest_names

    left join latest_names as class_names
        on latest_names.class_code = class_names.econ_code

)

select * from final
