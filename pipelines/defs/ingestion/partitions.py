"""Documents are the unit of work: one dynamic partition per distinct PDF content.

The key is the file's sha256, which is also `document_id` in the warehouse: a re-issued
PDF is new content, so it is a new partition, and the old version keeps its own history.
"""

from collections.abc import Iterable

import dagster as dg

from pipelines.defs.ingestion.planning import new_partition_keys
from pipelines.extract.runner import SourceFile

DOCUMENT_PARTITIONS = "documents"
document_partitions = dg.DynamicPartitionsDefinition(name=DOCUMENT_PARTITIONS)


def register_documents(instance: dg.DagsterInstance, sources: Iterable[SourceFile]) -> list[str]:
    """Adds a partition for each source not yet one; returns every partition key, in
    partition order. (The sensor asks for its additions through its result instead.)"""
    new = new_partition_keys(sources, instance.get_dynamic_partitions(DOCUMENT_PARTITIONS))
    if new:
        instance.add_dynamic_partitions(DOCUMENT_PARTITIONS, new)
    return list(instance.get_dynamic_partitions(DOCUMENT_PARTITIONS))
