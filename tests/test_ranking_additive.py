"""The ranker's additive model on a small drawn market whose law is known: its scores split exactly into
the contributions it reports, each kind learns its own shape of a fact, a product it never saw is scored
as its kind, each product learns the amount it likes, and its lookup tables reproduce the penalised
logistic regression they were compiled from."""
from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.linear_model import LogisticRegression

from matchmaker.ranking.model import MatchRanker

KINDS = 3


def _market(n: int = 3000, seed: int = 0):
    """Rows of (kind one-hot ×3, product id, amount position, two firm facts); kind 0 values fact 0,
    kind 1 dislikes it, kind 2 ignores it; product 7 approves more than its kind."""
    rng = np.random.default_rng(seed)
    kind = rng.integers(0, KINDS, n)
    product = kind * 10 + rng.integers(0, 3, n)  # products 0-2 are kind 0, 10-12 kind 1, 20-22 kind 2
    position = rng.random(n)
    facts = rng.normal(size=(n, 2))
    X = np.column_stack([np.eye(KINDS)[kind], product, position, facts])
    z = np.select([kind == 0, kind == 1], [1.5 * facts[:, 0], -1.5 * facts[:, 0]], 0.0) + 0.5 * facts[:, 1]
    z += 1.2 * (product == 1) - 2.0 * (position - 0.5) ** 2
    y = (rng.random(n) < 1 / (1 + np.exp(-z))).astype(int)
    return X, y


def _ranker(**params) -> MatchRanker:
    return MatchRanker(kind_columns=(0, 1, 2), product_column=3, position_column=4, interacting=(5, 6),
                              **params)


@pytest.fixture(scope="module")
def fitted():
    X, y = _market()
    return _ranker(C=1.0).fit(X, y), X, y


def test_every_score_is_its_base_plus_its_contributions(fitted):
    model, X, _ = fitted
    base, parts = model.contributions(X[:200])
    assert np.allclose(base + parts.sum(axis=1), model.decision_function(X[:200]), atol=1e-9)
    assert np.allclose(1 / (1 + np.exp(-(base + parts.sum(axis=1)))), model.predict_proba(X[:200])[:, 1])
    # The typical applicant's facts contribute nothing: effects are told against it.
    typical = X[:3].copy()
    typical[:, 5:] = model.reference_[5:]
    assert np.allclose(model.contributions(typical)[1][:, 5:], 0.0)


def test_a_kind_learns_its_own_shape_of_a_fact(fitted):
    model, X, _ = fitted
    rows = np.zeros((3, X.shape[1]))
    rows[np.arange(3), np.arange(3)] = 1  # one row per kind
    rows[:, 3], rows[:, 4] = 99, 0.5
    low, high = rows.copy(), rows.copy()
    low[:, 5], high[:, 5] = -1.5, 1.5
    effect = model.decision_function(high) - model.decision_function(low)
    assert effect[0] > 1.5 and effect[1] < -1.5 and abs(effect[2]) < 1.0


def test_a_product_never_seen_is_scored_as_its_kind(fitted):
    model, X, _ = fitted
    row = X[:1].copy()
    row[0, :3] = [1, 0, 0]
    seen, unseen, other_unseen = row.copy(), row.copy(), row.copy()
    seen[0, 3], unseen[0, 3], other_unseen[0, 3] = 1, 12345, 67890
    assert model.decision_function(unseen)[0] == model.decision_function(other_unseen)[0]
    # Product 1 approves more than its kind, and the model learned it.
    assert model.decision_function(seen)[0] > model.decision_function(unseen)[0] + 0.5


def test_each_product_learns_the_amount_it_likes(fitted):
    model, X, _ = fitted
    rows = np.repeat(X[:1], 3, axis=0)
    rows[:, 4] = [0.0, 0.5, 1.0]
    middle_first = model.decision_function(rows)
    assert middle_first[1] > middle_first[0] and middle_first[1] > middle_first[2]


def test_the_tables_reproduce_the_regression_they_were_compiled_from(fitted):
    model, X, y = fitted
    design, layout = model._design(model._filled(X))
    scales = np.concatenate([np.full(width, scale) for _name, width, scale in layout])
    regression = LogisticRegression(C=model.C, max_iter=model.max_iter, tol=1e-6).fit(design @ sp.diags(scales), y)
    assert np.allclose(regression.decision_function(design @ sp.diags(scales)), model.decision_function(X), atol=1e-2)


def test_without_kinds_or_products_it_is_a_plain_additive_model():
    X, y = _market(1500, seed=1)
    plain = MatchRanker().fit(X[:, 5:], y)
    assert plain.n_kinds_ == 1 and len(plain.product_ids_) == 0
    assert plain.predict_proba(X[:5, 5:]).shape == (5, 2)
    with pytest.raises(ValueError, match="both approved and rejected"):
        MatchRanker().fit(X[:50, 5:], np.ones(50))
