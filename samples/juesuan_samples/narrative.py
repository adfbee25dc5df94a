"""Running text of a disclosure: cover, contents, 单位概况, 情况说明 and 名词解释.

The wording follows the seed document (Zaozhuang 2020). Every figure the narrative
states is taken from the Disclosure, so the narrative restates the tables exactly
(except where the Disclosure itself records a stated figure that differs, as the
seed's 基本支出决算 does, or a planted narrative error). Figures derived from a stated
one (shares, changes, completion rates) come from the correct figures, so a planted
misstatement changes that figure alone.
"""

from __future__ import annotations

import random

from juesuan_samples.formatting import chinese_number, chinese_year, narrative_amount, percent
from juesuan_samples.layout import Block
from juesuan_samples.model import (
    PLACEHOLDER_NAME,
    T02_COLUMNS,
    T03_COLUMNS,
    Disclosure,
    NarrativeFigures,
)
from juesuan_samples.tables import TABLE_IDS, DocumentStyle

_SECTION_TITLES = (
    "收入支出决算总体情况说明",
    "收入决算情况说明",
    "支出决算情况说明",
    "财政拨款收入支出决算总体情况说明",
    "一般公共预算财政拨款支出决算情况说明",
    "一般公共预算财政拨款基本支出决算情况说明",
    "一般公共预算财政拨款“三公”经费支出决算情况说明",
    "政府性基金预算财政拨款收入支出决算情况说明",
    "国有资本经营预算财政拨款支出决算情况说明",
    "其他重要事项情况说明",
    "预算绩效情况说明",
)

_INCREASE_REASONS = (
    "年度内增加信息化项目建设专项资金等",
    "年度内新增业务类专项支出",
    "人员数量较上年增加导致基本支出增加",
    "年度内承接的重点工作任务增加",
)
_DECREASE_REASONS = (
    "进一步压减一般性支出",
    "部分项目按进度调减预算",
    "人员调离和退休导致人员经费减少",
    "上年度一次性项目本年度不再安排",
)

GLOSSARY = (
    "财政拨款收入：指单位本年度从本级财政部门取得的财政拨款，包括一般公共预算财政拨款、政府性基金预算财政拨款和国有资本经营预算财政拨款。",
    "上级补助收入：指事业单位从主管部门和上级单位取得的非财政补助收入。",
    "事业收入：指事业单位开展专业业务活动及其辅助活动取得的收入。",
    "经营收入：指事业单位在专业业务活动及其辅助活动之外开展非独立核算经营活动取得的收入。",
    "附属单位上缴收入：指事业单位附属独立核算单位按照有关规定上缴的收入。",
    "其他收入：指单位取得的除上述收入以外的各项收入。",
    "使用非财政拨款结余：指事业单位按照预算管理要求使用非财政拨款结余弥补收支差额的金额。",
    "年初结转和结余：指单位以前年度尚未完成、结转到本年仍按原规定用途继续使用的资金，或项目已完成等产生的结余资金。",
    "结余分配：指事业单位缴纳的所得税以及从非财政拨款结余或经营结余中提取的各类结余。",
    "年末结转和结余：指单位本年度或以前年度预算安排、因客观条件发生变化未全部执行或未执行，结转到以后年度继续使用的资金。",
    "基本支出：指单位为保障机构正常运转、完成日常工作任务而发生的各项支出。",
    "项目支出：指单位为完成特定的行政工作任务或事业发展目标，在基本支出之外发生的各项支出。",
    "“三公”经费：指用财政拨款安排的因公出国（境）费、公务用车购置及运行维护费和公务接待费。",
    "机关运行经费：指为保障行政单位（包括参照公务员法管理的事业单位）运行用于购买货物和服务的各项资金。",
)


