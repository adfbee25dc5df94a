"""Public entry points: one document, or a whole corpus with the seed case."""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from juesuan_samples.budget import Budget, budget_identity_findings, plan_budget
from juesuan_samples.budget_document import (
    budget_relative_path,
    budget_truth,
    compose_budget,
    kind_word,
    pair_truth,
)
from juesuan_samples.budget_tables import FAMILY_SHARES, budget_variants, draw_budget_style
from juesuan_samples.catalogue import SEED_UNIT, UnitProfile, corpus_units, find_unit
from juesuan_samples.identities import identity_findings, identity_violations
from juesuan_samples.model import Disclosure
from juesuan_samples.narrative import duties
from juesuan_samples.planting import (
    ErrorRequest,
    PlantedError,
    assign_errors,
    assign_mismatches,
    assign_review_errors,
    expected_sites,
    mismatch_candidates,
    plant_errors,
    plant_mismatches,
    with_budget_comparison,
)
from juesuan_samples.render import compose, write_pdf
from juesuan_samples.seed_case import SEED_FISCAL_YEAR, seed_disclosure
from juesuan_samples.synthesis import stable_seed, synthesize
from juesuan_samples.truth import build_truth, load_truth, write_truth
from juesuan_samples.variants import SEED_VARIANTS, Variants, assign_variants, balanced_column


@dataclass(frozen=True)
class GeneratedDocument:
    pdf_path: Path
    truth_path: Path
    unit_name: str
    fiscal_year: int
    planted_errors: tuple[PlantedError, ...] = ()
    document_kind: str = "决算"  # or '预算': a budget (budget_document.py)


def default_relative_path(unit: UnitProfile, fiscal_year: int, index: int) -> Path:
    """Mixed on purpose: year folders, region folders and flat ASCII names."""
    kind = "部门决算" if unit.level == "部门" else "单位决算"
    pattern = index % 3
    if pattern == 0:
        return Path(str(fiscal_year)) / f"{unit.name}{fiscal_year}年度{kind}.pdf"
    if pattern == 1:
        return Path(f"doc_{index:04d}.pdf")
    return Path(unit.region) / f"{fiscal_year}年度{unit.name}决算公开.pdf"


def generate_document(
    out_dir: Path | str,
    unit: UnitProfile | str,
    fiscal_year: int,
    variants: Variants | None = None,
    seed: int = 0,
    relative_path: Path | str | None = None,
    errors: Sequence[ErrorRequest | str] = (),
    mismatches: Sequence[str] = (),
    budgeted: bool = False,
) -> GeneratedDocument:
    """Render one disclosure PDF and its ground truth under out_dir.

    `unit` is a catalogue unit or its cover name. The seed unit with fiscal year 2020 is
    the seed case (the real document's figures); with variants None it is printed in the
    seed's own layout. Any other unit/year is synthesised from `seed`.

    `errors` plants errors in a synthesised document: kinds from planting.ERROR_KINDS,
    or ErrorRequests pinning where; sites are drawn from `seed`. The ground truth's
    "planted_errors" says which checks each must trip; without errors the document is
    exactly what it would be without the option. `mismatches` (planting.MISMATCH_KINDS)
    make it restate its budget (generate_budget_document) wrongly; `budgeted` says its
    budget is generated too (the truth then records what the comparison reports).
    """
    profile = find_unit(unit) if isinstance(unit, str) else unit
    if variants is None:
        variants = default_variants(profile, fiscal_year)
    disclosure, printed, planted = prepare_disclosure(
        profile, fiscal_year, variants, seed, errors, mismatches, budgeted
    )
    rng = random.Random(stable_seed("document", seed, profile.name, fiscal_year))
    composed = compose(printed, variants, rng, clean=disclosure if planted else None)
    relative = (
        Path(relative_path)
        if relative_path is not None
        else default_relative_path(profile, fiscal_year, 0)
    )
    pdf_path = Path(out_dir) / relative
    truth_path = pdf_path.with_name(pdf_path.stem + ".truth.json")
    write_pdf(composed, pdf_path, title=f"{profile.name}{fiscal_year}年度决算")
    truth = build_truth(printed, variants, composed, pdf_path.name, seed, planted)
    write_truth(truth, truth_path)
    return GeneratedDocument(pdf_path, truth_path, profile.name, fiscal_year, planted)


