"""The transparent scores used before any model has learned (cold start).

``rules_score`` knows only the products' own published rules: an eligible pair scores higher the more
comfortably the firm clears each rule (rating, years, revenue) and the nearer the amount sits
to the middle of the product's range. Eligible pairs score 0.4 to 0.9; ineligible ones below 0.1,
less the more rules they fail. Anyone can recompute it by hand.

``TrackRecord`` adds what the first decisions already say: each product's approval rate, shrunk
towards its kind's rate and that towards the market's (a product with 3 decisions says little, one
with 300 a lot). Among the products a firm qualifies for, how each product really underwrites is
what its published rules do not tell, and no firm fact is needed to see it: on the family of random
approval laws (bench/family.py) the published rules alone order products no better than chance, the
record from the first 150 decisions closes a fifth of the gap to the oracle or more on every law.
"""
from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.utils.validation import check_is_fitted

from .codes import KINDS
from .features import FEATURES

_COL = {name: k for k, name in enumerate(FEATURES)}


def rules_score(X: np.ndarray) -> np.ndarray:
    """Score pairs from their feature rows (see features.FEATURES)."""
    def col(name):
        return X[:, _COL[name]].astype(float)

    margins = np.column_stack([
        np.clip(col("rating_margin") / 3, 0, 1),                          # three grades above the minimum
        np.clip(col("years_margin") / 5, 0, 1),                           # five years beyond the minimum
        np.clip((col("log_revenue") - col("log_min_revenue")) / 2, 0, 1),  # a hundred times the minimum
        np.clip(1 - np.abs(col("amount_position") - 0.5) * 2, 0, 1),      # amount mid-range, not at a limit
    ])
    eligible = 0.4 + 0.5 * margins.mean(axis=1)
    ineligible = 0.1 / (1 + col("failed_rules"))
    return np.where(col("failed_rules") == 0, eligible, ineligible)


def reference() -> np.ndarray:
    """The applicant who just clears every rule, whom the rules' reasons compare against."""
    row = np.zeros(len(FEATURES))
    row[_COL["amount_position"]] = 0.5
    row[_COL["log_revenue"]] = 7
    row[_COL["log_min_revenue"]] = 7
    return row




_KIND_COLUMNS = [_COL[f"kind_{k}"] for k in KINDS]
RULES_TIE_BREAK = 0.001  # the published-rules order only decides between equal records
GRADE_PRIOR = 5.0  # decisions a credit grade's rate counts the market's as


class TrackRecord(BaseEstimator):
    """P(approved) of an eligible pair from its product's record (see the module).

    Strong firms apply to strict products, so a raw approval rate also measures who applied. Each
    decision is therefore read against what firms of the applicant's credit grade get across the
    market: a product's record is how much more (or less) often it approves than that, shrunk towards
    its kind's and the kind's towards none, and the score is the market's rate plus it.
    ``prior_strength``: how many decisions the kind's figure counts as against a product's own.
    Fitted from feature rows and outcomes (``fit``) or from counts per product and grade
    (``fit_counts``, what the platform reads with one SQL aggregate).
    """

    def __init__(self, *, prior_strength: float = 10.0):
        self.prior_strength = prior_strength

    def fit(self, X, y):
        X = np.asarray(X)
        keys = np.column_stack([X[:, _COL["product_id"]], X[:, _KIND_COLUMNS].argmax(axis=1), X[:, _COL["rating"]]])
        groups, inverse = np.unique(keys, axis=0, return_inverse=True)
        inverse = inverse.ravel()  # every group has a row, so the counts cover them all
        return self.fit_counts(product_ids=groups[:, 0], kinds=groups[:, 1].astype(int), grades=groups[:, 2],
                               decided=np.bincount(inverse), approved=np.bincount(inverse, weights=y))

    def fit_counts(self, *, product_ids, kinds, grades, decided, approved):
        """One entry per (product, applicants' credit grade), at least one decision in all: ``kinds``
        each product's index in codes.KINDS, ``grades`` the grade's rank (AAA = 7 … C = 1)."""
        kinds, decided, approved = np.asarray(kinds), np.asarray(decided), np.asarray(approved)
        m = self.prior_strength
        self.market_rate_ = float(approved.sum() / decided.sum())
        _grades, grade_of = np.unique(grades, return_inverse=True)
        grade_rate = ((np.bincount(grade_of, weights=approved) + GRADE_PRIOR * self.market_rate_)
                      / (np.bincount(grade_of, weights=decided) + GRADE_PRIOR))
        surplus = approved - decided * grade_rate[grade_of]  # approvals beyond what the grade predicts
        kind_surplus = np.bincount(kinds, weights=surplus, minlength=len(KINDS))
        kind_decided = np.bincount(kinds, weights=decided, minlength=len(KINDS))
        self.kind_edge_ = kind_surplus / (kind_decided + m)
        self.product_ids_, product_of = np.unique(product_ids, return_inverse=True)
        product_kind = np.zeros(len(self.product_ids_), dtype=int)
        product_kind[product_of] = kinds
        own_decided = np.bincount(product_of, weights=decided)
        own_surplus = np.bincount(product_of, weights=surplus)
        self.product_edge_ = (own_surplus + m * self.kind_edge_[product_kind]) / (own_decided + m)
        return self

    def approval_probability(self, X) -> np.ndarray:
        check_is_fitted(self)
        X = np.asarray(X)
        edge = self.kind_edge_[X[:, _KIND_COLUMNS].argmax(axis=1)]
        products = X[:, _COL["product_id"]]
        at = np.minimum(self.product_ids_.searchsorted(products), len(self.product_ids_) - 1)
        known = self.product_ids_[at] == products
        edge = np.where(known, self.product_edge_[at], edge)
        rate = np.clip(self.market_rate_ + edge, 0, 1)
        published = rules_score(X)
        eligible = X[:, _COL["failed_rules"]] == 0
        # A failing pair keeps the rules' small score: the record is of applications that met the rules.
        return np.where(eligible, np.minimum(rate + RULES_TIE_BREAK * published, 1), published * rate)
