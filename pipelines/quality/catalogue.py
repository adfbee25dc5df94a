"""The checks: stable English ids (quality.check_results.check_name) and Chinese titles.

One entry per identity or plausibility rule of ../shared/domain.md. Planted errors in
the sample generator name the check they must trip by these ids.
"""

from __future__ import annotations

CHECKS: dict[str, str] = {
    # Within a table, every row
    "t02_row_total": "收入决算表：本年收入合计 = 各项收入之和",
    "t03_row_total": "支出决算表：本年支出合计 = 基本 + 项目 + 上缴上级 + 经营 + 对附属单位补助",
    "t05_row_total": "一般公共预算财政拨款支出决算表：合计 = 基本支出 + 项目支出",
    "t08_row_total": "政府性基金预算财政拨款表：本年支出 = 基本支出 + 项目支出",
    "t08_carry_over": "政府性基金预算财政拨款表：年末结转和结余 = 年初 + 本年收入 − 本年支出",
    "t09_row_total": "国有资本经营预算财政拨款表：合计 = 基本支出 + 项目支出",
    "t09_carry_over": "国有资本经营预算财政拨款表：年末结转和结余 = 年初 + 本年收入 − 本年支出",
    # Within a table, the subject hierarchy (合计 = Σ类, 类 = Σ款, 款 = Σ项), every column
    "subject_hierarchy": "功能分类科目层级：合计 = Σ类，类 = Σ款，款 = Σ项",
    "t06_hierarchy": "基本支出决算表：经济分类类 = Σ款",
    "t06_category_totals": "基本支出决算表：人员经费合计、公用经费合计 = 各类之和",
    "t07_total": "“三公”经费表：合计 = 因公出国（境）费 + 公务用车购置及运行维护费 + 公务接待费",
    "t07_vehicle_subtotal": "“三公”经费表：公务用车购置及运行维护费 = 购置费 + 运行维护费",
    # Two-sided statements (T01, T04)
    "statement_income_total": "收支总表：本年收入合计 = 各收入项之和",
    "statement_expense_total": "收支总表：本年支出合计 = 各支出项之和",
    "statement_income_grand_total": (
        "收支总表：收入总计 = 本年收入合计 + 使用非财政拨款结余 + 年初结转和结余"
    ),
    "statement_expense_grand_total": (
        "收支总表：支出总计 = 本年支出合计 + 结余分配 + 年末结转和结余"
    ),
    "statement_balance": "收支总表：收入总计 = 支出总计",
    "t04_fund_columns": "财政拨款收支总表：每个支出项 合计 = 各资金来源列之和",
    "statement_carry_by_fund": "财政拨款收支总表：年初财政拨款结转和结余 = 各资金来源之和",
    # Across tables
    "t01_t02_income": "收入支出决算总表与收入决算表一致（本年收入合计及各收入来源）",
    "t01_t04_income": "收入支出决算总表与财政拨款收支总表的财政拨款收入一致",
    "t01_t03_expenditure": "收入支出决算总表与支出决算表一致（本年支出合计及各功能分类）",
    "t04_t05_general_budget": "财政拨款收支总表一般公共预算列 = 一般公共预算财政拨款支出决算表",
    "t04_t08_government_fund": (
        "财政拨款收支总表政府性基金预算列 = 政府性基金预算财政拨款表本年支出"
    ),
    "t04_t09_state_capital": (
        "财政拨款收支总表国有资本经营预算列 = 国有资本经营预算财政拨款支出决算表"
    ),
    "t05_t06_basic": "一般公共预算财政拨款基本支出 = 人员经费合计 + 公用经费合计",
    "t03_t05_basic_at_least": "支出决算表基本支出 ≥ 一般公共预算财政拨款基本支出",
    # Narrative against tables
    "narrative_matches_tables": "情况说明中的数字与表格一致",
    # Plausibility
    "code_well_formed": "科目编码格式正确（3、5、7 位）且与上级科目一致",
    "class_code_national": "功能分类类级科目属于全国统一科目",
    "amount_non_negative": "金额不应为负",
    "scale_outlier": "金额量级异常（疑似元与万元混用）",
    "tables_complete": "九张公开表齐全（或注明无数据）",
}
