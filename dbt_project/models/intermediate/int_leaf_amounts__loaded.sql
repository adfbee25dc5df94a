{#
    The printed amounts of the leaf codes of the code tables, loaded documents only, with
    what every fact row carries (unit, fiscal year, document, table, page). One row per
    document, table, leaf code and column with a printed amount (a printed 0.00 is an
    amount, a blank or '-' is not). The leaves are those of int_function_subject_rows
    (T02, T03, T05, T08, T09 and B02, B03, B05, B08, B09: subject_code) and of
    int_economic_class_rows (T06 and B06: econ_code and cost_category); each fact, final
    or budget, picks its tables and columns.

    A code printed on several rows of one table is one subject: real budgets print a
    function code once per economic class (Beijing's 支出总表: "2010801-行政运行" on one
    row per class) or once per unit of the department (Beijing's 一般公共预算支出表), and
    the table's 合计 is the sum of all those rows. So the rows of one code add up per
    column here, and the page is the first page the code is printed on; printed_row_count
    says how many rows were added. A code with printed children is never a leaf, however
    many times it is printed (int_function_subject_rows), so no total is added to its own
    parts. Final accounts go through the same step: a code printed once is unchanged.
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

first_pages as (

    -- the first page each code is printed on, whether or not that row prints a column
    select
        leaf_rows.*,
        min(page) over (
            partition by document_id, table_id, subject_code, econ_code
        ) as first_page

    from leaf_rows

),

leaf_cells as (

    select
        first_pages.document_id,
        first_pages.table_id,
        first_pages.first_page as page,
        first_pages.subject_code,
        first_pages.econ_code,
        first_pages.cost_category,
        cells.column_name,
        cells.amount

    from first_pages

    inner join cells
        on first_pages.document_id = cells.document_id
        and first_pages.table_id = cells.table_id
        and first_pages.row_number = cells.row_number

),

leaf_codes as (

    -- one code, one subject: the rows printing the same code add up per column
    -- (cost_category follows from econ_code, so it never splits a code)
    select
        document_id,
        table_id,
        subject_code,
        econ_code,
        cost_category,
        column_name,
        min(page) as page,
        count(*) as printed_row_count,
        sum(amount) as amount

    from leaf_cells

    group by document_id, table_id, subject_code, econ_code, cost_category, column_name

),

final as (

    select
        documents.unit_id,
        documents.fiscal_year,
        leaf_codes.document_id,
        leaf_codes.table_id,
        leaf_codes.page,
        leaf_codes.subject_code,
        leaf_codes.econ_code,
        leaf_codes.cost_category,
        leaf_codes.column_name,
        cast(leaf_codes.printed_row_count as integer) as printed_row_count,
        cast(leaf_codes.amount as decimal(20, 6)) as amount

    from leaf_codes

    inner join documents
        on leaf_codes.document_id = documents.document_id

)

select * from final
