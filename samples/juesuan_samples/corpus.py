"""Public entry points: one document, or a whole corpus with the seed case."""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from juesuan_samples.catalogue import SEED_UNIT, UnitProfile, corpus_units, find_unit
from juesuan_samples.identities import identity_findings, identity_violations
from juesuan_samples.model import Disclosure
from juesuan_samples.planting import (
    ErrorRequest,
    PlantedError,
    assign_errors,
    assign_review_errors,
    expected_sites,
    plant_errors,
)
from juesuan_samples.render import compose, write_pdf
from juesuan_samples.seed_case import SEED_FISCAL_YEAR, seed_disclosure
from juesuan_samples.synthesis import stable_seed, synthesize
from juesuan_samples.truth import build_truth, write_truth
from juesuan_samples.variants import SEED_VARIANTS, Variants, assign_variants


@dataclass(frozen=True)
class GeneratedDocument:
    pdf_path: Path
    truth_path: Path
    unit_name: str
    fiscal_year: int
    planted_errors: tuple[PlantedError, ...] = ()


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
) -> GeneratedDocument:
    """Render one disclosure PDF and its ground truth under out_dir.

    `unit` is a catalogue unit or its cover name. The seed unit with fiscal year 2020 is
    the seed case (the real document's figures); with variants None it is printed in the
    seed's own layout. Any other unit/year is synthesised from `seed`.

    `errors` plants errors in a synthesised document: kinds from planting.ERROR_KINDS,
    or ErrorRequests pinning where; sites are drawn from `seed`. The ground truth's
    "planted_errors" says which checks each must trip; without errors the document is
    exactly what it would be without the option.
    """
    profile = find_unit(unit) if isinstance(unit, str) else unit
    if variants is None:
        variants = default_variants(profile, fiscal_year)
    disclosure, printed, planted = prepare_disclosure(profile, fiscal_year, variants, seed, errors)
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
) -> tuple[Disclosure, Disclosure, tuple[PlantedError, ...]]:
    """(clean disclosure, disclosure as printed, planted errors), whoever renders it.

    Checks that the synthesised figures keep every identity, and that the planted errors
    break exactly the identities they are meant to.
    """
    if is_seed_case(profile, fiscal_year):
        if errors:
            raise ValueError("errors are planted in synthesised documents, not the seed case")
        disclosure = seed_disclosure()
    else:
        disclosure = synthesize(profile, fiscal_year, variants, seed)
        violations = identity_violations(disclosure)
        if violations:
            raise AssertionError(
                f"{profile.name} {fiscal_year}: identities broken: {violations[:3]}"
            )
    printed: Disclosure = disclosure
    planted: tuple[PlantedError, ...] = ()
    if errors:
        error_rng = random.Random(stable_seed("errors", seed, profile.name, fiscal_year))
        printed, planted = plant_errors(disclosure, errors, error_rng)
        found = {violation.site for violation in identity_findings(printed)}
        if found != expected_sites(planted):
            raise AssertionError(
                f"{profile.name} {fiscal_year}: planted errors break "
                f"{sorted(found ^ expected_sites(planted), key=str)} unexpectedly"
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


def corpus_jobs(
    units: int = 20,
    years: Sequence[int] = (2023, 2024),
    seed: int = 20240901,
    include_seed_case: bool = True,
    planted_errors: int = 0,
    review_errors: int = 0,
) -> list[DocumentJob]:
    """The documents of a corpus: the seed case, then units × years with balanced variants.

    `planted_errors` documents get figure errors (planting.assign_errors), `review_errors`
    others problems of words (planting.assign_review_errors)."""
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
    for index, ((unit, year), variants) in enumerate(zip(plan, all_variants, strict=True)):
        jobs.append(
            DocumentJob(
                unit,
                year,
                variants,
                default_relative_path(unit, year, index),
                tuple(errors.get(index, ())),
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
    """
    if producer not in PRODUCERS:
        raise ValueError(f"producer must be one of {PRODUCERS}, got {producer!r}")
    out = Path(out_dir)
    jobs = corpus_jobs(units, years, seed, include_seed_case, planted_errors, review_errors)
    if producer == "office":
        from juesuan_samples.office import generate_office_documents  # python-docx, soffice

        return generate_office_documents(out, jobs, seed)
    return [
        generate_document(
            out, job.unit, job.fiscal_year, job.variants, seed, job.relative_path, job.errors
        )
        for job in jobs
    ]


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
