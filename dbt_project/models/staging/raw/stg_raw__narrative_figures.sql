with

source as (

    select * from {{ source('raw', 'narrative_figures') }}

),

renamed as (

    select

        ---------- ids
        cast(document_id as varchar) as document_id,
        cast(figure as varchar) as figure,

        ---------- figure, in 万元 as printed
        cast(amount as decimal(20, 6)) as amount,

        ---------- provenance
        cast(page as integer) as page,
        cast(context as varchar) as context

    from source

)

select * from renamed
