"""The demo market's institutions and product catalogue (135 products, as the real platform had)."""
from __future__ import annotations

import random
from dataclasses import dataclass

from . import names

W = 10_000  # one 万元 in yuan


@dataclass(frozen=True)
class KindTerms:
    names: tuple[str, ...]
    amount_wan: tuple[tuple[int, int], ...]  # candidate (min, max) ranges in 万元
    term_months: tuple[tuple[int, int], ...]
    rate_pct: tuple[float, float]  # where rate_min is drawn; the max sits above it
    rate_spread: tuple[float, float]


TERMS = {
    "credit_loan": KindTerms(("科创信用贷", "小微快贷", "税e贷", "科企贷"), ((10, 300), (20, 500), (50, 500)),
                             ((3, 12), (6, 36), (6, 24)), (3.65, 4.8), (0.8, 2.0)),
    "gaoxin_dai": KindTerms(("高新贷",), ((50, 1000), (100, 1000)), ((6, 36), (12, 36)), (3.45, 4.2), (0.5, 1.2)),
    "knowledge_value": KindTerms(("知识价值信用贷",), ((10, 500), (20, 300)), ((6, 12), (6, 24)), (3.45, 4.3), (0.5, 1.5)),
    "ip_pledge": KindTerms(("知识产权质押贷", "专利贷"), ((50, 1000), (100, 3000)), ((6, 36), (12, 36)), (3.8, 4.8), (0.8, 1.8)),
    "equity_pledge": KindTerms(("股权质押贷",), ((100, 3000), (200, 5000)), ((12, 36), (12, 60)), (4.2, 5.5), (1.0, 2.0)),
    "equipment_mortgage": KindTerms(("科研设备抵押贷",), ((50, 2000), (100, 1500)), ((12, 60), (12, 36)), (4.0, 5.0), (0.8, 1.8)),
    "green_loan": KindTerms(("节能贷", "低碳贷", "绿色信贷"), ((100, 5000), (50, 2000)), ((12, 60), (12, 36)), (3.2, 4.2), (0.6, 1.5)),
    "supply_chain": KindTerms(("应收账款质押贷", "仓单质押贷", "票据贴现"), ((50, 3000), (100, 2000)), ((3, 12), (3, 6)), (3.6, 4.8), (0.8, 2.0)),
    "renewal_loan": KindTerms(("无本续贷",), ((50, 2000), (100, 1000)), ((12, 36), (12, 24)), (3.65, 4.6), (0.6, 1.4)),
    "leasing": KindTerms(("设备融资租赁", "售后回租"), ((100, 5000), (200, 3000)), ((24, 60), (12, 48)), (5.0, 6.5), (1.0, 2.5)),
    "guarantee": KindTerms(("科技担保", "批量担保", "知识产权担保"), ((50, 2000), (100, 1000)), ((6, 36), (12, 24)), (0.8, 1.5), (0.3, 1.0)),
    "tech_insurance": KindTerms(("产品研发责任险", "专利执行保险"), ((10, 1000), (50, 500)), ((12, 12), (12, 36)), (0.3, 1.0), (0.2, 1.0)),
    "equity_investment": KindTerms(("天使投资", "成长期股权投资", "产业基金直投"), ((200, 3000), (500, 5000)), ((36, 84), (48, 96)), (0.0, 0.0), (0.0, 0.0)),
}

# How each kind is usually repaid in the zone's market (nothing is repaid on a guarantee, a policy or an
# investment). Fixed per kind, so the seeded market stays the same draw for draw.
REPAYMENT = {
    "credit_loan": ["equal_installment", "interest_only"], "gaoxin_dai": ["bullet", "interest_only"],
    "knowledge_value": ["bullet", "interest_only"], "ip_pledge": ["interest_only"],
    "equity_pledge": ["bullet", "interest_only"], "equipment_mortgage": ["equal_installment"],
    "green_loan": ["equal_installment", "interest_only"], "supply_chain": ["bullet"],
    "renewal_loan": ["interest_only"], "leasing": ["equal_installment"],
    "guarantee": [], "tech_insurance": [], "equity_investment": [],
}

# What IP-pledge products lend against the pledged IP's value (质押率): banks in the zone publish 30–50 %.
PLEDGE_RATIOS = (30.0, 40.0, 50.0)

BANK_CORE = ("credit_loan", "ip_pledge")
BANK_FEATURED = ("gaoxin_dai", "knowledge_value")
BANK_OTHER = ("equity_pledge", "equipment_mortgage", "green_loan", "supply_chain", "renewal_loan", "credit_loan")
INDUSTRIES = ("next_gen_it", "life_health", "green_smart_manufacturing", "high_tech_services", "other")


