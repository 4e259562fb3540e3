"""The basis of the additive ranker: step functions, their per-kind copies, and each product's own terms.

Every numeric input becomes a "thermometer": one column per cut, 1 where the value lies above the cut.
A weight on such a column is the height of one step, so a feature's effect is a step function, and an
L2 penalty on the weights keeps the steps small unless the outcomes insist. Each shape has a copy per
product kind, penalised harder, so a kind's own taste is learned as a departure from the market's; each
product has its own intercept and its own liking for where a request sits in its amount range (a
parabola), penalised harder still, so a product with little history looks like its kind and a product
with none is its kind exactly.
"""
from __future__ import annotations

import numpy as np
import scipy.sparse as sp


def cuts_for(values: np.ndarray, n_bins: int) -> np.ndarray:
    """Where a feature's steps may fall: between its distinct values when it has few of them, else
    at its quantiles."""
    finite = values[np.isfinite(values)]
    if finite.size == 0:
        return np.zeros(0)
    distinct = np.unique(finite)
    if distinct.size <= n_bins:
        return (distinct[:-1] + distinct[1:]) / 2
    inner = np.quantile(finite, np.linspace(0, 1, n_bins + 1)[1:-1])
    return np.unique(inner[(inner > distinct[0]) & (inner < distinct[-1])])


def thermometer(values: np.ndarray, cuts: np.ndarray) -> np.ndarray:
    return (values[:, None] > cuts[None, :]).astype(np.float64)


def per_group(block: np.ndarray, group: np.ndarray, n_groups: int) -> sp.csr_matrix:
    """``block`` (rows × m) copied into the columns of each row's group: rows × (n_groups · m)."""
    rows, m = block.shape
    row_index = np.repeat(np.arange(rows), m)
    columns = (group[:, None] * m + np.arange(m)[None, :]).ravel()
    return sp.csr_matrix((block.ravel(), (row_index, columns)), shape=(rows, n_groups * m))


def amount_terms(position: np.ndarray) -> np.ndarray:
    """Where the request sits in the product's range, −1 at its minimum and +1 at its maximum (log scale),
    and its square: a parabola in these two is a liking for one amount."""
    d = np.clip(2 * position - 1, -3, 3)
    return np.column_stack([d, d * d])
