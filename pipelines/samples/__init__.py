"""Sample final-accounts disclosures (决算公开 PDFs) with exact ground truth.

    from pipelines.samples import generate_corpus, generate_document, load_truth, Variants
    docs = generate_corpus(Path("sources/samples"))           # 20 units × 2023/2024 + seed case
    truth = load_truth(docs[0].truth_path)

Each PDF has a `<stem>.truth.json` beside it describing every printed table row.
"""

from pipelines.samples.corpus import GeneratedDocument, generate_corpus, generate_document
from pipelines.samples.identities import identity_violations
from pipelines.samples.truth import load_truth
from pipelines.samples.variants import Variants

__all__ = [
    "GeneratedDocument",
    "Variants",
    "generate_corpus",
    "generate_document",
    "identity_violations",
    "load_truth",
]
