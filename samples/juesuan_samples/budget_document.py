"""A budget document (部门预算 / 单位预算): its words, its pages, its ground truth.

The document follows the real budgets' order: cover, contents, 第一部分 概况, 第二部分 the
tables, 第三部分 情况说明 (figures restating the tables), 第四部分 名词解释. It is printed
by reportlab here (compose_budget / write_pdf) or by the office suite (office.py, which
reuses these blocks and specs). Its ground truth (budget_truth) is read back from the
printed cells like the final's (truth._table_truth); `pair_truth` adds what the
warehouse's budget-against-final marts must hold for the unit and year.
"""

from __future__ import annotations

import random
from decimal import Decimal
from pathlib import Path

from juesuan_samples.budget import (
    BUDGET_AMOUNT,
    CARRY_SOURCE,
    FINAL_COUNTERPARTS,
    FUND_TYPES,
    RUNNING_COSTS,
    THREE_PUBLIC_LEAVES,
    Budget,
)
from juesuan_samples.budget_tables import (
    BudgetStyle,
    budget_order,
    build_budget_specs,
    document_style,
)
from juesuan_samples.formatting import chinese_number, narrative_amount, percent, wan_text
from juesuan_samples.layout import Block, TableStyle, flow_text, layout_table, with_footer
from juesuan_samples.narrative import GLOSSARY
from juesuan_samples.render import ComposedDocument, PlacedTable
from juesuan_samples.tables import DocumentStyle, TableSpec
from juesuan_samples.truth import NONE_RULING_DESCRIPTION, SCHEMA_VERSION, _table_truth
from juesuan_samples.variants import Variants

DOCUMENT_KIND = "预算"
# Final-accounts columns of the appropriation tables, by expenditure type (T09 and T08 print
# 本年支出 columns).
FINAL_SPENDING_COLUMNS = {
    "基本支出": "基本支出",
    "项目支出": "项目支出",
    "本年支出基本支出": "基本支出",
    "本年支出项目支出": "项目支出",
}
BUDGET_SPENDING_COLUMNS = ("基本支出", "项目支出")
AMOUNT_GAP = 12.0  # points of room beside the widest figure of an amount column
_BUDGET_GLOSSARY = (
    "一般公共预算拨款收入：指本级财政当年拨付的资金。",
    "上年结转结余：指以前年度尚未完成、结转到本年仍按原规定用途继续使用的资金。",
)


def kind_word(b: Budget) -> str:
    return "部门预算" if b.unit_level == "部门" else "单位预算"


def _who(b: Budget) -> str:
    return "部门" if b.unit_level == "部门" else "单位"


def cover_blocks(b: Budget, style: BudgetStyle) -> list[Block]:
    year, kind = b.fiscal_year, kind_word(b)
    if style.cover_style == "year_first":
        return [
            Block(f"{year}年度", 26, "center", new_page=True),
            Block(b.unit_name, 24, "center", space_before=150),
            Block(kind, 30, "center", space_before=40),
        ]
    if style.cover_style == "unit_first":
        return [
            Block(b.unit_name, 24, "center", new_page=True),
            Block(f"{year}年度{kind}", 28, "center", space_before=60),
        ]
    return [Block(f"{year}年{b.unit_name}{kind}", 22, "center", new_page=True)]


def part_titles(b: Budget) -> tuple[str, str, str, str]:
    who = _who(b)
    year = b.fiscal_year
    return (
        f"第一部分 {who}概况",
        f"第二部分 {year}年{who}预算表",
        f"第三部分 {year}年{who}预算情况说明",
        "第四部分 名词解释",
    )


