"""The sample-disclosure generator: exact identities, the seed case, determinism, coverage,
and that the ground truth describes what the PDFs really print."""

from __future__ import annotations

import re
import sys
from decimal import Decimal
from pathlib import Path

import pdfplumber
import pytest

from juesuan_samples import (
    Variants,
    generate_corpus,
    generate_document,
    identity_findings,
    identity_violations,
    load_truth,
)
from juesuan_samples.catalogue import corpus_units
from juesuan_samples.seed_case import seed_disclosure
from juesuan_samples.synthesis import synthesize
from juesuan_samples.variants import SEED_VARIANTS, VARIANT_SHARES
from pipelines.quality.catalogue import CHECKS
from tests.ground_truth import compact, pdf_texts

SEED_UNIT_NAME = "枣庄市人民政府办公室本级"

# 支出决算表 of the seed document, typed from the published text:
# (code, label, 本年支出合计, 基本支出, 项目支出); 上缴上级/经营/对附属单位补助 are blank.
# Deliberately typed again rather than imported from juesuan_samples.seed_case (_T03_ROWS):
# an independent oracle, so a slip in the generator's copy of the seed cannot pass unseen.
SEED_T03 = [
    (None, "合计", "7715.81", "2204.72", "5511.09"),
    ("201", "一般公共服务支出", "2747.50", "1724.88", "1022.61"),
    ("20103", "政府办公厅（室）及相关机构事务", "2747.50", "1724.88", "1022.61"),
    ("2010301", "行政运行", "1244.35", "1244.35", None),
    ("2010302", "一般行政管理事务", "767.30", None, "767.30"),
    ("2010304", "专项服务", "106.00", None, "106.00"),
    ("2010350", "事业运行", "480.53", "480.53", None),
    ("2010399", "其他政府办公厅（室）及相关机构事务支出", "149.31", None, "149.31"),
    ("205", "教育支出", "12.46", "12.46", None),
    ("20508", "进修及培训", "12.46", "12.46", None),
    ("2050803", "培训支出", "12.46", "12.46", None),
    ("208", "社会保障和就业支出", "256.22", "256.22", None),
    ("20805", "行政事业单位养老支出", "229.54", "229.54", None),
    ("2080505", "机关事业单位基本养老保险缴费支出", "153.02", "153.02", None),
    ("2080506", "机关事业单位职业年金缴费支出", "76.52", "76.52", None),
    ("20808", "抚恤", "26.68", "26.68", None),
    ("2080801", "死亡抚恤", "26.68", "26.68", None),
    ("210", "卫生健康支出", "105.20", "105.20", None),
    ("21011", "行政事业单位医疗", "105.20", "105.20", None),
    ("2101101", "行政单位医疗", "44.44", "44.44", None),
    ("2101102", "事业单位医疗", "22.51", "22.51", None),
    ("2101103", "公务员医疗补助", "38.25", "38.25", None),
    ("212", "城乡社区支出", "4488.48", None, "4488.48"),
    ("21208", "国有土地使用权出让收入安排的支出", "4488.48", None, "4488.48"),
    ("2120899", "其他国有土地使用权出让收入安排的支出", "4488.48", None, "4488.48"),
    ("221", "住房保障支出", "105.95", "105.95", None),
    ("22102", "住房改革支出", "105.95", "105.95", None),
    ("2210201", "住房公积金", "105.95", "105.95", None),
]


@pytest.fixture(scope="module")
def default_corpus(demo_sources: Path, demo_corpus: list) -> list[dict]:
    """The default corpus (20 units × 2023/2024 + seed case), with truth and page texts."""
    documents = []
    for generated in demo_corpus:
        documents.append(
            {
                "generated": generated,
                "relative": generated.pdf_path.relative_to(demo_sources),
                "truth": load_truth(generated.truth_path),
                "texts": pdf_texts(generated.pdf_path),
            }
        )
    return documents


def _printed(value: str | None, money_unit: str, thousands: bool) -> str | None:
    """The text a truth value is printed as (万元 truth back to the printed unit)."""
    if value is None:
        return None
    if value == "0":
        return "0.00"
    amount = Decimal(value) * (10_000 if money_unit == "元" else 1)
    assert amount == amount.quantize(Decimal("0.01")), value
    return f"{amount:,.2f}" if thousands else f"{amount:.2f}"


