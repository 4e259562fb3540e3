"""Eligibility rules with their reasons, the rules score, and the metrics on hand-computed cases."""
import math

import numpy as np
import pytest

from matchmaker.ranking import eligibility, metrics, rules
from matchmaker.ranking.features import FEATURES, pair_features
from tests.ranking_fixtures import need_row, needs, product_row, products


def only_failure(need: dict, product: dict) -> tuple[list[str], list[str]]:
    block = eligibility.check(needs(need), products(product))
    failed = [rule for rule, mask in block.failed.items() if mask[0, 0]]
    return failed, block.reasons(0, 0)


def test_a_fitting_pair_is_eligible():
    failed, reasons = only_failure(need_row(), product_row())
    assert failed == [] and reasons == []


@pytest.mark.parametrize("need, product, rule, sentence", [
    ({"amount_cny": 8_000_000}, {"max_amount_cny": 5_000_000}, "amount_high", "申请金额 800 万元 超过该产品上限 500 万元"),
    ({"amount_cny": 50_000}, {"min_amount_cny": 100_000}, "amount_low", "申请金额 5 万元 低于该产品下限 10 万元"),
    ({"term_months": 60}, {"max_term_months": 36}, "term", "申请期限 60 个月 不在该产品期限范围 6–36 个月内"),
    ({"industry": "life_health"}, {"industries": ["green_smart_manufacturing"]}, "industry",
     "该产品仅面向绿色低碳及智能制造行业，贵企业属于生命健康"),
    ({"years": 1.5}, {"min_years": 3}, "years", "经营年限 1.5 年 不足该产品要求的 3 年"),
    ({"annual_revenue_cny": 800_000}, {"min_annual_revenue_cny": 3_000_000}, "revenue",
     "年营业收入 80 万元 低于该产品要求的 300 万元"),
    ({"ip_count": 1}, {"min_ip_count": 3}, "ip", "有效知识产权 1 项 少于该产品要求的 3 项"),
    ({"certifications": ["tech_sme"]}, {"required_certifications": ["high_tech_enterprise"]}, "certifications",
     "缺少该产品要求的资质：高新技术企业"),
    ({"credit_rating": "BB"}, {"min_credit_rating": "BBB"}, "rating", "信用评级 BB 低于该产品要求的 BBB"),
    ({"collateral_offered": False}, {"collateral_required": True}, "collateral", "该产品需要提供抵押物，本次需求未提供"),
    ({"preferred_kinds": ["ip_pledge"]}, {"kind": "credit_loan"}, "kind", "信用贷款 不在您选择的产品类型中"),
    ({"max_rate_pct": 3.5}, {"rate_min_pct": 3.65}, "rate", "产品最低年利率 3.65% 高于您可接受的 3.5%"),
])
def test_each_rule_fails_alone_with_its_reason(need, product, rule, sentence):
    failed, reasons = only_failure(need_row(**need), product_row(**product))
    assert failed == [rule]
    assert reasons == [sentence]


def test_boundaries_are_inclusive():
    failed, _ = only_failure(need_row(amount_cny=5_000_000, term_months=36, years=3, credit_rating="BBB",
                                      ip_count=3, max_rate_pct=3.65),
                             product_row(max_amount_cny=5_000_000, max_term_months=36, min_years=3,
                                         min_credit_rating="BBB", min_ip_count=3))
    assert failed == []


def test_the_lower_edges_are_inclusive_too():
    failed, _ = only_failure(need_row(amount_cny=100_000, term_months=6, annual_revenue_cny=3_000_000, years=2.0,
                                      credit_rating="BBB", certifications=["tech_sme"]),
                             product_row(min_amount_cny=100_000, min_term_months=6, min_annual_revenue_cny=3_000_000,
                                         min_years=2, min_credit_rating="BBB", required_certifications=["tech_sme"]))
    assert failed == []