def front_blocks(b: Budget, style: BudgetStyle) -> list[Block]:
    """Cover, contents (the four parts), 第一部分 and the tables part's heading."""
    parts = part_titles(b)
    blocks = cover_blocks(b, style)
    blocks.append(Block("目 录", 18, "center", new_page=True))
    blocks += [Block(part, 11, indent=0, space_before=6) for part in parts]
    first, second = parts[0].split(" ", 1), parts[1].split(" ", 1)
    blocks += [
        Block(first[0], 16, "center", new_page=True),
        Block(first[1], 16, "center", space_before=4),
        Block("一、主要职能", 12, indent=0, space_before=8),
    ]
    blocks += [Block(f"（{chinese_number(i)}）{duty}") for i, duty in enumerate(b.duties, 1)]
    blocks += [
        Block("二、机构设置", 12, indent=0, space_before=8),
        Block(f"本{_who(b)}内设 {len(b.offices)} 个职能科室，分别是：{'、'.join(b.offices)}。"),
        Block(second[0], 20, "center", new_page=True),
        Block(second[1], 20, "center", space_before=20),
    ]
    return blocks


def narrative_blocks(b: Budget) -> list[Block]:
    """第三部分: the budget's figures in words (BudgetNarrative, restating the tables)."""
    n, year, who = b.narrative, b.fiscal_year, _who(b)
    unit = "元" if b.amount_unit == "元" else "万元"
    third = part_titles(b)[2].split(" ", 1)

    def money(value: int) -> str:
        return f"{narrative_amount(value)} {unit}"

    def heading(number: int, text: str) -> Block:
        return Block(f"{chinese_number(number)}、{text}", 12, indent=0, space_before=8)

    income = b.b02.total
    sources = [
        (column, b.b02.value(income, column) or 0)
        for column in b.b02.columns[1:]
        if b.b02.value(income, column) and column != CARRY_SOURCE
    ]
    carry = b.b02.value(income, CARRY_SOURCE) or 0
    blocks = [
        Block(third[0], 16, "center", new_page=True),
        Block(third[1], 16, "center", space_before=6),
        heading(1, "收支预算总体情况"),
        Block(
            f"按照综合预算的原则，{who}所有收入和支出均纳入{who}预算管理。{year}年{who}"
            f"收入预算总计 {money(n.income_total)}，支出预算总计 {money(n.income_total)}。"
        ),
        heading(2, "收入预算情况"),
        Block(
            f"{year}年本年收入合计 {money(n.income_this_year)}。其中："
            + "；".join(
                f"{name} {money(value)}，占 {percent(value, n.income_this_year)}%"
                for name, value in sources
            )
            + "。"
            + (f"另有{CARRY_SOURCE} {money(carry)}。" if carry else "")
        ),
        heading(3, "支出预算情况"),
        Block(
            f"{year}年本年支出合计 {money(n.basic + n.project + _other_spending(b))}。其中："
            f"基本支出 {money(n.basic)}，主要用于保障机构正常运转；"
            f"项目支出 {money(n.project)}，主要用于完成特定工作任务。"
        ),
        heading(4, "财政拨款收支预算总体情况"),
        Block(f"{year}年财政拨款收支总预算 {money(n.fiscal_total)}。"),
        heading(5, "一般公共预算支出预算情况"),
        Block(f"{year}年一般公共预算支出 {money(n.general_total)}，主要用于以下方面："),
    ]
    items = [row for row in b.b05.rows if row.code is not None and len(row.code) == 7]
    names = b.subject_names
    for number, row in enumerate(items, start=1):
        code = row.code or ""
        blocks.append(
            Block(
                f"{number}、{names[code[:3]]}（类）{names[code[:5]]}（款）{names[code]}（项）"
                f"{money(row.values[0] or 0)}。"
            )
        )
    blocks += [
        heading(6, "一般公共预算基本支出预算情况"),
        Block(
            f"{year}年一般公共预算基本支出 {money(n.personnel + n.public)}。其中：人员经费 "
            f"{money(n.personnel)}，公用经费 {money(n.public)}。"
        ),
        heading(7, "“三公”经费预算情况"),
    ]
    b07 = b.b07.budget
    if b.b07.empty:
        blocks.append(Block(f"{year}年本{who}未安排“三公”经费预算。"))
    else:
        blocks.append(
            Block(
                f"{year}年“三公”经费预算 {money(n.three_public)}。其中：因公出国（境）费 "
                f"{money(b07.abroad or 0)}；公务用车购置及运行维护费 {money(b07.vehicles or 0)}"
                f"（其中：公务用车购置费 {money(b07.vehicle_purchase or 0)}，公务用车运行维护费 "
                f"{money(b07.vehicle_operation or 0)}）；公务接待费 {money(b07.reception or 0)}。"
            )
        )
    blocks += [
        heading(8, "其他重要事项的情况说明"),
        Block(
            f"{year}年{who}{RUNNING_COSTS}预算 {money(b.b07.running_costs or 0)}，"
            "主要用于保障机关正常运转。"
        ),
    ]
    return blocks


