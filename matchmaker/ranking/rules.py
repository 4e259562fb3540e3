"""The transparent rules score, used before any model has learned (cold start).

It knows only the products' own published rules: an eligible pair scores higher the more
comfortably the firm clears each rule (rating, years, revenue) and the nearer the amount sits
to the middle of the product's range. Eligible pairs score 0.4 to 0.9; ineligible ones below 0.1,
less the more rules they fail. Anyone can recompute it by hand.
"""
from __future__ import annotations

import numpy as np

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


def _reference() -> np.ndarray:
    """The applicant who just clears every rule, whom the rules' reasons compare against."""
    row = np.zeros(len(FEATURES))
    row[_COL["amount_position"]] = 0.5
    row[_COL["log_revenue"]] = 7
    row[_COL["log_min_revenue"]] = 7
    return row


REFERENCE = _reference()
