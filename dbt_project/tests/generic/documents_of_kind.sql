{#
    Column test on a fact's document_id: facts come only from documents of the given kind
    ('预算' for the budget facts), so a budget table can never feed a final-accounts fact
    or the reverse. Fails with one row per offending document, its kind and its number of
    fact rows.
#}
{% test documents_of_kind(model, column_name, kind) %}

{{ facts_of_documents_other_than(model, column_name, 'document_kind', kind) }}

{% endtest %}