@pytest.mark.parametrize("need, product, rule", [
    ({"amount_cny": 99_999}, {"min_amount_cny": 100_000}, "amount_low"),
    ({"amount_cny": 5_000_001}, {"max_amount_cny": 5_000_000}, "amount_high"),
    ({"term_months": 5}, {"min_term_months": 6}, "term"),
    ({"term_months": 37}, {"max_term_months": 36}, "term"),
    ({"max_rate_pct": 3.64}, {"rate_min_pct": 3.65}, "rate"),
    ({"years": 1.9}, {"min_years": 2}, "years"),
    ({"annual_revenue_cny": 2_999_999}, {"min_annual_revenue_cny": 3_000_000}, "revenue"),
    ({"ip_count": 2}, {"min_ip_count": 3}, "ip"),
    ({"credit_rating": "BB"}, {"min_credit_rating": "BBB"}, "rating"),
    ({"certifications": []}, {"required_certifications": ["tech_sme"]}, "certifications"),
])
def test_one_step_past_each_edge_fails(need, product, rule):
    failed, _ = only_failure(need_row(**need), product_row(**product))
    assert failed == [rule]


@pytest.mark.parametrize("need, product", [
    ({"collateral_offered": True}, {"collateral_required": True}),
    ({"collateral_offered": False}, {"collateral_required": False}),
    ({"preferred_kinds": ["credit_loan", "ip_pledge"]}, {"kind": "ip_pledge"}),
    ({"industry": "life_health"}, {"industries": ["life_health", "next_gen_it"]}),
    ({"certifications": ["tech_sme", "high_tech_enterprise"]}, {"required_certifications": ["high_tech_enterprise"]}),
])
def test_what_a_product_asks_for_and_gets_is_no_failure(need, product):
    assert only_failure(need_row(**need), product_row(**product)) == ([], [])


def test_every_missing_certification_is_named_in_order():
    _, reasons = only_failure(need_row(certifications=[]),
                              product_row(required_certifications=["tech_sme", "high_tech_enterprise"]))
    assert reasons == ["缺少该产品要求的资质：高新技术企业、科技型中小企业"]


def test_the_industry_sentence_names_only_known_industries():
    _, reasons = only_failure(need_row(industry="life_health"),
                              product_row(industries=["next_gen_it", "no_such_industry", "green_smart_manufacturing"]))
    assert reasons == ["该产品仅面向新一代信息技术、绿色低碳及智能制造行业，贵企业属于生命健康"]


def test_amounts_read_in_wan_with_at_most_two_decimals():
    # The number of 万; the sentence says the unit (and an English page says the amount as money).
    assert [eligibility.wan(v) for v in (5_000_000, 1_234_500, 1_000, 123_456_789_012, 0)] == [
        "500", "123.45", "0.1", "12,345,678.9", "0"]
    assert [eligibility.num(v) for v in (3.0, 3.65, 0.5)] == ["3", "3.65", "0.5"]


def test_a_block_of_chosen_rows_and_columns_reads_its_own_pairs():
    block = eligibility.check(
        needs(need_row(need_id=1, amount_cny=1_000_000), need_row(need_id=2, amount_cny=9_000_000),
              need_row(need_id=3, amount_cny=7_000_000, years=0.5)),
        products(product_row(product_id=1, max_amount_cny=5_000_000),
                 product_row(product_id=2, max_amount_cny=8_000_000, min_years=1)),
        need_index=np.array([2, 1]), product_index=np.array([1]))
    assert block.eligible.tolist() == [[False], [False]]
    assert block.failed_count.tolist() == [[1], [1]]
    assert block.reasons(0, 0) == ["经营年限 0.5 年 不足该产品要求的 1 年"]
    assert block.reasons(1, 0) == ["申请金额 900 万元 超过该产品上限 800 万元"]


def test_an_unknown_rule_has_no_sentence():
    with pytest.raises(ValueError, match="^no_such_rule$"):
        eligibility._sentence("no_such_rule", needs(), 0, products(), 0)