class _Writer:
    def __init__(
        self,
        d: Disclosure,
        style: DocumentStyle,
        rng: random.Random,
        correct: NarrativeFigures | None = None,
    ) -> None:
        self.d = d
        self.correct = d.narrative if correct is None else correct
        self.style = style
        self.rng = rng
        self.unit = "元" if d.amount_unit == "元" else "万元"
        self.year = d.fiscal_year
        self.who = style.level_word

    def money(self, value: int, compact: bool = False) -> str:
        return f"{narrative_amount(value, compact)} {self.unit}"

    def change(self, current: int, prior: int, subject: str) -> str:
        """ "与 2019 年度相比，X增加 Y 万元，增长 Z%。主要是…。" """
        delta = current - prior
        prior_year = self.d.narrative.prior.fiscal_year
        if delta == 0:
            return f"与 {prior_year} 年度相比，{subject}基本持平。"
        verb, rate, reasons = (
            ("增加", "增长", _INCREASE_REASONS)
            if delta > 0
            else ("减少", "下降", _DECREASE_REASONS)
        )
        if prior == 0:  # no rate of growth from nothing
            return (
                f"与 {prior_year} 年度相比，{subject}{verb} {self.money(abs(delta))}。"
                f"主要是{self.rng.choice(reasons)}。"
            )
        return (
            f"与 {prior_year} 年度相比，{subject}{verb} {self.money(abs(delta))}，"
            f"{rate} {percent(abs(delta), prior)}%。主要是{self.rng.choice(reasons)}。"
        )

    def part_three(self) -> list[Block]:
        d, n, c = self.d, self.d.narrative, self.correct
        t02_total, t03_total = d.t02.total, d.t03.total
        blocks = [
            Block("第三部分", 16, "center", new_page=True),
            Block(
                heading_text(d, "part_three", self.who),
                16,
                "center",
                space_before=6,
            ),
        ]

        def heading(number: int) -> Block:
            return Block(
                f"{chinese_number(number)}、{_SECTION_TITLES[number - 1]}",
                12,
                indent=0,
                space_before=8,
            )

        grand_total = d.t01.line("收入", "总计").values[0] or 0
        blocks += [
            heading(1),
            Block(
                f"{self.year} 年度收、支总计 {self.money(grand_total)}。"
                + self.change(grand_total, n.prior.grand_total, "收、支总计各")
            ),
        ]
        income = {name: d.t02.value(t02_total, name) or 0 for name in d.t02.columns}
        sources = T02_COLUMNS[1:]  # every source but 本年收入合计
        shares = "；".join(
            f"{name} {narrative_amount(income[name], compact=income[name] == 0)} {self.unit}，"
            f"占 {percent(income[name], c.income_total)}%"
            for name in sources
        )
        blocks += [
            heading(2),
            Block("（一）收入决算结构情况", indent=0),
            Block(f"本年收入合计 {self.money(n.income_total)}，其中：{shares}。"),
            Block("（二）收入决算具体情况", indent=0),
            Block(
                f"1、财政拨款收入 {self.money(income['财政拨款收入'])}。"
                + self.change(income["财政拨款收入"], n.prior.fiscal_income, "")
            ),
        ]
        for number, name in enumerate(sources[1:], start=2):
            if income[name]:
                blocks.append(
                    Block(
                        f"{number}、{name} {self.money(income[name])}。主要是按规定取得的{name}。"
                    )
                )
            else:
                blocks.append(Block(f"{number}、{name} 0 {self.unit}。与上年决算数一致。"))

        spending = {name: d.t03.value(t03_total, name) or 0 for name in d.t03.columns}
        correct_spending = spending | {"基本支出": c.basic, "项目支出": c.project}
        spending |= {"基本支出": n.basic, "项目支出": n.project}  # as the narrative states them
        kinds = T03_COLUMNS[1:]  # every kind but 本年支出合计
        shares = "；".join(
            f"{name} {self.money(spending[name], compact=spending[name] == 0)}，"
            f"占 {percent(correct_spending[name], c.expenditure_total)}%"
            for name in kinds
        )
        blocks += [
            heading(3),
            Block("（一）支出决算结构情况", indent=0),
            Block(f"本年支出合计 {self.money(n.expenditure_total)}，其中：{shares}。"),
            Block("（二）支出决算具体情况", indent=0),
            Block(f"1、基本支出 {self.money(n.basic)}。" + self.change(c.basic, n.prior.basic, "")),
            Block(
                f"2、项目支出 {self.money(n.project)}。"
                + self.change(c.project, n.prior.project, "")
            ),
        ]
        for number, name in enumerate(kinds[2:], start=3):
            value = spending[name]
            text = f"{self.money(value)}。" if value else f"0 {self.unit}。与上年决算数一致。"
            blocks.append(Block(f"{number}、{name} {text}"))

        blocks += [
            heading(4),
            Block(
                f"{self.year} 年度财政拨款收、支总计 {self.money(n.fiscal_grand_total)}。"
                + self.change(
                    c.fiscal_grand_total, n.prior.fiscal_grand_total, "财政拨款收、支总计各"
                )
            ),
        ]
        blocks += self._general_expenditure(heading(5))
        blocks += self._basic_expenditure(heading(6))
        blocks += self._three_public(heading(7))
        blocks += self._funds(heading(8), heading(9))
        blocks += self._other_matters(heading(10), heading(11))
        return blocks

    def _general_expenditure(self, heading: Block) -> list[Block]:
        d, n = self.d, self.d.narrative
        t05 = d.t05
        general = t05.value(t05.total, "合计") or 0
        classes = [row for row in t05.rows if row.code is not None and len(row.code) == 3]
        structure = "；".join(
            f"{row.name.removesuffix('支出')}（类）支出"
            f"{narrative_amount(row.values[0] or 0, True)}{self.unit}，"
            f"占{percent(row.values[0] or 0, general)}%"
            for row in classes
        )
        blocks = [
            heading,
            Block("（一）一般公共预算财政拨款支出决算总体情况", indent=0),
            Block(
                f"{self.year} 年度一般公共预算财政拨款支出 {self.money(general)}，占本年支出合计的 "
                f"{percent(general, self.correct.expenditure_total)}%。"
                + self.change(general, n.prior.general_expenditure, "一般公共预算财政拨款支出")
            ),
            Block("（二）一般公共预算财政拨款支出决算结构情况", indent=0),
            Block(
                f"{self.year}年度一般公共预算财政拨款支出{narrative_amount(general)}{self.unit}，主要用于以下方面：{structure}。"
            ),
            Block("（三）一般公共预算财政拨款支出决算具体情况", indent=0),
            Block(
                f"{self.year} 年度一般公共预算财政拨款支出年初预算为 "
                f"{self.money(n.general_budget, True)}，"
                f"支出决算为 {self.money(general)}，完成年初预算的 "
                f"{percent(general, n.general_budget)}%。其中："
            ),
        ]
        for number, item in enumerate(n.subject_budgets, start=1):
            code = item.code
            path = subject_path(d, code)
            text = (
                f"{number}、{path}。年初预算为 {self.money(item.budget, True)}，"
                f"支出决算为 {self.money(item.final, True)}，"
            )
            if item.budget == 0:
                text += "年初无预算。决算数大于年初预算数的主要原因是年度内追加安排。"
            elif item.budget == item.final:
                text += "完成年初预算的 100%，与本年预算数基本持平。"
            else:
                relation = "大于" if item.final > item.budget else "小于"
                reasons = _INCREASE_REASONS if item.final > item.budget else _DECREASE_REASONS
                if code in d.flipped_words:  # planted: the word contradicts the figures
                    relation = "小于" if relation == "大于" else "大于"
                text += (
                    f"完成年初预算的 {percent(item.final, item.budget)}%。"
                    f"决算数{relation}年初预算数的主要原因是{self.rng.choice(reasons)}。"
                )
            blocks.append(Block(text))
        return blocks

    def _basic_expenditure(self, heading: Block) -> list[Block]:
        d, n = self.d, self.d.narrative
        t06 = d.t06

        def items(category: str) -> str:
            names = [
                row.name
                for row in t06.rows
                if len(row.code) == 5 and row.category == category and row.amount
            ]
            return "、".join(names) or "无"

        return [
            heading,
            Block(
                f"{self.year} 年度一般公共预算财政拨款基本支出决算 "
                f"{self.money(n.general_basic_stated)}，"
                "包括人员经费和公用经费，支出具体情况如下："
            ),
            Block(
                f"人员经费 {self.money(t06.personnel_total or 0)}，主要包括："
                f"{items('人员经费')}等。"
            ),
            Block(
                f"公用经费 {self.money(t06.public_total or 0)}，主要包括：{items('公用经费')}等。"
            ),
        ]

    def _three_public(self, heading: Block) -> list[Block]:
        d, n = self.d, self.d.narrative
        budget, final = d.t07.budget, d.t07.final

        def value(amount: int | None) -> int:
            return amount or 0

        total_budget, total_final = (
            self.correct.three_public_budget,
            self.correct.three_public_final,
        )
        summary = (
            f"{self.year} 年度一般公共预算财政拨款“三公”经费支出年初预算为 "
            f"{self.money(n.three_public_budget, True)}，"
            f"支出决算为 {self.money(n.three_public_final, True)}"
        )
        if total_budget and total_final <= total_budget:
            summary += (
                f"，比年初预算减少 {self.money(total_budget - total_final)}，"
                f"完成年初预算的 {percent(total_final, total_budget)}%。"
                f"决算数小于年初预算数的主要原因是{self.rng.choice(_DECREASE_REASONS)}。"
            )
        else:
            summary += "。"
        abroad_b, abroad_f = value(budget.abroad), value(final.abroad)
        vehicles_b, vehicles_f = value(budget.vehicles), value(final.vehicles)
        reception_b, reception_f = value(budget.reception), value(final.reception)
        return [
            heading,
            Block("（一）“三公”经费支出决算总体情况说明", indent=0),
            Block(summary),
            Block("（二）“三公”经费支出决算具体情况", indent=0),
            Block(
                f"1、因公出国（境）费年初预算为 {self.money(abroad_b, True)}，支出决算为 "
                f"{self.money(abroad_f, True)}。"
                f"全年支出涉及因公出国（境）团组 {1 if abroad_f else 0} 个，累计 "
                f"{3 if abroad_f else 0} 人次。"
            ),
            Block(
                f"2、公务用车购置及运行维护费年初预算为 {self.money(vehicles_b, True)}，"
                f"支出决算为 {self.money(vehicles_f, True)}。其中："
            ),
            Block(
                f"公务用车购置费支出 {self.money(value(final.vehicle_purchase), True)}，"
                f"{self.year} 年使用财政拨款购置公务用车 {1 if final.vehicle_purchase else 0} 辆。"
            ),
            Block(
                f"公务用车运行维护费 {self.money(value(final.vehicle_operation), True)}，主要是"
                "按规定保留的公务用车的"
                f"燃料费、维修费、过路过桥费、保险费等支出。截至 {self.year} 年 12 月 31 日，"
                f"财政拨款开支运行维护费的公务用车保有量为 {n.vehicles} 辆。"
            ),
            Block(
                f"3、公务接待费年初预算为 {self.money(reception_b, True)}，支出决算为 "
                f"{self.money(reception_f, True)}。"
                f"其中：国内接待费 {self.money(reception_f, True)}，共计接待 "
                f"{n.reception_batches} 批次，"
                f"{n.reception_visitors} 人次；国（境）外接待费 0 {self.unit}。"
            ),
        ]

    def _funds(self, fund_heading: Block, capital_heading: Block) -> list[Block]:
        d = self.d
        blocks = [fund_heading]
        t08 = d.t08
        if t08.empty:
            blocks.append(Block(f"本{self.who}没有使用政府性基金预算安排的支出。"))
        else:
            total = t08.total
            opening, income, spent, _, _, closing = (value or 0 for value in total.values)
            blocks.append(
                Block(
                    f"{self.year} 年度政府性基金预算财政拨款年初结转和结余 "
                    f"{self.money(opening, True)}，"
                    f"本年收入 {self.money(income, True)}，本年支出 {self.money(spent, True)}，"
                    f"年末结转和结余 {self.money(closing, True)}。"
                )
            )
        blocks.append(capital_heading)
        t09 = d.t09
        if t09.empty:
            blocks.append(Block(f"本{self.who}没有使用国有资本经营预算安排的支出。"))
        else:
            spent = (
                t09.value(t09.total, t09.columns[0] if "合计" in t09.columns else "本年支出小计")
                or 0
            )
            blocks.append(
                Block(
                    f"{self.year} 年度国有资本经营预算财政拨款支出 {self.money(spent)}，主要用"
                    "于国有企业改革发展。"
                )
            )
        return blocks

    def _other_matters(self, heading: Block, performance_heading: Block) -> list[Block]:
        n = self.d.narrative
        difference = n.running_costs - n.running_costs_budget
        verb, rate = ("增加", "增长") if difference > 0 else ("减少", "降低")
        running = f"{self.year} 年度机关运行经费支出 {self.money(n.running_costs)}"
        if difference:
            running += (
                f"，比年初预算数{verb} {self.money(abs(difference))}，{rate} "
                f"{percent(abs(difference), n.running_costs_budget)}%。主要原因是按照要求进一步"
                "压减一般性支出。"
            )
        else:
            running += "，与年初预算数持平。"
        return [
            heading,
            Block("（一）机关运行经费支出情况", indent=0),
            Block(running),
            Block("（二）政府采购支出情况", indent=0),
            Block(
                f"{self.year} 年度政府采购支出总额 {self.money(n.procurement_total)}，其中：政"
                "府采购货物支出 "
                f"{self.money(n.procurement_goods, True)}、政府采购工程支出 "
                f"{self.money(n.procurement_works, True)}、"
                f"政府采购服务支出 {self.money(n.procurement_services, True)}。"
            ),
            Block("（三）国有资产占用情况", indent=0),
            Block(
                f"截至 {self.year} 年 12 月 31 日，本{self.who}共有车辆 {n.vehicles} 辆，"
                f"其中，其他用车 {n.vehicles} 辆；单位价值 50 万元以上通用设备 0 台（套）。"
            ),
            performance_heading,
            Block(
                f"根据预算绩效管理要求，我{self.who}组织对{self.year}年度预算项目支出进行全面自评，"
                f"涵盖项目{n.evaluated_projects}个，涉及预算资金"
                f"{narrative_amount(n.evaluated_funds, True)}{self.unit}，"
                "占预算项目支出总额的100%。从自评情况看，项目执行和完成情况较好，资金使用比较规范。"
            ),
        ]


