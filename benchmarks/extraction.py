"""Extraction benchmark: this pipeline against plain camelot, same files, same run.

    .venv/bin/python benchmarks/extraction.py [--units 10] [--years 2023 2024] [--real DIR]
        [--real-budgets DIR] [--real-files N] [--producer reportlab|office] [--no-budgets]

Generates a corpus (with ground truth; `--producer office` draws it through LibreOffice,
as office software exports a disclosure): each unit-year's final accounts (决算) and its
budget (预算). Then extracts the finals and the budgets apart, twice each, each method in
its own process (so peak memory is the child's own): Juesuan's extractor (text pass,
camelot only on table pages, one process) and `camelot.read_pdf(path, pages="all")`
(lattice, default engine). Prints, for each kind, pages/s, documents/s, peak RSS and
accuracy: the share of the ground truth's printed amounts that each method recovers (a
multiset match per document). The real final accounts (--real) and the real budgets
(--real-budgets, ../shared/corpus/budgets) are timed the same way, without truth.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from collections import Counter
from decimal import Decimal
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(REPO / "samples")]  # the product and the sample generator


def _truth_amounts(truth: dict) -> Counter:
    """Printed amounts of every table, in the unit printed above each table."""
    found: Counter = Counter()
    for table in truth["tables"].values():
        scale = Decimal(10000) if table.get("money_unit") == "元" else Decimal(1)
        for row in table.get("rows", []):
            for value in row.get("values", {}).values():
                if value is not None:
                    found[(Decimal(value) * scale).normalize()] += 1
    return found


def _amounts_in(texts) -> Counter:
    from pipelines.domain.amounts import AmountError, parse_amount

    found: Counter = Counter()
    for text in texts:
        try:
            amount = parse_amount(text)
        except AmountError:
            continue
        if amount is not None:
            found[amount.normalize()] += 1
    return found


def run_method(method: str, files: list[str]) -> dict:
    """Runs in a child process: extract every file, report time, pages and amounts."""
    import pypdfium2

    started = time.perf_counter()
    pages = 0
    amounts: dict[str, list[str]] = {}
    for name in files:
        path = Path(name)
        pages += len(pypdfium2.PdfDocument(str(path)))
        if method == "ours":
            from pipelines.extract.document import extract_document

            result = extract_document(path, path.parent)
            texts = [
                cell.printed_text
                for table in result.tables
                for row in table.rows
                for cell in row.cells
                if cell.amount is not None
            ]
        else:
            import camelot

            tables = camelot.read_pdf(str(path), pages="all", suppress_stdout=True)
            texts = [str(v) for t in tables for v in t.df.to_numpy().ravel()]
        amounts[name] = texts
    seconds = time.perf_counter() - started
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {"seconds": seconds, "pages": pages, "peak_mib": peak_kib / 1024, "amounts": amounts}


def measure(method: str, files: list[Path]) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, "--child", method, *map(str, files)],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout.splitlines()[-1])


def _rates(r: dict, documents: int) -> str:
    return (
        f"{r['pages'] / r['seconds']:>9.1f}{documents / r['seconds']:>8.2f}"
        f"{r['seconds']:>9.1f}{r['peak_mib']:>10.0f}"
    )


def compare(label: str, files: list[Path], truths: dict[str, Counter]) -> dict:
    """Both methods over the same files, each in its own process; prints one line each
    (pages/s, documents/s, seconds, peak memory, and amounts recovered when `truths`)."""
    results = {method: measure(method, files) for method in ("plain", "ours")}
    print(f"{label}: {len(files)} documents, {results['ours']['pages']} pages")
    recovered = "amounts recovered" if truths else ""
    print(
        f"  {'method':<32}{'pages/s':>9}{'docs/s':>8}{'seconds':>9}{'peak MiB':>10}{recovered:>20}"
    )
    for method, name in (("plain", 'camelot.read_pdf(pages="all")'), ("ours", "juesuan extractor")):
        r = results[method]
        line = f"  {name:<32}{_rates(r, len(files))}"
        if truths:
            want = sum(sum(t.values()) for t in truths.values())
            got = sum(sum((truths[f] & _amounts_in(r["amounts"][f])).values()) for f in truths)
            line += f"{got:>10}/{want} ({got / want:.2%})"
        print(line)
    speedup = (results["ours"]["pages"] / results["ours"]["seconds"]) / (
        results["plain"]["pages"] / results["plain"]["seconds"]
    )
    print(f"  throughput: {speedup:.1f}x plain camelot")
    return results


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--units", type=int, default=10)
    parser.add_argument("--years", type=int, nargs="+", default=[2023, 2024])
    parser.add_argument("--real", type=Path, default=REPO.parent / "shared" / "corpus" / "real")
    parser.add_argument(
        "--real-budgets", type=Path, default=REPO.parent / "shared" / "corpus" / "budgets"
    )
    parser.add_argument(
        "--real-files", type=int, help="only the first N files (by name) of each real corpus"
    )
    parser.add_argument("--producer", choices=("reportlab", "office"), default="reportlab")
    parser.add_argument(
        "--no-budgets", action="store_true", help="generate final accounts only (no budgets)"
    )
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        method, *files = args.child
        print(json.dumps(run_method(method, files)))
        return

    from juesuan_samples import generate_corpus, load_truth

    with tempfile.TemporaryDirectory() as tmp:
        # Each unit-year's final accounts and, unless --no-budgets, its budget.
        docs = generate_corpus(
            Path(tmp),
            units=args.units,
            years=tuple(args.years),
            producer=args.producer,
            budgets=not args.no_budgets,
        )
        by_kind: dict[str, list] = {}
        for doc in docs:
            by_kind.setdefault(doc.document_kind, []).append(
                (doc.pdf_path, _truth_amounts(load_truth(doc.truth_path)))
            )
        for kind, label in (("决算", "final accounts"), ("预算", "budgets")):
            if kind in by_kind:
                files = [path for path, _ in by_kind[kind]]
                truths = {str(path): amounts for path, amounts in by_kind[kind]}
                compare(f"generated {label} ({args.producer})", files, truths)
        for folder, label in (
            (args.real, "real final accounts"),
            (args.real_budgets, "real budgets"),
        ):
            real = sorted(folder.glob("*.pdf"))[: args.real_files] if folder.is_dir() else []
            if real:
                compare(f"{label} ({folder})", real, {})


if __name__ == "__main__":
    main()
