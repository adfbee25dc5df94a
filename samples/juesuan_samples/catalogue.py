"""Reference data for the sample generator: real subject codes and names, units, regions.

The data lives in `data/` beside this module: function subjects (支出功能分类科目) and
economic classes (部门预算支出经济分类科目) as code,name CSVs with their real codes and
names as printed in recent national classifications, and `catalogue.json` for the rest.
Units are realistic but generated, grouped into archetypes that decide which subjects
they use. This module loads the data into the objects the generator uses and finds units.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from dataclasses import dataclass
from importlib.resources import files
from typing import Any

from pipelines.domain.subjects import FUNCTION_CLASSES

_DATA = files("juesuan_samples") / "data"


def _code_names(file_name: str) -> tuple[tuple[str, str], ...]:
    text = (_DATA / file_name).read_text(encoding="utf-8")
    return tuple((row["code"], row["name"]) for row in csv.DictReader(io.StringIO(text)))


_CATALOGUE: dict[str, Any] = json.loads((_DATA / "catalogue.json").read_text(encoding="utf-8"))

# 类 lines of the two-sided statements (T01/T04 expense side), in printed order: every
# national function class except those the statement template does not list
# (预备费, 转移性支出, 债务发行费用支出).
STATEMENT_EXPENSE_CLASSES: tuple[tuple[str, str], ...] = tuple(
    (code, name)
    for code, name in FUNCTION_CLASSES.items()
    if code not in _CATALOGUE["unlisted_statement_classes"]
)

# T01 income lines 一…八, in printed order (labels without ordinals).
T01_INCOME_LINES: tuple[str, ...] = tuple(_CATALOGUE["t01_income_lines"])

# T04 income lines (by fund); also the sub-lines under 年初财政拨款结转和结余.
T04_FUND_LINES: tuple[str, ...] = tuple(_CATALOGUE["t04_fund_lines"])

# 类, 款 and 项 the generated units spend on, in classification order.
FUNCTION_SUBJECTS: dict[str, str] = dict(_code_names("function_subjects.csv"))

# Economic classification as printed in T06 (the seed's list), in printed order;
# 3-digit codes are 类, 5-digit codes are 款.
ECONOMIC_CLASSES: tuple[tuple[str, str], ...] = _code_names("economic_classes.csv")

# 公用经费 classes that are listed only when they carry an amount in 2-group T06 layouts.
OPTIONAL_PUBLIC_ECON_CLASSES: tuple[str, ...] = tuple(_CATALOGUE["optional_public_econ_classes"])

# Subjects every unit uses (pensions, medical insurance, housing), by kind of unit.
COMMON_ADMIN_SUBJECTS: tuple[str, ...] = tuple(_CATALOGUE["common_admin_subjects"])
COMMON_INSTITUTION_SUBJECTS: tuple[str, ...] = tuple(_CATALOGUE["common_institution_subjects"])
OCCASIONAL_SUBJECTS: tuple[str, ...] = tuple(_CATALOGUE["occasional_subjects"])

# Subjects whose spending is basic (基本支出) only: personnel-linked items.
BASIC_ONLY_SUBJECTS: frozenset[str] = frozenset(_CATALOGUE["basic_only_subjects"])
# 项 subjects that are "running" items despite a different suffix.
RUNNING_ITEM_NAMES: frozenset[str] = frozenset(_CATALOGUE["running_item_names"])


@dataclass(frozen=True)
class Archetype:
    """A kind of government unit: its field of work and the subjects it spends on."""

    key: str
    suffix: str  # department name after the region, e.g. "教育局"
    field: str  # field of work used in duty paragraphs, e.g. "教育"
    subjects: tuple[str, ...]  # 项 codes always used
    optional_subjects: tuple[str, ...]
    fund_subjects: tuple[str, ...] = ()  # 政府性基金预算 subjects
    capital_subjects: tuple[str, ...] = ()  # 国有资本经营预算 subjects
    institution: bool = False  # 事业单位: has 事业收入, uses 事业单位医疗
    scale: tuple[int, int] = (600, 3000)  # 本年支出 range in 万元
    offices: tuple[str, ...] = ()
    special_duty: str = ""


def _archetype(key: str, fields: dict[str, Any]) -> Archetype:
    """An archetype from its JSON entry: lists become the tuples the dataclass holds."""
    return Archetype(
        key, **{name: tuple(v) if isinstance(v, list) else v for name, v in fields.items()}
    )


ARCHETYPES: dict[str, Archetype] = {
    key: _archetype(key, fields) for key, fields in _CATALOGUE["archetypes"].items()
}

REGIONS: tuple[str, ...] = tuple(_CATALOGUE["regions"])


@dataclass(frozen=True)
class UnitProfile:
    """A reporting unit: cover name, region, level and the archetype behind its figures."""

    name: str
    region: str
    level: str  # '部门' (部门决算) or '单位' (单位决算)
    archetype: str
    parent_name: str  # printed in the 单位： line when the header does not match the cover

    @property
    def kind(self) -> Archetype:
        return ARCHETYPES[self.archetype]


# Curated units, interleaved by region so that any prefix mixes regions and archetypes.
CURATED_UNITS: tuple[UnitProfile, ...] = tuple(
    UnitProfile(**unit) for unit in _CATALOGUE["curated_units"]
)

SEED_UNIT = UnitProfile(**_CATALOGUE["seed_unit"])


def _department(region: str, archetype: str) -> UnitProfile:
    """The department of this archetype in this region, reporting to the region's government."""
    department = region + ARCHETYPES[archetype].suffix
    return UnitProfile(department, region, "部门", archetype, region + "人民政府")


