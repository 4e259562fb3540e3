"""The zone's typical support policies (finance-rules.md, "Policy fulfilment"), in force from the start of the seed's
year for five years: listing rewards of 50 / 100 / 600 万 (股份制改造, an exchange accepting the application,
listing), an interest subsidy of half the 1-year LPR on knowledge-value, IP-pledge and 高新贷 loans capped at 100 万 a
firm a year, guarantee fees of government guarantors up to 1 % of the amount, half the tech-insurance premium capped
at 20 万. Conditions and benefits in the platform's condition language."""
from __future__ import annotations

import datetime as dt

BEYOND = ("shareholding_reform", "tutoring_filed", "application_accepted", "registered", "listed")
W = 10_000


def draw(*, as_of: dt.date) -> list[dict]:
    start, end = dt.date(as_of.year, 1, 1), dt.date(as_of.year + 4, 12, 31)
    made = dt.datetime.combine(start, dt.time(2), dt.timezone.utc)
    basis = "《重庆高新区支持企业上市挂牌若干措施》（2022）"
    rows = [
        ("股份制改造奖励", "listing_reward", "完成股份制改造的上市后备企业，奖励 50 万元。", basis,
         [{"fact": "enterprise.listing_stage", "op": "in", "value": list(BEYOND)}],
         {"type": "fixed_award", "amount_cny": 50 * W}, 2_000 * W),
        ("上市申报受理奖励", "listing_reward", "上市申请获证券交易所受理的企业，奖励 100 万元。", basis,
         [{"fact": "enterprise.listing_stage", "op": "in", "value": list(BEYOND[2:])}],
         {"type": "fixed_award", "amount_cny": 100 * W}, 2_000 * W),
        ("首发上市奖励", "listing_reward", "在境内证券交易所首发上市的企业，奖励 600 万元。", basis,
         [{"fact": "enterprise.listing_stage", "op": "eq", "value": "listed"}],
         {"type": "fixed_award", "amount_cny": 600 * W}, 6_000 * W),
        ("科技信贷贴息", "interest_subsidy",
         "通过平台获得知识价值信用贷款、知识产权质押贷款、高新贷的企业，按贷款余额以一年期 LPR 的 50% 贴息，每户每年最高 100 万元。",
         "重庆高新区科技金融扶持政策", [
             {"fact": "loan.kind", "op": "in", "value": ["knowledge_value", "ip_pledge", "gaoxin_dai"]},
             {"fact": "loan.disbursed_on", "op": "gte", "value": start.isoformat()}],
         {"type": "interest_subsidy", "share_pct": 50, "cap_cny": 100 * W}, 5_000 * W),
        ("融资担保费补贴", "guarantee_fee_subsidy",
         "通过平台获得政府性融资担保的企业，按实际担保费补贴，最高为担保金额的 1%。", "重庆高新区融资担保降费奖补办法",
         [{"fact": "loan.kind", "op": "eq", "value": "guarantee"}],
         {"type": "guarantee_fee_subsidy", "share_pct": 100, "max_pct_of_amount": 1, "cap_cny": 50 * W}, 1_000 * W),
        ("科技保险保费补贴", "premium_subsidy", "投保科技保险的企业，补贴保费的 50%，每户每年最高 20 万元。",
         "重庆市科技保险保费补贴政策", [{"fact": "loan.kind", "op": "eq", "value": "tech_insurance"}],
         {"type": "premium_subsidy", "share_pct": 50, "cap_cny": 20 * W}, 1_000 * W),
    ]
    return [{"id": n, "name": name, "kind": kind, "summary": summary, "legal_basis": legal, "valid_from": start,
             "valid_to": end, "budget_cny": budget, "used_cny": 0, "conditions": conditions, "benefit": benefit,
             "created_at": made, "updated_at": made}
            for n, (name, kind, summary, legal, conditions, benefit, budget) in enumerate(rows, start=1)]
