"""The policies' condition language and their arithmetic (issue 19, in part), on worked examples: every operator on
every type of fact, unknown facts, operators and benefits refused by name; loan conditions met by one loan, not
spread over several; amounts to the yuan (days in the year, the LPR, the share, the cap per firm per year, the
guarantee-fee ceiling, the premium cap), rounded down once at the end."""
from __future__ import annotations

import datetime as dt

import pytest

from matchmaker.policy import benefits, conditions

D = dt.date


def cond(fact, op, value):
    return {"fact": fact, "op": op, "value": value}


# ---------------------------------------------------------------- saving: what is refused

@pytest.mark.parametrize("condition", [
    cond("enterprise.industry", "eq", "next_gen_it"), cond("enterprise.industry", "in", ["life_health", "other"]),
    cond("enterprise.certifications", "contains", "tech_sme"), cond("enterprise.ip_count", "gte", 5),
    cond("enterprise.rd_ratio_pct", "lte", 3.5), cond("enterprise.employees", "eq", 10),
    cond("enterprise.annual_revenue_cny", "gte", 10_000_000), cond("enterprise.founded_on", "lte", "2020-01-01"),
    cond("enterprise.credit_grade", "in", ["A", "B"]), cond("enterprise.listing_stage", "eq", "listed"),
    cond("loan.kind", "in", ["knowledge_value", "ip_pledge", "gaoxin_dai"]), cond("loan.principal_cny", "lte", 5_000_000),
    cond("loan.rate_pct", "lte", 4.5), cond("loan.disbursed_on", "gte", "2026-01-01"),
    cond("loan.institution_kind", "eq", "bank")])
def test_every_fact_takes_its_operators(condition):
    assert conditions.check([condition]) == []


@pytest.mark.parametrize("condition, problem", [
    (cond("enterprise.wealth", "gte", 1), "第 1 条条件：未知的事实：enterprise.wealth"),
    (cond("enterprise.ip_count", "contains", 1), "第 1 条条件：enterprise.ip_count不能用运算符 contains（可用：eq、gte、lte）"),
    (cond("enterprise.industry", "gte", "next_gen_it"), "第 1 条条件：enterprise.industry不能用运算符 gte（可用：eq、in）"),
    (cond("enterprise.certifications", "eq", "tech_sme"), "第 1 条条件：enterprise.certifications不能用运算符 eq（可用：contains）"),
    (cond("enterprise.industry", "eq", "mining"), "第 1 条条件：未知的代码：mining"),
    (cond("enterprise.industry", "in", []), "第 1 条条件：in 的比较值应为非空列表"),
    (cond("enterprise.industry", "in", "next_gen_it"), "第 1 条条件：in 的比较值应为非空列表"),
    (cond("loan.kind", "in", ["credit_loan", "payday"]), "第 1 条条件：未知的代码：payday"),
    (cond("enterprise.ip_count", "gte", "5"), "第 1 条条件：比较值应为数字"),
    (cond("enterprise.ip_count", "gte", True), "第 1 条条件：比较值应为数字"),
    (cond("enterprise.ip_count", "gte", float("nan")), "第 1 条条件：比较值应为数字"),
    (cond("loan.disbursed_on", "gte", "2026-13-01"), "第 1 条条件：比较值应为日期（YYYY-MM-DD）"),
    (cond("loan.disbursed_on", "gte", "2026-1-1"), "第 1 条条件：比较值应为日期（YYYY-MM-DD）"),
    ({"fact": "enterprise.ip_count", "op": "gte"}, "第 1 条条件：应为 {fact, op, value}"),
    ({"fact": "enterprise.ip_count", "op": "gte", "value": 1, "code": "import os"}, "第 1 条条件：应为 {fact, op, value}"),
    ("__import__('os')", "第 1 条条件：应为 {fact, op, value}"),
])
def test_an_unknown_fact_operator_or_value_is_refused_by_name(condition, problem):
    assert conditions.check([condition]) == [problem]


