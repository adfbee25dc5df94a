"""Check outcomes: one per check, document and place, before Great Expectations decides.

The rules build Outcomes through a Collector, which computes the difference, how far the
identity is from holding (the deviation) and the rounding envelope. Whether an outcome
passed is decided afterwards, once, by the family's expectation suite
(pipelines.quality.gx); the severity follows from that verdict and the deviation
(`Outcome.decide`), and the Chinese message is written once both are known (`message`).
A failing identity that rests on a cell the extractor could not read with certainty is
'review' (需人工核对), not 'error': a document is never called wrong for our misreading.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from pipelines.quality.catalogue import CHECKS, Check, Rule
from pipelines.quality.document import NARRATIVE, TABLE_TITLES, Document, Table
from pipelines.quality.text import Box, union_box
from pipelines.quality.tolerance import DEFAULT_TOLERANCE_PER_TERM, Term, envelope, total

# Severities: 'info' exact (or a plausibility check that passed), 'rounding' passed with a
# deviation inside the rounding envelope, 'error' failed by the suite on figures read with
# certainty, 'review' (需人工核对) failed on a figure the extractor is unsure it read right.
INFO, ROUNDING, ERROR, REVIEW = "info", "rounding", "error", "review"


@dataclass(slots=True)
class Outcome:
    """One check at one place of one document.

    Identities carry observed/expected/difference/deviation/tolerance (万元); plausibility
    checks carry `facts` (the columns their expectations read) and their own messages.
    `passed` and `severity` are filled in from the expectation suite's verdict. Family and
    rule are the catalogue entry's (`check`).
    """

    check_name: str
    document_id: str
    source_table: str | None
    source_page: int | None
    location: str | None
    measure: str | None = None
    compared_table: str | None = None
    observed: Decimal | None = None
    expected: Decimal | None = None
    difference: Decimal | None = None
    deviation: Decimal | None = None
    tolerance: Decimal | None = None
    printed_terms: int = 0
    where: str = ""
    observed_label: str = ""
    expected_label: str = ""
    observed_text: str | None = None  # the figure as printed, when not a table's 万元
    expected_text: str | None = None
    pass_message: str = ""
    fail_message: str = ""
    facts: dict[str, Any] = field(default_factory=dict)
    # Why the figures it rests on are unsure, one reason per uncertain cell (Chinese).
    uncertain_reasons: tuple[str, ...] = ()
    # The other document a cross-document identity compares with (the previous year's).
    other_document_id: str | None = None
    # What it refers to on source_page (a cell, a sentence): PDF points, origin bottom-left.
    box: Box | None = None
    passed: bool | None = None
    severity: str | None = None

    @property
    def site(self) -> tuple[str, str | None, str | None]:
        return (self.check_name, self.source_table, self.location)

    @property
    def check(self) -> Check:
        return CHECKS[self.check_name]

    @property
    def family(self) -> str:
        return self.check.family

    @property
    def is_identity(self) -> bool:
        return self.check.rule.is_identity

    def decide(self, passed: bool) -> None:
        """Record the expectation suite's verdict and derive the severity from it."""
        self.passed = passed
        if not passed:
            # the catalogue says how grave a failure read with certainty is ('info' for a
            # template leftover a reviewer should see, 'error' for the rest)
            self.severity = REVIEW if self.uncertain_reasons else self.check.failure_severity
        elif self.is_identity and self.deviation:
            self.severity = ROUNDING
        else:
            self.severity = INFO

    def message(self) -> str:
        if not self.is_identity:
            return self.pass_message if self.passed else self.fail_message
        equality = self.check.rule is Rule.EQUALITY
        if equality:
            relation = "=" if self.difference == 0 else "≠"
        else:
            relation = "<" if self.deviation else "≥"
        observed = self.observed_text or fmt(self.observed)
        expected = self.expected_text or fmt(self.expected)
        text = (
            f"{self.where}：{self.observed_label} {observed} {relation} "
            f"{self.expected_label} {expected}"
        )
        if self.severity == INFO:
            return text + ("，一致" if equality else "，成立")
        verdict = "尾数误差" if self.severity == ROUNDING else "超出尾数误差"
        text = f"{text}，差 {fmt(self.deviation)}（容差 {fmt(self.tolerance)}，{verdict}）"
        if self.severity == REVIEW:
            text += "；需人工核对，所据读数存疑：" + "；".join(self.uncertain_reasons)
        return text


def fmt(value: Decimal | None) -> str:
    """A 万元 amount for a message: thousands kept plain, at least two decimals."""
    if value is None:
        return "空"
    text = format(value.normalize(), "f")
    whole, _, fraction = text.partition(".")
    return f"{whole}.{fraction.ljust(2, '0')}"


