"""The Excel export, the bureau's list of what to act on: the errors and the items to
check by hand (问题清单; rounding differences and notes are in the CSV and JSON, which hold
every finding), the findings a reviewer dismissed (已排除, with the reason), every document
(文档), the overview (概览), and the budget against the final accounts with the largest
gaps per unit, year and subject (预算执行) and per 三公 item (三公预算执行; every line is in
the budget CSVs). A first sheet 说明 says what is where.

Chinese headers, amounts as numbers (not text), a frozen header row and an autofilter,
so a reviewer can sort and filter in Excel or WPS as in the HTML report. The workbook is
written in openpyxl's write-only mode: rows stream to disk, memory stays flat.
"""

from __future__ import annotations

from collections.abc import Iterable
from copy import copy
from itertools import islice
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

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

FINDINGS_SHEET = "问题清单"
DISMISSED_SHEET = "已排除"
DOCUMENTS_SHEET = "文档"
OVERVIEW_SHEET = "概览"
BUDGET_SHEET = "预算执行"
THREE_PUBLIC_SHEET = "三公预算执行"

AMOUNT_FORMAT = "#,##0.00####"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm:ss"
PERCENT_FORMAT = "0.00%"
_NUMBER_FORMATS = {"amount": AMOUNT_FORMAT, "datetime": DATETIME_FORMAT, "percent": PERCENT_FORMAT}
_HEADER_FILL = PatternFill("solid", fgColor="1F3A5F")
_HEADER_FONT = Font(bold=True, color="FFFFFF")
# How the 严重程度 cell of a finding is highlighted, by severity (info: not at all).
_SEVERITY_STYLES = {
    "error": (PatternFill("solid", fgColor="FDE8E7"), Font(bold=True, color="B42318")),
    "review": (PatternFill("solid", fgColor="F4F0FD"), Font(bold=True, color="5B3EA8")),
    "rounding": (PatternFill("solid", fgColor="FFF6E0"), Font(bold=False, color="93370D")),
}

# (header, width, kind) — kind: 'text', 'int', 'amount', 'datetime', 'percent'
FINDING_COLUMNS = [
    ("单位", 28, "text"),
    ("地区", 12, "text"),
    ("年度", 7, "int"),
    ("文件名", 30, "text"),
    ("文件状态", 9, "text"),
    ("严重程度", 9, "text"),
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


_STYLES_BY_TITLE = {SEVERITY_TITLES[key]: style for key, style in _SEVERITY_STYLES.items()}


def _safe(value: object) -> object:
    """Text without the control characters XML (hence .xlsx) cannot hold."""
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)
    return value


def _sheet(
    wb: Workbook,
    title: str,
    columns: list[tuple[str, int, str]],
    rows: Iterable[list],
):
    """A sheet of the write-only workbook: rows are streamed to disk as they come, so the
    memory does not grow with them. A 严重程度 cell is coloured by its severity."""
    ws = wb.create_sheet(title)
    for index, (_, width, _) in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    ws.freeze_panes = "A2"
    header = []
    for name, _, _ in columns:
        cell = WriteOnlyCell(ws, value=name)
        cell.fill = _HEADER_FILL
        cell.font = _HEADER_FONT
        cell.alignment = Alignment(vertical="center", wrap_text=True)
        header.append(cell)
    ws.append(header)
    # One styled cell per number format and severity, its style shared by every cell that
    # needs it: setting a style cell by cell costs more than writing the workbook.
    formats = {}
    for index, (_, _, kind) in enumerate(columns):
        if kind in _NUMBER_FORMATS:
            template = WriteOnlyCell(ws)
            template.number_format = _NUMBER_FORMATS[kind]
            formats[index] = template._style
    severity_col = next((i for i, (name, _, _) in enumerate(columns) if name == "严重程度"), -1)
    severity_styles = {}
    for title, (fill, font) in _STYLES_BY_TITLE.items():
        template = WriteOnlyCell(ws)
        template.fill, template.font = fill, font
        severity_styles[title] = template._style
    count = 0
    for row in rows:
        cells: list = []
        for index, value in enumerate(row):
            if (
                value is None
                or isinstance(value, bool)
                or (isinstance(value, int) and index not in formats)
            ):
                cells.append(value)
                continue
            value = _safe(value)
            if isinstance(value, str) and not value.startswith("=") and index != severity_col:
                cells.append(value)  # text openpyxl cannot take for a formula: no cell object
                continue
            cell = WriteOnlyCell(ws, value=value)
            if isinstance(value, str):
                # Text from a document is never a formula, however it begins.
                cell.data_type = "s"
                if index == severity_col and value in severity_styles:
                    cell._style = copy(severity_styles[value])
            elif index in formats:
                cell._style = copy(formats[index])
            cells.append(cell)
        ws.append(cells)
        count += 1
    if count:
        ws.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{count + 1}"
    return ws


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
# A guard, not a working limit (openpyxl writes ~1,200 findings a second): beyond it the
# sheet holds the first ones, in the documents' order, and 说明 says so.
EXCEL_FINDINGS_LIMIT = 50_000
NOTES_SHEET = "说明"
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


