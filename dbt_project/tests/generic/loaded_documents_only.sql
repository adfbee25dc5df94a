{#
    Column test on a fact's document_id: facts come only from documents whose derived
    status is 'loaded' (superseded and rejected versions contribute nothing). Fails with
    one row per offending document, its status and its number of fact rows.
#}
{% test loaded_documents_only(model, column_name) %}

{{ facts_of_documents_other_than(model, column_name, 'status', 'loaded') }}

{% endtest %}
