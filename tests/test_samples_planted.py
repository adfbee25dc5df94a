"""Planted errors: each breaks what its ground truth says and nothing else, the truth
describes what is printed, and clean documents stay byte for byte what they were."""

from __future__ import annotations

import hashlib
import random
from decimal import Decimal
from pathlib import Path

import pytest

from juesuan_samples import (
    ERROR_KINDS,
    ErrorRequest,
    Variants,
    generate_corpus,
    generate_document,
    identity_findings,
    load_truth,
)
from juesuan_samples.catalogue import corpus_units
from juesuan_samples.cli import main
from juesuan_samples.planting import (
    SUBJECT_TABLES,
    TABLE_LEVEL_KINDS,
    UNIT_SLIP_TABLES,
    assign_errors,
    expected_sites,
    plant_errors,
)
from juesuan_samples.synthesis import synthesize
from pipelines.quality.catalogue import CHECKS
from tests.ground_truth import compact, pdf_texts

VARIANTS = (
    Variants(),
    Variants(money_unit="元", printed_zeros=True),
    Variants(money_unit="mixed", printed_zeros=True, t06_groups=2),
)


def _disclosures(count: int = 12):
    for index, unit in enumerate(corpus_units(count)):
        for year in (2023, 2024):
            yield synthesize(unit, year, VARIANTS[(index + year) % 3], index), index * 10 + year


def _sites(d) -> set:
    """The (check, table, location) sites of every identity the disclosure breaks."""
    return {violation.site for violation in identity_findings(d)}


def _one_wan(amount_unit: str) -> int:
    return 100 if amount_unit == "万元" else 1_000_000


# ---------------------------------------------------------------------------
# The model: every kind breaks exactly what it records


@pytest.mark.parametrize("kind", ERROR_KINDS)
def test_each_kind_trips_exactly_the_checks_it_records(kind: str) -> None:
    tables_seen = set()
    for d, seed in _disclosures():
        assert identity_findings(d) == []
        printed, (error,) = plant_errors(d, [kind], random.Random(seed))
        assert error.kind == kind
        assert error.checks, error
        assert len(set(error.checks)) == len(error.checks)
        assert all(check in CHECKS for check, _, _ in error.checks), error
        assert _sites(printed) == expected_sites([error]), error
        tables_seen.add(error.table)
        sites = set(error.checks)
        if kind in ("leaf_amount", "wrong_total"):
            one_wan = _one_wan(d.amount_unit)
            assert abs(error.printed - error.correct) >= max(one_wan, error.correct / 100)
            assert error.printed > 0
        if kind == "leaf_amount":
            if error.table in SUBJECT_TABLES:
                row_check = {
                    f"{error.table.lower()}_row_total",
                    f"{error.table.lower()}_carry_over",
                }
                assert any(c in row_check and loc == error.location for c, _, loc in sites)
                assert ("subject_hierarchy", error.table, error.location[:5]) in sites
                assert len(error.location) == 7
            elif error.table == "T06":
                assert ("t06_hierarchy", "T06", error.location[:3]) in sites
            else:
                assert {c for c, _, _ in sites} <= {"t07_total", "t07_vehicle_subtotal"}
        elif kind == "wrong_total":
            assert any(table == error.table for _, table, _ in sites), error
        elif kind == "narrative_mismatch":
            assert error.table is None
            assert sites == {("narrative_matches_tables", None, error.location)}
        elif kind == "unit_slip":
            assert error.table in UNIT_SLIP_TABLES
            assert ("scale_outlier", error.table, None) in sites
            assert len(sites) >= 2  # and at least one comparison with another table
            assert printed.unit_slips == {error.table}
        else:
            assert sites == {("tables_complete", error.table, None)}
            assert printed.missing_tables == {error.table}
            assert identity_findings(printed) == []
    # Errors land all over the document, not always in the same table.
    assert len(tables_seen) >= {"narrative_mismatch": 1, "unit_slip": 4}.get(kind, 5)


