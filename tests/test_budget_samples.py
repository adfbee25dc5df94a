"""Generated budgets (预算): printed as their truth says, paired with their finals.

The sample generator makes, beside each synthesised final, the unit's budget for that
year (juesuan_samples.budget*): tables B01–B09 in the real families' titles, labels and
money units, by reportlab and by the office suite. The final restates it (T07 预算数 =
B07; the narrative's "年初预算为 X" per 项 = the B05 row), except where a cross-document
mismatch is planted, which the final's truth records. The expectations here read the
PDFs' text layer and the truth JSON, never the generator's objects.
"""

from __future__ import annotations

import re
import shutil
from decimal import Decimal
from functools import partial
from pathlib import Path

import pytest

from juesuan_samples import ErrorRequest, generate_corpus, generate_document, load_truth
from juesuan_samples.budget_tables import FAMILIES
from juesuan_samples.catalogue import corpus_units
from juesuan_samples.corpus import generate_budget_document
from juesuan_samples.planting import MISMATCH_CHECKS, MISMATCH_KINDS
from pipelines.quality.catalogue import CHECKS
from tests.ground_truth import compact, leaves, pdf_texts

SEED = 20240901
BUDGET_TABLES = ("B01", "B02", "B03", "B04", "B05", "B06", "B07", "B08", "B09")
LISTINGS = ("B10", "B11")  # printed by some families
THREE_PUBLIC_LEAVES = ("因公出国（境）费", "公务用车购置费", "公务用车运行维护费", "公务接待费")
HAS_OFFICE = shutil.which("soffice") is not None or shutil.which("libreoffice") is not None
NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?")


def _pairs(documents) -> list[tuple[dict, dict, object, object]]:
    """(final truth, budget truth, final document, budget document) per unit and year."""
    finals = {(d.unit_name, d.fiscal_year): d for d in documents if d.document_kind == "决算"}
    pairs = []
    for budget in (d for d in documents if d.document_kind == "预算"):
        final = finals[(budget.unit_name, budget.fiscal_year)]
        pairs.append((load_truth(final.truth_path), load_truth(budget.truth_path), final, budget))
    return pairs


@pytest.fixture(scope="module")
def reportlab_corpus(tmp_path_factory) -> list:
    return generate_corpus(
        tmp_path_factory.mktemp("budgets"),
        units=8,
        years=(2023, 2024),
        seed=SEED,
        include_seed_case=False,
        budgets=True,
        budget_mismatches=4,
    )


@pytest.fixture(scope="module")
def office_corpus(tmp_path_factory) -> list:
    if not HAS_OFFICE:
        pytest.skip("LibreOffice (soffice) is not installed: the office producer needs it")
    return generate_corpus(
        tmp_path_factory.mktemp("office_budgets"),
        units=2,
        years=(2024,),
        seed=SEED,
        include_seed_case=False,
        budgets=True,
        budget_mismatches=1,
        producer="office",
    )


def _page_amounts(text: str, money_unit: str) -> set[Decimal]:
    """Every number printed on a page, in 万元."""
    amounts = set()
    for number in NUMBER.findall(text):
        value = Decimal(number.replace(",", ""))
        amounts.add(value / 10_000 if money_unit == "元" else value)
    return amounts


def _check_printed(budget_doc, truth: dict) -> None:
    texts = pdf_texts(budget_doc.pdf_path)
    pages = [compact(text) for text in texts]
    assert truth["document"]["document_kind"] == "预算"
    kind = "部门预算" if truth["document"]["unit_level"] == "部门" else "单位预算"
    assert kind in pages[0] and str(truth["document"]["fiscal_year"]) in pages[0]
    assert compact(truth["document"]["unit_name"]) in pages[0]
    assert set(BUDGET_TABLES) <= set(truth["tables"]) <= {*BUDGET_TABLES, *LISTINGS}
    for table_id, table in truth["tables"].items():
        first = pages[table["pages"][0] - 1]
        assert compact(table["printed_title"]) in first, (table_id, table["printed_title"])
        if table["label"]:
            assert table["label"] in first
        assert compact(table["money_unit_label"]) in first
        for row in table["rows"]:
            page = texts[row["page"] - 1]
            printed = _page_amounts(page, table["money_unit"])
            for column, value in row["values"].items():
                if value is not None:
                    assert Decimal(value) in printed, (table_id, row["label"], column, value)


