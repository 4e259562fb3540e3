"""The learned ranker on a small seeded market: estimator contract, exact contributions, a product with no
history, calibration, the registry, reasons."""
import datetime as dt

import numpy as np
import pytest
import skops.io as sio
from sklearn.tree import DecisionTreeClassifier
from sklearn.utils.validation import NotFittedError

from matchmaker.ranking import engine, explain, registry, training
from matchmaker.ranking.features import FEATURES
from matchmaker.ranking.model import MatchRanker
from models import db
from seed import load_market
from tests.conftest import make_app

SMALL = dict(C=0.1)


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
    model = MatchRanker(C=0.7, kind_scale=0.3)
    assert model.get_params()["C"] == 0.7 and model.get_params()["kind_scale"] == 0.3
    assert not [name for name in vars(model) if name.endswith("_")]


def test_predicting_before_fit_is_refused():
    with pytest.raises(NotFittedError):
        MatchRanker().approval_probability(np.zeros((1, len(FEATURES))))


def test_fit_returns_self_and_learns_underscored_attributes(outcomes):
    X = outcomes.features()
    model = MatchRanker(**SMALL)
    assert model.fit(X, outcomes.label) is model
    assert model.n_features_in_ == len(FEATURES) and set(model.classes_) == {0, 1}


def test_training_needs_both_outcomes(outcomes):
    with pytest.raises(ValueError, match="both"):
        MatchRanker(**SMALL).fit(outcomes.features()[:50], np.ones(50))


def test_every_score_is_its_base_plus_what_each_feature_adds(fitted, outcomes):
    model, _, test_rows = fitted
    X = outcomes.features(test_rows)
    base, parts = model.contributions(X)
    assert np.allclose(base + parts.sum(axis=1), model.decision_function(X), atol=1e-9)
    assert np.allclose(1 / (1 + np.exp(-(base + parts.sum(axis=1)))), model.approval_probability(X))


def test_a_product_with_no_history_is_scored_from_its_kind(fitted, outcomes):
    model, train_rows, test_rows = fitted
    X = outcomes.features(test_rows[:50])
    column = FEATURES.index("product_id")
    known = set(outcomes.products.id[outcomes.product_row[train_rows]])
    assert set(X[:, column]) <= known | set(outcomes.products.id)
    new, newer = X.copy(), X.copy()
    new[:, column], newer[:, column] = 10**6 + 1, 10**6 + 2
    assert np.array_equal(model.decision_function(new), model.decision_function(newer))
    # What the product adds of its own is gone: the rest is what its kind and terms say.
    kind, product = model._kind(X), model._product(X)
    assert np.allclose(model.decision_function(X) - model.decision_function(new),
                       model.product_bias_[product] + (
                           (model.amount_[kind, product] - model.amount_[kind, -1])
                           * np.column_stack([np.clip(2 * X[:, FEATURES.index("amount_position")] - 1, -3, 3) ** p
                                              for p in (1, 2)])).sum(axis=1))


def test_a_missing_fact_is_scored_as_the_typical_applicants(fitted, outcomes):
    model, _, test_rows = fitted
    X = outcomes.features(test_rows[:20])
    column = FEATURES.index("rd_ratio")
    missing, typical = X.copy(), X.copy()
    missing[:, column] = np.nan
    typical[:, column] = model.reference_[column]
    assert np.array_equal(model.decision_function(missing), model.decision_function(typical))


def test_probabilities_are_calibrated_on_held_out_needs(fitted, outcomes):
    model, _, test_rows = fitted
    p = model.approval_probability(outcomes.features(test_rows))
    y = outcomes.label[test_rows]
    assert abs(p.mean() - y.mean()) < 0.08
    assert training.metrics.auc(y, p) > 0.7
    assert training.metrics.expected_calibration_error(y, p) < 0.08


