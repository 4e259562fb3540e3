"""The equity matching rules and the deal pipeline's moves on worked examples: each part of a fund's profile at its
threshold and just past it (stage, adjacent stage, industry, any industry, the ticket range and its stretch, the
round's share of the fund), the reasons said for each; which moves a deal may make from every stage; and the learned
fit: the estimator contract, its stored numbers read back to the same estimates, and laws it was not shaped for."""
from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest
from sklearn.exceptions import NotFittedError
from sklearn.metrics import roc_auc_score

from matchmaker.equity import fit, pipeline
from matchmaker.ranking.equity_fit import FEATURES, EquityFit
from models import EquityStage, Industry, InterestStage

W = 10_000


def profile(**changes):
    base = {"stages": ["a"], "industries": ["life_health"], "min_ticket_cny": 1_000 * W, "max_ticket_cny": 5_000 * W,
            "fund_size_cny": 100_000 * W, "institution_id": 7}
    return SimpleNamespace(**{**base, **changes})


def round_(**changes):
    base = {"round": EquityStage.A, "amount_cny": 3_000 * W, "pre_money_valuation_cny": 30_000 * W, "id": 1,
            "enterprise": SimpleNamespace(industry=Industry.LIFE_HEALTH)}
    return SimpleNamespace(**{**base, **changes})


@pytest.fixture
def rules(app):
    with app.app_context():
        yield app.config["EQUITY_POINTS"], app.config


def score(app, p, n):
    with app.app_context():
        judged = fit.judge(p, n)
        assert judged.profile is p and judged.need is n and judged.learned is None
        return round(judged.rule * 100, 6), judged.reasons


def test_a_round_that_fits_every_part_scores_one_and_says_why(app, rules):
    points, _ = rules
    assert points["stage"] + points["industry"] + points["ticket"] + points["fund_size"] == 100
    assert score(app, profile(), round_()) == (100.0, ["投资阶段包含A 轮", "关注生命健康行业",
                                                   "本轮金额在单笔投资区间 1,000–5,000 万元 内"])


@pytest.mark.parametrize("stages, got, said", [
    (["a"], "stage", "投资阶段包含A 轮"), (["pre_a"], "stage_adjacent", "投资阶段与A 轮相邻"),
    (["b"], "stage_adjacent", "投资阶段与A 轮相邻"), (["angel"], None, "投资阶段不含A 轮"),
    (["c_plus", "angel"], None, "投资阶段不含A 轮"), (["seed", "b"], "stage_adjacent", "投资阶段与A 轮相邻")])
def test_the_stage_counts_whole_next_to_it_in_part_further_not_at_all(app, rules, stages, got, said):
    points, _ = rules
    value, reasons = score(app, profile(stages=stages), round_())
    assert value == 100 - points["stage"] + (points[got] if got else 0)
    assert reasons[0] == said


@pytest.mark.parametrize("industries, got, said", [
    (["life_health"], "industry", "关注生命健康行业"), ([], "industry_any", "不限行业"),
    (["next_gen_it"], None, "不关注生命健康行业")])
def test_the_industry(app, rules, industries, got, said):
    points, _ = rules
    value, reasons = score(app, profile(industries=industries), round_())
    assert value == 100 - points["industry"] + (points[got] if got else 0)
    assert reasons[1] == said


@pytest.mark.parametrize("amount_wan, got", [
    (1_000, "ticket"), (5_000, "ticket"), (999.99, "ticket_near"), (5_000.01, "ticket_near"),
    (500, "ticket_near"), (10_000, "ticket_near"), (499.99, None), (10_000.01, None)])
def test_the_ticket_range_and_its_stretch(app, rules, amount_wan, got):
    points, config = rules
    assert config["EQUITY_TICKET_STRETCH"] == 2.0
    amount = round(amount_wan * W)
    value, reasons = score(app, profile(fund_size_cny=10**12), round_(amount_cny=amount))
    assert value == 100 - points["ticket"] + (points[got] if got else 0)
    said = {"ticket": "本轮金额在单笔投资区间 1,000–5,000 万元 内", "ticket_near": "本轮金额接近单笔投资区间 1,000–5,000 万元",
            None: "本轮金额不在单笔投资区间 1,000–5,000 万元 内"}[got]
    assert reasons[2] == said