def test_budget_tables_are_printed_as_their_truth_says(reportlab_corpus) -> None:
    budgets = [d for d in reportlab_corpus if d.document_kind == "预算"]
    assert len(budgets) == 16
    for document in budgets:
        _check_printed(document, load_truth(document.truth_path))


def test_budgets_span_the_real_families_and_money_units(reportlab_corpus) -> None:
    truths = [load_truth(d.truth_path) for d in reportlab_corpus if d.document_kind == "预算"]
    assert {t["budget_style"]["family"] for t in truths} == set(FAMILIES)
    # Real budgets with a text layer are all fully ruled (even where the final is not).
    assert {t["variants"]["ruling"] for t in truths} == {"lines", "rects"}
    units = {t["tables"]["B05"]["money_unit"] for t in truths}
    decimals = {
        len(value.split(".")[1]) if "." in value else 0
        for t in truths
        for row in t["tables"]["B05"]["rows"]
        for value in row["values"].values()
        if value is not None and value != "0"
    }
    assert units == {"万元", "元"}
    assert 6 in decimals and 2 in decimals  # 元 figures (exact 万元 6 dp) and 万元 ones
    assert {table for t in truths for table in t["tables"]} >= set(LISTINGS)
    labels = {t["tables"]["B01"]["label"] for t in truths}
    assert None in labels and {"预算01表", "公开01表", "表1"} & labels


def _amount(values: dict, column: str) -> Decimal:
    value = values.get(column)
    return Decimal(value) if value is not None else Decimal(0)


def _total(tables: dict, table_id: str, column: str = "合计") -> Decimal:
    row = next(r for r in tables[table_id]["rows"] if r.get("code") is None)
    return _amount(row["values"], column)


def _line(tables: dict, table_id: str, side: str, label: str, column: str) -> Decimal:
    row = next(r for r in tables[table_id]["rows"] if r["side"] == side and r["label"] == label)
    return _amount(row["values"], column)


def test_budget_identities_hold_in_the_truth(reportlab_corpus) -> None:
    """Read from the truth alone: B05 基本支出 = B06 合计, B04 by fund = B05/B08/B09 totals,
    B01 总计 balanced and its 本年支出合计 = B03 合计, every subject table's 合计 = Σ 项."""
    for document in reportlab_corpus:
        if document.document_kind != "预算":
            continue
        tables = load_truth(document.truth_path)["tables"]
        total = partial(_total, tables)
        line = partial(_line, tables)

        assert total("B05", "基本支出") == total("B06")
        for fund, table_id in (
            ("一般公共预算", "B05"),
            ("政府性基金预算", "B08"),
            ("国有资本经营预算", "B09"),
        ):
            assert line("B04", "支出", "本年支出合计", fund) == total(table_id)
        assert line("B01", "收入", "收入总计", "预算数") == line(
            "B01", "支出", "支出总计", "预算数"
        )
        assert line("B01", "支出", "本年支出合计", "预算数") == total("B03")
        for table_id in ("B02", "B03", "B05", "B08", "B09"):
            rows = tables[table_id]["rows"]
            for column in tables[table_id]["columns"]:
                assert total(table_id, column) == sum(
                    (_amount(r["values"], column) for r in leaves(rows)), Decimal(0)
                ), (table_id, column)


_STATED_BUDGET = re.compile(r"（项）。年初预算为([\d.]+)(万元|元)")


def _stated_budgets(final_pdf: Path, names: dict[str, str]) -> dict[str, Decimal]:
    """The final's "年初预算为 X" per 项 of 五(三), in 万元, keyed by the 项's code."""
    text = compact("".join(pdf_texts(final_pdf)))
    stated = {}
    for code in (c for c in names if len(c) == 7):
        path = f"{names[code[:3]]}（类）{names[code[:5]]}（款）{names[code]}（项）"
        at = text.find(path)
        if at < 0:
            continue
        match = _STATED_BUDGET.match(text, at + len(path) - len("（项）"))
        if match is None:  # a statement broken by a page end in the text layer
            continue
        value = Decimal(match.group(1))
        stated[code] = value / 10_000 if match.group(2) == "元" else value
    return stated


