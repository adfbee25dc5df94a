"""`juesuan ingest`'s run in its own process: its events go to the instance, not to memory
held for the length of the command, and what the command prints is read back from there."""

import gc

import dagster as dg
import pytest

from pipelines.defs.ingestion.launch import (
    execute_in_this_process,
    read_run,
)

PARTITIONS = dg.DynamicPartitionsDefinition(name="documents")
MANY_DOCUMENTS = 150
# Single-run backfills are beta in Dagster; the ingest job is built on them.
pytestmark = pytest.mark.filterwarnings("ignore::dagster.BetaWarning")


def per_document_job(fail: bool = False) -> dg.JobDefinition:
    """Two per-document assets over a partition range, as the ingest job's: one
    materialisation per partition of each, with the step's metadata on every one."""

    @dg.asset(partitions_def=PARTITIONS, backfill_policy=dg.BackfillPolicy.single_run())
    def document_extractions(context: dg.AssetExecutionContext) -> None:
        context.add_output_metadata({"extracted": len(context.partition_keys), "loaded": 1})

    @dg.asset(
        partitions_def=PARTITIONS,
        backfill_policy=dg.BackfillPolicy.single_run(),
        deps=[document_extractions],
    )
    def loaded(context: dg.AssetExecutionContext) -> None:
        if fail:
            raise dg.Failure("the warehouse is read-only")

    defs = dg.Definitions(
        assets=[document_extractions, loaded], jobs=[dg.define_asset_job("ingest")]
    )
    return defs.resolve_job_def("ingest")


def run_over(instance: dg.DagsterInstance, job: dg.JobDefinition, documents: int) -> str:
    keys = [f"doc{i:05d}" for i in range(documents)]
    instance.add_dynamic_partitions(PARTITIONS.name, keys)
    tags = {
        "dagster/asset_partition_range_start": keys[0],
        "dagster/asset_partition_range_end": keys[-1],
    }
    run_id = "0b8e4a7c-1d1e-4c55-9a10-3d2b5e8f6a01"
    execute_in_this_process(job, instance, run_id, tags, {}, None)
    return run_id


def live_events() -> int:
    gc.collect()
    return sum(isinstance(o, dg.DagsterEvent) for o in gc.get_objects())


def test_a_run_over_many_documents_keeps_none_of_its_events_in_memory():
    with dg.instance_for_test() as instance:
        before = live_events()
        run_id = run_over(instance, per_document_job(), MANY_DOCUMENTS)
        stored = instance.get_records_for_run(run_id, limit=10_000).records
        # Two materialisations and two planned ones per document, all stored …
        assert len(stored) > 4 * MANY_DOCUMENTS
        del stored
        # … and none left in this process (execute_in_process's result holds them all).
        assert live_events() - before < 10


def test_the_outcome_and_the_extraction_figures_are_read_back_from_the_instance():
    with dg.instance_for_test() as instance:
        outcome = read_run(instance, run_over(instance, per_document_job(), 3))
    assert outcome.success and outcome.failures == []
    assert outcome.extraction == {"extracted": 3, "loaded": 1}


def test_a_failed_step_is_read_back_with_its_cause():
    with dg.instance_for_test() as instance:
        outcome = read_run(instance, run_over(instance, per_document_job(fail=True), 3))
    assert not outcome.success
    steps = [event for event in outcome.failures if event.is_step_failure]
    assert [event.step_key for event in steps] == ["loaded"]
    assert "the warehouse is read-only" in steps[0].step_failure_data.error.message
    # The extraction ran before the failure: its figures are this run's.
    assert outcome.extraction == {"extracted": 3, "loaded": 1}


def test_figures_of_an_earlier_run_are_not_this_runs():
    with dg.instance_for_test() as instance:
        run_over(instance, per_document_job(), 3)
        outcome = read_run(instance, "a-run-that-materialised-nothing")
    assert outcome.extraction is None and not outcome.success


def test_a_rebuild_runs_only_the_selected_assets():
    """`juesuan ingest` with nothing new but the marts behind raw selects the assets
    downstream of the per-document ones."""

    @dg.asset
    def marts() -> None: ...

    @dg.asset(deps=[marts])
    def report() -> None: ...

    @dg.asset
    def per_document() -> None:
        raise dg.Failure("not selected: must not run")

    job = dg.Definitions(
        assets=[marts, report, per_document], jobs=[dg.define_asset_job("ingest")]
    ).resolve_job_def("ingest")
    run_id = "5f0c7a9e-2b1d-4f3a-8c6e-9d4b2a1e7f02"
    with dg.instance_for_test() as instance:
        execute_in_this_process(job, instance, run_id, {}, {}, [marts.key, report.key])
        assert read_run(instance, run_id).success
        materialized = {
            record.event_log_entry.dagster_event.asset_key
            for record in instance.get_records_for_run(
                run_id, of_type=dg.DagsterEventType.ASSET_MATERIALIZATION
            ).records
        }
    assert materialized == {marts.key, report.key}


def planned_events(instance: dg.DagsterInstance, run_id: str) -> int:
    return len(
        instance.get_records_for_run(
            run_id, of_type=dg.DagsterEventType.ASSET_MATERIALIZATION_PLANNED
        ).records
    )


def test_an_instance_in_memory_plans_each_asset_once_a_persistent_one_each_partition():
    with dg.DagsterInstance.ephemeral() as instance:
        in_memory = planned_events(instance, run_over(instance, per_document_job(), 20))
    with dg.instance_for_test() as instance:
        persistent = planned_events(instance, run_over(instance, per_document_job(), 20))
    assert (in_memory, persistent) == (2, 2 * 20)
