"""Budget (预算) table titles: which of B01–B11 a printed title names, by its words.

Budget titles vary far more than the final accounts' (../shared/domain.md, "Budgets"):
prefixes (2026年, 部门, 单位, 预算单位, 市级部门, 部门综合预算), labels (预算01表, 公开表1,
单位预算01表, 表1, 表一, "（预算表1）" after the title, or none) and qualifiers in brackets
(（按功能分类）, （经济科目）, （不含上年结转）). A title is normalised to its core words
plus its bracketed qualifiers, then classified by meaning, never by label number or
position: the same label number names different tables in different templates.

Some titles name a table of a wider fund scope than the canonical one (财政拨款支出表 for
B05: all appropriations, not only the general budget; 基本支出总表 for B06: every fund).
They are fallbacks: used only where the file prints no title of the canonical scope
(Jiangsu prints both 财政拨款支出表（功能科目） and 一般公共预算支出表; the latter is B05).
"""

from __future__ import annotations

import re

from pipelines.domain.text import fold_quotes, squash

# A label printed before or after the title: 预算01表, 预算表12, 单位预算01表, 单位预算表10,
# 公开01表, 公开表1, 表1, 表01, 表一, 附表3, 表14-1.
# A label's number, as short as the text allows: squashed, "表1 2026年…" reads "表12026年…".
_NUMBER = r"\d{1,2}?(?:-\d{1,2})?(?=20\d{2}年|\D|$)"
_LABEL = (
    rf"(?:单位)?预算(?:表{_NUMBER}|\d{{1,2}}表)"
    rf"|公开(?:表{_NUMBER}|\d{{1,2}}表)"
    rf"|附?表(?:{_NUMBER}|[一二三四五六七八九十]+)"
)
# "表1：" and "表5." print a separator between label and title.
_LEADING_LABEL = re.compile(rf"^(?:{_LABEL})[:.．]?")
_TRAILING_LABEL = re.compile(rf"(?:{_LABEL})$")
# An ordinal before a contents entry or a numbered heading: "四、", "(二)", "1.".
_ORDINAL = re.compile(
    r"^(?:[一二三四五六七八九十]+[、.．]|\([一二三四五六七八九十\d]+\)|\d+[、.．])"
)
# Scope and year words printed before the title's own words; stripped repeatedly
# ("2026年预算单位…", "2021年部门综合预算…", "2026年市级部门…", "本年一般公共预算…").
# Longer words first: "部门预算基本支出预算表" is a 基本支出 table, not a 预算… one.
_PREFIX = re.compile(
    r"^(?:20\d{2}年?度?|部门综合预算|部综合预算|部门预算|预算单位|综合预算|市级|部门|单位|本年|本级)"
)
_BRACKETED = re.compile(r"\(([^()]*)\)")
# A bracket opened and not closed: a title wrapped inside its qualifier.
_OPEN_BRACKET = re.compile(r"\([^()]*$")
_DIGIT = re.compile(r"\d")
_YEAR = re.compile(r"20\d{2}年度?")
# Longer lines are narrative or a contents entry with its dots, not a title.
MAX_TITLE_CHARS = 64
# Words of tables that are none of B01–B11, whatever else they say: performance targets,
# purchase of services, carried-over funds, the office running costs table, and any final
# account's table (一般公共预算财政拨款支出决算表 prints 预算 too).
_NOT_STANDARD = ("绩效", "购买服务", "结转资金", "机关运行经费支出", "决算")
# Words of an explanation or a sentence, never of a title.
_NOT_TITLE = ("说明", "。", ",", ";", "……", "...")

# The whole core of B01–B04's titles once prefixes are stripped.
_CORE_TITLES: dict[str, tuple[str, ...]] = {
    "B01": ("收支总表", "收支总体情况表", "财务收支预算总表", "收支预算总表"),
    "B02": ("收入总表", "收入总体情况表", "收入预算总表"),
    "B03": ("支出总表", "支出总体情况表", "支出预算总表"),
    "B04": ("财政拨款收支总表", "财政拨款收支总体情况表", "财政拨款收支预算总表"),
}
_ECONOMIC = "经济"  # 经济分类, 经济科目: rows by economic class
_FUNCTIONAL = "功能"  # 功能分类, 功能科目: rows by function subject


def normalise_title(line: str) -> tuple[str, tuple[str, ...]]:
    """(core words, bracketed qualifiers) of a printed title: squashed, quotes folded,
    labels, ordinals and scope/year prefixes stripped. "公开05表 2026年财政拨款支出表（功能
    科目）" → ("财政拨款支出表", ("功能科目",))."""
    text = fold_quotes(squash(line))
    qualifiers = list(_BRACKETED.findall(text))
    text = _BRACKETED.sub("", text)
    previous = None
    while text != previous:
        previous = text
        text = _ORDINAL.sub("", text)
        text = _LEADING_LABEL.sub("", text)
        text = _TRAILING_LABEL.sub("", text)
        text = _PREFIX.sub("", text)
    # A year inside the title ("长春市信访局2026年项目支出绩效目标表") is no word of it.
    return _YEAR.sub("", text), tuple(qualifiers)


