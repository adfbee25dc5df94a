"""National function classes (支出功能分类 类) and the economic-class cost grouping."""

from __future__ import annotations

import re

# A function subject code as printed: 类 (3 digits), 款 (5) or 项 (7); match with fullmatch.
SUBJECT_CODE = re.compile(r"\d{3}|\d{5}|\d{7}")
# An economic class code: 类 (3 digits) or 款 (5); match with fullmatch.
ECON_CODE = re.compile(r"\d{3}|\d{5}")

FUNCTION_CLASSES: dict[str, str] = {
    "201": "一般公共服务支出",
    "202": "外交支出",
    "203": "国防支出",
    "204": "公共安全支出",
    "205": "教育支出",
    "206": "科学技术支出",
    "207": "文化旅游体育与传媒支出",
    "208": "社会保障和就业支出",
    "210": "卫生健康支出",
    "211": "节能环保支出",
    "212": "城乡社区支出",
    "213": "农林水支出",
    "214": "交通运输支出",
    "215": "资源勘探工业信息等支出",
    "216": "商业服务业等支出",
    "217": "金融支出",
    "219": "援助其他地区支出",
    "220": "自然资源海洋气象等支出",
    "221": "住房保障支出",
    "222": "粮油物资储备支出",
    "223": "国有资本经营预算支出",
    "224": "灾害防治及应急管理支出",
    "227": "预备费",
    "229": "其他支出",
    "230": "转移性支出",
    "231": "债务还本支出",
    "232": "债务付息支出",
    "233": "债务发行费用支出",
    "234": "抗疫特别国债安排的支出",
}
CLASS_BY_NAME: dict[str, str] = {name: code for code, name in FUNCTION_CLASSES.items()}

# 人员经费 = 工资福利支出 (301) + 对个人和家庭的补助 (303); the rest of basic spending
# is 公用经费.
PERSONNEL_ECON_CLASSES = ("301", "303")


def cost_category(econ_code: str) -> str:
    return "人员经费" if econ_code[:3] in PERSONNEL_ECON_CLASSES else "公用经费"
