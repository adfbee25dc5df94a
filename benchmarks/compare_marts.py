"""Two warehouses built from the same inbox: are their marts the same, row for row?

    .venv/bin/python benchmarks/compare_marts.py BEFORE.duckdb AFTER.duckdb

For a refactoring that must not change behaviour: build the same corpus with the old and
the new code, then compare. Every table of `marts`, the latest check outcomes and the
coverage of `quality` are compared with `EXCEPT ALL` in both directions, so a duplicated
row counts as a difference too. Columns that record when a run happened differ between
any two builds, and columns only one side has cannot be compared: both are left out and
listed. Exits 1 when anything differs.
"""

from __future__ import annotations

import argparse
import sys

import duckdb

# Set by the run, not by the documents (document_ingested_at, loaded_at …): differ between
# any two builds. By name ending.
RUN_COLUMN_ENDINGS = ("ingested_at", "loaded_at", "checked_at", "extracted_at", "run_id")
# The latest outcomes: what a reviewer reads. The check's wording may be edited freely.
# Coverage: on the columns both builds have.
QUALITY_RELATIONS = {
    "check_results_latest": {"check_title", "message"},
    "document_coverage": set(),
}


def _columns(con: duckdb.DuckDBPyConnection, db: str, schema: str, table: str) -> list[str]:
    rows = con.execute(
        "select column_name from duckdb_columns() "
        "where database_name = ? and schema_name = ? and table_name = ? order by column_index",
        [db, schema, table],
    ).fetchall()
    return [name for (name,) in rows]


def _relations(con: duckdb.DuckDBPyConnection, db: str, schema: str) -> set[str]:
    rows = con.execute(
        "select table_name from duckdb_tables() where database_name = ? and schema_name = ? "
        "union select view_name from duckdb_views() where database_name = ? and schema_name = ?",
        [db, schema, db, schema],
    ).fetchall()
    return {name for (name,) in rows}


def compare(before: str, after: str) -> list[tuple[str, int, int, int, int, str]]:
    """(relation, rows before, rows after, only before, only after, columns left out)."""
    con = duckdb.connect()
    con.execute(f"attach '{before}' as before_db (read_only)")
    con.execute(f"attach '{after}' as after_db (read_only)")
    relations = [
        ("marts", name, set())
        for name in sorted(
            _relations(con, "before_db", "marts") | _relations(con, "after_db", "marts")
        )
    ]
    relations += [("quality", name, extra) for name, extra in QUALITY_RELATIONS.items()]
    results = []
    for schema, name, extra_skipped in relations:
        old = _columns(con, "before_db", schema, name)
        new = _columns(con, "after_db", schema, name)
        if not old or not new:
            results.append((f"{schema}.{name}", -1, -1, -1, -1, "missing on one side"))
            continue
        skipped = extra_skipped | {c for c in {*old, *new} if c.endswith(RUN_COLUMN_ENDINGS)}
        shared = [c for c in old if c in new and c not in skipped]
        left_out = sorted((set(old) ^ set(new)) | (skipped & (set(old) | set(new))))
        select = ", ".join(f'"{c}"' for c in shared)

        def count(sql: str) -> int:
            return con.execute(f"select count(*) from ({sql})").fetchone()[0]

        a = f"select {select} from before_db.{schema}.{name}"
        b = f"select {select} from after_db.{schema}.{name}"
        results.append(
            (
                f"{schema}.{name}",
                count(a),
                count(b),
                count(f"{a} except all {b}"),
                count(f"{b} except all {a}"),
                ", ".join(left_out),
            )
        )
    return results


def differing(results: list[tuple[str, int, int, int, int, str]]) -> dict[str, tuple]:
    """The relations of compare(…) that differ: row counts, or rows only on one side."""
    return {
        relation: (old, new, only_old, only_new)
        for relation, old, new, only_old, only_new, _ in results
        if only_old or only_new or old != new
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("before")
    parser.add_argument("after")
    args = parser.parse_args()
    results = compare(args.before, args.after)
    header = f"{'relation':44} {'before':>8} {'after':>8} {'only before':>12} {'only after':>11}"
    print(header + "  columns not compared")
    for relation, old, new, only_old, only_new, left_out in results:
        print(f"{relation:44} {old:>8} {new:>8} {only_old:>12} {only_new:>11}  {left_out}")
    differ = len(differing(results))
    print(f"{len(results)} relations compared, {differ} differ")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