def prepare_budget(profile: UnitProfile, fiscal_year: int, variants: Variants, seed: int) -> Budget:
    """The budget of a synthesised unit and year: planned from its clean final (the one
    generate_document prints, before any planted error or mismatch)."""
    if is_seed_case(profile, fiscal_year):
        raise ValueError("budgets are made for synthesised documents, not the seed case")
    final = synthesize(profile, fiscal_year, variants, seed)
    budget = plan_budget(final, seed, duties(final))
    violations = budget_identity_findings(budget)
    if violations:
        raise AssertionError(
            f"{profile.name} {fiscal_year} budget: identities broken: {violations[:3]}"
        )
    return budget


def generate_budget_document(
    out_dir: Path | str,
    unit: UnitProfile | str,
    fiscal_year: int,
    variants: Variants | None = None,
    seed: int = 0,
    relative_path: Path | str | None = None,
    family: str | None = None,
    final: GeneratedDocument | None = None,
) -> GeneratedDocument:
    """Render the budget (预算) of a unit and year, the plan its final accounts restate,
    and its ground truth under out_dir.

    `variants` are the paired final's (the same money unit and printing habits, but
    ruled: budget_tables.budget_variants); `family` the real template family it is
    printed in (budget_tables.FAMILIES; drawn from `seed` when None). With `final` (its
    generated final accounts) the truth also holds what the budget-against-final marts
    must hold for the unit and year (pair_truth).
    """
    profile = find_unit(unit) if isinstance(unit, str) else unit
    variants = budget_variants(variants or default_variants(profile, fiscal_year))
    budget = prepare_budget(profile, fiscal_year, variants, seed)
    rng = random.Random(stable_seed("budget document", seed, profile.name, fiscal_year))
    if family is None:
        family = rng.choice(FAMILY_SHARES)
    style = draw_budget_style(family, budget.amount_unit, rng)
    composed = compose_budget(budget, variants, style, rng)
    relative = (
        Path(relative_path)
        if relative_path is not None
        else budget_relative_path(profile.name, profile.region, profile.level, fiscal_year, 0)
    )
    pdf_path = Path(out_dir) / relative
    truth_path = pdf_path.with_name(pdf_path.stem + ".truth.json")
    write_pdf(composed, pdf_path, title=f"{profile.name}{fiscal_year}年度{kind_word(budget)}")
    paired = final.pdf_path.name if final is not None else None
    truth = budget_truth(budget, variants, style, composed, pdf_path.name, seed, paired)
    if final is not None:
        truth |= pair_truth(truth, load_truth(final.truth_path))
    write_truth(truth, truth_path)
    return GeneratedDocument(pdf_path, truth_path, profile.name, fiscal_year, (), "预算")


def is_seed_case(unit: UnitProfile, fiscal_year: int) -> bool:
    return unit.name == SEED_UNIT.name and fiscal_year == SEED_FISCAL_YEAR


def default_variants(unit: UnitProfile, fiscal_year: int) -> Variants:
    """The seed case prints in the seed's own layout; any other document in the defaults."""
    return SEED_VARIANTS if is_seed_case(unit, fiscal_year) else Variants()


