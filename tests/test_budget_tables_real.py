"""Budget tables (B01–B10) of five real budgets, key figures read by hand from the PDFs.

Each expected figure below was read off the printed page (pypdfium2's text of the page,
checked against the printed layout) and is written here in 万元 exactly as the printed
figure converts: 元 ÷ 10000, 万元 with 6 decimals kept. The comment before each names the
page and the row. The five files cover the corpus's kinds (../shared/corpus/budgets/
README.md): 元 integers with the 三公 table in 万元 (Shanghai), 6-decimal 万元 (Beijing
SASAC), a tables-only file (Beijing audit bureau), tables continued over two pages
without a header (Shanghai natural-resources registration centre) and a 单位预算 with
its eleven numbered tables (Shanghai diamond exchange office).
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from pipelines.domain.amounts import find_money_unit, parse_amount, to_wan
from pipelines.domain.subjects import FUNCTION_CLASSES
from pipelines.extract.records import DocumentExtraction, ExtractedTable

pytestmark = pytest.mark.slow

SHANGHAI_YUAN = "shanghai_pollution_carbon_reduction_center_2026_budget.pdf"
BEIJING_SASAC = "beijing_sasac_2026_budget.pdf"
BEIJING_AUDIT = "beijing_audit_bureau_2026_budget.pdf"
SHANGHAI_CONTINUED = "shanghai_natural_resources_registration_center_2026_budget.pdf"
SHANGHAI_UNIT = "shanghai_diamond_gem_exchange_office_2026_budget.pdf"


def wan(text: str) -> Decimal:
    return Decimal(text)


def table(extraction: DocumentExtraction, table_id: str) -> ExtractedTable:
    found = extraction.table(table_id)
    assert found is not None, f"{table_id} not recorded"
    assert found.status == "extracted", (table_id, found.status, found.problems)
    return found


def row_amounts(
    extraction: DocumentExtraction, table_id: str, key: str, side: str | None = None
) -> dict[str, Decimal | None]:
    """Column → amount (万元) of the first row whose code, or else label, is `key`."""
    for row in table(extraction, table_id).rows:
        if side is not None and row.side != side:
            continue
        if key in (row.subject_code, row.line_label) and not (
            row.subject_code and key == row.line_label
        ):
            return {cell.column_name: cell.amount for cell in row.cells}
    raise AssertionError(f"{table_id}: no row {key!r}")


def items(extraction: DocumentExtraction) -> dict[str, dict[str, Decimal | None]]:
    return {
        row.line_label or "": {cell.column_name: cell.amount for cell in row.cells}
        for row in table(extraction, "B07").rows
    }


@pytest.fixture(scope="module")
def read(real_budget_extractions):
    def one(name: str) -> DocumentExtraction:
        extraction = real_budget_extractions[name]
        assert extraction.status == "loaded", extraction.status_reason
        assert extraction.document_kind == "预算"
        return extraction

    return one


def test_shanghai_yuan_integers_and_its_three_public_table_in_wan(read):
    doc = read(SHANGHAI_YUAN)
    assert table(doc, "B02").money_unit == "元" and table(doc, "B07").money_unit == "万元"
    # p.7 财务收支预算总表: 收入总计 39,418,784 | 支出总计 39,418,784 15,571,497 2,705,192
    # 21,142,095 (预算数, 基本支出 人员经费 | 公用经费, 项目支出); 四、其他收入 869,403
    assert row_amounts(doc, "B01", "收入总计", "收入") == {"预算数": wan("3941.8784")}
    assert row_amounts(doc, "B01", "支出总计", "支出") == {
        "预算数": wan("3941.8784"),
        "人员经费": wan("1557.1497"),
        "公用经费": wan("270.5192"),
        "项目支出": wan("2114.2095"),
    }
    assert row_amounts(doc, "B01", "其他收入", "收入")["预算数"] == wan("86.9403")
    # p.8 收入预算总表, 合计 row: 39,418,784 | 财政拨款收入 38,549,381 | 其他收入 869,403
    income = row_amounts(doc, "B02", "合计")
    assert income["合计"] == wan("3941.8784")
    assert income["财政拨款收入"] == wan("3854.9381")
    assert income["其他收入"] == wan("86.9403")
    assert income["事业收入"] is None
    # p.9 支出预算总表, 合计 row: 39,418,784 | 18,276,689 | 21,142,095
    assert row_amounts(doc, "B03", "合计") == {
        "合计": wan("3941.8784"),
        "基本支出": wan("1827.6689"),
        "项目支出": wan("2114.2095"),
    }
    # p.11 一般公共预算支出功能分类预算表, 211 01 08 应对气候变化管理事务:
    # 34,172,769 | 13,502,894 | 20,669,875
    assert row_amounts(doc, "B05", "2110108") == {
        "合计": wan("3417.2769"),
        "基本支出": wan("1350.2894"),
        "项目支出": wan("2066.9875"),
    }
    # p.14 基本支出经济分类预算表, 301 07 绩效工资: 8,034,852 | 人员经费 8,034,852
    assert row_amounts(doc, "B06", "30107") == {
        "合计": wan("803.4852"),
        "人员经费": wan("803.4852"),
        "公用经费": None,
    }
    # p.16 “三公”经费和机关运行经费预算表 (单位:万元): 16.30 | 6.00 | 0.70 | 9.60 | (购置费
    # blank) | 9.60 | (机关运行经费 blank)
    assert items(doc) == {
        "合计": {"预算数": wan("16.30")},
        "因公出国（境）费": {"预算数": wan("6.00")},
        "公务接待费": {"预算数": wan("0.70")},
        "公务用车购置及运行维护费": {"预算数": wan("9.60")},
        "公务用车购置费": {"预算数": None},
        "公务用车运行维护费": {"预算数": wan("9.60")},
        "机关运行经费": {"预算数": None},
    }


def test_beijing_six_decimal_wan_kept_exactly(read):
    doc = read(BEIJING_SASAC)
    assert table(doc, "B01").money_unit == "万元"
    # pp.1–2 收支总表: 三、国有资本经营预算拨款收入 495,500.000000; 本年收入合计
    # 515,257.156053; 上年结转结余 408.118448; 收入总计 = 支出总计 515,665.274501
    assert row_amounts(doc, "B01", "国有资本经营预算拨款收入", "收入") == {
        "预算数": wan("495500.000000")
    }
    assert row_amounts(doc, "B01", "本年收入合计", "收入")["预算数"] == wan("515257.156053")
    assert row_amounts(doc, "B01", "上年结转结余", "收入")["预算数"] == wan("408.118448")
    assert row_amounts(doc, "B01", "支出总计", "支出")["预算数"] == wan("515665.274501")
    # p.3 收入总表, its one row: 合计 515,665.274501 | 本年收入 小计 515,257.156053,
    # 一般公共预算资金 19,756.656053, 国有资本经营预算资金 495,500.000000, 其他收入
    # 0.500000 | 上年结转结余 小计 408.118448
    income = table(doc, "B02").rows[0]
    amounts = {cell.column_name: cell.amount for cell in income.cells}
    assert amounts["合计"] == wan("515665.274501")
    assert amounts["本年收入小计"] == wan("515257.156053")
    assert amounts["一般公共预算拨款收入"] == wan("19756.656053")
    assert amounts["国有资本经营预算拨款收入"] == wan("495500.000000")
    assert amounts["其他收入"] == wan("0.500000")
    assert amounts["上年结转结余"] == wan("408.118448")
    # p.5 支出总表, 合 计: 515,665.274501 | 10,792.950131 | 504,872.324370
    assert row_amounts(doc, "B03", "合计") == {
        "合计": wan("515665.274501"),
        "基本支出": wan("10792.950131"),
        "项目支出": wan("504872.324370"),
    }
    # p.8 一般公共预算支出表, 2050803 培训支出: 189.784243 | 基本支出 小计 20.357443,
    # 公用经费 20.357443 | 项目支出总数 169.426800
    training = row_amounts(doc, "B05", "2050803")
    assert training["合计"] == wan("189.784243")
    assert training["基本支出"] == wan("20.357443")
    assert training["公用经费"] == wan("20.357443")
    assert training["项目支出"] == wan("169.426800")
    # p.9 基本支出表, "50101-工资奖金津补贴 | 30101-基本工资 | 1,431.043200 | 1,431.043200"
    assert row_amounts(doc, "B06", "30101") == {
        "合计": wan("1431.043200"),
        "人员经费": wan("1431.043200"),
        "公用经费": None,
    }
    # p.13 财政拨款“三公”经费支出表: 175.418657 109.215271 2.881386 63.322000
    # 45.000000 18.322000
    assert items(doc) == {
        "合计": {"预算数": wan("175.418657")},
        "因公出国（境）费": {"预算数": wan("109.215271")},
        "公务接待费": {"预算数": wan("2.881386")},
        "公务用车购置及运行维护费": {"预算数": wan("63.322000")},
        "公务用车购置费": {"预算数": wan("45.000000")},
        "公务用车运行维护费": {"预算数": wan("18.322000")},
    }


def test_beijing_tables_only_file(read):
    doc = read(BEIJING_AUDIT)
    assert doc.unit_name == "北京市审计局"
    # p.1 收支总表: 一般公共预算拨款收入 32,365.090089; 九、其他收入 15.000000;
    # 本年收入合计 32,380.090089; 收入总计 = 支出总计 32,852.053832
    assert row_amounts(doc, "B01", "一般公共预算拨款收入", "收入")["预算数"] == wan("32365.090089")
    assert row_amounts(doc, "B01", "其他收入", "收入")["预算数"] == wan("15.000000")
    assert row_amounts(doc, "B01", "收入总计", "收入")["预算数"] == wan("32852.053832")
    assert row_amounts(doc, "B01", "支出总计", "支出")["预算数"] == wan("32852.053832")
    # p.2 收入总表: 32,852.053832 | 小计 32,380.090089 | 一般公共预算资金 32,365.090089 |
    # 其他收入 15.000000 | 上年结转结余 小计 471.963743
    amounts = {cell.column_name: cell.amount for cell in table(doc, "B02").rows[0].cells}
    assert amounts["合计"] == wan("32852.053832")
    assert amounts["本年收入小计"] == wan("32380.090089")
    assert amounts["一般公共预算拨款收入"] == wan("32365.090089")
    assert amounts["其他收入"] == wan("15.000000")
    assert amounts["上年结转结余"] == wan("471.963743")
    # p.3 支出总表, 合 计: 32,852.053832 | 25,218.537585 | 7,633.516247
    assert row_amounts(doc, "B03", "合计") == {
        "合计": wan("32852.053832"),
        "基本支出": wan("25218.537585"),
        "项目支出": wan("7633.516247"),
    }
    # p.5 一般公共预算支出表, 2010805 审计管理: 486.506000 | (基本支出 blank) |
    # 项目支出总数 486.506000
    audit = row_amounts(doc, "B05", "2010805")
    assert audit["合计"] == wan("486.506000")
    assert audit["基本支出"] is None
    assert audit["项目支出"] == wan("486.506000")
    # p.6 基本支出表, "50201-办公经费 | 30201-办公费 | 89.400000 | | 89.400000"
    assert row_amounts(doc, "B06", "30201") == {
        "合计": wan("89.400000"),
        "人员经费": None,
        "公用经费": wan("89.400000"),
    }
    # p.9 财政拨款“三公”经费支出表: 244.848000 173.520000 6.000000 65.328000 37.380000
    # 27.948000
    three_public = items(doc)
    assert three_public["合计"] == {"预算数": wan("244.848000")}
    assert three_public["因公出国（境）费"] == {"预算数": wan("173.520000")}
    assert three_public["公务接待费"] == {"预算数": wan("6.000000")}
    assert three_public["公务用车购置费"] == {"预算数": wan("37.380000")}
    assert three_public["公务用车运行维护费"] == {"预算数": wan("27.948000")}


def test_shanghai_tables_continued_on_a_page_without_header(read):
    doc = read(SHANGHAI_CONTINUED)
    # p.7 财务收支预算总表: 1、一般公共预算 31,295,000; 2、政府性基金预算 435,000;
    # 三、事业单位经营收入 16,710,000; 收入总计 50,040,000 | 支出总计 50,040,000
    # 38,306,200 4,763,000 6,970,800
    assert row_amounts(doc, "B01", "一般公共预算", "收入")["预算数"] == wan("3129.5000")
    assert row_amounts(doc, "B01", "政府性基金预算", "收入")["预算数"] == wan("43.5000")
    assert row_amounts(doc, "B01", "事业单位经营收入", "收入")["预算数"] == wan("1671.0000")
    assert row_amounts(doc, "B01", "支出总计", "支出") == {
        "预算数": wan("5004.0000"),
        "人员经费": wan("3830.6200"),
        "公用经费": wan("476.3000"),
        "项目支出": wan("697.0800"),
    }
    b02 = table(doc, "B02")
    assert (b02.first_page, b02.last_page) == (8, 9)
    # p.9 (no title, no header) 收入预算总表 continued, 220 01 50 事业运行: 36,861,351 |
    # 财政拨款收入 23,163,706 | 事业单位经营收入 12,097,645 | 其他收入 1,600,000
    operations = row_amounts(doc, "B02", "2200150")
    assert operations["合计"] == wan("3686.1351")
    assert operations["财政拨款收入"] == wan("2316.3706")
    assert operations["事业单位经营收入"] == wan("1209.7645")
    assert operations["其他收入"] == wan("160.0000")
    # p.9 合计: 50,040,000 | 31,730,000 | 16,710,000 | 1,600,000
    total = row_amounts(doc, "B02", "合计")
    assert (total["合计"], total["财政拨款收入"]) == (wan("5004.0000"), wan("3173.0000"))
    # p.11 (continued) 支出预算总表 合计: 50,040,000 | 43,069,200 | 6,970,800; 220 01 50
    # 事业运行: 36,861,351 | 30,325,551 | 6,535,800
    assert row_amounts(doc, "B03", "合计") == {
        "合计": wan("5004.0000"),
        "基本支出": wan("4306.9200"),
        "项目支出": wan("697.0800"),
    }
    assert row_amounts(doc, "B03", "2200150") == {
        "合计": wan("3686.1351"),
        "基本支出": wan("3032.5551"),
        "项目支出": wan("653.5800"),
    }
    # p.13 一般公共预算支出功能分类预算表, 220 01 50 事业运行: 23,163,706 | 22,863,706 |
    # 300,000; p.14 (header repeated) 合计: 31,295,000 | 30,995,000 | 300,000
    assert row_amounts(doc, "B05", "2200150") == {
        "合计": wan("2316.3706"),
        "基本支出": wan("2286.3706"),
        "项目支出": wan("30.0000"),
    }
    assert row_amounts(doc, "B05", "合计")["基本支出"] == wan("3099.5000")
    # p.18 (no title, no header) 基本支出经济分类 continued, 302 12 因公出国（境）费用:
    # 100,000 | 公用经费 100,000
    assert row_amounts(doc, "B06", "30212") == {
        "合计": wan("10.0000"),
        "人员经费": None,
        "公用经费": wan("10.0000"),
    }
    # p.19 “三公”经费 (单位:万元): 20.8 | 10.0 | 1.2 | 9.6 | (购置费 blank) | 9.6
    three_public = items(doc)
    assert three_public["合计"] == {"预算数": wan("20.8")}
    assert three_public["因公出国（境）费"] == {"预算数": wan("10.0")}
    assert three_public["公务接待费"] == {"预算数": wan("1.2")}
    assert three_public["公务用车运行维护费"] == {"预算数": wan("9.6")}


def test_shanghai_unit_budget_with_eleven_numbered_tables(read):
    doc = read(SHANGHAI_UNIT)
    assert doc.unit_level == "单位"
    assert {t.table_id for t in doc.tables if t.status == "extracted"} >= {
        "B01", "B02", "B03", "B04", "B05", "B06", "B07", "B10",
    }  # fmt: skip
    # p.7 单位预算01表: 收入总计 7,233,086 | 支出总计 7,233,086 2,994,733 3,968,353 270,000
    assert row_amounts(doc, "B01", "支出总计", "支出") == {
        "预算数": wan("723.3086"),
        "人员经费": wan("299.4733"),
        "公用经费": wan("396.8353"),
        "项目支出": wan("27.0000"),
    }
    # p.8 单位预算02表 合计: 7,233,086 | 财政拨款收入 7,233,086
    income = row_amounts(doc, "B02", "合计")
    assert (income["合计"], income["财政拨款收入"]) == (wan("723.3086"), wan("723.3086"))
    # p.9 单位预算03表 合计: 7,233,086 | 6,963,086 | 270,000
    assert row_amounts(doc, "B03", "合计") == {
        "合计": wan("723.3086"),
        "基本支出": wan("696.3086"),
        "项目支出": wan("27.0000"),
    }
    # p.12 单位预算06表 (一般公共预算支出功能分类预算表, not 05表 财政拨款支出预算表),
    # 201 13 02 一般行政管理事务: 270,000 | (基本支出 blank) | 270,000
    assert table(doc, "B05").first_page == 12
    assert row_amounts(doc, "B05", "2011302") == {
        "合计": wan("27.0000"),
        "基本支出": None,
        "项目支出": wan("27.0000"),
    }
    # p.16 单位预算09表 (continued), 302 17 公务接待费: 10,000 | 公用经费 10,000
    assert row_amounts(doc, "B06", "30217") == {
        "合计": wan("1.0000"),
        "人员经费": None,
        "公用经费": wan("1.0000"),
    }
    # p.18 单位预算11表 (单位:万元): 18.10 | 12.60 | 2.00 | 3.50 | (购置费 blank) | 3.50 |
    # 机关运行经费预算数 396.84
    three_public = items(doc)
    assert three_public["合计"] == {"预算数": wan("18.10")}
    assert three_public["因公出国（境）费"] == {"预算数": wan("12.60")}
    assert three_public["公务接待费"] == {"预算数": wan("2.00")}
    assert three_public["公务用车运行维护费"] == {"预算数": wan("3.50")}
    assert three_public["机关运行经费"] == {"预算数": wan("396.84")}
    # p.17 单位预算表10 财政拨款项目支出预算表: 1 钻石宝玉石产业发展专项 270,000; 合计 270,000
    projects = {row.line_label: row for row in table(doc, "B10").rows}
    project = projects["钻石宝玉石产业发展专项"]
    assert {c.column_name: c.amount for c in project.cells}["预算数"] == wan("27.0000")
    assert {c.column_name: c.amount for c in projects["合计"].cells}["预算数"] == wan("27.0000")


@pytest.mark.parametrize(
    ("printed", "unit", "expected"),
    [
        ("25180591 .33", "元", "2518.059133"),  # Xi'an: a space before the decimal point
        ("85,185.294829", "万元", "85185.294829"),  # Beijing: 6 decimals kept
        ("1,234", "元", "0.1234"),  # Shanghai: 元 integers with separators
        ("636376.38", "万元", "636376.38"),  # Hangzhou: no separator beside 221,493.00
        ("221,493.00", "万元", "221493.00"),
    ],
)
def test_printed_amounts_convert_to_wan_exactly(printed, unit, expected):
    assert to_wan(parse_amount(printed), unit) == Decimal(expected)


def test_the_money_unit_wrapped_in_a_narrow_cell_is_read():
    # Changchun p.10: "单位：万" and "元" on two lines of the frame's last cell
    assert find_money_unit("预算单位：长春市信访局 单位：万\n元") == "万元"
    assert find_money_unit("部门名称：杭州市交通运输局单位：万元") == "万元"
    assert find_money_unit("单位:元") == "元"


# Row kinds the budgets print beside subject rows (hand-built grids, then the real files) --

JIANGSU_AUDIT = "suzhou_audit_bureau_2026_budget.pdf"
JIANGSU_PETITIONS = "wuxi_petitions_bureau_2025_budget.pdf"
XIAN_APPROVAL = "xian_admin_approval_bureau_2025_budget.pdf"


def parsed(table_id: str, cells: list[list[str]], money_unit: str = "万元") -> list:
    from pipelines.domain.tables import BUDGET_TABLES_BY_ID
    from pipelines.extract.document import PARSERS
    from tests.test_extract_heuristics import grid

    spec = BUDGET_TABLES_BY_ID[table_id]
    problems: list[str] = []
    return PARSERS[spec.kind](spec, [grid(cells)], money_unit, problems)


def by_label(rows: list) -> dict:
    return {row.line_label: row for row in rows}


def test_a_unit_code_row_is_no_function_subject():
    rows = parsed(
        "B02",
        [
            ["单位编码", "单位名称", "合计", "一般公共预算拨款收入", "其他收入"],
            ["", "合计", "2867.94", "2723.94", "144.00"],
            ["113", "无锡市信访局", "2867.94", "2723.94", "144.00"],
            ["", "无锡市信访局(本级)", "2304.79", "2160.79", "144.00"],
            ["", "无锡市人民来访接待中心", "563.15", "563.15", ""],
        ],
    )
    assert [(r.subject_code, r.line_label) for r in rows] == [
        (None, "合计"),
        (None, "无锡市信访局"),
        (None, "无锡市信访局(本级)"),
        (None, "无锡市人民来访接待中心"),
    ]
    # a national class keeps its code, whatever its label
    classes = parsed(
        "B03",
        [
            ["科目编码", "科目名称", "合计", "基本支出", "项目支出"],
            ["201", "一般公共服务支出", "10.00", "10.00", ""],
            ["224", "灾害防治及应急管理支出", "5.00", "", "5.00"],
        ],
    )
    assert [r.subject_code for r in classes] == ["201", "224"]


def test_seven_digit_economic_codes_stand_for_their_section_unless_printed_under_it():
    rows = parsed(
        "B06",
        [
            ["科目编码", "科目名称", "合计", "人员经费", "公用经费"],
            ["", "合计", "60.00", "", "60.00"],
            ["30201", "办公费", "4.00", "", "4.00"],
            ["3021101", "差旅费", "46.00", "", "46.00"],  # no 30211 above: it is 30211
            ["30215", "会议费", "10.00", "", "10.00"],
            ["3021503", "三类会议费", "10.00", "", "10.00"],  # under 30215: its detail
        ],
    )
    assert [(r.subject_code, r.line_label) for r in rows] == [
        (None, "合计"),
        ("30201", "办公费"),
        ("30211", "差旅费"),
        ("30215", "会议费"),
        (None, "三类会议费"),
    ]


def test_a_total_row_of_yuan_integers_printed_first_is_the_body():
    # Shanghai's 元 integers: "合 计 | 111,008,600 | … | 1,778,700" right under the header
    rows = parsed(
        "B02",
        [
            ["功能分类科目编码", "科目名称", "合计", "一般公共预算拨款收入", "上年结转结余"],
            ["", "合 计", "111,008,600", "109,229,900", "1,778,700"],
            ["210", "卫生健康支出", "100,291,800", "98,513,100", "1,778,700"],
        ],
        money_unit="元",
    )
    total = {c.column_name: c.amount for c in by_label(rows)["合计"].cells}
    assert total == {
        "合计": wan("11100.86"),
        "一般公共预算拨款收入": wan("10922.99"),
        "上年结转结余": wan("177.87"),
    }
    assert {c.column_name: c.amount for c in rows[1].cells}["上年结转结余"] == wan("177.87")


def test_listing_fund_columns_printing_dashes_are_amounts():
    rows = parsed(
        "B10",
        [
            ["项目名称", "功能分类科目编码", "合计", "一般公共预算", "政府性基金预算"],
            ["合计", "", "904.75", "204.75", "700.00"],
            ["专项业务费", "2010602", "204.75", "204.75", "-"],
            ["国有企业退休人员管理补助", "2230105", "700.00", "-", "700.00"],
        ],
    )
    amounts = {r.line_label: {c.column_name: c.amount for c in r.cells} for r in rows}
    assert amounts["国有企业退休人员管理补助"] == {
        "合计": wan("700.00"),
        "一般公共预算": None,
        "政府性基金预算": wan("700.00"),
    }
    assert amounts["合计"]["一般公共预算"] == wan("204.75")


@pytest.mark.parametrize(
    ("name", "table_id", "unit_row"),
    [
        (JIANGSU_AUDIT, "B02", "苏州市审计局"),  # p.10 "024 苏州市审计局"
        (JIANGSU_PETITIONS, "B02", "无锡市信访局"),  # p.11 "113 无锡市信访局"
        (XIAN_APPROVAL, "B02", "西安市行政审批服务局"),  # p.22 "122 …"
        (XIAN_APPROVAL, "B03", "西安市行政审批服务局"),  # p.23 "122 …"
    ],
)
def test_real_unit_rows_carry_no_subject_code(read, name, table_id, unit_row):
    rows = table(read(name), table_id).rows
    assert all(r.subject_code is None for r in rows if r.line_label == unit_row)
    codes = [r.subject_code for r in rows if r.subject_code]
    assert all(code[:3] in FUNCTION_CLASSES for code in codes), codes


def test_real_unit_rows_add_up_to_the_total(read):
    # Wuxi p.11: 113 无锡市信访局 2,867.94 = (本级) 2,304.79 + 人民来访接待中心 563.15
    rows = by_label(table(read(JIANGSU_PETITIONS), "B02").rows)
    total = {c.column_name: c.amount for c in rows["合计"].cells}["合计"]
    unit = {c.column_name: c.amount for c in rows["无锡市信访局"].cells}["合计"]
    parts = [
        {c.column_name: c.amount for c in rows[label].cells}["合计"]
        for label in ("无锡市信访局(本级)", "无锡市人民来访接待中心")
    ]
    assert total == unit == sum(parts) == wan("2867.94")


def test_beijing_seven_digit_economic_codes_close_the_basic_spending_total(read):
    # Beijing audit p.6: "3021101-差旅费 46.560000", "3021503-三类会议费 6.006000" printed
    # without 30211/30215 rows; 合计 25,218.537585 = Σ of the coded rows
    rows = table(read(BEIJING_AUDIT), "B06").rows
    coded = {r.line_label: r.subject_code for r in rows if r.subject_code}
    assert coded["差旅费"] == "30211" and coded["三类会议费"] == "30215"
    assert all(len(code) in (3, 5) for code in coded.values())

    def amount(row) -> Decimal:
        return {c.column_name: c.amount for c in row.cells}["合计"]

    total = next(amount(r) for r in rows if r.line_label == "合计")
    assert total == sum(amount(r) for r in rows if r.subject_code) == wan("25218.537585")


def test_rows_named_by_their_category_not_by_an_amount_column_headed_with_unit():
    # Shenzhen's 基本支出总表: 支出项目类别 | 总计 | … | 单位资金 (an amount column)
    rows = parsed(
        "B06",
        [
            ["支出项目类别", "总计", "单位资金"],
            ["工资福利支出", "3,470.51", "0.00"],
            ["基本工资", "735.47", "0.00"],
        ],
    )
    assert [r.line_label for r in rows] == ["工资福利支出", "基本工资"]


def test_fund_lines_under_the_carry_over_are_labelled_with_it(read):
    # Suzhou audit p.12 收入: 本年收入 / 一般公共预算拨款 4,651.67 / 政府性基金预算拨款 /
    # 国有资本经营预算拨款 / 上年结转 / the same three fund lines again / 收入总计
    rows = table(read(JIANGSU_AUDIT), "B04").rows
    income = [r.line_label for r in rows if r.side == "收入"]
    assert income == [
        "本年收入",
        "一般公共预算拨款",
        "政府性基金预算拨款",
        "国有资本经营预算拨款",
        "上年结转",
        "上年结转-一般公共预算拨款",
        "上年结转-政府性基金预算拨款",
        "上年结转-国有资本经营预算拨款",
        "收入总计",
    ]


def test_codes_under_a_unit_code_header_are_no_function_subjects():
    # 西安 宣传部 2021 支出总表 p.20: "单位编码 | 单位名称", the department's unit code 201
    # is also the number of a national class (一般公共服务支出); its units 201001/201002.
    rows = parsed(
        "B03",
        [
            ["单位编码", "单位名称", "合计", "上年结转"],
            ["", "合计", "258,596,001.79", "0.00"],
            ["201", "中共西安市委宣传部", "258,596,001.79", "0.00"],
            ["201001", "中共西安市委宣传部", "255,197,284.29", "0.00"],
            ["201002", "中共西安市委理论讲师团", "3,398,717.50", "0.00"],
        ],
        "元",
    )
    assert [r.subject_code for r in rows] == [None, None, None, None]
    assert [r.line_label for r in rows][1] == "中共西安市委宣传部"


def test_numbered_parts_under_a_carry_over_are_labelled_with_it():
    # 深圳 口岸办 收支总表 p.16: "上年结余、结转 753.13" over "1.财政拨款结余、结转 753.13" and
    # "2.非财政拨款结余、结转 0.00" — its parts, never carry-overs of their own beside it.
    from pipelines.domain.tables import BUDGET_TABLES_BY_ID
    from pipelines.extract.statement_tables import parse_statement
    from tests.test_extract_heuristics import grid

    cells = [
        ["收入", "", "支出", ""],
        ["项目", "2026年预算数", "项目", "2026年预算数"],
        ["一、财政拨款", "55,131.54", "一、一般公共服务支出", "55,884.67"],
        ["本年收入合计", "55,131.54", "本年支出合计", "55,884.67"],
        ["上年结余、结转", "753.13", "结转下年", "0.00"],
        ["1.财政拨款结余、结转", "753.13", "", ""],
        ["2.非财政拨款结余、结转", "0.00", "", ""],
        ["收入总计", "55,884.67", "支出总计", "55,884.67"],
    ]
    problems: list[str] = []
    rows = parse_statement(
        BUDGET_TABLES_BY_ID["B01"],
        [grid(cells, merges=((0, 0, 1, 2), (0, 2, 1, 2)))],
        "万元",
        problems,
    )
    income = [r.line_label for r in rows if r.side == "收入"]
    assert income == [
        "财政拨款",
        "本年收入合计",
        "上年结余、结转",
        "上年结余、结转-财政拨款结余、结转",
        "上年结余、结转-非财政拨款结余、结转",
        "收入总计",
    ]
    # an unnumbered carry-over after them is a line of its own
    assert [r.line_label for r in rows if r.side == "支出"][-2:] == ["结转下年", "支出总计"]
