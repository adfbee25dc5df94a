"""The narrative's sentences as the checks read them, from the document's printed lines.

Pure: printed lines in, statements out, each with where it is printed (page and box, by
pipelines.quality.text). The wordings are the pattern table's (pipelines/domain/
narrative_patterns.toml): budget-against-final statements (五(三), 七, 八), year-over-year
changes, shares of a total, counts (vehicles; 三公 groups and persons), and template
leftovers. Nothing here judges a figure.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import cache

from pipelines.domain.narrative import amount_of, compile_pattern, figure_specs, pattern_table
from pipelines.domain.text import PAGE_FOOTER, fold_quotes_squash
from pipelines.quality.text import Box, FoldedText, PageLine
from pipelines.quality.tolerance import Term, printed_decimals

_AMOUNT = compile_pattern("{X:figure}")
# A 项 code printed with its name ("行政运行（2010301）"), not the digits of an amount
_SUBJECT_CODE = re.compile(r"(?<![\d.,])(2\d{6})(?![\d.,]|万元|元)")
_PART_THREE = "第三部分"
_PART_FOUR = "第四部分"
# A section heading of the narrative: "五、一般公共预算财政拨款支出决算情况说明"
_HEADING = re.compile(r"[一二三四五六七八九十]{1,3}、[^。、]{2,40}?情况(?:说明)?")
_ITEM_AT_LINE = re.compile(r"\d{1,2}、|\(\d{1,2}\)")
# The sections whose budget statements restate a table's rows, by a word of their heading
SECTION_TABLES = (
    ("三公", "T07"),
    ("政府性基金", "T08"),
    ("国有资本经营", "T09"),
    ("一般公共预算", "T05"),
)


@dataclass(frozen=True)
class Figure:
    """An amount as printed in a sentence."""

    amount: Decimal  # 万元
    digits: str  # as printed, without the unit ("2,946.25")
    unit: str  # 万元 or 元

    @property
    def decimals(self) -> int:
        return printed_decimals(self.digits)

    @property
    def half_unit(self) -> Decimal:
        """How far the printed figure may be from the true one (万元): the rounding rule's."""
        return Term(self.amount, self.unit, self.decimals).half_unit()

    @property
    def printed(self) -> str:
        return f"{self.digits}{self.unit}"


@dataclass(frozen=True)
class Percentage:
    digits: str

    @property
    def value(self) -> Decimal:
        return Decimal(self.digits)

    @property
    def half_unit(self) -> Decimal:
        """Half a unit of its last printed digit, in percentage points."""
        return Term(self.value, "%", printed_decimals(self.digits)).half_unit()


@dataclass(frozen=True)
class Place:
    page: int
    box: Box
    text: str  # the folded sentence it refers to


@dataclass(frozen=True)
class BudgetStatement:
    """ "…年初预算为 X 万元，支出决算为 Y 万元，完成年初预算的 Z%。决算数大于预算数的
    主要原因是…" """

    subject: str  # the folded words before the statement, from its item or heading
    path: tuple[str, str, str] | None  # 类, 款, 项 names, when printed as a path
    code: str | None  # a 7-digit subject code printed with it
    table: str | None  # the table its section restates (T05, T07, T08, T09)
    budget: Figure
    final: Figure
    rate: Percentage | None
    relation: str | None  # what the words say of final against budget: > < = ~
    words: str | None  # the words that say it
    reason: str | None  # the reason given, stripped (may be empty)
    place: Place


@dataclass(frozen=True)
class ChangeStatement:
    """ "与 2019 年度相比，X 增加 A 万元，增长 B%" after a figure F."""

    # what F is: the pattern table's figure name (收入支出总计 …), else the words naming it
    figure_name: str | None
    figure: Figure | None  # F: the amount stated last before the change
    increase: bool
    change: Figure
    rate: Percentage
    against_budget: bool  # "比年初预算数减少…": not a year-over-year change
    place: Place
    # F is stated in the change's own sentence (not in the one before)
    figure_in_sentence: bool = True


