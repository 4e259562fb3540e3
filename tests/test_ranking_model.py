"""The learned ranker: estimator contract, monotonicity, compiled scoring, the registry, reasons."""
import datetime as dt

import numpy as np
import pytest
import skops.io as sio
from scipy.special import expit, logit
from sklearn.tree import DecisionTreeClassifier
from sklearn.utils.validation import NotFittedError

from matchmaker.ranking import engine, explain, registry, training
from matchmaker.ranking.features import FEATURES, MONOTONIC
from matchmaker.ranking.model import MatchRanker
from models import db
from seed import load_market
from tests.conftest import make_app

SMALL = dict(max_iter=300, learning_rate=0.1)


@pytest.fixture(scope="module")
def outcomes(migrated):
    """Decided applications of a small seeded market, loaded once into memory."""
    from matchmaker.matching import data
    from tests.conftest import _empty_tables

    app = make_app(migrated)
    with app.app_context():
        load_market(enterprises=700, seed=5, progress=False, as_of=dt.date(2026, 11, 1))
        loaded = data.outcomes()
        db.session.remove()  # end the read transaction: TRUNCATE on PostgreSQL would wait for it
        _empty_tables()
        db.engine.dispose()
    return loaded


@pytest.fixture(scope="module")
def fitted(outcomes):
    train_rows, test_rows = training.holdout_split(outcomes)
    return training.fit(outcomes, train_rows, **SMALL), train_rows, test_rows


def test_init_only_stores_parameters():
    model = MatchRanker(max_iter=7, learning_rate=0.3)
    assert model.get_params()["max_iter"] == 7
    assert not [name for name in vars(model) if name.endswith("_")]


def test_predicting_before_fit_is_refused():
    with pytest.raises(NotFittedError):
        MatchRanker().approval_probability(np.zeros((1, len(FEATURES))))


def test_fit_returns_self_and_learns_underscored_attributes(outcomes):
    X = outcomes.features()
    model = MatchRanker(**SMALL)
    assert model.fit(X, outcomes.label, groups=outcomes.need_row) is model
    assert model.n_features_in_ == len(FEATURES) and len(model.folds_) == 5
    assert set(model.classes_) == {0, 1}


def test_training_needs_both_outcomes(outcomes):
    with pytest.raises(ValueError, match="both"):
        MatchRanker(**SMALL).fit(outcomes.features()[:50], np.ones(50))


def test_compiled_tables_reproduce_scikit_learn(fitted, outcomes):
    model, _, test_rows = fitted
    X = outcomes.features(test_rows)
    # The folds' own calibrated probabilities, averaged in log-odds as the model documents.
    reference = expit(np.mean([logit(fold.predict_proba(X)[:, 1]) for fold in model.folds_], axis=0))
    assert np.allclose(model.approval_probability(X), reference, atol=1e-9)


@pytest.mark.parametrize("feature, sign", sorted(MONOTONIC.items()))
def test_monotonic_where_the_domain_is_clear(fitted, outcomes, feature, sign):
    model, _, test_rows = fitted
    X = outcomes.features(test_rows)
    column = FEATURES.index(feature)
    for step in (0.5, 1.0, 3.0):
        better = X.copy()
        better[:, column] += step * sign
        assert np.all(model.approval_probability(better) >= model.approval_probability(X) - 1e-12)


def test_probabilities_are_calibrated_on_held_out_needs(fitted, outcomes):
    model, _, test_rows = fitted
    p = model.approval_probability(outcomes.features(test_rows))
    y = outcomes.label[test_rows]
    assert abs(p.mean() - y.mean()) < 0.08
    assert training.metrics.auc(y, p) > 0.7


def test_holdout_is_split_by_need_and_by_time(outcomes):
    train_rows, test_rows = training.holdout_split(outcomes)
    assert not set(outcomes.need_row[train_rows]) & set(outcomes.need_row[test_rows])
    assert outcomes.need_time[train_rows].max() <= outcomes.need_time[test_rows].min()
    assert len(test_rows) / len(outcomes) == pytest.approx(0.2, abs=0.08)


def test_track_record_counts_only_earlier_decisions(outcomes):
    j = outcomes.product_row[:200]
    t = outcomes.need_time[:200]
    _approved, _expected, decided = outcomes.track_at(j, t)
    for k in range(0, 200, 17):
        earlier = (outcomes.product_row == j[k]) & (outcomes.decided_at < t[k])
        assert decided[k] == earlier.sum()


def test_registry_round_trip(fitted, outcomes):
    model, _, test_rows = fitted
    blob, digest = registry.dumps(model)
    loaded = registry.loads(blob, sha256=digest, sklearn_version=registry.sklearn.__version__)
    X = outcomes.features(test_rows)
    assert np.array_equal(loaded.approval_probability(X), model.approval_probability(X))