def test_a_t03_leaf_trips_its_row_and_its_parent() -> None:
    """The issue's example: a 项 row's 基本支出 in T03, totals left alone."""
    d = synthesize(corpus_units(3)[0], 2024, Variants(), 11)
    printed, (error,) = plant_errors(
        d, [ErrorRequest("leaf_amount", "T03", column="基本支出")], random.Random(1)
    )
    code = error.location
    assert error.table == "T03" and len(code) == 7 and error.column == "基本支出"
    t03 = {row.code: row for row in printed.t03.rows}
    assert printed.t03.value(t03[code], "基本支出") == error.printed
    assert d.t03.value(d.t03.find(code), "基本支出") == error.correct
    assert printed.t03.value(t03[code], "本年支出合计") == d.t03.value(
        d.t03.find(code), "本年支出合计"
    )
    assert error.checks[:2] == (
        ("t03_row_total", "T03", code),
        ("subject_hierarchy", "T03", code[:5]),
    )
    broken_basic = ("t03_t05_basic_at_least", "T03", code)
    assert set(error.checks) - {broken_basic} == set(error.checks[:2])
    assert (broken_basic in error.checks) == (
        d.t05.find(code) is not None
        and error.printed < (d.t05.value(d.t05.find(code), "基本支出") or 0)
    )
    assert _sites(printed) == set(error.checks)


def test_a_wrong_t01_expenditure_total_trips_the_statement_and_its_comparisons() -> None:
    d = synthesize(corpus_units(5)[4], 2023, Variants(money_unit="元"), 2)
    request = ErrorRequest("wrong_total", "T01", "本年支出合计", "决算数", "支出")
    printed, (error,) = plant_errors(d, [request], random.Random(2))
    assert set(error.checks) == {
        ("statement_expense_total", "T01", "本年支出合计"),
        ("statement_expense_grand_total", "T01", "总计"),
        ("t01_t03_expenditure", "T01", "本年支出合计"),
        ("narrative_matches_tables", None, "本年支出合计"),
    }
    assert _sites(printed) == set(error.checks)


def test_several_errors_in_one_document_keep_to_their_own_checks() -> None:
    combos = 0
    for d, seed in _disclosures(10):
        rng = random.Random(seed)
        # The table-level error is asked for last, yet planted (and listed) first.
        kinds = [*rng.sample(ERROR_KINDS[:3], 3), rng.choice(ERROR_KINDS[:3])]
        kinds.append(rng.choice(sorted(TABLE_LEVEL_KINDS)))
        printed, errors = plant_errors(d, kinds, rng)
        assert len(errors) == len(kinds)
        assert errors[0].kind == kinds[-1]
        checks = [site for error in errors for site in error.checks]
        assert len(checks) == len(set(checks))  # no check site shared by two errors
        assert _sites(printed) == expected_sites(errors)
        combos += 1
    assert combos == 20


def test_requests_pin_the_site_and_bad_requests_are_refused(tmp_path: Path) -> None:
    d = synthesize(corpus_units(2)[1], 2024, Variants(), 4)
    printed, (error,) = plant_errors(
        d, [ErrorRequest("narrative_mismatch", location="三公经费决算数")], random.Random(0)
    )
    assert (error.location, error.correct) == ("三公经费决算数", d.narrative.three_public_final)
    assert printed.narrative.three_public_final == error.printed
    _, (error,) = plant_errors(d, [ErrorRequest("missing_table", "T05")], random.Random(0))
    assert error.table == "T05"
    with pytest.raises(ValueError, match="kind"):
        ErrorRequest("typo")
    with pytest.raises(ValueError, match="no table left"):
        plant_errors(d, [ErrorRequest("unit_slip", "T01")], random.Random(0))
    with pytest.raises(ValueError, match="seed case"):
        generate_document(tmp_path, "枣庄市人民政府办公室本级", 2020, errors=["leaf_amount"])


def test_errors_are_dealt_over_the_corpus() -> None:
    assigned = assign_errors(40, 12, seed=5)
    assert len(assigned) == 12 and all(0 <= index < 40 for index in assigned)
    assert assigned == assign_errors(40, 12, seed=5)
    kinds = [kind for document in assigned.values() for kind in document]
    assert set(kinds) == set(ERROR_KINDS)
    for document in assigned.values():
        assert 1 <= len(document) <= 3
        assert sum(kind in TABLE_LEVEL_KINDS for kind in document) <= 1
    assert assign_errors(3, 10, seed=5).keys() == {0, 1, 2}
    assert assign_errors(40, 0, seed=5) == {}


# ---------------------------------------------------------------------------
# Rendered documents


