"""The standard tables: canonical ids, titles, aliases and canonical columns.

The final accounts' nine (T01–T09, `TABLES`) and the budgets' eleven (B01–B11,
`BUDGET_TABLES`); `SPECS_BY_ID` looks up either.

Tables are recognised by title alias and columns by header text, never by position:
layouts differ between provinces and years (../shared/domain.md).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from pipelines.domain.text import fold_quotes, squash

# Labels of a table's printed total row (squashed).
TOTAL_LABELS = ("合计", "总计")
# A column number of the 栏次 row ("1", "2" … "12"); match with fullmatch.
COLUMN_NUMBER = re.compile(r"\d{1,2}")


def numbers_columns(texts: list[str]) -> bool:
    """Whether texts read left to right are a 栏次 row's numbers: at least two, counting
    1, 2, 3 …. A continuation page's blank row prints only its line numbers ("30", "61"),
    which never start at 1."""
    return (
        len(texts) >= 2
        and all(COLUMN_NUMBER.fullmatch(t) for t in texts)
        and [int(t) for t in texts] == list(range(1, len(texts) + 1))
    )


@dataclass(frozen=True)
class ColumnRule:
    """A canonical column and the header fragments that identify it.

    A column matches when its squashed header contains every fragment of one of the
    alternatives in `any_of`.
    """

    name: str
    any_of: tuple[tuple[str, ...], ...]

    def matches(self, header: str) -> bool:
        return any(all(fragment in header for fragment in alt) for alt in self.any_of)


# A header line printed inside the table's frame above the columns' own headers: the
# title ("预算02表收入总表", "收入总表(预算表2)"), the unit and money-unit lines
# ("预算单位：长春市信访局", "金额单位：万元", "部门名称：…"). Never part of a column's header.
FRAME_LINE = re.compile(r"(?:单位|名称)[:：]|表(?:[(（][^)）]*[)）])?$")
# Header parts that name no column: the 栏次 row's numbers, its "**" placeholders.
_NUMBERING_PART = re.compile(r"\d{1,2}|\*+|栏次")
SUBTOTAL_WORDS = ("小计", "合计")


def column_header_parts(parts: list[str]) -> list[str]:
    """A column's header parts without frame lines and 栏次 numbering."""
    return [p for p in parts if not FRAME_LINE.search(p) and not _NUMBERING_PART.fullmatch(p)]


@dataclass(frozen=True)
class ColumnGroup:
    """A header printed over a group of columns that splits the table's total by when the
    money is budgeted: the year's own (本年收入, 当年预算, 编制预算 …) or carried over from
    the previous year (上年结转结余). The group's 小计 is named `subtotal`; its other
    columns are named by the table's rules on the header below the group's, prefixed by
    `prefix` (the carry-over's parts must not take the year's names)."""

    words: tuple[str, ...]
    subtotal: str
    prefix: str = ""

    def names(self, part: str) -> bool:
        return any(word in part for word in self.words)


