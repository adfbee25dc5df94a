"""The 42 real budgets (预算公开) in ../shared/corpus/budgets, recognised and located.

Each file is either loaded as a budget ('预算') with the unit, year and level its cover
(or, for a tables-only file, its table header) prints, or rejected with its specific
reason: the scanned file, and the two narrative-only files whose 报表 are a separate
attachment. For every loaded file, the standard tables B01–B11 are located on the pages
the corpus README catalogues. The expected data below is read off the README's table;
which printed title is which B table is decided by meaning (../shared/domain.md,
"Budgets"): 财政拨款支出表 beside a 一般公共预算支出表 is neither, a 一般公共预算支出表
by economic class is not B06 (基本支出), 绩效目标表 and 政府购买服务 tables are none.
"""

from __future__ import annotations

import pytest

from pipelines.domain.text import squash
from pipelines.extract.records import DocumentExtraction
from pipelines.warehouse.connection import IN_MEMORY, connect
from pipelines.warehouse.load import load_extraction

# Reads all 42 real budgets: a corpus test, not a unit test.
pytestmark = pytest.mark.slow

BUDGET_COUNT = 42
SCANNED = "beijing_gov_services_data_bureau_scanned_2026_budget.pdf"
NARRATIVE_ONLY = (
    "beijing_transport_commission_2026_budget.pdf",
    "xian_development_reform_commission_2019_budget.pdf",
)
NARRATIVE_ONLY_REASON = "预算公开说明不含预算报表"
B01_TO_B09 = tuple(f"B{n:02d}" for n in range(1, 10))


def tables(spec: str) -> dict[str, tuple[int, int]]:
    """ "B01 7; B02 8-9" → {"B01": (7, 7), "B02": (8, 9)}: table id → (first, last) page."""
    located = {}
    for item in spec.split(";"):
        table_id, pages = item.split()
        first, _, last = pages.partition("-")
        located[table_id] = (int(first), int(last or first))
    return located


# Templates the README catalogues with the same pages ("Fujian titles as above: …").
_BEIJING_SMALL = "B01 1; B02 2; B03 3; B04 4; B05 5; B06 6; B08 7; B09 8; B07 9; B11 10"
_FUJIAN_UNIT = "B01 7; B02 8; B03 9; B04 10; B05 11; B08 12; B09 13; B06 15-17; B07 18"