def prepare_disclosure(
    profile: UnitProfile,
    fiscal_year: int,
    variants: Variants,
    seed: int,
    errors: Sequence[ErrorRequest | str] = (),
    mismatches: Sequence[str] = (),
    budgeted: bool = False,
) -> tuple[Disclosure, Disclosure, tuple[PlantedError, ...]]:
    """(clean disclosure, disclosure as printed, planted errors), whoever renders it.

    Checks that the synthesised figures keep every identity, and that the planted errors
    break exactly the identities they are meant to. `mismatches` (planting.MISMATCH_KINDS)
    make the final restate its budget wrongly, consistently within the final: the clean
    disclosure carries them, and they are listed first among the planted errors. A
    `budgeted` final (one whose budget is generated too) has its planted errors in T07's
    预算数 also trip the comparison with the budget (planting.with_budget_comparison).
    """
    restated: tuple[PlantedError, ...] = ()
    if is_seed_case(profile, fiscal_year):
        if errors or mismatches:
            raise ValueError("errors are planted in synthesised documents, not the seed case")
        disclosure = seed_disclosure()
        planned = disclosure.t07.budget
    else:
        disclosure = synthesize(profile, fiscal_year, variants, seed)
        planned = disclosure.t07.budget  # what its budget's B07 prints (budget.plan_budget)
        if mismatches:  # a kind this final cannot carry gives way to one it can
            possible = mismatch_candidates(disclosure)
            kinds = [kind for kind in mismatches if kind in possible] or list(possible[:1])
            mismatch_rng = random.Random(stable_seed("mismatch", seed, profile.name, fiscal_year))
            disclosure, restated = plant_mismatches(disclosure, kinds, mismatch_rng)
        violations = identity_violations(disclosure)
        if violations:
            raise AssertionError(
                f"{profile.name} {fiscal_year}: identities broken: {violations[:3]}"
            )
    printed: Disclosure = disclosure
    planted: tuple[PlantedError, ...] = restated
    if errors:
        error_rng = random.Random(stable_seed("errors", seed, profile.name, fiscal_year))
        printed, in_document = plant_errors(disclosure, errors, error_rng)
        if budgeted:
            in_document = with_budget_comparison(planned, printed, restated, in_document)
        planted += in_document
        found = {violation.site for violation in identity_findings(printed)}
        if found != expected_sites(in_document):
            raise AssertionError(
                f"{profile.name} {fiscal_year}: planted errors break "
                f"{sorted(found ^ expected_sites(in_document), key=str)} unexpectedly"
            )
    return disclosure, printed, tuple(planted)


PRODUCERS = ("reportlab", "office")  # office: .docx exported by LibreOffice (office.py)


class OfficeUnavailable(RuntimeError):
    """The office producer was asked for, and LibreOffice (soffice) is not installed."""


@dataclass(frozen=True)
class DocumentJob:
    """One document of a corpus, before any producer renders it."""

    unit: UnitProfile
    fiscal_year: int
    variants: Variants
    relative_path: Path
    errors: tuple[ErrorRequest | str, ...] = ()
    mismatches: tuple[str, ...] = ()  # planting.MISMATCH_KINDS: the final misstates its budget
    budget_path: Path | None = None  # where its budget goes (None: no budget)
    budget_family: str | None = None  # budget_tables.FAMILIES key


def corpus_jobs(
    units: int = 20,
    years: Sequence[int] = (2023, 2024),
    seed: int = 20240901,
    include_seed_case: bool = True,
    planted_errors: int = 0,
    review_errors: int = 0,
    budgets: bool = False,
    budget_mismatches: int = 0,
) -> list[DocumentJob]:
    """The documents of a corpus: the seed case, then units × years with balanced variants.

    `planted_errors` documents get figure errors (planting.assign_errors), `review_errors`
    others problems of words (planting.assign_review_errors). With `budgets` every
    synthesised job also has a budget (its path and family; families balanced), and
    `budget_mismatches` finals restate theirs wrongly (planting.assign_mismatches)."""
    plan = [(unit, year) for unit in corpus_units(units) for year in years]  # checks first
    jobs: list[DocumentJob] = []
    if include_seed_case:
        jobs.append(
            DocumentJob(
                SEED_UNIT,
                SEED_FISCAL_YEAR,
                SEED_VARIANTS,
                Path(SEED_UNIT.region) / f"{SEED_UNIT.name}{SEED_FISCAL_YEAR}年度单位决算.pdf",
            )
        )
    all_variants = assign_variants([unit.level for unit, _ in plan], seed)
    errors = assign_errors(len(plan), planted_errors, seed)
    if review_errors:
        review = assign_review_errors(len(plan), review_errors, seed, taken=list(errors))
        errors = errors | review
    if budget_mismatches and not budgets:
        raise ValueError("budget_mismatches need budgets: the final misstates its budget")
    mismatches = assign_mismatches(len(plan), budget_mismatches, seed) if budgets else {}
    families = balanced_column(FAMILY_SHARES, len(plan), random.Random(stable_seed("budget", seed)))
    for index, ((unit, year), variants) in enumerate(zip(plan, all_variants, strict=True)):
        jobs.append(
            DocumentJob(
                unit,
                year,
                variants,
                default_relative_path(unit, year, index),
                tuple(errors.get(index, ())),
                tuple(mismatches.get(index, ())),
                budget_relative_path(unit.name, unit.region, unit.level, year, index)
                if budgets
                else None,
                str(families[index]) if budgets else None,
            )
        )
    return jobs


