-- Facts come only from documents whose derived status is 'loaded'
-- (superseded and rejected versions contribute nothing).

with

facts as (

    select * from {{ ref('fct_expenditure') }}

),

documents as (

    select * from {{ ref('dim_document') }}

),

final as (

    select
        facts.document_id,
        documents.status,
        count(*) as fact_rows

    from facts

    inner join documents
        on facts.document_id = documents.document_id

    where documents.status != 'loaded'

    group by facts.document_id, documents.status

)

select * from final