# ---------------------------------------------------------------------------
# Data model


@pytest.mark.parametrize("seed", range(8))
def test_synthesised_disclosures_satisfy_every_identity_exactly(seed: int) -> None:
    variants = (
        Variants(),
        Variants(money_unit="元", printed_zeros=True),
        Variants(money_unit="mixed", t06_groups=2, printed_zeros=True),
    )
    for unit in corpus_units(30):
        for year in (2022, 2023, 2024):
            disclosure = synthesize(unit, year, variants[(seed + year) % 3], seed)
            assert identity_violations(disclosure) == [], (unit.name, year, seed)


def test_synthesis_is_realistic_enough() -> None:
    """Non-trivial tables: subjects at three levels, fund tables sometimes filled."""
    disclosures = [synthesize(unit, 2024, Variants(), 7) for unit in corpus_units(20)]
    for d in disclosures:
        levels = {row.level for row in d.t03.rows}
        assert levels == {"合计", "类", "款", "项"}
        assert len(d.t05.rows) >= 7
    for table in ("t07", "t08", "t09"):  # printed empty for some units, filled for others
        assert {getattr(d, table).empty for d in disclosures} == {False, True}, table


def test_identity_checker_reports_the_seed_documents_rounding_differences() -> None:
    violations = identity_violations(seed_disclosure())
    expected = [
        "T03 20103 本年支出合计: 274750 != 274749",  # 2747.50 against 1724.88 + 1022.61
        "T01 收入总计[0]: 775862 != 775863",  # 7753.63 + 5.00 against 总计 7758.62
        "T05 基本支出 = T06 人员经费合计 + 公用经费合计: 220472 != 220471",
    ]
    for message in expected:
        assert message in violations
    # Only rounding differences of a cent: the seed is otherwise consistent.
    for message in violations:
        observed, expected_value = re.search(r"(-?\d+) [!<]=? (-?\d+)$", message).groups()
        assert abs(int(observed) - int(expected_value)) == 1, message


def test_identity_findings_name_their_check_and_site() -> None:
    """Each violation carries the catalogue check and where it is reported."""
    findings = identity_findings(seed_disclosure())
    assert [finding.message for finding in findings] == identity_violations(seed_disclosure())
    sites = {finding.site for finding in findings}
    assert ("t03_row_total", "T03", "20103") in sites
    assert ("statement_income_grand_total", "T01", "总计") in sites
    assert ("t05_t06_basic", "T05", "合计") in sites
    assert all(finding.check in CHECKS for finding in findings)


# ---------------------------------------------------------------------------
# The seed case


