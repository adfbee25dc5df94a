{#
    The names printed for each function subject code, per fiscal year, over the subject
    tables (T02, T03, T05, T08, T09 and the budgets' B02, B03, B05, B08, B09) of loaded
    documents only. Names of 款 and 项 change
    between years, so each year keeps its own. When the documents of one year print a
    code under different names, the name printed by the most documents wins, then the
    one in the latest ingested document. A code printed without a name has a null name.
#}

with

documents as (

    select * from {{ ref('int_documents__current') }}

    where status = 'loaded'

),

subject_rows as (

    select * from {{ ref('int_function_subject_rows') }}

    where subject_code is not null

),

printed_names as (

    select
        subject_rows.subject_code,
        subject_rows.subject_level,
        subject_rows.class_code,
        subject_rows.section_code,
        documents.fiscal_year,
        subject_rows.line_label as subject_name,
        documents.document_id,
        documents.ingested_at

    from subject_rows

    inner join documents
        on subject_rows.document_id = documents.document_id

),

name_counts as (

    select
        subject_code,
        subject_level,
        class_code,
        section_code,
        fiscal_year,
        subject_name,
        count(distinct document_id) as document_count,
        max(ingested_at) as last_ingested_at

    from printed_names

    group by subject_code, subject_level, class_code, section_code, fiscal_year, subject_name

),

ranked as (

    select
        *,
        row_number() over (
            partition by subject_code, fiscal_year
            order by
                subject_name is null,
                document_count desc,
                last_ingested_at desc,
                subject_name
        ) as name_rank

    from name_counts

),

final as (

    select
        subject_code,
        fiscal_year,
        subject_name,
        subject_level,
        class_code,
        section_code

    from ranked

    where name_rank = 1

)

select * from final
