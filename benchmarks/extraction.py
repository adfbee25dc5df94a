"""Extraction benchmark: this pipeline against plain camelot, same files, same run.

    .venv/bin/python benchmarks/extraction.py [--units 10] [--years 2023 2024] [--real DIR]

Generates a corpus (with ground truth), then extracts it twice, each method in its own
process (so peak memory is the child's own): Juesuan's extractor (text pass, camelot
only on table pages, one process) and `camelot.read_pdf(path, pages="all")` (lattice,
default engine). Prints pages/s, peak RSS and accuracy: the share of the ground truth's
printed amounts that each method recovers (a multiset match per document).
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


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--units", type=int, default=10)
    parser.add_argument("--years", type=int, nargs="+", default=[2023, 2024])
    parser.add_argument("--real", type=Path, default=REPO.parent / "shared" / "corpus" / "real")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        method, *files = args.child
        print(json.dumps(run_method(method, files)))
        return

    from juesuan_samples import generate_corpus, load_truth

    with tempfile.TemporaryDirectory() as tmp:
        docs = generate_corpus(Path(tmp), units=args.units, years=tuple(args.years))
        files = [d.pdf_path for d in docs]
        truths = {str(d.pdf_path): _truth_amounts(load_truth(d.truth_path)) for d in docs}
        results = {method: measure(method, files) for method in ("plain", "ours")}
        print(f"corpus: {len(files)} generated documents, {results['ours']['pages']} pages")
        print(
            f"{'method':<34}{'pages/s':>9}{'seconds':>9}{'peak MiB':>10}{'amounts recovered':>20}"
        )
        for method, label in (
            ("plain", 'camelot.read_pdf(pages="all")'),
            ("ours", "juesuan extractor"),
        ):
            r = results[method]
            want = sum(sum(t.values()) for t in truths.values())
            got = sum(sum((truths[f] & _amounts_in(r["amounts"][f])).values()) for f in truths)
            print(
                f"{label:<34}{r['pages'] / r['seconds']:>9.1f}{r['seconds']:>9.1f}"
                f"{r['peak_mib']:>10.0f}{got:>10}/{want} ({got / want:.2%})"
            )
        speedup = (results["ours"]["pages"] / results["ours"]["seconds"]) / (
            results["plain"]["pages"] / results["plain"]["seconds"]
        )
        print(f"throughput: {speedup:.1f}x plain camelot")
        real = sorted(args.real.glob("*.pdf")) if args.real.is_dir() else []
        if real:
            timed = {method: measure(method, real) for method in ("plain", "ours")}
            print(
                f"real corpus ({len(real)} files, {timed['ours']['pages']} pages): "
                + ", ".join(
                    f"{m} {t['pages'] / t['seconds']:.1f} pages/s" for m, t in timed.items()
                )
            )


if __name__ == "__main__":
    main()
