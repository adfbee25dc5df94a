"""The checks: one entry each, the only place a check is declared.

An entry names the check (the stable English id of quality.check_results.check_name, which
the sample generator's planted errors also use), its Chinese title, its family (the Great
Expectations suite in expectations/ that decides it), its rule (how its verdict is
reached) and the mart its Dagster asset check hangs on. Everything else is derived from
here: the suites' check-name sets (pipelines.quality.gx), the relation an identity
checks (pipelines.quality.outcomes), the titles in quality.check_results
(pipelines.quality.store) and the asset checks (pipelines.defs.quality.checks).

Adding a check: one entry below, and the rule function that records its outcomes
(rules_*.py, scale.py) through pipelines.quality.outcomes.Collector.
"""

from __future__ import annotations

import importlib.metadata
from dataclasses import dataclass
from enum import Enum
from functools import cache

from pipelines.code_digest import source_digest

# Families: one Great Expectations suite each (expectations/<family>.json).
WITHIN_TABLE = "within_table_identities"
ACROSS_TABLES = "cross_table_identities"
NARRATIVE_FAMILY = "narrative_identities"
PLAUSIBILITY = "plausibility"
DOCUMENT_IDENTITY = "document_identity"  # the printed words: identity, notes, contents
NARRATIVE_STATEMENTS = "narrative_statements"  # the narrative's words against its figures
FAMILIES = (
    WITHIN_TABLE,
    ACROSS_TABLES,
    NARRATIVE_FAMILY,
    PLAUSIBILITY,
    DOCUMENT_IDENTITY,
    NARRATIVE_STATEMENTS,
)


class Rule(Enum):
    """How a check's verdict is reached (the suite decides; the rule says on what)."""

    # observed = expected, the deviation |difference| within the rounding envelope
    EQUALITY = "="
    # observed ≥ expected, the deviation (the shortfall) within the rounding envelope
    AT_LEAST = "≥"
    # the suite's expectations on the outcome's facts (code, sign, scale, table status)
    PLAUSIBILITY = "plausibility"

    @property
    def is_identity(self) -> bool:
        return self is not Rule.PLAUSIBILITY


@dataclass(frozen=True)
class Check:
    id: str
    title: str
    family: str
    rule: Rule
    target_mart: str  # the marts.<name> asset whose Dagster asset check shows its findings
    # the severity of a failed outcome read with certainty: 'error', or 'info' for what a
    # reviewer should see but is no inconsistency (a template leftover)
    failure_severity: str = "error"


def _within(id: str, title: str, target_mart: str) -> Check:
    return Check(id, title, WITHIN_TABLE, Rule.EQUALITY, target_mart)


def _across(id: str, title: str, target_mart: str, rule: Rule = Rule.EQUALITY) -> Check:
    return Check(id, title, ACROSS_TABLES, rule, target_mart)


def _plausible(id: str, title: str, target_mart: str) -> Check:
    return Check(id, title, PLAUSIBILITY, Rule.PLAUSIBILITY, target_mart)


def _identity_fact(id: str, title: str) -> Check:
    """A check of the document's printed words (pipelines.quality.rules_identity)."""
    return Check(id, title, DOCUMENT_IDENTITY, Rule.PLAUSIBILITY, "dim_document")


def _narrative(id: str, title: str, rule: Rule = Rule.EQUALITY) -> Check:
    """The narrative's figures against the tables or against each other (an identity)."""
    return Check(id, title, NARRATIVE_FAMILY, rule, "dim_document")


def _narrative_words(id: str, title: str, failure_severity: str = "error") -> Check:
    """The narrative's words against its figures (pipelines.quality.rules_narrative)."""
    return Check(
        id, title, NARRATIVE_STATEMENTS, Rule.PLAUSIBILITY, "dim_document", failure_severity
    )