def test_seed_case_reproduces_the_seed_document(tmp_path: Path) -> None:
    generated = generate_document(tmp_path, SEED_UNIT_NAME, 2020)
    truth = load_truth(generated.truth_path)
    assert truth["document"]["unit_name"] == SEED_UNIT_NAME
    assert truth["document"]["unit_level"] == "单位"
    assert truth["document"]["region"] == "枣庄市"
    assert truth["variants"] == SEED_VARIANTS.as_dict()
    tables = truth["tables"]

    t03 = tables["T03"]
    rows = [
        (
            row["code"],
            row["label"],
            row["values"]["本年支出合计"],
            row["values"]["基本支出"],
            row["values"]["项目支出"],
        )
        for row in t03["rows"]
    ]
    assert rows == SEED_T03
    for row in t03["rows"]:
        assert [row["values"][c] for c in ("上缴上级支出", "经营支出", "对附属单位补助支出")] == [
            None
        ] * 3
    assert t03["label"] == "公开03表"
    assert t03["money_unit"] == "万元"

    t01 = {(row["side"], row["label"]): row for row in tables["T01"]["rows"]}
    assert t01[("收入", "一般公共预算财政拨款收入")]["values"] == {"决算数": "3268.25"}
    assert t01[("收入", "政府性基金预算财政拨款收入")]["values"] == {"决算数": "4485.38"}
    assert t01[("收入", "本年收入合计")]["values"] == {"决算数": "7753.63"}
    assert t01[("收入", "本年收入合计")]["line_no"] == 27
    assert t01[("收入", "年初结转和结余")]["values"] == {"决算数": "5.00"}
    assert t01[("收入", "总计")]["values"] == {"决算数": "7758.62"}
    assert t01[("收入", "总计")]["line_no"] == 31
    assert t01[("支出", "一般公共服务支出")]["line_no"] == 32
    assert t01[("支出", "城乡社区支出")]["values"] == {"决算数": "4488.48"}
    assert t01[("支出", "外交支出")]["values"] == {"决算数": None}
    assert t01[("支出", "本年支出合计")]["values"] == {"决算数": "7715.81"}
    assert t01[("支出", "年末结转和结余")]["values"] == {"决算数": "42.81"}
    assert t01[("支出", "总计")]["values"] == {"决算数": "7758.62"}
    assert t01[("支出", "总计")]["line_no"] == 62

    t02 = {row["code"]: row["values"] for row in tables["T02"]["rows"]}
    assert t02["2010302"]["本年收入合计"] == "782.72"
    assert t02["2010399"]["财政拨款收入"] == "176.31"
    assert t02["20103"]["本年收入合计"] == "2788.41"

    t04 = {
        (row["side"], row["label"], row["line_no"]): row["values"] for row in tables["T04"]["rows"]
    }
    assert t04[("收入", "一般公共预算财政拨款", 29)] == {"决算数": "1.90"}
    assert t04[("收入", "政府性基金预算财政拨款", 30)] == {"决算数": "3.10"}
    assert t04[("支出", "本年支出合计", 59)] == {
        "合计": "7715.81",
        "一般公共预算": "3227.33",
        "政府性基金预算": "4488.48",
        "国有资本经营预算": None,
    }
    assert t04[("支出", "总计", 64)]["一般公共预算"] == "3270.14"

    t05 = {row["code"]: row["values"] for row in tables["T05"]["rows"]}
    assert t05[None] == {"合计": "3227.33", "基本支出": "2204.72", "项目支出": "1022.61"}

    t06 = {row["label"]: row for row in tables["T06"]["rows"]}
    assert t06["人员经费合计"]["values"] == {"决算数": "1991.45"}
    assert t06["公用经费合计"]["values"] == {"决算数": "213.26"}
    assert t06["工资福利支出"]["values"] == {"决算数": "1920.28"}
    assert t06["其他交通费用"]["values"] == {"决算数": "77.91"}
    assert t06["其他交通费用"]["code"] == "30239"
    assert t06["伙食补助费"]["values"] == {"决算数": None}

    t07 = {row["label"]: row["values"] for row in tables["T07"]["rows"]}
    assert t07 == {
        "合计": {"预算数": "149.93", "决算数": "29.04"},
        "因公出国（境）费": {"预算数": None, "决算数": None},
        "公务用车购置及运行维护费": {"预算数": "33.00", "决算数": "18.19"},
        "公务用车购置费": {"预算数": None, "决算数": None},
        "公务用车运行维护费": {"预算数": "33.00", "决算数": "18.19"},
        "公务接待费": {"预算数": "116.93", "决算数": "10.85"},
    }

    t08 = [row["values"] for row in tables["T08"]["rows"]]
    assert t08[0] == {
        "年初结转和结余": "3.10",
        "本年收入": "4485.38",
        "本年支出小计": "4488.48",
        "本年支出基本支出": None,
        "本年支出项目支出": "4488.48",
        "年末结转和结余": None,
    }
    assert tables["T09"]["empty"] is True
    assert tables["T09"]["note"] == "本单位没有使用国有资本经营预算安排的支出，故本表无数据。"
    assert [row["label"] for row in tables["T09"]["rows"]] == ["合计"]

    assert truth["narrative"] == {
        "本年收入合计": "7753.63",
        "本年支出合计": "7715.81",
        "基本支出": "2204.72",
        "项目支出": "5511.09",
        "财政拨款收入支出总计": "7758.62",
        "三公经费预算数": "149.93",
        "三公经费决算数": "29.04",
        "机关运行经费": "143.47",
        "政府采购总额": "826.69",
        "政府采购货物": "83.46",
        "政府采购工程": "55.00",
        "政府采购服务": "688.23",
    }
    for table in tables.values():
        assert len(table["pages"]) == 1  # the seed needs no continuation


# ---------------------------------------------------------------------------
# Determinism