def duties(d: Disclosure) -> tuple[str, ...]:
    if d.duties:
        return d.duties
    kind = d.unit.kind
    local = "市" if d.unit.region.endswith("市") else "区"
    return (
        f"贯彻执行国家、省和{local}关于{kind.field}工作的方针政策和法律法规，起草{kind.field}工作有关规范性文件草案并组织实施。",
        f"拟订{kind.field}发展规划和年度计划并组织实施，统筹推进{kind.field}领域改革。",
        kind.special_duty,
        f"负责{kind.field}领域的监督管理工作，依法承担相关行政执法职责。",
        "负责本系统预算、财务和国有资产管理工作，指导直属单位业务工作。",
        f"完成{local}委、{local}政府交办的其他任务。",
    )


def cover_blocks(d: Disclosure, style: DocumentStyle) -> list[Block]:
    year = d.fiscal_year
    kind = "部门决算" if d.unit.level == "部门" else "单位决算"
    if style.cover_style == "year_first":
        title = "决算" if d.is_seed_case else kind
        return [
            Block(f"{year} 年度", 26, "center", new_page=True),
            Block(d.unit.name, 24, "center", space_before=150),
            Block(title, 30, "center", space_before=40),
        ]
    blocks = [
        Block(d.unit.name, 24, "center", new_page=True),
        Block(f"{year} 年度{kind}", 28, "center", space_before=60),
    ]
    if style.cover_style == "unit_first_dated":
        blocks.append(Block(f"{chinese_year(year + 1)}年八月", 14, "center", space_before=280))
    return blocks