CATALOGUE: tuple[Check, ...] = (
    # Within a table, every row
    _within("t02_row_total", "收入决算表：本年收入合计 = 各项收入之和", "fct_income"),
    _within(
        "t03_row_total",
        "支出决算表：本年支出合计 = 基本 + 项目 + 上缴上级 + 经营 + 对附属单位补助",
        "fct_expenditure",
    ),
    _within(
        "t05_row_total",
        "一般公共预算财政拨款支出决算表：合计 = 基本支出 + 项目支出",
        "fct_appropriation_expenditure",
    ),
    _within(
        "t08_row_total",
        "政府性基金预算财政拨款表：本年支出 = 基本支出 + 项目支出",
        "fct_appropriation_expenditure",
    ),
    _within(
        "t08_carry_over",
        "政府性基金预算财政拨款表：年末结转和结余 = 年初 + 本年收入 − 本年支出",
        "fct_appropriation_expenditure",
    ),
    _within(
        "t09_row_total",
        "国有资本经营预算财政拨款表：合计 = 基本支出 + 项目支出",
        "fct_appropriation_expenditure",
    ),
    _within(
        "t09_carry_over",
        "国有资本经营预算财政拨款表：年末结转和结余 = 年初 + 本年收入 − 本年支出",
        "fct_appropriation_expenditure",
    ),
    # Within a table, the subject hierarchy (合计 = Σ类, 类 = Σ款, 款 = Σ项), every column
    _within(
        "subject_hierarchy", "功能分类科目层级：合计 = Σ类，类 = Σ款，款 = Σ项", "fct_expenditure"
    ),
    _within("t06_hierarchy", "基本支出决算表：经济分类类 = Σ款", "fct_basic_expenditure_econ"),
    _within(
        "t06_category_totals",
        "基本支出决算表：人员经费合计、公用经费合计 = 各类之和",
        "fct_basic_expenditure_econ",
    ),
    _within(
        "t07_total",
        "“三公”经费表：合计 = 因公出国（境）费 + 公务用车购置及运行维护费 + 公务接待费",
        "fct_three_public_costs",
    ),
    _within(
        "t07_vehicle_subtotal",
        "“三公”经费表：公务用车购置及运行维护费 = 购置费 + 运行维护费",
        "fct_three_public_costs",
    ),
    # Two-sided statements (T01, T04)
    _within(
        "statement_income_total", "收支总表：本年收入合计 = 各收入项之和", "fct_statement_lines"
    ),
    _within(
        "statement_expense_total", "收支总表：本年支出合计 = 各支出项之和", "fct_statement_lines"
    ),
    _within(
        "statement_income_grand_total",
        "收支总表：收入总计 = 本年收入合计 + 使用非财政拨款结余 + 年初结转和结余",
        "fct_statement_lines",
    ),
    _within(
        "statement_expense_grand_total",
        "收支总表：支出总计 = 本年支出合计 + 结余分配 + 年末结转和结余",
        "fct_statement_lines",
    ),
    _within("statement_balance", "收支总表：收入总计 = 支出总计", "fct_statement_lines"),
    _within(
        "t04_fund_columns",
        "财政拨款收支总表：每个支出项 合计 = 各资金来源列之和",
        "fct_statement_lines",
    ),
    _within(
        "statement_carry_by_fund",
        "财政拨款收支总表：年初财政拨款结转和结余 = 各资金来源之和",
        "fct_statement_lines",
    ),
    # Across tables
    _across(
        "t01_t02_income",
        "收入支出决算总表与收入决算表一致（本年收入合计及各收入来源）",
        "fct_income",
    ),
    _across(
        "t01_t04_income",
        "收入支出决算总表与财政拨款收支总表的财政拨款收入一致",
        "fct_statement_lines",
    ),
    _across(
        "t01_t03_expenditure",
        "收入支出决算总表与支出决算表一致（本年支出合计及各功能分类）",
        "fct_expenditure",
    ),
    _across(
        "t04_t05_general_budget",
        "财政拨款收支总表一般公共预算列 = 一般公共预算财政拨款支出决算表",
        "fct_appropriation_expenditure",
    ),
    _across(
        "t04_t08_government_fund",
        "财政拨款收支总表政府性基金预算列 = 政府性基金预算财政拨款表本年支出",
        "fct_appropriation_expenditure",
    ),
    _across(
        "t04_t09_state_capital",
        "财政拨款收支总表国有资本经营预算列 = 国有资本经营预算财政拨款支出决算表",
        "fct_appropriation_expenditure",
    ),
    _across(
        "t05_t06_basic",
        "一般公共预算财政拨款基本支出 = 人员经费合计 + 公用经费合计",
        "fct_basic_expenditure_econ",
    ),
    _across(
        "t03_t05_basic_at_least",
        "支出决算表基本支出 ≥ 一般公共预算财政拨款基本支出",
        "fct_expenditure",
        Rule.AT_LEAST,
    ),
    # Budgets (预算): their own tables' identities, one check each, named b0N_… or
    # budget_… so that a finding reads as the budget's (收入预算总表), never as T02's
    _within(
        "b02_row_total",
        "收入预算总表：合计 = 各列收入之和，财政拨款小计 = 各资金之和",
        "fct_budget_income",
    ),
    _within(
        "b03_row_total",
        "支出预算总表：合计 = 基本 + 项目 + 上缴上级 + 事业单位经营 + 对附属单位补助",
        "fct_budget_expenditure",
    ),
    _within(
        "b05_row_total",
        "一般公共预算支出预算表：合计 = 基本支出 + 项目支出",
        "fct_budget_appropriation_expenditure",
    ),
    _within(
        "b08_row_total",
        "政府性基金预算支出预算表：合计 = 基本支出 + 项目支出",
        "fct_budget_appropriation_expenditure",
    ),
    _within(
        "b09_row_total",
        "国有资本经营预算支出预算表：合计 = 基本支出 + 项目支出",
        "fct_budget_appropriation_expenditure",
    ),
    _within(
        "budget_subject_hierarchy",
        "预算表功能分类科目层级：合计 = Σ类，类 = Σ款，款 = Σ项",
        "fct_budget_expenditure",
    ),
    _within(
        "b06_hierarchy",
        "一般公共预算基本支出预算表：经济分类类 = Σ款",
        "fct_budget_basic_expenditure_econ",
    ),
    _within(
        "b06_category_totals",
        "一般公共预算基本支出预算表：合计、人员经费合计、公用经费合计 = 各类之和",
        "fct_budget_basic_expenditure_econ",
    ),
    _within(
        "b06_row_total",
        "一般公共预算基本支出预算表：合计 = 人员经费 + 公用经费",
        "fct_budget_basic_expenditure_econ",
    ),
    _within(
        "b07_total",
        "“三公”经费支出预算表：合计 = 因公出国（境）费 + 公务用车购置及运行维护费 + 公务接待费",
        "fct_budget_three_public_costs",
    ),
    _within(
        "b07_vehicle_subtotal",
        "“三公”经费支出预算表：公务用车购置及运行维护费 = 购置费 + 运行维护费",
        "fct_budget_three_public_costs",
    ),
    _within(
        "budget_statement_income_total",
        "收支预算总表：本年收入合计 = 各收入项之和",
        "fct_budget_statement_lines",
    ),
    _within(
        "budget_statement_expense_total",
        "收支预算总表：本年支出合计 = 各支出项之和",
        "fct_budget_statement_lines",
    ),
    _within(
        "budget_statement_income_grand_total",
        "收支预算总表：收入总计 = 本年收入合计 + 上年结转等",
        "fct_budget_statement_lines",
    ),
    _within(
        "budget_statement_expense_grand_total",
        "收支预算总表：支出总计 = 本年支出合计 + 结转下年等",
        "fct_budget_statement_lines",
    ),
    _within(
        "budget_statement_balance",
        "收支预算总表：收入总计 = 支出总计",
        "fct_budget_statement_lines",
    ),
    _within(
        "b04_fund_columns",
        "财政拨款收支预算总表：每个支出项 合计 = 各资金来源列之和",
        "fct_budget_statement_lines",
    ),
    _across(
        "b01_b02_income",
        "收支预算总表本年收入合计 = 收入预算总表合计",
        "fct_budget_income",
    ),
    _across(
        "b01_b03_expenditure",
        "收支预算总表本年支出合计 = 支出预算总表合计",
        "fct_budget_expenditure",
    ),
    _across(
        "b04_b05_general_budget",
        "财政拨款收支预算总表一般公共预算列 = 一般公共预算支出预算表",
        "fct_budget_appropriation_expenditure",
    ),
    _across(
        "b04_b08_government_fund",
        "财政拨款收支预算总表政府性基金预算列 = 政府性基金预算支出预算表",
        "fct_budget_appropriation_expenditure",
    ),
    _across(
        "b04_b09_state_capital",
        "财政拨款收支预算总表国有资本经营预算列 = 国有资本经营预算支出预算表",
        "fct_budget_appropriation_expenditure",
    ),
    _across(
        "b05_b06_basic",
        "一般公共预算支出预算表基本支出 = 一般公共预算基本支出预算表合计",
        "fct_budget_basic_expenditure_econ",
    ),
    # Across documents: the final accounts restate the same unit's and year's budget
    # (only where both are loaded; other_document_id names the budget)
    _across(
        "t07_budget_vs_b07",
        "决算“三公”经费表的预算数 = 同年度预算文件“三公”经费支出预算表的预算数",
        "three_public_budget_vs_final",
    ),
    # Narrative against tables
    Check(
        "narrative_matches_tables",
        "情况说明中的数字与表格一致",
        NARRATIVE_FAMILY,
        Rule.EQUALITY,
        "dim_document",
    ),
    _narrative(
        "narrative_final_vs_table",
        "情况说明“支出决算为”与该科目（项目）在表中的决算数一致",
    ),
    _narrative(
        "narrative_budget_vs_table",
        "情况说明“年初预算为”与预算数一致（“三公”对照决算表预算数，功能科目对照同年度预算文件）",
    ),
    _narrative("narrative_budget_rate", "情况说明“完成年初预算的 Z%” = 支出决算 ÷ 年初预算"),
    _narrative("narrative_change_rate", "情况说明“增长/下降 Y%” = 变动额 ÷ 上年（或预算）数"),
    _narrative(
        "narrative_change_prior_year",
        "情况说明的上年数（本年数 ∓ 变动额）与同一单位上年度决算一致",
    ),
    _narrative("narrative_share", "情况说明“占 P%” = 该项 ÷ 合计"),
    _narrative("narrative_vehicle_count", "情况说明“共有车辆 N 辆” = 其中各类车辆之和"),
    _narrative(
        "narrative_visit_counts",
        "情况说明“三公”团组、批次不多于人次，其中（外事接待）不多于共计",
        Rule.AT_LEAST,
    ),
    # The narrative's words against its figures
    _narrative_words(
        "narrative_budget_words",
        "情况说明“大于/小于/等于/持平”与决算数、预算数的大小一致",
    ),
    _narrative_words("narrative_budget_reason", "决算数与预算数不同时说明了原因"),
    _narrative_words(
        "narrative_template_leftover",
        "无模板残留（未选定的“增加（减少）”、未填的“主要原因是”、重复标点）",
        failure_severity="info",
    ),
    # Plausibility
    _plausible(
        "code_well_formed",
        "科目编码格式正确（3、5、7 位）且与上级科目一致",
        "dim_function_subject",
    ),
    _plausible("class_code_national", "功能分类类级科目属于全国统一科目", "dim_function_subject"),
    _plausible("amount_non_negative", "金额不应为负", "dim_document"),
    _plausible("scale_outlier", "金额量级异常（疑似元与万元混用）", "dim_document"),
    _plausible("tables_complete", "九张公开表齐全（或注明无数据）", "dim_document"),
    _plausible("budget_tables_complete", "预算九张表齐全（或注明无数据）", "dim_document"),
    # The document's identity and empty tables' notes, from its printed lines
    _identity_fact(
        "empty_table_note",
        "空表印有“本表无数据”说明，且说明所写资金与本表一致",
    ),
    _identity_fact("placeholder_text", "无模板占位符（XX、××、某某）"),
    _identity_fact("report_year", "标题与“截至…年12月31日”的年度与报告年度一致"),
    _identity_fact("unit_name_consistent", "表头与文中单位名称与封面一致"),
    _identity_fact("unit_level_wording", "部门/单位用语与本文件级次一致"),
    _identity_fact("contents_match", "目录与正文所印的表和部分一致"),
)

