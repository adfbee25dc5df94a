"""Sample final-accounts disclosures (决算公开 PDFs) with exact ground truth.

The juesuan-samples distribution, apart from the product: the demo and the tests install
it beside juesuan (`make install`). Command line: `python -m juesuan_samples --out DIR`,
or `juesuan samples`, which forwards to it. Reference data (subjects, units) is in data/.

    from juesuan_samples import generate_corpus, generate_document, load_truth, Variants
    docs = generate_corpus(Path("sources/samples"))           # 20 units × 2023/2024 + seed case
    truth = load_truth(docs[0].truth_path)
    planted = generate_corpus(Path("out"), planted_errors=8)  # 8 documents with planted errors
    generate_document(Path("out"), "枣庄市教育局", 2024, errors=["leaf_amount", "unit_slip"])
    generate_corpus(Path("office"), producer="office")  # .docx exported by LibreOffice (office.py)
    pairs = generate_corpus(Path("pairs"), budgets=True, budget_mismatches=3)  # + 预算 each

Each PDF has a `<stem>.truth.json` beside it describing every printed table row, and
under "planted_errors" the errors planted in it with the checks each must trip
(juesuan_samples.planting; check ids of pipelines.quality.catalogue).

With budgets=True every synthesised unit × year also gets its budget (预算, tables B01–B09
in the real families' titles and money units: budget.py, budget_tables.py,
budget_document.py), which its final restates (T07 预算数, the narrative's 年初预算); the
budget's truth adds "budget_vs_final" and "three_public_budget_vs_final", the rows the
warehouse's budget-against-final marts must hold. budget_mismatches=N finals restate their
budget wrongly (planting.MISMATCH_KINDS, in the final's planted_errors). The command line
makes the pairs by default (--no-budgets to leave budgets out).
"""

from juesuan_samples.corpus import (
    GeneratedDocument,
    generate_budget_document,
    generate_corpus,
    generate_document,
    write_unit_registry,
)
from juesuan_samples.identities import Violation, identity_findings, identity_violations
from juesuan_samples.planting import (
    ERROR_KINDS,
    MISMATCH_KINDS,
    REVIEW_KINDS,
    ErrorRequest,
    PlantedError,
)
from juesuan_samples.truth import load_truth
from juesuan_samples.variants import Variants

__all__ = [
    "ERROR_KINDS",
    "MISMATCH_KINDS",
    "REVIEW_KINDS",
    "ErrorRequest",
    "GeneratedDocument",
    "PlantedError",
    "Variants",
    "Violation",
    "generate_budget_document",
    "generate_corpus",
    "generate_document",
    "identity_findings",
    "identity_violations",
    "load_truth",
    "write_unit_registry",
]
