"""Equity fit (股权匹配): how likely an investor's interest in a round is to reach due diligence, learned from the
deal pipeline. The pair is described by the profile rules' own score (so the learner starts from them and
corrects them), by how the round sits in the fund's profile (stage distance, industry,
the ticket against its range, the round against the fund's size) and by the firm (valuation multiple, IP,
revenue, knowledge-value grade, age); the learner is the default-risk one (each fact as itself and as its
fifth, penalised logistic regression), so a law that only bites past a threshold is learned too.

Stored as plain numbers (``to_dict``/``from_dict``), not as pickled code. Follows the estimator contract.
"""
from __future__ import annotations

import numpy as np
from sklearn.utils.validation import check_is_fitted

from .default_risk import DefaultRisk

FEATURES = ["rule_score", "stage_gap", "industry_match", "industry_any", "ticket_below", "ticket_above", "fund_share",
            "valuation_multiple", "log_ip", "log_revenue", "kv_grade", "years"]
LEARNED = ("mean_", "scale_", "cut_counts_", "cuts_", "coef_")


def pair_features(*, rule_score, stage_gap, industry_match, industry_any, amount, min_ticket, max_ticket, fund_size, valuation,
                  ip_count, revenue, kv_grade, years) -> np.ndarray:
    """One row per (round, fund) pair, in FEATURES' order; every argument an array of the same length."""
    amount = np.maximum(np.asarray(amount, dtype=float), 1.0)
    return np.column_stack([
        np.asarray(rule_score, dtype=float), np.asarray(stage_gap, dtype=float), np.asarray(industry_match, dtype=float),
        np.asarray(industry_any, dtype=float),
        np.maximum(np.log10(np.asarray(min_ticket, dtype=float) / amount), 0.0),  # how far below the floor
        np.maximum(np.log10(amount / np.asarray(max_ticket, dtype=float)), 0.0),  # how far above the ceiling
        amount / np.maximum(np.asarray(fund_size, dtype=float), 1.0),
        np.log10(np.maximum(np.asarray(valuation, dtype=float), 1.0) / amount),
        np.log1p(np.asarray(ip_count, dtype=float)), np.log10(np.maximum(np.asarray(revenue, dtype=float), 1.0)),
        np.asarray(kv_grade, dtype=float), np.asarray(years, dtype=float),
    ])


class EquityFit(DefaultRisk):
    """``C``: the inverse strength of the L2 penalty (progress is commoner than default: a lighter penalty)."""

    def __init__(self, C: float = 1.0):
        self.C = C

    def progress_probability(self, X) -> np.ndarray:
        return self.default_probability(X)

    def to_dict(self) -> dict:
        check_is_fitted(self, [*LEARNED, "intercept_"])
        return {"C": self.C, "features": list(FEATURES), "intercept_": self.intercept_,
                **{name: getattr(self, name).tolist() for name in LEARNED}}

    @classmethod
    def from_dict(cls, stored: dict) -> EquityFit:
        if stored.get("features") != FEATURES:
            raise ValueError("equity fit was learned on another set of features")
        model = cls(C=stored["C"])
        for name in LEARNED:
            setattr(model, name, np.asarray(stored[name], dtype=int if name == "cut_counts_" else float))
        model.intercept_ = float(stored["intercept_"])
        model.classes_ = np.array([0, 1])
        model.n_features_in_ = len(FEATURES)
        return model
