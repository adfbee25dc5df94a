"""Number and label formatting shared by the tables, the narrative and the ground truth."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal

from juesuan_samples.model import Amount

FEN_PER_WAN = 1_000_000
_CHINESE_DIGITS = "零一二三四五六七八九"


def printed_cents(value: int, amount_unit: str, printed_unit: str) -> int:
    """Cents of the printed unit for a value held in cents of `amount_unit`."""
    if amount_unit == printed_unit:
        return value
    if amount_unit == "万元" and printed_unit == "元":
        return value * 10_000
    if amount_unit == "元" and printed_unit == "万元" and value % 10_000 == 0:
        return value // 10_000  # only a unit slip's amounts (×10000) print so
    raise ValueError(f"cannot print {amount_unit} figures in {printed_unit} exactly")


def format_amount(
    value: Amount,
    *,
    amount_unit: str,
    printed_unit: str,
    thousands: bool,
    no_amount: str,
) -> str:
    """A table cell: "2,946.25", "0.00", or the no-amount text ("" or a dash)."""
    if value is None:
        return no_amount
    cents = printed_cents(value, amount_unit, printed_unit)
    whole, fraction = divmod(cents, 100)
    whole_text = f"{whole:,}" if thousands else str(whole)
    return f"{whole_text}.{fraction:02d}"


def truth_amount(printed: str, printed_unit: str) -> str | None:
    """The ground-truth value of a printed cell, in 万元: None for blank/dash, "0" for a zero.

    万元 cells keep their printed digits ("2946.25"); 元 cells are converted exactly, 元
    cents / 1,000,000, with six decimals ("1244.351234").
    """
    text = printed.strip().replace(",", "")
    if text in ("", "-", "—"):
        return None
    value = Decimal(text)
    if value == 0:
        return "0"
    if printed_unit == "万元":
        return text
    cents = int(value * 100)
    whole, fraction = divmod(cents, FEN_PER_WAN)
    return f"{whole}.{fraction:06d}"


def wan_text(value: int, amount_unit: str) -> str:
    """A figure held in cents of `amount_unit`, as an exact 万元 decimal string."""
    if amount_unit == "万元":
        return f"{value // 100}.{value % 100:02d}"
    whole, fraction = divmod(value, FEN_PER_WAN)
    return f"{whole}.{fraction:06d}"


def narrative_amount(value: int, compact: bool = False) -> str:
    """A figure in running text: "7758.62", or compact "2747.5" / "55" as some writers do."""
    text = f"{value // 100}.{value % 100:02d}"
    if compact:
        text = text.rstrip("0").rstrip(".")
    return text


def percent(part: int, whole: int) -> str:
    """part / whole as a percentage rounded to 0.01, trailing zeros dropped ("28.57", "100")."""
    if whole == 0:
        return "0"
    ratio = (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    text = f"{ratio:.2f}".rstrip("0").rstrip(".")
    return text or "0"


def chinese_number(number: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 26 → 二十六 (ordinals of statement lines and sections)."""
    if number < 10:
        return _CHINESE_DIGITS[number]
    tens, ones = divmod(number, 10)
    tens_text = "" if tens == 1 else _CHINESE_DIGITS[tens]
    return f"{tens_text}十{_CHINESE_DIGITS[ones] if ones else ''}"


def chinese_year(year: int) -> str:
    """2024 → 二〇二四."""
    return "".join("〇" if digit == "0" else _CHINESE_DIGITS[int(digit)] for digit in str(year))


_ORDINAL = re.compile(r"^([一二三四五六七八九十]+、|（[一二三四五六七八九十]+）|\d+[、.])")


def normalise_label(printed: str) -> str:
    """Printed label → truth label: whitespace and line breaks removed, leading ordinal stripped."""
    compact = re.sub(r"\s+", "", printed)
    return _ORDINAL.sub("", compact)


def spaced(text: str) -> str:
    """ "行政运行" → "行 政 运 行" (justified short labels)."""
    return " ".join(text)
