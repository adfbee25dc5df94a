"""The rounding rule (尾数误差): how far apart two sides of an identity may be.

Every printed figure is rounded to its last printed digit, so each printed term of an
identity may be off by half a unit of that digit. The envelope of an identity is the sum
of those half-units over the printed terms on both sides, each converted to 万元 from the
unit it was printed in:

- a table figure printed in 万元 with 2 decimals contributes 0.005 万元 (the configurable
  per-term allowance), one printed in 元 contributes 0.005 元 = 0.0000005 万元;
- a narrative figure contributes half a unit of its own last printed digit: "2747.5万元"
  0.05 万元, "0万元" 0.5 万元, "105040931.65元" 0.0000005 万元 (the allowance scaled
  from two decimals to the printed ones);
- a blank cell is not a printed term and contributes nothing.

Whether an identity holds within its envelope is decided by the Great Expectations suites
(pipelines.quality.gx), never here. Pure functions: the engine and the tests share them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from decimal import Decimal

DEFAULT_TOLERANCE_PER_TERM = Decimal("0.005")
TABLE_DECIMALS = 2  # tables print money with two decimals, the allowance's reference
WAN = "万元"
YUAN = "元"
_WAN_PER_UNIT = {WAN: Decimal(1), YUAN: Decimal("0.0001")}


def wan_per_unit(unit: str | None) -> Decimal:
    """How many 万元 one printed unit is (a table whose unit is unknown counts as 万元)."""
    return _WAN_PER_UNIT.get(unit or WAN, Decimal(1))


@dataclass(frozen=True)
class Term:
    """One figure taking part in an identity, as printed.

    amount: the figure in 万元, None when the cell is blank or absent (then it counts as
    zero and is not a printed term). unit: the unit it was printed in. decimals: how many
    decimals were printed. sign: +1, or -1 for a subtracted term (年初 + 收入 − 支出).
    page/table/box: where it is printed, for provenance. uncertain_reason: why the extractor
    is unsure it read the figure right (None when both its readings agree).
    """

    amount: Decimal | None
    unit: str = WAN
    decimals: int = TABLE_DECIMALS
    sign: int = 1
    page: int | None = None
    table: str | None = None
    uncertain_reason: str | None = None
    # Where it is printed on `page`: (x0, y0, x1, y1), PDF points, origin bottom-left.
    box: tuple[float, float, float, float] | None = None

    @property
    def printed(self) -> bool:
        return self.amount is not None

    @property
    def value(self) -> Decimal:
        return Decimal(0) if self.amount is None else self.sign * self.amount

    def negated(self) -> Term:
        return replace(self, sign=-self.sign)

    def half_unit(self, per_term: Decimal = DEFAULT_TOLERANCE_PER_TERM) -> Decimal:
        """The rounding this printed term may carry, in 万元 (zero when blank)."""
        if not self.printed:
            return Decimal(0)
        scale = Decimal(10) ** (TABLE_DECIMALS - self.decimals)
        return per_term * scale * wan_per_unit(self.unit)


def total(terms: Iterable[Term]) -> Decimal:
    return sum((term.value for term in terms), Decimal(0))


def envelope(terms: Iterable[Term], per_term: Decimal = DEFAULT_TOLERANCE_PER_TERM) -> Decimal:
    """The rounding envelope of an identity over all its terms, both sides."""
    return sum((term.half_unit(per_term) for term in terms), Decimal(0))


def printed_decimals(text: str) -> int:
    """Decimals printed in a figure's text: "2747.5" → 1, "0" → 0, "1,244.35" → 2."""
    digits = text.strip()
    return len(digits.split(".", 1)[1]) if "." in digits else 0