def institutions() -> list[dict]:
    """The 34 institutions of the plan: 18 banks, 7 funds, 5 lessors, 2 guarantors, 2 insurers."""
    groups = (("bank", names.BANKS), ("fund", names.FUNDS), ("leasing", names.LESSORS),
              ("guarantee", names.GUARANTORS), ("insurance", names.INSURERS))
    rows = []
    for kind, members in groups:
        for name, short in members:
            rows.append({"id": len(rows) + 1, "name": name, "short_name": short, "kind": kind,
                         "service_target_days": 3 if kind == "bank" else 5})
    return rows


def product_kinds_for(institution: dict, rng: random.Random) -> list[str]:
    kind = institution["kind"]
    if kind == "bank":
        return [*BANK_CORE, rng.choice(BANK_FEATURED), *rng.sample(BANK_OTHER, 3)]
    return {"fund": ["equity_investment"], "leasing": ["leasing", "leasing"],
            "guarantee": ["guarantee"] * 3, "insurance": ["tech_insurance"] * 2}[kind]


def eligibility(kind: str, rng: random.Random) -> dict:
    rule = {"industries": [], "min_years": 0, "min_annual_revenue_cny": 0, "min_ip_count": 0,
            "required_certifications": [], "min_credit_rating": None, "collateral_required": False}
    if kind == "credit_loan":
        rule.update(min_years=rng.choice([1, 2, 3]), min_annual_revenue_cny=rng.choice([50, 100, 300]) * W,
                    min_credit_rating=rng.choice(["BBB", "A"]))
    elif kind == "gaoxin_dai":
        rule.update(required_certifications=["high_tech_enterprise"], min_years=1,
                    min_credit_rating=rng.choice(["BB", "BBB"]))
    elif kind == "knowledge_value":
        rule.update(required_certifications=["tech_sme"], min_ip_count=1, min_credit_rating="BB")
    elif kind == "ip_pledge":
        rule.update(min_ip_count=rng.choice([2, 3, 5]), min_years=1)
    elif kind == "equity_pledge":
        rule.update(min_years=3, min_annual_revenue_cny=500 * W, min_credit_rating="BBB")
    elif kind == "equipment_mortgage":
        rule.update(collateral_required=True, min_years=2,
                    industries=sorted(rng.sample(["green_smart_manufacturing", "life_health", "next_gen_it"], 2)))
    elif kind == "green_loan":
        rule.update(industries=["green_smart_manufacturing"] + (["other"] if rng.random() < 0.3 else []),
                    min_years=1, min_credit_rating="BBB")
    elif kind == "supply_chain":
        rule.update(min_annual_revenue_cny=rng.choice([500, 1000]) * W, min_years=2, min_credit_rating="BB")
    elif kind == "renewal_loan":
        rule.update(min_years=3, min_credit_rating="A", min_annual_revenue_cny=300 * W)
    elif kind == "leasing":
        rule.update(min_years=2, industries=sorted(rng.sample(["green_smart_manufacturing", "life_health",
                                                               "next_gen_it"], 2)))
    elif kind == "guarantee":
        rule.update(min_years=1, min_credit_rating=rng.choice(["BB", "B"]))
    elif kind == "tech_insurance":
        rule.update(required_certifications=rng.choice([[], ["tech_sme"]]))
    elif kind == "equity_investment":
        rule.update(industries=sorted(rng.sample(INDUSTRIES[:4], 2)), min_ip_count=rng.choice([3, 5]))
    return rule


def products(institution_rows: list[dict], rng: random.Random) -> list[dict]:
    rows = []
    for institution in institution_rows:
        used: set[str] = set()
        for kind in product_kinds_for(institution, rng):
            terms = TERMS[kind]
            label = rng.choice([n for n in terms.names if n not in used] or list(terms.names))
            used.add(label)
            low, high = rng.choice(terms.amount_wan)
            term_low, term_high = rng.choice(terms.term_months)
            rate_min = round(rng.uniform(*terms.rate_pct), 2)
            rate_max = round(rate_min + rng.uniform(*terms.rate_spread), 2)
            rows.append({
                "id": len(rows) + 1,
                "institution_id": institution["id"],
                "name": f"{institution['short_name']}{label}",
                "kind": kind,
                "min_amount_cny": low * W,
                "max_amount_cny": high * W,
                "min_term_months": term_low,
                "max_term_months": term_high,
                "rate_min_pct": rate_min,
                "rate_max_pct": rate_max,
                "repayment_methods": sorted(REPAYMENT[kind]),
                # Drawn apart from the market's stream (the institution's number picks it), so adding it left
                # every other draw as it was; it bites only on firms that keep an IP register.
                "pledge_ratio_pct": PLEDGE_RATIOS[institution["id"] % len(PLEDGE_RATIOS)] if kind == "ip_pledge" else None,
                "description": f"{institution['name']}面向高新区科技型中小企业推出的{label}产品。",
                # Equity investment is an investor profile now; the funds' old products stay as history only.
                "status": "retired" if kind == "equity_investment" else "active",
                **eligibility(kind, rng),
                "min_credit_grade": None,
            })
    return rows
