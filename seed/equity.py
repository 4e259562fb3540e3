"""The demo market's investors (股权融资): each fund manager of the market publishes a profile: a run of
consecutive stages, one to three industries, a ticket range and a fund size. Drawn from a stream of its own."""
from __future__ import annotations

import datetime as dt
import random

from models import EquityStage, Industry

from .market import Market

STAGES = EquityStage.values()
INDUSTRIES = [code for code in Industry.values() if code != "other"]


def draw(market: Market, *, seed: int, as_of: dt.date) -> list[dict]:
    stream = random.Random(f"equity-{seed}")
    rows = []
    for institution in market.institutions:
        if institution["kind"] != "fund":
            continue
        first = stream.randrange(len(STAGES) - 1)
        stages = STAGES[first:first + stream.randint(2, 3)]
        low = stream.choice((1_000_000, 3_000_000, 5_000_000, 10_000_000, 20_000_000))
        high = low * stream.choice((5, 10, 20))
        rows.append({"institution_id": institution["id"], "stages": stages,
                     "industries": sorted(stream.sample(INDUSTRIES, stream.randint(1, 3)), key=INDUSTRIES.index),
                     "min_ticket_cny": low, "max_ticket_cny": high,
                     "fund_size_cny": high * stream.choice((20, 40, 80)), "accepts_deal_flow": stream.random() < 0.85,
                     "updated_at": dt.datetime.combine(as_of, dt.time(2), dt.timezone.utc)})
    return rows
