"""The yearly full ingestion, after the disclosure season."""

import dagster as dg

from pipelines.defs.ingestion.jobs import ingest_job
from pipelines.defs.ingestion.partitions import register_documents
from pipelines.defs.ingestion.planning import range_tags
from pipelines.defs.resources import InboxResource


@dg.schedule(
    job=ingest_job,
    # Units publish the previous year's final accounts around August–September.
    cron_schedule="0 2 1 10 *",
    execution_timezone="Asia/Shanghai",
    default_status=dg.DefaultScheduleStatus.RUNNING,
)
def yearly_ingestion(context: dg.ScheduleEvaluationContext, inbox: InboxResource):
    """On 1 October, one run over every document in the inbox: the fiscal year just
    disclosed is complete, whatever the sensor saw or missed. Documents already loaded
    with the same extractor version are skipped inside the run; the marts, checks and
    report are rebuilt when anything changed."""
    fiscal_year = context.scheduled_execution_time.year - 1
    sources = inbox.scan().documents
    if not sources:
        return dg.SkipReason(f"no PDF in {inbox.root}")
    # The sensor adds partitions as files arrive; it may have been switched off.
    order = register_documents(context.instance, sources)
    return dg.RunRequest(
        run_key=f"yearly-{fiscal_year}",
        tags={
            **range_tags([s.document_id for s in sources], order),
            "juesuan/trigger": "yearly_schedule",
            "juesuan/fiscal_year": str(fiscal_year),
        },
    )
