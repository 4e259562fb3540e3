"""The ranker learns repayment too (issue 17, point 4): the default-risk estimator keeps scikit-learn's contract,
learns laws it was not written for and nothing from noise, is stored and refused like the ranker, and, trained
on a seeded market's loans, puts a default probability and an expected loss beside each lead, which officers
can order by; the bureau's figures set predicted against actual default by grade."""
from __future__ import annotations

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.metrics import roc_auc_score

from matchmaker.matching import repayment, scorer, services
from matchmaker.ranking import registry
from matchmaker.ranking.default_risk import FEATURES, DefaultRisk
from models import RankerModel, db
from seed import load_market
from tests.test_matching import AS_OF
from tests.test_risk_fund import bureau, lend, overdue  # noqa: F401  (fixtures and steps shared)


def world(law, n=4_000, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, len(FEATURES)))
    return X, (rng.random(n) < law(X)).astype(int)


def held_out_auc(X, y) -> float:
    cut = len(y) * 3 // 4
    return roc_auc_score(y[cut:], DefaultRisk().fit(X[:cut], y[:cut]).default_probability(X[cut:]))


def test_the_estimator_keeps_the_contract():
    model = DefaultRisk(C=0.5)
    assert model.get_params() == {"C": 0.5} and not any(k.endswith("_") for k in vars(model))
    with pytest.raises(NotFittedError):
        model.default_probability(np.zeros((1, len(FEATURES))))
    X, y = world(lambda X: 1 / (1 + np.exp(-(X[:, 0] - 3))))
    assert model.fit(X, y) is model
    learned = {k for k in vars(model) if k.endswith("_")}
    assert {"coef_", "intercept_", "mean_", "scale_", "cuts_", "cut_counts_", "classes_", "n_features_in_"} <= learned
    p = model.predict_proba(X)
    assert p.shape == (len(y), 2) and np.allclose(p.sum(axis=1), 1) and ((0 < p) & (p < 1)).all()
    assert clone(model).get_params() == model.get_params()


@pytest.mark.parametrize("name, law", [
    # Laws the features were not written for: a threshold, a product of two facts, a U-shape.
    ("threshold", lambda X: np.where(X[:, 1] > 1.0, 0.25, 0.02)),
    ("interaction", lambda X: 1 / (1 + np.exp(-(1.5 * X[:, 2] * (X[:, 9] > 0) - 3)))),
    ("u_shape", lambda X: 1 / (1 + np.exp(-(0.8 * X[:, 11] ** 2 + 0.8 * X[:, 5] - 4)))),
])
def test_it_learns_laws_it_was_not_shaped_for(name, law):
    X, y = world(law)
    assert 0.02 < y.mean() < 0.3
    assert held_out_auc(X, y) > 0.6, name


def test_it_learns_nothing_from_noise():
    X, y = world(lambda X: np.full(len(X), 0.05))
    assert 0.4 < held_out_auc(X, y) < 0.6


def test_the_registry_stores_and_refuses_it_like_the_ranker():
    X, y = world(lambda X: 1 / (1 + np.exp(-(X[:, 0] - 3))))
    model = DefaultRisk().fit(X, y)
    blob, digest = registry.dumps_default(model)
    import sklearn
    back = registry.loads_default(blob, sha256=digest, sklearn_version=sklearn.__version__, features=list(FEATURES))
    assert np.allclose(back.default_probability(X[:50]), model.default_probability(X[:50]))
    for bad in ({"sha256": "0" * 64}, {"features": FEATURES[:-1]}, {"sklearn_version": "0.1"}):
        arguments = {"sha256": digest, "sklearn_version": sklearn.__version__, "features": list(FEATURES), **bad}
        with pytest.raises(registry.UntrustedModel):
            registry.loads_default(blob, **arguments)


@pytest.fixture
def lending_market(app, other_app):
    with app.app_context():
        load_market(enterprises=700, seed=5, progress=False, as_of=AS_OF)
    return other_app(DEFAULT_RISK_MIN_LOANS=50, DEFAULT_RISK_MIN_DEFAULTS=3)