def test_rules_are_checked_for_all_pairs_at_once():
    block = eligibility.check(
        needs(need_row(need_id=1, amount_cny=1_000_000), need_row(need_id=2, amount_cny=9_000_000)),
        products(product_row(product_id=1, max_amount_cny=5_000_000), product_row(product_id=2,
                                                                                max_amount_cny=10_000_000)),
    )
    assert block.eligible.tolist() == [[True, True], [False, True]]
    assert block.failed_count.tolist() == [[0, 0], [1, 0]]


def test_several_failures_give_several_reasons():
    failed, reasons = only_failure(need_row(credit_rating="C", years=0.5),
                                   product_row(min_credit_rating="A", min_years=2))
    assert set(failed) == {"rating", "years"} and len(reasons) == 2


def features_of(need: dict, product: dict) -> np.ndarray:
    n, p = needs(need), products(product)
    block = eligibility.check(n, p)
    return pair_features(n, p, np.array([0]), np.array([0]), block.failed_count.ravel())


def test_rules_score_prefers_comfortable_margins_and_punishes_failures():
    strong = rules.rules_score(features_of(need_row(credit_rating="AAA", years=12), product_row(min_credit_rating="BBB")))
    weak = rules.rules_score(features_of(need_row(credit_rating="BBB", years=1), product_row(min_credit_rating="BBB")))
    failing = rules.rules_score(features_of(need_row(credit_rating="BB"), product_row(min_credit_rating="BBB")))
    assert 0.4 <= weak[0] < strong[0] <= 0.9
    assert failing[0] == pytest.approx(0.1 / 2)


def _margins(*rows):
    """Feature rows holding only what the published-rules score reads."""
    X = np.zeros((len(rows), len(FEATURES)))
    for k, (rating, years, revenue_times, position, failed) in enumerate(rows):
        X[k, FEATURES.index("rating_margin")] = rating
        X[k, FEATURES.index("years_margin")] = years
        X[k, FEATURES.index("log_min_revenue")] = 7
        X[k, FEATURES.index("log_revenue")] = 7 + revenue_times
        X[k, FEATURES.index("amount_position")] = position
        X[k, FEATURES.index("failed_rules")] = failed
    return X


def test_the_published_rules_score_recomputed_by_hand():
    scores = rules.rules_score(_margins(
        (1.5, 2.5, 0.5, 0.25, 0),  # half of three grades, of five years, a quarter of 100×, halfway off the middle
        (6, 20, 5, 0.5, 0),        # beyond every cap, the amount in the middle: the most an eligible pair gets
        (-2, -3, -1, 1.5, 0),      # below every floor: the least
        (0, 0, 0, 0.5, 1),         # one failed rule
        (0, 0, 0, 0.5, 3),         # three
    ))
    assert scores == pytest.approx([0.4 + 0.5 * (0.5 + 0.5 + 0.25 + 0.5) / 4, 0.9, 0.4, 0.1 / 2, 0.1 / 4])


def test_a_record_is_a_probability_however_far_a_product_is_from_its_grade():
    """AAA firms are mostly refused elsewhere, yet product 1 approves every one of them; product 2
    refuses every BBB firm though BBB firms are mostly approved elsewhere."""
    rows, y = [], []
    for product, grade, approved, count in ((1, "AAA", 100, 100), (3, "AAA", 50, 1000), (2, "BBB", 0, 100),
                                            (3, "BBB", 950, 1000)):
        rows.append(_record_rows([("credit_loan", product)] * count, credit_rating=grade))
        y += [1] * approved + [0] * (count - approved)
    record = rules.TrackRecord(prior_strength=1).fit(np.vstack(rows), np.array(y))
    X = _record_rows([("credit_loan", 1), ("credit_loan", 2)], credit_rating="A")
    assert record.market_rate_ + record.product_edge_[0] > 1 and record.market_rate_ + record.product_edge_[1] < 0
    best, worst = record.approval_probability(X)
    assert best == 1.0
    assert worst == pytest.approx(rules.RULES_TIE_BREAK * rules.rules_score(X[1:])[0])
    failing = features_of(need_row(credit_rating="BB"), product_row(kind="credit_loan", min_credit_rating="BBB"))
    failing[0, FEATURES.index("product_id")] = 1
    assert failing[0, FEATURES.index("failed_rules")] > 0
    assert record.approval_probability(failing)[0] == pytest.approx(rules.rules_score(failing)[0])  # × a rate of 1


