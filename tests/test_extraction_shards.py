"""Splitting a run's documents into extraction shards (one step each)."""

from pathlib import Path

from pipelines.defs.ingestion.planning import split_into_shards
from pipelines.extract.runner import SourceFile


def sources(*sizes: int) -> list[SourceFile]:
    return [
        SourceFile(Path(f"{index}.pdf"), f"{index}.pdf", f"id{index}", size)
        for index, size in enumerate(sizes)
    ]


def test_every_document_lands_in_exactly_one_shard_in_its_order():
    documents = sources(5, 9, 1, 7, 3, 8, 2)
    shards = split_into_shards(documents, 3)
    assert len(shards) == 3
    assert sorted(s.document_id for shard in shards for s in shard) == sorted(
        s.document_id for s in documents
    )
    order = {s.document_id: index for index, s in enumerate(documents)}
    for shard in shards:
        assert [order[s.document_id] for s in shard] == sorted(order[s.document_id] for s in shard)


def test_shards_are_balanced_by_bytes():
    documents = sources(10, 10, 10, 10, 1, 1, 1, 1)
    loads = sorted(sum(s.file_size for s in shard) for shard in split_into_shards(documents, 2))
    assert loads == [22, 22]
    # One large file cannot be split: it is a shard of its own, the rest share the other.
    loads = sorted(
        sum(s.file_size for s in shard) for shard in split_into_shards(sources(100, 5, 5, 5), 2)
    )
    assert loads == [15, 100]


def test_the_same_documents_give_the_same_shards():
    documents = sources(4, 4, 4, 4, 4, 4)  # ties everywhere
    first = split_into_shards(documents, 4)
    assert first == split_into_shards(list(documents), 4)
    assert [len(shard) for shard in first] == [2, 2, 1, 1]


def test_never_more_shards_than_documents_and_always_one():
    assert [len(shard) for shard in split_into_shards(sources(1, 2), 8)] == [1, 1]
    assert split_into_shards([], 4) == [[]]  # the collecting step still runs
    assert len(split_into_shards(sources(1, 2, 3), 1)) == 1
    assert len(split_into_shards(sources(1, 2, 3), 0)) == 1
