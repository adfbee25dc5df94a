with

documents as (

    select * from {{ ref('int_documents__current') }}

),

final as (

    select
        cast(document_id as varchar) as document_id,
        cast(file_name as varchar) as file_name,
        cast(unit_id as varchar) as unit_id,
        cast(fiscal_year as integer) as fiscal_year,
        cast(document_kind as varchar) as document_kind,
        cast(page_count as integer) as page_count,
        cast(status as varchar) as status,
        cast(status_reason as varchar) as status_reason,
        cast(ingested_at as timestamp) as ingested_at

    from documents

)

select * from final