@dataclass(frozen=True)
class TableSpec:
    table_id: str
    canonical_title: str
    aliases: tuple[str, ...]
    # 'subject': rows are function subjects (code, name, amount columns)
    # 'statement': two-sided statement (T01, T04, B01, B04); 'econ': T06, B06;
    # 'three_public': T07, B07; 'listing': B10/B11, rows named by their first text
    # column and columns by their squashed header text
    kind: str
    columns: tuple[ColumnRule, ...] = field(default=())
    # Rules for the wider layout some years print (T09 since 2024 is laid out like T08),
    # used when a header names one of `wide_marker`.
    wide_columns: tuple[ColumnRule, ...] = field(default=())
    wide_marker: str = "年初"
    # Narrative text printed under an empty table ("…故本表无数据").
    empty_markers: tuple[str, ...] = ("无数据", "没有", "无相关", "不涉及")
    # Header words that tell this table from the others when its title is odd
    # (pipelines.extract.locate.header_scores): short, so that a word wrapped in a narrow
    # cell is still seen whole. None for tables whose headers are alike (T05/T09).
    header_words: tuple[str, ...] = field(default=())
    # The disclosure the table belongs to: '决算' (final accounts) or '预算' (budget).
    document_kind: str = "决算"
    # The name of the one amount a statement side, an econ row or a 三公 item prints:
    # the final accounts' 决算数, the budget's 预算数.
    amount_name: str = "决算数"
    # Column groups (budgets: the year's and the carry-over's), tried in order.
    column_groups: tuple[ColumnGroup, ...] = field(default=())
    # Header words of columns that are read as no canonical column: "其中" parts of one
    # column, memo columns (政府采购 amounts beside the 支出总表's).
    ignored_columns: tuple[str, ...] = field(default=())

    @property
    def titles(self) -> tuple[str, ...]:
        return (self.canonical_title, *self.aliases)

    def rules_for(self, headers: list[str]) -> tuple[ColumnRule, ...]:
        if self.wide_columns and any(self.wide_marker in h for h in headers):
            return self.wide_columns
        return self.columns

    def map_column(
        self, header: str, taken: set[str], rules: tuple[ColumnRule, ...] | None = None
    ) -> str | None:
        """The canonical name of a column from its (squashed) header text."""
        for rule in rules or self.columns:
            if rule.name not in taken and rule.matches(header):
                return rule.name
        return None

    def name_column(
        self, parts: list[str], taken: set[str], rules: tuple[ColumnRule, ...] | None = None
    ) -> str | None:
        """The canonical name of a column from its header parts, top to bottom: under a
        column group (`column_groups`) by the group, else by `map_column` on the parts
        joined."""
        joined = "".join(parts)
        if any(word in joined for word in self.ignored_columns):
            return None
        for group in self.column_groups:
            at = next((i for i, part in enumerate(parts) if group.names(part)), None)
            if at is None:
                continue
            below = parts[at + 1 :]
            if len(below) <= 1 and all(part in SUBTOTAL_WORDS for part in below):
                name: str | None = group.subtotal
            else:
                name = self.map_column("".join(below), set(), rules)
                name = f"{group.prefix}{name}" if name else None
            return name if name not in taken else None
        return self.map_column(joined, taken, rules)


def _rule(name: str, *alternatives: str | tuple[str, ...]) -> ColumnRule:
    alts = tuple((alt,) if isinstance(alt, str) else alt for alt in alternatives) or ((name,),)
    return ColumnRule(name, alts)


_GOVERNMENT_FUND_COLUMNS = (
    _rule("年初结转和结余", "年初"),
    _rule("年末结转和结余", "年末"),
    _rule("本年支出基本支出", "基本支出"),
    _rule("本年支出项目支出", "项目支出"),
    _rule("本年支出小计", "小计", ("本年支出", "合计")),
    _rule("本年收入", "本年收入"),
)
_APPROPRIATION_COLUMNS = (
    _rule("合计", "小计", "合计"),
    _rule("基本支出", "基本支出"),
    _rule("项目支出", "项目支出"),
)

TABLES: tuple[TableSpec, ...] = (
    TableSpec("T01", "收入支出决算总表", (), "statement"),
    TableSpec(
        "T02",
        "收入决算表",
        (),
        "subject",
        (
            _rule("本年收入合计", "合计"),
            _rule("财政拨款收入", "财政拨款"),
            _rule("上级补助收入", "上级补助"),
            _rule("事业收入", "事业"),
            _rule("经营收入", "经营"),
            _rule("附属单位上缴收入", "附属单位"),
            _rule("其他收入", "其他"),
        ),
        header_words=(
            "财政拨款收入",
            "上级补助",
            "事业收入",
            "经营收入",
            "附属单位上缴",
            "其他收入",
        ),
    ),
    TableSpec(
        "T03",
        "支出决算表",
        (),
        "subject",
        (
            _rule("本年支出合计", "合计"),
            _rule("基本支出", "基本支出"),
            _rule("项目支出", "项目支出"),
            _rule("上缴上级支出", "上缴上级"),
            _rule("经营支出", "经营"),
            _rule("对附属单位补助支出", "附属单位"),
        ),
        header_words=("上缴上级", "经营支出", "附属单位补助"),
    ),
    TableSpec("T04", "财政拨款收入支出决算总表", ("财政拨款收支决算总表",), "statement"),
    TableSpec(
        "T05",
        "一般公共预算财政拨款支出决算表",
        ("一般公共预算财政拨款支出决算明细表",),
        "subject",
        _APPROPRIATION_COLUMNS,
    ),
    TableSpec(
        "T06",
        "一般公共预算财政拨款基本支出决算表",
        (),
        "econ",
        header_words=("人员经费", "公用经费", "经济分类"),
    ),
    TableSpec(
        "T07",
        '一般公共预算财政拨款"三公"经费支出决算表',
        ('财政拨款"三公"经费支出决算表', '"三公"经费支出决算表'),
        "three_public",
        header_words=("因公出国", "公务接待", "公务用车", "运行维护", "三公"),
    ),
    TableSpec(
        "T08",
        "政府性基金预算财政拨款收入支出决算表",
        (),
        "subject",
        _GOVERNMENT_FUND_COLUMNS,
        header_words=("年初结转", "年末结转", "本年收入"),
    ),
    TableSpec(
        "T09",
        "国有资本经营预算财政拨款支出决算表",
        ("国有资本经营预算财政拨款收入支出决算表",),
        "subject",
        _APPROPRIATION_COLUMNS,
        wide_columns=_GOVERNMENT_FUND_COLUMNS,  # 2024 files print T09 like T08
        header_words=("年初结转", "年末结转", "本年收入"),  # as T08's: never told apart
    ),
)

