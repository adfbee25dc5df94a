"""The generator's command line: `python -m juesuan_samples`, and `juesuan samples`."""

from __future__ import annotations

from pathlib import Path

import click

from juesuan_samples.corpus import (
    PRODUCERS,
    OfficeUnavailable,
    generate_corpus,
    write_unit_registry,
)


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="Folder to write PDFs and their ground-truth JSON into.",
)
@click.option("--units", type=int, default=20, show_default=True, help="Number of units.")
@click.option(
    "--years",
    type=int,
    multiple=True,
    default=(2023, 2024),
    show_default=True,
    help="Fiscal years (repeat the option for several).",
)
@click.option("--seed", type=int, default=20240901, show_default=True, help="Random seed.")
@click.option("--no-seed-case", is_flag=True, help="Leave out the 枣庄 2020 seed document.")
@click.option(
    "--plant-errors",
    type=int,
    default=0,
    show_default=True,
    help="Plant 1–3 errors in each of N documents (recorded in their ground truth).",
)
@click.option(
    "--plant-review",
    type=int,
    default=0,
    show_default=True,
    help="Plant 1–2 problems of words in each of N other documents: a 大于/小于 against the "
    "figures, an empty table without its note, XX局 or last year in a heading.",
)
@click.option(
    "--producer",
    type=click.Choice(PRODUCERS),
    default="reportlab",
    show_default=True,
    help="Who prints the PDFs: our reportlab layout, or office (a .docx exported by "
    "LibreOffice Writer, in drawn fonts and layouts; needs soffice).",
)
@click.option(
    "--no-budgets",
    is_flag=True,
    help="Final accounts only: leave out each unit's budget (预算) for the year.",
)
@click.option(
    "--plant-budget-mismatches",
    type=int,
    default=0,
    show_default=True,
    help="In N finals, restate the budget wrongly: a 三公 预算数 item of T07, or a 五(三) "
    "item's 年初预算, differing from the budget document (recorded in their ground truth).",
)
def main(
    out: Path,
    units: int,
    years: tuple[int, ...],
    seed: int,
    no_seed_case: bool,
    plant_errors: int,
    plant_review: int,
    producer: str,
    no_budgets: bool,
    plant_budget_mismatches: int,
) -> None:
    """Generate realistic sample disclosures with ground truth."""
    try:
        docs = generate_corpus(
            out,
            units=units,
            years=years,
            seed=seed,
            include_seed_case=not no_seed_case,
            planted_errors=plant_errors,
            producer=producer,
            review_errors=plant_review,
            budgets=not no_budgets,
            budget_mismatches=plant_budget_mismatches,
        )
    except (ValueError, OfficeUnavailable) as exc:  # too many units; no LibreOffice
        raise click.ClickException(str(exc)) from exc
    registry = write_unit_registry(out, units=units, include_seed_case=not no_seed_case)
    finals = sum(doc.document_kind == "决算" for doc in docs)
    budgets = len(docs) - finals
    click.echo(
        f"已生成 {finals} 份样例决算 PDF、{budgets} 份样例预算 PDF（含标准答案 JSON）：{out}"
    )
    click.echo(f"应报单位名册 (unit registry): {registry}")
