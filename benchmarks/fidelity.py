"""Fidelity benchmark: the same disclosures printed by reportlab and by LibreOffice.

    .venv/bin/python benchmarks/fidelity.py [--documents 40] [--planted-documents 20]
        [--plant-errors 14] [--seed 20240901] [--real DIR] [--no-ingest] [--keep DIR]

Generates N documents twice from one seed (the same units, years, figures and variants):
once with our reportlab layout, once as .docx exported by LibreOffice Writer in drawn
office layouts (juesuan_samples.office); and a third, office-printed corpus in which
some documents carry planted errors. Extracts every PDF (extract_document) and
compares each table's amounts with the ground truth (tests.ground_truth.compare_cells):
exact, wrong (the place was read with another amount), missing, and extra readings.

Then each corpus (and the real disclosures of --real, when present) is ingested into a
warehouse of its own, as an operator does (`juesuan ingest` in a subprocess), and its
`error` findings are set against the truths (tests.ground_truth.score_findings): errors
on clean documents (each one a false alarm), and planted errors found at their site
(document, check, table, location). Prints the corpora side by side: findings, facts
overall and per table, per office layout value (the reportlab column then shows the same
documents as printed by reportlab), and document recognition. A measurement, not a test:
it never fails on a misread.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections import Counter, defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(REPO / "samples")]  # the product, the tests, the generator

from operations import read_warehouse, run_ingest  # noqa: E402

from juesuan_samples.corpus import corpus_jobs, generate_document  # noqa: E402
from juesuan_samples.office import generate_office_documents  # noqa: E402
from juesuan_samples.truth import load_truth  # noqa: E402
from pipelines.domain.tables import TABLES  # noqa: E402
from pipelines.extract.document import extract_document  # noqa: E402
from tests.ground_truth import (  # noqa: E402
    FactTally,
    PlantedTally,
    compare_cells,
    error_findings,
    extracted_cells,
    score_findings,
    truth_cells,
)

CORPORA = ("reportlab", "office")
PLANTED = "office planted"  # office-printed, some documents with planted errors
REAL = "real"  # ../shared/corpus/real: real disclosures, no truth file
DEFAULT_REAL = REPO.parent / "shared" / "corpus" / "real"
YEARS = (2023, 2024)


def _generate(
    out: Path, documents: int, seed: int, planted_documents: int, plant_errors: int
) -> dict[str, list]:
    units = (documents + 1) // 2
    jobs = corpus_jobs(units, YEARS, seed, include_seed_case=False)[:documents]
    reportlab = [
        generate_document(
            out / "reportlab", j.unit, j.fiscal_year, j.variants, seed, j.relative_path, j.errors
        )
        for j in jobs
    ]
    office = generate_office_documents(out / "office", jobs, seed)
    corpora = {"reportlab": reportlab, "office": office}
    if planted_documents:
        planted_units = (planted_documents + 1) // 2
        planted_jobs = corpus_jobs(
            planted_units, YEARS, seed, include_seed_case=False, planted_errors=plant_errors
        )[:planted_documents]
        corpora[PLANTED] = generate_office_documents(out / "office_planted", planted_jobs, seed)
    return corpora


def _findings(label: str, inbox: Path, truths: list[dict], workdir: Path) -> dict:
    """The corpus ingested into a warehouse of its own; its error findings scored."""
    warehouse = workdir / "warehouses" / label.replace(" ", "_") / "juesuan.duckdb"
    warehouse.parent.mkdir(parents=True, exist_ok=True)
    figures, _ = run_ingest(label, inbox, warehouse, warehouse.parent / "reports")
    read_warehouse(figures, warehouse)
    errors = error_findings(warehouse)
    return {"tally": score_findings(truths, errors), "errors": errors, "statuses": figures.statuses}


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
    found = {t.table_id for t in extraction.tables if t.status in ("extracted", "empty")}
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


def _findings_report(measures: dict[str, list[dict]], findings: dict[str, dict]) -> None:
    labels = list(findings)
    width = 20
    print("Quality findings after `juesuan ingest`, one warehouse per corpus")
    print(f"{'':<40}" + "".join(f"{label:>{width}}" for label in labels))

    def line(title: str, value) -> None:
        print(f"{title:<40}" + "".join(f"{value(label):>{width}}" for label in labels))

    def tally(label: str) -> PlantedTally:
        return findings[label]["tally"]

    def facts(label: str) -> str:
        if label not in measures:
            return "-"
        total = _total(measures[label])
        return f"{total.exact}/{total.facts}"

    line("documents loaded", lambda c: str(findings[c]["statuses"].get("loaded", 0)))
    line("facts exact", facts)
    line(
        "error findings on clean documents",
        lambda c: (
            f"{tally(c).errors_on_clean} on {tally(c).clean_documents}"
            if c in measures
            else str(sum(len(sites) for sites in findings[c]["errors"].values()))
        ),
    )
    line(
        "planted errors found at their site",
        lambda c: (
            f"{tally(c).planted_found}/{tally(c).planted_sites}" if tally(c).planted_sites else "-"
        ),
    )
    line(
        "other errors on planted documents",
        lambda c: str(tally(c).errors_beyond_planted) if tally(c).planted_sites else "-",
    )
    print("(real: no truth file, so every error finding is listed below; the facts of its")
    print(" README are checked by tests/test_extract_real.py)")
    for label in labels:
        layouts = {
            (m["truth"]["document"]["unit_name"], m["truth"]["document"]["fiscal_year"]): m[
                "truth"
            ].get("office_layout")
            for m in measures.get(label, [])
        }
        listed = (
            tally(label).unexplained
            if label in measures
            else [(key, site) for key, sites in findings[label]["errors"].items() for site in sites]
        )
        for key, site in listed:
            print(f"  {label}: {key[0]} {key[1]} error {site}  {layouts.get(key) or ''}")
        for key, site in tally(label).missed:
            print(f"  {label}: {key[0]} {key[1]} planted error NOT reported at {site}")
    print()


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
    parser.add_argument(
        "--planted-documents",
        type=int,
        default=20,
        help="documents of the office corpus with planted errors (0: none)",
    )
    parser.add_argument(
        "--plant-errors", type=int, default=14, help="how many of them carry planted errors"
    )
    parser.add_argument(
        "--real", type=Path, default=DEFAULT_REAL, help="real disclosures, ingested when present"
    )
    parser.add_argument(
        "--no-ingest", action="store_true", help="facts only: no warehouse, no quality findings"
    )
    parser.add_argument("--keep", type=Path, help="write the corpora here and keep them")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="juesuan-fidelity-") as tmp:
        out = args.keep or Path(tmp)
        corpora = _generate(
            out, args.documents, args.seed, args.planted_documents, args.plant_errors
        )
        inboxes = {
            "reportlab": out / "reportlab",
            "office": out / "office",
            PLANTED: out / "office_planted",
        }
        measures = {
            corpus: [_measure(doc, inboxes[corpus]) for doc in docs]
            for corpus, docs in corpora.items()
        }
        findings: dict[str, dict] = {}
        if not args.no_ingest:
            for corpus in corpora:
                truths = [m["truth"] for m in measures[corpus]]
                findings[corpus] = _findings(corpus, inboxes[corpus], truths, out)
            if args.real.is_dir() and any(args.real.glob("*.pdf")):
                findings[REAL] = _findings(REAL, args.real, [], out)
    if findings:
        _findings_report(measures, findings)
    report(measures, args.documents, args.seed)


if __name__ == "__main__":
    main()
