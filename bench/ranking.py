"""Speed of the matching engine on the seeded market (lines: BENCH <name> <value> <unit>).

Builds its own market in a temporary SQLite database: seeds the default demo market, trains the
ranker through the same service the CLI uses, then times scoring the way the platform scores.
"""
from __future__ import annotations

import datetime as dt
import tempfile
import time

import numpy as np
import pandas as pd

from matchmaker import create_app
from matchmaker.matching import data, listing, scorer, services
from matchmaker.ranking import engine, eligibility, registry
from matchmaker.ranking.features import block_features
from matchmaker.ranking.frames import Needs, Products
from models import RankerModel, db
from seed import load_market


def bench(name: str, value: float, unit: str) -> None:
    print(f"BENCH {name} {value:.4g} {unit}", flush=True)


def percentile_ms(samples: list[float], q: float) -> float:
    return float(np.percentile(samples, q) * 1000)


def timed(fn, repeat: int) -> list[float]:
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - started)
    return samples


def synthetic_products(base: pd.DataFrame, count: int, rng: np.random.Generator) -> pd.DataFrame:
    """``count`` products drawn from the seeded ones with jittered terms (new products, same shapes)."""
    rows = base.iloc[rng.integers(0, len(base), size=count)].reset_index(drop=True).copy()
    rows["product_id"] = np.arange(1, count + 1)
    factor = rng.uniform(0.7, 1.4, size=count)
    rows["min_amount_cny"] = (rows["min_amount_cny"] * factor).round(-4).clip(lower=10_000)
    rows["max_amount_cny"] = np.maximum(rows["max_amount_cny"] * factor, rows["min_amount_cny"]).round(-4)
    rows["rate_min_pct"] = (rows["rate_min_pct"] + rng.normal(0, 0.2, size=count)).clip(lower=0).round(2)
    rows["rate_max_pct"] = np.maximum(rows["rate_max_pct"], rows["rate_min_pct"])
    return rows


def market_needs(enterprises: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """One fresh need per enterprise: the whole market asking at once."""
    frame = enterprises.copy()
    frame["need_id"] = np.arange(1, len(frame) + 1)
    frame["amount_cny"] = (frame["annual_revenue_cny"] * rng.lognormal(np.log(0.01), 0.7, len(frame))).clip(
        100_000, 50_000_000).round(-4)
    frame["term_months"] = rng.choice([6, 12, 24, 36], size=len(frame))
    frame["preferred_kinds"] = [[] for _ in range(len(frame))]
    frame["max_rate_pct"] = None
    frame["collateral_offered"] = frame["has_collateral"]
    frame["enterprise_id"] = frame["id"]
    frame["credit_grade"] = data.grades(frame)
    frame["pledgeable_ip_value_cny"] = frame["pledgeable_ip_count"] = np.nan
    return frame


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/bench.sqlite3", "INSTANCE_PATH": folder,
                          "RANKER_PARAMS": {}})
        with app.app_context():
            from flask_migrate import upgrade

            upgrade()
            started = time.perf_counter()
            load_market(progress=False)
            bench("seed_full_market", time.perf_counter() - started, "s")

            started = time.perf_counter()
            result = services.train()
            db.session.commit()
            bench("train_on_seed_history", time.perf_counter() - started, "s")
            bench("train_rows", result["trained_rows"], "rows")

            row = db.session.query(RankerModel).filter_by(is_active=True).one()
            load = timed(lambda: registry.loads(row.blob, sha256=row.sha256, sklearn_version=row.sklearn_version,
                                                   features=row.features), 20)
            bench("model_load_p50", percentile_ms(load, 50), "ms")
            bench("model_bytes", len(row.blob), "bytes")
            current = scorer.current()

            products = Products(data.product_frame(active_only=True))
            open_needs = Needs(data.open_needs_frame(at=dt.date.today()))
            rng = np.random.default_rng(0)
            rows = rng.integers(0, len(open_needs), size=500)
            samples = []
            for k in rows:
                started = time.perf_counter()
                engine.rank_products(current, open_needs, int(k), products, limit=10)
                samples.append(time.perf_counter() - started)
            bench("one_need_135_products_p50", percentile_ms(samples, 50), "ms")
            bench("one_need_135_products_p99", percentile_ms(samples, 99), "ms")

            need_id = int(open_needs.id[0])
            service = timed(lambda: services.products_for_need(need_id=need_id, limit=10), 200)
            bench("one_need_135_products_with_queries_p50", percentile_ms(service, 50), "ms")
            for sort in listing.SORTS:  # what the matches page and API serve: sorted, banded, priced, paged
                listed = timed(lambda sort=sort: listing.get_all(need_id=need_id, sort=sort, limit=10,
                                                                  include_ineligible=True), 200)
                bench(f"one_need_listing_{sort}_p50", percentile_ms(listed, 50), "ms")

            many = Products(synthetic_products(products.frame, 10_000, rng))
            samples = timed(lambda: engine.rank_products(current, open_needs, 0, many, limit=10), 50)
            bench("one_need_10000_products_p50", percentile_ms(samples, 50), "ms")

            # The session's own connection: on SQLite a second one would wait for its write lock.
            enterprises = pd.read_sql_table("enterprises", db.session.connection())
            enterprises["years"] = (pd.Timestamp.today() - pd.to_datetime(enterprises["founded_on"])).dt.days / 365.25
            market = Needs(market_needs(enterprises, rng))
            started = time.perf_counter()
            scores, eligible = engine.score_block(current, market, products)
            batch = time.perf_counter() - started
            pairs = scores.size
            bench("whole_market_pairs", pairs, "pairs")
            bench("whole_market_batch", batch, "s")
            bench("whole_market_eligible_share", eligible.mean(), "ratio")

            # The model alone: all pairs' feature rows in batches versus one predict_proba call a pair
            # (measured on a sample and extrapolated to every pair).
            chunks = []
            for start in range(0, len(market), 500):
                block = eligibility.check(market, products, np.arange(start, min(start + 500, len(market))))
                chunks.append(block_features(block)[0])
            started = time.perf_counter()
            for X in chunks:
                current.model.predict_proba(X)
            batch_model = time.perf_counter() - started
            bench("whole_market_model_only_batch", batch_model, "s")
            sample = chunks[0][rng.integers(0, len(chunks[0]), size=2000)]
            started = time.perf_counter()
            for x in sample:
                current.model.predict_proba(x[None, :])
            per_pair = (time.perf_counter() - started) / len(sample)
            bench("one_pair_at_a_time_extrapolated", per_pair * pairs, "s")
            bench("batch_speedup_model_only", per_pair * pairs / batch_model, "x")
            bench("batch_speedup_end_to_end", per_pair * pairs / batch, "x")


if __name__ == "__main__":
    main()
