"""New or re-issued PDFs in the inbox start their own ingestion run."""

import hashlib

import dagster as dg

from pipelines.defs.ingestion.jobs import ingest_job
from pipelines.defs.ingestion.partitions import DOCUMENT_PARTITIONS, document_partitions
from pipelines.defs.ingestion.planning import new_partition_keys, range_tags
from pipelines.defs.resources import InboxResource
from pipelines.extract.path_text import path_text

# A file modified more recently than this may still be being copied into the inbox.
SETTLE_SECONDS = 30.0


@dg.sensor(
    job=ingest_job,
    minimum_interval_seconds=60,
    default_status=dg.DefaultSensorStatus.RUNNING,
)
def inbox_sensor(context: dg.SensorEvaluationContext, inbox: InboxResource) -> dg.SensorResult:
    """Adds a document partition for each new content hash in the inbox (a new file, or a
    unit's re-issued PDF under any name) and requests one run over them. Unchanged files
    are not read again: the inbox's hashes are kept (InboxResource), for the run too."""
    scan = inbox.scan(settle_seconds=SETTLE_SECONDS)
    sources = scan.documents
    # Reported on every tick until fixed: such an entry never becomes a partition.
    for entry in scan.skipped:
        context.log.warning(f"已跳过收件箱条目 {entry.source_path}：{entry.reason}")
    existing = context.instance.get_dynamic_partitions(DOCUMENT_PARTITIONS)
    new = new_partition_keys(sources, existing)
    if not new:
        skipped = f"; {len(scan.skipped)} entry(ies) skipped" if scan.skipped else ""
        return dg.SensorResult(
            skip_reason=f"nothing new among {len(sources)} document(s) in "
            f"{path_text(inbox.root)}{skipped}"
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
    )
