"""Ground-truth JSON beside each generated PDF (schema_version 1).

Row values are read back from the printed cell texts (not from the model), so the truth
describes exactly what is printed: null for a blank or dash, "0" for a printed zero,
万元 figures as printed ("2946.25"), 元 figures converted exactly to 万元 ("1244.351234").
"""

from __future__ import annotations

import json
from pathlib import Path

from pipelines.samples.formatting import normalise_label, truth_amount, wan_text
from pipelines.samples.model import Disclosure
from pipelines.samples.render import ComposedDocument, PlacedTable
from pipelines.samples.variants import Variants

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


def _narrative_value(value: int, amount_unit: str) -> str:
    return "0" if value == 0 else wan_text(value, amount_unit)


def build_truth(
    d: Disclosure, variants: Variants, document: ComposedDocument, file_name: str, seed: int
) -> dict[str, object]:
    style = document.style
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
        "tables": {table_id: _table_truth(placed) for table_id, placed in document.tables.items()},
        "narrative": {
            key: _narrative_value(value, d.amount_unit)
            for key, value in d.narrative.key_figures().items()
        },
    }


def write_truth(truth: dict[str, object], path: Path) -> None:
    path.write_text(json.dumps(truth, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def load_truth(path: Path | str) -> dict:
    """Read a ground-truth JSON written beside a generated PDF."""
    truth = json.loads(Path(path).read_text(encoding="utf-8"))
    if truth.get("schema_version") != SCHEMA_VERSION:
        raise ValueError(f"{path}: unsupported ground-truth schema {truth.get('schema_version')!r}")
    return truth