def test_the_conditions_must_be_a_short_list():
    assert conditions.check({"fact": "enterprise.ip_count"}) == ["条件应为列表"]
    assert conditions.check([cond("enterprise.ip_count", "gte", 1)] * 21) == ["条件最多 20 条"]
    assert conditions.check([cond("enterprise.ip_count", "gte", 1), cond("x", "eq", 1)]) == ["第 2 条条件：未知的事实：x"]


@pytest.mark.parametrize("benefit, problems", [
    ({"type": "interest_subsidy", "share_pct": 50, "cap_cny": 1_000_000}, []),
    ({"type": "guarantee_fee_subsidy", "share_pct": 100, "max_pct_of_amount": 1, "cap_cny": 200_000}, []),
    ({"type": "premium_subsidy", "share_pct": 50, "cap_cny": 200_000}, []),
    ({"type": "fixed_award", "amount_cny": 6_000_000}, []),
    ({"type": "cash_gift", "amount_cny": 1}, ["未知的兑现方式：cash_gift（可用：interest_subsidy、guarantee_fee_subsidy、premium_subsidy、fixed_award）"]),
    ("fixed_award", ["未知的兑现方式：None（可用：interest_subsidy、guarantee_fee_subsidy、premium_subsidy、fixed_award）"]),
    ({"type": "interest_subsidy", "share_pct": 50}, ["缺少参数：cap_cny"]),
    ({"type": "interest_subsidy", "share_pct": 0, "cap_cny": 1}, ["share_pct应大于 0 且不超过 100"]),
    ({"type": "interest_subsidy", "share_pct": 100.01, "cap_cny": 1}, ["share_pct应大于 0 且不超过 100"]),
    ({"type": "interest_subsidy", "share_pct": "50", "cap_cny": 1}, ["share_pct应为数字"]),
    ({"type": "fixed_award", "amount_cny": 1.5}, ["amount_cny应为大于 0 且不超过 10 亿的整数（元）"]),
    ({"type": "fixed_award", "amount_cny": 10**9 + 1}, ["amount_cny应为大于 0 且不超过 10 亿的整数（元）"]),
    ({"type": "fixed_award", "amount_cny": 1, "formula": "x*2"}, ["未知的参数：formula"]),
])
def test_a_benefit_is_one_of_four_with_its_parameters(benefit, problems):
    assert benefits.check(benefit) == problems


# ---------------------------------------------------------------- evaluating: who meets what

FIRM = {"enterprise.industry": "next_gen_it", "enterprise.certifications": ["tech_sme"], "enterprise.ip_count": 5,
        "enterprise.founded_on": D(2019, 6, 1), "enterprise.credit_grade": None}


@pytest.mark.parametrize("condition, met", [
    (cond("enterprise.industry", "eq", "next_gen_it"), True), (cond("enterprise.industry", "eq", "other"), False),
    (cond("enterprise.industry", "in", ["other", "next_gen_it"]), True), (cond("enterprise.industry", "in", ["other"]), False),
    (cond("enterprise.certifications", "contains", "tech_sme"), True),
    (cond("enterprise.certifications", "contains", "high_tech_enterprise"), False),
    (cond("enterprise.ip_count", "gte", 5), True), (cond("enterprise.ip_count", "gte", 6), False),
    (cond("enterprise.ip_count", "lte", 5), True), (cond("enterprise.ip_count", "lte", 4), False),
    (cond("enterprise.ip_count", "eq", 5), True), (cond("enterprise.ip_count", "eq", 4), False),
    (cond("enterprise.founded_on", "lte", "2019-06-01"), True), (cond("enterprise.founded_on", "lte", "2019-05-31"), False),
    (cond("enterprise.founded_on", "gte", "2019-06-01"), True), (cond("enterprise.founded_on", "gte", "2019-06-02"), False),
    (cond("enterprise.credit_grade", "in", ["A", "B", "C", "D", "E"]), False),  # not graded: unknown is not met
    (cond("enterprise.rd_ratio_pct", "gte", 0), False),  # a fact the platform lacks
])
def test_each_operator_at_its_edge(condition, met):
    verdict = conditions.evaluate([condition], firm=FIRM, loans=[])
    assert verdict.met is met
    assert (verdict.basis if met else verdict.missing) == [conditions.said(condition)]


