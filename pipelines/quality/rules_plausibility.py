"""Plausibility checks: codes, national class codes, signs, completeness.

The rules record the facts an expectation reads (`Outcome.facts`: the code, whether it
sits under its parent, the class code, the smallest amount of a row, the table status);
the plausibility suite in expectations/ decides. Places:

- code_well_formed: every coded row, location = the code. Function codes are 3, 5 or 7
  digits and sit under their parent: the nearest row above with a shorter code must be
  a prefix of it (a 款 printed under another 类 is a mis-joined code). Economic codes
  (T06, printed in side-by-side groups, so not in hierarchical order) are 3 or 5 digits
  and their 类 is printed when the table prints classes. A code printed twice in one
  table is reported too.
- class_code_national: each class (first three digits) a function table prints,
  location = the class code, against pipelines.domain.subjects.FUNCTION_CLASSES.
- amount_non_negative: every row with a printed amount, location = the row's place,
  measure = the column of its smallest amount. Carry-over and balance figures
  (结转和结余, 结余分配) may be negative and are not checked.
- tables_complete: each of the nine tables, source_table = the table, location NULL;
  found ('extracted'), printed empty ('empty') or left out by the document's template
  ('not_in_template': its contents or its table numbers stop at eight, no T09) passes,
  'missing' fails.
"""

from __future__ import annotations

import re
from decimal import Decimal

from pipelines.domain.tables import BUDGET_STANDARD_IDS
from pipelines.quality.document import TABLE_IDS, Document, Row, Table
from pipelines.quality.outcomes import Collector, fmt, table_place

FUNCTION_CODE_TABLES = ("T01", "T02", "T03", "T04", "T05", "T08", "T09")
BUDGET_FUNCTION_CODE_TABLES = ("B01", "B02", "B03", "B04", "B05", "B08", "B09")
STATEMENT_TABLES = ("T01", "T04", "B01", "B04")
FUNCTION_CODE = re.compile(r"\d{3}(?:\d{2}){0,2}")
ECONOMIC_CODE = re.compile(r"\d{3}(?:\d{2})?")
FUNCTION_SYSTEM, ECONOMIC_SYSTEM = "功能分类", "经济分类"
CARRY_OVER_COLUMNS = ("年初结转和结余", "年末结转和结余")


def _side_rows(table: Table) -> list[tuple[Row, ...]]:
    """Rows in printed order, one run per side of a two-sided statement."""
    sides = dict.fromkeys(row.side for row in table.rows)
    return [tuple(row for row in table.rows if row.side == side) for side in sides]


def _code_outcome(
    c: Collector,
    table: Table,
    row: Row,
    system: str,
    well_formed: bool,
    parent: str | None,
    parent_consistent: bool,
    printed_once: bool,
) -> None:
    code = row.code or ""
    place = table_place(table.table_id, code)
    problems = []
    if not well_formed:
        digits = "3、5 或 7" if system == FUNCTION_SYSTEM else "3 或 5"
        problems.append(f"编码“{code}”不是 {digits} 位数字")
    if not parent_consistent:
        if system == FUNCTION_SYSTEM:
            problems.append(f"印在 {parent} 之下，但上级科目应为 {code[: len(code) - 2]}")
        else:
            problems.append(f"所属类 {code[:3]} 未在表中列出")
    if not printed_once:
        problems.append("编码在同一表中重复出现")
    c.plausibility(
        "code_well_formed",
        table,
        code,
        {
            "code": code,
            "code_system": system,
            "parent_consistent": parent_consistent,
            "printed_once": printed_once,
        },
        page=row.page,
        pass_message=f"{place}：{system}编码格式正确且与上级科目一致",
        fail_message=f"{place}：{'；'.join(problems) or '编码异常'}",
    )


def _function_codes(c: Collector, table: Table) -> None:
    for rows in _side_rows(table):
        seen: set[str] = set()
        for index, row in enumerate(rows):
            if row.code is None:
                continue
            code = row.code
            well_formed = FUNCTION_CODE.fullmatch(code) is not None
            above = next(
                (
                    r.code
                    for r in reversed(rows[:index])
                    if r.code is not None and len(r.code) < len(code)
                ),
                None,
            )
            # a malformed code has no meaningful parent: reported as malformed only
            consistent = above is None or not well_formed or code.startswith(above)
            once = code not in seen or table.sums_repeated_codes
            _code_outcome(c, table, row, FUNCTION_SYSTEM, well_formed, above, consistent, once)
            seen.add(code)


