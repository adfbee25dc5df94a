"""Documents are the unit of work: one dynamic partition per distinct PDF content.

The key is the file's sha256, which is also `document_id` in the warehouse: a re-issued
PDF is new content, so it is a new partition, and the old version keeps its own history.
"""

import dagster as dg

document_partitions = dg.DynamicPartitionsDefinition(name="documents")