CHECKS: dict[str, Check] = {check.id: check for check in CATALOGUE}


def check_ids(family: str) -> tuple[str, ...]:
    """The ids of a family's checks, in catalogue order."""
    return tuple(check.id for check in CATALOGUE if check.family == family)


# What the checks' outcomes are computed by, besides the documents: the rules and the
# engine (pipelines/quality), the domain they read (pipelines/domain: codes, tables,
# narrative wordings), the suites that make every verdict (expectations/) and GX itself.
CATALOGUE_SOURCES = (
    ("pipelines/quality", ("*.py", "*.toml")),
    ("pipelines/domain", ("*.py", "*.toml")),
    ("expectations", ("*.json",)),
)


@cache
def catalogue_version() -> str:
    """A hash of everything the outcomes depend on but the documents: any change to a
    rule, a pattern, a suite or the GX release is a new version, and the quality engine
    checks every document again (no version number to bump by hand)."""
    from pipelines.settings import PROJECT_ROOT

    files = [
        path
        for folder, patterns in CATALOGUE_SOURCES
        for path in sorted(
            {path for pattern in patterns for path in (PROJECT_ROOT / folder).rglob(pattern)}
        )
    ]
    gx_release = importlib.metadata.version("great_expectations")
    return source_digest(files, PROJECT_ROOT, salt=f"great_expectations {gx_release}")[:16]
