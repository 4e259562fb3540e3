"""Default risk (违约风险): the chance that a loan goes bad (overdue now, or written off), learned from the loans
that have run long enough, beside the approval probability. A penalised logistic regression on the firm's facts
as they were when it asked, the loan's size against its revenue, its term and price, and the product's kind: each
fact enters as itself and as its fifth (quintile), so a risk that rises at both ends of a fact, or only past a
threshold, is learned too. Kept as plain arrays so the registry stores it through skops without scikit-learn
internals.

Follows the estimator contract: nothing in ``__init__``, learned attributes end in ``_``, ``fit`` returns
``self``, ``check_is_fitted`` before predicting.
"""
from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.linear_model import LogisticRegression
from sklearn.utils.validation import check_is_fitted

from .codes import KINDS
from .frames import Needs, Products

FEATURES = ["log_revenue", "rd_ratio", "log_employees", "years", "log_ip", "rating", "kv_grade", "certifications",
            "collateral", "log_amount", "amount_to_revenue", "term", "rate", *[f"kind_{k}" for k in KINDS]]


def loan_features(needs: Needs, products: Products, i: np.ndarray, j: np.ndarray, *, amount: np.ndarray,
                  term: np.ndarray, rate: np.ndarray) -> np.ndarray:
    """One row per loan (need row ``i`` lent by product row ``j``) in FEATURES' order."""
    revenue = np.maximum(needs.revenue[i], 1.0)
    kinds = np.zeros((len(i), len(KINDS)))
    kinds[np.arange(len(i)), products.kind[j]] = 1.0
    return np.column_stack([
        np.log10(revenue), needs.rd_ratio[i], np.log1p(needs.employees[i]), needs.years[i], np.log1p(needs.ip[i]),
        needs.rating[i], needs.grade[i], needs.certs[i].sum(axis=1), needs.collateral[i].astype(float),
        np.log10(np.maximum(amount, 1.0)), np.minimum(amount / revenue, 10.0), term, rate, kinds,
    ]).astype(float)


QUANTILES = (0.2, 0.4, 0.6, 0.8)


class DefaultRisk(ClassifierMixin, BaseEstimator):
    """``C``: the inverse strength of the L2 penalty; defaults are rare, so shrink hard by default."""

    def __init__(self, C: float = 0.1):
        self.C = C

    def fit(self, X, y):
        X, y = np.asarray(X, dtype=float), np.asarray(y, dtype=int)
        self.mean_ = X.mean(axis=0)
        scale = X.std(axis=0)
        self.scale_ = np.where(scale > 0, scale, 1.0)
        Z = (X - self.mean_) / self.scale_
        # One cut list per fact, flattened with its offsets (skops keeps plain arrays, not ragged lists).
        cuts = [np.unique(np.quantile(Z[:, k], QUANTILES)) for k in range(Z.shape[1])]
        self.cut_counts_ = np.array([len(c) for c in cuts])
        self.cuts_ = np.concatenate(cuts) if cuts else np.zeros(0)
        fitted = LogisticRegression(C=self.C, max_iter=5_000).fit(self._design(Z), y)
        self.coef_ = fitted.coef_[0].copy()
        self.intercept_ = float(fitted.intercept_[0])
        self.classes_ = np.array([0, 1])
        self.n_features_in_ = X.shape[1]
        return self

    def _design(self, Z: np.ndarray) -> np.ndarray:
        """Each fact as itself, then one column per fifth it falls in above the first."""
        columns, start = [Z], 0
        for k, count in enumerate(self.cut_counts_):
            cuts = self.cuts_[start:start + count]
            start += count
            fifth = np.digitize(Z[:, k], cuts)
            columns.append((fifth[:, None] == np.arange(1, count + 1)[None, :]).astype(float))
        return np.hstack(columns)

    def default_probability(self, X) -> np.ndarray:
        check_is_fitted(self, ["coef_", "intercept_", "mean_", "scale_", "cuts_", "cut_counts_"])
        Z = (np.asarray(X, dtype=float) - self.mean_) / self.scale_
        z = self._design(Z) @ self.coef_ + self.intercept_
        return 1.0 / (1.0 + np.exp(-np.clip(z, -30, 30)))

    def predict_proba(self, X) -> np.ndarray:
        p = self.default_probability(X)
        return np.column_stack([1 - p, p])

    def predict(self, X) -> np.ndarray:
        return (self.default_probability(X) >= 0.5).astype(int)
