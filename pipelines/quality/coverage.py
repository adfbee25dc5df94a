"""Document coverage: which expected units have a loaded disclosure for each fiscal year.

Expected units come from the operator's unit registry (a CSV with columns unit_name,
region, unit_level; settings.unit_registry_path() or an argument). Without a registry
they are the units the warehouse already knows (marts.dim_unit), and expected_from says
so: coverage then shows gaps between years, not units that never sent anything. With a
registry, units that sent documents but are not registered are listed too
(in_registry false). Years are the fiscal years of the warehouse's documents, or given.
"""

from __future__ import annotations

import csv
import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pandas as pd

from pipelines.quality.store import COVERAGE_COLUMNS

REGISTRY_COLUMNS = ("unit_name", "region", "unit_level")
FROM_REGISTRY = "单位登记表"
FROM_WAREHOUSE = "仓库已有单位（未配置单位登记表）"
NOT_REGISTERED = "未在单位登记表中（已收到文件）"
STATUS_RANK = {"loaded": 0, "superseded": 1, "rejected": 2}
ABSENT = "absent"


class RegistryError(ValueError):
    """The unit registry CSV cannot be used (the operator's configuration, not a finding)."""


@dataclass(frozen=True)
class ExpectedUnit:
    unit_name: str
    region: str | None
    unit_level: str | None
    expected_from: str
    in_registry: bool | None


@dataclass(frozen=True)
class DocumentVersion:
    document_id: str
    unit_name: str | None
    region: str | None
    unit_level: str | None
    fiscal_year: int | None
    status: str
    status_reason: str | None
    file_name: str | None
    ingested_at: datetime | None


def normalise_unit_name(name: str) -> str:
    """As the warehouse keeps it: whitespace removed."""
    return re.sub(r"\s+", "", name)


def unit_id(unit_name: str) -> str:
    """The dbt unit key: left(md5(unit_name), 16)."""
    return hashlib.md5(unit_name.encode("utf-8")).hexdigest()[:16]


def read_registry(path: Path) -> list[ExpectedUnit]:
    try:
        with Path(path).open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            missing = [c for c in REGISTRY_COLUMNS if c not in (reader.fieldnames or [])]
            if missing:
                raise RegistryError(f"unit registry {path} lacks columns {missing}")
            units: dict[str, ExpectedUnit] = {}
            for record in reader:
                name = normalise_unit_name(record.get("unit_name") or "")
                if not name or name in units:
                    continue
                units[name] = ExpectedUnit(
                    name,
                    (record.get("region") or "").strip() or None,
                    (record.get("unit_level") or "").strip() or None,
                    FROM_REGISTRY,
                    True,
                )
    except OSError as error:
        raise RegistryError(f"unit registry {path} unreadable: {error}") from error
    return list(units.values())


def _best_version(versions: Iterable[DocumentVersion]) -> DocumentVersion | None:
    """The loaded version, else the latest superseded, else the latest rejected one."""
    ranked = sorted(
        versions,
        key=lambda v: (
            STATUS_RANK.get(v.status, 3),
            -(v.ingested_at.timestamp() if v.ingested_at else 0),
            v.document_id,
        ),
    )
    return ranked[0] if ranked else None


def coverage_records(
    expected: Sequence[ExpectedUnit],
    years: Sequence[int],
    versions: Sequence[DocumentVersion],
    counts: dict[str, tuple[int, int]],
    registry_configured: bool,
) -> list[dict]:
    """One record per expected unit and year (plus unregistered senders), pure."""
    by_unit_year: dict[tuple[str, int], list[DocumentVersion]] = {}
    for version in versions:
        if version.unit_name and version.fiscal_year is not None:
            key = (version.unit_name, version.fiscal_year)
            by_unit_year.setdefault(key, []).append(version)
    units = list(expected)
    if registry_configured:
        registered = {unit.unit_name for unit in units}
        senders: dict[str, ExpectedUnit] = {}
        for version in versions:
            name = version.unit_name
            if name and name not in registered and name not in senders:
                senders[name] = ExpectedUnit(
                    name, version.region, version.unit_level, NOT_REGISTERED, False
                )
        units += list(senders.values())
    records = []
    for unit in units:
        for year in sorted(set(years)):
            best = _best_version(by_unit_year.get((unit.unit_name, year), []))
            if best is None and unit.in_registry is False:
                continue  # an unregistered unit is listed only for the years it sent
            errors, rounding = counts.get(best.document_id, (None, None)) if best else (None, None)
            records.append(
                {
                    "unit_name": unit.unit_name,
                    "region": unit.region,
                    "unit_level": unit.unit_level,
                    "fiscal_year": year,
                    "unit_id": unit_id(unit.unit_name),
                    "expected_from": unit.expected_from,
                    "in_registry": unit.in_registry,
                    "has_loaded_document": best is not None and best.status == "loaded",
                    "document_id": best.document_id if best else None,
                    "status": best.status if best else ABSENT,
                    "status_reason": best.status_reason if best else "未收到该单位该年度的决算文件",
                    "file_name": best.file_name if best else None,
                    "error_count": errors,
                    "rounding_count": rounding,
                }
            )
    return records


def read_versions(con, relations: set[str]) -> list[DocumentVersion]:
    """Every document version with its derived status (relations: existing_relations)."""
    if "intermediate.int_documents__current" in relations:
        sql = """select document_id, unit_name, region, unit_level, fiscal_year, status,
                        status_reason, file_name, ingested_at
                 from intermediate.int_documents__current"""
    else:
        sql = """select raw_doc.document_id, raw_doc.unit_name, raw_doc.region,
                        raw_doc.unit_level, raw_doc.fiscal_year,
                        coalesce(dim.status, raw_doc.status), coalesce(dim.status_reason,
                        raw_doc.status_reason), raw_doc.file_name, raw_doc.ingested_at
                 from raw.documents as raw_doc
                 left join marts.dim_document as dim using (document_id)"""
    return [DocumentVersion(*row) for row in con.execute(sql).fetchall()]


def warehouse_units(
    con, versions: Sequence[DocumentVersion], relations: set[str]
) -> list[ExpectedUnit]:
    if "marts.dim_unit" in relations:
        rows = con.execute(
            "select unit_name, region, unit_level from marts.dim_unit order by unit_name"
        ).fetchall()
    else:
        rows = sorted({(v.unit_name, v.region, v.unit_level) for v in versions if v.unit_name})
    return [ExpectedUnit(name, region, level, FROM_WAREHOUSE, None) for name, region, level in rows]


def coverage_frame(records: list[dict], run_id: str, checked_at: datetime) -> pd.DataFrame:
    columns = [name for name, _, _ in COVERAGE_COLUMNS]
    frame = pd.DataFrame.from_records(
        [record | {"run_id": run_id, "checked_at": checked_at} for record in records],
        columns=columns,
    )
    return frame.astype(
        {
            "fiscal_year": "Int64",
            "error_count": "Int64",
            "rounding_count": "Int64",
            "in_registry": "boolean",
            "has_loaded_document": "boolean",
        }
    )
