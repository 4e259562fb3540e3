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
from matchmaker.ranking.features import FIRM, PRODUCT

from . import worlds
from .ranking import bench

RAW = len(FIRM) + len(PRODUCT)  # the leading columns: the firm's and the product's own facts
FIRST_DECISIONS = 150  # fewer than MIN_OUTCOMES: what a new platform knows before it trains a model


def reference(outcomes, rows):
    X = outcomes.features(rows)[:, :RAW]
    model = HistGradientBoostingClassifier(random_state=0).fit(X, outcomes.label[rows])
    return lambda features: model.predict_proba(features[:, :RAW])[:, 1]


def measure(world: worlds.World) -> dict[str, float]:
    outcomes = world.outcomes
    train_rows, test_rows = training.holdout_split(outcomes)
    served = training.fit(outcomes, train_rows)
    # The cold start as the platform serves it below MIN_OUTCOMES: the record of the first decisions.
    first = train_rows[np.argsort(outcomes.decided_at[train_rows], kind="stable")[:FIRST_DECISIONS]]
    strategies = {"ranker": served.approval_probability, "reference": reference(outcomes, train_rows),
                  "cold_start": rules.TrackRecord().fit(outcomes.features(first), outcomes.label[first])
                  .approval_probability,
                  "published_rules": rules.rules_score}
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
        gaps = measure(worlds.world(worlds.seed_market(seed), None))
        print(f"FAMILY seed{seed} " + " ".join(f"{k}={v:.3f}" for k, v in gaps.items()), flush=True)
        for name, value in gaps.items():
            bench(f"seed{seed}_law_{name}", value, "of the gap")


if __name__ == "__main__":
    main()
