{#
    One row per reporting unit named on the cover of any ingested document. Region and
    level come from the unit's latest fiscal year; within a year a loaded version is
    preferred over a superseded one, and that over a rejected one, then the latest ingested.
#}

with

documents as (

    select * from {{ ref('int_documents__current') }}

    where unit_id is not null

),

ranked as (

    select
        unit_id,
        unit_name,
        region,
        unit_level,
        row_number() over (
            partition by unit_name
            order by
                fiscal_year desc nulls last,
                case status
                    when 'loaded' then 1
                    when 'superseded' then 2
                    else 3
                end,
                ingested_at desc,
                document_id desc
        ) as recency_rank

    from documents

),

final as (

    select
        cast(unit_id as varchar) as unit_id,
        cast(unit_name as varchar) as unit_name,
        cast(region as varchar) as region,
        cast(unit_level as varchar) as unit_level

    from ranked

    where recency_rank = 1

)

select * from final
