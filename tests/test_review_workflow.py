"""The review workflow: where a finding is printed (page lines, cell boxes, search), its
stable finding_id, dismissals kept in the warehouse, the page images in the report and the
CSV / JSON exports. The whole pipeline and the browser run in test_review_workflow_e2e.py."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from dataclasses import replace
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest
from openpyxl import load_workbook
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from pipelines.extract.layout import reading_lines, spaced_text
from pipelines.extract.pdf_text import Char, open_pdf, read_pages
from pipelines.quality.document import Cell, Document, PageLine, Row, Table, assemble_documents
from pipelines.quality.outcomes import Collector, Outcome
from pipelines.quality.store import (
    DismissalError,
    finding_ids,
    list_dismissals,
    record_dismissal,
    result_frame,
    undo_dismissal,
    write_check_results,
)
from pipelines.quality.text import FoldedText, locate, search, search_first
from pipelines.report import CSV_NAME, JSON_NAME, write_report
from pipelines.report.pages import PAGES_FOLDER, render_pages
from pipelines.warehouse import state

D = Decimal


# ---- page lines: characters into reading lines ----


def _chars(text: str, x: float, y: float, size: float = 10.0, gap: float = 0.0) -> list[Char]:
    """A run of glyphs of `size` points, left to right from x, baseline box y..y+size."""
    out = []
    for ch in text:
        out.append(Char(ch, x, y, x + size, y + size))
        x += size + gap
    return out


def test_a_wrapped_cell_is_two_lines_and_amounts_stay_on_the_first():
    # A row: label wrapped in its cell (two baselines), an amount centred between them.
    label_top = _chars("机关事业单位基本", 100, 520)
    label_bottom = _chars("养老保险缴费支出", 100, 506)
    amount = _chars("160.75", 300, 513)  # overlaps both label lines
    lines = reading_lines(label_top + label_bottom + amount)
    texts = [spaced_text(line) for line in lines]
    assert texts == ["机关事业单位基本 160.75", "养老保险缴费支出"]


def test_a_full_stop_stays_on_its_sentence():
    sentence = _chars("主要原因是", 72, 700)
    stop = [Char("。", 122, 700, 128, 703)]  # flat: far below the glyphs' middle
    lines = reading_lines(sentence + stop + _chars("下一行", 72, 680))
    assert [spaced_text(line) for line in lines] == ["主要原因是。", "下一行"]


def test_kerned_punctuation_stays_on_its_line():
    # Kerned full-width punctuation keeps its full advance as its box: the decimal point's
    # and the colon's boxes overlap the next glyphs, yet they are printed on this line
    # (the real 社会工作部 disclosure: "0.49" must not read "0 49" plus a line of ". ：").
    digits = [Char("0", 72, 700, 78, 710), Char("4", 80, 700, 86, 710), Char("9", 86, 700, 92, 710)]
    point = [Char(".", 76, 700, 86, 702)]
    words_after = _chars("万元", 92, 700, size=10)
    colon = [Char("：", 112, 701, 127, 705)]
    tail = _chars("单位", 118, 700, size=10)
    lines = reading_lines(digits + point + words_after + colon + tail)
    assert [spaced_text(line) for line in lines] == ["0.49万元：单位"]


# ---- search over the printed lines ----

LINES = (
    PageLine(
        3, 1, "（三）一般公共服务（类）年初预算为 1,200.00 万元，支出", (72.0, 700.0, 520.0, 712.0)
    ),
    PageLine(3, 2, "决算为 1,100.00 万元，完成年初预算的 91.67％。", (72.0, 684.0, 400.0, 696.0)),
    PageLine(4, 1, "本表无数据", (200.0, 500.0, 260.0, 512.0)),
)


def test_search_spans_lines_folds_full_width_and_unions_boxes():
    match = search_first(LINES, r"支出决算为([\d,.]+)万元")
    assert match is not None
    assert match.page == 3
    assert match.group(1) == "1,100.00"
    # From the end of line 1 onto line 2: the union of both lines' boxes.
    assert match.box == (72.0, 684.0, 520.0, 712.0)
    percent = search_first(LINES, r"完成年初预算的([\d.]+)%")  # "％" folds to "%"
    assert percent is not None and percent.group(1) == "91.67"
    assert percent.box == LINES[1].box
    assert [m.page for m in search(LINES, "本表无数据")] == [4]
    assert search(LINES, "本表无数据", pages=[3]) == []
    text = FoldedText.of(LINES)
    assert locate(text, "本表无数据", 4) == LINES[2].box
    assert locate(text, "本表无数据", 3) is None


# ---- boxes on outcomes ----


def _document() -> Document:
    box_total = (300.0, 600.0, 360.0, 614.0)
    box_part = (300.0, 586.0, 360.0, 600.0)
    rows = (
        Row(1, 5, None, None, "合计", {"合计": Cell(D("10.00"), "10.00", None, box_total)}),
        Row(
            2, 5, None, "201", "一般公共服务支出", {"合计": Cell(D("9.00"), "9.00", None, box_part)}
        ),
    )
    table = Table("T03", "extracted", "万元", 5, rows)
    return Document("doc", "unit", "某单位", 2024, {"T03": table}, lines=LINES)


def test_an_identity_carries_the_observed_cell_box_and_a_plausibility_its_own():
    document = _document()
    table = document.table("T03")
    total, part = table.rows
    collector = Collector(document)
    outcome = collector.identity(
        "t03_row_total",
        "T03",
        "合计",
        [table.term(total, "合计")],
        [table.term(part, "合计")],
        where="支出决算表 合计",
        observed_label="合计",
        expected_label="各项之和",
    )
    assert outcome is not None and outcome.source_page == 5
    assert outcome.box == (300.0, 600.0, 360.0, 614.0)
    sentence = search_first(document.lines, "本表无数据")
    assert sentence is not None
    plausible = collector.plausibility(
        "tables_complete",
        table,
        None,
        {},
        page=sentence.page,
        box=sentence.box,
        pass_message="",
        fail_message="",
    )
    assert plausible.box == LINES[2].box
    # Without a box, a plausibility finding on a row points at the row's cell.
    on_row = collector.plausibility(
        "amount_non_negative",
        table,
        "201",
        {},
        page=5,
        measure="合计",
        pass_message="",
        fail_message="",
    )
    assert on_row.box == (300.0, 586.0, 360.0, 600.0)


BOX_TOTAL = (300.0, 600.0, 360.0, 614.0)
NO_BOX = (None, None, None, None)


def test_cells_read_back_with_their_boxes_and_documents_with_their_lines():
    documents = [("doc", "unit", "某单位", 2024, "部门")]
    tables = [("doc", "T03", "extracted", "万元", 5, 5, None)]
    cells = [
        ("doc", "T03", 1, 5, None, None, "合计", "合计", "10.00", D("10.00"), None, *BOX_TOTAL),
        # read by an older extractor: no box
        ("doc", "T03", 2, 5, None, "201", "一般", "合计", "9.00", D("9.00"), None, *NO_BOX),
    ]
    lines = [("doc", line.page, line.line_number, line.text, *line.box) for line in LINES]
    figures = [("doc", "支出决算", D("1100"), 3, "支出决算为1,100.00万元,")]
    (document,) = assemble_documents(documents, tables, cells, figures, lines)
    rows = document.table("T03").rows
    assert rows[0].cells["合计"].box == (300.0, 600.0, 360.0, 614.0)
    assert rows[1].cells["合计"].box is None
    assert document.lines == LINES
    # The narrative figure is located by its context: across both lines of page 3.
    assert document.narrative["支出决算"].box == (72.0, 684.0, 520.0, 712.0)


# ---- finding_id ----


def _outcome(**changes) -> Outcome:
    base = Outcome(
        check_name="t03_row_total",
        document_id="a" * 64,
        source_table="T03",
        source_page=5,
        location="2010301",
        measure="合计",
        observed=D("10.00"),
        expected=D("9.00"),
        tolerance=D("0.01"),
        box=(1.0, 2.0, 3.0, 4.0),
    )
    return replace(base, **changes)


def test_finding_id_is_stable_and_changes_only_with_what_the_finding_is():
    (first,) = finding_ids([_outcome()])
    assert re.fullmatch(r"[0-9a-f]{12}", first)
    # Same finding: a reworded message, another tolerance, a refined box, 10.0 for 10.00.
    for same in (
        _outcome(fail_message="另一种说法"),
        _outcome(tolerance=D("0.02")),
        _outcome(box=(1.5, 2.0, 3.0, 4.0)),
        _outcome(observed=D("10.0")),
    ):
        assert finding_ids([same]) == [first]
    # Another finding: other figures (a dismissal must not carry over), place or document.
    for other in (
        _outcome(observed=D("10.01")),
        _outcome(expected=D("9.50")),
        _outcome(location="2010302"),
        _outcome(measure="基本支出"),
        _outcome(source_page=6),
        _outcome(document_id="b" * 64),
        _outcome(check_name="subject_hierarchy"),
    ):
        assert finding_ids([other]) != [first]
    # Two outcomes with one key (a check reporting twice at one place) are told apart.
    twice = finding_ids([_outcome(), _outcome()])
    assert twice[0] == first and twice[1] != first


# ---- dismissals in the warehouse ----


def _write_run(con, run_id: str, observed: str, checked_at: datetime) -> list[str]:
    document = _document()
    failing = _outcome(document_id="doc", observed=D(observed))
    failing.decide(False)
    passing = _outcome(document_id="doc", location="合计", observed=D("9.00"))
    passing.decide(True)
    frame = result_frame([failing, passing], [document], run_id, checked_at)
    write_check_results(con, frame, run_id)
    return list(frame["finding_id"])


def test_a_dismissal_is_kept_across_runs_until_the_figures_change(tmp_path):
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    try:
        with pytest.raises(DismissalError, match="还没有检查结果"):
            record_dismissal(con, "abc", "误报")
        failing, passing = _write_run(con, "r1", "10.00", datetime(2026, 1, 1, 8))
        run = state.quality_run(con)
        assert run is not None and state.run_findings(con, run).errors == 1
        with pytest.raises(DismissalError, match="理由"):
            record_dismissal(con, failing, "  ")
        with pytest.raises(DismissalError, match="通过的检查"):
            record_dismissal(con, passing, "不是问题")
        with pytest.raises(DismissalError, match="没有编号"):
            record_dismissal(con, "ffffffffffff", "误报")
        done = record_dismissal(con, failing[:6], "表内合计按原文抄录，已与单位核实", "reviewer")
        assert done.finding_id == failing and done.check_name == "t03_row_total"
        latest = state.quality_run(con)
        assert state.run_findings(con, latest).errors == 0
        assert state.dismissed_findings(con, latest) == 1
        # A new run with the same figures: the same finding, still dismissed.
        assert _write_run(con, "r2", "10.00", datetime(2026, 1, 2, 8))[0] == failing
        latest = state.quality_run(con)
        assert state.run_findings(con, latest).errors == 0
        assert state.dismissed_findings(con, latest) == 1
        # The figures change: another finding, an error again; the dismissal stays listed.
        changed = _write_run(con, "r3", "10.50", datetime(2026, 1, 3, 8))[0]
        assert changed != failing
        latest = state.quality_run(con)
        assert state.run_findings(con, latest).errors == 1
        assert state.dismissed_findings(con, latest) == 0
        assert [d.finding_id for d in list_dismissals(con)] == [failing]
        assert undo_dismissal(con, failing).reason == "表内合计按原文抄录，已与单位核实"
        assert list_dismissals(con) == []
        with pytest.raises(DismissalError, match="没有编号"):
            undo_dismissal(con, failing)
    finally:
        con.close()


# ---- the report: page images, 已排除, exports ----

DOC_TEXT = ["支出决算表", "合计 10.00", "一般公共服务支出 9.00"]


def _pdf(path: Path) -> Path:
    """Two pages drawn by reportlab with its built-in Chinese CID font (STSong-Light)."""
    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    pdf = canvas.Canvas(str(path), pagesize=(595, 842))
    for page in range(2):
        pdf.setFont("STSong-Light", 10)
        for i, text in enumerate(DOC_TEXT):
            pdf.drawString(72, 760 - 20 * i, text)
            pdf.drawString(300, 760 - 20 * i, f"p{page + 1}")  # a column apart: a word
        pdf.showPage()
    pdf.save()
    return path


REPORT_SCHEMA = """
create schema marts; create schema raw;
create table marts.dim_unit (unit_id varchar, unit_name varchar, region varchar,
    unit_level varchar);