def test_holdout_is_split_by_need_and_by_time(outcomes):
    train_rows, test_rows = training.holdout_split(outcomes)
    assert not set(outcomes.need_row[train_rows]) & set(outcomes.need_row[test_rows])
    assert outcomes.need_time[train_rows].max() <= outcomes.need_time[test_rows].min()
    assert len(test_rows) / len(outcomes) == pytest.approx(0.2, abs=0.08)


def test_registry_round_trip(fitted, outcomes):
    model, _, test_rows = fitted
    blob, digest = registry.dumps(model)
    loaded = registry.loads(blob, sha256=digest, sklearn_version=registry.sklearn.__version__,
                        features=FEATURES)
    X = outcomes.features(test_rows)
    assert np.array_equal(loaded.approval_probability(X), model.approval_probability(X))


def test_tampered_model_is_refused(fitted):
    blob, digest = registry.dumps(fitted[0])
    tampered = blob[:-10] + bytes(10)
    with pytest.raises(registry.UntrustedModel, match="SHA-256"):
        registry.loads(tampered, sha256=digest, sklearn_version=registry.sklearn.__version__,
                        features=FEATURES)


def test_version_mismatch_is_refused(fitted):
    blob, digest = registry.dumps(fitted[0])
    with pytest.raises(registry.UntrustedModel, match="scikit-learn 0.24"):
        registry.loads(blob, sha256=digest, sklearn_version="0.24.2", features=FEATURES)


def test_a_model_of_another_feature_set_is_refused(fitted):
    """A model stored by an older version of the ranker reads columns that moved: refused, never half-used."""
    blob, digest = registry.dumps(fitted[0])
    for features in (FEATURES[:-2], [*FEATURES, "extra"], [], None):
        with pytest.raises(registry.UntrustedModel, match="another set of features"):
            registry.loads(blob, sha256=digest, sklearn_version=registry.sklearn.__version__, features=features)


def test_types_outside_the_allow_list_are_refused(outcomes):
    other = DecisionTreeClassifier(max_depth=2).fit(outcomes.features()[:200], outcomes.label[:200])
    blob = sio.dumps(other)
    import hashlib

    with pytest.raises(registry.UntrustedModel, match="allow-list"):
        registry.loads(blob, sha256=hashlib.sha256(blob).hexdigest(), sklearn_version=registry.sklearn.__version__,
                        features=FEATURES)


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
    deltas = explain.additive_contributions(model, X)
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
    assert result["oracle"]["oracle_ndcg_at_5"] == pytest.approx(1.0)
    assert result["model"]["oracle_ndcg_at_5"] > result["random"]["oracle_ndcg_at_5"] + 0.05
    assert result["model"]["auc"] > result["random"]["auc"]


def test_each_card_says_what_sets_the_product_apart_for_this_firm(fitted, outcomes):
    model, _, test_rows = fitted
    scorer = engine.Scorer(model=model, version="test")
    block = engine.eligibility.check(outcomes.needs, outcomes.products, None)
    need = int(np.argmax(block.eligible.sum(axis=1)))
    matches = engine.rank_products(scorer, outcomes.needs, need, outcomes.products, limit=20,
                                   include_ineligible=False)
    said = [tuple(m.reasons[1:]) for m in matches]
    assert any(said) and len(set(said)) > 1  # not the firm's same strengths on every card
    for sentences in said:
        for sentence in sentences:
            assert sentence.endswith("个百分点") and ("+" in sentence or "-" in sentence)
    # Measured against the average of the products the firm qualifies for.
    X = outcomes.pair_matrix(np.full(len(outcomes.products), need), np.arange(len(outcomes.products)))
    eligible = block.eligible[need]
    scores = scorer.score(X)
    centre = scorer.contributions(X[eligible], scores[eligible]).mean(axis=0)
    top = matches[0].product_row
    expected = explain.reasons(X[[top]], scorer.contributions(X[[top]], scores[[top]]) - centre, relative=True)[0]
    assert matches[0].reasons[1:] == expected
