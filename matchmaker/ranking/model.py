"""The ranker: boosted decision stumps estimating P(approved), calibrated on held-out folds.

Stumps (trees of one split) add up to an additive model: each feature moves the log-odds through
its own step function, which is what makes every score explainable feature by feature. Fitting
uses scikit-learn's HistGradientBoostingClassifier (with monotonic constraints) and
CalibratedClassifierCV(FrozenEstimator(...)); scoring reads the fitted stumps as one sorted table
per feature, so a thousand trees cost a few binary searches instead of a thousand tree walks. A test
checks that the tables reproduce scikit-learn's own predict_proba.

It follows scikit-learn's estimator contract: ``__init__`` only stores parameters, learned
attributes end in ``_``, ``fit`` returns ``self``, predicting checks that it was fitted.
"""
from __future__ import annotations

import numpy as np
from scipy.special import expit
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.calibration import CalibratedClassifierCV
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.frozen import FrozenEstimator
from sklearn.model_selection import GroupKFold, StratifiedKFold
from sklearn.utils.validation import check_is_fitted, check_X_y, validate_data


class MatchRanker(ClassifierMixin, BaseEstimator):
    """P(approved) for (need, product) pairs.

    The rows are cut into ``n_folds`` folds (whole groups, i.e. needs, when ``groups`` is given to
    ``fit``). For each fold a booster learns from the other folds and is calibrated on that held-out
    fold with ``CalibratedClassifierCV(FrozenEstimator(booster))``; the score averages the folds'
    calibrated log-odds. Averaging steadies what one booster learns from a few thousand outcomes.
    ``monotonic_cst``: one of -1, 0, 1 per feature (a better rating never lowers the score…).
    """

    def __init__(self, *, n_folds=5, max_iter=2000, learning_rate=0.05, min_samples_leaf=20,
                 l2_regularization=1.0, monotonic_cst=None, calibration_method="sigmoid", random_state=0):
        self.n_folds = n_folds
        self.max_iter = max_iter
        self.learning_rate = learning_rate
        self.min_samples_leaf = min_samples_leaf
        self.l2_regularization = l2_regularization
        self.monotonic_cst = monotonic_cst
        self.calibration_method = calibration_method
        self.random_state = random_state

    def fit(self, X, y, groups=None):
        X, y = check_X_y(X, y, dtype=np.float64, ensure_all_finite="allow-nan")
        validate_data(self, X, reset=True, skip_check_array=True)
        self.classes_ = np.unique(y)
        if len(self.classes_) != 2:
            raise ValueError("training needs both approved and rejected outcomes")
        if groups is not None:
            folds = GroupKFold(n_splits=self.n_folds).split(X, y, groups)
        else:
            folds = StratifiedKFold(n_splits=self.n_folds, shuffle=True, random_state=self.random_state).split(X, y)
        self.folds_ = []
        for fit_rows, calibration_rows in folds:
            booster = HistGradientBoostingClassifier(
                max_leaf_nodes=2, max_iter=self.max_iter, learning_rate=self.learning_rate,
                min_samples_leaf=self.min_samples_leaf, l2_regularization=self.l2_regularization,
                monotonic_cst=self.monotonic_cst, early_stopping=False, random_state=self.random_state,
            ).fit(X[fit_rows], y[fit_rows])
            calibrated = CalibratedClassifierCV(FrozenEstimator(booster), method=self.calibration_method)
            self.folds_.append(calibrated.fit(X[calibration_rows], y[calibration_rows]))
        self._compile()
        # The typical applicant, against whom explanations measure a feature's effect.
        self.reference_ = np.nanmedian(X, axis=0)
        return self

    def _compile(self) -> None:
        """One sorted table per feature, so calibrated log-odds = base + Σ_f step_f(x_f).

        A stump adds ``left`` where x ≤ threshold and ``right`` elsewhere; a fold's sigmoid
        calibration maps raw log-odds r to −(a·r + b); the folds are averaged. All three steps are
        linear in the stumps' values, so the whole model folds into per-feature steps.
        """
        stumps: dict[int, list[tuple[float, float, float]]] = {}
        missing = np.zeros(self.n_features_in_)  # what a missing value adds, per feature
        base = 0.0
        weight = 1.0 / len(self.folds_)
        for calibrated in self.folds_:
            booster = calibrated.estimator.estimator
            (calibrator,) = calibrated.calibrated_classifiers_[0].calibrators
            scale = -float(calibrator.a_) * weight
            base += weight * -float(calibrator.b_) + scale * float(np.ravel(booster._baseline_prediction)[0])
            for (predictor,) in booster._predictors:
                nodes = predictor.nodes
                root = nodes[0]
                if root["is_leaf"]:
                    base += scale * float(root["value"])
                    continue
                left, right = nodes[root["left"]], nodes[root["right"]]
                feature = int(root["feature_idx"])
                stumps.setdefault(feature, []).append(
                    (float(root["num_threshold"]), scale * float(left["value"]), scale * float(right["value"])))
                missing[feature] += scale * float((left if root["missing_go_to_left"] else right)["value"])
        self.thresholds_, self.steps_ = [], []
        for feature in range(self.n_features_in_):
            entries = sorted(stumps.get(feature, []))
            jumps = np.array([left - right for _t, left, right in entries])
            all_right = float(sum(right for _t, _l, right in entries))
            base += all_right
            missing[feature] -= all_right  # kept relative to the base, like the steps
            self.thresholds_.append(np.array([t for t, _l, _r in entries]))
            # steps[k] = Σ_{m ≥ k} (left_m − right_m): what x ≤ thresholds[m] for every m ≥ k adds.
            self.steps_.append(np.concatenate([np.cumsum(jumps[::-1])[::-1], [0.0]]) if len(jumps) else
                               np.zeros(1))
        self.base_log_odds_ = base
        self.missing_steps_ = missing
        # Features no stump ever split on add nothing and are skipped when scoring.
        self.used_features_ = np.array([f for f in range(self.n_features_in_) if len(self.thresholds_[f])],
                                       dtype=int)

    def feature_log_odds(self, X) -> np.ndarray:
        """Each feature's share of the calibrated log-odds per row (rows × features)."""
        check_is_fitted(self, "steps_")
        X = np.asarray(X, dtype=np.float64)
        if X.ndim != 2 or X.shape[1] != self.n_features_in_:
            raise ValueError(f"expected {self.n_features_in_} features, got {X.shape}")
        out = np.zeros_like(X)
        for f in self.used_features_:
            out[:, f] = self.steps_[f][self.thresholds_[f].searchsorted(X[:, f], side="left")]
        absent = np.isnan(X)
        if absent.any():
            # NaN sorts after every threshold, so searchsorted alone would treat it as "above all".
            rows, columns = np.nonzero(absent)
            out[rows, columns] = self.missing_steps_[columns]
        return out

    def decision_function(self, X) -> np.ndarray:
        """Calibrated log-odds of approval (summed feature by feature, no rows × features matrix)."""
        check_is_fitted(self, "base_log_odds_")
        X = np.asarray(X, dtype=np.float64)
        if X.ndim != 2 or X.shape[1] != self.n_features_in_:
            raise ValueError(f"expected {self.n_features_in_} features, got {X.shape}")
        total = np.full(len(X), self.base_log_odds_)
        for f in self.used_features_:
            column = X[:, f]
            total += self.steps_[f][self.thresholds_[f].searchsorted(column, side="left")]
        absent = np.isnan(X)
        if absent.any():
            rows, columns = np.nonzero(absent)
            steps = np.array([self.steps_[f][self.thresholds_[f].searchsorted(np.nan)] for f in columns])
            np.add.at(total, rows, self.missing_steps_[columns] - steps)
        return total

    def compact(self) -> MatchRanker:
        """A copy without the fitted folds: once compiled, the per-feature tables are the whole model,
        and they are what the registry stores (small, quick to verify and to load)."""
        check_is_fitted(self, "steps_")
        lean = clone(self)
        for name, value in vars(self).items():
            if name.endswith("_") and name != "folds_":
                setattr(lean, name, value)
        return lean

    def approval_probability(self, X) -> np.ndarray:
        return expit(self.decision_function(X))

    def predict_proba(self, X):
        p = self.approval_probability(X)
        return np.column_stack([1 - p, p])

    def predict(self, X):
        return self.classes_[(self.approval_probability(X) >= 0.5).astype(int)]