def test_generation_is_byte_identical(tmp_path: Path) -> None:
    first = generate_corpus(tmp_path / "a", units=3, years=(2023, 2024))
    second = generate_corpus(tmp_path / "b", units=3, years=(2023, 2024))
    assert len(first) == len(second) == 7
    for a, b in zip(first, second, strict=True):
        assert a.pdf_path.relative_to(tmp_path / "a") == b.pdf_path.relative_to(tmp_path / "b")
        assert a.pdf_path.read_bytes() == b.pdf_path.read_bytes()
        assert a.truth_path.read_bytes() == b.truth_path.read_bytes()
    other = generate_corpus(
        tmp_path / "c", units=3, years=(2023, 2024), seed=1, include_seed_case=False
    )
    assert other[0].truth_path.read_bytes() != first[1].truth_path.read_bytes()


# ---------------------------------------------------------------------------
# The default corpus


def test_every_variant_value_is_represented(default_corpus: list[dict]) -> None:
    seen: dict[str, set] = {}
    for document in default_corpus:
        for name, value in document["truth"]["variants"].items():
            seen.setdefault(name, set()).add(value)
    for name, shares in VARIANT_SHARES.items():
        assert seen[name] == set(shares), name
    assert seen["header_unit_mismatch"] == {False, True}
    synthesised = [d["truth"] for d in default_corpus if not d["truth"]["document"]["is_seed_case"]]
    for truth in synthesised:
        exotic = sum(
            truth["variants"][name] != shares[0] for name, shares in VARIANT_SHARES.items()
        )
        assert exotic < len(VARIANT_SHARES)
    units = {truth["document"]["unit_name"] for truth in synthesised}
    assert len(units) == 20
    assert {truth["document"]["region"] for truth in synthesised} >= {"枣庄市", "上海市普陀区"}
    assert {truth["document"]["unit_level"] for truth in synthesised} == {"部门", "单位"}


def test_clean_documents_plant_nothing(default_corpus: list[dict]) -> None:
    for document in default_corpus:
        truth = document["truth"]
        assert truth["planted_errors"] == []
        assert document["generated"].planted_errors == ()
        assert list(truth["tables"]) == [f"T0{number}" for number in range(1, 10)]
        assert not any("missing" in table for table in truth["tables"].values())


def test_money_units_follow_the_variant(default_corpus: list[dict]) -> None:
    for document in default_corpus:
        truth = document["truth"]
        units = {table["money_unit"] for table in truth["tables"].values()}
        expected = {"万元": {"万元"}, "元": {"元"}, "mixed": {"万元", "元"}}
        assert units == expected[truth["variants"]["money_unit"]]


def test_file_layout_is_mixed(default_corpus: list[dict]) -> None:
    relatives = [document["relative"] for document in default_corpus]
    assert any(len(path.parts) == 1 and path.name.startswith("doc_") for path in relatives)
    assert any(path.parts[0].isdigit() for path in relatives)
    assert any(path.parts[0] == "上海市普陀区" for path in relatives)
    for document in default_corpus:
        generated = document["generated"]
        assert generated.truth_path == generated.pdf_path.with_name(
            generated.pdf_path.stem + ".truth.json"
        )
        assert document["truth"]["file_name"] == generated.pdf_path.name


def test_continuation_variants(default_corpus: list[dict]) -> None:
    for document in default_corpus:
        truth, texts = document["truth"], document["texts"]
        continuation = truth["variants"]["continuation"]
        for table_id, table in truth["tables"].items():
            pages = table["pages"]
            if continuation == "none":
                assert len(pages) == 1, (truth["file_name"], table_id)
                continue
            if table_id in ("T02", "T03", "T05"):
                assert len(pages) >= 2, (truth["file_name"], table_id)
            for page in pages[1:]:
                text = compact(texts[page - 1])
                assert compact(table["printed_title"]) not in text
                header_marker = "经济分类科目编码" if table_id == "T06" else "栏次"
                assert (header_marker in text) == (continuation == "repeat_header")


