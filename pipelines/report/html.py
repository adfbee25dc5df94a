"""The HTML report: one self-contained file (inline CSS, vanilla JS, data as JSON).

The header and totals are rendered here and read without JavaScript; the tables are
drawn by the inline script from a compact JSON data island, which keeps the file small
with thousands of findings. Every text from the warehouse is escaped: html.escape for
the markup rendered here, and the data island is JSON with <, >, & escaped, drawn with
textContent only.
"""

from __future__ import annotations

import json
import os
from datetime import datetime
from decimal import Decimal
from functools import cache
from html import escape
from pathlib import Path
from string import Template

from pipelines.domain.tables import TABLES
from pipelines.quality.catalogue import CHECKS
from pipelines.report import assets
from pipelines.report.data import (
    BUDGET_LINE_STATES,
    BudgetComparison,
    Document,
    Finding,
    ReportData,
    plain_value,
)
from pipelines.report.excel import BUDGET_CSV_NAME, THREE_PUBLIC_CSV_NAME
from pipelines.report.pages import RenderedPages

# The documents' pages (one HTML file a document, with its findings and page images) and
# the stylesheet and script they share, beside the overview.
DOCUMENTS_FOLDER = "quality_report_documents"


def document_page_name(document_id: str) -> str:
    return f"{document_id[:16]}.html"


_SEVERITY_CODES = {"error": "e", "review": "v", "rounding": "r", "info": "i"}
TITLE = "预算决算公开数据质量报告"


@cache
def _template() -> Template:
    return Template((assets.STATIC / "report.html").read_text(encoding="utf-8"))


# Parts drawn the same on the overview and on every document page.
SHARED_FRAGMENTS = ("legend.html", "severity-filter.html")


@cache
def _fragment(name: str) -> Template:
    return Template((assets.STATIC / name).read_text(encoding="utf-8").rstrip("\n"))


def _severity_parts(has_info: bool) -> dict[str, str]:
    """The legend of severities and the severity filter (with 提示 when there are any)."""
    info_option = '\n<option value="info">提示</option>' if has_info else ""
    return {
        "legend": _fragment("legend.html").substitute(),
        "severity_filter": _fragment("severity-filter.html").substitute(info_option=info_option),
    }


def _time(moment: datetime | None) -> str | None:
    return moment.strftime("%Y-%m-%d %H:%M") if moment else None


