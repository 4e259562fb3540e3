"""The code lists the engine needs, as plain tuples (it must not import the ORM)."""
from __future__ import annotations


def N_(message: str, /, **values) -> str:
    """A sentence the pages say in the reader's language (``matchmaker.wording``), written in Chinese
    with its values; the engine knows no Flask, so it only marks the sentence and fills it in."""
    return message % values if values else message


INDUSTRIES = ("next_gen_it", "life_health", "green_smart_manufacturing", "high_tech_services", "other")
INDUSTRY_LABELS = ("新一代信息技术", "生命健康", "绿色低碳及智能制造", "高技术服务", "其他")
CERTIFICATIONS = ("high_tech_enterprise", "specialized_innovative", "tech_sme")
CERTIFICATION_LABELS = ("高新技术企业", "专精特新", "科技型中小企业")
RATINGS = ("AAA", "AA", "A", "BBB", "BB", "B", "C")  # best first
RATING_RANK = {r: len(RATINGS) - i for i, r in enumerate(RATINGS)}  # AAA=7 ... C=1
GRADES = ("A", "B", "C", "D", "E")  # the knowledge-value credit grade, best first
GRADE_RANK = {g: len(GRADES) - i for i, g in enumerate(GRADES)}  # A=5 ... E=1; no grade is 0
KINDS = ("credit_loan", "gaoxin_dai", "knowledge_value", "ip_pledge", "equity_pledge", "equipment_mortgage",
         "green_loan", "supply_chain", "renewal_loan", "leasing", "guarantee", "tech_insurance",
         "equity_investment")
KIND_LABELS = ("信用贷款", "高新贷", "知识价值信用贷款", "知识产权质押贷款", "股权质押贷款", "科研设备抵押贷款",
               "绿色信贷", "供应链金融", "无本续贷", "融资租赁", "融资担保", "科技保险", "股权投资")
# Domain knowledge the features may use: which products value IP, which are secured.
IP_BASED_KINDS = frozenset({"knowledge_value", "ip_pledge", "gaoxin_dai", "equity_investment"})
SECURED_KINDS = frozenset({"equipment_mortgage", "equity_pledge", "leasing", "supply_chain", "guarantee"})
NON_LENDING_KINDS = frozenset({"equity_investment", "tech_insurance", "guarantee"})