def test_the_rules_reasons_compare_with_the_applicant_who_just_clears_every_rule():
    reference = dict(zip(FEATURES, rules.reference()))
    assert reference["rating_margin"] == reference["years_margin"] == reference["failed_rules"] == 0
    assert reference["log_revenue"] == reference["log_min_revenue"] > 0 and reference["amount_position"] == 0.5
    assert rules.rules_score(rules.reference()[None, :])[0] == pytest.approx(0.4 + 0.5 * (0 + 0 + 0 + 1) / 4)


def test_the_product_is_the_only_id_among_the_features():
    # A product's own appetite is learned from its history; a firm is judged by its facts, never its id.
    assert [name for name in FEATURES if name == "id" or name.endswith("_id")] == ["product_id"]


# ---- metrics on cases small enough to compute by hand

def test_ndcg_by_hand():
    # Order by score: relevances 3, 2, 3, 0, 1, 2 -> DCG@6 = 3 + 2/log2(3) + 3/2 + 0 + 1/log2(6) + 2/log2(7)
    relevance = [3, 2, 3, 0, 1, 2]
    scores = [6, 5, 4, 3, 2, 1]
    dcg = 3 + 2 / math.log2(3) + 3 / 2 + 0 + 1 / math.log2(6) + 2 / math.log2(7)
    ideal = 3 + 3 / math.log2(3) + 2 / 2 + 2 / math.log2(5) + 1 / math.log2(6) + 0
    assert metrics.ndcg_at_k(relevance, scores, k=6) == pytest.approx(dcg / ideal)
    assert metrics.ndcg_at_k([0, 1], [1, 0], k=1) == 0.0
    assert metrics.ndcg_at_k([1, 0], [1, 0], k=5) == 1.0
    assert math.isnan(metrics.ndcg_at_k([0, 0], [1, 0]))


def test_average_precision_and_recall_by_hand():
    # Relevant at ranks 1 and 3 of 5: AP = (1/1 + 2/3) / 2
    assert metrics.average_precision_at_k([1, 0, 1, 0, 0], [5, 4, 3, 2, 1], k=5) == pytest.approx((1 + 2 / 3) / 2)
    # Three relevant, two in the top 2: recall@2 = 2/3
    assert metrics.recall_at_k([1, 0, 1, 1], [4, 3, 2, 1], k=2) == pytest.approx(1 / 3)
    assert metrics.recall_at_k([1, 1, 0, 1], [4, 3, 2, 1], k=2) == pytest.approx(2 / 3)


def test_mean_over_groups_skips_lists_without_anything_relevant():
    groups = [1, 1, 2, 2]
    relevance = [1, 0, 0, 0]
    scores = [0.2, 0.9, 0.5, 0.1]
    # Need 1 ranks its relevant item second: 1/log2(3); need 2 has nothing to find and is left out.
    assert metrics.mean_over_groups(metrics.ndcg_at_k, groups, relevance, scores, k=5) == pytest.approx(
        1 / math.log2(3))


def test_auc_and_brier_by_hand():
    assert metrics.auc([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]) == pytest.approx(0.75)
    assert metrics.brier([0, 1], [0.2, 0.6]) == pytest.approx((0.04 + 0.16) / 2)


# ---- the cold start's track record

def _record_rows(kinds_and_ids, **need):
    """Feature rows of one firm's eligible pairs with the given (kind, product id) products."""
    rows = []
    for kind, product_id in kinds_and_ids:
        x = features_of(need_row(**need), product_row(kind=kind))[0].copy()
        x[FEATURES.index("product_id")] = product_id
        rows.append(x)
    return np.array(rows)


