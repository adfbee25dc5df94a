"""Printed amounts: parsing and the exact 元 → 万元 conversion."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import overload

MONEY_UNITS = ("万元", "元")
# Scale to 万元 for each printed unit; Decimal keeps the conversion exact.
_TO_WAN = {"万元": Decimal(1), "元": Decimal("0.0001")}
_NO_AMOUNT = {"", "-", "—", "–", "——", "--", "/"}
_AMOUNT = re.compile(r"^[-−]?\d+(?:\.\d+)?$")
# A cell printing an amount with its decimals ("1,234.56", "-3.10", "(12.30)"), as
# opposed to a code, a line number or a column number.
PRINTED_DECIMAL = re.compile(r"^[-−(]?[\d,]+\.\d{2,}\)?$")
# "单位：万元", also wrapped in a narrow cell ("单位：万\n元").
_MONEY_UNIT_LINE = re.compile(r"(?:金额)?单位\s*[:：]\s*(万\s*元|元)(?![\u4e00-\u9fff])")


class AmountError(ValueError):
    """A cell that should hold an amount holds something else."""


def parse_amount(text: str | None) -> Decimal | None:
    """Parse a printed amount: separators, blanks, dashes, negatives.

    Returns None for "no amount" (blank or a dash); a printed "0.00" is Decimal 0.
    """
    cleaned = re.sub(r"[\s,，]", "", text or "")
    if cleaned in _NO_AMOUNT:
        return None
    if cleaned.startswith("(") and cleaned.endswith(")"):  # accounting negative "(12.30)"
        cleaned = "-" + cleaned[1:-1]
    cleaned = cleaned.replace("−", "-")
    if not _AMOUNT.match(cleaned):
        raise AmountError(f"不是金额：{text!r}")
    try:
        return Decimal(cleaned)
    except InvalidOperation as exc:  # pragma: no cover - the regex admits only valid decimals
        raise AmountError(f"不是金额：{text!r}") from exc


@overload
def to_wan(amount: Decimal, money_unit: str) -> Decimal: ...
@overload
def to_wan(amount: None, money_unit: str) -> None: ...
@overload
def to_wan(amount: Decimal | None, money_unit: str) -> Decimal | None: ...
def to_wan(amount: Decimal | None, money_unit: str) -> Decimal | None:
    """Convert an amount printed in `money_unit` to 万元, exactly."""
    if amount is None:
        return None
    return amount * _TO_WAN[money_unit]


def find_money_unit(text: str) -> str | None:
    """The money unit printed above a table ("金额单位：万元", "单位：元"), if any."""
    match = _MONEY_UNIT_LINE.search(text)
    return re.sub(r"\s", "", match.group(1)) if match else None