TABLES_BY_ID: dict[str, TableSpec] = {spec.table_id: spec for spec in TABLES}


# --- Budgets (预算): B01–B11 -------------------------------------------------------------
# Titles and their aliases are matched by pipelines.domain.budget_titles (printed titles
# vary far more than the final accounts'); the specs name the columns. Rules are tried in
# order and the first that matches names the column, so the narrower come first
# (一般公共预算 before 财政拨款, 事业单位经营 before 事业, 小计 before 合计).

BUDGET_AMOUNT = "预算数"
# The previous year's budget some B07 tables print beside the year's.
PREVIOUS_BUDGET_AMOUNT = "上年预算数"
# A printed subtotal column over parts (财政拨款收入 | 小计 | 一般公共预算 | …) is named
# "<parent>小计" (财政拨款收入小计, 本年收入小计): never a fact, kept for the table's own
# identities.

# The carry-over from the previous year, printed as one column or as a group of them.
CARRY_OVER = "上年结转结余"
_CARRY_OVER_WORDS = ("上年结转", "上年结余")
_BUDGET_INCOME_COLUMNS = (
    _rule("财政拨款收入小计", ("财政拨款", "小计"), ("财政拨款", "合计")),
    _rule("一般公共预算拨款收入", "一般公共预算"),
    _rule("政府性基金预算拨款收入", "政府性基金"),
    _rule("国有资本经营预算拨款收入", "国有资本"),
    _rule("财政专户管理资金收入", "财政专户", "专户资金"),
    _rule("事业单位经营收入", "经营"),
    _rule("上级补助收入", "上级补助"),
    _rule("附属单位上缴收入", "附属单位"),
    _rule("用事业基金弥补收支差额", "事业基金"),
    _rule("上年实户资金余额", "实户资金"),
    _rule("使用非财政拨款结余", "非财政拨款结余"),
    _rule("财政拨款收入", "财政拨款"),
    _rule("事业收入", "事业"),
    _rule("其他收入", "其他", "其它"),
    # after 其他收入: Shenzhen's 单位资金 group holds 事业收入 … 其他收入
    _rule("单位资金", "单位资金"),
    _rule(CARRY_OVER, *_CARRY_OVER_WORDS, "结转结余", "结转和结余"),
    _rule("合计", "合计", "总计"),
)
# 基本支出 printed as 小计 | 人员经费 (人员支出) | 公用经费 (日常公用支出): the parts are
# named apart from 基本支出 (its 小计, or the column alone).
_BASIC_PARTS = (
    _rule("人员经费", ("基本支出", "人员"), "人员经费"),
    _rule("公用经费", ("基本支出", "公用"), "公用经费"),
)
_BUDGET_EXPENSE_COLUMNS = (
    *_BASIC_PARTS,
    _rule("基本支出", "基本支出"),
    _rule("项目支出", "项目支出"),
    _rule("上缴上级支出", "上缴上级"),
    _rule("事业单位经营支出", "经营支出"),
    _rule("对附属单位补助支出", ("附属单位", "补助")),
    _rule("结转下年", "结转下年"),
    _rule("合计", "合计", "总计", "小计"),
)
_BUDGET_APPROPRIATION_COLUMNS = (
    *_BASIC_PARTS,
    _rule("基本支出", "基本支出"),
    _rule("项目支出", "项目支出", "专项业务经费"),  # Xi'an's name for 项目支出
    _rule("合计", "合计", "总计", "小计", "预算数", "金额"),
)


