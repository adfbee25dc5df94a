{#
    The printed rows of the function-subject tables of both disclosures (final accounts
    T02, T03, T05, T08, T09; budgets B02, B03, B05, B08, B09: macro table_ids), one per
    document, table and row, with the subject hierarchy and leaf detection (macro
    is_leaf_code): a row with a subject code is a leaf when no other row of the same
    document and table has a longer code starting with it, so a 类 or 款 printed without
    its children is a leaf too. Label rows (合计 and the like, no code) are never leaves.
    Leafness belongs to the code, not the row: a code printed on several rows (Beijing's
    budgets print a function code once per economic class or per unit) is a leaf on all of
    them or on none, and one with printed children is no leaf however often it is printed;
    int_leaf_amounts__loaded adds a leaf code's rows up.
#}

{{ function_subject_rows() }}