def test_a_track_record_is_shrunk_towards_its_kind_and_the_kind_towards_none():
    # One grade of applicants (so the grade's rate is the market's). Product 1 (credit): 30 of 40
    # approved; product 2 (credit): 1 of 2; product 3 (leasing): 0 of 10.
    ids = [1] * 40 + [2] * 2 + [3] * 10
    kinds = ["credit_loan"] * 42 + ["leasing"] * 10
    X = _record_rows(list(zip(kinds, ids)), credit_rating="A")
    y = np.array([1] * 30 + [0] * 10 + [1, 0] + [0] * 10)
    record = rules.TrackRecord(prior_strength=10).fit(X, y)
    market = 31 / 52
    credit = (31 - 42 * market) / (42 + 10)  # the kind's edge over the market, shrunk towards none
    leasing = (0 - 10 * market) / (10 + 10)
    assert record.market_rate_ == pytest.approx(market)
    assert record.kind_edge_[rules.KINDS.index("credit_loan")] == pytest.approx(credit)
    scores = record.approval_probability(_record_rows([("credit_loan", 1), ("credit_loan", 2), ("leasing", 3),
                                                       ("credit_loan", 99), ("green_loan", 98)], credit_rating="A"))
    expected = [market + (30 - 40 * market + 10 * credit) / 50, market + (1 - 2 * market + 10 * credit) / 12,
                market + (0 - 10 * market + 10 * leasing) / 20, market + credit, market]
    assert scores == pytest.approx(expected, abs=rules.RULES_TIE_BREAK)  # 99, 98: never seen, from their kind


def test_a_record_is_read_against_what_its_applicants_grade_gets_elsewhere():
    """Only AAA firms apply to the strict product and it approves 8 in 10 where AAA firms get 9 in 10
    elsewhere; only BBB firms apply to the lenient one and it approves 4 in 10 where BBB firms get 3 in 10.
    The raw rates would put the strict product first for everyone; it is the lenient one that is kinder."""
    rows, y = [], []
    for product, grade, approved in ((1, "AAA", 8), (2, "BBB", 4), (3, "AAA", 90), (3, "BBB", 30)):
        count = 10 if product != 3 else 100
        rows.append(_record_rows([("credit_loan", product)] * count, credit_rating=grade))
        y += [1] * approved + [0] * (count - approved)
    record = rules.TrackRecord().fit(np.vstack(rows), np.array(y))
    strict, lenient = record.approval_probability(_record_rows([("credit_loan", 1), ("credit_loan", 2)],
                                                               credit_rating="A"))
    assert lenient > strict
    assert record.product_edge_[1] > 0 > record.product_edge_[0]


def test_counts_and_rows_fit_the_same_record():
    X = np.vstack([_record_rows([("credit_loan", 5), ("credit_loan", 5)], credit_rating="AA"),
                   _record_rows([("ip_pledge", 7)], credit_rating="BBB")])
    y = np.array([1, 0, 1])
    by_rows = rules.TrackRecord().fit(X, y)
    by_counts = rules.TrackRecord().fit_counts(product_ids=[7, 5], kinds=[3, 0], grades=[4, 6], decided=[1, 2],
                                               approved=[1, 1])
    assert by_rows.approval_probability(X) == pytest.approx(by_counts.approval_probability(X))


def test_equal_records_keep_the_published_rules_order_and_failures_stay_last():
    record = rules.TrackRecord().fit_counts(product_ids=[1], kinds=[0], grades=[6], decided=[10], approved=[5])
    strong = features_of(need_row(credit_rating="AAA", years=12), product_row(min_credit_rating="BBB"))
    weak = features_of(need_row(credit_rating="BBB", years=1), product_row(min_credit_rating="BBB"))
    failing = features_of(need_row(credit_rating="BB"), product_row(min_credit_rating="BBB"))
    s, w, f = (record.approval_probability(x)[0] for x in (strong, weak, failing))
    assert s > w > f and f < 0.1
    with pytest.raises(Exception, match="not fitted"):
        rules.TrackRecord().approval_probability(strong)
