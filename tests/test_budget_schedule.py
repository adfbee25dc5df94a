"""Operations for both disclosure seasons: budgets in spring, final accounts in autumn.

A schedule after each season, each one run over the whole inbox; the inbox sensor picks
up a new or re-issued budget as it does final accounts (it reads no content)."""

from __future__ import annotations

import shutil
from datetime import datetime
from zoneinfo import ZoneInfo

import dagster as dg
import pytest

from juesuan_samples import generate_document
from pipelines.defs.ingestion.planning import RANGE_END_TAG, RANGE_START_TAG
from pipelines.defs.ingestion.schedules import (
    BUDGET_SEASON,
    DOCUMENT_KIND_TAG,
    FINAL_ACCOUNTS_SEASON,
    FISCAL_YEAR_TAG,
    budget_ingestion,
    yearly_ingestion,
)
from tests.test_operations import PARTITIONS, apply, inbox_resource, settle, sha256, tick

SHANGHAI = ZoneInfo("Asia/Shanghai")
BUDGET_A = "shanghai_welfare_lottery_center_2026_budget.pdf"
BUDGET_B = "shanghai_pollution_carbon_reduction_center_2026_budget.pdf"


@pytest.fixture
def paired_inbox(tmp_path, real_budgets):
    """A unit's final accounts (generated) and a budget (a real one) in one inbox."""
    root = tmp_path / "inbox"
    final = generate_document(root / "决算", unit="枣庄市教育局", fiscal_year=2025, seed=3)
    budget = root / "预算" / "2026年单位预算.pdf"
    budget.parent.mkdir(parents=True)
    shutil.copy(real_budgets / BUDGET_A, budget)
    settle(final.pdf_path, budget)
    return root, final.pdf_path, budget


def evaluate(schedule: dg.ScheduleDefinition, instance, root, at: datetime):
    with dg.build_schedule_context(
        instance=instance,
        scheduled_execution_time=at,
        resources={"inbox": inbox_resource(root)},
    ) as context:
        return schedule(context)


def test_one_schedule_after_each_season_both_running():
    from pipelines.definitions import defs

    schedules = {s.name: s for s in defs.schedules}
    assert set(schedules) == {"budget_ingestion", "yearly_ingestion"}
    # Budgets come out in February–March, final accounts in August–September.
    assert schedules["budget_ingestion"].cron_schedule == "0 2 1 4 *"
    assert schedules["yearly_ingestion"].cron_schedule == "0 2 1 10 *"
    for schedule in schedules.values():
        assert schedule.execution_timezone == "Asia/Shanghai"
        assert schedule.default_status == dg.DefaultScheduleStatus.RUNNING
        assert schedule.job_name == "ingest"


def test_the_spring_run_covers_the_whole_inbox_and_names_the_budget_year(paired_inbox):
    root, final, budget = paired_inbox
    with dg.instance_for_test() as instance:
        request = evaluate(
            budget_ingestion, instance, root, datetime(2026, 4, 1, 2, tzinfo=SHANGHAI)
        )
        assert isinstance(request, dg.RunRequest)
        # A budget published in 2026 budgets 2026.
        assert request.run_key == "budget-2026"
        assert request.tags[FISCAL_YEAR_TAG] == "2026"
        assert request.tags[DOCUMENT_KIND_TAG] == "预算"
        assert request.tags["juesuan/trigger"] == "budget_schedule"
        # Every document, whatever its kind: the run decides what each one is.
        keys = instance.get_dynamic_partitions(PARTITIONS)
        assert set(keys) == {sha256(final), sha256(budget)}
        assert {request.tags[RANGE_START_TAG], request.tags[RANGE_END_TAG]} == set(keys)


def test_the_autumn_run_names_the_year_just_closed(paired_inbox):
    root, final, budget = paired_inbox
    with dg.instance_for_test() as instance:
        request = evaluate(
            yearly_ingestion, instance, root, datetime(2026, 10, 1, 2, tzinfo=SHANGHAI)
        )
        assert request.run_key == "yearly-2025"
        assert request.tags[FISCAL_YEAR_TAG] == "2025"
        assert request.tags[DOCUMENT_KIND_TAG] == "决算"
        assert request.tags["juesuan/trigger"] == "yearly_schedule"
        assert set(instance.get_dynamic_partitions(PARTITIONS)) == {sha256(final), sha256(budget)}


def test_the_seasons_never_share_a_run_key():
    # Spring and autumn of the same calendar year are two runs, and so are two years.
    keys = {
        f"{season.run_key_prefix}-{season.fiscal_year(year)}"
        for season in (BUDGET_SEASON, FINAL_ACCOUNTS_SEASON)
        for year in (2025, 2026)
    }
    assert len(keys) == 4


def test_an_empty_inbox_skips_either_season(tmp_path):
    (tmp_path / "inbox").mkdir()
    with dg.instance_for_test() as instance:
        for schedule, at in (
            (budget_ingestion, datetime(2026, 4, 1, 2, tzinfo=SHANGHAI)),
            (yearly_ingestion, datetime(2026, 10, 1, 2, tzinfo=SHANGHAI)),
        ):
            assert isinstance(evaluate(schedule, instance, tmp_path / "inbox", at), dg.SkipReason)


def test_the_sensor_picks_up_a_reissued_budget_as_a_new_partition(paired_inbox, real_budgets):
    root, final, budget = paired_inbox
    with dg.instance_for_test() as instance:
        first = tick(instance, root)
        assert set(first.dynamic_partitions_requests[0].partition_keys) == {
            sha256(final),
            sha256(budget),
        }
        apply(instance, first)
        old_key = sha256(budget)

        # The budget is re-issued under the same name with other bytes.
        shutil.copy(real_budgets / BUDGET_B, budget)
        new_key = sha256(budget)
        assert new_key != old_key
        assert not tick(instance, root).run_requests  # still being copied
        settle(budget)
        picked = tick(instance, root)
        (request,) = picked.dynamic_partitions_requests
        assert list(request.partition_keys) == [new_key]
        (run,) = picked.run_requests
        assert (run.tags[RANGE_START_TAG], run.tags[RANGE_END_TAG]) == (new_key, new_key)
        apply(instance, picked)
        # The earlier budget keeps its partition, as an earlier final's does.
        assert {old_key, new_key, sha256(final)} <= set(instance.get_dynamic_partitions(PARTITIONS))