# B06: the row's 合计 and its 人员经费 (人员支出, 人员类) | 公用经费 (日常公用支出).
_BUDGET_ECON_COLUMNS = (
    _rule("人员经费", "人员"),
    _rule("公用经费", "公用"),
    _rule("合计", "合计", "总计", "小计", "预算", "金额"),
)


def _budget_groups(year_subtotal: str) -> tuple[ColumnGroup, ...]:
    return (
        ColumnGroup(_CARRY_OVER_WORDS, CARRY_OVER, CARRY_OVER),
        ColumnGroup(("本年收入", "本年支出", "当年预算", "编制预算", "本年预算"), year_subtotal),
    )


# 扣除基建项目后预算数 restates 项目支出. In the 收入总表 and 支出总表 a "其中" column names a
# part of another column (其中：专项资金列入部门预算项目, 其中：经费拨款; Beijing's 其中
# 事业单位经营支出 …, not added to 基本支出 + 项目支出), and 政府采购 amounts are a memo
# beside the 支出总表's; in the expenditure tables "其中：基本支出 | 其中：项目支出" are
# the 合计's parts (Fujian) and read.
_BUDGET_IGNORED = ("扣除",)
_TOTALS_IGNORED = (*_BUDGET_IGNORED, "其中")


def _budget(
    table_id: str,
    title: str,
    kind: str,
    columns: tuple[ColumnRule, ...] = (),
    header_words: tuple[str, ...] = (),
    year_subtotal: str = "本年预算小计",
    ignored: tuple[str, ...] = _BUDGET_IGNORED,
) -> TableSpec:
    return TableSpec(
        table_id,
        title,
        (),
        kind,
        columns,
        header_words=header_words,
        document_kind="预算",
        amount_name=BUDGET_AMOUNT,
        column_groups=_budget_groups(year_subtotal),
        ignored_columns=ignored,
    )


BUDGET_TABLES: tuple[TableSpec, ...] = (
    _budget("B01", "收支总表", "statement"),
    _budget(
        "B02",
        "收入总表",
        "subject",
        _BUDGET_INCOME_COLUMNS,
        ("财政拨款收入", "上级补助", "事业收入", "经营收入", "附属单位上缴", "其他收入"),
        year_subtotal="本年收入小计",
        ignored=_TOTALS_IGNORED,
    ),
    _budget(
        "B03",
        "支出总表",
        "subject",
        _BUDGET_EXPENSE_COLUMNS,
        ("上缴上级", "经营支出", "附属单位补助"),
        year_subtotal="本年支出小计",
        ignored=(*_TOTALS_IGNORED, "政府采购"),
    ),
    _budget("B04", "财政拨款收支总表", "statement"),
    _budget("B05", "一般公共预算支出表", "subject", _BUDGET_APPROPRIATION_COLUMNS),
    replace(
        _budget(
            "B06",
            "一般公共预算基本支出表",
            "econ",
            _BUDGET_ECON_COLUMNS,
            header_words=("人员经费", "公用经费", "经济分类"),
        ),
        amount_name="合计",  # the row's amount (side-by-side groups print one)
    ),
    _budget(
        "B07",
        '一般公共预算"三公"经费支出表',
        "three_public",
        header_words=("因公出国", "公务接待", "公务用车", "运行维护", "三公"),
    ),
    _budget("B08", "政府性基金预算支出表", "subject", _BUDGET_APPROPRIATION_COLUMNS),
    _budget("B09", "国有资本经营预算支出表", "subject", _BUDGET_APPROPRIATION_COLUMNS),
    _budget("B10", "项目支出表", "listing"),
    _budget("B11", "政府采购预算表", "listing"),
)

BUDGET_TABLES_BY_ID: dict[str, TableSpec] = {spec.table_id: spec for spec in BUDGET_TABLES}
# The budget tables every template prints (B01…B09), recorded whether located or not; the
# listings (B10 项目支出表, B11 政府采购预算表) are printed by some templates only.
BUDGET_STANDARD_IDS: tuple[str, ...] = tuple(
    spec.table_id for spec in BUDGET_TABLES if spec.kind != "listing"
)
# Every table of either disclosure by id (T01…T09, B01…B11).
SPECS_BY_ID: dict[str, TableSpec] = TABLES_BY_ID | BUDGET_TABLES_BY_ID


def title_index() -> dict[str, str]:
    """Squashed title (with quotes folded) → table id, over all aliases."""
    return {fold_quotes(squash(title)): spec.table_id for spec in TABLES for title in spec.titles}
