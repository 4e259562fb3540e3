"""The demo market's listing pipeline (上市辅导): the firms with the largest revenue, a few dozen, entered the zone's
reserve pool between 2019 and 2021 and moved on at their own pace, a couple as far as listing; each has listing
facts in proportion to its size. Drawn from a stream of its own, after the market."""
from __future__ import annotations

import datetime as dt
import random

from .market import Market

# How far the pipeline's firms got, best first (36 firms; the plan's target is 10 listed).
REACHED = (("listed", 2), ("registered", 1), ("application_accepted", 3), ("tutoring_filed", 4),
           ("shareholding_reform", 6), ("reserve", 20))
ORDER = ("reserve", "shareholding_reform", "tutoring_filed", "application_accepted", "registered", "listed")
TIERS = ("city_key", "city", "district")


def draw(market: Market, *, seed: int, as_of: dt.date) -> tuple[list[dict], list[dict]]:
    """(listing facts rows, stage change rows)."""
    stream = random.Random(f"listing-{seed}")
    firms = sorted(market.enterprises, key=lambda f: (-f["annual_revenue_cny"], f["id"]))
    size = sum(count for _, count in REACHED)
    chosen, facts, changes = firms[:size], [], []
    reached = [stage for stage, count in REACHED for _ in range(count)]
    for rank, (firm, last) in enumerate(zip(chosen, reached)):
        revenue = firm["annual_revenue_cny"]
        tier = TIERS[0] if rank < 8 else TIERS[1] if rank < 20 else TIERS[2]
        day = dt.date(2019, 3, 1) + dt.timedelta(days=stream.randrange(900))
        for stage in ORDER[:ORDER.index(last) + 1]:
            if day > as_of:
                break
            changes.append({"enterprise_id": firm["id"], "stage": stage, "tier": tier, "changed_on": day,
                            "recorded_by": None, "created_at": dt.datetime.combine(day, dt.time(2), dt.timezone.utc)})
            day += dt.timedelta(days=120 + stream.randrange(240))
        growth = stream.uniform(0.05, 0.45)
        rd_share = firm["rd_ratio_pct"] / 100
        facts.append({
            "enterprise_id": firm["id"], "expected_market_value_cny": int(revenue * stream.uniform(3, 12)),
            "share_capital_cny": int(stream.uniform(2_000, 12_000)) * 10_000,
            "revenue_prev_cny": int(revenue / (1 + growth)), "revenue_prev2_cny": int(revenue / (1 + growth) ** 2),
            "rd_expense_cny": int(revenue * rd_share), "rd_expense_prev_cny": int(revenue / (1 + growth) * rd_share),
            "rd_expense_prev2_cny": int(revenue / (1 + growth) ** 2 * rd_share),
            "operating_cash_flow_cny": int(revenue * stream.uniform(-0.05, 0.2)),
            "operating_cash_flow_3y_cny": int(revenue * stream.uniform(0.0, 0.45)),
            "roe_pct": round(stream.uniform(-5, 20), 1), "roe_prev_pct": round(stream.uniform(-5, 20), 1),
            "neeq_innovation_months": stream.choice((None, None, 6, 14, 30)),
            "national_main_product": stream.random() < 0.1,
            "updated_at": dt.datetime.combine(as_of, dt.time(2), dt.timezone.utc)})
    return facts, changes
