"""Before/after figures of the code's shape: the architecture issue's yardsticks.

    .venv/bin/python benchmarks/architecture.py [--baseline REV] [--time-tests]

Measured on the baseline revision (read from git, nothing checked out) and on the working
tree, side by side:

- lines of product code (pipelines/, less the generator) against the sample generator's;
- places that open DuckDB (`duckdb.connect(` in product code);
- the places a new check touches: for each check of the catalogue, the product files
  (pipelines/, expectations/, less the rule modules that compute it) that name its id;
  a check's own rule is the one place that must name it, so this counts the extra ones;
- with --time-tests, the wall time of `make test-fast` and `make test` in this tree
  (minutes; run on a quiet machine).
"""

from __future__ import annotations

import argparse
import re
import statistics
import subprocess
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
# The last commit before the architecture work (issue: "a product a newcomer can hold").
BASELINE = "a6aceaa"
GENERATOR_PREFIXES = ("pipelines/samples/", "samples/")
PRODUCT_PREFIXES = ("pipelines/", "expectations/")
# Where a check's verdict is computed: naming the id there is the rule itself, not a copy.
RULE_MODULES = re.compile(r"pipelines/quality/(rules_\w+|scale|checks)\.py$")
CHECK_ID = re.compile(r'^\s+"([a-z0-9_]+)":', re.MULTILINE)
DUCKDB_OPEN = re.compile(r"duckdb\.connect\(")


class Tree:
    """A revision's text files: from git for a commit, from disk for the working tree."""

    def __init__(self, rev: str | None):
        self.rev = rev

    def files(self) -> list[str]:
        if self.rev is None:
            out = subprocess.run(
                ["git", "ls-files", "--cached", "--others", "--exclude-standard"],
                cwd=REPO,
                capture_output=True,
                text=True,
                check=True,
            ).stdout
            return [p for p in out.splitlines() if (REPO / p).is_file()]
        out = subprocess.run(
            ["git", "ls-tree", "-r", "--name-only", self.rev],
            cwd=REPO,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        return out.splitlines()

    def read(self, path: str) -> str:
        if self.rev is None:
            return (REPO / path).read_text(encoding="utf-8", errors="replace")
        return subprocess.run(
            ["git", "show", f"{self.rev}:{path}"],
            cwd=REPO,
            capture_output=True,
            text=True,
            check=True,
        ).stdout


def _is_generator(path: str) -> bool:
    return path.startswith(GENERATOR_PREFIXES)


def _is_product(path: str) -> bool:
    return path.startswith(PRODUCT_PREFIXES) and not _is_generator(path)


def _code_lines(text: str) -> int:
    return sum(1 for line in text.splitlines() if line.strip())


def shape(tree: Tree, check_ids: list[str]) -> dict[str, float]:
    files = tree.files()
    texts = {
        path: tree.read(path)
        for path in files
        if (_is_product(path) or _is_generator(path))
        and path.endswith((".py", ".json", ".csv", ".sql"))
    }
    product_py = {p: t for p, t in texts.items() if _is_product(p) and p.endswith(".py")}
    generator = {p: t for p, t in texts.items() if _is_generator(p)}
    touches = []
    for check_id in check_ids:
        pattern = re.compile(rf"['\"]{re.escape(check_id)}['\"]")
        naming = [
            p
            for p, t in texts.items()
            if _is_product(p) and not RULE_MODULES.search(p) and pattern.search(t)
        ]
        touches.append(len(naming))
    return {
        "product lines (pipelines/, non-blank)": sum(map(_code_lines, product_py.values())),
        "generator lines (non-blank, code and data)": sum(map(_code_lines, generator.values())),
        "places that open DuckDB": sum(len(DUCKDB_OPEN.findall(t)) for t in product_py.values()),
        "files a new check touches besides its rule (median)": statistics.median(touches),
        "files a new check touches besides its rule (max)": max(touches),
    }


def _timed(command: list[str]) -> float:
    start = time.monotonic()
    subprocess.run(command, cwd=REPO, check=True, capture_output=True)
    return time.monotonic() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", default=BASELINE, help="git revision to compare with")
    parser.add_argument("--time-tests", action="store_true", help="also time make test(-fast)")
    args = parser.parse_args()

    baseline = Tree(args.baseline)
    # The checks as the baseline catalogue listed them: the same yardstick on both sides.
    check_ids = CHECK_ID.findall(baseline.read("pipelines/quality/catalogue.py"))
    before = shape(baseline, check_ids)
    after = shape(Tree(None), check_ids)
    print(f"{'figure':56} {'before':>10} {'after':>10}   ({args.baseline} → working tree)")
    for name in before:
        print(f"{name:56} {before[name]:>10g} {after[name]:>10g}")
    print(f"({len(check_ids)} checks of the baseline catalogue)")
    if args.time_tests:
        for target in ("test-fast", "test"):
            seconds = _timed(["make", target])
            print(f"make {target:10} {seconds / 60:6.1f} min")


if __name__ == "__main__":
    main()
