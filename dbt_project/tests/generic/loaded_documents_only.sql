{#
    Column test on a fact's document_id: facts come only from documents whose derived
    status is 'loaded' (superseded and rejected versions contribute nothing). Fails with
    one row per offending document, its status and its number of fact rows.
#}
{% test loaded_documents_only(model, column_name) %}

with

facts as (

    select
        {{ column_name }} as document_id,
        count(*) as fact_rows

    from {{ model }}

    group by {{ column_name }}

),

documents as (

    select * from {{ ref('dim_document') }}

),

final as (

    select
        facts.document_id,
        documents.status,
        facts.fact_rows

    from facts

    left join documents
        on facts.document_id = documents.document_id

    where documents.status is distinct from 'loaded'

)

select * from final

{% endtest %}