def _check_pair(final: dict, budget: dict, final_doc) -> None:
    mismatches = {e["kind"]: e for e in final["planted_errors"] if e["kind"] in MISMATCH_KINDS}
    t07 = {row["label"]: row["values"] for row in final["tables"]["T07"]["rows"]}
    b07 = {row["label"]: row["values"] for row in budget["tables"]["B07"]["rows"]}
    planted_item = mismatches.get("three_public_budget_mismatch", {}).get("location")
    for item in THREE_PUBLIC_LEAVES:
        restated, planned = t07[item].get("预算数"), b07[item].get("预算数")
        if item == planted_item:
            error = mismatches["three_public_budget_mismatch"]
            assert (restated, planned) == (error["printed"], error["correct"])
            assert Decimal(restated) != Decimal(planned)
        else:
            assert restated == planned or Decimal(restated or 0) == Decimal(planned or 0), item
    b05 = budget["tables"]["B05"]["rows"]
    names = {row["code"]: row["label"] for row in b05 if row.get("code")}
    names |= {
        row["code"]: row["label"] for row in final["tables"]["T05"]["rows"] if row.get("code")
    }
    planned = {row["code"]: Decimal(row["values"]["合计"]) for row in leaves(b05)}
    stated = _stated_budgets(final_doc.pdf_path, names)
    assert planned and len(set(planned) & set(stated)) >= 0.8 * len(planned)
    planted_code = mismatches.get("narrative_budget_mismatch", {}).get("location")
    for code, value in stated.items():
        if code == planted_code:
            error = mismatches["narrative_budget_mismatch"]
            assert value == Decimal(error["printed"]) != planned[code]
            assert planned[code] == Decimal(error["correct"])
        else:
            assert value == planned.get(code, Decimal(0)), code  # 年初无预算: no B05 row


def test_each_final_restates_its_budget(reportlab_corpus) -> None:
    pairs = _pairs(reportlab_corpus)
    assert len(pairs) == 16
    for final, budget, final_doc, _ in pairs:
        assert budget["paired_final"] == final_doc.pdf_path.name
        _check_pair(final, budget, final_doc)
        recorded = {
            site["location"]
            for error in final["planted_errors"]
            for site in error["checks"]
            if site["check"] == MISMATCH_CHECKS["three_public_budget_mismatch"]
        }
        assert recorded == _differing_three_public_rows(final, budget)


def test_budget_against_final_truth_adds_up(reportlab_corpus) -> None:
    """The pair's fct_budget_vs_final rows sum to B05/B08/B09's and T05/T08/T09's totals;
    its 三公 rows are B07's and T07's items."""
    for final, budget, _, _ in _pairs(reportlab_corpus):
        rows = budget["budget_vs_final"]
        assert len({(r["subject_code"], r["fund_type"], r["expenditure_type"]) for r in rows}) == (
            len(rows)
        )
        for fund, budget_id, final_id in (
            ("一般公共预算", "B05", "T05"),
            ("政府性基金预算", "B08", "T08"),
            ("国有资本经营预算", "B09", "T09"),
        ):
            of_fund = [r for r in rows if r["fund_type"] == fund]
            for side, table_id in (("budget", budget_id), ("final", final_id)):
                table = (budget if side == "budget" else final)["tables"][table_id]
                total = next(r for r in table["rows"] if r.get("code") is None)["values"]
                spent = total.get("合计", total.get("本年支出小计"))
                assert sum(
                    (Decimal(r[f"{side}_amount"] or 0) for r in of_fund), Decimal(0)
                ) == Decimal(spent or 0), (fund, side)
        for row in budget["three_public_budget_vs_final"]:
            item = row["cost_item"]
            b07 = next(r for r in budget["tables"]["B07"]["rows"] if r["label"] == item)
            t07 = next(r for r in final["tables"]["T07"]["rows"] if r["label"] == item)
            assert row["budget_amount"] == (
                None if b07["values"]["预算数"] is None else str(Decimal(b07["values"]["预算数"]))
            )
            assert row["final_amount"] == (
                None if t07["values"]["决算数"] is None else str(Decimal(t07["values"]["决算数"]))
            )


