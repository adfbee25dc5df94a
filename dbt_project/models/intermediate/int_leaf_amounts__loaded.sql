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

{{ leaf_amounts_loaded() }}
