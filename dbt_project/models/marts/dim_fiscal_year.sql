{#
    One row per fiscal year of any ingested document version that states its year
    (loaded, superseded or rejected), so every year in dim_document and in the facts
    is found here.
#}

with

documents as (

    select * from {{ ref('int_documents__current') }}

    where fiscal_year is not null

),

final as (

    select distinct
        cast(fiscal_year as integer) as fiscal_year

    from documents

)

select * from final