# file → (unit as printed, fiscal year, level, tables located: id → (first, last) page)
EXPECTED: dict[str, tuple[str, int, str, dict[str, tuple[int, int]]]] = {
    "shanghai_welfare_lottery_center_2026_budget.pdf": (
        "上海市福利彩票发行中心",
        2026,
        "单位",
        tables("B01 7; B02 8; B03 9; B04 10; B05 11; B08 12; B09 13; B06 14; B07 15"),
    ),
    "shanghai_natural_resources_registration_center_2026_budget.pdf": (
        "上海市自然资源确权登记事务中心",
        2026,
        "单位",
        tables("B01 7; B02 8-9; B03 10-11; B04 12; B05 13-14; B08 15; B09 16; B06 17-18; B07 19"),
    ),
    "shanghai_pollution_carbon_reduction_center_2026_budget.pdf": (
        "上海市减污降碳管理运行技术中心",
        2026,
        "单位",
        tables("B01 7; B02 8; B03 9; B04 10; B05 11; B08 12; B09 13; B06 14-15; B07 16"),
    ),
    # 05表 财政拨款支出预算表 (p. 11) is wider than B05; 06表 is B05.
    "shanghai_diamond_gem_exchange_office_2026_budget.pdf": (
        "上海钻石宝玉石交易联合管理办公室",
        2026,
        "单位",
        tables("B01 7; B02 8; B03 9; B04 10; B05 12; B08 13; B09 14; B06 15-16; B10 17; B07 18"),
    ),
    # Tables only: the unit from 预算13表's 部门名称 line, the year from its （2026年度）.
    "beijing_audit_bureau_2026_budget.pdf": (
        "北京市审计局",
        2026,
        "部门",
        tables(_BEIJING_SMALL),
    ),
    "beijing_sasac_2026_budget.pdf": (
        "北京市人民政府国有资产监督管理委员会",
        2026,
        "部门",
        tables("B01 1-2; B02 3; B03 4-5; B04 6-7; B05 8; B06 9-10; B08 11; B09 12; B07 13; B11 14"),
    ),
    "beijing_economy_it_bureau_2026_budget.pdf": (
        "北京市经济和信息化局",
        2026,
        "部门",
        tables("B01 1; B02 2; B03 3-6; B04 7; B05 8-10; B06 11-12; B08 13; B09 14; B07 15; B11 16"),
    ),
    "beijing_capital_greening_office_2026_budget.pdf": (
        "首都绿化委员会办公室",
        2026,
        "部门",
        tables(_BEIJING_SMALL),
    ),
    # Shenzhen: 表4 基本支出总表 (every fund) is B06 for want of a 一般公共预算 one; 表5
    # 项目支出总表 is B10; 表8 一般公共预算支出表（按经济分类） is none.
    "shenzhen_statistics_bureau_2026_budget.pdf": (
        "深圳市统计局(本级)",
        2026,
        "部门",
        tables(
            "B01 16-17; B02 18; B03 19-21; B06 22-23; B10 24; B04 25-26; B05 27-28; B07 32;"
            " B08 33; B09 34"
        ),
    ),
    "shenzhen_port_office_2026_budget.pdf": (
        "深圳市人民政府口岸办公室",
        2026,
        "部门",
        tables(
            "B01 15-16; B02 17; B03 18-20; B06 21-22; B10 23; B04 24-25; B05 26-27; B07 31;"
            " B08 32; B09 33"
        ),
    ),
    "shenzhen_planning_resources_yantian_branch_2026_budget.pdf": (
        "深圳市规划和自然资源局盐田管理局",
        2026,
        "部门",
        tables(
            "B01 14-16; B02 17; B03 18-21; B06 22-23; B10 24-25; B04 26-28; B05 29-31;"
            " B07 35; B08 36; B09 37"
        ),
    ),
    "shenzhen_human_resources_social_security_2026_budget.pdf": (
        "深圳市人力资源和社会保障局",
        2026,
        "部门",
        tables(
            "B01 57-61; B02 62-64; B03 65-113; B06 114-150; B10 151-159; B04 160-163;"
            " B05 164-197; B07 252-258; B08 259-260; B09 261-262"
        ),
    ),
    # Guangdong: 表7 (项目支出 by economic class) and 表11 (基本支出 of every fund) are none.
    "guangzhou_petitions_bureau_2026_budget.pdf": (
        "广州市信访局",
        2026,
        "部门",
        tables(
            "B01 5-6; B02 7; B03 8; B04 9-10; B05 11; B06 12-13; B07 15; B08 16; B09 17; B10 19-20"
        ),
    ),
    "guangzhou_party_publicity_dept_2026_budget.pdf": (
        "中国共产党广州市委员会宣传部",
        2026,
        "部门",
        tables(
            "B01 4-5; B02 6; B03 7-8; B04 9-10; B05 11; B06 12-13; B07 15; B08 16; B09 17;"
            " B10 19-24"
        ),
    ),
    "zhuhai_transport_works_center_2026_budget.pdf": (
        "珠海市政府投资交通市政项目工务中心",
        2026,
        "部门",
        tables("B01 4-5; B02 6; B03 7; B04 8-9; B05 10; B06 11; B07 14; B08 15; B09 16; B10 18-19"),
    ),
    # Jiangsu: 公开05/06表 (财政拨款, every fund) beside 公开07/08表 (一般公共预算): the
    # latter are B05/B06; 公开12表 (机关运行经费) is none.
    "suzhou_audit_bureau_2026_budget.pdf": (
        "苏州市审计局",
        2026,
        "部门",
        tables("B01 9; B02 10; B03 11; B04 12-13; B05 16; B06 17; B07 18; B08 19; B09 20; B11 22"),
    ),
    "suzhou_ecology_environment_bureau_2026_budget.pdf": (
        "苏州市生态环境局",
        2026,
        "单位",
        tables(
            "B01 10; B02 11; B03 12; B04 13-14; B05 18; B06 19-20; B07 21; B08 22; B09 23;"
            " B11 25-26"
        ),
    ),
    "wuxi_petitions_bureau_2025_budget.pdf": (
        "无锡市信访局",
        2025,
        "部门",
        tables(
            "B01 10; B02 11; B03 12-13; B04 14-15; B05 19; B06 20; B07 21; B08 22; B09 23; B11 25"
        ),
    ),
    "wuxi_emergency_enforcement_bureau_2026_budget.pdf": (
        "无锡市应急管理综合行政执法监督局",
        2026,
        "单位",
        tables("B01 6; B02 7; B03 8; B04 9-10; B05 13; B06 14; B07 15; B08 16; B09 17; B11 19"),
    ),
    # Shandong: 公开表10 基本支出预算情况表 (every fund) is none beside 公开表6.
    "yantai_petitions_bureau_2026_budget.pdf": (
        "烟台市信访局",
        2026,
        "部门",
        tables(
            "B01 6; B02 7-8; B03 9-10; B04 11-12; B05 13-14; B06 15-17; B07 18; B08 19; B09 20;"
            " B10 24; B11 25"
        ),
    ),
    "yantai_audit_bureau_2026_budget.pdf": (
        "烟台市审计局",
        2026,
        "部门",
        tables(
            "B01 8; B02 9-10; B03 11-12; B04 13-14; B05 15-16; B06 17-18; B07 19; B08 20;"
            " B09 21; B10 24; B11 25"
        ),
    ),
    "yantai_housing_construction_bureau_2026_budget.pdf": (
        "烟台市住房和城乡建设局",
        2026,
        "部门",
        tables(
            "B01 9; B02 10-12; B03 13-15; B04 16-17; B05 18-19; B06 20-22; B07 23; B08 24;"
            " B09 25; B10 29-31; B11 32"
        ),
    ),
    # Xi'an: 表6 (一般公共预算 by economic class), 表7 (基本支出 by function) and 表11
    # (结转资金) are none; 表9 政府性基金收支表 is B08, 表10 专项业务经费支出表 B10.
    "xian_human_resources_social_security_2020_budget.pdf": (
        "西安市人力资源和社会保障局",
        2020,
        "部门",
        tables(
            "B01 29; B02 30; B03 31; B04 32; B05 33-34; B06 39-40; B08 41; B10 42-44;"
            " B11 46-48; B07 49"
        ),
    ),
    "xian_party_publicity_dept_2021_budget.pdf": (
        "中共西安市委宣传部",
        2021,
        "部门",
        tables(
            "B01 16-18; B02 19; B03 20; B04 21-23; B05 24-25; B06 30-31; B08 32-33; B10 34-37;"
            " B11 39-40; B07 41"
        ),
    ),
    "xian_sasac_2022_budget.pdf": (
        "西安市人民政府国有资产监督管理委员会",
        2022,
        "部门",
        tables("B01 24; B02 25; B03 26; B04 27; B05 28; B06 31; B08 32; B10 33; B11 35; B07 36"),
    ),
    # 汇总 names the document's scope, not the unit (as for final accounts).
    "xian_admin_approval_bureau_2025_budget.pdf": (
        "西安市行政审批服务局",
        2025,
        "部门",
        tables("B01 21; B02 22; B03 23; B04 24; B05 25; B06 29; B08 30; B10 31-32; B11 34; B07 35"),
    ),
    "chongqing_meteorological_bureau_2026_budget.pdf": (
        "重庆市气象局",
        2026,
        "部门",
        tables("B01 6; B02 7-8; B03 9-10; B04 11; B05 12-13; B06 14-15; B08 16; B07 17; B11 18"),
    ),
    "chongqing_party_publicity_dept_2026_budget.pdf": (
        "中共重庆市委宣传部",
        2026,
        "部门",
        tables("B01 8; B02 9-11; B03 12-14; B04 15; B05 16-18; B06 19-21; B08 22; B07 23; B11 24"),
    ),
    # Zhejiang: 表11 项目支出绩效表 is none.
    "hangzhou_justice_bureau_2026_budget.pdf": (
        "杭州市司法局",
        2026,
        "部门",
        tables(
            "B01 23-24; B02 25; B03 26-27; B04 28-29; B05 30-31; B06 32-33; B07 34; B08 35;"
            " B09 36; B10 37-38"
        ),
    ),
    "hangzhou_transport_bureau_2026_budget.pdf": (
        "杭州市交通运输局",
        2026,
        "部门",
        tables(
            "B01 22-23; B02 24-25; B03 26-27; B04 28-29; B05 30-31; B06 32-33; B07 34; B08 35;"
            " B09 36; B10 37-38"
        ),
    ),
    "huzhou_transport_bureau_2026_budget.pdf": (
        "湖州市交通运输局",
        2026,
        "部门",
        tables(
            "B01 21-23; B02 24; B03 25-27; B04 28-29; B05 30-31; B06 32-34; B07 35; B08 36;"
            " B09 37; B10 38"
        ),
    ),
    # Fujian: 一般公共预算支出经济分类情况表 (every expense by class) is none.
    "fuzhou_devzone_ecology_environment_bureau_2026_budget.pdf": (
        "福州经济技术开发区生态环境局",
        2026,
        "单位",
        tables(_FUJIAN_UNIT),
    ),
    "fuzhou_gulou_ecology_environment_bureau_2026_budget.pdf": (
        "福州市鼓楼生态环境局",
        2026,
        "单位",
        tables(_FUJIAN_UNIT),
    ),
    "fuzhou_healthcare_security_bureau_2026_budget.pdf": (
        "福州市医疗保障局",
        2026,
        "部门",
        tables("B01 10; B02 11; B03 12; B04 13; B05 14; B08 15; B09 16; B06 18-20; B07 21"),
    ),
    "quanzhou_gov_office_2026_budget.pdf": (
        "泉州市人民政府办公室",
        2026,
        "部门",
        tables("B01 13; B02 14; B03 15; B04 16; B05 17; B08 18; B09 19; B06 21; B07 22"),
    ),
    "quanzhou_market_supervision_tech_center_2026_budget.pdf": (
        "泉州市市场监管综合监测与技术保障中心",
        2026,
        "单位",
        tables("B01 8; B02 9; B03 10; B04 11; B05 12; B08 13; B09 14; B06 16; B07 17"),
    ),
    "changsha_petitions_bureau_2026_budget.pdf": (
        "长沙市信访局",
        2026,
        "部门",
        tables("B01 12; B02 13; B03 14; B04 15-16; B05 17; B06 18-19; B07 20; B08 21"),
    ),
    "changsha_police_bureau_2025_budget.pdf": (
        "长沙市公安局",
        2025,
        "部门",
        tables("B01 13; B02 14; B03 15; B04 16-17; B05 18; B06 19-20; B07 21; B08 22"),
    ),
    # The label follows the title in brackets; 预算表9 项目支出表 is B10, 预算表10 B09.
    "changchun_petitions_bureau_2026_budget.pdf": (
        "长春市信访局(本级)",
        2026,
        "部门",
        tables("B01 6; B02 7; B03 8; B04 9; B05 10; B06 11; B07 12; B08 13; B10 14; B09 15"),
    ),
}


