"""What the knowledge-value features are worth to the ranker: the served ranker fitted with them and with
them left out (``training.fit(ignored=…)``), the share of the random→oracle NDCG@5 gap each closes on a
world's held-out needs.

Worlds: the seed's own law on two seeds and the first six of the family's drawn laws (bench/worlds.py),
none of which reads the grade (the features were not made for them: they must not cost anything there);
then ``graded``: the seed's law where knowledge-value products also lend on the grade, +0.6 log-odds per
grade step around C, labels drawn again from it (what Chongqing's knowledge-value loans do; a law made
for the feature, reported as such). The seeded firms keep no IP register, so the register's features are
constant here and only the grade's can move anything.
Lines: GRADE <world> with=<gap> without=<gap>, and BENCH lines of the same.
"""
from __future__ import annotations

import dataclasses
import time

import numpy as np
from scipy.special import expit, logit

from matchmaker.ranking import training
from matchmaker.ranking.features import FEATURES

from . import worlds
from .ranking import bench

KNOWLEDGE_VALUE = ("kv_grade", "ip_registered", "log_pledgeable", "min_kv_grade", "kv_grade_margin", "pledge_cover")
LEFT_OUT = tuple(FEATURES.index(name) for name in KNOWLEDGE_VALUE)
GRADE_STEP = 0.6  # log-odds per grade step on knowledge-value products in the graded world


def gaps(world: worlds.World) -> dict[str, float]:
    outcomes = world.outcomes
    train_rows, test_rows = training.holdout_split(outcomes)
    strategies = {"with": training.fit(outcomes, train_rows).approval_probability,
                  "without": training.fit(outcomes, train_rows, ignored=LEFT_OUT).approval_probability}
    result = training.evaluate(outcomes, test_rows, strategies, truth=world.truth)
    return {name: result[name]["gap_closed"] for name in strategies}


def graded(market) -> worlds.World:
    """The seed's law, with knowledge-value products lending on the grade too."""
    base = worlds.world(market, None)
    needs, products = base.outcomes.needs, base.outcomes.products
    knowledge_value = products.kind_code == "knowledge_value"

    def truth(i, j):
        p = np.clip(base.truth(i, j), 1e-9, 1 - 1e-9)
        return expit(logit(p) + GRADE_STEP * (needs.grade[i] - 3) * knowledge_value[j])

    outcomes = base.outcomes
    rng = np.random.default_rng(30_000)
    label = (rng.random(len(outcomes)) < truth(outcomes.need_row, outcomes.product_row)).astype(int)
    return worlds.World(name="graded", outcomes=dataclasses.replace(outcomes, label=label), truth=truth)


def main() -> None:
    runs = [(f"seed{seed}", lambda seed=seed: worlds.world(worlds.seed_market(seed), None)) for seed in (2022, 7)]
    market = worlds.seed_market(2022)
    runs += [(f"world{n:02d}", lambda n=n: worlds.world(market, n)) for n in range(6)]
    runs += [("graded", lambda: graded(market))]
    for name, make in runs:
        started = time.perf_counter()
        result = gaps(make())
        print(f"GRADE {name} with={result['with']:.4f} without={result['without']:.4f} "
              f"({time.perf_counter() - started:.0f} s)", flush=True)
        for strategy, value in result.items():
            bench(f"grade_{name}_{strategy}", value, "of the gap")


if __name__ == "__main__":
    main()