create table marts.dim_document (document_id varchar, file_name varchar, unit_id varchar,
    fiscal_year integer, document_kind varchar, page_count integer, status varchar,
    status_reason varchar, ingested_at timestamp);
create table raw.documents (document_id varchar, source_path varchar);
"""


def _reviewed_warehouse(tmp_path: Path) -> tuple[Path, Path, str, str]:
    """A warehouse of one document (a real PDF in the inbox) with two errors, one of them
    dismissed; returns (warehouse, inbox, kept finding_id, dismissed finding_id)."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    pdf = _pdf(inbox / "某单位2024年决算.pdf")
    document_id = hashlib.sha256(pdf.read_bytes()).hexdigest()
    warehouse = tmp_path / "w.duckdb"
    con = duckdb.connect(str(warehouse))
    try:
        con.execute(REPORT_SCHEMA)
        con.execute("insert into marts.dim_unit values ('u', '某单位', '某地', '部门')")
        con.execute(
            "insert into marts.dim_document values (?, ?, 'u', 2024, '决算', 2, 'loaded', "
            "null, '2026-01-01 08:00')",
            [document_id, pdf.name],
        )
        con.execute("insert into raw.documents values (?, ?)", [document_id, pdf.name])
        document = replace(_document(), document_id=document_id, unit_id="u")
        outcomes = [
            _outcome(document_id=document_id, source_page=1, box=(72.0, 738.0, 200.0, 750.0)),
            _outcome(document_id=document_id, source_page=2, location="201", box=None),
        ]
        for outcome in outcomes:
            outcome.decide(False)
        frame = result_frame(outcomes, [document], "r1", datetime(2026, 1, 1, 9))
        write_check_results(con, frame, "r1")
        kept, dismissed = frame["finding_id"]
        record_dismissal(con, dismissed, "原文如此，已核实", "reviewer")
    finally:
        con.close()
    return warehouse, inbox, kept, dismissed