def test_the_reasons_name_codes_in_words():
    assert conditions.said(cond("loan.kind", "in", ["knowledge_value", "ip_pledge"])) == \
        "条件「贷款类型」属于 知识价值信用贷款、知识产权质押贷款"
    assert conditions.said(cond("enterprise.ip_count", "gte", 5)) == "条件「知识产权数量」不低于 5"


LOANS = [{"name": "甲", "loan.kind": "knowledge_value", "loan.principal_cny": 3_000_000, "loan.disbursed_on": D(2025, 3, 1)},
         {"name": "乙", "loan.kind": "credit_loan", "loan.principal_cny": 800_000, "loan.disbursed_on": D(2026, 3, 1)}]


def test_one_loan_must_meet_every_loan_condition():
    kv_recent = [cond("loan.kind", "eq", "knowledge_value"), cond("loan.disbursed_on", "gte", "2026-01-01")]
    verdict = conditions.evaluate(kv_recent, firm=FIRM, loans=LOANS)
    assert not verdict.met and verdict.loans == []  # 甲 is knowledge-value, 乙 is recent: neither is both
    assert verdict.missing == ["没有一笔平台贷款同时满足以下条件", "条件「贷款类型」为 知识价值信用贷款",
                               "条件「放款日期」不低于 2026-01-01"]
    kv = [cond("loan.kind", "eq", "knowledge_value"), cond("enterprise.ip_count", "gte", 1)]
    verdict = conditions.evaluate(kv, firm=FIRM, loans=LOANS)
    assert verdict.met and [loan["name"] for loan in verdict.loans] == ["甲"]
    assert verdict.basis == ["条件「知识产权数量」不低于 1", "1 笔平台贷款满足条件「贷款类型」为 知识价值信用贷款"]
    assert not conditions.evaluate([cond("loan.kind", "eq", "knowledge_value")], firm=FIRM, loans=[]).met


# ---------------------------------------------------------------- amounts to the yuan

@pytest.mark.parametrize("start, end, today, days", [
    (D(2026, 3, 1), None, D(2026, 6, 29), 120), (D(2025, 11, 1), None, D(2026, 3, 1), 59),
    (D(2025, 11, 1), D(2026, 2, 1), D(2026, 3, 1), 31), (D(2026, 7, 1), None, D(2026, 6, 29), 0),
    (D(2024, 1, 1), D(2025, 6, 1), D(2026, 6, 29), 0)])
def test_the_days_a_loan_ran_this_year(start, end, today, days):
    assert benefits.days_in_year(start=start, end=end, year=today.year, today=today) == days


HALF_LPR = {"type": "interest_subsidy", "share_pct": 50, "cap_cny": 1_000_000}


def test_half_the_lpr_on_the_balance_for_the_days_it_ran():
    # 1,000,000 × 3.00 % × 50 % × 120 / 365 = 4,931.5068… → 4,931 yuan
    loan = {"name": "知识价值信用贷", "balance_cny": 1_000_000, "disbursed_on": D(2026, 3, 1), "ends_on": None}
    got = benefits.interest_subsidy(HALF_LPR, loans=[loan], lpr_pct=3.0, today=D(2026, 6, 29))
    assert got.amount_cny == 4_931
    assert got.basis == ["知识价值信用贷：余额 1,000,000 元 × LPR 3% × 50% × 120/365 天 = 4931.51 元",
                         "合计 4,931 元（不足 1 元的部分不计）"]


def test_two_loans_are_summed_before_rounding_down_once():
    # 333,333 × 3.1 % × 50 % × 100/365 = 1,415.5693…; 666,667 × 3.1 % × 50 % × 100/365 = 2,831.1431…: 4,246.71 → 4,246
    loans = [{"name": "甲", "balance_cny": 333_333, "disbursed_on": D(2026, 1, 1), "ends_on": None},
             {"name": "乙", "balance_cny": 666_667, "disbursed_on": D(2026, 1, 1), "ends_on": None}]
    assert benefits.interest_subsidy(HALF_LPR, loans=loans, lpr_pct=3.1, today=D(2026, 4, 11)).amount_cny == 4_246


