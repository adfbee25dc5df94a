"""Layout and printing variants of a generated document, and their spread over a corpus."""

from __future__ import annotations

import random
from dataclasses import asdict, dataclass, replace

RULINGS = ("lines", "rects", "none")
CODE_LAYOUTS = ("single", "split")
MONEY_UNITS = ("万元", "元", "mixed")
ZERO_STYLES = ("blank", "dash")
CONTINUATIONS = ("none", "repeat_header", "no_header")
T07_LAYOUTS = ("budget_then_final", "item_pairs")
DASH_TEXTS = ("-", "—")


@dataclass(frozen=True)
class Variants:
    """How one document is printed. Recorded verbatim in the ground truth under "variants".

    ruling: "lines" stroked segments, "rects" thin filled rectangles, "none" no cell rules
        (only three horizontal rules: above the header, below the header, below the body).
    code_layout: "single" one code column, "split" 类|款|项 columns.
    money_unit: "万元", "元" (every table in 元), "mixed" (one or two tables in 元).
    zero_style: a cell with no amount prints "blank" or a "dash" (dash_text).
    printed_zeros: some real zero amounts print as "0.00" (carry-over lines, T07, T08 年末).
    continuation: "none", "repeat_header" or "no_header" on pages a table continues on.
    t06_groups: 2 or 3 side-by-side column groups in T06.
    header_unit_mismatch: the 单位： line above tables names the parent department.
    """

    ruling: str = "lines"
    code_layout: str = "single"
    money_unit: str = "万元"
    thousands_separator: bool = False
    zero_style: str = "blank"
    continuation: str = "none"
    wrapped_names: bool = False
    spaced_names: bool = False
    table_labels: bool = True
    t01_line_numbers: bool = True
    t06_groups: int = 3
    t07_layout: str = "budget_then_final"
    header_unit_mismatch: bool = False
    dash_text: str = "-"
    printed_zeros: bool = False

    def __post_init__(self) -> None:
        allowed = {
            "ruling": RULINGS,
            "code_layout": CODE_LAYOUTS,
            "money_unit": MONEY_UNITS,
            "zero_style": ZERO_STYLES,
            "continuation": CONTINUATIONS,
            "t06_groups": (2, 3),
            "t07_layout": T07_LAYOUTS,
            "dash_text": DASH_TEXTS,
        }
        for name, values in allowed.items():
            if getattr(self, name) not in values:
                raise ValueError(
                    f"Variants.{name} must be one of {values}, got {getattr(self, name)!r}"
                )

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


# The seed document's own layout (Zaozhuang 2020).
SEED_VARIANTS = Variants()

# Values each field takes across a corpus, with how many shares each value gets; values
# listed once are rarer. Exotic values (for the "not everything exotic at once" rule)
# are all but the first.
VARIANT_SHARES: dict[str, tuple[object, ...]] = {
    "ruling": ("lines", "rects", "none"),
    "code_layout": ("single", "split"),
    "money_unit": ("万元", "万元", "元", "mixed"),
    "thousands_separator": (False, True),
    "zero_style": ("blank", "dash"),
    "continuation": ("none", "repeat_header", "no_header"),
    "wrapped_names": (False, True),
    "spaced_names": (False, False, True),
    "table_labels": (True, False),
    "t01_line_numbers": (True, False),
    "t06_groups": (3, 2),
    "t07_layout": ("budget_then_final", "item_pairs"),
    "dash_text": ("-", "—"),
    "printed_zeros": (False, False, True),
}

_MAX_EXOTIC_SHARE = 0.75


def balanced_column(shares: tuple[object, ...], count: int, rng: random.Random) -> list[object]:
    """`count` values cycling through `shares` (every value present when count allows), shuffled.

    The cycle starts with the distinct values so that a short corpus still covers them all.
    """
    distinct = list(dict.fromkeys(shares))
    cycle = (
        distinct
        + [value for value in shares if shares.count(value) > 1][: len(shares) - len(distinct)]
    )
    column = [cycle[index % len(cycle)] for index in range(count)]
    rng.shuffle(column)
    return column


def _exotic_count(variants: Variants) -> int:
    defaults = {name: shares[0] for name, shares in VARIANT_SHARES.items()}
    return sum(getattr(variants, name) != value for name, value in defaults.items())


def assign_variants(unit_levels: list[str], seed: int) -> list[Variants]:
    """Variants for a corpus, one per document, given each document's unit level.

    Every field is balanced over the corpus (Latin-square style: each value gets its share)
    and shuffled independently, so values mix; a document never carries more than
    three quarters of the exotic values. header_unit_mismatch goes to about one in twenty
    documents, only where the unit is a 单位 (a department's own header on its unit's file).
    """
    count = len(unit_levels)
    rng = random.Random(seed)
    for _attempt in range(100):
        columns = {
            name: balanced_column(shares, count, rng) for name, shares in VARIANT_SHARES.items()
        }
        documents = [
            Variants(**{name: columns[name][index] for name in VARIANT_SHARES})
            for index in range(count)
        ]
        if all(_exotic_count(v) <= _MAX_EXOTIC_SHARE * len(VARIANT_SHARES) for v in documents):
            break
    unit_documents = [index for index, level in enumerate(unit_levels) if level == "单位"]
    mismatches = max(1, count // 20) if unit_documents else 0
    for index in rng.sample(unit_documents, min(mismatches, len(unit_documents))):
        documents[index] = replace(documents[index], header_unit_mismatch=True)
    return documents