def generate_corpus(
    out_dir: Path | str,
    units: int = 20,
    years: Sequence[int] = (2023, 2024),
    seed: int = 20240901,
    include_seed_case: bool = True,
    planted_errors: int = 0,
    producer: str = "reportlab",
    review_errors: int = 0,
    budgets: bool = False,
    budget_mismatches: int = 0,
) -> list[GeneratedDocument]:
    """`units` × `years` synthesised disclosures, plus the seed case, with balanced variants.

    `planted_errors` synthesised documents (chosen from `seed`; at most all of them) get
    one to three planted errors each, all kinds mixed over the corpus (planting.assign_errors);
    every other document is byte for byte what it is with planted_errors=0.
    `review_errors` more documents get one or two problems of words (a 大于/小于 against the
    figures, an empty table without its note, "XX局" or last year in a heading:
    planting.REVIEW_KINDS), recorded like the others in the truth's planted_errors.

    `producer` "office" renders the same disclosures through LibreOffice instead of
    reportlab (office.py; it needs `soffice`).

    `budgets` adds, for every synthesised unit × year, its budget (预算) for that year
    (generate_budget_document; document_kind '预算'), listed after its final: the final's
    T07 预算数 and its narrative's 年初预算 restate it. `budget_mismatches` finals restate
    theirs wrongly (planting.MISMATCH_KINDS, recorded in the final's planted_errors).
    Without budgets the corpus is exactly what it was before budgets existed.
    """
    if producer not in PRODUCERS:
        raise ValueError(f"producer must be one of {PRODUCERS}, got {producer!r}")
    out = Path(out_dir)
    jobs = corpus_jobs(
        units,
        years,
        seed,
        include_seed_case,
        planted_errors,
        review_errors,
        budgets,
        budget_mismatches,
    )
    if producer == "office":
        from juesuan_samples.office import generate_office_documents  # python-docx, soffice

        return generate_office_documents(out, jobs, seed)
    documents = []
    for job in jobs:
        final = generate_document(
            out,
            job.unit,
            job.fiscal_year,
            job.variants,
            seed,
            job.relative_path,
            job.errors,
            job.mismatches,
            job.budget_path is not None,
        )
        documents.append(final)
        if job.budget_path is not None:
            documents.append(
                generate_budget_document(
                    out,
                    job.unit,
                    job.fiscal_year,
                    job.variants,
                    seed,
                    job.budget_path,
                    job.budget_family,
                    final,
                )
            )
    return documents


REGISTRY_NAME = "unit_registry.csv"


def write_unit_registry(
    out_dir: Path | str, units: int = 20, include_seed_case: bool = True, unreported: int = 1
) -> Path:
    """The operator's list of units expected to report (unit_name, region, unit_level):
    the corpus's units plus `unreported` more that sent nothing, so coverage has gaps
    (as many as the catalogue has left: a corpus may use all of it)."""
    import csv

    unreported = max(0, min(unreported, len(corpus_units()) - units))
    expected = ([SEED_UNIT] if include_seed_case else []) + corpus_units(units + unreported)
    path = Path(out_dir) / REGISTRY_NAME
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["unit_name", "region", "unit_level"])
        writer.writerows([unit.name, unit.region, unit.level] for unit in expected)
    return path