@dataclass(frozen=True)
class ShareStatement:
    """ "本年收入合计 T 万元，其中：财政拨款收入 A 万元，占 p%" """

    whole_name: str
    whole: Figure | None  # None when the whole is named only ("占本年支出合计的 p%")
    part_name: str
    part: Figure
    share: Percentage
    place: Place
    list_size: int = 1  # the parts of its list ("其中：" …)
    balanced: bool = False  # the list's printed shares add up to 100%


@dataclass(frozen=True)
class CountStatement:
    """ "共有车辆 6 辆，其中：…用车 0 辆、其他用车 6 辆" """

    total: int
    parts: tuple[tuple[str, int], ...]
    place: Place


@dataclass(frozen=True)
class Count:
    """A count as printed: "59 批次", "381 人次", "1,024 人"."""

    number: int
    unit: str

    @property
    def printed(self) -> str:
        return f"{self.number}{self.unit}"


@dataclass(frozen=True)
class VisitCount:
    """ "共计接待 59 批次，381 人次（含外事接待 2 批次、13 人次）": groups (团组, 批次) and the
    persons they count, with a count contained in them when one is stated."""

    what: str  # 因公出国（境）, 公务接待, 国内接待 (the pattern table's `what` or `items`)
    groups_word: str  # 团组, 批次
    groups: Count
    persons: Count
    part: str | None  # the contained count's name (外事接待), None when none is stated
    part_groups: Count | None
    part_persons: Count | None
    place: Place


@dataclass(frozen=True)
class Leftover:
    what: str  # the kind, in Chinese
    text: str  # as matched (folded)
    place: Place


def _compiled(key: str, section: str = "budget") -> re.Pattern[str]:
    return compile_pattern(pattern_table()[section][key])


@cache
def _patterns() -> dict[str, re.Pattern[str]]:
    table = pattern_table()
    return {
        "statement": _compiled("statement"),
        "rate": _compiled("rate"),
        "item_start": _compiled("item_start"),
        "subject_path": _compiled("subject_path"),
        "reason": _compiled("reason"),
        "change": _compiled("statement", "change"),
        "list_head": _compiled("list_head", "share"),
        "part": _compiled("part", "share"),
        "named": _compiled("named", "share"),
        "leftovers": re.compile(
            "|".join(
                f"(?P<l{i}>{row['pattern']})"
                for i, row in enumerate(table["template"]["leftovers"])
            )
        ),
    }


@cache
def _words() -> tuple[tuple[re.Pattern[str], str], ...]:
    return tuple(
        (compile_pattern(row["pattern"]), row["relation"])
        for row in pattern_table()["budget"]["words"]
    )


def level_share() -> Decimal:
    """How far apart budget and final may be for words saying they are 持平."""
    return Decimal(str(pattern_table()["budget"]["level_share"]))


def _figure(match: re.Match[str], name: str) -> Figure:
    digits, unit = match.group(name), match.group(f"{name}_unit")
    return Figure(amount_of(digits, unit), digits, unit)


def printed_lines(lines: Sequence[PageLine]) -> list[PageLine]:
    """The lines that print text, not a page number footer."""
    return [line for line in lines if not PAGE_FOOTER.match(fold_quotes_squash(line.text))]


def narrative_lines(lines: Sequence[PageLine], after_page: int) -> list[PageLine]:
    """The 情况说明 part: from its 第三部分 heading after the tables to 第四部分 (all the
    lines after the tables when no such heading is printed)."""
    later = [line for line in printed_lines(lines) if line.page > after_page]
    folded = [fold_quotes_squash(line.text) for line in later]
    start = next((i for i, text in enumerate(folded) if _PART_THREE in text), 0)
    end = next(
        (i for i in range(start + 1, len(later)) if folded[i].startswith(_PART_FOUR)), len(later)
    )
    return later[start:end]


