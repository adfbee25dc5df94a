"""New or re-issued PDFs in the inbox start their own ingestion run."""

import hashlib
import json

import dagster as dg

from pipelines.defs.ingestion.jobs import ingest_job
from pipelines.defs.ingestion.partitions import document_partitions
from pipelines.defs.ingestion.planning import new_partition_keys, range_tags
from pipelines.defs.resources import InboxResource
from pipelines.extract.runner import discover

# A file modified more recently than this may still be being copied into the inbox.
SETTLE_SECONDS = 30.0


@dg.sensor(
    job=ingest_job,
    minimum_interval_seconds=60,
    default_status=dg.DefaultSensorStatus.RUNNING,
)
def inbox_sensor(context: dg.SensorEvaluationContext, inbox: InboxResource) -> dg.SensorResult:
    """Adds a document partition for each new content hash in the inbox (a new file, or a
    unit's re-issued PDF under any name) and requests one run over them. The cursor keeps
    each file's size, mtime and hash, so unchanged files are not read again."""
    hash_cache = json.loads(context.cursor) if context.cursor else {}
    sources = discover(inbox.root, hash_cache=hash_cache, settle_seconds=SETTLE_SECONDS)
    existing = context.instance.get_dynamic_partitions(document_partitions.name)
    new = new_partition_keys(sources, existing)
    cursor = json.dumps(hash_cache, sort_keys=True)
    if not new:
        return dg.SensorResult(
            skip_reason=f"nothing new among {len(sources)} document(s) in {inbox.root}",
            cursor=cursor,
        )
    new_ids = set(new)
    paths = [s.source_path for s in sources if s.document_id in new_ids]
    context.log.info(f"{len(new)} new document(s): " + ", ".join(paths[:20]))
    return dg.SensorResult(
        run_requests=[
            dg.RunRequest(
                run_key="inbox-" + hashlib.sha256("".join(new).encode()).hexdigest()[:16],
                tags={**range_tags(new, [*existing, *new]), "juesuan/trigger": "inbox_sensor"},
            )
        ],
        dynamic_partitions_requests=[document_partitions.build_add_request(new)],
        cursor=cursor,
    )