def _economic_codes(c: Collector, table: Table) -> None:
    classes = {row.code for row in table.rows if row.code is not None and len(row.code) == 3}
    seen: set[str] = set()
    for row in table.rows:
        if row.code is None:
            continue
        code = row.code
        well_formed = ECONOMIC_CODE.fullmatch(code) is not None
        consistent = len(code) == 3 or not classes or code[:3] in classes
        # a department's budget lists a code once per unit (Table.sums_repeated_codes)
        once = code not in seen or table.sums_repeated_codes
        _code_outcome(c, table, row, ECONOMIC_SYSTEM, well_formed, code[:3], consistent, once)
        seen.add(code)


def _class_codes(c: Collector, table: Table, national: dict[str, str]) -> None:
    first_rows: dict[str, Row] = {}
    for row in table.rows:
        if row.code is not None and len(row.code) >= 3 and row.code[:3].isdigit():
            first_rows.setdefault(row.code[:3], row)
    for class_code, row in first_rows.items():
        place = table_place(table.table_id, class_code)
        name = national.get(class_code)
        c.plausibility(
            "class_code_national",
            table,
            class_code,
            {"class_code": class_code},
            page=row.page,
            pass_message=f"{place}：类级科目 {class_code} {name or ''} 属于全国统一科目",
            fail_message=f"{place}：类级科目 {class_code}（{row.label or ''}）不在全国统一科目中",
        )


def _may_be_negative(table: Table, row: Row, column: str) -> bool:
    label = row.label or ""
    if table.table_id in STATEMENT_TABLES and ("结转" in label or "结余" in label):
        return True
    return column in CARRY_OVER_COLUMNS


def _non_negative(c: Collector, table: Table) -> None:
    for row in table.rows:
        amounts = [
            (cell.amount, column)
            for column, cell in row.cells.items()
            if cell.amount is not None and not _may_be_negative(table, row, column)
        ]
        if not amounts:
            continue
        smallest, column = min(amounts, key=lambda item: item[0])
        location = row.location
        place = table_place(table.table_id, location, column)
        c.plausibility(
            "amount_non_negative",
            table,
            location,
            {"min_amount": smallest},
            page=row.page,
            measure=column,
            observed=smallest,
            expected=Decimal(0) if smallest < 0 else None,
            pass_message=f"{place}：金额均不为负",
            fail_message=f"{place}：金额 {fmt(smallest)} 为负数，该项不应为负",
        )


def _completeness(c: Collector, document: Document) -> None:
    """Each standard table of the document's kind: T01…T09, or a budget's B01…B09 (B10
    项目支出表 and B11 政府采购预算表 are printed by some templates only)."""
    check, table_ids = (
        ("budget_tables_complete", BUDGET_STANDARD_IDS)
        if document.is_budget
        else ("tables_complete", TABLE_IDS)
    )
    for table_id in table_ids:
        table = document.table(table_id)
        title = table_place(table_id, None)
        state = {
            "extracted": "已抽取",
            # whether its note is printed is empty_table_note's (rules_identity) to say
            "empty": "印为空表（无数字）",
            "not_in_template": "模板不含此表（目录或表号只到第八张）",
        }.get(table.status, "缺失")
        c.plausibility(
            check,
            table,
            None,
            {"table_status": table.status},
            page=table.first_page,
            pass_message=f"{title}：{state}",
            fail_message=f"{title}：文件中未找到该表，也没有“本表无数据”的说明",
        )


def plausibility_rules(c: Collector, document: Document, national: dict[str, str]) -> None:
    budget = document.is_budget
    for table_id in BUDGET_FUNCTION_CODE_TABLES if budget else FUNCTION_CODE_TABLES:
        table = document.table(table_id)
        if table.present:
            _function_codes(c, table)
            _class_codes(c, table, national)
    econ = document.table("B06" if budget else "T06")
    if econ.present:
        _economic_codes(c, econ)
    # a budget's listings (B10, B11) print quantities and words beside money: not read
    for table_id in BUDGET_STANDARD_IDS if budget else TABLE_IDS:
        table = document.table(table_id)
        if table.present:
            _non_negative(c, table)
    _completeness(c, document)
