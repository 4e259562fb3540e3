"""The ranker: an additive model of approval whose shapes depend on the product's kind.

    log-odds = b + Σ_f (s_f(x_f) + s_{f,kind}(x_f)) + a_kind + a_product
               + (c_1 + c_{1,kind} + c_{1,product})·d + (c_2 + c_{2,kind} + c_{2,product})·d²

``s`` are step functions plus a straight line of each firm and need fact (one for the market, one
departure per product kind), ``a`` the kind's and the product's own appetite, and ``d`` where the
request sits in the product's amount range, so every product learns the amount it likes best. It is
one L2-penalised logistic regression over that basis (``additive``); the penalties are the shrinkage: a
product's terms towards its kind's, a kind's towards the market's. Once fitted, the model is a few
lookup tables, so scoring a pair costs one binary search per feature, and every score splits exactly
into what each feature adds (``contributions``). Without kind or product columns (any other table of
facts) it is a plain additive model.

It follows scikit-learn's estimator contract: ``__init__`` only stores parameters, learned attributes
end in ``_``, ``fit`` returns ``self``, predicting checks that it was fitted.
"""
from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from scipy.special import expit
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.linear_model import LogisticRegression
from sklearn.utils.validation import check_is_fitted, check_X_y, validate_data

from .additive import amount_terms, cuts_for, per_group, thermometer


