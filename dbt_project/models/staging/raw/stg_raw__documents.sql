with

source as (

    select * from {{ source('raw', 'documents') }}

),

renamed as (

    select

        ---------- ids
        cast(document_id as varchar) as document_id,

        ---------- file
        cast(file_name as varchar) as file_name,
        cast(source_path as varchar) as source_path,
        cast(file_size as bigint) as file_size,
        cast(page_count as integer) as page_count,
        cast(document_kind as varchar) as document_kind,

        ---------- unit and year, as read from the cover
        cast(unit_name as varchar) as unit_name,
        cast(region as varchar) as region,
        cast(unit_level as varchar) as unit_level,
        cast(fiscal_year as integer) as fiscal_year,

        ---------- extraction outcome ('superseded' is derived downstream)
        cast(status as varchar) as raw_status,
        cast(status_reason as varchar) as raw_status_reason,
        cast(extractor_version as varchar) as extractor_version,

        ---------- timestamps
        cast(ingested_at as timestamp) as ingested_at

    from source

)

select * from renamed
