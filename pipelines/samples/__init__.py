"""Sample final-accounts disclosures (决算公开 PDFs) with exact ground truth.

    from pipelines.samples import generate_corpus, generate_document, load_truth, Variants
    docs = generate_corpus(Path("sources/samples"))           # 20 units × 2023/2024 + seed case
    truth = load_truth(docs[0].truth_path)
    planted = generate_corpus(Path("out"), planted_errors=8)  # 8 documents with planted errors
    generate_document(Path("out"), "枣庄市教育局", 2024, errors=["leaf_amount", "unit_slip"])

Each PDF has a `<stem>.truth.json` beside it describing every printed table row, and
under "planted_errors" the errors planted in it with the checks each must trip
(pipelines.samples.planting; check ids of pipelines.quality.catalogue).
"""

from pipelines.samples.corpus import (
    GeneratedDocument,
    generate_corpus,
    generate_document,
    write_unit_registry,
)
from pipelines.samples.identities import Violation, identity_findings, identity_violations
from pipelines.samples.planting import ERROR_KINDS, ErrorRequest, PlantedError
from pipelines.samples.truth import load_truth
from pipelines.samples.variants import Variants

__all__ = [
    "ERROR_KINDS",
    "ErrorRequest",
    "GeneratedDocument",
    "PlantedError",
    "Variants",
    "Violation",
    "generate_corpus",
    "generate_document",
    "identity_findings",
    "identity_violations",
    "load_truth",
    "write_unit_registry",
]
