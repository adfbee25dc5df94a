"""The structured disclosure: every figure a document prints, before any layout.

Amounts are integers in cents of `Disclosure.amount_unit` (万元 or 元). `None` means the
cell prints no amount (blank or dash); `0` means a printed zero ("0.00").
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from juesuan_samples.catalogue import UnitProfile

Amount = int | None

T02_COLUMNS = (
    "本年收入合计",
    "财政拨款收入",
    "上级补助收入",
    "事业收入",
    "经营收入",
    "附属单位上缴收入",
    "其他收入",
)
T03_COLUMNS = (
    "本年支出合计",
    "基本支出",
    "项目支出",
    "上缴上级支出",
    "经营支出",
    "对附属单位补助支出",
)
T05_COLUMNS = ("合计", "基本支出", "项目支出")
T08_COLUMNS = (
    "年初结转和结余",
    "本年收入",
    "本年支出小计",
    "本年支出基本支出",
    "本年支出项目支出",
    "年末结转和结余",
)
STATEMENT_FINAL = ("决算数",)
# Headings a planted placeholder or wrong year is printed in (Disclosure.placeholder_headings,
# wrong_year_headings): 第二部分's "2024 年度部门决算表", 第三部分's "2024 年度部门决算情况说明".
HEADINGS = ("tables_part", "part_three")
PLACEHOLDER = "XX"  # a template's placeholder, as printed for the unit's name
PLACEHOLDER_NAME = f"{PLACEHOLDER}局"
T04_EXPENSE_COLUMNS = ("合计", "一般公共预算", "政府性基金预算", "国有资本经营预算")
T06_COLUMNS = ("决算数",)
T07_COLUMNS = ("预算数", "决算数")

# T09 follows T05 in older templates and T08 from 2024 on.
T09_STYLE_EXPENDITURE = "expenditure"
T09_STYLE_INCOME_EXPENDITURE = "income_expenditure"


def amount_sum(values: Iterable[Amount]) -> int:
    """Sum treating 'no amount' as zero."""
    return sum(value or 0 for value in values)


def shown(value: int, keep_zero: bool = False) -> Amount:
    """A computed figure as printed: zero prints as nothing unless zeros are printed."""
    if value == 0 and not keep_zero:
        return None
    return value


@dataclass(frozen=True)
class SubjectRow:
    """One printed row of a function-subject table; code None for the 合计 row."""

    code: str | None
    name: str
    values: tuple[Amount, ...]

    @property
    def level(self) -> str:
        return {None: "合计", 3: "类", 5: "款", 7: "项"}[
            None if self.code is None else len(self.code)
        ]


@dataclass(frozen=True)
class SubjectTable:
    columns: tuple[str, ...]
    rows: tuple[SubjectRow, ...]  # the 合计 row first, then 类/款/项 in code order

    @property
    def empty(self) -> bool:
        return all(value is None for row in self.rows for value in row.values)

    @property
    def total(self) -> SubjectRow:
        return next(row for row in self.rows if row.code is None)

    def value(self, row: SubjectRow, column: str) -> Amount:
        return row.values[self.columns.index(column)]

    def find(self, code: str) -> SubjectRow | None:
        return next((row for row in self.rows if row.code == code), None)


@dataclass(frozen=True)
class StatementLine:
    """One side of one printed row of T01/T04.

    kind: 'line' (一…八 income lines, expense class lines), 'subtotal' (本年收入合计 /
    本年支出合计), 'carry' (使用非财政拨款结余, 年初…结转和结余, 结余分配, 年末…),
    'sub' (per-fund lines under 年初财政拨款结转和结余), 'grand_total' (总计).
    """

    side: str
    label: str
    kind: str
    values: tuple[Amount, ...]
    code: str | None = None  # function class code of an expense class line
    parent: str | None = None  # label of the line a 'sub' line breaks down


@dataclass(frozen=True)
class Statement:
    income_columns: tuple[str, ...]
    expense_columns: tuple[str, ...]
    income: tuple[StatementLine, ...]
    expense: tuple[StatementLine, ...]

    def line(self, side: str, label: str) -> StatementLine:
        lines = self.income if side == "收入" else self.expense
        return next(line for line in lines if line.label == label and line.kind != "sub")

    def of_kind(self, side: str, kind: str) -> tuple[StatementLine, ...]:
        lines = self.income if side == "收入" else self.expense
        return tuple(line for line in lines if line.kind == kind)


@dataclass(frozen=True)
class EconRow:
    code: str
    name: str
    category: str  # 人员经费 or 公用经费
    amount: Amount


@dataclass(frozen=True)
class BasicExpenditure:
    rows: tuple[EconRow, ...]  # classes and their 款 in printed order
    personnel_total: Amount
    public_total: Amount


THREE_PUBLIC_ITEMS: tuple[tuple[str, str], ...] = (
    ("合计", "total"),
    ("因公出国（境）费", "abroad"),
    ("公务用车购置及运行维护费", "vehicles"),
    ("公务用车购置费", "vehicle_purchase"),
    ("公务用车运行维护费", "vehicle_operation"),
    ("公务接待费", "reception"),
)
THREE_PUBLIC_FIELDS: dict[str, str] = dict(THREE_PUBLIC_ITEMS)  # label → ThreePublic field


@dataclass(frozen=True)
class ThreePublic:
    total: Amount
    abroad: Amount
    vehicles: Amount  # 公务用车购置及运行维护费 小计
    vehicle_purchase: Amount
    vehicle_operation: Amount
    reception: Amount

    def item(self, label: str) -> Amount:
        return getattr(self, THREE_PUBLIC_FIELDS[label])


@dataclass(frozen=True)
class ThreePublicTable:
    budget: ThreePublic
    final: ThreePublic

    @property
    def empty(self) -> bool:
        return all(
            side.item(label) is None
            for side in (self.budget, self.final)
            for label, _ in THREE_PUBLIC_ITEMS
        )


@dataclass(frozen=True)
class SubjectBudget:
    """Budget against final for one 项 of T05, restated in the narrative."""

    code: str
    budget: int
    final: int


@dataclass(frozen=True)
class PriorYear:
    """Last year's figures the narrative compares against."""

    fiscal_year: int
    grand_total: int  # 收、支总计
    fiscal_income: int  # 财政拨款收入
    basic: int
    project: int
    fiscal_grand_total: int  # 财政拨款收、支总计
    general_expenditure: int  # 一般公共预算财政拨款支出


