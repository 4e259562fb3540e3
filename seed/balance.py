"""The demo firms' balance sheets (total assets and liabilities, 万元 in whole yuan): assets a multiple of the
year's revenue, leverage around 45 % and higher for the weaker firms (the hidden quality that also shaped their
approvals and repayments), so the risk early warning's leverage part has something true to read. Drawn from a
stream of its own, after the market, so the rest of it is the same draw for draw."""
from __future__ import annotations

import random

from .market import Market


def fill(market: Market, *, seed: int) -> None:
    """Write ``total_assets_cny`` and ``total_liabilities_cny`` into the market's firm rows."""
    stream = random.Random(f"balance-{seed}")
    for firm, quality in zip(market.enterprises, market.quality):
        assets = max(1_000_000, int(firm["annual_revenue_cny"] * stream.uniform(0.6, 2.2)))
        leverage = min(0.97, max(0.05, stream.gauss(0.45 - 0.12 * float(quality), 0.15)))
        firm["total_assets_cny"], firm["total_liabilities_cny"] = assets, int(assets * leverage)