def _hashes(root: Path) -> dict[Path, str]:
    return {
        path.relative_to(root): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


@pytest.fixture(scope="module")
def corpora(tmp_path_factory: pytest.TempPathFactory) -> dict:
    root = tmp_path_factory.mktemp("planted")
    options = {"units": 4, "years": (2023, 2024), "seed": 8}
    return {
        "root": root,
        "clean": generate_corpus(root / "clean", **options),
        "planted": generate_corpus(root / "planted", **options, planted_errors=6),
        "again": generate_corpus(root / "again", **options, planted_errors=6),
    }


def test_clean_documents_are_untouched_and_planting_is_deterministic(corpora: dict) -> None:
    root = corpora["root"]
    clean, planted, again = (_hashes(root / name) for name in ("clean", "planted", "again"))
    assert planted == again
    assert clean.keys() == planted.keys()
    planted_files = set()
    for document in corpora["planted"]:
        if document.planted_errors:
            pdf = document.pdf_path.relative_to(root / "planted")
            planted_files |= {pdf, pdf.with_name(pdf.stem + ".truth.json")}
    assert len(planted_files) == 12  # six documents, PDF and truth
    for path, digest in clean.items():
        assert (digest == planted[path]) == (path not in planted_files), path
    for document in corpora["clean"]:
        assert load_truth(document.truth_path)["planted_errors"] == []


def test_planted_truth_describes_what_is_printed(corpora: dict) -> None:
    kinds = set()
    for clean_doc, doc in zip(corpora["clean"], corpora["planted"], strict=True):
        truth, clean = load_truth(doc.truth_path), load_truth(clean_doc.truth_path)
        records = truth["planted_errors"]
        assert len(records) == len(doc.planted_errors)
        if not records:
            assert truth == clean
            continue
        texts = pdf_texts(doc.pdf_path)
        touched_tables = set()
        for record, error in zip(records, doc.planted_errors, strict=True):
            kinds.add(record["kind"])
            assert record["kind"] == error.kind
            assert [tuple(check.values()) for check in record["checks"]] == list(error.checks)
            touched_tables.add(record["table"])
            _check_record(record, truth, clean, texts)
        for table_id, table in truth["tables"].items():
            if table_id not in touched_tables:
                assert _values(table) == _values(clean["tables"][table_id]), table_id
        if not any(record["kind"] == "narrative_mismatch" for record in records):
            assert truth["narrative"] == clean["narrative"]
            # The narrative restates the clean tables, word for word.
            assert _narrative_part(texts) == _narrative_part(pdf_texts(clean_doc.pdf_path))
    assert kinds == set(ERROR_KINDS)


def _narrative_part(texts: list[str]) -> str:
    """第三部分 without page footers (table errors may move it by a page)."""
    bodies = [compact(text.rstrip().rsplit("\n", 1)[0]) for text in texts]
    start = next(i for i, body in enumerate(bodies) if body.startswith("第三部分"))
    end = next(i for i, body in enumerate(bodies) if body.startswith("第四部分"))
    return "".join(bodies[start:end])


def _values(table: dict) -> list:
    return [(row["label"], row["values"]) for row in table["rows"]]


def _row(table: dict, record: dict) -> tuple[dict, int]:
    (index,) = [
        index
        for index, row in enumerate(table["rows"])
        if record["location"] in (row.get("code"), row["label"])
        and row.get("side") == record["side"]
        and row.get("parent") is None
    ]
    return table["rows"][index], index


def _check_record(record: dict, truth: dict, clean: dict, texts: list[str]) -> None:
    kind, table_id = record["kind"], record["table"]
    if kind in ("leaf_amount", "wrong_total"):
        table, clean_table = truth["tables"][table_id], clean["tables"][table_id]
        row, index = _row(table, record)
        assert row["values"][record["column"]] == record["printed"]
        assert clean_table["rows"][index]["values"][record["column"]] == record["correct"]
        changed = [
            (r, column)
            for r, (a, b) in enumerate(zip(table["rows"], clean_table["rows"], strict=True))
            for column in a["values"]
            if a["values"][column] != b["values"][column]
        ]
        assert changed == [(index, record["column"])]
        assert record["page"] == row["page"]
        scale = Decimal(10_000) if table["money_unit"] == "元" else Decimal(1)
        printed = f"{Decimal(record['printed']) * scale:.2f}"
        page_text = texts[record["page"] - 1].replace(",", "")
        assert printed in page_text.split()
        wrong = abs(Decimal(record["printed"]) - Decimal(record["correct"]))
        assert wrong >= max(Decimal(1), Decimal(record["correct"]) / 100)
    elif kind == "narrative_mismatch":
        key = record["location"]
        assert truth["narrative"][key] == record["printed"]
        assert clean["narrative"][key] == record["correct"]
        assert {k: v for k, v in truth["narrative"].items() if k != key} == {
            k: v for k, v in clean["narrative"].items() if k != key
        }
        unit = truth["layout"]["narrative_money_unit"]
        scale = Decimal(10_000) if unit == "元" else Decimal(1)
        stated = (Decimal(record["printed"]) * scale).quantize(Decimal("0.01"))
        page = compact(texts[record["page"] - 1])
        assert f"{stated}{unit}" in page or f"{stated.normalize():f}{unit}" in page
    elif kind == "unit_slip":
        table, clean_table = truth["tables"][table_id], clean["tables"][table_id]
        assert (record["printed"], record["correct"]) == ("万元", "元")
        assert table["money_unit"] == "万元" and table["money_unit_label"].endswith("万元")
        assert record["page"] == table["pages"][0]
        for row, clean_row in zip(table["rows"], clean_table["rows"], strict=True):
            for column, value in row["values"].items():
                correct = clean_row["values"][column]
                if correct in (None, "0"):
                    assert value == correct
                else:
                    assert Decimal(value) == Decimal(correct) * 10_000
    else:
        table = truth["tables"][table_id]
        assert table["missing"] is True
        assert (table["rows"], table["pages"], record["page"]) == ([], [], None)
        title = compact(clean["tables"][table_id]["printed_title"])
        assert not any(title in compact(text) for text in texts[3:])  # after the contents


def _changed_rows(truth: dict, clean: dict, table_id: str) -> list[str]:
    """The code (else label) of each row of a table printed differently from the clean truth."""
    return [
        row.get("code") or row["label"]
        for row, clean_row in zip(
            truth["tables"][table_id]["rows"], clean["tables"][table_id]["rows"], strict=True
        )
        if row["values"] != clean_row["values"]
    ]


def _expected_location(request: ErrorRequest, truth: dict, clean: dict) -> str | None:
    """Where the error should be recorded, found without reading the record itself."""
    if request.kind in TABLE_LEVEL_KINDS:
        return None  # the whole table is the site
    if request.location is not None:
        return request.location
    # An unpinned leaf: the one row whose printed figures differ from the clean document.
    (location,) = _changed_rows(truth, clean, request.table)
    assert len(location) == 7, location  # a 项 row, not a total
    return location


def test_pinned_errors_are_printed_where_the_truth_says(tmp_path: Path) -> None:
    """One document per kind, pinned, against the same document generated clean."""
    requests = [
        ErrorRequest("leaf_amount", "T03", column="基本支出"),
        ErrorRequest("wrong_total", "T05", "合计", "基本支出"),
        ErrorRequest("narrative_mismatch", location="本年收入合计"),
        ErrorRequest("unit_slip", "T03"),
        ErrorRequest("missing_table", "T07"),
    ]
    variants = Variants(money_unit="mixed", thousands_separator=True)
    unit = "上海市普陀区卫生健康委员会"
    clean_doc = generate_document(tmp_path / "clean", unit, 2024, variants, 3)
    clean = load_truth(clean_doc.truth_path)
    for request in requests:
        doc = generate_document(tmp_path / request.kind, unit, 2024, variants, 3, errors=[request])
        truth = load_truth(doc.truth_path)
        (record,) = truth["planted_errors"]
        assert (record["kind"], record["table"]) == (request.kind, request.table)
        assert record["location"] == _expected_location(request, truth, clean)
        assert all(check["check"] in CHECKS for check in record["checks"])
        _check_record(record, truth, clean, pdf_texts(doc.pdf_path))


def test_the_command_line_plants_errors(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    main(
        [
            "--out",
            str(tmp_path),
            "--units",
            "2",
            "--years",
            "2024",
            "--no-seed-case",
            "--plant-errors",
            "1",
            "--no-budgets",  # planted errors are in finals; budgets have their own tests
        ],
        standalone_mode=False,
    )
    truths = [load_truth(path) for path in sorted(tmp_path.rglob("*.truth.json"))]
    assert len(truths) == 2
    assert sorted(bool(truth["planted_errors"]) for truth in truths) == [False, True]
    assert "已生成 2 份" in capsys.readouterr().out
