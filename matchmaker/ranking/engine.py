"""Scoring and ordering, in both directions, from the same scores.

``rank_products``: for one need, every product (eligible first, each group best first).
``rank_needs``: for one product, every need (leads), best first.
``score_block``: any block of needs × products at once (the whole market in one batch).
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy.special import expit

from . import eligibility, explain, rules
from .features import block_features
from .frames import Needs, Products
from .model import MatchRanker

RULES_VERSION = "rules"
CHUNK_PAIRS = 100_000  # bounds memory when a whole market is scored


@dataclass
class Scorer:
    """A fitted MatchRanker with its version; without one, the products' track record (when there are
    decisions) or the published rules score. ``stamp`` says which record it holds."""

    model: MatchRanker | None = None
    version: str = RULES_VERSION
    record: rules.TrackRecord | None = None
    stamp: tuple | None = None
    default: object | None = None  # the DefaultRisk trained with the model, where loans allowed one

    def _cold_start(self):
        return rules.rules_score if self.record is None else self.record.approval_probability

    def score(self, X: np.ndarray) -> np.ndarray:
        if self.model is None:
            return self._cold_start()(X)
        return self.model.approval_probability(X)

    def score_with_contributions(self, X: np.ndarray) -> tuple[np.ndarray, np.ndarray | None]:
        """Scores and, for the model, every row's group contributions from one pass over its tables
        (None for the cold start, whose contributions cost a pass per group: ask ``contributions``
        for the rows that need them)."""
        if self.model is None:
            return self.score(X), None
        base, parts = self.model.contributions(X)
        log_odds = base + parts.sum(axis=1)
        return expit(log_odds), explain.group_contributions(log_odds, parts)

    def contributions(self, X: np.ndarray, scores: np.ndarray) -> np.ndarray:
        """What each group of features adds to these rows' scores (see explain)."""
        if self.model is None:
            return explain.contributions(self._cold_start(), X, rules.reference(), base=scores)
        return explain.additive_contributions(self.model, X, base=np.clip(scores, 1e-12, 1 - 1e-12))


@dataclass
class Match:
    need_row: int
    product_row: int
    score: float
    eligible: bool
    reasons: list[str] = field(default_factory=list)


def score_block(scorer: Scorer, needs: Needs, products: Products, need_index=None, product_index=None):
    """Scores and eligibility for every pair of the block (needs × products), chunked by need."""
    ni = np.arange(len(needs)) if need_index is None else np.asarray(need_index)
    pj = np.arange(len(products)) if product_index is None else np.asarray(product_index)
    per_chunk = max(1, CHUNK_PAIRS // max(len(pj), 1))
    scores = np.empty((len(ni), len(pj)))
    eligible = np.empty((len(ni), len(pj)), dtype=bool)
    for start in range(0, len(ni), per_chunk):
        block = eligibility.check(needs, products, ni[start:start + per_chunk], pj)
        X, _, _ = block_features(block)
        scores[start:start + per_chunk] = scorer.score(X).reshape(block.failed_count.shape)
        eligible[start:start + per_chunk] = block.eligible
    return scores, eligible


def _explained(scorer: Scorer, block: eligibility.Eligibility, X: np.ndarray, rows: np.ndarray,
               cols: np.ndarray, flat: np.ndarray, scores: np.ndarray, centre: np.ndarray | float = 0.0,
               groups: np.ndarray | None = None) -> list[Match]:
    """Matches for the chosen flat positions of a block, each with its reasons: what moves its score
    more than ``centre`` (per group of features) does. ``groups``: every row's contributions, when
    already known."""
    deltas = (scorer.contributions(X[flat], scores[flat]) if groups is None else groups[flat]) - centre
    model_reasons = explain.reasons(X[flat], deltas, relative=not np.isscalar(centre))
    out = []
    for k, position in enumerate(flat):
        r, c = rows[position], cols[position]
        ok = bool(block.eligible[r, c])
        reasons = (["符合该产品全部准入条件"] + model_reasons[k]) if ok else block.reasons(r, c)
        out.append(Match(int(block.need_index[r]), int(block.product_index[c]), float(scores[position]), ok,
                         reasons))
    return out


def _order(scores: np.ndarray, eligible: np.ndarray) -> np.ndarray:
    # Eligible first, then best first; ties broken by position so the order is reproducible.
    return np.lexsort((np.arange(scores.size), -scores, ~eligible))


def rank_products(scorer: Scorer, needs: Needs, need_row: int, products: Products, *, limit: int = 10,
                  include_ineligible: bool = True) -> list[Match]:
    """The products for one need, best first (eligible ones before the rest), each with its reasons."""
    block = eligibility.check(needs, products, np.array([need_row]))
    return _ranked(scorer, block, along_products=True, limit=limit, include_ineligible=include_ineligible)


def rank_needs(scorer: Scorer, needs: Needs, products: Products, product_row: int, *, limit: int = 10,
               include_ineligible: bool = False) -> list[Match]:
    """The needs for one product (its leads), best first, each with its reasons."""
    block = eligibility.check(needs, products, None, np.array([product_row]))
    return _ranked(scorer, block, along_products=False, limit=limit, include_ineligible=include_ineligible)


def _ranked(scorer: Scorer, block, *, along_products: bool, limit: int, include_ineligible: bool) -> list[Match]:
    """One row (a need against products) or one column (a product against needs) of the block, ranked."""
    X, _, _ = block_features(block)
    scores, groups = scorer.score_with_contributions(X) if along_products else (scorer.score(X), None)
    eligible = block.eligible.ravel()
    order = _order(scores, eligible)
    if not include_ineligible:
        order = order[eligible[order]]
    flat = order[:limit]
    line, fixed = np.arange(eligible.size), np.zeros(eligible.size, dtype=int)
    if not along_products:
        # Across firms, a firm's own strengths are what the officer should see: no centring.
        return _explained(scorer, block, X, line, fixed, flat, scores)
    # A firm's own strengths help it with every product alike; each card says what sets this product
    # apart for this firm, measured against the average of the products it qualifies for.
    centre = 0.0
    if eligible.any():
        centre = (scorer.contributions(X[eligible], scores[eligible]) if groups is None
                  else groups[eligible]).mean(axis=0)
    return _explained(scorer, block, X, fixed, line, flat, scores, centre, groups)
