with

source as (

    select * from {{ source('raw', 'page_lines') }}

),

renamed as (

    select

        ---------- ids
        cast(document_id as varchar) as document_id,
        cast(page as integer) as page,
        cast(line_number as integer) as line_number,

        ---------- the line as printed
        cast(text as varchar) as text,

        ---------- its box (PDF points, origin bottom-left)
        cast(x0 as double) as x0,
        cast(y0 as double) as y0,
        cast(x1 as double) as x1,
        cast(y1 as double) as y1

    from source

)

select * from renamed
