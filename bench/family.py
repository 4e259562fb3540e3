"""The rankers on the family of worlds (bench/worlds.py): the share of the random→oracle NDCG@5 gap each
closes on a world's held-out needs. ``ranker``: the one the platform serves (trained as the platform
trains it); ``reference``: a plain HistGradientBoostingClassifier on the raw facts and product terms;
``cold_start``: the order served before any model has learned, each product's track record from the
first 150 decisions (rules.TrackRecord); ``published_rules``: the products' published rules alone,
what a platform without a single decision can do.
Lines: FAMILY <world> <strategy>=<gap closed> …, then a table of the mean and worst per strategy (and
BENCH lines of the same), then the seed's own law on four seeds."""
from __future__ import annotations

import os
import sys
import time

import numpy as np
from sklearn.ensemble import HistGradientBoostingClassifier

from matchmaker.ranking import rules, training
from matchmaker.ranking.features import FEATURES, FIRM, PRODUCT

from . import worlds
from .ranking import bench

RAW = len(FIRM) + len(PRODUCT)  # the leading columns: the firm's and the product's own facts
FIRST_DECISIONS = 150  # fewer than MIN_OUTCOMES: what a new platform knows before it trains a model


def reference(outcomes, rows):
    X = outcomes.features(rows)[:, :RAW]
    model = HistGradientBoostingClassifier(random_state=0).fit(X, outcomes.label[rows])
    return lambda features: model.predict_proba(features[:, :RAW])[:, 1]


def seed_law_bounds(market, world: worlds.World) -> dict:
    """What no ranker can beat on the seed's own law with a history of this size, scored like any
    strategy: ``law_without_appetite`` knows the law exactly but not each product's own appetite;
    ``bayes_bound`` also knows every firm's hidden quality and estimates each product's appetite from
    its decisions with the law's own prior (the most its history can tell). Within a need only the
    product's terms, the pair terms and the appetite move the law, so the law itself scores them with
    the firm's terms held fixed."""
    from scipy.special import expit, logit

    from seed.approval_law import approval_logit

    col = {name: k for k, name in enumerate(FEATURES)}
    appetite = np.asarray(market.appetite, dtype=float)
    row_of = {int(p["id"]): k for k, p in enumerate(market.products)}

    def law(X, product_appetite):
        ones, zeros = np.ones(len(X)), np.zeros(len(X))
        ip_term = X[:, col["ip_for_ip_product"]]  # sqrt(min(ip, 25)) for an IP-based product, else 0
        return approval_logit(
            rating_rank=zeros + 4, years=zeros, revenue_cny=ones * 1e6, amount_cny=zeros, high_tech=zeros,
            specialized=zeros, tech_sme=zeros, ip_count=ip_term ** 2, collateral=X[:, col["collateral_for_secured"]],
            ip_based=ones, secured=ones, industry_focus=X[:, col["industry_focus"]],
            rate_min_pct=X[:, col["rate_x_lending"]], lending=X[:, col["lending"]],
            appetite=product_appetite(X), quality=zeros, failed_rules=X[:, col["failed_rules"]])

    def rows(X):
        return np.array([row_of[int(p)] for p in X[:, col["product_id"]]])

    outcomes = world.outcomes
    train_rows, _ = training.holdout_split(outcomes)
    i, j = outcomes.need_row[train_rows], outcomes.product_row[train_rows]
    offset = logit(np.clip(world.truth(i, j), 1e-12, 1 - 1e-12)) - appetite[j]
    y, prior = outcomes.label[train_rows], 1 / appetite.std() ** 2
    estimate = np.zeros(len(appetite))
    for _ in range(30):  # Newton steps of the penalised likelihood, one appetite per product
        p = expit(offset + estimate[j])
        gradient = np.bincount(j, weights=y - p, minlength=len(estimate)) - prior * estimate
        curvature = np.bincount(j, weights=p * (1 - p), minlength=len(estimate)) + prior
        estimate += gradient / curvature
    return {"law_without_appetite": lambda X: law(X, lambda F: np.zeros(len(F))),
            "bayes_bound": lambda X: law(X, lambda F: estimate[rows(F)])}


def measure(world: worlds.World, extra: dict | None = None) -> dict[str, float]:
    outcomes = world.outcomes
    train_rows, test_rows = training.holdout_split(outcomes)
    served = training.fit(outcomes, train_rows)
    # The cold start as the platform serves it below MIN_OUTCOMES: the record of the first decisions.
    first = train_rows[np.argsort(outcomes.decided_at[train_rows], kind="stable")[:FIRST_DECISIONS]]
    strategies = {"ranker": served.approval_probability, "reference": reference(outcomes, train_rows),
                  "cold_start": rules.TrackRecord().fit(outcomes.features(first), outcomes.label[first])
                  .approval_probability,
                  "published_rules": rules.rules_score, **(extra or {})}
    result = training.evaluate(outcomes, test_rows, strategies, truth=world.truth)
    return {name: result[name]["gap_closed"] for name in strategies}


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    count = int(os.environ.get("WORLDS", argv[0] if argv else 20))
    rows = []
    market = worlds.seed_market(2022)
    for number in range(count):
        started = time.perf_counter()
        gaps = measure(worlds.world(market, number))
        rows.append(gaps)
        print(f"FAMILY world{number:02d} " + " ".join(f"{k}={v:.3f}" for k, v in gaps.items())
              + f" ({time.perf_counter() - started:.0f} s)", flush=True)
    print("| strategy | mean gap closed | worst |\n| --- | ---: | ---: |")
    for name in rows[0]:
        values = np.array([r[name] for r in rows])
        print(f"| {name} | {values.mean():.3f} | {values.min():.3f} |", flush=True)
        bench(f"family_{name}_mean", values.mean(), "of the gap")
        bench(f"family_{name}_worst", values.min(), "of the gap")
    for seed in (1, 3, 7, 2022):
        seeded = worlds.seed_market(seed)
        world = worlds.world(seeded, None)
        gaps = measure(world, extra=seed_law_bounds(seeded, world))
        print(f"FAMILY seed{seed} " + " ".join(f"{k}={v:.3f}" for k, v in gaps.items()), flush=True)
        for name, value in gaps.items():
            bench(f"seed{seed}_law_{name}", value, "of the gap")


if __name__ == "__main__":
    main()