def test_report_shows_pages_lists_dismissals_and_exports(tmp_path):
    warehouse, inbox, kept, dismissed = _reviewed_warehouse(tmp_path)
    files = write_report(warehouse, tmp_path / "out", sources_dir=inbox)
    assert (files.errors, files.dismissed, files.page_images) == (1, 1, 2)
    assert files.pages_embedded and not (tmp_path / "out" / PAGES_FOLDER).exists()
    page = files.html.read_text(encoding="utf-8")

    def island_of(html: str) -> dict:
        match = re.search(r'id="report-data">(.*?)</script>', html, re.S)
        return json.loads(match.group(1))  # type: ignore[union-attr]

    # The overview lists the dismissed finding; the findings are on the document's page.
    overview = island_of(page)
    assert overview["f"] == [] and [x[13] for x in overview["x"]] == [dismissed]
    (document_page,) = files.documents_folder.glob("*.html")
    island = island_of(document_page.read_text(encoding="utf-8"))
    assert [f[13] for f in island["f"]] == [kept]  # the dismissed one is not among them
    (shown,) = island["f"]
    assert shown[14] == [72.0, 738.0, 200.0, 750.0]
    (listed,) = island["x"]
    assert listed[13] == dismissed and listed[15] == "原文如此，已核实"
    image = island["pg"]["0:1"]
    assert image[0].startswith("data:image/webp;base64,") and image[1:] == [0, 0, 595, 842]
    assert "0:2" in island["pg"]  # the dismissed finding's page too
    assert re.search(r'已排除</div><div class="v">1<small>', page)
    assert re.search(r'错误</div><div class="v">1<small>', page)

    workbook = load_workbook(files.xlsx)
    findings = list(workbook["问题清单"].iter_rows(values_only=True))
    header = findings[0]
    assert [row[header.index("发现编号")] for row in findings[1:]] == [kept]
    excluded = list(workbook["已排除"].iter_rows(values_only=True))
    assert excluded[1][excluded[0].index("发现编号")] == dismissed
    assert excluded[1][excluded[0].index("排除理由")] == "原文如此，已核实"

    raw = (tmp_path / "out" / CSV_NAME).read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # a BOM: Excel reads the Chinese as UTF-8
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert [(r["finding_id"], r["dismissed"]) for r in rows] == [
        (kept, "False"),
        (dismissed, "True"),
    ]
    assert rows[0]["box_x0"] == "72.0" and rows[1]["box_x0"] == ""
    assert rows[1]["dismissal_reason"] == "原文如此，已核实"
    exported = json.loads((tmp_path / "out" / JSON_NAME).read_text(encoding="utf-8"))
    by_id = {f["finding_id"]: f for f in exported["findings"]}
    assert by_id[kept]["dismissed"] is False and by_id[kept]["observed"] == 10
    assert by_id[dismissed]["dismissed"] is True and by_id[dismissed]["source_page"] == 2
    assert by_id[kept]["box_y1"] == 750.0


