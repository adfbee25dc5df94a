"""Fidelity benchmark: the same disclosures printed by reportlab and by LibreOffice.

    .venv/bin/python benchmarks/fidelity.py [--documents 40] [--seed 20240901] [--keep DIR]

Generates N documents twice from one seed (the same units, years, figures and variants):
once with our reportlab layout, once as .docx exported by LibreOffice Writer in drawn
office layouts (juesuan_samples.office). Extracts every PDF (extract_document) and
compares each table's amounts with the ground truth (tests.ground_truth.compare_cells):
exact, wrong (the place was read with another amount), missing, and extra readings.
Prints both corpora side by side: overall, per table, per office layout value (the
reportlab column then shows the same documents as printed by reportlab), and document
recognition. A measurement, not a test: it never fails on a misread.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections import Counter, defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(REPO / "samples")]  # the product, the tests, the generator

from juesuan_samples.corpus import corpus_jobs, generate_document  # noqa: E402
from juesuan_samples.office import generate_office_documents  # noqa: E402
from juesuan_samples.truth import load_truth  # noqa: E402
from pipelines.domain.tables import TABLES  # noqa: E402
from pipelines.extract.document import extract_document  # noqa: E402
from tests.ground_truth import FactTally, compare_cells, extracted_cells, truth_cells  # noqa: E402

CORPORA = ("reportlab", "office")


def _generate(out: Path, documents: int, seed: int) -> dict[str, list]:
    units = (documents + 1) // 2
    jobs = corpus_jobs(units, (2023, 2024), seed, include_seed_case=False)[:documents]
    reportlab = [
        generate_document(
            out / "reportlab", j.unit, j.fiscal_year, j.variants, seed, j.relative_path, j.errors
        )
        for j in jobs
    ]
    office = generate_office_documents(out / "office", jobs, seed)
    return {"reportlab": reportlab, "office": office}


def _measure(doc, inbox: Path) -> dict:
    truth = load_truth(doc.truth_path)
    extraction = extract_document(doc.pdf_path, inbox)
    tables: dict[str, FactTally] = {}
    for spec in TABLES:
        table = extraction.table(spec.table_id)
        actual = extracted_cells(table) if table is not None else Counter()
        tables[spec.table_id] = compare_cells(
            truth_cells(truth["tables"][spec.table_id], spec.table_id), actual
        )
    expected_tables = {t for t, table in truth["tables"].items() if not table.get("missing")}
    found = {t.table_id for t in extraction.tables if t.status != "missing"}
    return {
        "truth": truth,
        "tables": tables,
        "loaded": extraction.status == "loaded",
        "unit_name": extraction.unit_name == truth["document"]["unit_name"],
        "unit_name_read": extraction.unit_name,
        "fiscal_year": extraction.fiscal_year == truth["document"]["fiscal_year"],
        "tables_missed": sorted(expected_tables - found),
        "tables_invented": sorted(found - expected_tables),
    }


def _total(measures: list[dict], table_id: str | None = None) -> FactTally:
    total = FactTally()
    for measure in measures:
        for tid, tally in measure["tables"].items():
            if table_id in (None, tid):
                total.add(tally)
    return total


def _cell(tally: FactTally) -> str:
    share = f"{100 * tally.exact / tally.facts:5.1f}%" if tally.facts else "    - "
    counts = f"{tally.facts:6d} {tally.exact:6d} {tally.wrong:5d} {tally.missing:6d}"
    return f"{counts} {tally.extra:5d} {share}"


def _row(label: str, left: FactTally, right: FactTally) -> str:
    return f"{label:<34} {_cell(left)} | {_cell(right)}"


def report(measures: dict[str, list[dict]], documents: int, seed: int) -> None:
    heading = f"{'facts':>6} {'exact':>6} {'wrong':>5} {'missing':>6} {'extra':>5} {'exact%':>6}"
    print(f"Fact fidelity against the ground truth: {documents} documents per corpus, seed {seed}")
    print(f"{'':<34} {'reportlab':^42} | {'office (LibreOffice Writer)':^42}")
    print(f"{'':<34} {heading} | {heading}")
    left, right = measures["reportlab"], measures["office"]
    print(_row("all tables", _total(left), _total(right)))
    for spec in TABLES:
        print(
            _row(
                f"  {spec.table_id} {spec.canonical_title}",
                _total(left, spec.table_id),
                _total(right, spec.table_id),
            )
        )
    print()
    print("Documents")
    for key, title in (
        ("loaded", "loaded"),
        ("unit_name", "unit name right"),
        ("fiscal_year", "fiscal year right"),
    ):
        counts = [sum(m[key] for m in measures[c]) for c in CORPORA]
        print(f"  {title:<32} {counts[0]:>20}/{documents:<21} | {counts[1]:>20}/{documents}")
    for key, title in (
        ("tables_missed", "tables not found"),
        ("tables_invented", "tables invented"),
    ):
        counts = [Counter(t for m in measures[c] for t in m[key]) for c in CORPORA]
        texts = [
            " ".join(f"{t}×{n}" for t, n in sorted(count.items())) or "none" for count in counts
        ]
        print(f"  {title:<32} {texts[0]:>42} | {texts[1]}")
    print()
    print("Per office layout value (both columns: the documents printed with that value)")
    groups: dict[tuple[str, str], list[int]] = defaultdict(list)
    for index, measure in enumerate(right):
        for name, value in measure["truth"]["office_layout"].items():
            groups[(name, str(value))].append(index)
        for name in (
            "continuation",
            "money_unit",
            "thousands_separator",
            "zero_style",
            "code_layout",
            "wrapped_names",
            "printed_zeros",
        ):
            groups[(f"variants.{name}", str(measure["truth"]["variants"][name]))].append(index)
    for (name, value), indexes in sorted(groups.items()):
        label = f"  {name}={value} ({len(indexes)})"
        print(
            _row(
                label[:34], _total([left[i] for i in indexes]), _total([right[i] for i in indexes])
            )
        )
    print()
    print("Office covers whose unit name is misread (truth → read, layout)")
    for measure in right:
        if not measure["unit_name"]:
            layout = measure["truth"]["office_layout"]
            print(
                f"  {measure['truth']['document']['unit_name']} → {measure['unit_name_read']}  "
                f"[cover_approval={layout['cover_approval']}, summary={layout['summary']}]"
            )
    print()
    print("Office tables not read exactly (document: table exact/facts, layout)")
    for measure in right:
        bad = [
            f"{t} {x.exact}/{x.facts}"
            for t, x in measure["tables"].items()
            if x.exact != x.facts or x.extra
        ]
        if bad:
            layout = measure["truth"]["office_layout"]
            variants = measure["truth"]["variants"]
            print(
                f"  {measure['truth']['file_name'][:28]:<28} {', '.join(bad)}  "
                f"[{layout['font']}, borders={layout['borders']}, t07={layout['t07_shape']}, "
                f"{layout['numbering']}, {layout['template']}, title_wrap={layout['title_wrap']}, "
                f"header_breaks={layout['header_breaks']}, "
                f"continuation={variants['continuation']}, {variants['money_unit']}, "
                f"thousands={variants['thousands_separator']}]"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--documents", type=int, default=40)
    parser.add_argument("--seed", type=int, default=20240901)
    parser.add_argument("--keep", type=Path, help="write the corpora here and keep them")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="juesuan-fidelity-") as tmp:
        out = args.keep or Path(tmp)
        corpora = _generate(out, args.documents, args.seed)
        measures = {
            corpus: [_measure(doc, out / corpus) for doc in docs]
            for corpus, docs in corpora.items()
        }
    report(measures, args.documents, args.seed)


if __name__ == "__main__":
    main()