@pytest.mark.parametrize("fund_wan, fits, said", [
    (30_000, True, None), (29_999.99, False, "本轮金额占基金规模的 10%，偏大"), (6_000, False, "本轮金额占基金规模的 50%，偏大")])
def test_a_round_above_a_tenth_of_the_fund_is_a_large_bet(app, rules, fund_wan, fits, said):
    points, config = rules
    assert config["EQUITY_FUND_SHARE_MAX_PCT"] == 10.0
    value, reasons = score(app, profile(fund_size_cny=round(fund_wan * W)), round_())
    assert value == 100 - (0 if fits else points["fund_size"])
    assert (reasons[3] if len(reasons) > 3 else None) == said


def test_the_stage_gap_counts_rounds_to_the_nearest_named_one():
    assert [fit.stage_gap(profile(stages=["a"]), s) for s in EquityStage.values()] == [3, 2, 1, 0, 1, 2, 3]
    assert fit.stage_gap(profile(stages=["seed", "pre_ipo"]), "a") == 3
    assert fit.stage_gap(profile(stages=["seed", "c_plus"]), "b") == 1
    assert fit.stage_gap(profile(stages=[]), "a") == 7  # no stage named (a stored profile always names one)


def test_a_deal_moves_only_forward_one_stage_or_to_passed():
    order = ["interested", "meeting", "due_diligence", "term_sheet", "invested"]
    for here, there in zip(order, order[1:]):
        assert [s.value for s in pipeline.next_stages(InterestStage(here))] == [there, "passed"]
    assert pipeline.next_stages(InterestStage.INVESTED) == []
    assert pipeline.next_stages(InterestStage.PASSED) == []


# ---------------------------------------------------------------- the learned fit

def test_the_estimator_contract_and_its_stored_numbers():
    rng = np.random.default_rng(3)
    X = rng.normal(size=(400, len(FEATURES)))
    y = (X[:, 0] + rng.normal(size=400) > 0).astype(int)
    with pytest.raises(NotFittedError):
        EquityFit().progress_probability(X)
    model = EquityFit(C=0.5)
    assert model.fit(X, y) is model and model.get_params() == {"C": 0.5}
    stored = model.to_dict()
    assert stored["features"] == FEATURES and stored["C"] == 0.5
    again = EquityFit.from_dict(stored)
    assert np.allclose(again.progress_probability(X), model.progress_probability(X))
    with pytest.raises(ValueError, match="another set of features"):
        EquityFit.from_dict({**stored, "features": FEATURES[:-1]})
    with pytest.raises(NotFittedError):
        EquityFit().to_dict()


def _auc(law, seed=5, rows=3_000) -> float:
    rng = np.random.default_rng(seed)
    X = np.column_stack([rng.uniform(0, 1, rows), rng.integers(0, 4, rows), rng.integers(0, 2, rows),
                         rng.integers(0, 2, rows), rng.exponential(0.3, rows), rng.exponential(0.3, rows),
                         rng.uniform(0, 0.2, rows), rng.uniform(0.3, 1.5, rows), rng.uniform(0, 3.5, rows),
                         rng.uniform(5, 9, rows), rng.integers(0, 6, rows), rng.uniform(0, 20, rows)])
    p = 1 / (1 + np.exp(-law(X)))
    y = (rng.random(rows) < p).astype(int)
    cut = int(rows * 0.8)
    return roc_auc_score(y[cut:], EquityFit().fit(X[:cut], y[:cut]).progress_probability(X[cut:]))


LAWS = {
    # valuations past ~15× the amount put funds off, whatever else holds (a threshold)
    "valuation threshold": (lambda X: 0.5 - 2.5 * (X[:, 7] > 1.18), 0.7),
    # the stage only matters in the fund's own industry (an interaction)
    "stage within industry": (lambda X: -0.5 + 2.0 * X[:, 2] * (X[:, 1] == 0) - 1.0 * X[:, 1] * X[:, 2], 0.65),
    # funds like firms in their middle years, not the youngest nor the oldest (a U turned over)
    "middle years": (lambda X: 1.5 - 0.05 * (X[:, 11] - 10) ** 2, 0.65),
}


@pytest.mark.parametrize("name", LAWS)
def test_it_learns_laws_it_was_not_shaped_for(name):
    law, floor = LAWS[name]
    assert _auc(law) >= floor


def test_noise_stays_noise():
    assert abs(_auc(lambda X: np.zeros(len(X))) - 0.5) < 0.06
