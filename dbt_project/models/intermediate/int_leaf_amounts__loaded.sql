{#
    The printed amounts of the leaf rows of the code tables, loaded documents only, with
    what every fact row carries (unit, fiscal year, document, table, page). One row per
    document, table, printed row and column with a printed amount (a printed 0.00 is an
    amount, a blank or '-' is not). The leaves are those of int_function_subject_rows
    (T02, T03, T05, T08, T09: subject_code) and of int_economic_class_rows (T06:
    econ_code and cost_category); each fact picks its table and columns.
#}

with

documents as (

    select * from {{ ref('int_documents__current') }}

    where status = 'loaded'

),

subject_leaves as (

    select * from {{ ref('int_function_subject_rows') }}

    where is_leaf

),

econ_leaves as (

    select * from {{ ref('int_economic_class_rows') }}

    where is_leaf

),

cells as (

    select * from {{ ref('stg_raw__table_cells') }}

    where amount is not null

),

leaf_rows as (

    select
        document_id,
        table_id,
        row_number,
        page,
        subject_code,
        cast(null as varchar) as econ_code,
        cast(null as varchar) as cost_category

    from subject_leaves

    union all

    select
        document_id,
        table_id,
        row_number,
        page,
        cast(null as varchar) as subject_code,
        econ_code,
        cost_category

    from econ_leaves

),

final as (

    select
        documents.unit_id,
        documents.fiscal_year,
        leaf_rows.document_id,
        leaf_rows.table_id,
        leaf_rows.row_number,
        leaf_rows.page,
        leaf_rows.subject_code,
        leaf_rows.econ_code,
        leaf_rows.cost_category,
        cells.column_name,
        cells.amount

    from leaf_rows

    inner join cells
        on leaf_rows.document_id = cells.document_id
        and leaf_rows.table_id = cells.table_id
        and leaf_rows.row_number = cells.row_number

    inner join documents
        on leaf_rows.document_id = documents.document_id

)

select * from final