def contents_blocks(d: Disclosure, style: DocumentStyle) -> list[Block]:
    who = style.level_word
    year = d.fiscal_year
    blocks = [Block("目 录", 18, "center", new_page=True)]

    def entry(text: str, level: int) -> Block:
        return Block(
            text,
            11 if level == 0 else 10.5,
            indent=0 if level == 0 else 2,
            space_before=6 if level == 0 else 0,
        )

    blocks.append(entry(f"第一部分 {who}概况", 0))
    blocks += [entry("一、" + ("主要职能" if who == "部门" else "单位职责"), 1)]
    blocks += [entry("二、" + ("部门决算单位构成" if who == "部门" else "机构设置"), 1)]
    blocks.append(entry(f"第二部分 {year} 年度{who}决算表", 0))
    blocks += [
        entry(f"{chinese_number(index)}、{style.titles[table_id]}", 1)
        for index, table_id in enumerate(TABLE_IDS, start=1)
    ]
    blocks.append(entry(f"第三部分 {year} 年度{who}决算情况说明", 0))
    blocks += [
        entry(f"{chinese_number(i)}、{title}", 1)
        for i, title in enumerate(_SECTION_TITLES, start=1)
    ]
    blocks.append(entry("第四部分 名词解释", 0))
    return blocks


