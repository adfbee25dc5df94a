with

source as (

    select * from {{ source('raw', 'table_cells') }}

),

renamed as (

    select

        ---------- ids
        cast(document_id as varchar) as document_id,
        cast(table_id as varchar) as table_id,
        cast(row_number as integer) as row_number,
        cast(column_name as varchar) as column_name,

        ---------- provenance
        cast(page as integer) as page,

        ---------- row labels
        cast(side as varchar) as side,
        cast(subject_code as varchar) as subject_code,
        cast(line_label as varchar) as line_label,

        ---------- cell
        cast(printed_text as varchar) as printed_text,
        cast(amount as decimal(20, 6)) as amount,

        ---------- certainty of the reading
        cast(reading_uncertain as boolean) as reading_uncertain,
        cast(uncertain_reason as varchar) as uncertain_reason,

        ---------- the cell's printed box (PDF points, origin bottom-left)
        cast(x0 as double) as x0,
        cast(y0 as double) as y0,
        cast(x1 as double) as x1,
        cast(y1 as double) as y1

    from source

)

select * from renamed
