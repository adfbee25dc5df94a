"""The two disclosure seasons: a full ingestion after each.

A unit publishes two documents a year: its budget (预算) for the coming year in
February–March, and its final accounts (决算) for the year before in August–September.
After each season one run covers every document in the inbox, whatever the inbox sensor
saw or missed (it may have been switched off). The runs are alike (documents are told
apart by what they print, never by the schedule); the season only names the run: its
key, so that a re-evaluation never launches it twice, and its tags.
"""

from __future__ import annotations

from dataclasses import dataclass

import dagster as dg

from pipelines.defs.ingestion.jobs import ingest_job
from pipelines.defs.ingestion.partitions import register_documents
from pipelines.defs.ingestion.planning import range_tags
from pipelines.defs.resources import InboxResource

TIMEZONE = "Asia/Shanghai"
DOCUMENT_KIND_TAG = "juesuan/document_kind"
FISCAL_YEAR_TAG = "juesuan/fiscal_year"


@dataclass(frozen=True)
class Season:
    name: str  # the schedule's name (its state in the Dagster instance is kept by name)
    document_kind: str  # '预算' or '决算': what the season publishes
    cron: str  # in TIMEZONE, just after the season
    # The fiscal year the season's documents are about, relative to the calendar year of
    # the run: a budget is published in the year it budgets, final accounts the year after.
    year_offset: int
    run_key_prefix: str
    description: str

    def fiscal_year(self, calendar_year: int) -> int:
        return calendar_year + self.year_offset


BUDGET_SEASON = Season(
    name="budget_ingestion",
    document_kind="预算",
    # Budgets are published within weeks of their approval, in February–March.
    cron="0 2 1 4 *",
    year_offset=0,
    run_key_prefix="budget",
    description="每年 4 月 1 日 02:00（北京时间）：2–3 月预算公开季之后，入库收件箱中的全部文件",
)
FINAL_ACCOUNTS_SEASON = Season(
    # The name it had when it was the only schedule: a deployment keeps its state.
    name="yearly_ingestion",
    document_kind="决算",
    # Final accounts of the previous year are published in August–September.
    cron="0 2 1 10 *",
    year_offset=-1,
    run_key_prefix="yearly",
    description="每年 10 月 1 日 02:00（北京时间）：8–9 月决算公开季之后，入库收件箱中的全部文件",
)
SEASONS = (BUDGET_SEASON, FINAL_ACCOUNTS_SEASON)


def season_schedule(season: Season) -> dg.ScheduleDefinition:
    @dg.schedule(
        name=season.name,
        job=ingest_job,
        cron_schedule=season.cron,
        execution_timezone=TIMEZONE,
        default_status=dg.DefaultScheduleStatus.RUNNING,
        description=season.description,
    )
    def _after_the_season(context: dg.ScheduleEvaluationContext, inbox: InboxResource):
        """One run over every document in the inbox once the season's disclosures are
        out. Documents already loaded with the same extractor version are skipped inside
        the run; the marts, checks and report are rebuilt when anything changed."""
        fiscal_year = season.fiscal_year(context.scheduled_execution_time.year)
        sources = inbox.scan().documents
        if not sources:
            return dg.SkipReason(f"no PDF in {inbox.root}")
        # The sensor adds partitions as files arrive; it may have been switched off.
        order = register_documents(context.instance, sources)
        return dg.RunRequest(
            run_key=f"{season.run_key_prefix}-{fiscal_year}",
            tags={
                **range_tags([s.document_id for s in sources], order),
                "juesuan/trigger": f"{season.run_key_prefix}_schedule",
                DOCUMENT_KIND_TAG: season.document_kind,
                FISCAL_YEAR_TAG: str(fiscal_year),
            },
        )

    return _after_the_season


budget_ingestion = season_schedule(BUDGET_SEASON)
yearly_ingestion = season_schedule(FINAL_ACCOUNTS_SEASON)
SCHEDULES = [budget_ingestion, yearly_ingestion]
