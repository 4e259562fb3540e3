"""Training data, the hold-out split, and evaluation beside the baselines.

Labels: approved or disbursed = 1, rejected = 0. Pairs that never applied are unknown and are not
used as negatives. The hold-out is split by need and by time: the latest needs are held out whole.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from . import eligibility, metrics
from sklearn.metrics import log_loss

from .features import FEATURES, model_roles, pair_features
from .frames import Needs, Products
from .model import MatchRanker

HOLDOUT_FRACTION = 0.2
RANDOM_REPEATS = 20
# Penalty settings tried on the latest fifth of the training needs, strongest shrinkage first. Markets
# differ: where products and kinds differ little (the seed's law: appetite σ = 0.15, no kind weighs a
# firm fact its own way) strong shrinkage wins, the kinds' departures most of all; where they differ a
# lot (bench/worlds.py, σ ≥ 0.8) weak shrinkage does; the outcomes decide, by log-loss.
PENALTIES = ({"C": 0.03, "kind_scale": 0.25, "product_scale": 0.5},
             {"C": 0.02, "kind_scale": 0.5, "product_scale": 0.5}, {"C": 0.05, "kind_scale": 0.5, "product_scale": 0.5},
             {"C": 0.1, "kind_scale": 0.6, "product_scale": 0.8}, {"C": 0.3, "kind_scale": 0.6, "product_scale": 0.8})


@dataclass
class Outcomes:
    """Decided applications: pair k is need row ``need_row[k]`` with product row ``product_row[k]``.

    ``need_created`` (per need row) and ``decided_at`` (per pair, epoch seconds) date them: the
    hold-out is the latest needs, and the penalty is chosen on the latest of the training needs.
    """

    needs: Needs  # firm facts as they were when each need was published
    products: Products
    need_row: np.ndarray
    product_row: np.ndarray
    label: np.ndarray
    need_created: np.ndarray
    decided_at: np.ndarray

    def __len__(self) -> int:
        return len(self.label)

    @property
    def need_time(self) -> np.ndarray:
        return self.need_created[self.need_row]

    def pair_matrix(self, i: np.ndarray, j: np.ndarray) -> np.ndarray:
        block = eligibility.check(self.needs, self.products, np.unique(i))
        row_of = {n: k for k, n in enumerate(block.need_index)}
        failed = block.failed_count[np.array([row_of[n] for n in i], dtype=int), j] if len(i) else np.zeros(0)
        return pair_features(self.needs, self.products, i, j, failed)

    def features(self, rows=None) -> np.ndarray:
        rows = np.arange(len(self)) if rows is None else rows
        return self.pair_matrix(self.need_row[rows], self.product_row[rows])


def holdout_split(outcomes: Outcomes, fraction: float = HOLDOUT_FRACTION) -> tuple[np.ndarray, np.ndarray]:
    """Rows of the earlier needs (train) and of the latest ``fraction`` of needs (test)."""
    need_ids = np.unique(outcomes.need_row)
    first_seen = {n: t for n, t in zip(outcomes.need_row, outcomes.need_time)}
    ordered = sorted(need_ids, key=lambda n: (first_seen[n], n))
    cut = int(round(len(ordered) * (1 - fraction)))
    test_needs = np.array(ordered[cut:])
    test = np.isin(outcomes.need_row, test_needs)
    return np.flatnonzero(~test), np.flatnonzero(test)


def fit(outcomes: Outcomes, rows: np.ndarray, *, ignored: tuple[int, ...] = (), **params) -> MatchRanker:
    """The ranker fitted on ``rows``, its penalty chosen on their latest fifth of needs unless ``params``
    fix it (then fitted at once). ``ignored``: feature columns left out (what a feature is worth:
    bench/grade.py)."""
    X, y = outcomes.features(rows), outcomes.label[rows]
    roles = {**model_roles(), "ignored": tuple(ignored)}
    if params:
        return MatchRanker(**roles, **params).fit(X, y)
    when = outcomes.need_time[rows]
    late = when > np.quantile(when, 1 - HOLDOUT_FRACTION)
    if late.all() or not late.any() or len(np.unique(y[~late])) < 2 or len(np.unique(y[late])) < 2:
        return MatchRanker(**roles, **PENALTIES[0]).fit(X, y)
    losses = [log_loss(y[late], MatchRanker(**roles, **penalty).fit(X[~late], y[~late])
                       .approval_probability(X[late]), labels=[0, 1]) for penalty in PENALTIES]
    return MatchRanker(**roles, **PENALTIES[int(np.argmin(losses))]).fit(X, y)


def training_data_hash(outcomes: Outcomes) -> str:
    import hashlib

    digest = hashlib.sha256()
    for array in (outcomes.needs.id[outcomes.need_row], outcomes.products.id[outcomes.product_row], outcomes.label):
        digest.update(np.ascontiguousarray(array, dtype=np.int64).tobytes())
    return digest.hexdigest()


Strategy = Callable[[np.ndarray], np.ndarray]  # feature rows -> scores


def evaluate(outcomes: Outcomes, test_rows: np.ndarray, strategies: dict[str, Strategy],
             truth: Callable[[np.ndarray, np.ndarray], np.ndarray] | None = None, seed: int = 0) -> dict:
    """Metrics of each strategy on the held-out needs, beside random order (and the oracle).

    Outcome metrics use what happened to the held-out applications: AUC, Brier and the expected
    calibration error over pairs; ``ndcg_at_5`` over the needs with at least one approved and one rejected
    application (approved = gain 1; a need whose products all went one way has no better order, and
    one that is never held out leaves the metric None, as the contract says). When ``truth`` (need rows,
    product rows -> true P(approved)) is known, as on the seeded market, each held-out need's full
    eligible list is ranked: ``oracle_ndcg_at_5`` whose gain is a product's true probability above that
    of the need's least likely eligible product (the firm's own standing is the same for every product
    and no order can change it), MAP@5 and recall@10 of the true top five, and the share of the
    random→oracle gap closed.
    """
    X = outcomes.features(test_rows)
    labels = outcomes.label[test_rows]
    groups = outcomes.need_row[test_rows]
    rng = np.random.default_rng(seed)
    result: dict[str, dict] = {}
    mixed = metrics.mixed_groups(groups, labels)
    for name, strategy in {**strategies, "random": None}.items():
        if strategy is None:
            scores = rng.random(len(test_rows))
        else:
            scores = strategy(X)
        result[name] = {
            "auc": metrics.auc(labels, scores),
            "brier": metrics.brier(labels, scores),
            "ece": metrics.expected_calibration_error(labels, scores),
            "ndcg_at_5": metrics.mean_over_groups(metrics.ndcg_at_k, groups[mixed], labels[mixed], scores[mixed], k=5)
            if mixed.any() else None,
        }
        if strategy is not None:
            result[name]["reliability"] = metrics.reliability(labels, scores)
    if truth is not None:
        _truth_metrics(outcomes, np.unique(groups), strategies, truth, result, rng)
    result["_heldout"] = {"needs": int(np.unique(groups).size), "applications": int(len(test_rows)),
                          "positives": int(labels.sum())}
    return result


def _truth_metrics(outcomes, need_rows, strategies, truth, result, rng) -> None:
    block = eligibility.check(outcomes.needs, outcomes.products, need_rows)
    rows, cols = np.nonzero(block.eligible)
    i, j = need_rows[rows], cols
    true_p = truth(i, j)
    # Pairs the truth does not know (needs or products added after the market was drawn) are left out.
    known = ~np.isnan(true_p)
    rows, i, j, true_p = rows[known], i[known], j[known], true_p[known]
    X = outcomes.pair_matrix(i, j)
    gain = true_p - _group_min(rows, true_p)
    top5 = _top_k_flags(rows, true_p, 5)
    per_strategy = {name: s(X) for name, s in strategies.items()}
    per_strategy["oracle"] = true_p
    for name, scores in per_strategy.items():
        entry = result.setdefault(name, {})
        entry.update(_list_metrics(rows, gain, top5, scores))
    random_runs = [_list_metrics(rows, gain, top5, rng.random(len(rows))) for _ in range(RANDOM_REPEATS)]
    result["random"].update({k: float(np.mean([r[k] for r in random_runs])) for k in random_runs[0]})
    gap = result["oracle"]["oracle_ndcg_at_5"] - result["random"]["oracle_ndcg_at_5"]
    for name in strategies:
        result[name]["gap_closed"] = (result[name]["oracle_ndcg_at_5"] - result["random"]["oracle_ndcg_at_5"]) / gap \
            if gap else 0.0


def _group_min(groups: np.ndarray, values: np.ndarray) -> np.ndarray:
    minima = {}
    for g, v in zip(groups, values):
        minima[g] = min(v, minima.get(g, np.inf))
    return np.array([minima[g] for g in groups])


def _top_k_flags(groups: np.ndarray, values: np.ndarray, k: int) -> np.ndarray:
    flags = np.zeros(len(values), dtype=bool)
    order = np.lexsort((-values, groups))
    bounds = np.flatnonzero(np.diff(groups[order])) + 1
    for idx in np.split(order, bounds):
        flags[idx[:k]] = True
    return flags


def _list_metrics(groups, gain, top5, scores) -> dict[str, float]:
    return {
        "oracle_ndcg_at_5": metrics.mean_over_groups(metrics.ndcg_at_k, groups, gain, scores, k=5),
        "map_at_5": metrics.mean_over_groups(metrics.average_precision_at_k, groups, top5, scores, k=5),
        "recall_at_10": metrics.mean_over_groups(metrics.recall_at_k, groups, top5, scores, k=10),
    }


__all__ = ["FEATURES", "Outcomes", "evaluate", "fit", "holdout_split", "training_data_hash"]