def _data_island(payload: dict) -> str:
    """JSON safe inside <script type="application/json">: no '</script>', no '<!--'."""
    text = json.dumps(payload, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return (
        text.replace("&", "\\u0026")
        .replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


class _Refs:
    """The compact arrays' lookup lists: units and checks named once, by position."""

    def __init__(self, data: ReportData):
        self.data = data
        self.unit_index: dict[str, int] = {}
        self.units: list[list] = []
        self.check_index: dict[str, int] = {}
        self.checks: list[list[str]] = []

    def unit(self, key: str | None) -> int:
        if key is None or key not in self.data.units:
            return -1
        if key not in self.unit_index:
            unit = self.data.units[key]
            self.unit_index[key] = len(self.units)
            self.units.append([unit.name, unit.region, unit.level])
        return self.unit_index[key]

    def check(self, name: str, title: str) -> int:
        if name not in self.check_index:
            self.check_index[name] = len(self.checks)
            self.checks.append([name, title])
        return self.check_index[name]


def _finding_row(f: Finding, doc_ref: int, refs: _Refs) -> list:
    return [
        doc_ref,
        refs.check(f.check_name, f.check_title),
        f.source_table,
        f.source_page,
        f.location,
        f.expected,
        f.observed,
        f.difference,
        f.tolerance,
        _SEVERITY_CODES[f.severity],
        f.message,
        f.measure,
        f.compared_table,
        f.finding_id,
        None if f.box is None else [round(v, 2) for v in f.box],
    ]


def _dismissed_row(f: Finding, doc_ref: int, refs: _Refs) -> list:
    return [
        *_finding_row(f, doc_ref, refs),
        f.dismissal.reason if f.dismissal else None,
        _time(f.dismissal.dismissed_at) if f.dismissal else None,
        f.dismissal.dismissed_by if f.dismissal else None,
    ]


# The overview lists the budget lines with the largest gaps; the Excel export's 预算执行
# sheet holds more of them, and the budget CSVs every line.
BUDGET_LINES_IN_OVERVIEW = 300


def build_payload(data: ReportData) -> dict:
    """The overview's compact arrays (positions named in static/report.js): documents with
    their counts and search words, never their findings (those are on the documents'
    pages, DOCUMENTS_FOLDER)."""
    refs = _Refs(data)
    doc_index: dict[str, int] = {}
    docs: list[list] = []
    for doc in data.documents:
        doc_index[doc.document_id] = len(docs)
        docs.append(_doc_row(doc, refs.unit(doc.unit_key)))
    for name, check in CHECKS.items():  # the search finds a document by a check's title
        refs.check(name, check.title)
    dismissed = [
        _dismissed_row(f, doc_index.get(f.document_id or "", -1), refs) for f in data.dismissed
    ]
    overview = [
        [
            refs.unit(row.unit_key),
            row.fiscal_year,
            row.status,
            row.errors,
            row.roundings,
            row.coverage,
            row.conclusion,
            [doc_index[d] for d in row.document_ids if d in doc_index],
            row.reviews,
            row.kind,
        ]
        for row in data.overview
    ]
    by_check = [
        [refs.check(s.check_name, s.check_title), s.errors, s.roundings, s.documents, s.reviews]
        for s in data.check_summary
    ]
    return {
        "mode": "overview",
        "units": refs.units,
        "docs": docs,
        "checks": refs.checks,
        "tables": _table_titles(),
        "f": [],
        "ov": overview,
        "cs": by_check,
        "cov": data.coverage_basis,
        "x": dismissed,
        "pg": {},
        "bv": _budget_payload(data.budget, refs.unit),
    }


def _table_titles() -> dict[str, str]:
    return {spec.table_id: spec.canonical_title for spec in TABLES}


def build_document_payload(
    data: ReportData, doc: Document, findings: list[Finding], pages: RenderedPages | None
) -> dict:
    """One document's page: the document, its findings, the ones dismissed, the images of
    the pages they point at."""
    refs = _Refs(data)
    current = [f for f in findings if f.dismissal is None]
    images = {
        f"0:{number}": [
            image.src,
            round(image.left, 2),
            round(image.bottom, 2),
            round(image.width, 2),
            round(image.height, 2),
        ]
        for (document_id, number), image in (pages.images.items() if pages else ())
        if document_id == doc.document_id
    }
    return {
        "mode": "document",
        "units": refs.units,
        "docs": [_doc_row(doc, refs.unit(doc.unit_key))],
        "f": [_finding_row(f, 0, refs) for f in current],
        "x": [_dismissed_row(f, 0, refs) for f in findings if f.dismissal is not None],
        "checks": refs.checks,
        "tables": _table_titles(),
        "pg": images,
        "ov": [],
        "cs": [],
        "cov": data.coverage_basis,
    }


def _budget_payload(budget: BudgetComparison, unit_ref) -> dict:
    """The budget-against-final view (positions named in static/report.js): its lines
    largest absolute gap first, the unit-years' totals, and the 三公 items."""
    # A city's lines run to tens of thousands: each subject is named once.
    subject_index: dict[tuple, int] = {}
    subjects: list[list] = []

    def subject_ref(line) -> int:
        key = (line.subject_code, line.subject_name, line.class_code, line.class_name)
        if key not in subject_index:
            subject_index[key] = len(subjects)
            subjects.append(list(key))
        return subject_index[key]

    return {
        "states": BUDGET_LINE_STATES,
        "rows": [
            [
                unit_ref(line.unit_key),
                line.fiscal_year,
                subject_ref(line),
                line.fund_type,
                line.expenditure_type,
                plain_value(line.budget),
                plain_value(line.final),
                plain_value(line.execution_rate),
                plain_value(line.gap),
                line.state,
            ]
            for line in budget.lines[:BUDGET_LINES_IN_OVERVIEW]
        ],
        "lines": budget.line_count,
        "subj": subjects,
        "sum": [
            [
                unit_ref(s.unit_key),
                s.fiscal_year,
                s.budget_loaded,
                s.final_loaded,
                plain_value(s.budget_total),
                plain_value(s.final_total),
                plain_value(s.execution_rate),
                plain_value(s.gap),
                s.matched,
                s.only_budget,
                s.only_final,
            ]
            for s in budget.summary
        ],
        "tp": [
            [
                unit_ref(line.unit_key),
                line.fiscal_year,
                line.cost_item,
                plain_value(line.budget),
                plain_value(line.final_budget),
                plain_value(line.final),
                plain_value(line.execution_rate),
                plain_value(line.gap),
                plain_value(line.restatement_gap),
                line.state,
            ]
            for line in budget.three_public[:BUDGET_LINES_IN_OVERVIEW]
        ],
        "tp_lines": budget.three_public_count,
    }


def _doc_row(doc: Document, unit: int) -> list:
    return [
        doc.document_id[:16],  # enough for an anchor; the Excel export has the full hash
        doc.file_name,
        unit,
        doc.fiscal_year,
        doc.status,
        doc.status_reason,
        doc.page_count,
        _time(doc.ingested_at),
        doc.checks_total,
        doc.checks_passed,
        doc.errors,
        doc.roundings,
        doc.infos,
        _time(doc.checked_at),
        doc.reviews,
        doc.dismissed,
        document_page_name(doc.document_id),
        doc.keywords,
        doc.kind,
        doc.infos,
    ]


def _relative_href(target: Path, out_dir: Path) -> str:
    """A relative URL from the report's folder to `target`, percent-safe for href."""
    from urllib.parse import quote

    relative = os.path.relpath(Path(target).resolve(), Path(out_dir).resolve())
    return quote(Path(relative).as_posix(), safe="/._-~")


def _card(cls: str, key: str, value: str, detail: str = "", href: str | None = None) -> str:
    tag = "a" if href else "div"
    attr = f' href="{escape(href)}"' if href else ""
    detail_html = f'<div class="d">{detail}</div>' if detail else ""
    return (
        f'<{tag} class="card {cls}"{attr}><div class="k">{escape(key)}</div>'
        f'<div class="v">{value}</div>{detail_html}</{tag}>'
    )


def render_html(
    data: ReportData,
    out_dir: Path,
    xlsx_name: str,
    data_docs_index: Path | None = None,
    missing_files: int = 0,
) -> str:
    """The overview page: counts, coverage, 预算执行, findings by check and the paged list
    of documents, each linking to its page in DOCUMENTS_FOLDER. `missing_files`: documents
    whose pages could not be shown (their file is no longer in the inbox)."""
    statuses = data.status_counts()
    current = data.current_documents()
    errors = sum(d.errors for d in current)
    roundings = sum(d.roundings for d in current)
    error_docs = sum(d.errors > 0 for d in current)
    rounding_docs = sum(d.roundings > 0 for d in current)
    reviews = sum(d.reviews for d in current)
    review_docs = sum(d.reviews > 0 for d in current)
    years = sorted({r.fiscal_year for r in data.overview})
    year_text = (
        "—" if not years else (f"{years[0]}" if len(years) == 1 else f"{years[0]}–{years[-1]}")
    )
    unit_count = len({r.unit_key for r in data.overview})

    subtitle = [f"报告生成 {escape(_time(data.generated_at) or '')}（北京时间）"]
    if data.last_checked_at:
        subtitle.insert(0, f"检查运行 {escape(_time(data.last_checked_at) or '')}")
    if data.run_ids:
        runs = f"批次 {data.run_ids[0]}"
        if len(data.run_ids) > 1:
            runs = f"最新{runs}（各文件取最近一次检查，共 {len(data.run_ids)} 个批次）"
        subtitle.append(escape(runs))
    subtitle.append(f"数据仓库 {escape(data.warehouse.name)}")
    subtitle.append("金额单位 万元")

    links = [
        f'<a href="{escape(_relative_href(out_dir / xlsx_name, out_dir))}" download>'
        "下载 Excel 问题清单</a>"
    ]
    if data_docs_index is not None:
        href = _relative_href(data_docs_index, out_dir)
        links.append(
            f'<a href="{escape(href)}" target="_blank" rel="noopener">'
            "Great Expectations 数据文档</a>"
        )

    loaded = statuses.get("loaded", 0)
    doc_detail = (
        f"已拒收 {statuses.get('rejected', 0)} 份 · 已被替代 {statuses.get('superseded', 0)} 份"
    )
    cards = [
        _card("", "已入库文件", f"{loaded}<small>份</small>", escape(doc_detail), "#rejected-h"),
        _card(
            "c-err",
            "错误",
            f"{errors}<small>处</small>",
            escape(f"涉及 {error_docs} 份文件，超出尾数误差范围"),
            "#sev=error",
        ),
        _card(
            "c-rev",
            "需人工核对",
            f"{reviews}<small>处</small>",
            escape(f"涉及 {review_docs} 份文件，所据读数存疑，不计为错误"),
            "#sev=review",
        ),
        _card(
            "c-rnd",
            "尾数误差",
            f"{roundings}<small>处</small>",
            escape(f"涉及 {rounding_docs} 份文件，在四舍五入允许范围内"),
            "#sev=rounding",
        ),
    ]
    if data.dismissed:
        cards.append(
            _card(
                "c-dis",
                "已排除",
                f"{len(data.dismissed)}<small>处</small>",
                escape("审核认定为误报，不计入错误"),
                "#dismissed-h",
            )
        )
    if data.coverage_configured:
        expected = [r for r in data.overview if r.coverage in ("expected", "expected_missing")]
        missing = sum(r.coverage == "expected_missing" for r in expected)
        registry = data.coverage_basis == "registry"
        cards.append(
            _card(
                "c-cov",
                "应报文件覆盖" if registry else "各年度报送情况",
                f"{len(expected) - missing}<small>/ {len(expected)}</small>",
                escape(
                    f"缺报 {missing} 份 · {unit_count} 个单位 · {year_text} 年度"
                    + ("" if registry else "（未配置单位名册）")
                ),
                "#overview-h",
            )
        )
    else:
        cards.append(
            _card(
                "c-cov",
                "单位与年度",
                f"{unit_count}<small>个单位</small>",
                escape(f"{year_text} 年度 · 未配置单位名册，不统计缺报"),
                "#overview-h",
            )
        )

    budget_card = _budget_card(data.budget)
    if budget_card:
        cards.append(budget_card)

    notices = list(data.warnings)
    if missing_files:
        notices.append(
            f"{missing_files} 份文件的原文已不在收件箱（或已被更换），其问题不显示页面图像。"
        )
    if not data.checks_ran and not any("check_results" in w for w in notices):
        notices.append("数据质量检查尚未产生结果：下表只列出文件，不含问题。")
    notice_html = (
        '<div class="notice">' + "".join(f"<p>{escape(n)}</p>" for n in notices) + "</div>"
        if notices
        else ""
    )
    superseded = statuses.get("superseded", 0)
    old_toggle = (
        f'<label><input type="checkbox" id="f-old"> 含已被替代的旧版本（{superseded} 份）</label>'
        if superseded
        else '<input type="checkbox" id="f-old" hidden>'
    )
    has_info = any(d.infos for d in data.documents)
    coverage_note = {
        "registry": "覆盖情况对照单位名册：应报未报的单位与年度也列在表中。",
        "warehouse": (
            "未配置单位名册（JUESUAN_UNIT_REGISTRY）：以仓库中已有的单位为准，"
            "列出某年度有报送而其他年度缺报的情况。"
        ),
    }.get(
        data.coverage_basis or "",
        "未配置单位名册（JUESUAN_UNIT_REGISTRY），不统计应报未报。",
    )
    css, js = assets.css(), assets.js()
    if "</style" in css.lower() or "</script" in js.lower():
        raise ValueError("report.css / report.js must not close their own element")
    return _template().substitute(
        title=TITLE,
        generated_at=escape(_time(data.generated_at) or ""),
        css=css,
        js=js,
        subtitle="".join(f"<span>{s}</span>" for s in subtitle),
        links=" ".join(links),
        cards="".join(cards),
        notices=notice_html,
        **_severity_parts(has_info),
        xlsx_name=escape(xlsx_name),
        coverage_note=coverage_note,
        rejected=statuses.get("rejected", 0),
        old_toggle=old_toggle,
        dismissed=len(data.dismissed),
        budget_body=_budget_body(data.budget),
        documents_folder=DOCUMENTS_FOLDER,
        data=_data_island(build_payload(data)),
    )


@cache
def _document_template() -> Template:
    return Template((assets.STATIC / "document.html").read_text(encoding="utf-8"))


def render_document_html(
    data: ReportData,
    doc: Document,
    findings: list[Finding],
    pages: RenderedPages | None,
    overview_name: str,
) -> str:
    """A document's page: its findings (dismissed ones apart) with the page images they
    point at, drawn by the shared static/report.js beside it. Nothing on it depends on
    other documents, so it is rewritten only when its own results change."""
    unit = data.units.get(doc.unit_key or "")
    heading = " ".join(
        part
        for part in (
            unit.name if unit else "单位不明",
            f"{doc.fiscal_year} 年度" if doc.fiscal_year is not None else "",
            doc.kind,
        )
        if part
    )
    has_info = any(f.severity == "info" for f in findings)
    notices = []
    if pages is not None and pages.missing_files:
        notices.append("该文件的原文已不在收件箱（或已被更换），其问题不显示页面图像。")
    if doc.status == "superseded":
        notices.append("此文件已被同一单位同一年度的新版文件取代，以下问题仅供参考。")
    return _document_template().substitute(
        notices="".join(f'<div class="notice"><p>{escape(n)}</p></div>' for n in notices),
        title=TITLE,
        heading=escape(heading),
        file_name=escape(doc.file_name),
        overview=escape(f"../{overview_name}"),
        **_severity_parts(has_info),
        dismissed=sum(f.dismissal is not None for f in findings),
        data=_data_island(build_document_payload(data, doc, findings, pages)),
    )


def _percent(ratio: Decimal | None) -> str:
    return "—" if ratio is None else f"{ratio * 100:.2f}%"


def _budget_card(budget: BudgetComparison) -> str | None:
    """The overall execution rate of the unit-years whose two documents are loaded."""
    paired = [s for s in budget.summary if s.budget_loaded and s.final_loaded]
    if not paired:
        return None
    total_budget = sum((s.budget_total or Decimal(0) for s in paired), Decimal(0))
    total_final = sum((s.final_total or Decimal(0) for s in paired), Decimal(0))
    rate = total_final / total_budget if total_budget else None
    return _card(
        "c-bud",
        "预算执行率",
        f"{_percent(rate)}",
        escape(f"{len(paired)} 个单位年度预算与决算均已载入（决算数 ÷ 预算数）"),
        "#budget-h",
    )


def _budget_body(budget: BudgetComparison) -> str:
    """The section's sentence when there is nothing (or one side only) to compare, and the
    hosts the script draws the tables into (without JavaScript: the Excel sheets)."""
    parts = []
    if budget.note:
        parts.append(f'<p class="empty" id="budget-note">{escape(budget.note)}</p>')
    if budget.lines:
        parts.append('<h3>按单位与年度</h3>\n<div id="budget-sum"></div>')
        shown = (
            f"{budget.line_count} 行"
            if budget.line_count <= BUDGET_LINES_IN_OVERVIEW
            else f"共 {budget.line_count} 行，此处列差额绝对值最大的 "
            f"{BUDGET_LINES_IN_OVERVIEW} 行，全部见 {BUDGET_CSV_NAME}"
        )
        parts.append(
            f'<h3>按科目（{shown}，差额绝对值从大到小）</h3>\n<div id="budget-rows"></div>'
        )
    if budget.three_public:
        more = (
            f"（共 {budget.three_public_count} 项，此处列差额绝对值最大的 "
            f"{BUDGET_LINES_IN_OVERVIEW} 项，全部见 {THREE_PUBLIC_CSV_NAME}）"
            if budget.three_public_count > BUDGET_LINES_IN_OVERVIEW
            else ""
        )
        parts.append(
            f"<h3>“三公”经费：预算文件的预算数、决算所列预算数与决算数{more}</h3>\n"
            '<div id="budget-tp"></div>'
        )
    return "\n".join(parts)