def test_tampered_model_is_refused(fitted):
    blob, digest = registry.dumps(fitted[0])
    tampered = blob[:-10] + bytes(10)
    with pytest.raises(registry.UntrustedModel, match="SHA-256"):
        registry.loads(tampered, sha256=digest, sklearn_version=registry.sklearn.__version__)


def test_version_mismatch_is_refused(fitted):
    blob, digest = registry.dumps(fitted[0])
    with pytest.raises(registry.UntrustedModel, match="scikit-learn 0.24"):
        registry.loads(blob, sha256=digest, sklearn_version="0.24.2")


def test_types_outside_the_allow_list_are_refused(outcomes):
    other = DecisionTreeClassifier(max_depth=2).fit(outcomes.features()[:200], outcomes.label[:200])
    blob = sio.dumps(other)
    import hashlib

    with pytest.raises(registry.UntrustedModel, match="allow-list"):
        registry.loads(blob, sha256=hashlib.sha256(blob).hexdigest(), sklearn_version=registry.sklearn.__version__)


def test_every_ranked_item_has_reasons(fitted, outcomes):
    model, _, test_rows = fitted
    scorer = engine.Scorer(model=model, version="test")
    need_row = int(outcomes.need_row[test_rows[0]])
    matches = engine.rank_products(scorer, outcomes.needs, need_row, outcomes.products, limit=135)
    assert len(matches) == len(outcomes.products)
    assert all(m.reasons for m in matches)
    eligible = [m.eligible for m in matches]
    assert eligible == sorted(eligible, reverse=True)  # eligible first
    for group in (True, False):
        scores = [m.score for m in matches if m.eligible is group]
        assert scores == sorted(scores, reverse=True)  # each group best first
    assert all(m.reasons[0] == "符合该产品全部准入条件" for m in matches if m.eligible)


def test_reasons_name_what_helps_and_what_hurts(fitted, outcomes):
    model, _, test_rows = fitted
    X = outcomes.features(test_rows[:300])
    deltas = explain.contributions(model.approval_probability, X, model.reference_)
    sentences = [s for row in explain.reasons(X, deltas) for s in row]
    assert any("信用评级" in s for s in sentences)
    assert all(isinstance(s, str) and s for s in sentences)


def test_both_directions_use_the_same_scores(fitted, outcomes):
    model, _, _ = fitted
    scorer = engine.Scorer(model=model, version="test")
    scores, eligible = engine.score_block(scorer, outcomes.needs, outcomes.products)
    need = int(np.argmax(eligible.sum(axis=1)))
    for match in engine.rank_products(scorer, outcomes.needs, need, outcomes.products, limit=5):
        assert match.score == pytest.approx(scores[need, match.product_row])
    product = int(np.argmax(eligible.sum(axis=0)))
    for match in engine.rank_needs(scorer, outcomes.needs, outcomes.products, product, limit=5):
        assert match.eligible and match.score == pytest.approx(scores[match.need_row, product])


def test_model_beats_random_and_rules_on_the_synthetic_truth(fitted, outcomes, migrated):
    """On a seeded market the truth is known: the model must order products better than chance."""
    from seed.truth import approval_truth

    model, _, test_rows = fitted
    truth_ids = approval_truth(seed=5, enterprises=700, as_of=dt.date(2026, 11, 1))
    truth = lambda i, j: truth_ids(outcomes.needs.id[i], outcomes.products.id[j])  # noqa: E731
    result = training.evaluate(outcomes, test_rows, {"model": model.approval_probability}, truth=truth)
    assert result["oracle"]["ndcg_at_5"] == pytest.approx(1.0)
    assert result["model"]["ndcg_at_5"] > result["random"]["ndcg_at_5"] + 0.05
    assert result["model"]["auc"] > result["random"]["auc"]


def test_missing_values_are_scored_as_scikit_learn_scores_them():
    rng = np.random.default_rng(3)
    X = rng.normal(size=(600, 4))
    y = (X[:, 0] + 0.5 * X[:, 1] + rng.normal(size=600) > 0).astype(int)
    X[rng.random(X.shape) < 0.15] = np.nan
    model = MatchRanker(max_iter=100, learning_rate=0.1).fit(X, y)
    reference = expit(np.mean([logit(fold.predict_proba(X)[:, 1]) for fold in model.folds_], axis=0))
    assert np.allclose(model.approval_probability(X), reference, atol=1e-9)
    assert np.allclose(model.feature_log_odds(X).sum(axis=1) + model.base_log_odds_, model.decision_function(X))
