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

# Set by the run, not by the documents: differ between any two builds.
RUN_COLUMNS = {"ingested_at", "run_id", "checked_at"}
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
        skipped = RUN_COLUMNS | extra_skipped
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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("before")
    parser.add_argument("after")
    args = parser.parse_args()
    results = compare(args.before, args.after)
    header = f"{'relation':44} {'before':>8} {'after':>8} {'only before':>12} {'only after':>11}"
    print(header + "  columns not compared")
    differing = 0
    for relation, old, new, only_old, only_new, left_out in results:
        differing += only_old != 0 or only_new != 0 or old != new
        print(f"{relation:44} {old:>8} {new:>8} {only_old:>12} {only_new:>11}  {left_out}")
    print(f"{len(results)} relations compared, {differing} differ")
    return 1 if differing else 0


if __name__ == "__main__":
    sys.exit(main())