@dataclass(frozen=True)
class NarrativeFigures:
    """Figures stated in 第三部分; the first twelve are the ground-truth key figures."""

    income_total: int
    expenditure_total: int
    basic: int
    project: int
    fiscal_grand_total: int
    three_public_budget: int
    three_public_final: int
    running_costs: int
    procurement_goods: int
    procurement_works: int
    procurement_services: int
    procurement_total: int
    general_basic_stated: int  # 六: stated T05 basic figure (the seed states it one cent off)
    running_costs_budget: int
    general_budget: int  # 一般公共预算财政拨款支出 年初预算
    subject_budgets: tuple[SubjectBudget, ...]
    prior: PriorYear
    vehicles: int
    reception_batches: int
    reception_visitors: int
    evaluated_projects: int
    evaluated_funds: int

    def key_figures(self) -> dict[str, int]:
        """The narrative figures recorded in the ground truth, by their truth keys."""
        return {
            "本年收入合计": self.income_total,
            "本年支出合计": self.expenditure_total,
            "基本支出": self.basic,
            "项目支出": self.project,
            "财政拨款收入支出总计": self.fiscal_grand_total,
            "三公经费预算数": self.three_public_budget,
            "三公经费决算数": self.three_public_final,
            "机关运行经费": self.running_costs,
            "政府采购总额": self.procurement_total,
            "政府采购货物": self.procurement_goods,
            "政府采购工程": self.procurement_works,
            "政府采购服务": self.procurement_services,
        }


@dataclass(frozen=True)
class Disclosure:
    unit: UnitProfile
    fiscal_year: int
    amount_unit: str  # unit of every Amount: '万元' or '元'
    subject_names: Mapping[str, str]  # printed names of 3/5/7-digit function codes
    t01: Statement
    t02: SubjectTable
    t03: SubjectTable
    t04: Statement
    t05: SubjectTable
    t06: BasicExpenditure
    t07: ThreePublicTable
    t08: SubjectTable
    t09: SubjectTable
    narrative: NarrativeFigures
    t09_style: str = T09_STYLE_EXPENDITURE
    is_seed_case: bool = False
    offices: tuple[str, ...] = field(default=())
    duties: tuple[str, ...] = field(default=())  # 单位职责 paragraphs; generated when empty
    # Planted errors (juesuan_samples.planting) that are about printing, not figures:
    missing_tables: frozenset[str] = field(default=frozenset())  # left out of the document
    unit_slips: frozenset[str] = field(default=frozenset())  # 元 amounts under a 万元 header
    # … and about words (planting.REVIEW_KINDS): what a reviewer reads besides the figures.
    flipped_words: frozenset[str] = field(default=frozenset())  # 五(三) items (codes): 大于↔小于
    unnoted_tables: frozenset[str] = field(default=frozenset())  # empty, printed with no note
    placeholder_headings: frozenset[str] = field(default=frozenset())  # HEADINGS naming "XX局"
    wrong_year_headings: frozenset[str] = field(default=frozenset())  # HEADINGS with year − 1
