"""The listing standards (上市辅导) on worked examples: every condition of every standard of the three boards at
its threshold (met) and just below it (not met, the gap naming the fact and the distance), the metrics computed
from a firm's facts, and a missing fact said as missing. The thresholds are the configuration's, read from the
reference's figures written out here once more, so a changed threshold fails loudly."""
from __future__ import annotations

import pytest

from matchmaker.config import Config
from matchmaker.listing import standards

RULES = Config.LISTING_STANDARDS
YI, WAN = 100_000_000, 10_000
# finance-rules.md, "Listing readiness", written out once more: board → standard → {metric: threshold}
REFERENCE = {
    "star": {"1a": {"market_value": 10 * YI, "net_profit_min_2y": 0, "net_profit_2y": 5_000 * WAN},
             "1b": {"market_value": 10 * YI, "net_profit": 0, "revenue": 1 * YI},
             "2": {"market_value": 15 * YI, "revenue": 2 * YI, "rd_3y_pct": 15},
             "3": {"market_value": 20 * YI, "revenue": 3 * YI, "ocf_3y": 1 * YI},
             "4": {"market_value": 30 * YI, "revenue": 3 * YI},
             "5": {"market_value": 40 * YI, "national_main_product": 1}},
    "chinext": {"1": {"net_profit_min_2y": 0, "net_profit_2y": 1 * YI, "net_profit": 6_000 * WAN},
                "2": {"market_value": 15 * YI, "net_profit": 0, "revenue": 4 * YI},
                "3": {"market_value": 50 * YI, "revenue": 3 * YI}},
    "bse": {"1a": {"market_value": 2 * YI, "net_profit_min_2y": 1_500 * WAN, "roe_avg_2y": 8},
            "1b": {"market_value": 2 * YI, "net_profit": 2_500 * WAN, "roe": 8},
            "2": {"market_value": 4 * YI, "revenue_avg_2y": 1 * YI, "revenue_growth_pct": 30, "ocf": 0},
            "3": {"market_value": 8 * YI, "revenue": 2 * YI, "rd_2y_pct": 8},
            "4": {"market_value": 15 * YI, "rd_2y": 5_000 * WAN}},
}
COMMON = {"star": {"share_capital": 3_000 * WAN}, "chinext": {}, "bse": {"neeq_months": 12, "net_assets": 5_000 * WAN}}
CASES = [(board, name, metric, op, threshold) for board, rules in RULES["boards"].items()
         for name, conditions in rules["standards"].items() for metric, op, threshold in (*rules["common"], *conditions)]


def test_the_configuration_holds_the_reference_s_figures():
    written = {board: {name: {m: t for m, _op, t in conditions} for name, conditions in rules["standards"].items()}
               for board, rules in RULES["boards"].items()}
    assert written == REFERENCE
    assert {board: {m: t for m, _op, t in rules["common"]} for board, rules in RULES["boards"].items()} == COMMON
    positive = {(b, n, m) for b, n, m, op, t in CASES if op == "gt"}
    assert positive == {("star", "1a", "net_profit_min_2y"), ("star", "1b", "net_profit"),
                        ("chinext", "1", "net_profit_min_2y"), ("chinext", "2", "net_profit"), ("bse", "2", "ocf")}
    assert RULES["as_of"] and "上海证券交易所" in RULES["source"]


def at_threshold(board: str, name: str) -> dict:
    """Metrics exactly at every threshold of the standard (one yuan above where it must be positive)."""
    rules = RULES["boards"][board]
    found = {metric: None for metric in standards.METRICS}
    for metric, op, threshold in (*rules["common"], *rules["standards"][name]):
        found[metric] = threshold + (1 if op == "gt" else 0)
    return found


def result(found: dict, board: str, name: str):
    return next(c for c in standards.check_metrics(found, RULES) if (c.board, c.standard) == (board, name))


@pytest.mark.parametrize(("board", "name", "metric", "op", "threshold"), CASES,
                         ids=[f"{b}-{n}-{m}" for b, n, m, _o, _t in CASES])
def test_each_condition_at_and_just_below_its_threshold(board, name, metric, op, threshold):
    found = at_threshold(board, name)
    assert result(found, board, name) == standards.Check(board, name, True, [])
    unit = standards.METRICS[metric][1]
    below = {"money": threshold - (0 if op == "gt" else 1), "pct": threshold - 0.1, "months": threshold - 1,
             "flag": 0}[unit]
    missed = result({**found, metric: below}, board, name)
    label = standards.METRICS[metric][0]
    assert not missed.met and len(missed.gaps) == 1 and label in missed.gaps[0]
    if op == "ge" and unit == "money":
        assert "还差 0.0001 万元" in missed.gaps[0]  # one yuan short, said to the yuan
    if unit == "pct":
        assert "还差 0.1 个百分点" in missed.gaps[0]
    if unit == "months":
        assert "还差 1 个月" in missed.gaps[0]
    if op == "gt":
        assert "须为正" in missed.gaps[0]
    unknown = result({**found, metric: None}, board, name)
    assert unknown.gaps == [f"缺少数据：{label}"] if unit != "flag" else not unknown.met