def test_planted_mismatches_are_recorded(reportlab_corpus) -> None:
    finals = [load_truth(d.truth_path) for d in reportlab_corpus if d.document_kind == "决算"]
    planted = [e for t in finals for e in t["planted_errors"] if e["kind"] in MISMATCH_KINDS]
    assert len([t for t in finals if t["planted_errors"]]) == 4
    assert {e["kind"] for e in planted} == set(MISMATCH_KINDS)
    for error in planted:
        assert error["page"] is not None and error["printed"] != error["correct"]
        assert error["checks"]
        for site in error["checks"]:
            assert site["check"] == MISMATCH_CHECKS[error["kind"]] and site["check"] in CHECKS


def test_finals_are_the_same_with_or_without_their_budgets(tmp_path: Path) -> None:
    options = {"units": 3, "years": (2024,), "seed": 7, "include_seed_case": False}
    alone = generate_corpus(tmp_path / "alone", **options)
    paired = generate_corpus(tmp_path / "paired", budgets=True, **options)
    assert [d.document_kind for d in alone] == ["决算"] * 3
    assert [d.document_kind for d in paired] == ["决算", "预算"] * 3
    finals = [d for d in paired if d.document_kind == "决算"]
    for one, other in zip(alone, finals, strict=True):
        assert one.pdf_path.read_bytes() == other.pdf_path.read_bytes()


@pytest.mark.slow  # LibreOffice in a subprocess
def test_office_budgets_are_printed_as_their_truth_says(office_corpus) -> None:
    budgets = [d for d in office_corpus if d.document_kind == "预算"]
    assert len(budgets) == 2
    for document in budgets:
        truth = load_truth(document.truth_path)
        assert truth["producer"] == "office"
        _check_printed(document, truth)
    for final, budget, final_doc, _ in _pairs(office_corpus):
        _check_pair(final, budget, final_doc)


def test_the_command_line_makes_pairs_unless_told_not_to(tmp_path: Path) -> None:
    from juesuan_samples.cli import main

    arguments = ["--units", "2", "--years", "2024", "--no-seed-case"]
    main(["--out", str(tmp_path / "pairs"), *arguments], standalone_mode=False)
    main(["--out", str(tmp_path / "finals"), *arguments, "--no-budgets"], standalone_mode=False)
    kinds = sorted(
        load_truth(path)["document"]["document_kind"]
        for path in (tmp_path / "pairs").rglob("*.truth.json")
    )
    assert kinds == ["决算", "决算", "预算", "预算"]
    assert len(list((tmp_path / "finals").rglob("*.truth.json"))) == 2
    main(
        ["--out", str(tmp_path / "planted"), *arguments, "--plant-budget-mismatches", "1"],
        standalone_mode=False,
    )
    planted = [
        error["kind"]
        for path in (tmp_path / "planted").rglob("*.truth.json")
        for error in load_truth(path)["planted_errors"]
    ]
    assert planted and set(planted) <= set(MISMATCH_KINDS)


def _differing_three_public_rows(final: dict, budget: dict) -> set[str]:
    """T07 rows whose 预算数 differs from the budget's B07 (what t07_budget_vs_b07 reports)."""
    b07 = {row["label"]: row["values"].get("预算数") for row in budget["tables"]["B07"]["rows"]}
    return {
        row["label"]
        for row in final["tables"]["T07"]["rows"]
        if Decimal(row["values"].get("预算数") or 0) != Decimal(b07.get(row["label"]) or 0)
    }


@pytest.mark.parametrize(
    "request_",
    [
        ErrorRequest("leaf_amount", table="T07", column="预算数"),
        ErrorRequest("wrong_total", table="T07", location="合计", column="预算数"),
        ErrorRequest("unit_slip", table="T07"),
    ],
    ids=["leaf", "total", "unit_slip"],
)
def test_errors_planted_in_the_finals_budget_column_trip_the_comparison_too(
    request_: ErrorRequest, tmp_path: Path
) -> None:
    unit = next(u for u in corpus_units(6) if u.level == "部门")
    final = generate_document(tmp_path, unit, 2024, seed=11, errors=[request_], budgeted=True)
    budget = generate_budget_document(
        tmp_path, unit, 2024, seed=11, relative_path="budget.pdf", final=final
    )
    final_truth, budget_truth = load_truth(final.truth_path), load_truth(budget.truth_path)
    recorded = {
        site["location"]
        for error in final_truth["planted_errors"]
        for site in error["checks"]
        if site["check"] == MISMATCH_CHECKS["three_public_budget_mismatch"]
    }
    assert recorded and recorded == _differing_three_public_rows(final_truth, budget_truth)