def test_printed_text_matches_the_truth(default_corpus: list[dict]) -> None:
    """Titles, every amount and every label line are on the page the truth says."""
    for document in default_corpus:
        truth, texts = document["truth"], document["texts"]
        tokens = [set(text.split()) for text in texts]
        compacts = [compact(text) for text in texts]
        name = truth["file_name"]
        cover = compacts[0]
        assert (
            truth["document"]["unit_name"] in cover
            and str(truth["document"]["fiscal_year"]) in cover
        )
        for number in range(1, len(texts) + 1):
            assert compact(truth["layout"]["page_footer"].format(n=number)) in compacts[number - 1]
        thousands = truth["variants"]["thousands_separator"]
        for table_id, table in truth["tables"].items():
            first = table["pages"][0]
            assert compact(table["printed_title"]) in compacts[first - 1], (name, table_id)
            assert compact(table["unit_line"]) in compacts[first - 1]
            assert table["unit_line"].endswith(truth["document"]["header_unit_name"])
            for row in table["rows"]:
                page = row["page"]
                assert page in table["pages"]
                for column, value in row["values"].items():
                    printed = _printed(value, table["money_unit"], thousands)
                    if printed is not None:
                        assert printed in tokens[page - 1], (name, table_id, row["label"], column)
                if row.get("printed_label"):
                    unnumbered = re.sub(
                        r"^[一二三四五六七八九十]+、", "", compact(row["printed_label"])
                    )
                    assert unnumbered == row["label"]
                    for line in row["printed_label"].split("\n"):
                        assert compact(line) in compacts[page - 1], (name, table_id, line)
            if truth["variants"]["code_layout"] == "split" and table_id == "T03":
                assert {"类", "款", "项"} <= tokens[first - 1], name  # one-glyph header cells
            if table["empty"]:
                assert "无数据" in table["note"]
                assert all(
                    value is None for row in table["rows"] for value in row["values"].values()
                )


def test_header_unit_mismatch_is_printed_and_recorded(default_corpus: list[dict]) -> None:
    mismatched = [d for d in default_corpus if d["truth"]["variants"]["header_unit_mismatch"]]
    assert mismatched
    for document in mismatched:
        truth = document["truth"]
        header_name = truth["document"]["header_unit_name"]
        assert header_name != truth["document"]["unit_name"]
        assert truth["document"]["unit_level"] == "单位"
        t01_page = truth["tables"]["T01"]["pages"][0]
        assert header_name in compact(document["texts"][t01_page - 1])


def test_narrative_restates_the_tables(default_corpus: list[dict]) -> None:
    for document in default_corpus:
        truth = document["truth"]
        if truth["document"]["is_seed_case"]:
            continue
        narrative, tables = truth["narrative"], truth["tables"]
        t01 = {
            (row["side"], row["label"]): row["values"]["决算数"] for row in tables["T01"]["rows"]
        }
        t03_total = tables["T03"]["rows"][0]["values"]
        assert Decimal(narrative["本年收入合计"]) == Decimal(t01[("收入", "本年收入合计")])
        assert Decimal(narrative["本年支出合计"]) == Decimal(t01[("支出", "本年支出合计")])
        assert Decimal(narrative["基本支出"]) == Decimal(t03_total["基本支出"])
        parts = ("政府采购货物", "政府采购工程", "政府采购服务")
        assert Decimal(narrative["政府采购总额"]) == sum(Decimal(narrative[key]) for key in parts)
        narrative_text = compact("".join(document["texts"]))
        unit = "元" if truth["layout"]["narrative_money_unit"] == "元" else "万元"
        scale = Decimal(10_000) if unit == "元" else Decimal(1)
        stated = f"本年收入合计{Decimal(narrative['本年收入合计']) * scale:.2f}{unit}"
        assert stated in narrative_text


# ---------------------------------------------------------------------------
# Cell text stays inside its cell


def _min_clearance(pdf_path: Path, pages: list[int]) -> float:
    """Smallest distance between any glyph box and any drawn rule on the given pages."""
    worst = float("inf")
    with pdfplumber.open(pdf_path) as pdf:
        for number in pages:
            page = pdf.pages[number - 1]
            rules = [(r["x0"], r["top"], r["x1"], r["bottom"]) for r in page.rects]
            for line in page.lines:
                half = line.get("linewidth", 0.5) / 2
                rules.append(
                    (
                        min(line["x0"], line["x1"]) - half,
                        min(line["top"], line["bottom"]) - half,
                        max(line["x0"], line["x1"]) + half,
                        max(line["top"], line["bottom"]) + half,
                    )
                )
            assert rules, number
            for char in page.chars:
                if char["text"].isspace():
                    continue
                for x0, top, x1, bottom in rules:
                    gap_x = max(x0 - char["x1"], char["x0"] - x1, 0.0)
                    gap_y = max(top - char["bottom"], char["top"] - bottom, 0.0)
                    worst = min(worst, max(gap_x, gap_y))
    return worst