def _other_spending(b: Budget) -> int:
    total = b.b03.total
    return sum(b.b03.value(total, column) or 0 for column in b.b03.columns[3:])


def glossary_blocks() -> list[Block]:
    blocks = [
        Block("第四部分", 16, "center", new_page=True),
        Block("名词解释", 16, "center", space_before=4),
    ]
    texts = (*_BUDGET_GLOSSARY, *GLOSSARY[10:14])
    return blocks + [Block(f"{chinese_number(i)}、{t}") for i, t in enumerate(texts, start=1)]


def budget_specs(
    b: Budget, variants: Variants, style: BudgetStyle, rng: random.Random
) -> tuple[DocumentStyle, dict[str, TableSpec]]:
    doc_style = document_style(b, style, round(rng.uniform(0.5, 0.8), 2))
    return doc_style, build_budget_specs(b, variants, style, doc_style)


def compose_budget(
    b: Budget, variants: Variants, style: BudgetStyle, rng: random.Random
) -> ComposedDocument:
    """All pages of the budget, footers included, and where each table landed."""
    doc_style, specs = budget_specs(b, variants, style, rng)
    table_style = TableStyle(
        variants.ruling,
        variants.continuation,
        variants.wrapped_names,
        doc_style.rule_width,
        AMOUNT_GAP,
    )
    pages = flow_text(front_blocks(b, style))
    tables = {}
    for table_id in budget_order(style):
        layout = layout_table(specs[table_id], table_style)
        tables[table_id] = PlacedTable(specs[table_id], layout, len(pages) + 1)
        pages += layout.pages
    first_narrative = len(pages) + 1
    pages += flow_text(narrative_blocks(b))
    narrative_pages = tuple(range(first_narrative, len(pages) + 1))
    pages += flow_text(glossary_blocks())
    footed = tuple(
        with_footer(page, doc_style.footer.format(n=number))
        for number, page in enumerate(pages, start=1)
    )
    return ComposedDocument(footed, tables, doc_style, narrative_pages)


def _wan(value: int, amount_unit: str) -> str:
    return "0" if value == 0 else wan_text(value, amount_unit)


def budget_truth(
    b: Budget,
    variants: Variants,
    style: BudgetStyle,
    document: ComposedDocument,
    file_name: str,
    seed: int,
    paired_final: str | None,
) -> dict[str, object]:
    """The ground truth of a composed budget document (schema as truth.build_truth's)."""
    doc_style = document.style
    return {
        "schema_version": SCHEMA_VERSION,
        "file_name": file_name,
        "seed": seed,
        "document": {
            "unit_name": b.unit_name,
            "region": b.region or None,
            "unit_level": b.unit_level,
            "fiscal_year": b.fiscal_year,
            "document_kind": DOCUMENT_KIND,
            "header_unit_name": doc_style.header_unit_name,
            "page_count": len(document.pages),
            "is_seed_case": False,
        },
        "variants": variants.as_dict(),
        "budget_style": style.as_dict(),
        "layout": {
            "page_footer": doc_style.footer,
            "footer_on_every_page": True,
            "page_numbers": "footer number = 1-based physical page number",
            "cover_style": doc_style.cover_style,
            "rule_width": doc_style.rule_width,
            "ruling_none": NONE_RULING_DESCRIPTION,
            "narrative_money_unit": "元" if b.amount_unit == "元" else "万元",
            "table_order": list(budget_order(style)),
        },
        "tables": {
            table_id: _table_truth(document.tables[table_id])
            for table_id in sorted(document.tables)
        },
        "narrative": {
            key: _wan(value, b.amount_unit) for key, value in b.narrative.key_figures().items()
        },
        "paired_final": paired_final,
        "planted_errors": [],
    }