def _place(text: FoldedText, start: int, end: int) -> Place:
    found = text.matched(_span(text.text, start, end))
    assert found is not None
    return Place(found.page, found.box, found.text)


def _span(text: str, start: int, end: int) -> re.Match[str]:
    """A match object over exactly [start, end) of `text` (what FoldedText places)."""
    match = re.compile(r"(?s).+").match(text, start, end)
    assert match is not None
    return match


def _line_starts(text: FoldedText) -> set[int]:
    """Offsets of `text` where a printed line begins."""
    line_of = text.line_of
    return {i for i in range(len(line_of)) if i == 0 or line_of[i] != line_of[i - 1]}


def _headings(text: FoldedText) -> list[re.Match[str]]:
    """Section headings ("五、…情况说明"): at the start of a line, or after a sentence."""
    starts = _line_starts(text)
    return [
        m
        for m in _HEADING.finditer(text.text)
        if m.start() in starts or (m.start() > 0 and text.text[m.start() - 1] in "。:;)")
    ]


def _boundaries(text: FoldedText) -> list[int]:
    """Where items ("1、", "(1)") and headings start: a statement's words end there."""
    starts = {m.start() for m in _patterns()["item_start"].finditer(text.text)}
    line_starts = _line_starts(text)
    starts |= {m.start() for m in _ITEM_AT_LINE.finditer(text.text) if m.start() in line_starts}
    starts |= {m.start() for m in _headings(text)}
    return sorted(starts | {len(text.text)})


def _next_boundary(boundaries: list[int], offset: int) -> int:
    return next(b for b in boundaries if b > offset)


def _previous_boundary(boundaries: list[int], offset: int) -> int:
    return max((b for b in boundaries if b <= offset), default=0)


def _section_table(headings: list[re.Match[str]], offset: int) -> str | None:
    """The table the section holding `offset` restates, by a word of its heading."""
    heading = next((m.group(0) for m in reversed(headings) if m.start() < offset), None)
    if heading is None:
        return None
    return next((table for word, table in SECTION_TABLES if word in heading), None)


def _relation(words_text: str) -> tuple[str | None, str | None, int]:
    """The first comparison the words make: (relation, words, end offset in words_text)."""
    best: tuple[int, str, str, int] | None = None
    for pattern, relation in _words():
        match = pattern.search(words_text)
        if match and (best is None or match.start() < best[0]):
            best = (match.start(), relation, match.group(0), match.end())
    if best is None:
        return None, None, 0
    return best[1], best[2], best[3]


def budget_statements(text: FoldedText) -> list[BudgetStatement]:
    """Every "年初预算为 X，支出决算为 Y" statement, with its subject, rate, words and reason."""
    patterns = _patterns()
    boundaries = _boundaries(text)
    headings = _headings(text)
    matches = list(patterns["statement"].finditer(text.text))
    statements = []
    for index, match in enumerate(matches):
        item_start = _previous_boundary(boundaries, match.start())
        # the words that belong to it: to the next item, heading or statement
        end = _next_boundary(boundaries, match.end())
        if index + 1 < len(matches):
            end = min(end, matches[index + 1].start())
        subject = text.text[item_start : match.start()]
        tail = text.text[match.end() : end]
        rate_match = patterns["rate"].search(tail)
        relation, words, words_end = _relation(tail)
        reason = None
        if words is not None:
            reason_match = patterns["reason"].search(tail, words_end)
            if reason_match is None:
                reason_match = patterns["reason"].search(tail)
            if reason_match is not None:
                reason = reason_match.group("reason").strip(",:;")
        path_match = patterns["subject_path"].search(subject)
        code = _SUBJECT_CODE.search(subject[-60:])
        statements.append(
            BudgetStatement(
                subject=subject,
                path=None
                if path_match is None
                else (
                    path_match.group("class"),
                    path_match.group("section"),
                    path_match.group("item"),
                ),
                code=None if code is None else code.group(1),
                table=_section_table(headings, match.start()),
                budget=_figure(match, "budget"),
                final=_figure(match, "final"),
                rate=None if rate_match is None else Percentage(rate_match.group("rate")),
                relation=relation,
                words=words,
                reason=reason,
                place=_place(text, match.start(), end),
            )
        )
    return statements