def profile_blocks(d: Disclosure, style: DocumentStyle) -> list[Block]:
    who = style.level_word
    blocks = [
        Block("第一部分", 16, "center", new_page=True),
        Block(f"{who}概况", 16, "center", space_before=4),
        Block("一、" + ("主要职能" if who == "部门" else "单位职责"), 12, indent=0, space_before=8),
    ]
    blocks += [Block(f"（{chinese_number(i)}）{duty}") for i, duty in enumerate(duties(d), start=1)]
    offices = d.offices or d.unit.kind.offices
    if who == "部门":
        members = [
            f"{d.unit.name}本级",
            *[f"{d.unit.name}{office}" for office in ("机关服务中心", "信息中心")],
        ]
        blocks += [
            Block("二、部门决算单位构成", 12, indent=0, space_before=8),
            Block(
                f"纳入本部门 {d.fiscal_year} 年度部门决算编制范围的单位共 {len(members)} 个，"
                f"包括：{'、'.join(members)}。本级内设 {len(offices)} 个职能科室，分别是："
                f"{'、'.join(offices)}。"
            ),
        ]
    else:
        blocks += [
            Block("二、机构设置", 12, indent=0, space_before=8),
            Block(f"本单位内设 {len(offices)} 个职能科室，分别是：{'、'.join(offices)}。"),
        ]
    return blocks


