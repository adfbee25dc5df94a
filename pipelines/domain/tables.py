"""The nine standard tables: canonical ids, titles, aliases and canonical columns.

Tables are recognised by title alias and columns by header text, never by position:
layouts differ between provinces and years (../shared/domain.md).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

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


@dataclass(frozen=True)
class TableSpec:
    table_id: str
    canonical_title: str
    aliases: tuple[str, ...]
    # 'subject': rows are function subjects (code, name, amount columns)
    # 'statement': two-sided statement (T01, T04); 'econ': T06; 'three_public': T07
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


def title_index() -> dict[str, str]:
    """Squashed title (with quotes folded) → table id, over all aliases."""
    return {fold_quotes(squash(title)): spec.table_id for spec in TABLES for title in spec.titles}