@pytest.mark.parametrize(
    "variants",
    [
        Variants(
            ruling="lines",
            code_layout="split",
            wrapped_names=True,
            money_unit="元",
            thousands_separator=True,
        ),
        Variants(
            ruling="rects",
            spaced_names=True,
            t06_groups=2,
            t07_layout="item_pairs",
            zero_style="dash",
        ),
    ],
    ids=["lines", "rects"],
)
def test_text_keeps_clear_of_rules(tmp_path: Path, variants: Variants) -> None:
    generated = generate_document(tmp_path, "上海市普陀区卫生健康委员会", 2024, variants, seed=3)
    truth = load_truth(generated.truth_path)
    pages = [
        page
        for table_id in ("T02", "T04", "T06", "T07")
        for page in truth["tables"][table_id]["pages"]
    ]
    assert _min_clearance(generated.pdf_path, pages) >= 2.0


def test_unruled_tables_have_only_three_horizontal_rules(tmp_path: Path) -> None:
    generated = generate_document(tmp_path, "枣庄市教育局", 2023, Variants(ruling="none"), seed=5)
    truth = load_truth(generated.truth_path)
    with pdfplumber.open(generated.pdf_path) as pdf:
        for table in truth["tables"].values():
            page = pdf.pages[table["pages"][0] - 1]
            assert not page.rects
            assert len(page.lines) == 3
            assert all(line["top"] == line["bottom"] for line in page.lines)


def test_any_unit_name_can_be_generated(tmp_path: Path) -> None:
    generated = generate_document(tmp_path, "枣庄市测试局", 2023, Variants(), seed=7)
    truth = load_truth(generated.truth_path)
    assert truth["document"]["unit_name"] == "枣庄市测试局"
    assert truth["document"]["region"] == "枣庄市"
    assert truth["document"]["unit_level"] == "部门"
    unit_level = load_truth(
        generate_document(tmp_path / "b", "济南市历下区司法局本级", 2024, seed=7).truth_path
    )["document"]
    assert (unit_level["region"], unit_level["unit_level"]) == ("济南市历下区", "单位")


def test_the_registry_of_a_corpus_using_every_catalogue_unit(tmp_path: Path) -> None:
    """Every unit may be asked for (the operations benchmark uses 100); the registry then
    has no unit left to mark as unreported, rather than failing."""
    import csv

    from juesuan_samples import write_unit_registry

    everyone = len(corpus_units())
    registry = write_unit_registry(tmp_path, units=everyone, include_seed_case=False)
    with registry.open(encoding="utf-8") as handle:
        assert len(list(csv.DictReader(handle))) == everyone
    registry = write_unit_registry(tmp_path / "fewer", units=3, include_seed_case=False)
    with registry.open(encoding="utf-8") as handle:
        assert len(list(csv.DictReader(handle))) == 4  # three that report, one that does not


def test_asking_for_more_units_than_the_catalogue_holds_is_a_clear_error(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from pipelines.cli import main

    too_many = len(corpus_units()) + 1
    result = CliRunner().invoke(main, ["samples", "--out", str(tmp_path), "--units", str(too_many)])
    assert result.exit_code == 1
    assert f"at most {too_many - 1} distinct units" in result.output
    assert not list(tmp_path.rglob("*.pdf"))


def test_juesuan_samples_says_how_to_install_the_generator_when_it_is_absent(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from click.testing import CliRunner

    from pipelines.cli import main

    monkeypatch.setitem(sys.modules, "juesuan_samples.cli", None)  # as if not installed
    result = CliRunner().invoke(main, ["samples", "--out", str(tmp_path)])
    assert result.exit_code == 1
    assert "juesuan-samples" in result.output and "make install" in result.output
    assert not list(tmp_path.iterdir())
