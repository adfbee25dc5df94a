"""The seed case: 枣庄市人民政府办公室本级 2020 单位决算, figure for figure.

Typed from the published document, including its rounding differences (T03 20103
2747.50 against 1724.88 + 1022.61; T01 7753.63 + 5.00 against 总计 7758.62; T06
人员经费合计 1991.45 + 公用经费合计 213.26 against T05 基本支出 2204.72; the narrative's
基本支出决算 2204.71). Amounts are written as printed, in 万元; None is a blank cell.
"""

from __future__ import annotations

from decimal import Decimal

from juesuan_samples.catalogue import (
    ECONOMIC_CLASSES,
    SEED_UNIT,
    STATEMENT_EXPENSE_CLASSES,
    T01_INCOME_LINES,
    T04_FUND_LINES,
)
from juesuan_samples.model import (
    STATEMENT_FINAL,
    T02_COLUMNS,
    T03_COLUMNS,
    T04_EXPENSE_COLUMNS,
    T05_COLUMNS,
    T08_COLUMNS,
    T09_STYLE_EXPENDITURE,
    BasicExpenditure,
    Disclosure,
    EconRow,
    NarrativeFigures,
    PriorYear,
    Statement,
    StatementLine,
    SubjectBudget,
    SubjectRow,
    SubjectTable,
    ThreePublic,
    ThreePublicTable,
)
from pipelines.domain.subjects import cost_category

SEED_FISCAL_YEAR = 2020


def cents(printed: str | None) -> int | None:
    """A printed 万元 figure ("1244.35") as cents; None stays None."""
    if printed is None:
        return None
    return int(Decimal(printed) * 100)


def _subject_table(columns: tuple[str, ...], rows: list[tuple]) -> SubjectTable:
    """Rows as (code or None, name, *printed values); missing trailing values are blank."""
    built = []
    for code, name, *values in rows:
        padded = [*values, *([None] * (len(columns) - len(values)))]
        built.append(SubjectRow(code, name, tuple(cents(value) for value in padded)))
    return SubjectTable(columns, tuple(built))


# (code, name, 本年收入合计, 财政拨款收入); the other five source columns are blank.
_T02_ROWS = [
    (None, "合计", "7753.63", "7753.63"),
    ("201", "一般公共服务支出", "2788.41", "2788.41"),
    ("20103", "政府办公厅（室）及相关机构事务", "2788.41", "2788.41"),
    ("2010301", "行政运行", "1244.35", "1244.35"),
    ("2010302", "一般行政管理事务", "782.72", "782.72"),
    ("2010304", "专项服务", "106.00", "106.00"),
    ("2010350", "事业运行", "479.04", "479.04"),
    ("2010399", "其他政府办公厅（室）及相关机构事务支出", "176.31", "176.31"),
    ("205", "教育支出", "12.46", "12.46"),
    ("20508", "进修及培训", "12.46", "12.46"),
    ("2050803", "培训支出", "12.46", "12.46"),
    ("208", "社会保障和就业支出", "256.22", "256.22"),
    ("20805", "行政事业单位养老支出", "229.54", "229.54"),
    ("2080505", "机关事业单位基本养老保险缴费支出", "153.02", "153.02"),
    ("2080506", "机关事业单位职业年金缴费支出", "76.52", "76.52"),
    ("20808", "抚恤", "26.68", "26.68"),
    ("2080801", "死亡抚恤", "26.68", "26.68"),
    ("210", "卫生健康支出", "105.20", "105.20"),
    ("21011", "行政事业单位医疗", "105.20", "105.20"),
    ("2101101", "行政单位医疗", "44.44", "44.44"),
    ("2101102", "事业单位医疗", "22.51", "22.51"),
    ("2101103", "公务员医疗补助", "38.25", "38.25"),
    ("212", "城乡社区支出", "4485.38", "4485.38"),
    ("21208", "国有土地使用权出让收入安排的支出", "4485.38", "4485.38"),
    ("2120899", "其他国有土地使用权出让收入安排的支出", "4485.38", "4485.38"),
    ("221", "住房保障支出", "105.95", "105.95"),
    ("22102", "住房改革支出", "105.95", "105.95"),
    ("2210201", "住房公积金", "105.95", "105.95"),
]