def _row_box(table: Table, location: str, page: int | None, measure: str | None) -> Box | None:
    """The box of the row printed at `location` on `page`: its `measure` cell when it has
    one, else all its cells."""
    for row in table.rows:
        if row.location == location and row.page == page:
            cells = [row.cells[measure]] if measure in row.cells else list(row.cells.values())
            return union_box(cell.box for cell in cells if cell.box is not None)
    return None


def table_place(table_id: str | None, location: str | None, measure: str | None = None) -> str:
    """ "支出决算表 2010301 行" — how a message names the place it speaks of."""
    title = TABLE_TITLES.get(table_id or "", NARRATIVE)
    if location is None:
        return title
    place = f"{title} {location}"
    if location not in ("合计", "总计") and not location.endswith(("合计", "总计")):
        place += " 行"
    return f"{place}（{measure}）" if measure else place


class Collector:
    """Gathers a document's outcomes, computing differences and envelopes."""

    def __init__(self, document: Document, per_term: Decimal = DEFAULT_TOLERANCE_PER_TERM):
        self.document = document
        self.per_term = per_term
        self.outcomes: list[Outcome] = []

    def _catalogued(self, check_name: str, identity: bool) -> Check:
        """The catalogue's entry (a check absent from it is a programming error)."""
        check = CHECKS.get(check_name)
        if check is None:
            raise KeyError(f"check {check_name!r} is not in pipelines/quality/catalogue.py")
        if check.rule.is_identity is not identity:
            kind = "an identity" if check.rule.is_identity else "a plausibility check"
            raise ValueError(f"check {check_name!r} is {kind} in the catalogue")
        return check

    def identity(
        self,
        check_name: str,
        source_table: str | None,
        location: str,
        observed: Sequence[Term],
        expected: Sequence[Term],
        *,
        where: str,
        observed_label: str,
        expected_label: str,
        measure: str | None = None,
        compared_table: str | None = None,
        page: int | None = None,
        box: Box | None = None,
    ) -> Outcome | None:
        """observed = expected (or observed ≥ expected, as the catalogue's rule says),
        within the rounding envelope of every printed term on both sides.

        The outcome's box is `box`, else the union of the observed figures' boxes on its
        page (the cell the identity speaks of)."""
        check = self._catalogued(check_name, identity=True)
        terms = [*observed, *expected]
        printed = [term for term in terms if term.printed]
        if not printed:
            return None  # nothing printed on either side: nothing to check
        observed_value, expected_value = total(observed), total(expected)
        difference = observed_value - expected_value
        # an equality's deviation is |difference|; an inequality's, its shortfall
        shortfall = max(Decimal(0), -difference)
        deviation = abs(difference) if check.rule is Rule.EQUALITY else shortfall
        if page is None:
            page = next((t.page for t in observed if t.page is not None), None)
        if page is None:
            page = next((t.page for t in terms if t.page is not None), None)
        if box is None:
            box = union_box([t.box for t in observed if t.page == page and t.box is not None])
        outcome = Outcome(
            check_name=check_name,
            document_id=self.document.document_id,
            source_table=source_table,
            source_page=page,
            location=location,
            measure=measure,
            compared_table=compared_table,
            observed=observed_value,
            expected=expected_value,
            difference=difference,
            deviation=deviation,
            tolerance=envelope(terms, self.per_term),
            printed_terms=len(printed),
            # a printed figure read unsurely, or a blank of a table whose figures were
            # printed but not read (Table.unread)
            uncertain_reasons=tuple(
                dict.fromkeys(
                    f"{table_place(t.table, None)}第{t.page}页 {t.uncertain_reason}"
                    for t in terms
                    if t.uncertain_reason
                )
            ),
            where=where,
            observed_label=observed_label,
            expected_label=expected_label,
            box=box,
        )
        self.outcomes.append(outcome)
        return outcome

    def plausibility(
        self,
        check_name: str,
        table: Table | None,
        location: str | None,
        facts: dict[str, Any],
        *,
        page: int | None,
        pass_message: str,
        fail_message: str,
        measure: str | None = None,
        observed: Decimal | None = None,
        expected: Decimal | None = None,
        compared_table: str | None = None,
        box: Box | None = None,
    ) -> Outcome:
        """A plausibility verdict at `page`; `box` is what it refers to there, by default
        the row of `table` at `location` on that page (its `measure` cell, when it has one)."""
        self._catalogued(check_name, identity=False)
        if box is None and table is not None and location is not None:
            box = _row_box(table, location, page, measure)
        difference = None
        if observed is not None and expected is not None:
            difference = observed - expected
        outcome = Outcome(
            check_name=check_name,
            document_id=self.document.document_id,
            source_table=None if table is None else table.table_id,
            source_page=page,
            location=location,
            measure=measure,
            compared_table=compared_table,
            observed=observed,
            expected=expected,
            difference=difference,
            pass_message=pass_message,
            fail_message=fail_message,
            facts=facts,
            box=box,
        )
        self.outcomes.append(outcome)
        return outcome
