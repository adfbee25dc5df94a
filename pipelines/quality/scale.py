"""Scale bounds: a table printed in 元 under a 万元 header (or the reverse).

Such a slip multiplies every figure of one table by 10,000 (or 1/10,000), so each
identity joining that table to another one, or to the narrative, is off by a ratio of
about 10⁴ while the table's own identities still hold. The figures that must be equal
across the document form a graph (tables and the narrative are nodes, each identity
an edge with the log₁₀ ratio of its two sides); we look for the scale exponents
(0, +4 or −4 per table; the narrative always 0) that make the most edges agree,
preferring fewer slipped tables. A table with exponent ≠ 0 is reported as
scale_outlier at that table (location NULL); every table with at least one comparable
figure gets an outcome.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property

from pipelines.quality.document import TABLE_IDS, Document, Table
from pipelines.quality.outcomes import Collector, fmt, table_place
from pipelines.quality.rules_across import subject_total_terms, t06_basic_terms
from pipelines.quality.rules_narrative import NARRATIVE_FIGURES
from pipelines.quality.rules_within import FLOW_SPENT, is_flow_layout
from pipelines.quality.statements import EXPENSE, INCOME, statement_side
from pipelines.quality.tolerance import total

NARRATIVE_NODE = "narrative"
SLIP_EXPONENT = 4  # 元 vs 万元
SUSPECT_LOG_RATIO = 3  # a pair 1000× apart makes both its tables candidates
AGREEMENT = 1.0  # an edge agrees with a labelling when within a factor of 10
MAX_CANDIDATES = 6  # 3⁶ labellings; more slipped tables than that is not a slip


@dataclass(frozen=True)
class ScaleEdge:
    """Two figures that must be equal: a table's, and another table's or the narrative's."""

    table: str
    figure: Decimal
    label: str
    other: str
    other_figure: Decimal
    other_label: str

    @cached_property
    def log_ratio(self) -> float:
        """Computed once: infer_scales reads it for every edge of every labelling."""
        return math.log10(abs(self.figure) / abs(self.other_figure))


Figure = Callable[[Table], Decimal]


def _statement(side: str, grand: bool, column: str | None = None) -> Figure:
    def figure(table: Table) -> Decimal:
        structure = statement_side(table, side)
        row = structure.grand if grand else structure.subtotal
        return table.term(row, column or structure.first_column or "决算数").value

    return figure


def _subject(column: str) -> Figure:
    return lambda table: total(subject_total_terms(table, column))


def _t09_spent(table: Table) -> Decimal:
    return _subject(FLOW_SPENT if is_flow_layout(table) else "合计")(table)


def _t06_basic(table: Table) -> Decimal:
    return total(t06_basic_terms(table))


# (table, figure, label) = (table, figure, label): identities joining two tables' totals
TABLE_PAIRS: tuple[tuple[str, Figure, str, str, Figure, str], ...] = (
    ("T01", _statement(INCOME, False), "本年收入合计", "T02", _subject("本年收入合计"), "合计"),
    ("T01", _statement(EXPENSE, False), "本年支出合计", "T03", _subject("本年支出合计"), "合计"),
    (
        "T02",
        _subject("财政拨款收入"),
        "财政拨款收入",
        "T04",
        _statement(INCOME, False),
        "本年收入合计",
    ),
    (
        "T04",
        _statement(EXPENSE, False, "一般公共预算"),
        "本年支出合计（一般公共预算）",
        "T05",
        _subject("合计"),
        "合计",
    ),
    (
        "T04",
        _statement(EXPENSE, False, "政府性基金预算"),
        "本年支出合计（政府性基金预算）",
        "T08",
        _subject(FLOW_SPENT),
        "本年支出合计",
    ),
    (
        "T04",
        _statement(EXPENSE, False, "国有资本经营预算"),
        "本年支出合计（国有资本经营预算）",
        "T09",
        _t09_spent,
        "合计",
    ),
    ("T03", _subject("基本支出"), "基本支出合计", "T05", _subject("基本支出"), "基本支出合计"),
    ("T05", _subject("基本支出"), "基本支出合计", "T06", _t06_basic, "人员经费合计 + 公用经费合计"),
)


