{#
    Derives each document version's status. Among documents the extractor loaded, the
    latest ingested one (ingested_at, tie-broken by document_id) for a unit_name, fiscal_year
    and document_kind is current; earlier ones are 'superseded' by it. A unit publishes a
    budget (预算) and final accounts (决算) for the same year: the two never supersede each
    other. Loaded documents without a unit name or year cannot be matched to another
    version and stay loaded.
    A rejected document is superseded too once a document from the same inbox path, or of
    the same unit, year and kind, loaded after it (a half-copied file, then the whole one):
    it is no longer a live problem. A rejected document whose kind was not recognised (or
    a later one without a kind) matches on unit and year alone. Rejected documents never
    supersede anything.

    A table, not a view as the rest of intermediate: every per-document fact mart reads it
    several times a build (its batch, its rows, the deletion of replaced versions), and
    the supersession rules take a window and a self-join over every document, so it is
    derived once per build (one row per document version: small).
#}

{{ config(materialized='table') }}

with

documents as (

    select * from {{ ref('stg_raw__documents') }}

),

loaded_versions as (

    select
        document_id,
        file_name,
        unit_name,
        fiscal_year,
        document_kind,
        ingested_at,
        row_number() over (
            partition by unit_name, fiscal_year, document_kind
            order by ingested_at desc, document_id desc
        ) as version_rank

    from documents

    where raw_status = 'loaded'
        and unit_name is not null
        and fiscal_year is not null

),

current_versions as (

    select
        unit_name,
        fiscal_year,
        document_kind,
        document_id as current_document_id,
        file_name as current_file_name,
        ingested_at as current_ingested_at

    from loaded_versions

    where version_rank = 1

),

rejected_then_loaded as (

    select
        rejected.document_id,
        later.document_id as later_document_id,
        later.file_name as later_file_name,
        later.ingested_at as later_ingested_at,
        case
            when later.source_path = rejected.source_path then '同一路径'
            else '同一单位同一年度' || coalesce(later.document_kind, '')
        end as matched_on,
        rejected.raw_status_reason as rejected_reason,
        row_number() over (
            partition by rejected.document_id
            order by later.ingested_at desc, later.document_id desc
        ) as match_rank

    from documents as rejected

    inner join documents as later
        on later.raw_status = 'loaded'
        and later.ingested_at > rejected.ingested_at
        and (
            later.source_path = rejected.source_path
            or (
                later.unit_name = rejected.unit_name
                and later.fiscal_year = rejected.fiscal_year
                and (
                    later.document_kind = rejected.document_kind
                    or later.document_kind is null
                    or rejected.document_kind is null
                )
            )
        )

    where rejected.raw_status = 'rejected'

),

superseded_versions as (

    select
        loaded_versions.document_id,
        current_versions.current_document_id as superseded_by_document_id,
        '已被同一单位同一年度的新版文件 '
            || current_versions.current_file_name
            || ' 取代（新版入库时间 '
            || strftime(current_versions.current_ingested_at, '%Y-%m-%d %H:%M:%S')
            || '；同为' || coalesce(current_versions.document_kind, '未识别类别的') || '文件）'
            as superseded_reason

    from loaded_versions

    inner join current_versions
        on loaded_versions.unit_name = current_versions.unit_name
        and loaded_versions.fiscal_year = current_versions.fiscal_year
        and loaded_versions.document_kind is not distinct from current_versions.document_kind

    where loaded_versions.version_rank > 1

    union all

    select
        document_id,
        later_document_id as superseded_by_document_id,
        '曾被拒收（' || coalesce(rejected_reason, '原因未记录') || '）；其后'
            || matched_on || '的文件 ' || later_file_name
            || ' 已入库（入库时间 '
            || strftime(later_ingested_at, '%Y-%m-%d %H:%M:%S')
            || '），已被取代' as superseded_reason

    from rejected_then_loaded

    where match_rank = 1

),

final as (

    select
        documents.document_id,
        documents.file_name,
        documents.source_path,
        {{ unit_id('documents.unit_name') }} as unit_id,
        documents.unit_name,
        documents.region,
        documents.unit_level,
        documents.fiscal_year,
        documents.document_kind,
        documents.page_count,
        documents.file_size,
        documents.extractor_version,
        documents.raw_status,
        case
            when superseded_versions.document_id is not null then 'superseded'
            else documents.raw_status
        end as status,
        case
            when superseded_versions.document_id is not null
                then superseded_versions.superseded_reason
            else documents.raw_status_reason
        end as status_reason,
        superseded_versions.superseded_by_document_id,
        documents.ingested_at

    from documents

    left join superseded_versions
        on documents.document_id = superseded_versions.document_id

)

select * from final
