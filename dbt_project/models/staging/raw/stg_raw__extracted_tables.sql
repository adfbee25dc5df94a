with

source as (

    select * from {{ source('raw', 'extracted_tables') }}

),

renamed as (

    select

        ---------- ids
        cast(document_id as varchar) as document_id,
        cast(table_id as varchar) as table_id,

        ---------- titles
        cast(canonical_title as varchar) as canonical_title,
        cast(printed_title as varchar) as printed_title,

        ---------- extraction outcome
        cast(status as varchar) as extraction_status,
        cast(money_unit as varchar) as money_unit,
        cast(first_page as integer) as first_page,
        cast(last_page as integer) as last_page,
        cast(note as varchar) as note,
        cast(parsing_report as varchar) as parsing_report

    from source

)

select * from renamed
