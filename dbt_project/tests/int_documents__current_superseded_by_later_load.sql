{#
    Every superseded version names a document the extractor loaded after it (so a stale
    rejection is only hidden by a later good load), and only superseded versions name one.
    Fails with one row per offending document.
#}

with

documents as (

    select * from {{ ref('int_documents__current') }}

),

final as (

    select
        documents.document_id,
        documents.status,
        documents.superseded_by_document_id

    from documents

    left join documents as superseding
        on documents.superseded_by_document_id = superseding.document_id

    where (documents.status = 'superseded') != (documents.superseded_by_document_id is not null)
        or (
            documents.status = 'superseded'
            and (
                superseding.raw_status is distinct from 'loaded'
                or superseding.ingested_at < documents.ingested_at
            )
        )

)

select * from final