def _figure_before(text: str, offset: int) -> tuple[str | None, Figure | None, int]:
    """The amount stated last before `offset`, in its sentence or the one before, the
    table figure (pattern table `figures`) it is, when one of their patterns ends there,
    and where it is stated (-1: nowhere)."""
    end_of_previous = text.rfind("。", 0, offset)
    window_start = text.rfind("。", 0, end_of_previous) + 1 if end_of_previous >= 0 else 0
    amounts = list(_AMOUNT.finditer(text, window_start, offset))
    if not amounts:
        return None, None, -1
    last = amounts[-1]
    for spec in figure_specs():
        for pattern in spec.patterns:
            for match in pattern.finditer(text, max(0, window_start - 60), last.end()):
                if match.end(2) == last.end():
                    return spec.name, _figure(last, "figure"), last.start()
    return _label_before(text[window_start : last.start()]), _figure(last, "figure"), last.start()


def _label_before(words: str) -> str | None:
    """The words that name an amount: its clause, without numbering or the year
    ("2、项目支出" → 项目支出)."""
    clause = re.split(r"[。,;:、)]", words)[-1]
    clause = re.split(r"\d{4}年度?", clause)[-1].strip()
    return clause[-20:] or None


def change_statements(text: FoldedText) -> list[ChangeStatement]:
    statements = []
    for match in _patterns()["change"].finditer(text.text):
        name, figure, stated_at = _figure_before(text.text, match.start())
        verb = match.group("verb")
        sentence_start = text.text.rfind("。", 0, match.start())
        statements.append(
            ChangeStatement(
                figure_name=name,
                figure=figure,
                increase=verb in ("增加", "增长"),
                change=_figure(match, "change"),
                rate=Percentage(match.group("rate")),
                against_budget="预算" in match.group(0)[:12],
                place=_place(text, match.start(), match.end()),
                figure_in_sentence=stated_at > sentence_start,
            )
        )
    return statements


def share_statements(text: FoldedText) -> list[ShareStatement]:
    patterns = _patterns()
    boundaries = _boundaries(text)
    statements = []
    for head in patterns["list_head"].finditer(text.text):
        # the list ends with its sentence, or where the next heading or item begins
        stop = text.text.find("。", head.end())
        sentence_end = min(
            len(text.text) if stop < 0 else stop, _next_boundary(boundaries, head.end())
        )
        whole = _figure(head, "whole")
        parts = list(patterns["part"].finditer(text.text, head.end(), sentence_end))
        printed_total = sum((Percentage(p.group("share")).value for p in parts), Decimal(0))
        slack = sum((Percentage(p.group("share")).half_unit for p in parts), Decimal(0))
        for part in parts:
            statements.append(
                ShareStatement(
                    whole_name=head.group("head"),
                    whole=whole,
                    part_name=part.group("part").strip(",;:"),
                    part=_figure(part, "amount"),
                    share=Percentage(part.group("share")),
                    place=_place(text, part.start(), part.end()),
                    list_size=len(parts),
                    balanced=len(parts) > 1 and abs(printed_total - 100) <= slack,
                )
            )
    for named in patterns["named"].finditer(text.text):
        statements.append(
            ShareStatement(
                whole_name=named.group("whole"),
                whole=None,
                # the figure's name, not the heading run into it ("…总体情况一般公共…")
                part_name=re.split(r"情况(?:说明)?|年度", named.group("part"))[-1],
                part=_figure(named, "amount"),
                share=Percentage(named.group("share")),
                place=_place(text, named.start(), named.end()),
            )
        )
    return statements


