"""Ground-truth JSON beside each generated PDF (schema_version 1).

Row values are read back from the printed cell texts (not from the model), so the truth
describes exactly what is printed: null for a blank or dash, "0" for a printed zero,
万元 figures as printed ("2946.25"), 元 figures converted exactly to 万元 ("1244.351234").

"planted_errors" lists the errors planted in the document ([] for a clean one), each as
{"kind", "table", "location", "column", "side", "page", "printed", "correct", "checks":
[{"check", "table", "location"}, …]}: printed/correct are truth-style 万元 figures (the
table cell's or the narrative key's truth value, and what it should have been); for a
unit_slip printed is the header's unit ("万元") and correct the amounts' ("元"); a
missing table has page, printed and correct null and is recorded under "tables" as
{"canonical_title", "missing": true, …} with no rows and pages [].
A final restating its budget wrongly (planting.MISMATCH_KINDS) has the T07 预算数 cell, or
the 五(三) item's 年初预算 (location: its 项 code), as printed and as the budget prints it.
A problem of words (planting.REVIEW_KINDS) has its page, and as printed/correct: the
relation word ("大于"/"小于") of a narrative_word, the heading of a placeholder or
wrong_year; an empty_table_note has both null (no note printed).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

from juesuan_samples.formatting import (
    format_amount,
    narrative_amount,
    normalise_label,
    truth_amount,
    wan_text,
)
from juesuan_samples.model import Disclosure
from juesuan_samples.narrative import heading_text, subject_path
from juesuan_samples.planting import REVIEW_KINDS, PlantedError
from juesuan_samples.render import ComposedDocument, PlacedTable
from juesuan_samples.tables import CANONICAL_TITLES, TABLE_IDS
from juesuan_samples.variants import Variants

SCHEMA_VERSION = 1

NONE_RULING_DESCRIPTION = (
    "no cell rules; three full-width horizontal rules per table page: at the top of the table, "
    "under the header (when the header is printed on that page) and under the last row"
)


def _table_truth(placed: PlacedTable) -> dict[str, object]:
    spec, layout = placed.spec, placed.layout
    rows: list[dict[str, object]] = [
        {**truth_row.fields, "printed_label": None, "page": None, "values": {}}
        for truth_row in spec.truth_rows
    ]
    for r, body_row in enumerate(spec.body):
        for c, cell in enumerate(body_row):
            if cell.truth_row is None:
                continue
            row = rows[cell.truth_row]
            row["page"] = placed.page_of_row(r)
            if cell.column is None:
                printed = "\n".join(layout.cell_lines[(r, c)])
                if normalise_label(printed) != row["label"]:
                    raise AssertionError(
                        f"{spec.table_id}: printed {printed!r} is not {row['label']!r}"
                    )
                row["printed_label"] = printed
            else:
                row["values"][cell.column] = truth_amount(cell.text, spec.money_unit)
    for truth_row, row in zip(spec.truth_rows, rows, strict=True):
        missing = [column for column in truth_row.columns if column not in row["values"]]
        if missing or row["page"] is None:
            raise AssertionError(
                f"{spec.table_id} row {row['label']}: no printed cell for {missing}"
            )
        row["values"] = {column: row["values"][column] for column in truth_row.columns}
    return {
        "canonical_title": spec.canonical_title,
        "printed_title": spec.printed_title,
        "label": spec.label,
        "money_unit": spec.money_unit,
        "money_unit_label": spec.money_label,
        "unit_line": spec.unit_line,
        "empty": spec.empty,
        "note": spec.empty_note if spec.empty else spec.notes[0],
        "notes": list(spec.notes),
        "pages": placed.pages,
        "orientation": layout.pages[0].orientation,
        "font_size": layout.font_size,
        "columns": list(spec.truth_columns),
        "rows": rows,
    }


def _missing_table_truth(table_id: str) -> dict[str, object]:
    return {
        "canonical_title": CANONICAL_TITLES[table_id],
        "missing": True,
        "printed_title": None,
        "label": None,
        "money_unit": None,
        "money_unit_label": None,
        "unit_line": None,
        "empty": False,
        "note": None,
        "notes": [],
        "pages": [],
        "orientation": None,
        "font_size": None,
        "columns": [],
        "rows": [],
    }


def _narrative_value(value: int, amount_unit: str) -> str:
    return "0" if value == 0 else wan_text(value, amount_unit)


def _cell_value(value: int, amount_unit: str, printed_unit: str) -> str | None:
    """The truth value of a figure printed in a table (as _table_truth reads it back)."""
    printed = format_amount(
        value, amount_unit=amount_unit, printed_unit=printed_unit, thousands=False, no_amount=""
    )
    return truth_amount(printed, printed_unit)


def _truth_row(table: dict, error: PlantedError) -> dict:
    rows = [
        row
        for row in table["rows"]
        if error.location in (row.get("code"), row["label"])
        and row.get("side") == error.side
        and row.get("parent") is None
    ]
    if len(rows) != 1:
        raise AssertionError(f"{error.table} {error.location}: {len(rows)} truth rows")
    return rows[0]


def _page_printing(
    document: ComposedDocument, texts: Sequence[str], pages: Sequence[int] = ()
) -> int | None:
    """The first page (of `pages`, else of the document) whose text holds one of `texts`,
    whitespace ignored."""
    needles = ["".join(text.split()) for text in texts]
    for number in pages or range(1, len(document.pages) + 1):
        page = "".join("".join(op.text.split()) for op in document.pages[number - 1].texts)
        if any(needle in page for needle in needles):
            return number
    return None


def _narrative_page(document: ComposedDocument, value: int, amount_unit: str) -> int | None:
    """The first 第三部分 page stating the figure."""
    unit = "元" if amount_unit == "元" else "万元"
    stated = [narrative_amount(value) + unit, narrative_amount(value, compact=True) + unit]
    return _page_printing(document, stated, document.narrative_pages)


def _review_truth(
    error: PlantedError, d: Disclosure, document: ComposedDocument, tables: dict[str, dict]
) -> tuple[int | None, str | None, str | None]:
    """(page, printed, correct) of a problem of words (planting.REVIEW_KINDS)."""
    location = error.location or ""
    if error.kind == "empty_table_note":
        return tables[location]["pages"][0], None, tables[location]["note"]
    if error.kind == "narrative_word":
        item = next(i for i in d.narrative.subject_budgets if i.code == location)
        correct = "大于" if item.final > item.budget else "小于"
        printed = "小于" if correct == "大于" else "大于"
        path = subject_path(d, location)  # where the item starts
        return _page_printing(document, [path], document.narrative_pages), printed, correct
    who = document.style.level_word
    printed = heading_text(d, location, who)
    return _page_printing(document, [printed]), printed, heading_text(d, location, who, False)


def _planted_truth(
    error: PlantedError,
    d: Disclosure,
    document: ComposedDocument,
    tables: dict[str, dict],
    narrative: dict[str, str],
) -> dict[str, object]:
    page = printed = correct = None
    if error.kind in REVIEW_KINDS:
        page, printed, correct = _review_truth(error, d, document, tables)
    elif error.kind == "narrative_budget_mismatch":  # a 五(三) item's 年初预算 (a 项 code)
        path = subject_path(d, error.location or "")
        page = _page_printing(document, [path], document.narrative_pages)
        printed = _narrative_value(error.printed or 0, d.amount_unit)
        correct = _narrative_value(error.correct or 0, d.amount_unit)
    elif error.kind == "unit_slip":
        page, printed, correct = tables[error.table]["pages"][0], "万元", "元"
    elif error.kind != "missing_table" and error.table is None:
        printed = narrative[error.location]
        correct = _narrative_value(error.correct, d.amount_unit)
        page = _narrative_page(document, error.printed, d.amount_unit)
    elif error.kind != "missing_table":
        table = tables[error.table]
        row = _truth_row(table, error)
        printed = row["values"][error.column]
        if printed != _cell_value(error.printed, d.amount_unit, table["money_unit"]):
            raise AssertionError(f"{error}: printed as {printed!r}")
        correct = _cell_value(error.correct, d.amount_unit, table["money_unit"])
        page = row["page"]
    return {
        "kind": error.kind,
        "table": error.table,
        "location": error.location,
        "column": error.column,
        "side": error.side,
        "page": page,
        "printed": printed,
        "correct": correct,
        "checks": [
            {"check": check, "table": table_id, "location": location}
            for check, table_id, location in error.checks
        ],
    }


def build_truth(
    d: Disclosure,
    variants: Variants,
    document: ComposedDocument,
    file_name: str,
    seed: int,
    planted_errors: Sequence[PlantedError] = (),
) -> dict[str, object]:
    """The ground truth of a composed document; d is the disclosure as printed."""
    style = document.style
    tables = {
        table_id: _table_truth(document.tables[table_id])
        if table_id in document.tables
        else _missing_table_truth(table_id)
        for table_id in TABLE_IDS
    }
    narrative = {
        key: _narrative_value(value, d.amount_unit)
        for key, value in d.narrative.key_figures().items()
    }
    return {
        "schema_version": SCHEMA_VERSION,
        "file_name": file_name,
        "seed": seed,
        "document": {
            "unit_name": d.unit.name,
            "region": d.unit.region or None,
            "unit_level": d.unit.level,
            "fiscal_year": d.fiscal_year,
            "document_kind": "决算",
            "header_unit_name": style.header_unit_name,
            "page_count": len(document.pages),
            "is_seed_case": d.is_seed_case,
        },
        "variants": variants.as_dict(),
        "layout": {
            "page_footer": style.footer,
            "footer_on_every_page": True,
            "page_numbers": "footer number = 1-based physical page number",
            "cover_style": style.cover_style,
            "rule_width": style.rule_width,
            "ruling_none": NONE_RULING_DESCRIPTION,
            "narrative_money_unit": "元" if d.amount_unit == "元" else "万元",
        },
        "tables": tables,
        "narrative": narrative,
        "planted_errors": [
            _planted_truth(error, d, document, tables, narrative) for error in planted_errors
        ],
    }


def write_truth(truth: dict[str, object], path: Path) -> None:
    path.write_text(json.dumps(truth, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def load_truth(path: Path | str) -> dict:
    """Read a ground-truth JSON written beside a generated PDF."""
    truth = json.loads(Path(path).read_text(encoding="utf-8"))
    if truth.get("schema_version") != SCHEMA_VERSION:
        raise ValueError(f"{path}: unsupported ground-truth schema {truth.get('schema_version')!r}")
    return truth
