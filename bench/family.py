"""The rankers on the family of worlds (bench/worlds.py): the share of the random→oracle NDCG@5 gap each
closes on a world's held-out needs. ``ranker``: the one the platform serves (trained as the platform
trains it); ``reference``: a plain HistGradientBoostingClassifier on the raw facts and product terms;
``cold_start``: the rules order used before any model has learned.
Lines: FAMILY <world> <strategy>=<gap closed> …, then the mean and worst per strategy."""
from __future__ import annotations

import os
import sys
import time

import numpy as np
from sklearn.ensemble import HistGradientBoostingClassifier

from matchmaker.ranking import rules, training
from matchmaker.ranking.features import FIRM, PRODUCT

from . import worlds

RAW = len(FIRM) + len(PRODUCT)  # the leading columns: the firm's and the product's own facts


def reference(outcomes, rows):
    X = outcomes.features(rows)[:, :RAW]
    model = HistGradientBoostingClassifier(random_state=0).fit(X, outcomes.label[rows])
    return lambda features: model.predict_proba(features[:, :RAW])[:, 1]


def measure(world: worlds.World) -> dict[str, float]:
    outcomes = world.outcomes
    train_rows, test_rows = training.holdout_split(outcomes)
    served = training.fit(outcomes, train_rows)
    strategies = {"ranker": served.approval_probability, "reference": reference(outcomes, train_rows),
                  "cold_start": rules.rules_score}
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
    for name in rows[0]:
        values = np.array([r[name] for r in rows])
        print(f"FAMILY summary {name} mean={values.mean():.3f} worst={values.min():.3f}", flush=True)
    for seed in (1, 3, 7, 2022):
        gaps = measure(worlds.world(worlds.seed_market(seed), None))
        print(f"FAMILY seed{seed} " + " ".join(f"{k}={v:.3f}" for k, v in gaps.items()), flush=True)


if __name__ == "__main__":
    main()