# (code, name, 本年支出合计, 基本支出, 项目支出); the last three columns are blank.
_T03_ROWS = [
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

# (code, name, 小计, 基本支出, 项目支出)
_T05_ROWS = [
    (None, "合计", "3227.33", "2204.72", "1022.61"),
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
    ("221", "住房保障支出", "105.95", "105.95", None),
    ("22102", "住房改革支出", "105.95", "105.95", None),
    ("2210201", "住房公积金", "105.95", "105.95", None),
]

# (code, name, 年初结转和结余, 本年收入, 本年支出小计, 基本支出, 项目支出, 年末结转和结余)
_T08_ROWS = [
    (None, "合计", "3.10", "4485.38", "4488.48", None, "4488.48", None),
    ("212", "城乡社区支出", "3.10", "4485.38", "4488.48", None, "4488.48", None),
    (
        "21208",
        "国有土地使用权出让收入安排的支出",
        "3.10",
        "4485.38",
        "4488.48",
        None,
        "4488.48",
        None,
    ),
    (
        "2120899",
        "其他国有土地使用权出让收入安排的支出",
        "3.10",
        "4485.38",
        "4488.48",
        None,
        "4488.48",
        None,
    ),
]

_T01_INCOME = ("3268.25", "4485.38", None, None, None, None, None, None)
_T01_EXPENSE = {
    "201": "2747.50",
    "205": "12.46",
    "208": "256.22",
    "210": "105.20",
    "212": "4488.48",
    "221": "105.95",
}

# T04 expense class lines: code -> (合计, 一般公共预算, 政府性基金预算, 国有资本经营预算)
_T04_EXPENSE = {
    "201": ("2747.50", "2747.50", None, None),
    "205": ("12.46", "12.46", None, None),
    "208": ("256.22", "256.22", None, None),
    "210": ("105.20", "105.20", None, None),
    "212": ("4488.48", None, "4488.48", None),
    "221": ("105.95", "105.95", None, None),
}

_T06_AMOUNTS = {
    "301": "1920.28",
    "30101": "518.62",
    "30102": "559.26",
    "30103": "249.24",
    "30107": "122.38",
    "30108": "153.02",
    "30109": "76.52",
    "30110": "66.95",
    "30111": "38.25",
    "30113": "105.95",
    "30114": "12.81",
    "30199": "17.28",
    "303": "71.17",
    "30301": "1.76",
    "30302": "26.45",
    "30304": "26.68",
    "30305": "7.05",
    "30309": "6.12",
    "30399": "3.10",
    "302": "213.26",
    "30201": "19.28",
    "30211": "18.24",
    "30213": "7.53",
    "30215": "2.16",
    "30216": "12.46",
    "30228": "23.80",
    "30231": "7.19",
    "30239": "77.91",
    "30299": "44.69",
}

# (code, 年初预算, 支出决算) as stated in 第三部分 五（三）.
_SUBJECT_BUDGETS = (
    ("2010301", "974.97", "1244.35"),
    ("2010302", "390", "767.30"),
    ("2010304", "106", "106.00"),
    ("2010350", "482.34", "480.53"),
    ("2010399", "140", "149.31"),
    ("2050803", "17.85", "12.46"),
    ("2080505", "153.02", "153.02"),
    ("2080506", "76.52", "76.52"),
    ("2080801", "0", "26.68"),
    ("2101101", "44.44", "44.44"),
    ("2101102", "22.51", "22.51"),
    ("2101103", "38.25", "38.25"),
    ("2210201", "134.1", "105.95"),
)

SEED_DUTIES = (
    "协助市政府领导同志审核或者组织起草市政府、市政府办公室发布的文电；负责承办各级各类文电、文稿的收发、传阅、报批、档案管理以及保密工作。",
    "负责市政府会议的准备和会务工作，组织起草市政府领导同志讲话以及其他综合性文稿，协助市政府领导同志组织会议决定事项的实施。",
    "负责市政府重大活动的组织统筹、市政府领导同志政务活动的组织安排工作，负责或者参与有关重大接待活动的组织协调工作。",
    "负责市政府值班工作，及时向市政府领导同志报告重要情况，传达并督查落实市政府领导同志批示要求。",
    "承办市政府各部门和各区（市）政府请示市政府的事项，提出审核（拟办）意见，报市政府审批。",
    "负责推进、指导、协调、监督全市政府信息公开和政务公开工作，承担市政府政务公开领导小组的日常工作。",
    "负责收集、整理、分析、报送重要信息，履行市政府新闻发言人职责。",
    "承办市委、市政府交办的其他事项。",
)

SEED_OFFICES = (
    "综合科",
    "会务科",
    "文秘科",
    "秘书一科",
    "秘书二科",
    "秘书三科",
    "秘书四科",
    "信息舆情室",
    "督查室",
    "政务服务综合协调科",
    "审批改革推进科",
    "政务公开办公室",
    "打击走私综合治理科",
    "大数据与电子政务科",
    "出国管理科",
    "涉外管理科",
    "人事科",
    "财务科",
    "离退休干部科",
    "机关基层党组织",
)


def _t01() -> Statement:
    income = [
        StatementLine("收入", label, "line", (cents(value),))
        for label, value in zip(T01_INCOME_LINES, _T01_INCOME, strict=True)
    ]
    income += [
        StatementLine("收入", "本年收入合计", "subtotal", (cents("7753.63"),)),
        StatementLine("收入", "使用非财政拨款结余", "carry", (None,)),
        StatementLine("收入", "年初结转和结余", "carry", (cents("5.00"),)),
        StatementLine("收入", "总计", "grand_total", (cents("7758.62"),)),
    ]
    expense = [
        StatementLine("支出", name, "line", (cents(_T01_EXPENSE.get(code)),), code)
        for code, name in STATEMENT_EXPENSE_CLASSES
    ]
    expense += [
        StatementLine("支出", "本年支出合计", "subtotal", (cents("7715.81"),)),
        StatementLine("支出", "结余分配", "carry", (None,)),
        StatementLine("支出", "年末结转和结余", "carry", (cents("42.81"),)),
        StatementLine("支出", "总计", "grand_total", (cents("7758.62"),)),
    ]
    return Statement(STATEMENT_FINAL, STATEMENT_FINAL, tuple(income), tuple(expense))


def _t04() -> Statement:
    opening = "年初财政拨款结转和结余"
    income = [
        StatementLine("收入", label, "line", (cents(value),))
        for label, value in zip(T04_FUND_LINES, ("3268.25", "4485.38", None), strict=True)
    ]
    income += [
        StatementLine("收入", "本年收入合计", "subtotal", (cents("7753.63"),)),
        StatementLine("收入", opening, "carry", (cents("5.00"),)),
        *(
            StatementLine("收入", label, "sub", (cents(value),), parent=opening)
            for label, value in zip(T04_FUND_LINES, ("1.90", "3.10", None), strict=True)
        ),
        StatementLine("收入", "总计", "grand_total", (cents("7758.62"),)),
    ]
    blank = (None, None, None, None)
    expense = [
        StatementLine(
            "支出", name, "line", tuple(cents(v) for v in _T04_EXPENSE.get(code, blank)), code
        )
        for code, name in STATEMENT_EXPENSE_CLASSES
    ]

    def row(label: str, kind: str, values: tuple[str | None, ...]) -> StatementLine:
        return StatementLine("支出", label, kind, tuple(cents(v) for v in values))

    expense += [
        row("本年支出合计", "subtotal", ("7715.81", "3227.33", "4488.48", None)),
        row("年末财政拨款结转和结余", "carry", ("42.81", "42.81", None, None)),
        row("总计", "grand_total", ("7758.62", "3270.14", "4488.48", None)),
    ]
    return Statement(STATEMENT_FINAL, T04_EXPENSE_COLUMNS, tuple(income), tuple(expense))


def _t06() -> BasicExpenditure:
    rows = tuple(
        EconRow(code, name, cost_category(code), cents(_T06_AMOUNTS.get(code)))
        for code, name in ECONOMIC_CLASSES
    )
    return BasicExpenditure(rows, cents("1991.45"), cents("213.26"))


def _t07() -> ThreePublicTable:
    budget = ThreePublic(
        cents("149.93"), None, cents("33.00"), None, cents("33.00"), cents("116.93")
    )
    final = ThreePublic(cents("29.04"), None, cents("18.19"), None, cents("18.19"), cents("10.85"))
    return ThreePublicTable(budget, final)


def _narrative() -> NarrativeFigures:
    return NarrativeFigures(
        income_total=cents("7753.63"),
        expenditure_total=cents("7715.81"),
        basic=cents("2204.72"),
        project=cents("5511.09"),
        fiscal_grand_total=cents("7758.62"),
        three_public_budget=cents("149.93"),
        three_public_final=cents("29.04"),
        running_costs=cents("143.47"),
        procurement_goods=cents("83.46"),
        procurement_works=cents("55"),
        procurement_services=cents("688.23"),
        procurement_total=cents("826.69"),
        general_basic_stated=cents("2204.71"),
        running_costs_budget=cents("148.21"),
        general_budget=cents("2580"),
        subject_budgets=tuple(
            SubjectBudget(code, cents(budget), cents(final))
            for code, budget, final in _SUBJECT_BUDGETS
        ),
        # 2019 figures as implied by the stated changes (增加 4269.85 万元 etc.).
        prior=PriorYear(
            fiscal_year=2019,
            grand_total=cents("3488.77"),
            fiscal_income=cents("3458.26"),
            basic=cents("2127.24"),
            project=cents("1318.09"),
            fiscal_grand_total=cents("3488.77"),
            general_expenditure=cents("2976.87"),
        ),
        vehicles=6,
        reception_batches=59,
        reception_visitors=381,
        evaluated_projects=26,
        evaluated_funds=cents("636"),
    )


def seed_disclosure() -> Disclosure:
    """The seed document's figures as a Disclosure (amounts in 万元 cents)."""
    t02 = _subject_table(T02_COLUMNS, _T02_ROWS)
    names = {row.code: row.name for row in t02.rows if row.code is not None}
    t03 = _subject_table(T03_COLUMNS, _T03_ROWS)
    names |= {row.code: row.name for row in t03.rows if row.code is not None}
    return Disclosure(
        unit=SEED_UNIT,
        fiscal_year=SEED_FISCAL_YEAR,
        amount_unit="万元",
        subject_names=names,
        t01=_t01(),
        t02=t02,
        t03=t03,
        t04=_t04(),
        t05=_subject_table(T05_COLUMNS, _T05_ROWS),
        t06=_t06(),
        t07=_t07(),
        t08=_subject_table(T08_COLUMNS, _T08_ROWS),
        t09=_subject_table(T05_COLUMNS, [(None, "合计")]),
        narrative=_narrative(),
        t09_style=T09_STYLE_EXPENDITURE,
        is_seed_case=True,
        offices=SEED_OFFICES,
        duties=SEED_DUTIES,
    )