def test_the_metrics_from_a_firm_s_facts():
    facts = {"market_value": 12 * YI, "share_capital": 4_000 * WAN, "revenue": 3 * YI, "revenue_prev": 2 * YI,
             "revenue_prev2": 1 * YI, "rd_expense": 5_000 * WAN, "rd_expense_prev": 3_000 * WAN,
             "rd_expense_prev2": 1_000 * WAN, "net_profit": 4_000 * WAN, "net_profit_prev": -500 * WAN,
             "ocf": -1, "ocf_3y": 2 * YI, "roe": 9.0, "roe_prev": 7.0, "neeq_months": 14, "net_assets": 6_000 * WAN,
             "national_main_product": True}
    found = standards.metrics(facts)
    assert found["net_profit_min_2y"] == -500 * WAN and found["net_profit_2y"] == 3_500 * WAN
    assert found["revenue_avg_2y"] == 2.5 * YI and found["revenue_growth_pct"] == pytest.approx(50.0)
    assert found["rd_3y_pct"] == pytest.approx(100 * 9_000 / 60_000)  # 15 %: (0.5 + 0.3 + 0.1) ÷ (3 + 2 + 1) 亿
    assert found["rd_2y_pct"] == pytest.approx(16.0) and found["rd_2y"] == 8_000 * WAN
    assert found["roe_avg_2y"] == 8.0 and found["national_main_product"] == 1
    checks = {(c.board, c.standard): c for c in standards.check(facts, RULES)}
    # Worked by hand from the reference: a 12 亿 firm, profitable last year only, cash flow just negative.
    assert {key: len(c.gaps) for key, c in checks.items()} == {
        ("star", "1a"): 2, ("star", "1b"): 0, ("star", "2"): 1, ("star", "3"): 1, ("star", "4"): 1, ("star", "5"): 1,
        ("chinext", "1"): 3, ("chinext", "2"): 2, ("chinext", "3"): 1,
        ("bse", "1a"): 1, ("bse", "1b"): 0, ("bse", "2"): 1, ("bse", "3"): 0, ("bse", "4"): 1}
    assert checks[("star", "1a")].gaps == ["最近两年净利润的较低者为 -500 万元，须为正",
                                          "最近两年净利润合计 3,500 万元，还差 1,500 万元（标准 ≥ 5,000 万元）"]
    assert checks[("star", "2")].gaps == ["预计市值 120,000 万元，还差 30,000 万元（标准 ≥ 150,000 万元）"]
    assert checks[("bse", "2")].gaps == ["最近一年经营活动现金流量净额为 -0.0001 万元，须为正"]
    assert checks[("star", "5")].gaps == ["预计市值 120,000 万元，还差 280,000 万元（标准 ≥ 400,000 万元）"]
    no_product = {(c.board, c.standard): c for c in standards.check({**facts, "national_main_product": False}, RULES)}
    assert no_product[("star", "5")].gaps[-1] == "须主要产品经国家有关部门批准"
    assert standards.metrics({"revenue": 1, "revenue_prev": 0})["revenue_growth_pct"] is None  # no base to grow on


def test_the_edges_of_the_metrics_and_the_sentences():
    # The smallest bases still make a ratio: growth on one yuan, R&D shares over a total of one yuan.
    assert standards.metrics({"revenue": 3, "revenue_prev": 1})["revenue_growth_pct"] == pytest.approx(200.0)
    one = standards.metrics({"revenue": 1, "revenue_prev": 0, "revenue_prev2": 0, "rd_expense": 1,
                             "rd_expense_prev": 0, "rd_expense_prev2": 0})
    assert (one["rd_3y_pct"], one["rd_2y_pct"]) == (pytest.approx(100.0), pytest.approx(100.0))
    # Earlier years larger than the last: the shares are over the sum of the years, not a difference.
    shrinking = standards.metrics({"revenue": 1, "revenue_prev": 5, "revenue_prev2": 1, "rd_expense": 1,
                                   "rd_expense_prev": 1, "rd_expense_prev2": 1})
    assert shrinking["rd_3y_pct"] == pytest.approx(100 * 3 / 7) and shrinking["rd_2y_pct"] == pytest.approx(100 * 2 / 6)
    nothing = standards.metrics({"revenue": 0, "revenue_prev": 0, "revenue_prev2": 0, "rd_expense": 0,
                                 "rd_expense_prev": 0, "rd_expense_prev2": 0})
    assert (nothing["rd_3y_pct"], nothing["rd_2y_pct"]) == (None, None)  # no revenue: no share of it
    assert standards.metrics({"revenue": 0, "revenue_prev": 0, "rd_expense": 0, "rd_expense_prev": 0})["rd_2y_pct"] is None
    # A configuration may ask a share to be positive: said as a share.
    assert standards.gap("roe", "gt", 0, -1.5) == "最近一年加权平均净资产收益率为 -1.5，须为正"
    assert standards.gap("roe", "gt", 0, 0.1) is None
    assert standards.gap("rd_3y_pct", "ge", 15, 12.34) == "最近三年研发投入占营业收入比例 12.3%，还差 2.7 个百分点（标准 ≥ 15%）"
    assert standards.gap("neeq_months", "ge", 12, 8) == "在新三板创新层挂牌 8 个月，还差 4 个月（标准 ≥ 12 个月）"