def _title_words(line: str) -> tuple[str, str] | None:
    """(core, core + qualifiers) of a line that reads as a table title, else None."""
    squashed = squash(line)
    if not squashed or len(squashed) > MAX_TITLE_CHARS:
        return None
    if any(word in squashed for word in _NOT_TITLE):
        return None
    if _OPEN_BRACKET.search(squashed):
        # Wrapped inside its qualifier ("…基本支出明细表（按支出功" / "能分类科目）"): the
        # qualifier may decide the table, so only the joined lines are read.
        return None
    core, qualifiers = normalise_title(line)
    if not core.endswith("表") or len(core) < len("收支总表") or _DIGIT.search(core):
        # A digit left in the core is an amount or folio run into the line, not a title.
        return None
    return core, core + "".join(qualifiers)


def is_table_title(line: str) -> bool:
    """Whether the line reads as a table's title (a standard budget table or another:
    绩效目标表, 政府购买服务明细表, 一般公共预算支出表（按经济分类）): another table begins
    where it is printed."""
    return _title_words(line) is not None


def classify_title(line: str) -> str | None:
    """The budget table (B01…B11) a printed title names by its canonical scope, or None."""
    words = _title_words(line)
    if words is None:
        return None
    core, text = words
    if any(word in core for word in _NOT_STANDARD):
        return None
    for table_id, cores in _CORE_TITLES.items():
        if core in cores:
            return table_id
    economic, functional = _ECONOMIC in text, _FUNCTIONAL in text
    if "三公" in core:
        return "B07"
    if "政府采购" in core:
        return "B11"
    if core.startswith("国有资本经营") and "支出" in core:
        return "B09"
    if core.startswith("政府性基金") and ("支出" in core or "收支" in core):
        return "B08"
    if core.startswith("一般公共预算基本支出"):
        return None if functional else "B06"  # by function: neither B05 nor B06
    if core.startswith(("项目支出", "财政拨款项目支出")) or core == "专项业务经费支出表":
        return "B10"
    if (
        core.startswith("一般公共预算")
        and "支出" in core
        and "项目支出" not in core
        and not economic  # 一般公共预算支出表（按经济分类）: every expense by class
    ):
        return "B05"
    return None


def classify_fallback_title(line: str) -> str | None:
    """The budget table a title names with a wider fund scope (a fallback where the file
    prints no title of the canonical scope), or None: 财政拨款支出表（功能科目） → B05;
    财政拨款基本支出表（经济科目）, 基本支出总表, 基本支出预算情况表 → B06."""
    words = _title_words(line)
    if words is None or classify_title(line) is not None:
        return None
    core, text = words
    if any(word in core for word in _NOT_STANDARD):
        return None
    if core.startswith(("财政拨款基本支出", "基本支出")):
        return None if _FUNCTIONAL in text else "B06"
    if core.startswith("财政拨款支出") and _ECONOMIC not in text:
        return "B05"
    return None


_WHOLE_LABEL = re.compile(rf"(?:{_LABEL})")


def is_table_label(line: str) -> bool:
    """Whether the line is a table label printed alone ("预算11表", "公开12表", "表十")."""
    return bool(_WHOLE_LABEL.fullmatch(fold_quotes(squash(line))))


_CHINESE_DIGITS = {d: n for n, d in enumerate("一二三四五六七八九", start=1)}
# A label's number at the start of a squashed line: 表1, 表01, 表一, 表十二, 公开表1, 公开01表,
# 预算01表, 预算表12, 单位预算01表 (the title may follow on the same line).
_LABEL_NUMBER = re.compile(
    rf"^(?:单位)?(?:预算|公开)?(?:表({_NUMBER})|({_NUMBER})表)|^表([一二三四五六七八九十]+)"
)


def _chinese_number(text: str) -> int:
    """一 → 1, 十 → 10, 十二 → 12, 二十 → 20."""
    if "十" not in text:
        return _CHINESE_DIGITS[text]
    tens, _, units = text.partition("十")
    return (_CHINESE_DIGITS[tens] if tens else 1) * 10 + (_CHINESE_DIGITS[units] if units else 0)


def label_number(line: str) -> int | None:
    """The number of the table label a line starts with ("表十一 2026年…" → 11), or None."""
    found = _LABEL_NUMBER.match(fold_quotes(squash(line)))
    if found is None:
        return None
    arabic = found.group(1) or found.group(2)
    if arabic:
        return int(arabic.split("-")[0])
    return _chinese_number(found.group(3))