def vehicle_counts(text: FoldedText) -> list[CountStatement]:
    """Every "共有车辆 N 辆，其中 …" with its kinds. A list whose kinds are separated by
    "，" as well as "、" ("…离退休干部用车0辆，其他用车1辆", 苏州, 泉州 budgets) is read to
    its end: a kind left unread would make a correct total look wrong."""
    counts = pattern_table()["counts"]
    part = re.compile(counts["part"])
    # a kind after a "，" is read only when named as a kind is (…用车 N 辆), never an
    # explanation after the list ("…其他用车主要是…各有 3 辆")
    more = re.compile(r"[,、](?P<name>[^。;,、\d]{1,20}?用车)(?P<count>\d+)辆")
    statements = []
    for match in re.finditer(counts["vehicles"], text.text):
        parts = [
            (found.group("name"), int(found.group("count")))
            for found in part.finditer(match.group("parts"))
        ]
        end = match.end()
        while (following := more.match(text.text, end)) is not None:
            parts.append((following.group("name"), int(following.group("count"))))
            end = following.end()
        if text.text.startswith("、", end):
            continue  # the list goes on past a kind we cannot read (a page footer in it)
        statements.append(
            CountStatement(
                int(match.group("total")), tuple(parts), _place(text, match.start(), end)
            )
        )
    return statements


def _count(match: re.Match[str], name: str) -> Count:
    return Count(int(match.group(name).replace(",", "")), match.group(f"{name}_unit"))


def _visit_item(text: str, start: int, default: str) -> str:
    """The item the sentence holding `start` names before it (国内接待), else `default`."""
    sentence = text[max(text.rfind("。", 0, start), text.rfind(";", 0, start)) + 1 : start]
    named = [
        (match.end(), row["name"])
        for row in pattern_table()["visits"]["items"]
        for match in re.finditer(row["pattern"], sentence)
    ]
    return max(named)[1] if named else default


def visit_counts(text: FoldedText) -> list[VisitCount]:
    """Every 三公 count of groups and persons (pattern table `visits`), in reading order.
    A contained count ("含外事接待 2 批次、13 人次") is read with its pair, never as a pair."""
    visits = pattern_table()["visits"]
    contained = re.compile(visits["contained"])
    found: list[tuple[int, VisitCount]] = []
    inside: list[tuple[int, int]] = []  # the spans of contained counts
    for row in visits["pairs"]:
        for match in re.finditer(row["pattern"], text.text):
            part = contained.match(text.text, match.end())
            end = match.end()
            if part is not None:
                end = part.end()
                inside.append((part.start(), part.end()))
            found.append(
                (
                    match.start(),
                    VisitCount(
                        _visit_item(text.text, match.start(), row["what"]),
                        row["groups"],
                        _count(match, "groups"),
                        _count(match, "persons"),
                        None if part is None else part.group("part"),
                        None if part is None else _count(part, "groups"),
                        None if part is None else _count(part, "persons"),
                        _place(text, match.start(), end),
                    ),
                )
            )
    return [
        visit
        for start, visit in sorted(found, key=lambda item: item[0])
        if not any(low <= start < high for low, high in inside)
    ]


def leftovers(lines: Sequence[PageLine]) -> list[Leftover]:
    """Template words never filled in or removed, and doubled punctuation, anywhere."""
    rows = pattern_table()["template"]["leftovers"]
    found = []
    text = FoldedText.of(printed_lines(lines))
    for match in text.finditer(_patterns()["leftovers"]):
        kind = next(
            int(name[1:]) for name, value in match.match.groupdict().items() if value is not None
        )
        found.append(
            Leftover(rows[kind]["what"], match.text, Place(match.page, match.box, match.text))
        )
    return found