def test_a_replaced_file_shows_no_page_rather_than_another_files(tmp_path):
    warehouse, inbox, _, _ = _reviewed_warehouse(tmp_path)
    pdf = next(inbox.iterdir())
    pdf.write_bytes(pdf.read_bytes() + b"\n% re-issued\n")  # other content, same name
    files = write_report(warehouse, tmp_path / "out", sources_dir=inbox)
    assert files.page_images == 0
    page = files.html.read_text(encoding="utf-8")
    assert "原文已不在收件箱" in page


def test_many_pages_are_written_beside_the_report(tmp_path):
    pdf = _pdf(tmp_path / "a.pdf")
    out = tmp_path / "out"
    out.mkdir()
    rendered = render_pages({"d" * 64: {1, 2, 9}}, {"d" * 64: pdf}, out, embed_limit=0)
    assert not rendered.embedded and rendered.total_bytes > 0
    assert sorted(rendered.images) == [("d" * 64, 1), ("d" * 64, 2)]  # no page 9
    image = rendered.images[("d" * 64, 1)]
    assert image.src == f"{PAGES_FOLDER}/{'d' * 16}_p1.webp"
    assert (out / image.src).read_bytes()[8:12] == b"WEBP"
    # The next report embeds again and removes the folder the previous one wrote.
    again = render_pages({"d" * 64: {1}}, {"d" * 64: pdf}, out)
    assert again.embedded and not (out / PAGES_FOLDER).exists()


def test_extraction_lines_of_a_real_producer_page(tmp_path):
    """Lines read back from a PDF drawn by reportlab: text and boxes where it was drawn;
    words a column apart are parted by a space, a narrow space is not kept."""
    from pipelines.extract.document import page_lines

    pdf = _pdf(tmp_path / "a.pdf")
    document = open_pdf(pdf)
    try:
        lines = page_lines(read_pages(document))
    finally:
        document.close()
    assert [(line.page, line.line_number) for line in lines[:3]] == [(1, 1), (1, 2), (1, 3)]
    assert [line.text for line in lines if line.page == 2] == [
        f"{text.replace(' ', '')} p2" for text in DOC_TEXT
    ]
    x0, y0, x1, y1 = lines[0].box
    assert 71 <= x0 <= 73 and 757 <= y0 <= 761 and y1 - y0 < 12 and x1 > 120
