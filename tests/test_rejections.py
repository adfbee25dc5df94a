"""Bad input gets a specific Chinese reason and a recorded status; the good still load."""

from __future__ import annotations

from pathlib import Path

import pytest
from reportlab.lib.pagesizes import A4
from reportlab.lib.pdfencrypt import StandardEncryption
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from pipelines.extract.document import extract_document
from pipelines.extract.runner import discover, extract_all

pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))


def write_pdf(path: Path, pages: list[list[str]], encrypt=None, image_only: bool = False) -> Path:
    pdf = canvas.Canvas(str(path), pagesize=A4, encrypt=encrypt, invariant=1)
    for lines in pages:
        if image_only:  # a scanned page: pixels, no text layer
            pdf.setFillGray(0.3)
            for i in range(20):
                pdf.rect(60, 760 - i * 30, 400, 12, stroke=0, fill=1)
        pdf.setFont("STSong-Light", 14)
        for i, line in enumerate(lines):
            pdf.drawString(72, 770 - i * 24, line)
        pdf.showPage()
    pdf.save()
    return path


COVER = ["2023 年度", "枣庄市测试局", "部门决算"]


@pytest.fixture()
def inbox(tmp_path) -> Path:
    return tmp_path


def reason_of(path: Path, inbox: Path) -> tuple[str, str | None]:
    result = extract_document(path, inbox)
    return result.status, result.status_reason


def test_not_a_pdf(inbox):
    path = inbox / "notes.pdf"
    path.write_text("这不是 PDF", encoding="utf-8")
    assert reason_of(path, inbox) == ("rejected", "不是 PDF 文件（文件头没有 %PDF 标记）")


def test_truncated_pdf(inbox):
    whole = write_pdf(inbox / "whole.pdf", [COVER, ["收入决算表"]]).read_bytes()
    path = inbox / "truncated.pdf"
    path.write_bytes(whole[: len(whole) // 3])
    status, reason = reason_of(path, inbox)
    assert status == "rejected" and reason.startswith("PDF 文件损坏或不完整")


def test_encrypted_with_a_user_password(inbox):
    path = write_pdf(inbox / "locked.pdf", [COVER], encrypt=StandardEncryption("secret", "owner"))
    assert reason_of(path, inbox) == ("rejected", "PDF 已加密，空密码无法打开，需要文件的打开密码")


def test_encrypted_with_an_empty_user_password_is_opened(inbox):
    pages = [COVER, ["第一部分 部门概况", "一、主要职能：负责全市测试工作的统筹协调与监督管理"]]
    path = write_pdf(inbox / "owner-only.pdf", pages, encrypt=StandardEncryption("", "owner"))
    status, reason = reason_of(path, inbox)
    assert status == "rejected" and reason == "未找到九张决算公开表中的任何一张"  # opened and read


def test_scanned_document_names_its_pages(inbox):
    path = write_pdf(inbox / "scan.pdf", [[], [], []], image_only=True)
    assert reason_of(path, inbox) == (
        "rejected",
        "扫描件：第1–3页均没有文字层（图片），无法提取，需先做文字识别",
    )


def test_not_a_final_accounts_disclosure(inbox):
    lines = ["2023 年度工作会议纪要", "枣庄市测试局", "会议议定事项如下：一、推进全市测试工作"]
    path = write_pdf(inbox / "minutes.pdf", [lines])
    status, reason = reason_of(path, inbox)
    assert status == "rejected" and reason.startswith("不是决算公开文件")


def test_disclosure_without_any_table(inbox):
    pages = [COVER, ["第一部分 部门概况", "一、主要职能：负责全市测试工作的统筹协调与监督管理"]]
    path = write_pdf(inbox / "cover-only.pdf", pages)
    assert reason_of(path, inbox) == ("rejected", "未找到九张决算公开表中的任何一张")


def test_template_is_recognised_not_loaded(real_corpus):
    result = extract_document(real_corpus / "template_dept_final_2024_empty.pdf", real_corpus)
    assert result.status == "rejected"
    assert result.status_reason.startswith("模板文件")


def test_a_batch_mixing_bad_and_good_files_loads_all_good_ones(tmp_path):
    from juesuan_samples import Variants, generate_document

    inbox = tmp_path / "inbox"
    (inbox / "sub").mkdir(parents=True)
    good = generate_document(
        inbox / "sub", unit="枣庄市测试局", fiscal_year=2023, variants=Variants(), seed=7
    )
    (inbox / "broken.pdf").write_bytes(good.pdf_path.read_bytes()[:2000])
    (inbox / "text.pdf").write_text("hello", encoding="utf-8")
    write_pdf(inbox / "scan.pdf", [[]], image_only=True)
    results = {r.file_name: r for r in extract_all(discover(inbox).documents, inbox, workers=2)}
    assert results[good.pdf_path.name].status == "loaded"
    assert results[good.pdf_path.name].table("T03").status == "extracted"
    assert {name for name, r in results.items() if r.status == "rejected"} == {
        "broken.pdf",
        "text.pdf",
        "scan.pdf",
    }


def test_a_document_over_the_time_limit_is_stopped_and_recorded(tmp_path):
    path = write_pdf(tmp_path / "slow.pdf", [COVER])
    (result,) = extract_all(discover(tmp_path).documents, tmp_path, workers=1, timeout=0.001)
    assert result.status == "rejected"
    assert result.status_reason.startswith("处理超时")
    assert path.name == result.file_name


def crash_on_first_attempt(path: str, inbox: str, document_id: str, conn, limits) -> None:
    """A worker that is killed the first time it sees a document (SIGKILL, as by the OOM
    killer), then extracts it normally."""
    import os
    import signal

    from pipelines.extract.runner import _work

    marker = Path(inbox) / f".{document_id}.attempted"
    if not marker.exists():
        marker.touch()
        os.kill(os.getpid(), signal.SIGKILL)
    _work(path, inbox, document_id, conn, limits)


def always_crash(path: str, inbox: str, document_id: str, conn, limits) -> None:
    import os
    import signal

    os.kill(os.getpid(), signal.SIGKILL)


def test_a_worker_killed_once_is_retried_and_twice_is_recorded(tmp_path):
    from juesuan_samples import Variants, generate_document

    good = generate_document(tmp_path, unit="枣庄市测试局", fiscal_year=2023, variants=Variants())
    sources = discover(tmp_path).documents
    (retried,) = extract_all(sources, tmp_path, workers=1, work=crash_on_first_attempt)
    assert retried.status == "loaded" and retried.file_name == good.pdf_path.name
    (recorded,) = extract_all(sources, tmp_path, workers=1, work=always_crash)
    assert recorded.status == "rejected"
    assert recorded.status_reason.startswith("提取进程两次被系统强行终止（SIGKILL）")
