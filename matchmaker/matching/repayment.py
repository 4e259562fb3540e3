"""The ranker learns repayment too: a default-risk model fitted beside the approval ranker on the loans that have
run long enough (DEFAULT_RISK_MIN_MONTHS), judged on the latest fifth of them held out, and its predictions set
against what happened, by grade, out of fold (each loan predicted by a model that never saw it). Officers' leads
carry each need's default probability and expected loss (probability × amount × the share the bank would bear:
all of it, or what the risk-compensation fund leaves on a loan it would cover)."""
from __future__ import annotations

import datetime as dt

import numpy as np
from flask import current_app
from sklearn.metrics import brier_score_loss, roc_auc_score
from sklearn.model_selection import StratifiedKFold

from ..loans import cover
from ..ranking.default_risk import DefaultRisk, loan_features
from ..ranking.frames import Needs, Products
from ..wording import N_
from . import data

HOLDOUT_FRACTION = 0.2
FOLDS = 5


def _months_before(day: dt.date, months: int) -> dt.date:
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    return dt.date(year, month + 1, min(day.day, 28))


def fit(*, today: dt.date) -> tuple[DefaultRisk | None, dict]:
    """(model fitted on every loan that ran long enough, its figures), or (None, why not)."""
    config = current_app.config
    loans = data.loan_outcomes(lent_before=_months_before(today, config["DEFAULT_RISK_MIN_MONTHS"]))
    n, bad = len(loans.bad), int(loans.bad.sum())
    if n < config["DEFAULT_RISK_MIN_LOANS"] or bad < config["DEFAULT_RISK_MIN_DEFAULTS"] or bad == n:
        return None, {"loans": n, "defaults": bad, "reason": N_(
            "运行满 %(months)s 个月的贷款 %(count)s 笔、违约 %(value)s 笔，不足以学习违约风险",
            months=config["DEFAULT_RISK_MIN_MONTHS"], count=n, value=bad)}
    X = loan_features(loans.needs, loans.products, loans.need_row, loans.product_row, amount=loans.amount,
                      term=loans.term, rate=loans.rate)
    y = loans.bad
    order = np.argsort(loans.disbursed, kind="stable")
    cut = int(round(n * (1 - HOLDOUT_FRACTION)))
    train, test = order[:cut], order[cut:]
    metrics = {"loans": n, "defaults": bad, "base_rate": round(bad / n, 6), "holdout_loans": int(len(test))}
    if len(np.unique(y[train])) == 2 and len(np.unique(y[test])) == 2:
        held = DefaultRisk().fit(X[train], y[train]).default_probability(X[test])
        metrics.update(auc=round(float(roc_auc_score(y[test], held)), 4),
                       brier=round(float(brier_score_loss(y[test], held)), 6),
                       brier_base_rate=round(float(brier_score_loss(y[test], np.full(len(test), y[train].mean()))), 6))
    metrics["by_grade"] = by_grade(X, y, loans.grade)
    return DefaultRisk().fit(X, y), metrics


def by_grade(X: np.ndarray, y: np.ndarray, grades: list) -> list[dict]:
    """Predicted against actual default per grade (未评级 for firms without one), out of fold."""
    predicted = np.zeros(len(y))
    folds = StratifiedKFold(n_splits=min(FOLDS, int(y.sum()), int(len(y) - y.sum())), shuffle=True, random_state=0)
    for fit_rows, predict_rows in folds.split(X, y):
        predicted[predict_rows] = DefaultRisk().fit(X[fit_rows], y[fit_rows]).default_probability(X[predict_rows])
    out = []
    for grade in ["A", "B", "C", "D", "E", None]:
        rows = np.array([g == grade if grade else not isinstance(g, str) for g in grades], dtype=bool)
        if rows.any():
            out.append({"grade": grade, "loans": int(rows.sum()), "predicted": round(float(predicted[rows].mean()), 4),
                        "actual": round(float(y[rows].mean()), 4)})
    return out


def loss_share(*, kind: str, institution_id: int) -> float:
    """What the bank bears of a loss on a loan made today: all of it, or what the fund leaves when it would cover
    the loan (its kind, and the institution's fuse not tripped)."""
    covered = cover.covers(kind=kind, institution_id=institution_id)
    return 1 - current_app.config["RISK_FUND_COVER_PCT"] / 100 if covered else 1.0


def for_leads(model: DefaultRisk | None, needs: Needs, products: Products, i: np.ndarray, j: np.ndarray) -> list[dict]:
    """Per lead (need row i, product row j, on the need's amount and term at the product's lowest rate): default
    probability and expected loss in yuan; None without a model."""
    if model is None or len(i) == 0:
        return [{"default_probability": None, "expected_loss_cny": None} for _ in i]
    amount = needs.amount[i]
    X = loan_features(needs, products, i, j, amount=amount, term=needs.term[i], rate=products.rate_min[j])
    p = model.default_probability(X)
    share_of = {k: loss_share(kind=products.kind_code[k], institution_id=int(products.frame["institution_id"].iloc[k]))
                for k in set(j.tolist())}
    shares = np.array([share_of[k] for k in j])
    return [{"default_probability": round(float(pk), 4), "expected_loss_cny": int(round(pk * a * s))}
            for pk, a, s in zip(p, amount, shares)]