def scale_edges(document: Document) -> list[ScaleEdge]:
    """Every comparable pair of non-zero figures of the document."""
    edges = []
    for table_id, figure, label, other_id, other_figure, other_label in TABLE_PAIRS:
        if not document.present(table_id, other_id):
            continue
        a = figure(document.table(table_id))
        b = other_figure(document.table(other_id))
        if a and b:
            edges.append(ScaleEdge(table_id, a, label, other_id, b, other_label))
    for name, (table_id, table_figure, table_label) in NARRATIVE_FIGURES.items():
        stated = document.narrative.get(name)
        if stated is None or not stated.amount or not document.present(table_id):
            continue
        a = total(table_figure(document.table(table_id)))
        if a:
            label = table_label.split(" ", 1)[-1]
            edges.append(ScaleEdge(table_id, a, label, NARRATIVE_NODE, stated.amount, name))
    return edges


def infer_scales(edges: list[ScaleEdge]) -> dict[str, int]:
    """Each table's scale exponent (0 when in line with the rest), narrative fixed at 0."""
    suspects: dict[str, int] = {}
    for edge in edges:
        if abs(edge.log_ratio) >= SUSPECT_LOG_RATIO:
            for node in (edge.table, edge.other):
                if node != NARRATIVE_NODE:
                    suspects[node] = suspects.get(node, 0) + 1
    if not suspects:
        return {}
    candidates = sorted(suspects, key=lambda t: (-suspects[t], t))[:MAX_CANDIDATES]

    def cost(labels: dict[str, int]) -> tuple[int, int, int]:
        disagreeing = sum(
            abs(edge.log_ratio - (labels.get(edge.table, 0) - labels.get(edge.other, 0)))
            >= AGREEMENT
            for edge in edges
        )
        slipped = [table for table, exponent in labels.items() if exponent]
        # ties: blame the later table (T01's totals are the document's anchor)
        return disagreeing, len(slipped), -sum(TABLE_IDS.index(t) for t in slipped)

    options = (0, SLIP_EXPONENT, -SLIP_EXPONENT)
    labellings = (
        dict(zip(candidates, choice, strict=True))
        for choice in itertools.product(options, repeat=len(candidates))
    )
    best = min(labellings, key=cost)
    return {table: exponent for table, exponent in best.items() if exponent}


def scale_rules(c: Collector, document: Document) -> None:
    edges = scale_edges(document)
    exponents = infer_scales(edges)
    for table_id in TABLE_IDS:
        table = document.table(table_id)
        mine = [edge for edge in edges if table_id in (edge.table, edge.other)]
        if not mine:
            continue
        exponent = exponents.get(table_id, 0)
        worst = max(mine, key=lambda edge: abs(edge.log_ratio))
        if worst.table == table_id:
            observed, label = worst.figure, worst.label
            expected, other_id, other_label = worst.other_figure, worst.other, worst.other_label
        else:
            observed, label = worst.other_figure, worst.other_label
            expected, other_id, other_label = worst.figure, worst.table, worst.label
        other_title = "情况说明" if other_id == NARRATIVE_NODE else table_place(other_id, None)
        title = table_place(table_id, None)
        if exponent > 0:
            suspicion = "约为其 1 万倍，疑似以元为单位的金额标为万元"
        else:
            suspicion = "约为其万分之一，疑似以万元为单位的金额标为元"
        c.plausibility(
            "scale_outlier",
            table,
            None,
            {"scale_exponent": exponent},
            page=table.first_page,
            observed=observed,
            expected=expected,
            compared_table=None if other_id == NARRATIVE_NODE else other_id,
            pass_message=f"{title}：金额量级与本文件其他表及文字说明一致",
            fail_message=(
                f"{title}：{label} {fmt(observed)} 与{other_title} {other_label} "
                f"{fmt(expected)} 相比{suspicion}"
            ),
        )