def _every_unit() -> list[UnitProfile]:
    """Curated units first, then every other region × archetype department."""
    units = list(CURATED_UNITS)
    taken = {unit.name for unit in units} | {SEED_UNIT.name}
    for archetype in ARCHETYPES:
        for region in REGIONS:
            candidate = _department(region, archetype)
            if candidate.name not in taken:
                units.append(candidate)
                taken.add(candidate.name)
    return units


def corpus_units(count: int | None = None) -> list[UnitProfile]:
    """The first `count` distinct units of the catalogue (all of them when None)."""
    units = _every_unit()
    if count is None:
        return units
    if count > len(units):
        raise ValueError(f"at most {len(units)} distinct units can be generated, asked {count}")
    return units[:count]


def _region_of(name: str) -> str:
    """The region a unit name starts with: a known region, else up to its 市 (and 区/县)."""
    for region in REGIONS:
        if name.startswith(region):
            return region
    match = re.match(r"^(.{1,8}?市)(.{1,5}?[区县])?", name)
    if match is None:
        return ""
    city, district = match.groups()
    return city + (district or "") if district and not name.endswith(district) else city


def find_unit(name: str) -> UnitProfile:
    """The catalogue unit with this cover name (the seed unit included).

    Any other name gets a plausible profile: 单位 when it ends in 本级, its archetype
    from its department suffix (e.g. …教育局), else one chosen by the name's hash.
    """
    for unit in (SEED_UNIT, *_every_unit()):
        if unit.name == name:
            return unit
    region = _region_of(name)
    level = "单位" if name.endswith("本级") else "部门"
    department = name.removesuffix("本级")
    by_suffix = [
        key for key, archetype in ARCHETYPES.items() if department.endswith(archetype.suffix)
    ]
    if by_suffix:
        archetype = by_suffix[0]
    else:
        digest = hashlib.sha256(name.encode()).digest()
        archetype = sorted(ARCHETYPES)[digest[0] % len(ARCHETYPES)]
    parent = department if level == "单位" or not region else f"{region}人民政府"
    return UnitProfile(name, region, level, archetype, parent)
