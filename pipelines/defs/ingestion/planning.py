"""Which documents a run covers and which of them it extracts: one answer for the CLI,
the sensor, the schedule and the extraction step, so that all launch the same kind of
run and decide "already loaded" alike."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from pipelines.extract import EXTRACTOR_VERSION
from pipelines.extract.runner import SourceFile

if TYPE_CHECKING:
    from pipelines.warehouse import WarehouseResource

# Dagster's run tags for a run over a range of partitions (a single-run backfill).
RANGE_START_TAG = "dagster/asset_partition_range_start"
RANGE_END_TAG = "dagster/asset_partition_range_end"


def new_partition_keys(sources: Iterable[SourceFile], existing: Iterable[str]) -> list[str]:
    """Content hashes not yet partitions, in discovery order."""
    known = set(existing)
    return [s.document_id for s in sources if s.document_id not in known]


def pending_sources(
    sources: Iterable[SourceFile], warehouse: WarehouseResource, force: bool = False
) -> list[SourceFile]:
    """The sources to extract: those whose content, or the extractor version that read it,
    the warehouse has not loaded; every one when `force` is set."""
    if force:
        return list(sources)
    known = warehouse.known_documents()
    return [s for s in sources if known.get(s.document_id) != EXTRACTOR_VERSION]


def range_tags(keys: Iterable[str], partition_order: Sequence[str]) -> dict[str, str]:
    """Run tags for one run covering `keys`: the span of the partition order from the
    first of them to the last. Partitions inside the span that need nothing are skipped by
    the extraction asset, so the span may safely include them."""
    position = {key: index for index, key in enumerate(partition_order)}
    positions = sorted(position[key] for key in keys)
    if not positions:
        raise ValueError("no partition to run")
    return {
        RANGE_START_TAG: partition_order[positions[0]],
        RANGE_END_TAG: partition_order[positions[-1]],
    }


def split_into_shards(sources: Sequence[SourceFile], shards: int) -> list[list[SourceFile]]:
    """The sources in at most `shards` groups of near-equal bytes (file size stands for the
    pages to read), each group in the sources' order; always one group, empty when there
    is nothing. Largest first into the lightest group, ties to the first: the same sources
    give the same groups in every process."""
    count = max(1, min(shards, len(sources)))
    groups: list[list[int]] = [[] for _ in range(count)]
    loads = [0] * count
    by_size = sorted(range(len(sources)), key=lambda index: (-sources[index].file_size, index))
    for index in by_size:
        lightest = min(range(count), key=lambda group: (loads[group], group))
        groups[lightest].append(index)
        loads[lightest] += sources[index].file_size
    return [[sources[index] for index in sorted(group)] for group in groups]
