"""The Excel export, the bureau's list of what to act on: the errors and the items to
check by hand (问题清单; rounding differences and notes are in the CSV and JSON, which hold
every finding), the findings a reviewer dismissed (已排除, with the reason), every document
(文档), the overview (概览), and the budget against the final accounts with the largest
gaps per unit, year and subject (预算执行) and per 三公 item (三公预算执行; every line is in
the budget CSVs). A first sheet 说明 says what is where.

Chinese headers, amounts as numbers (not text), a frozen header row and an autofilter,
so a reviewer can sort and filter in Excel or WPS as in the HTML report. The workbook is
streamed (pipelines.report.xlsx): memory stays flat, and 问题清单's rows come already
rendered, each document's kept from the last write unless it changed
(pipelines.report.export_fragments).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import islice
from pathlib import Path

from pipelines.report.data import (
    BUDGET_LINE_STATES,
    BUDGET_TOP_LINES,
    SEVERITY_TITLES,
    STATUS_TITLES,
    BudgetComparison,
    BudgetLine,
    Finding,
    ReportData,
    ThreePublicLine,
    plain_value,
)
from pipelines.report.xlsx import Column, WorkbookWriter, row_cells

FINDINGS_SHEET = "问题清单"
DISMISSED_SHEET = "已排除"
DOCUMENTS_SHEET = "文档"
OVERVIEW_SHEET = "概览"
BUDGET_SHEET = "预算执行"
THREE_PUBLIC_SHEET = "三公预算执行"

# (header, width, kind): pipelines.report.xlsx.Column
FINDING_COLUMNS = [
    ("单位", 28, "text"),
    ("地区", 12, "text"),
    ("年度", 7, "int"),
    ("文件名", 30, "text"),
    ("文件状态", 9, "text"),
    ("严重程度", 9, "severity"),
    ("检查项", 40, "text"),
    ("检查编号", 22, "text"),
    ("表号", 6, "text"),
    ("表名", 28, "text"),
    ("对照表", 8, "text"),
    ("位置", 18, "text"),
    ("列", 16, "text"),
    ("预期值（万元）", 15, "amount"),
    ("实际值（万元）", 15, "amount"),
    ("差额（万元）", 13, "amount"),
    ("容差（万元）", 12, "amount"),
    ("页码", 6, "int"),
    ("说明", 60, "text"),
    ("文件编号（SHA-256）", 20, "text"),
    ("发现编号", 14, "text"),  # `juesuan dismiss 发现编号 --reason …`
]
DISMISSED_COLUMNS = [
    *FINDING_COLUMNS,
    ("排除理由", 40, "text"),
    ("排除时间（北京时间）", 19, "datetime"),
    ("排除人", 10, "text"),
]
DOCUMENT_COLUMNS = [
    ("单位", 28, "text"),
    ("地区", 12, "text"),
    ("级次", 6, "text"),
    ("年度", 7, "int"),
    ("文件名", 34, "text"),
    ("状态", 9, "text"),
    ("原因", 50, "text"),
    ("页数", 6, "int"),
    ("入库时间（北京时间）", 19, "datetime"),
    ("检查时间（北京时间）", 19, "datetime"),
    ("检查条数", 9, "int"),
    ("通过条数", 9, "int"),
    ("错误", 6, "int"),
    ("尾数误差", 9, "int"),
    ("文件编号（SHA-256）", 20, "text"),
    ("需人工核对", 11, "int"),
    ("文件类型", 8, "text"),  # 决算 or 预算
]
OVERVIEW_COLUMNS = [
    ("单位", 28, "text"),
    ("地区", 12, "text"),
    ("级次", 6, "text"),
    ("年度", 7, "int"),
    ("文件状态", 9, "text"),
    ("检查结论", 11, "text"),
    ("错误", 6, "int"),
    ("尾数误差", 9, "int"),
    ("覆盖情况", 12, "text"),
    ("文件数", 7, "int"),
    ("需人工核对", 11, "int"),  # last: the earlier columns keep their places
    ("文件类型", 8, "text"),
]
BUDGET_COLUMNS = [
    ("单位", 28, "text"),
    ("地区", 12, "text"),
    ("年度", 7, "int"),
    ("科目编码", 10, "text"),
    ("科目名称", 28, "text"),
    ("类", 24, "text"),
    ("资金性质", 14, "text"),
    ("支出类型", 10, "text"),
    ("预算数（万元）", 15, "amount"),
    ("决算数（万元）", 15, "amount"),
    ("执行率", 9, "percent"),
    ("差额（决算−预算，万元）", 16, "amount"),
    ("对比情况", 14, "text"),
    ("预算文件编号（SHA-256）", 20, "text"),
    ("决算文件编号（SHA-256）", 20, "text"),
]
THREE_PUBLIC_COLUMNS = [
    ("单位", 28, "text"),
    ("地区", 12, "text"),
    ("年度", 7, "int"),
    ("项目", 24, "text"),
    ("预算数（预算文件，万元）", 16, "amount"),
    ("预算数（决算所列，万元）", 16, "amount"),
    ("决算数（万元）", 15, "amount"),
    ("执行率", 9, "percent"),
    ("差额（决算−预算，万元）", 16, "amount"),
    ("决算所列预算数与预算文件之差（万元）", 18, "amount"),
    ("对比情况", 14, "text"),
]
COVERAGE_TITLES = {
    "registry": {"expected": "应报已报", "expected_missing": "应报未报", "unregistered": "名册外"},
    "warehouse": {"expected": "已报送", "expected_missing": "缺报"},
}


def _finding_row(data: ReportData, f: Finding) -> list:
    doc = data.documents_by_id.get(f.document_id or "")
    unit = data.units.get(f.unit_key or "")
    return [
        unit.name if unit else None,
        unit.region if unit else None,
        f.fiscal_year,
        doc.file_name if doc else None,
        STATUS_TITLES.get(doc.status, doc.status) if doc else None,
        SEVERITY_TITLES[f.severity],
        f.check_title,
        f.check_name,
        f.source_table,
        f.table_title,
        f.compared_table,
        f.location,
        f.measure,
        f.expected,
        f.observed,
        f.difference,
        f.tolerance,
        f.source_page,
        f.message,
        f.document_id,
        f.finding_id,
    ]


# 问题清单 holds the findings the bureau acts on; rounding differences and notes are in
# the CSV and JSON only (a province's rounding differences would make the workbook slow to
# write, open and filter in Excel or WPS).
EXCEL_SEVERITIES = ("error", "review")
# A guard, not a working limit: beyond it the sheet holds the first ones, in the
# documents' order, and 说明 says so.
EXCEL_FINDINGS_LIMIT = 50_000
NOTES_SHEET = "说明"
NOTES_COLUMNS: list[Column] = [("说明", 120, "text")]  # no header row: one wide column
CSV_NAME = "quality_findings.csv"
JSON_NAME = "quality_findings.json"
BUDGET_CSV_NAME = "quality_budget_vs_final.csv"
THREE_PUBLIC_CSV_NAME = "quality_three_public_vs_final.csv"


def workbook_notes(data: ReportData) -> list[str]:
    """The 说明 sheet, in Chinese: what the workbook holds and where the rest is."""
    documents = data.documents  # as the findings: superseded versions' included
    errors = sum(d.errors for d in documents)
    reviews = sum(d.reviews for d in documents)
    roundings = sum(d.roundings for d in documents)
    infos = sum(d.infos for d in documents)
    notes = [
        f"「{FINDINGS_SHEET}」列出需要处理的问题：错误 {errors} 处、需人工核对 {reviews} 处"
        f"（已排除的见「{DISMISSED_SHEET}」）。尾数误差（{roundings} 处）与提示（{infos} 处）"
        f"不在本工作簿，全部问题（含尾数误差、提示与已排除的）见同目录下的 {CSV_NAME} 与 "
        f"{JSON_NAME}。",
    ]
    if errors + reviews > EXCEL_FINDINGS_LIMIT:
        notes.append(
            f"错误与需人工核对的问题共 {errors + reviews} 处，超过本工作簿的上限 "
            f"{EXCEL_FINDINGS_LIMIT} 处：「{FINDINGS_SHEET}」只列按单位、年度排在前面的 "
            f"{EXCEL_FINDINGS_LIMIT} 处，其余见 {CSV_NAME}。"
        )
    budget = data.budget
    if budget.line_count or budget.three_public_count:
        notes.append(
            f"「{BUDGET_SHEET}」共 {budget.line_count} 行、「{THREE_PUBLIC_SHEET}」共 "
            f"{budget.three_public_count} 项，本工作簿各列差额绝对值最大的至多 "
            f"{BUDGET_TOP_LINES} 行；全部行见同目录下的 {BUDGET_CSV_NAME} 与 "
            f"{THREE_PUBLIC_CSV_NAME}。"
        )
    notes.append(
        f"「{DOCUMENTS_SHEET}」列出每份文件及其检查结果，「{OVERVIEW_SHEET}」按单位、年度与"
        "文件类型汇总。"
    )
    return notes


def finding_cells(data: ReportData, f: Finding) -> str:
    """A finding as a row of 问题清单, rendered."""
    return row_cells(FINDING_COLUMNS, _finding_row(data, f))


def write_workbook(data: ReportData, finding_rows: Iterable[str], path: Path) -> int:
    """`finding_rows`: 问题清单's rows (finding_cells: the current errors and items to
    review in the report's order), of which the sheet takes up to EXCEL_FINDINGS_LIMIT.
    Return how many it holds."""
    with WorkbookWriter(path, title="预算决算公开数据质量检查问题清单", creator="Juesuan") as book:
        notes = (row_cells(NOTES_COLUMNS, [note]) for note in workbook_notes(data))
        book.sheet(NOTES_SHEET, NOTES_COLUMNS, notes, header=False)
        count = book.sheet(
            FINDINGS_SHEET, FINDING_COLUMNS, islice(finding_rows, EXCEL_FINDINGS_LIMIT)
        )
        dismissed_rows = (
            [
                *_finding_row(data, f),
                f.dismissal.reason if f.dismissal else None,
                f.dismissal.dismissed_at if f.dismissal else None,
                f.dismissal.dismissed_by if f.dismissal else None,
            ]
            for f in data.dismissed
        )
        _sheet(book, DISMISSED_SHEET, DISMISSED_COLUMNS, dismissed_rows)
        _sheet(book, DOCUMENTS_SHEET, DOCUMENT_COLUMNS, _document_rows(data))
        _sheet(book, OVERVIEW_SHEET, OVERVIEW_COLUMNS, _overview_rows(data))
        _budget_sheets(book, data)
    return count


def _sheet(book: WorkbookWriter, title: str, columns: list[Column], rows: Iterable[list]) -> None:
    book.sheet(title, columns, (row_cells(columns, row) for row in rows))


def _document_rows(data: ReportData) -> Iterator[list]:
    for doc in data.documents:
        unit = data.units.get(doc.unit_key or "")
        yield [
            unit.name if unit else None,
            unit.region if unit else None,
            unit.level if unit else None,
            doc.fiscal_year,
            doc.file_name,
            STATUS_TITLES.get(doc.status, doc.status),
            doc.status_reason,
            doc.page_count,
            doc.ingested_at,
            doc.checked_at,
            doc.checks_total,
            doc.checks_passed,
            doc.errors,
            doc.roundings,
            doc.document_id,
            doc.reviews,
            doc.kind,
        ]


def _overview_rows(data: ReportData) -> Iterator[list]:
    coverage_titles = COVERAGE_TITLES.get(data.coverage_basis or "", {})
    for row in data.overview:
        unit = data.units[row.unit_key]
        yield [
            unit.name,
            unit.region,
            unit.level,
            row.fiscal_year,
            STATUS_TITLES.get(row.status, row.status),
            row.conclusion,
            row.errors,
            row.roundings,
            coverage_titles.get(row.coverage or ""),
            len(row.document_ids),
            row.reviews,
            row.kind,
        ]


def budget_line_row(data: ReportData, line: BudgetLine) -> list:
    """A line of 预算执行 (BUDGET_COLUMNS), as the workbook and the budget CSV print it."""
    u = data.units.get(line.unit_key)
    return [
        u.name if u else line.unit_key,
        u.region if u else None,
        line.fiscal_year,
        line.subject_code,
        line.subject_name,
        " ".join(p for p in (line.class_code, line.class_name) if p) or None,
        line.fund_type,
        line.expenditure_type,
        plain_value(line.budget),
        plain_value(line.final),
        plain_value(line.execution_rate),
        plain_value(line.gap),
        BUDGET_LINE_STATES[line.state],
        line.budget_document_id,
        line.final_document_id,
    ]


def three_public_row(data: ReportData, item: ThreePublicLine) -> list:
    """A line of 三公预算执行 (THREE_PUBLIC_COLUMNS), as the workbook and its CSV print it."""
    u = data.units.get(item.unit_key)
    return [
        u.name if u else item.unit_key,
        u.region if u else None,
        item.fiscal_year,
        item.cost_item,
        plain_value(item.budget),
        plain_value(item.final_budget),
        plain_value(item.final),
        plain_value(item.execution_rate),
        plain_value(item.gap),
        plain_value(item.restatement_gap),
        BUDGET_LINE_STATES[item.state],
    ]


def _budget_sheets(book: WorkbookWriter, data: ReportData) -> None:
    """预算执行 and 三公预算执行: the lines with the largest absolute gaps, largest first
    (the warehouse chose them: data.budget); where there is nothing to compare, the
    sentence saying why under the header."""
    budget: BudgetComparison = data.budget
    note = [[budget.note]] if budget.note else []
    lines = (budget_line_row(data, line) for line in budget.lines)
    _sheet(book, BUDGET_SHEET, BUDGET_COLUMNS, lines if budget.lines else note)
    items = (three_public_row(data, item) for item in budget.three_public)
    _sheet(book, THREE_PUBLIC_SHEET, THREE_PUBLIC_COLUMNS, items if budget.three_public else note)
