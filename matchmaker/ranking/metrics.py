"""Ranking and probability metrics, written out so that tiny cases can be checked by hand."""
from __future__ import annotations

import numpy as np
from sklearn.metrics import brier_score_loss, roc_auc_score


def _ordered(relevance, scores) -> np.ndarray:
    relevance = np.asarray(relevance, dtype=float)
    # Stable sort on -score: ties keep the given order, so results are reproducible.
    return relevance[np.argsort(-np.asarray(scores, dtype=float), kind="stable")]


def dcg_at_k(relevance_in_order, k: int) -> float:
    rel = np.asarray(relevance_in_order, dtype=float)[:k]
    return float(np.sum(rel / np.log2(np.arange(2, rel.size + 2))))


def ndcg_at_k(relevance, scores, k: int = 5) -> float:
    """Normalised DCG of ``scores``' order, with graded or binary ``relevance``.

    NaN when nothing in the list is relevant: such a list has no better or worse order and is left
    out of averages rather than counted as a failure.
    """
    ideal = dcg_at_k(np.sort(np.asarray(relevance, dtype=float))[::-1], k)
    if ideal == 0:
        return float("nan")
    return dcg_at_k(_ordered(relevance, scores), k) / ideal


def average_precision_at_k(relevant, scores, k: int = 5) -> float:
    """AP@k over binary ``relevant`` flags, normalised by min(k, number relevant)."""
    rel = _ordered(relevant, scores)[:k] > 0
    total = int(np.sum(np.asarray(relevant) > 0))
    if total == 0:
        return float("nan")
    hits = np.cumsum(rel)
    precision = hits / np.arange(1, rel.size + 1)
    return float(np.sum(precision * rel) / min(k, total))


def recall_at_k(relevant, scores, k: int = 10) -> float:
    total = int(np.sum(np.asarray(relevant) > 0))
    if total == 0:
        return float("nan")
    return float(np.sum(_ordered(relevant, scores)[:k] > 0) / total)


def auc(labels, scores) -> float:
    labels = np.asarray(labels)
    if labels.min() == labels.max():
        return float("nan")
    return float(roc_auc_score(labels, scores))


def brier(labels, probabilities) -> float:
    return float(brier_score_loss(np.asarray(labels), np.clip(np.asarray(probabilities, dtype=float), 0, 1)))


def mean_over_groups(metric, groups, relevance, scores, **kwargs) -> float:
    """A per-list metric averaged over the lists that ``groups`` defines (one list per need)."""
    groups = np.asarray(groups)
    relevance = np.asarray(relevance)
    scores = np.asarray(scores)
    order = np.argsort(groups, kind="stable")
    bounds = np.flatnonzero(np.diff(groups[order])) + 1
    values = [metric(relevance[idx], scores[idx], **kwargs) for idx in np.split(order, bounds) if idx.size]
    values = [v for v in values if not np.isnan(v)]  # lists with nothing relevant have no right order
    return float(np.mean(values)) if values else float("nan")


def mixed_groups(groups, labels) -> np.ndarray:
    """Rows whose group (need) holds at least one positive and one negative label."""
    groups, labels = np.asarray(groups), np.asarray(labels)
    positives = {g for g in np.unique(groups[labels > 0])}
    negatives = {g for g in np.unique(groups[labels <= 0])}
    both = positives & negatives
    return np.array([g in both for g in groups], dtype=bool)


def expected_calibration_error(labels, probabilities, bins: int = 10) -> float:
    """Σ over ten equal-width probability bins of (share of rows) × |mean predicted − observed rate|."""
    table = reliability(labels, probabilities, bins)
    rows = sum(b["rows"] for b in table)
    return float(sum(b["rows"] / rows * abs(b["predicted"] - b["observed"]) for b in table)) if rows else 0.0


def reliability(labels, probabilities, bins: int = 10) -> list[dict]:
    """Per non-empty bin: its range, rows, mean predicted probability and observed approval rate."""
    labels = np.asarray(labels, dtype=float)
    p = np.clip(np.asarray(probabilities, dtype=float), 0, 1)
    which = np.minimum((p * bins).astype(int), bins - 1)
    return [{"low": b / bins, "high": (b + 1) / bins, "rows": int((which == b).sum()),
             "predicted": float(p[which == b].mean()), "observed": float(labels[which == b].mean())}
            for b in range(bins) if (which == b).any()]