def write_workbook(data: ReportData, findings: Iterable[Finding], path: Path) -> int:
    """`findings`: the current findings in the report's order (the caller reads them from
    the warehouse); 问题清单 takes their errors and items to review, up to
    EXCEL_FINDINGS_LIMIT. Return how many it holds."""
    wb = Workbook(write_only=True)
    explained = wb.create_sheet(NOTES_SHEET)
    explained.column_dimensions["A"].width = 120
    for note in workbook_notes(data):
        explained.append([note])

    actionable = islice(
        (f for f in findings if f.severity in EXCEL_SEVERITIES), EXCEL_FINDINGS_LIMIT
    )
    count = 0

    def rows():
        nonlocal count
        for finding in actionable:
            count += 1
            yield _finding_row(data, finding)

    _sheet(wb, FINDINGS_SHEET, FINDING_COLUMNS, rows())
    dismissed_rows = [
        [
            *_finding_row(data, f),
            f.dismissal.reason if f.dismissal else None,
            f.dismissal.dismissed_at if f.dismissal else None,
            f.dismissal.dismissed_by if f.dismissal else None,
        ]
        for f in data.dismissed
    ]
    _sheet(wb, DISMISSED_SHEET, DISMISSED_COLUMNS, dismissed_rows)

    document_rows = []
    for doc in data.documents:
        unit = data.units.get(doc.unit_key or "")
        document_rows.append(
            [
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
        )
    _sheet(wb, DOCUMENTS_SHEET, DOCUMENT_COLUMNS, document_rows)

    overview_rows = []
    for row in data.overview:
        unit = data.units[row.unit_key]
        overview_rows.append(
            [
                unit.name,
                unit.region,
                unit.level,
                row.fiscal_year,
                STATUS_TITLES.get(row.status, row.status),
                row.conclusion,
                row.errors,
                row.roundings,
                COVERAGE_TITLES.get(data.coverage_basis or "", {}).get(row.coverage or ""),
                len(row.document_ids),
                row.reviews,
                row.kind,
            ]
        )
    _sheet(wb, OVERVIEW_SHEET, OVERVIEW_COLUMNS, overview_rows)
    _budget_sheets(wb, data)

    wb.properties.title = "预算决算公开数据质量检查问题清单"
    wb.properties.creator = "Juesuan"
    wb.save(path)
    return count


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


def _budget_sheets(wb: Workbook, data: ReportData) -> None:
    """预算执行 and 三公预算执行: the lines with the largest absolute gaps, largest first
    (the warehouse chose them: data.budget); where there is nothing to compare, the
    sentence saying why under the header."""
    budget: BudgetComparison = data.budget

    note = [[budget.note]] if budget.note else []
    lines = (budget_line_row(data, line) for line in budget.lines)
    _sheet(wb, BUDGET_SHEET, BUDGET_COLUMNS, lines if budget.lines else note)
    _sheet(
        wb,
        THREE_PUBLIC_SHEET,
        THREE_PUBLIC_COLUMNS,
        (three_public_row(data, item) for item in budget.three_public)
        if budget.three_public
        else note,
    )
