{#
    Which expected units have a loaded document, per fiscal year and document kind.

    Expected units: with a unit registry configured (a CSV with columns unit_name, region,
    unit_level: the pipeline passes its absolute path as --vars '{juesuan_unit_registry: …}';
    dbt run by hand reads JUESUAN_UNIT_REGISTRY), its units, plus the units
    that sent documents without being registered (listed only for the years they sent);
    without one, the units the warehouse already knows (dim_unit), so coverage shows gaps
    between years rather than units that never sent anything. The years of each kind are
    those some ingested document of that kind states: a year of final accounts (决算) no
    unit has sent yet (a budget year, say, whose finals are published the year after) is
    not a gap, nor is a year for which no budget (预算) was ever collected. A unit-year-kind's
    document is its loaded version, else the latest superseded one, else the latest
    rejected one. Budget against final per unit-year: quality.budget_final_coverage.
#}

{%- set unit_registry = var('juesuan_unit_registry', env_var('JUESUAN_UNIT_REGISTRY', '')) -%}

with

documents as (

    select * from {{ ref('int_documents__current') }}

),

units as (

    select * from {{ ref('dim_unit') }}

),

kind_years as (

    select distinct
        fiscal_year,
        document_kind

    from documents

    where fiscal_year is not null
        and document_kind is not null

),

{% if unit_registry %}

registry_lines as (

    select
        -- as the warehouse keeps names: every whitespace removed
        regexp_replace(coalesce(unit_name, ''), '[\s\p{Z}]+', '', 'g') as unit_name,
        nullif(trim(region), '') as region,
        nullif(trim(unit_level), '') as unit_level,
        row_number() over () as line_number

    from read_csv(
        '{{ unit_registry | replace("'", "''") }}', header = true, all_varchar = true
    )

),

registered_units as (

    select
        unit_name,
        region,
        unit_level,
        '单位登记表' as expected_from,
        true as in_registry

    from registry_lines

    where unit_name <> ''

    -- a unit listed twice counts once, as first listed
    qualify row_number() over (partition by unit_name order by line_number) = 1

),

unregistered_senders as (

    select
        unit_name,
        region,
        unit_level,
        '未在单位登记表中（已收到文件）' as expected_from,
        false as in_registry

    from units

    where unit_name not in (select registered_units.unit_name from registered_units)

),

expected_units as (

    select * from registered_units
    union all
    select * from unregistered_senders

),

{% else %}

expected_units as (

    select
        unit_name,
        region,
        unit_level,
        '仓库已有单位（未配置单位登记表）' as expected_from,
        cast(null as boolean) as in_registry

    from units

),

{% endif %}

best_versions as (

    select
        unit_name,
        fiscal_year,
        document_kind,
        document_id,
        status,
        status_reason,
        file_name

    from documents

    where unit_name is not null
        and fiscal_year is not null

    qualify row_number() over (
        partition by unit_name, fiscal_year, document_kind
        order by
            case status when 'loaded' then 0 when 'superseded' then 1 else 2 end,
            ingested_at desc,
            document_id
    ) = 1

),

final as (

    select
        cast({{ unit_id('expected_units.unit_name') }} as varchar) as unit_id,
        cast(expected_units.unit_name as varchar) as unit_name,
        cast(expected_units.region as varchar) as region,
        cast(expected_units.unit_level as varchar) as unit_level,
        cast(kind_years.fiscal_year as integer) as fiscal_year,
        cast(kind_years.document_kind as varchar) as document_kind,
        cast(expected_units.expected_from as varchar) as expected_from,
        cast(expected_units.in_registry as boolean) as in_registry,
        coalesce(best_versions.status = 'loaded', false) as has_loaded_document,
        cast(best_versions.document_id as varchar) as document_id,
        cast(coalesce(best_versions.status, 'absent') as varchar) as status,
        cast(
            case
                when best_versions.document_id is null
                    then '未收到该单位该年度的' || kind_years.document_kind || '文件'
                else best_versions.status_reason
            end as varchar
        ) as status_reason,
        cast(best_versions.file_name as varchar) as file_name

    from expected_units

    cross join kind_years

    left join best_versions
        on expected_units.unit_name = best_versions.unit_name
        and kind_years.fiscal_year = best_versions.fiscal_year
        and kind_years.document_kind = best_versions.document_kind

    -- an unregistered unit is listed only for the years it sent something
    where expected_units.in_registry is distinct from false
        or best_versions.document_id is not null

)

select * from final