# ---------------------------------------------------------------------------
# Budget against final: what the warehouse must hold for a unit and year


def _leaf_rows(rows: list[dict]) -> list[dict]:
    """Rows with a code and no printed child (a longer code starting with it)."""
    codes = [row["code"] for row in rows if row.get("code")]
    return [
        row
        for row in rows
        if row.get("code")
        and not any(c != row["code"] and c.startswith(row["code"]) for c in codes)
    ]


def _decimal_text(value: str | None) -> str | None:
    return None if value is None else str(Decimal(value))


def pair_truth(budget: dict, final: dict) -> dict[str, list[dict]]:
    """fct_budget_vs_final and three_public_budget_vs_final rows of one unit and year, from
    the two documents' truths (leaf rows of B05/B08/B09 and T05/T08/T09; the four 三公
    items), amounts as exact 万元 decimal strings, None where a document prints none."""
    rows: dict[tuple[str, str, str], dict] = {}
    for budget_id, fund in FUND_TYPES.items():
        for table, columns, side in (
            (budget["tables"][budget_id], dict.fromkeys(BUDGET_SPENDING_COLUMNS), "budget"),
            (final["tables"][FINAL_COUNTERPARTS[budget_id]], FINAL_SPENDING_COLUMNS, "final"),
        ):
            for row in _leaf_rows(table["rows"]):
                for column, kind in columns.items():
                    value = row["values"].get(column)
                    if value is None:
                        continue
                    key = (row["code"], fund, kind or column)
                    entry = rows.setdefault(
                        key,
                        {
                            "subject_code": key[0],
                            "fund_type": fund,
                            "expenditure_type": key[2],
                            "budget_amount": None,
                            "final_amount": None,
                        },
                    )
                    entry[f"{side}_amount"] = _decimal_text(value)
    three_public = []
    budget_items = {row["label"]: row["values"] for row in budget["tables"]["B07"]["rows"]}
    final_items = {row["label"]: row["values"] for row in final["tables"]["T07"]["rows"]}
    for item in THREE_PUBLIC_LEAVES:
        values = (
            budget_items.get(item, {}).get(BUDGET_AMOUNT),
            final_items.get(item, {}).get("预算数"),
            final_items.get(item, {}).get("决算数"),
        )
        if any(value is not None for value in values):
            three_public.append(
                {
                    "cost_item": item,
                    "budget_amount": _decimal_text(values[0]),
                    "final_budget_amount": _decimal_text(values[1]),
                    "final_amount": _decimal_text(values[2]),
                }
            )
    return {
        "budget_vs_final": [rows[key] for key in sorted(rows)],
        "three_public_budget_vs_final": three_public,
    }


def budget_relative_path(unit_name: str, region: str, level: str, year: int, index: int) -> Path:
    """Mixed on purpose, as the finals' names are (corpus.default_relative_path)."""
    kind = "部门预算" if level == "部门" else "单位预算"
    pattern = index % 3
    if pattern == 0:
        return Path(str(year)) / f"{unit_name}{year}年度{kind}.pdf"
    if pattern == 1:
        return Path(f"ys_{index:04d}.pdf")
    return Path(region or "其他") / f"{year}年{unit_name}{kind}公开.pdf"
