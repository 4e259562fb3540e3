"""The seeded market's known truth: P(approved) under the approval law, for any (need, product).

Redraws the market from its recorded seed (deterministic), so the hidden firm quality and product
appetite the law uses are available to the evaluation's oracle.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import numpy as np

from .market import NeedTable, ProductTable, approval_probability, draw_market, failed_rules


def approval_truth(*, seed: int, enterprises: int, as_of: dt.date) -> Callable[[np.ndarray, np.ndarray], np.ndarray]:
    """A function (need ids, product ids) -> true P(approved) for the market drawn with these parameters."""
    market = draw_market(enterprises=enterprises, seed=seed, as_of=as_of)
    products = ProductTable(market.products, market.appetite)
    needs = NeedTable(market.needs, market.enterprises, market.quality)
    need_row = {need["id"]: k for k, need in enumerate(market.needs)}
    product_row = {product["id"]: k for k, product in enumerate(market.products)}

    def truth(need_ids: np.ndarray, product_ids: np.ndarray) -> np.ndarray:
        """NaN for a need or product the seeded world never drew (registered or imported later)."""
        i = np.array([need_row.get(int(n), -1) for n in need_ids], dtype=int)
        j = np.array([product_row.get(int(p), -1) for p in product_ids], dtype=int)
        out = np.full(len(i), np.nan)
        known = (i >= 0) & (j >= 0)
        if known.any():
            failed = _failed_pairs(needs, products, i[known], j[known])
            out[known] = approval_probability(needs, i[known], products, j[known], failed)
        return out

    return truth


def _failed_pairs(needs: NeedTable, products: ProductTable, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """Rule failures for the given pairs only (the full needs × products matrix is not needed)."""
    failed = np.zeros(len(i), dtype=int)
    for start in range(0, len(i), 50_000):
        sl = slice(start, start + 50_000)
        rows, inverse = np.unique(i[sl], return_inverse=True)
        sub = _subset(needs, rows)
        failed[sl] = failed_rules(sub, products)[inverse, j[sl]]
    return failed


def _subset(needs: NeedTable, rows: np.ndarray) -> NeedTable:
    sub = object.__new__(NeedTable)
    for name, value in vars(needs).items():
        setattr(sub, name, value[rows] if isinstance(value, np.ndarray) else value)
    return sub
