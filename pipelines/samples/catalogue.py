"""Reference data for the sample generator: real subject codes and names, units, regions.

Function subjects (支出功能分类科目) and economic classes (部门预算支出经济分类科目) carry
their real codes and names as printed in recent national classifications; units are
realistic but generated, grouped into archetypes that decide which subjects they use.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from pipelines.domain.subjects import FUNCTION_CLASSES

# 类 lines of the two-sided statements (T01/T04 expense side), in printed order: every
# national function class except those the statement template does not list.
_UNLISTED_STATEMENT_CLASSES = ("227", "230", "233")  # 预备费, 转移性支出, 债务发行费用支出
STATEMENT_EXPENSE_CLASSES: tuple[tuple[str, str], ...] = tuple(
    (code, name)
    for code, name in FUNCTION_CLASSES.items()
    if code not in _UNLISTED_STATEMENT_CLASSES
)

# T01 income lines 一…八, in printed order (labels without ordinals).
T01_INCOME_LINES: tuple[str, ...] = (
    "一般公共预算财政拨款收入",
    "政府性基金预算财政拨款收入",
    "国有资本经营预算财政拨款收入",
    "上级补助收入",
    "事业收入",
    "经营收入",
    "附属单位上缴收入",
    "其他收入",
)

# T04 income lines (by fund); also the sub-lines under 年初财政拨款结转和结余.
T04_FUND_LINES: tuple[str, ...] = (
    "一般公共预算财政拨款",
    "政府性基金预算财政拨款",
    "国有资本经营预算财政拨款",
)


def _subjects(class_code: str, class_name: str, sections: dict[str, tuple[str, dict[str, str]]]):
    """Flatten one 类 with its 款 and 项 into (code, name) pairs."""
    pairs = [(class_code, class_name)]
    for section_suffix, (section_name, items) in sections.items():
        section_code = class_code + section_suffix
        pairs.append((section_code, section_name))
        pairs.extend((section_code + suffix, name) for suffix, name in items.items())
    return pairs


_FUNCTION_SUBJECT_PAIRS = [
    *_subjects(
        "201",
        "一般公共服务支出",
        {
            "03": (
                "政府办公厅（室）及相关机构事务",
                {
                    "01": "行政运行",
                    "02": "一般行政管理事务",
                    "03": "机关服务",
                    "04": "专项服务",
                    "05": "专项业务及机关事务管理",
                    "06": "政务公开审批",
                    "08": "信访事务",
                    "50": "事业运行",
                    "99": "其他政府办公厅（室）及相关机构事务支出",
                },
            ),
            "04": (
                "发展与改革事务",
                {
                    "01": "行政运行",
                    "02": "一般行政管理事务",
                    "04": "战略规划与实施",
                    "08": "物价管理",
                    "50": "事业运行",
                    "99": "其他发展与改革事务支出",
                },
            ),
            "05": (
                "统计信息事务",
                {
                    "01": "行政运行",
                    "02": "一般行政管理事务",
                    "05": "专项统计业务",
                    "07": "专项普查活动",
                    "08": "统计抽样调查",
                    "50": "事业运行",
                },
            ),
            "06": (
                "财政事务",
                {
                    "01": "行政运行",
                    "02": "一般行政管理事务",
                    "07": "信息化建设",
                    "08": "财政委托业务支出",
                    "50": "事业运行",
                    "99": "其他财政事务支出",
                },
            ),
            "08": (
                "审计事务",
                {
                    "01": "行政运行",
                    "02": "一般行政管理事务",
                    "04": "审计业务",
                    "05": "审计管理",
                    "50": "事业运行",
                },
            ),
            "38": (
                "市场监督管理事务",
                {
                    "01": "行政运行",
                    "02": "一般行政管理事务",
                    "04": "市场主体管理",
                    "05": "市场秩序执法",
                    "10": "质量基础",
                    "12": "药品事务",
                    "16": "食品安全监管",
                    "50": "事业运行",
                    "99": "其他市场监督管理事务",
                },
            ),
        },
    ),
    *_subjects(
        "204",
        "公共安全支出",
        {
            "06": (
                "司法",
                {
                    "01": "行政运行",
                    "02": "一般行政管理事务",
                    "04": "基层司法业务",
                    "05": "普法宣传",
                    "07": "公共法律服务",
                    "10": "社区矫正",
                    "12": "法治建设",
                    "50": "事业运行",
                    "99": "其他司法支出",
                },
            ),
        },
    ),
    *_subjects(
        "205",
        "教育支出",
        {
            "01": (
                "教育管理事务",
                {"01": "行政运行", "02": "一般行政管理事务", "99": "其他教育管理事务支出"},
            ),
            "02": (
                "普通教育",
                {
                    "01": "学前教育",
                    "02": "小学教育",
                    "03": "初中教育",
                    "04": "高中教育",
                    "99": "其他普通教育支出",
                },
            ),
            "03": ("职业教育", {"02": "中等职业教育"}),
            "07": ("特殊教育", {"01": "特殊学校教育"}),
            "08": ("进修及培训", {"01": "教师进修", "02": "干部教育", "03": "培训支出"}),
        },
    ),
    *_subjects(
        "206",
        "科学技术支出",
        {
            "01": (
                "科学技术管理事务",
                {"01": "行政运行", "02": "一般行政管理事务", "99": "其他科学技术管理事务支出"},
            ),
            "04": ("技术研究与开发", {"99": "其他技术研究与开发支出"}),
            "07": ("科学技术普及", {"01": "机构运行", "02": "科普活动"}),
        },
    ),
    *_subjects(
        "207",
        "文化旅游体育与传媒支出",
        {
            "01": (
                "文化和旅游",
                {
                    "01": "行政运行",
                    "02": "一般行政管理事务",
                    "04": "图书馆",
                    "08": "文化活动",
                    "09": "群众文化",
                    "12": "文化和旅游市场管理",
                    "99": "其他文化和旅游支出",
                },
            ),
            "02": ("文物", {"04": "文物保护"}),
            "03": (
                "体育",
                {
                    "01": "行政运行",
                    "02": "一般行政管理事务",
                    "07": "体育场馆",
                    "08": "群众体育",
                    "99": "其他体育支出",
                },
            ),
        },
    ),
    *_subjects(
        "208",
        "社会保障和就业支出",
        {
            "01": (
                "人力资源和社会保障管理事务",
                {
                    "01": "行政运行",
                    "02": "一般行政管理事务",
                    "09": "社会保险经办机构",
                    "12": "劳动关系和维权",
                    "50": "事业运行",
                    "99": "其他人力资源和社会保障管理事务支出",
                },
            ),
            "02": (
                "民政管理事务",
                {
                    "01": "行政运行",
                    "02": "一般行政管理事务",
                    "06": "社会组织管理",
                    "07": "行政区划和地名管理",
                    "08": "基层政权建设和社区治理",
                    "99": "其他民政管理事务支出",
                },
            ),
            "05": (
                "行政事业单位养老支出",
                {
                    "01": "行政单位离退休",
                    "02": "事业单位离退休",
                    "05": "机关事业单位基本养老保险缴费支出",
                    "06": "机关事业单位职业年金缴费支出",
                    "99": "其他行政事业单位养老支出",
                },
            ),
            "07": ("就业补助", {"01": "就业创业服务补贴", "99": "其他就业补助支出"}),
            "08": ("抚恤", {"01": "死亡抚恤", "02": "伤残抚恤"}),
            "10": ("社会福利", {"01": "儿童福利", "02": "老年福利", "06": "养老服务"}),
            "28": (
                "退役军人管理事务",
                {
                    "01": "行政运行",
                    "02": "一般行政管理事务",
                    "04": "拥军优属",
                    "50": "事业运行",
                    "99": "其他退役军人事务管理支出",
                },
            ),
        },
    ),
    *_subjects(
        "210",
        "卫生健康支出",
        {
            "01": (
                "卫生健康管理事务",
                {"01": "行政运行", "02": "一般行政管理事务", "99": "其他卫生健康管理事务支出"},
            ),
            "02": ("公立医院", {"01": "综合医院", "02": "中医（民族）医院", "05": "精神病医院"}),
            "03": ("基层医疗卫生机构", {"01": "城市社区卫生机构", "02": "乡镇卫生院"}),
            "04": (
                "公共卫生",
                {
                    "01": "疾病预防控制机构",
                    "02": "卫生监督机构",
                    "03": "妇幼保健机构",
                    "08": "基本公共卫生服务",
                    "09": "重大公共卫生服务",
                    "10": "突发公共卫生事件应急处理",
                    "99": "其他公共卫生支出",
                },
            ),
            "07": ("计划生育事务", {"17": "计划生育服务", "99": "其他计划生育事务支出"}),
            "11": (
                "行政事业单位医疗",
                {
                    "01": "行政单位医疗",
                    "02": "事业单位医疗",
                    "03": "公务员医疗补助",
                    "99": "其他行政事业单位医疗支出",
                },
            ),
        },
    ),
    *_subjects(
        "211",
        "节能环保支出",
        {
            "01": (
                "环境保护管理事务",
                {
                    "01": "行政运行",
                    "02": "一般行政管理事务",
                    "04": "生态环境保护宣传",
                    "99": "其他环境保护管理事务支出",
                },
            ),
            "02": (
                "环境监测与监察",
                {"06": "建设项目环评审查与监督", "99": "其他环境监测与监察支出"},
            ),
            "03": ("污染防治", {"01": "大气", "02": "水体", "06": "土壤"}),
        },
    ),
    *_subjects(
        "212",
        "城乡社区支出",
        {
            "01": (
                "城乡社区管理事务",
                {
                    "01": "行政运行",
                    "02": "一般行政管理事务",
                    "04": "城管执法",
                    "05": "工程建设标准规范编制与监管",
                    "06": "工程建设管理",
                    "99": "其他城乡社区管理事务支出",
                },
            ),
            "03": (
                "城乡社区公共设施",
                {"03": "小城镇基础设施建设", "99": "其他城乡社区公共设施支出"},
            ),
            "05": ("城乡社区环境卫生", {"01": "城乡社区环境卫生"}),
            "08": (
                "国有土地使用权出让收入安排的支出",
                {
                    "01": "征地和拆迁补偿支出",
                    "02": "土地开发支出",
                    "03": "城市建设支出",
                    "99": "其他国有土地使用权出让收入安排的支出",
                },
            ),
            "13": (
                "城市基础设施配套费安排的支出",
                {"01": "城市公共设施", "99": "其他城市基础设施配套费安排的支出"},
            ),
        },
    ),
    *_subjects(
        "213",
        "农林水支出",
        {
            "01": (
                "农业农村",
                {
                    "01": "行政运行",
                    "02": "一般行政管理事务",
                    "04": "事业运行",
                    "06": "科技转化与推广服务",
                    "08": "病虫害控制",
                    "22": "农业生产发展",
                    "35": "农业生态资源保护",
                    "53": "农田建设",
                    "99": "其他农业农村支出",
                },
            ),
            "03": (
                "水利",
                {
                    "01": "行政运行",
                    "02": "一般行政管理事务",
                    "04": "水利行业业务管理",
                    "05": "水利工程建设",
                    "06": "水利工程运行与维护",
                    "11": "水资源节约管理与保护",
                    "14": "防汛",
                    "99": "其他水利支出",
                },
            ),
            "05": (
                "巩固脱贫攻坚成果衔接乡村振兴",
                {"04": "农村基础设施建设", "99": "其他巩固脱贫攻坚成果衔接乡村振兴支出"},
            ),
        },
    ),
    *_subjects(
        "214",
        "交通运输支出",
        {
            "01": (
                "公路水路运输",
                {
                    "01": "行政运行",
                    "02": "一般行政管理事务",
                    "04": "公路建设",
                    "06": "公路养护",
                    "12": "公路运输管理",
                    "99": "其他公路水路运输支出",
                },
            ),
        },
    ),
    *_subjects(
        "220",
        "自然资源海洋气象等支出",
        {
            "01": (
                "自然资源事务",
                {
                    "01": "行政运行",
                    "02": "一般行政管理事务",
                    "04": "自然资源规划及管理",
                    "06": "自然资源利用与保护",
                    "09": "自然资源调查与确权登记",
                    "50": "事业运行",
                    "99": "其他自然资源事务支出",
                },
            ),
        },
    ),
    *_subjects(
        "221",
        "住房保障支出",
        {
            "01": ("保障性安居工程支出", {"08": "老旧小区改造"}),
            "02": ("住房改革支出", {"01": "住房公积金", "02": "提租补贴", "03": "购房补贴"}),
        },
    ),
    *_subjects(
        "223",
        "国有资本经营预算支出",
        {
            "01": (
                "解决历史遗留问题及改革成本支出",
                {
                    "05": "国有企业退休人员社会化管理补助支出",
                    "99": "其他解决历史遗留问题及改革成本支出",
                },
            ),
            "02": (
                "国有企业资本金注入",
                {"03": "支持科技进步支出", "99": "其他国有企业资本金注入"},
            ),
        },
    ),
    *_subjects(
        "224",
        "灾害防治及应急管理支出",
        {
            "01": (
                "应急管理事务",
                {
                    "01": "行政运行",
                    "02": "一般行政管理事务",
                    "04": "灾害风险防治",
                    "06": "安全监管",
                    "50": "事业运行",
                    "99": "其他应急管理支出",
                },
            ),
        },
    ),
    *_subjects(
        "229",
        "其他支出",
        {
            "60": (
                "彩票公益金安排的支出",
                {"02": "用于社会福利的彩票公益金支出", "03": "用于体育事业的彩票公益金支出"},
            ),
        },
    ),
]

FUNCTION_SUBJECTS: dict[str, str] = dict(_FUNCTION_SUBJECT_PAIRS)

# Economic classification as printed in T06 (the seed's list), in printed order.
# Each entry: (code, name); 3-digit codes are 类, 5-digit codes are 款.
ECONOMIC_CLASSES: tuple[tuple[str, str], ...] = (
    ("301", "工资福利支出"),
    ("30101", "基本工资"),
    ("30102", "津贴补贴"),
    ("30103", "奖金"),
    ("30106", "伙食补助费"),
    ("30107", "绩效工资"),
    ("30108", "机关事业单位基本养老保险缴费"),
    ("30109", "职业年金缴费"),
    ("30110", "职工基本医疗保险缴费"),
    ("30111", "公务员医疗补助缴费"),
    ("30112", "其他社会保障缴费"),
    ("30113", "住房公积金"),
    ("30114", "医疗费"),
    ("30199", "其他工资福利支出"),
    ("303", "对个人和家庭的补助"),
    ("30301", "离休费"),
    ("30302", "退休费"),
    ("30303", "退职（役）费"),
    ("30304", "抚恤金"),
    ("30305", "生活补助"),
    ("30306", "救济费"),
    ("30307", "医疗费补助"),
    ("30308", "助学金"),
    ("30309", "奖励金"),
    ("30310", "个人农业生产补贴"),
    ("30311", "代缴社会保险费"),
    ("30399", "其他对个人和家庭的补助"),
    ("302", "商品和服务支出"),
    ("30201", "办公费"),
    ("30202", "印刷费"),
    ("30203", "咨询费"),
    ("30204", "手续费"),
    ("30205", "水费"),
    ("30206", "电费"),
    ("30207", "邮电费"),
    ("30208", "取暖费"),
    ("30209", "物业管理费"),
    ("30211", "差旅费"),
    ("30212", "因公出国（境）费用"),
    ("30213", "维修（护）费"),
    ("30214", "租赁费"),
    ("30215", "会议费"),
    ("30216", "培训费"),
    ("30217", "公务接待费"),
    ("30218", "专用材料费"),
    ("30224", "被装购置费"),
    ("30225", "专用燃料费"),
    ("30226", "劳务费"),
    ("30227", "委托业务费"),
    ("30228", "工会经费"),
    ("30229", "福利费"),
    ("30231", "公务用车运行维护费"),
    ("30239", "其他交通费用"),
    ("30240", "税金及附加费用"),
    ("30299", "其他商品和服务支出"),
    ("307", "债务利息及费用支出"),
    ("30701", "国内债务付息"),
    ("30702", "国外债务付息"),
    ("30703", "国内债务发行费用"),
    ("30704", "国外债务发行费用"),
    ("310", "资本性支出"),
    ("31001", "房屋建筑物购建"),
    ("31002", "办公设备购置"),
    ("31003", "专用设备购置"),
    ("31005", "基础设施建设"),
    ("31006", "大型修缮"),
    ("31007", "信息网络及软件购置更新"),
    ("31008", "物资储备"),
    ("31009", "土地补偿"),
    ("31010", "安置补助"),
    ("31011", "地上附着物和青苗补偿"),
    ("31012", "拆迁补偿"),
    ("31013", "公务用车购置"),
    ("31019", "其他交通工具购置"),
    ("31021", "文物和陈列品购置"),
    ("31022", "无形资产购置"),
    ("31099", "其他资本性支出"),
    ("312", "对企业补助"),
    ("31201", "资本金注入"),
    ("31203", "政府投资基金股权投资"),
    ("31204", "费用补贴"),
    ("31205", "利息补贴"),
    ("31299", "其他对企业补助"),
    ("399", "其他支出"),
    ("39906", "赠与"),
    ("39907", "国家赔偿费用支出"),
    ("39908", "对民间非营利组织和群众性自治组织补贴"),
    ("39999", "其他支出"),
)

# 公用经费 classes that are listed only when they carry an amount in 2-group T06 layouts.
OPTIONAL_PUBLIC_ECON_CLASSES: tuple[str, ...] = ("307", "312", "399")


# Subjects every unit uses (pensions, medical insurance, housing), by kind of unit.
COMMON_ADMIN_SUBJECTS = ("2080505", "2080506", "2101101", "2101103", "2210201")
COMMON_INSTITUTION_SUBJECTS = ("2080505", "2080506", "2101102", "2210201")
OCCASIONAL_SUBJECTS = ("2080501", "2080502", "2080801", "2050803", "2210203", "2210202")

# Subjects whose spending is basic (基本支出) only: personnel-linked items.
BASIC_ONLY_SUBJECTS = frozenset(
    {
        "2080501",
        "2080502",
        "2080505",
        "2080506",
        "2080801",
        "2101101",
        "2101102",
        "2101103",
        "2210201",
        "2210202",
        "2210203",
        "2060701",
    }
)
# 项 subjects that are "running" items despite a different suffix.
RUNNING_ITEM_NAMES = frozenset({"行政运行", "事业运行", "机构运行"})


@dataclass(frozen=True)
class Archetype:
    """A kind of government unit: its field of work and the subjects it spends on."""

    key: str
    suffix: str  # department name after the region, e.g. "教育局"
    field: str  # field of work used in duty paragraphs, e.g. "教育"
    subjects: tuple[str, ...]  # 项 codes always used
    optional_subjects: tuple[str, ...]
    fund_subjects: tuple[str, ...] = ()  # 政府性基金预算 subjects
    capital_subjects: tuple[str, ...] = ()  # 国有资本经营预算 subjects
    institution: bool = False  # 事业单位: has 事业收入, uses 事业单位医疗
    scale: tuple[int, int] = (600, 3000)  # 本年支出 range in 万元
    offices: tuple[str, ...] = ()
    special_duty: str = ""


ARCHETYPES: dict[str, Archetype] = {
    archetype.key: archetype
    for archetype in (
        Archetype(
            "education",
            "教育局",
            "教育",
            ("2050101", "2050102", "2050202", "2050203"),
            ("2050201", "2050204", "2050302", "2050701", "2050801", "2050199", "2050299"),
            scale=(8000, 30000),
            offices=("办公室", "基础教育科", "职业教育与成人教育科", "教师工作科", "计划财务科"),
            special_duty="统筹管理全市基础教育，推进义务教育均衡发展和学前教育普及。",
        ),
        Archetype(
            "health",
            "卫生健康委员会",
            "卫生健康",
            ("2100101", "2100102", "2100401", "2100408"),
            ("2100201", "2100301", "2100409", "2100410", "2100717", "2100199", "2100499"),
            scale=(5000, 20000),
            offices=("办公室", "医政医管科", "疾病预防控制科", "基层卫生健康科", "规划财务科"),
            special_duty="组织拟订并协调落实应对人口老龄化政策措施，负责推进医养结合工作。",
        ),
        Archetype(
            "construction",
            "住房和城乡建设局",
            "住房和城乡建设",
            ("2120101", "2120102", "2120106"),
            ("2120105", "2120303", "2120399", "2210108", "2120199"),
            fund_subjects=("2121301", "2121399", "2120803"),
            scale=(2000, 9000),
            offices=("办公室", "建筑市场监管科", "城市建设科", "住房保障科", "计划财务科"),
            special_duty="承担规范房地产市场秩序、监督管理房地产市场的责任。",
        ),
        Archetype(
            "transport",
            "交通运输局",
            "交通运输",
            ("2140101", "2140102", "2140106"),
            ("2140104", "2140112", "2140199"),
            scale=(1500, 8000),
            offices=("办公室", "综合规划科", "运输管理科", "建设管理科", "安全监督科"),
            special_duty="负责公路、水路行业安全生产和应急管理工作。",
        ),
        Archetype(
            "finance",
            "财政局",
            "财政",
            ("2010601", "2010602", "2010607", "2010608"),
            ("2010650", "2010699"),
            scale=(1500, 5000),
            offices=("办公室", "预算科", "国库科", "政府采购监督管理科", "会计科"),
            special_duty="负责编制年度预决算草案并组织执行，负责政府财政资金和财政专户管理。",
        ),
        Archetype(
            "civil",
            "民政局",
            "民政",
            ("2080201", "2080202", "2081002"),
            ("2080206", "2080207", "2080208", "2081006", "2081001", "2080299"),
            fund_subjects=("2296002",),
            scale=(2000, 9000),
            offices=("办公室", "社会救助科", "养老服务科", "社会事务科", "区划地名科"),
            special_duty="负责养老服务体系建设，承担老年人福利和特殊困难老年人救助工作。",
        ),
        Archetype(
            "justice",
            "司法局",
            "司法行政",
            ("2040601", "2040602", "2040604"),
            ("2040605", "2040607", "2040610", "2040612", "2040699"),
            scale=(800, 3000),
            offices=(
                "办公室",
                "法治督察科",
                "公共法律服务管理科",
                "社区矫正管理科",
                "人民参与和促进法治科",
            ),
            special_duty="负责普法宣传工作，组织实施法治宣传教育规划。",
        ),
        Archetype(
            "ecology",
            "生态环境局",
            "生态环境",
            ("2110101", "2110102", "2110301"),
            ("2110104", "2110302", "2110306", "2110206", "2110299"),
            scale=(1000, 5000),
            offices=("办公室", "综合科", "大气环境科", "水生态环境科", "执法监督科"),
            special_duty="负责重大生态环境问题的统筹协调和监督管理。",
        ),
        Archetype(
            "resources",
            "自然资源和规划局",
            "自然资源",
            ("2200101", "2200102", "2200104"),
            ("2200106", "2200109", "2200150", "2200199"),
            fund_subjects=("2120801", "2120802", "2120899"),
            scale=(2000, 8000),
            offices=(
                "办公室",
                "国土空间规划科",
                "自然资源确权登记科",
                "耕地保护监督科",
                "财务审计科",
            ),
            special_duty="负责自然资源调查监测评价，统一确权登记工作。",
        ),
        Archetype(
            "market",
            "市场监督管理局",
            "市场监督管理",
            ("2013801", "2013802", "2013816"),
            ("2013804", "2013805", "2013810", "2013812", "2013850", "2013899"),
            scale=(1500, 6000),
            offices=("办公室", "登记注册科", "食品安全协调科", "质量发展科", "执法稽查科"),
            special_duty="负责市场综合监督管理，统一登记市场主体并建立信息公示和共享机制。",
        ),
        Archetype(
            "agriculture",
            "农业农村局",
            "农业农村",
            ("2130101", "2130102", "2130122"),
            ("2130104", "2130106", "2130108", "2130135", "2130153", "2130504", "2130599"),
            scale=(2000, 9000),
            offices=("办公室", "乡村产业发展科", "种植业管理科", "农田建设管理科", "计划财务科"),
            special_duty="统筹研究和组织实施“三农”工作的发展战略、中长期规划和重大政策。",
        ),
        Archetype(
            "labour",
            "人力资源和社会保障局",
            "人力资源和社会保障",
            ("2080101", "2080102", "2080109"),
            ("2080112", "2080150", "2080701", "2080799", "2080199"),
            scale=(1500, 6000),
            offices=("办公室", "就业促进科", "社会保险科", "劳动关系科", "人才开发科"),
            special_duty="负责促进就业工作，拟订统筹城乡的就业发展规划和政策。",
        ),
        Archetype(
            "disease_control",
            "疾病预防控制中心",
            "疾病预防控制",
            ("2100401", "2100409"),
            ("2100410", "2100408", "2100499"),
            institution=True,
            scale=(1500, 5000),
            offices=("综合办公室", "传染病防制科", "免疫规划科", "检验科", "健康教育科"),
            special_duty="负责传染病、地方病、慢性病的监测与预防控制工作。",
        ),
        Archetype(
            "sports",
            "体育局",
            "体育",
            ("2070301", "2070302", "2070308"),
            ("2070307", "2070399"),
            fund_subjects=("2296003",),
            scale=(800, 4000),
            offices=("办公室", "群众体育科", "竞技体育科", "体育产业科"),
            special_duty="推行全民健身计划，指导和监督国民体质监测工作。",
        ),
        Archetype(
            "emergency",
            "应急管理局",
            "应急管理",
            ("2240101", "2240102", "2240106"),
            ("2240104", "2240150", "2240199"),
            scale=(800, 4000),
            offices=(
                "办公室",
                "应急指挥科",
                "风险监测和综合减灾科",
                "安全生产基础科",
                "执法监督科",
            ),
            special_duty="组织编制总体应急预案和安全生产类、自然灾害类专项预案。",
        ),
        Archetype(
            "assets",
            "国有资产监督管理局",
            "国有资产监督管理",
            ("2010601", "2010602"),
            ("2010650",),
            capital_subjects=("2230105", "2230199", "2230299"),
            scale=(600, 2500),
            offices=("办公室", "产权管理科", "企业改革科", "财务监督科"),
            special_duty="根据授权履行出资人职责，监督所监管企业国有资产保值增值。",
        ),
        Archetype(
            "statistics",
            "统计局",
            "统计",
            ("2010501", "2010502", "2010505"),
            ("2010507", "2010508", "2010550"),
            scale=(500, 2000),
            offices=("办公室", "综合科", "国民经济核算科", "工业交通统计科", "普查中心"),
            special_duty="组织实施全市人口、经济、农业等重大国情国力普查。",
        ),
        Archetype(
            "culture",
            "文化和广电旅游体育局",
            "文化旅游",
            ("2070101", "2070102", "2070108"),
            ("2070104", "2070109", "2070112", "2070204", "2070199"),
            scale=(1500, 6000),
            offices=("办公室", "公共服务科", "文物保护科", "旅游发展科", "市场管理科"),
            special_duty="负责全区文物保护和公共文化服务体系建设。",
        ),
        Archetype(
            "veterans",
            "退役军人事务局",
            "退役军人事务",
            ("2082801", "2082802", "2082804"),
            ("2082850", "2082899", "2080802"),
            scale=(600, 3000),
            offices=("办公室", "移交安置科", "优抚科", "权益维护科"),
            special_duty="负责军队转业干部、复员干部、退休干部、退役士兵的移交安置工作。",
        ),
        Archetype(
            "water",
            "水利局",
            "水利",
            ("2130301", "2130302", "2130306"),
            ("2130304", "2130305", "2130311", "2130314", "2130399"),
            scale=(1500, 7000),
            offices=("办公室", "规划计划科", "水资源管理科", "河湖管理科", "防汛抗旱科"),
            special_duty="负责保障水资源的合理开发利用，组织实施最严格水资源管理制度。",
        ),
        Archetype(
            "audit",
            "审计局",
            "审计",
            ("2010801", "2010802", "2010804"),
            ("2010805", "2010850"),
            scale=(600, 2500),
            offices=("办公室", "法规审理科", "财政审计科", "经济责任审计科", "固定资产投资审计科"),
            special_duty="主管全市审计工作，对审计范围内事项进行审计监督。",
        ),
        Archetype(
            "development",
            "发展和改革局",
            "发展和改革",
            ("2010401", "2010402", "2010404"),
            ("2010408", "2010450", "2010499"),
            scale=(800, 3000),
            offices=("办公室", "综合规划科", "固定资产投资科", "价格管理科", "经济运行科"),
            special_duty="拟订并组织实施国民经济和社会发展战略、中长期规划和年度计划。",
        ),
        Archetype(
            "science",
            "科学技术局",
            "科学技术",
            ("2060101", "2060102", "2060499"),
            ("2060701", "2060702", "2060199"),
            scale=(800, 4000),
            offices=("办公室", "创新发展科", "高新技术科", "科技成果转化科"),
            special_duty="负责科技成果转移转化和促进产学研结合的相关工作。",
        ),
        Archetype(
            "government_office",
            "人民政府办公室",
            "政务服务",
            ("2010301", "2010302", "2010350"),
            ("2010304", "2010305", "2010306", "2010308", "2010399"),
            scale=(2000, 8000),
            offices=("综合科", "会务科", "文秘科", "督查室", "政务公开办公室"),
            special_duty="负责推进、指导、协调、监督政府信息公开和政务公开工作。",
        ),
    )
}

REGIONS: tuple[str, ...] = ("枣庄市", "上海市普陀区", "杭州市西湖区", "成都市武侯区")


@dataclass(frozen=True)
class UnitProfile:
    """A reporting unit: cover name, region, level and the archetype behind its figures."""

    name: str
    region: str
    level: str  # '部门' (部门决算) or '单位' (单位决算)
    archetype: str
    parent_name: str  # printed in the 单位： line when the header does not match the cover

    @property
    def kind(self) -> Archetype:
        return ARCHETYPES[self.archetype]


def _unit(region: str, archetype: str, level: str = "部门", suffix: str = "") -> UnitProfile:
    department = region + ARCHETYPES[archetype].suffix
    if level == "单位" and not suffix:
        return UnitProfile(department + "本级", region, level, archetype, department)
    if suffix:  # a subordinate institution: its parent department is the health commission etc.
        return UnitProfile(region + suffix, region, level, archetype, department)
    return UnitProfile(department, region, level, archetype, region + "人民政府")


# Curated units, interleaved by region so that any prefix mixes regions and archetypes.
CURATED_UNITS: tuple[UnitProfile, ...] = (
    _unit("枣庄市", "education"),
    _unit("上海市普陀区", "health"),
    _unit("杭州市西湖区", "construction"),
    _unit("成都市武侯区", "transport"),
    _unit("枣庄市", "finance"),
    _unit("上海市普陀区", "civil"),
    _unit("杭州市西湖区", "justice", "单位"),
    _unit("成都市武侯区", "ecology"),
    _unit("枣庄市", "resources", "单位"),
    _unit("上海市普陀区", "market"),
    _unit("杭州市西湖区", "agriculture"),
    _unit("成都市武侯区", "labour", "单位"),
    UnitProfile(
        "枣庄市疾病预防控制中心", "枣庄市", "单位", "disease_control", "枣庄市卫生健康委员会"
    ),
    _unit("上海市普陀区", "sports"),
    _unit("杭州市西湖区", "emergency"),
    _unit("成都市武侯区", "assets"),
    _unit("枣庄市", "statistics"),
    _unit("上海市普陀区", "education", "单位"),
    _unit("杭州市西湖区", "culture"),
    _unit("成都市武侯区", "veterans"),
    _unit("枣庄市", "water"),
    _unit("上海市普陀区", "audit"),
    _unit("杭州市西湖区", "development"),
    _unit("成都市武侯区", "science"),
)

SEED_UNIT = UnitProfile(
    "枣庄市人民政府办公室本级", "枣庄市", "单位", "government_office", "枣庄市人民政府办公室"
)


def _every_unit() -> list[UnitProfile]:
    """Curated units first, then every other region × archetype department."""
    units = list(CURATED_UNITS)
    taken = {unit.name for unit in units} | {SEED_UNIT.name}
    for archetype in ARCHETYPES:
        for region in REGIONS:
            candidate = _unit(region, archetype)
            if candidate.name not in taken:
                units.append(candidate)
                taken.add(candidate.name)
    return units


def corpus_units(count: int | None = None) -> list[UnitProfile]:
    """The first `count` distinct units of the catalogue (all of them when None)."""
    units = _every_unit()
    if count is None:
        return units
    if count > len(units):
        raise ValueError(f"at most {len(units)} distinct units can be generated, asked {count}")
    return units[:count]


def _region_of(name: str) -> str:
    """The region a unit name starts with: a known region, else up to its 市 (and 区/县)."""
    for region in REGIONS:
        if name.startswith(region):
            return region
    match = re.match(r"^(.{1,8}?市)(.{1,5}?[区县])?", name)
    if match is None:
        return ""
    city, district = match.groups()
    return city + (district or "") if district and not name.endswith(district) else city


def find_unit(name: str) -> UnitProfile:
    """The catalogue unit with this cover name (the seed unit included).

    Any other name gets a plausible profile: 单位 when it ends in 本级, its archetype
    from its department suffix (e.g. …教育局), else one chosen by the name's hash.
    """
    for unit in (SEED_UNIT, *_every_unit()):
        if unit.name == name:
            return unit
    region = _region_of(name)
    level = "单位" if name.endswith("本级") else "部门"
    department = name.removesuffix("本级")
    by_suffix = [
        key for key, archetype in ARCHETYPES.items() if department.endswith(archetype.suffix)
    ]
    if by_suffix:
        archetype = by_suffix[0]
    else:
        digest = hashlib.sha256(name.encode()).digest()
        archetype = sorted(ARCHETYPES)[digest[0] % len(ARCHETYPES)]
    parent = department if level == "单位" or not region else f"{region}人民政府"
    return UnitProfile(name, region, level, archetype, parent)