class MatchRanker(ClassifierMixin, BaseEstimator):
    """P(approved) for (need, product) pairs, or for any rows of numeric facts.

    ``kind_columns``: the indices of the product kind's one-hot columns; ``product_column``: the
    product's id; ``position_column``: where the amount sits in the product's range (0 at its
    minimum, 1 at its maximum, log scale); ``interacting``: the features whose shape may differ by
    kind; ``ignored``: features it leaves out. ``C`` is the inverse strength of the L2 penalty; ``kind_scale``, ``product_scale`` and
    ``amount_scale`` scale the per-kind, per-product and per-product amount columns, so their
    penalty is that many times stronger (divided by the square of the scale).
    """

    def __init__(self, *, kind_columns=(), product_column=None, position_column=None, interacting=(),
                 ignored=(), n_bins=8, C=0.1, kind_scale=0.6, product_scale=0.8, amount_scale=0.5,
                 max_iter=3000):
        self.kind_columns = kind_columns
        self.product_column = product_column
        self.position_column = position_column
        self.interacting = interacting
        self.ignored = ignored
        self.n_bins = n_bins
        self.C = C
        self.kind_scale = kind_scale
        self.product_scale = product_scale
        self.amount_scale = amount_scale
        self.max_iter = max_iter

    # ------------------------------------------------------------------ fitting

    def fit(self, X, y):
        X, y = check_X_y(X, y, dtype=np.float64, ensure_all_finite="allow-nan")
        validate_data(self, X, reset=True, skip_check_array=True)
        self.classes_ = np.unique(y)
        if len(self.classes_) != 2:
            raise ValueError("training needs both approved and rejected outcomes")
        y = (y == self.classes_[1]).astype(int)
        special = {*self.kind_columns, *([self.product_column] if self.product_column is not None else []),
                   *([self.position_column] if self.position_column is not None else []), *self.ignored}
        self.shaped_ = np.array([f for f in range(X.shape[1]) if f not in special], dtype=int)
        self.fill_ = np.array([np.nanmedian(X[:, f]) if np.isfinite(X[:, f]).any() else 0.0
                               for f in range(X.shape[1])])
        X = self._filled(X)
        self.n_kinds_ = max(len(self.kind_columns), 1)
        self.product_ids_ = (np.unique(X[:, self.product_column]) if self.product_column is not None
                             else np.zeros(0))
        self.cuts_ = [cuts_for(X[:, f], self.n_bins) for f in range(X.shape[1])]
        spread = X.std(axis=0)
        self.spread_ = np.where(spread > 0, spread, 1.0)
        design, layout = self._design(X)
        scales = np.concatenate([np.full(width, scale) for _name, width, scale in layout])
        solver = LogisticRegression(C=self.C, max_iter=self.max_iter, tol=1e-6)
        solver.fit(design @ sp.diags(scales), y)
        self._compile(solver.intercept_[0], solver.coef_[0] * scales, layout)
        return self

    def _filled(self, X: np.ndarray) -> np.ndarray:
        missing = np.isnan(X)
        if missing.any():
            X = np.where(missing, self.fill_[None, :], X)
        return X

    def _kind(self, X: np.ndarray) -> np.ndarray:
        if not len(self.kind_columns):
            return np.zeros(len(X), dtype=int)
        return np.argmax(X[:, list(self.kind_columns)], axis=1)

    def _product(self, X: np.ndarray) -> np.ndarray:
        """Each row's product among those seen in training; len(product_ids_) for one never seen."""
        if self.product_column is None or not len(self.product_ids_):
            return np.zeros(len(X), dtype=int)
        ids = X[:, self.product_column]
        at = np.minimum(np.searchsorted(self.product_ids_, ids), len(self.product_ids_) - 1)
        return np.where(self.product_ids_[at] == ids, at, len(self.product_ids_))

    def _design(self, X: np.ndarray):
        kind, product = self._kind(X), self._product(X)
        n_products = len(self.product_ids_)
        blocks, layout = [], []
        interacting = set(self.interacting)
        for f in self.shaped_:
            steps = thermometer(X[:, f], self.cuts_[f])
            if not steps.shape[1]:
                continue
            # A straight line beside the steps: a steady effect is told by one weight, not by many steps.
            line = ((X[:, f] - self.fill_[f]) / self.spread_[f])[:, None]
            blocks += [sp.csr_matrix(line), sp.csr_matrix(steps)]
            layout += [(("line", f), 1, 1.0), (("shape", f), steps.shape[1], 1.0)]
            if f in interacting and self.n_kinds_ > 1:
                blocks += [per_group(line, kind, self.n_kinds_), per_group(steps, kind, self.n_kinds_)]
                layout += [(("kind_line", f), self.n_kinds_, self.kind_scale),
                           (("kind_shape", f), steps.shape[1] * self.n_kinds_, self.kind_scale)]
        if self.n_kinds_ > 1:
            blocks.append(per_group(np.ones((len(X), 1)), kind, self.n_kinds_))
            layout.append((("kind", None), self.n_kinds_, self.kind_scale))
        if n_products:
            blocks.append(per_group(np.ones((len(X), 1)), product, n_products + 1)[:, :n_products])
            layout.append((("product", None), n_products, self.product_scale))
        if self.position_column is not None:
            d = amount_terms(X[:, self.position_column])
            blocks.append(sp.csr_matrix(d))
            layout.append((("amount", None), 2, 1.0))
            if self.n_kinds_ > 1:
                blocks.append(per_group(d, kind, self.n_kinds_))
                layout.append((("kind_amount", None), 2 * self.n_kinds_, self.kind_scale))
            if n_products:
                blocks.append(per_group(d, product, n_products + 1)[:, :2 * n_products])
                layout.append((("product_amount", None), 2 * n_products, self.amount_scale))
        return sp.hstack(blocks, format="csr"), layout

    def _compile(self, intercept: float, coef: np.ndarray, layout) -> None:
        """Fold the weights into lookup tables: per feature a (kinds × steps+1) table of cumulative step
        heights; per kind and product an intercept and two amount coefficients."""
        K, P = self.n_kinds_, len(self.product_ids_)
        self.tables_ = [np.zeros((K, len(c) + 1)) for c in self.cuts_]
        self.slopes_ = np.zeros((K, len(self.cuts_)))  # log-odds per unit of the feature, per kind
        self.kind_bias_ = np.zeros(K)
        self.product_bias_ = np.zeros(P + 1)  # the last entry: a product never seen
        self.amount_ = np.zeros((K, P + 1, 2))
        at = 0
        for (part, f), width, _scale in layout:
            w = coef[at:at + width]
            at += width
            if part == "line":
                self.slopes_[:, f] += w[0] / self.spread_[f]
            elif part == "kind_line":
                self.slopes_[:, f] += w / self.spread_[f]
            elif part == "shape":
                self.tables_[f] += np.concatenate([[0.0], np.cumsum(w)])[None, :]
            elif part == "kind_shape":
                m = len(self.cuts_[f])
                self.tables_[f] += np.column_stack([np.zeros(K), np.cumsum(w.reshape(K, m), axis=1)])
            elif part == "kind":
                self.kind_bias_ += w
            elif part == "product":
                self.product_bias_[:P] += w
            elif part == "amount":
                self.amount_ += w[None, None, :]
            elif part == "kind_amount":
                self.amount_ += w.reshape(K, 1, 2)
            else:  # product_amount
                self.amount_[:, :P, :] += w.reshape(1, P, 2)
        self.intercept_ = float(intercept)
        self.reference_ = self.fill_.copy()  # the typical applicant, against whom effects are told

    # ------------------------------------------------------------------ scoring

    def _checked(self, X) -> np.ndarray:
        check_is_fitted(self, "tables_")
        X = np.asarray(X, dtype=np.float64)
        if X.ndim != 2 or X.shape[1] != self.n_features_in_:
            raise ValueError(f"expected {self.n_features_in_} features, got {X.shape}")
        return self._filled(X)

    def _parts(self, X: np.ndarray):
        """(base, per-feature log-odds rows × features): base is the typical applicant's log-odds; the
        product's and its kind's own appetite sit in the product column's part, the amount's place in
        the position column's, every other feature's part is relative to the typical applicant."""
        kind, product = self._kind(X), self._product(X)
        own = self.kind_bias_[kind] + self.product_bias_[product]
        parts = np.zeros((len(X), self.n_features_in_))
        if self.product_column is not None:
            # The product's (and its kind's) own appetite is a part of its own, so a reason can name it.
            base = np.full(len(X), float(self.intercept_))
            parts[:, self.product_column] = own
        else:
            base = self.intercept_ + own
        for f in self.shaped_:
            table = self.tables_[f]
            if table.shape[1] == 1:
                continue
            here = table[kind, self.cuts_[f].searchsorted(X[:, f], side="left")]
            typical = table[kind, self.cuts_[f].searchsorted(self.reference_[f], side="left")]
            base += typical
            parts[:, f] = here - typical + self.slopes_[kind, f] * (X[:, f] - self.reference_[f])
        if self.position_column is not None:
            d = amount_terms(X[:, self.position_column])
            parts[:, self.position_column] = (self.amount_[kind, product] * d).sum(axis=1)
        return base, parts

    def contributions(self, X) -> tuple[np.ndarray, np.ndarray]:
        """(base log-odds per row, each feature's log-odds per row): base + the row's sum = its log-odds."""
        return self._parts(self._checked(X))

    def decision_function(self, X) -> np.ndarray:
        base, parts = self._parts(self._checked(X))
        return base + parts.sum(axis=1)

    def approval_probability(self, X) -> np.ndarray:
        return expit(self.decision_function(X))

    def predict_proba(self, X):
        p = self.approval_probability(X)
        return np.column_stack([1 - p, p])

    def predict(self, X):
        return self.classes_[(self.approval_probability(X) >= 0.5).astype(int)]

    def compact(self) -> MatchRanker:
        """The model as stored: it holds only its tables already."""
        check_is_fitted(self, "tables_")
        return self