@pytest.fixture(scope="module")
def extractions(real_budget_extractions) -> dict[str, DocumentExtraction]:
    assert len(real_budget_extractions) == BUDGET_COUNT, (
        f"the budget corpus should hold {BUDGET_COUNT} PDFs"
    )
    return real_budget_extractions


def test_every_budget_is_catalogued_here(extractions):
    assert set(extractions) == set(EXPECTED) | {SCANNED, *NARRATIVE_ONLY}


def test_each_budget_is_loaded_with_its_unit_year_and_level(extractions):
    found = {
        name: (e.status, e.document_kind, e.unit_name, e.fiscal_year, e.unit_level)
        for name, e in extractions.items()
        if name in EXPECTED
    }
    expected = {
        name: ("loaded", "预算", squash(unit), year, level)
        for name, (unit, year, level, _) in EXPECTED.items()
    }
    assert found == expected


def test_the_scanned_budget_is_rejected_as_scanned(extractions):
    scanned = extractions[SCANNED]
    assert (scanned.status, scanned.page_count) == ("rejected", 8)
    assert scanned.status_reason == (
        "扫描件：第1–8页均没有文字层（图片），无法提取，需先做文字识别"
    )


def test_narrative_only_budgets_are_rejected_as_explanations_without_tables(extractions):
    """Recognised as budgets (kind, unit and year read), then rejected: their 报表 are a
    separate attachment, so no table is printed."""
    for name in NARRATIVE_ONLY:
        extraction = extractions[name]
        assert extraction.status == "rejected", name
        assert extraction.document_kind == "预算", name
        assert extraction.status_reason.startswith(NARRATIVE_ONLY_REASON), name
        assert not extraction.tables, name