def subject_path(d: Disclosure, code: str) -> str:
    """A 项's 类/款/项 path as 五(三) prints it: "…（类）财政事务（款）行政运行（项）"."""
    names = d.subject_names
    return f"{names[code[:3]]}（类）{names[code[:5]]}（款）{names[code]}（项）"


HEADING_TITLES = {"tables_part": "决算表", "part_three": "决算情况说明"}  # model.HEADINGS


def heading_text(d: Disclosure, heading: str, who: str, planted: bool = True) -> str:
    """A part's heading, "2024 年度部门决算表", as printed: with a planted placeholder
    name ("XX局2024 年度…") or the year before the report year when d plants one
    (unless `planted` is False: the heading as it should be)."""
    wrong_year = planted and heading in d.wrong_year_headings
    name = PLACEHOLDER_NAME if planted and heading in d.placeholder_headings else ""
    year = d.fiscal_year - 1 if wrong_year else d.fiscal_year
    return f"{name}{year} 年度{who}{HEADING_TITLES[heading]}"


def tables_part_blocks(d: Disclosure, style: DocumentStyle) -> list[Block]:
    return [
        Block("第二部分", 20, "center", new_page=True, space_before=0),
        Block(
            heading_text(d, "tables_part", style.level_word),
            20,
            "center",
            space_before=20,
        ),
    ]


def narrative_blocks(
    d: Disclosure,
    style: DocumentStyle,
    rng: random.Random,
    correct: NarrativeFigures | None = None,
) -> list[Block]:
    """第三部分; `correct` holds the true figures when d.narrative misstates some."""
    return _Writer(d, style, rng, correct).part_three()


def glossary_blocks() -> list[Block]:
    blocks = [
        Block("第四部分", 16, "center", new_page=True),
        Block("名词解释", 16, "center", space_before=4),
    ]
    blocks += [Block(f"{chinese_number(i)}、{text}") for i, text in enumerate(GLOSSARY, start=1)]
    return blocks
