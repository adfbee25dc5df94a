"""Normalisation of printed text: the one place that decides how labels compare."""

from __future__ import annotations

import re
import unicodedata

_WHITESPACE = re.compile(r"\s+")
# Ordinals printed before statement lines: "一、", "十二、", "（一）", "1、", "(3)".
_ORDINAL = re.compile(
    r"^(?:[一二三四五六七八九十百]+[、.．]|[（(][一二三四五六七八九十\d]+[)）]|\d+[、.．])"
)
# A page-number footer, squashed: "- 1 -", "— 1 —", "第1页", "第1页共9页", "1".
PAGE_FOOTER = re.compile(r"^(?:[-—–]*\d+[-—–]*|第\d+页(?:共\d+页)?)$")


def squash(text: str | None) -> str:
    """Remove all whitespace (wrapped cells, spaced-out characters) and fold full-width forms.

    NFKC folds full-width ASCII (（ → (, ： → :) so that labels printed by different
    producers compare equal; CJK characters are unchanged.
    """
    if not text:
        return ""
    return _WHITESPACE.sub("", unicodedata.normalize("NFKC", text))


def strip_ordinal(label: str) -> str:
    """ "二、外交支出" → "外交支出"; applied after `squash`."""
    return _ORDINAL.sub("", label, count=1)


def normalise_label(text: str | None) -> str:
    """The printed row label as stored: no whitespace, no leading ordinal."""
    return strip_ordinal(squash(text))


def fold_quotes(text: str) -> str:
    """Producers print “三公”, "三公" or 「三公」: compare without quotes."""
    return "".join(ch for ch in text if ch not in "\"'“”‘’「」『』")


def fold_quotes_squash(text: str | None) -> str:
    return fold_quotes(squash(text))


# A page's folio printed alone on its line: "19", "- 19 -", "第 19 页", "19/30" (three digits at
# most: a year printed alone, "2024", is no folio).
_FOLIO = re.compile(r"[-—–]*(?:第)?\d{1,3}(?:页)?(?:/\d{1,3}|共\d{1,3}页)?[-—–]*")


def is_folio(line: str) -> bool:
    """Whether a line is only a page number (whitespace ignored)."""
    return bool(_FOLIO.fullmatch(squash(line)))


def folio_free_span(lines: list[str]) -> tuple[int, int]:
    """(start, end) of a page's lines without the page number printed first or last: a
    sentence running onto the next page must not read "支出决算为0" + "19" + "万元" as
    "019万元"."""
    start, end = 0, len(lines)
    if end and is_folio(lines[0]):
        start = 1
    if end > start and is_folio(lines[end - 1]):
        end -= 1
    return start, end


def without_folios(lines: list[str]) -> list[str]:
    start, end = folio_free_span(lines)
    return lines[start:end]