def test_each_budget_table_is_located_on_its_catalogued_pages(extractions):
    found = {
        name: {
            t.table_id: (t.first_page, t.last_page)
            for t in extractions[name].tables
            if t.first_page is not None
        }
        for name in EXPECTED
    }
    assert found == {name: expected[3] for name, expected in EXPECTED.items()}


# The files printing no 国有资本经营预算支出表 (B09), by the printed signal that says so:
# contents listing the other tables (Changsha, Xi'an), or table numbers running on without
# a gap (Chongqing: 表一…表八, then 表九 政府采购预算明细表).
LEFT_OUT_BY_CONTENTS = "目录列出的预算公开表中没有此表：该模板不含此表"
LEFT_OUT_BY_NUMBERING = "预算公开表的表号连续、没有空号，其中没有此表：该模板不含此表"
NOT_IN_TEMPLATE = {
    "changsha_petitions_bureau_2026_budget.pdf": LEFT_OUT_BY_CONTENTS,
    "changsha_police_bureau_2025_budget.pdf": LEFT_OUT_BY_CONTENTS,
    "xian_human_resources_social_security_2020_budget.pdf": LEFT_OUT_BY_CONTENTS,
    "xian_party_publicity_dept_2021_budget.pdf": LEFT_OUT_BY_CONTENTS,
    "xian_sasac_2022_budget.pdf": LEFT_OUT_BY_CONTENTS,
    "xian_admin_approval_bureau_2025_budget.pdf": LEFT_OUT_BY_CONTENTS,
    "chongqing_meteorological_bureau_2026_budget.pdf": LEFT_OUT_BY_NUMBERING,
    "chongqing_party_publicity_dept_2026_budget.pdf": LEFT_OUT_BY_NUMBERING,
}


