"""The narrative's (第三部分 情况说明) figures and sentences: the pattern table and one search.

The patterns are data (narrative_patterns.toml beside this file): adding a figure the
narrative restates, a wording of a budget comparison or a template leftover is one line
there. Extraction (pipelines.extract.narrative) reads the restated figures with them; the
quality rules (pipelines.quality.rules_narrative*) read the sentences with them.

Patterns run on folded text (pipelines.domain.text.fold_quotes_squash: no whitespace,
NFKC, no quotes) joined across lines and pages, because sentences wrap anywhere, even
inside a word (pipelines.quality.text.FoldedText keeps where each character is printed).
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from pipelines.domain.amounts import to_wan

PATTERNS_FILE = Path(__file__).with_name("narrative_patterns.toml")

# An amount and its unit: 万元 mostly, 元 in some files; decimals optional ("55万元"),
# thousands separated by commas only in groups of three (a folded "，" is a comma too).
AMOUNT = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
MONEY_UNIT = r"万元|元"
PERCENT = r"\d+(?:\.\d+)?"
_PLACEHOLDER = re.compile(r"\{(X|P|SKIP)(?::(\w+))?\}")


def expand(pattern: str) -> str:
    """A pattern of the table with its placeholders replaced by regular expressions.

    {X}: an amount and its unit as groups 1 and 2 (the figures' patterns use one each);
    {X:name}: the same as groups `name` and `name_unit`; {P:name}: a percentage's digits
    as group `name`; {SKIP}: an amount and its unit, not captured.
    """

    def replace(match: re.Match[str]) -> str:
        kind, name = match.group(1), match.group(2)
        if kind == "SKIP":
            return f"(?:{AMOUNT})(?:{MONEY_UNIT})"
        if kind == "P":
            return f"(?P<{name}>{PERCENT})"
        if name is None:
            return f"({AMOUNT})({MONEY_UNIT})"
        return f"(?P<{name}>{AMOUNT})(?P<{name}_unit>{MONEY_UNIT})"

    return _PLACEHOLDER.sub(replace, pattern)


def compile_pattern(pattern: str) -> re.Pattern[str]:
    return re.compile(expand(pattern))


def amount_of(digits: str, unit: str) -> Decimal:
    """A printed amount in 万元, exactly ("2,946.25", "万元"; "105040931.65", "元")."""
    return to_wan(Decimal(digits.replace(",", "")), unit)


@cache
def pattern_table() -> dict[str, Any]:
    """The pattern table, parsed once."""
    with PATTERNS_FILE.open("rb") as handle:
        return tomllib.load(handle)


@dataclass(frozen=True)
class FigureSpec:
    """A figure the narrative restates, as one line of the table describes it."""

    name: str
    table: str  # the table it restates ("" when checked otherwise)
    reads: str  # what of that table (pipelines.quality.rules_narrative.TABLE_READERS)
    label: str  # how a message names the table's figure
    patterns: tuple[re.Pattern[str], ...]


@cache
def figure_specs() -> tuple[FigureSpec, ...]:
    return tuple(
        FigureSpec(
            row["name"],
            row["table"],
            row["reads"],
            row["label"],
            tuple(compile_pattern(p) for p in row["patterns"]),
        )
        for row in pattern_table()["figures"]
    )


@dataclass(frozen=True)
class FoundFigure:
    name: str
    amount: Decimal  # 万元
    start: int  # the amount's span in the folded text
    end: int
    context: str  # the words before it, the figure, and the two characters after


# Characters kept around a figure as its context: the words before name it, the two
# after close the clause.
CONTEXT_BEFORE_CHARS = 10
CONTEXT_AFTER_CHARS = 2


def find_figures(text: str) -> list[FoundFigure]:
    """Every figure of the table the text states: per figure, the first pattern that
    matches, at its first match."""
    found = []
    for spec in figure_specs():
        for pattern in spec.patterns:
            match = pattern.search(text)
            if match:
                context = text[
                    max(0, match.start() - CONTEXT_BEFORE_CHARS) : match.end() + CONTEXT_AFTER_CHARS
                ]
                amount = amount_of(match.group(1), match.group(2))
                found.append(FoundFigure(spec.name, amount, match.start(1), match.end(2), context))
                break
    return found
