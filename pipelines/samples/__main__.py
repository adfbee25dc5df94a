"""python -m pipelines.samples OUT_DIR [--units N] [--years 2023 2024] [--seed S]
[--no-seed-case] [--plant-errors N]"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from pipelines.samples.corpus import generate_corpus


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description="Generate sample final-accounts PDFs with ground truth."
    )
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--units", type=int, default=20)
    parser.add_argument("--years", type=int, nargs="+", default=[2023, 2024])
    parser.add_argument("--seed", type=int, default=20240901)
    parser.add_argument(
        "--no-seed-case", action="store_true", help="leave out the Zaozhuang 2020 seed case"
    )
    parser.add_argument(
        "--plant-errors",
        type=int,
        default=0,
        metavar="N",
        help="plant one to three errors in each of N synthesised documents (see truth "
        '"planted_errors"); the other documents are unchanged',
    )
    args = parser.parse_args(argv)
    started = time.perf_counter()
    documents = generate_corpus(
        args.out_dir,
        args.units,
        tuple(args.years),
        args.seed,
        include_seed_case=not args.no_seed_case,
        planted_errors=args.plant_errors,
    )
    elapsed = time.perf_counter() - started
    print(f"{len(documents)} documents written to {args.out_dir} in {elapsed:.1f} s")


if __name__ == "__main__":
    main()