def test_b01_to_b09_are_always_recorded_and_b10_b11_only_when_printed(extractions):
    """A standard table not printed is recorded as left out by the template, with the
    signal that says so; every catalogued file prints all nine but B09 in some."""
    for name, (_, _, _, located) in EXPECTED.items():
        recorded = {t.table_id: t for t in extractions[name].tables}
        assert set(recorded) == set(B01_TO_B09) | set(located), name
        unprinted = {tid: (t.status, t.note) for tid, t in recorded.items() if tid not in located}
        expected = (
            {"B09": ("not_in_template", NOT_IN_TEMPLATE[name])} if name in NOT_IN_TEMPLATE else {}
        )
        assert unprinted == expected, name


def test_loaded_budgets_reach_the_raw_schema_as_budgets(extractions):
    with connect(IN_MEMORY) as con:
        for extraction in extractions.values():
            load_extraction(con, extraction)
        kinds = con.execute(
            "select status, document_kind, count(*) from raw.documents"
            " group by all order by status, document_kind nulls last"
        ).fetchall()
        assert kinds == [
            ("loaded", "预算", len(EXPECTED)),
            ("rejected", "预算", len(NARRATIVE_ONLY)),
            ("rejected", None, 1),
        ]
        assert con.execute(
            "select count(distinct table_id) from raw.extracted_tables where table_id not like 'B%'"
        ).fetchone() == (0,)