def test_the_cap_per_firm_per_year_counts_what_it_already_got():
    # 100,000,000 × 3 % × 50 % × 364/365 = 1,495,890.41 > 1,000,000 (1 January to 31 December: 364 days run by
    # the morning of the 31st); 400,000 paid this year leaves 600,000.
    loan = {"name": "大额", "balance_cny": 100_000_000, "disbursed_on": D(2025, 1, 1), "ends_on": None}
    full = benefits.interest_subsidy(HALF_LPR, loans=[loan], lpr_pct=3.0, today=D(2026, 12, 31))
    assert full.amount_cny == 1_000_000
    assert full.basis[-1] == "合计 1,495,890 元，超过每户每年上限 1,000,000 元，按上限计"
    part = benefits.interest_subsidy(HALF_LPR, loans=[loan], lpr_pct=3.0, today=D(2026, 12, 31),
                                     paid_this_year_cny=400_000)
    assert part.amount_cny == 600_000 and part.basis[-1] == "今年已申领 400,000 元，本次 600,000 元"
    # Below the cap, what was claimed earlier in the year is taken from what has accrued since 1 January.
    small = {"name": "小额", "balance_cny": 1_000_000, "disbursed_on": D(2026, 1, 1), "ends_on": None}
    assert benefits.interest_subsidy(HALF_LPR, loans=[small], lpr_pct=3.0, today=D(2026, 6, 29),
                                     paid_this_year_cny=2_000).amount_cny == 7_356 - 2_000  # 179 days: 7,356.16…
    assert benefits.interest_subsidy(HALF_LPR, loans=[loan], lpr_pct=3.0, today=D(2026, 12, 31),
                                     paid_this_year_cny=1_200_000).amount_cny == 0


def test_the_guarantee_fee_up_to_one_percent_of_the_amount():
    fee = {"type": "guarantee_fee_subsidy", "share_pct": 100, "max_pct_of_amount": 1, "cap_cny": 200_000}
    # a fee of 0.8 % on 1,000,000 is 8,000: paid in full; 12,000 (1.2 %) is held at 1 %: 10,000.
    assert benefits.guarantee_fee_subsidy(fee, fee_cny=8_000, guaranteed_cny=1_000_000).amount_cny == 8_000
    held = benefits.guarantee_fee_subsidy(fee, fee_cny=12_000, guaranteed_cny=1_000_000)
    assert held.amount_cny == 10_000 and held.basis[1] == "不超过担保金额 1,000,000 元的 1%，即 10000.00 元"
    half = {**fee, "share_pct": 50}
    assert benefits.guarantee_fee_subsidy(half, fee_cny=12_345, guaranteed_cny=10_000_000).amount_cny == 6_172


def test_half_the_premium_capped_at_200_000():
    premium = {"type": "premium_subsidy", "share_pct": 50, "cap_cny": 200_000}
    assert benefits.premium_subsidy(premium, premium_cny=123_457).amount_cny == 61_728  # 61,728.5 → 61,728
    assert benefits.premium_subsidy(premium, premium_cny=500_000).amount_cny == 200_000


def test_a_fixed_award_is_what_it_says():
    got = benefits.fixed_award({"type": "fixed_award", "amount_cny": 6_000_000})
    assert (got.amount_cny, got.basis) == (6_000_000, ["定额奖励 6,000,000 元"])


def test_the_lpr_in_force_on_a_day_is_the_latest_published_by_then():
    from matchmaker.config import Config

    table = Config.LPR_1Y_PCT
    assert benefits.lpr_on(table, D(2025, 5, 20)) == 3.00 and benefits.lpr_on(table, D(2025, 5, 19)) == 3.10
    assert benefits.lpr_on(table, D(2024, 7, 22)) == 3.35 and benefits.lpr_on(table, D(2024, 7, 21)) == 3.45
    assert benefits.lpr_on(list(reversed(table)), D(2026, 12, 6)) == 3.00  # the table's order does not matter
    with pytest.raises(ValueError, match="no LPR"):
        benefits.lpr_on(table, D(2023, 8, 20))