def test_trained_on_the_loans_it_orders_leads_by_expected_loss(lending_market):
    with lending_market.app_context():
        scorer.forget()
        result = services.train()
        db.session.commit()
        risk = result["default_metrics"]
        assert {"loans", "defaults", "base_rate", "holdout_loans", "auc", "brier", "brier_base_rate", "by_grade"} <= set(risk)
        assert risk["defaults"] >= 3 and risk["base_rate"] == round(risk["defaults"] / risk["loans"], 6)
        assert sum(g["loans"] for g in risk["by_grade"]) == risk["loans"]  # every loan in one grade row
        assert all(0 <= g["predicted"] <= 1 and 0 <= g["actual"] <= 1 for g in risk["by_grade"])
        row = db.session.scalar(db.select(RankerModel).where(RankerModel.version == result["model_version"]))
        assert row.default_blob and row.default_features == list(FEATURES)
        scorer.forget()
        assert scorer.for_version(row.version).default is not None
        by_fit = services.needs_for_product(product_id=1, limit=200, today=AS_OF)
        by_loss = services.needs_for_product(product_id=1, limit=200, order="expected_loss", today=AS_OF)
        assert by_fit["items"] and {i["need_id"] for i in by_fit["items"]} == {i["need_id"] for i in by_loss["items"]}
        losses = [i["expected_loss_cny"] for i in by_loss["items"]]
        assert losses == sorted(losses) and by_loss["order"] == "expected_loss"
        from models import Product
        product = db.session.get(Product, 1)
        share = repayment.loss_share(kind=product.kind.value, institution_id=product.institution_id)
        assert share == (0.2 if product.kind.value in lending_market.config["RISK_FUND_KINDS"] else 1.0)
        for item in by_fit["items"]:
            assert 0 < item["default_probability"] < 1
            # the probability is shown to four places; the loss was computed before rounding
            assert abs(item["expected_loss_cny"] - item["default_probability"] * item["amount_cny"] * share) <= (
                0.00005 * item["amount_cny"] * share + 1)
        with pytest.raises(Exception) as refused:
            services.needs_for_product(product_id=1, order="cheapest")
        assert getattr(refused.value, "fields", {}).get("order")
        scorer.forget()


def test_the_bank_bears_a_fifth_of_a_covered_loss_and_all_of_it_once_its_fuse_trips(client, bureau, app):  # noqa: F811
    from matchmaker.loans import services as loans

    made = lend(client, bureau)  # a covered knowledge-value loan of 100 万
    with app.app_context():
        assert repayment.loss_share(kind="knowledge_value", institution_id=made["institution_id"]) == pytest.approx(0.2)
        assert repayment.loss_share(kind="credit_loan", institution_id=made["institution_id"]) == 1.0
    overdue(client, bureau, made, 1_000_000)
    claim = client.post(f"/api/v1/loans/{made['id']}/compensation-claims", headers=bureau["bank"],
                        json={"loss_cny": 1_000_000}).json
    client.post("/api/v1/admin/risk-fund/contributions", headers=bureau["admin"],
                json={"city_cny": 400_000, "district_cny": 600_000, "received_on": loans.today().isoformat()})
    assert client.post(f"/api/v1/admin/compensation-claims/{claim['id']}/decision", headers=bureau["admin"],
                       json={"decision": "approve"}).status_code == 200  # a loss rate of 100 %: the fuse trips
    with app.app_context():
        assert repayment.loss_share(kind="knowledge_value", institution_id=made["institution_id"]) == 1.0


def test_too_few_loans_train_no_default_model_and_say_why(app):
    with app.app_context():
        load_market(enterprises=700, seed=5, progress=False, as_of=AS_OF)
        scorer.forget()
        result = services.train()
        db.session.commit()
        assert set(result["default_metrics"]) == {"loans", "defaults", "reason"}
        assert "不足以学习违约风险" in result["default_metrics"]["reason"]
        scorer.forget()
        leads = services.needs_for_product(product_id=1, limit=20, order="expected_loss", today=AS_OF)
        assert all(i["default_probability"] is None and i["expected_loss_cny"] is None for i in leads["items"])
        scorer.forget()
