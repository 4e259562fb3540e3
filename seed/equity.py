"""The demo market's investors (股权融资): each fund manager of the market publishes a profile: a run of
consecutive stages, one to three industries, a ticket range and a fund size. With ``--equity`` the market gains
further fund managers up to the plan's 50 investment institutions. Drawn from streams of their own."""
from __future__ import annotations

import datetime as dt
import random

from models import EquityStage, Industry

from .market import Market

STAGES = EquityStage.values()
INDUSTRIES = [code for code in Industry.values() if code != "other"]


# Further fund managers (``flask seed --equity``): the zone's and the city's investors by place and specialty.
PLACES = ("高新", "科学城", "西永", "金凤", "含谷", "白市驿", "曾家", "巴福", "走马", "石板", "大学城", "华岩", "陶家", "香炉山")
SPECIALTIES = (("创业投资", "创投"), ("天使投资", "天使"), ("产业投资", "产投"), ("私募股权投资", "私募"),
               ("科技成果转化", "成果"), ("数字经济", "数字"))


def more_funds(market: Market, *, total: int, seed: int, as_of: dt.date) -> None:
    """Append fund managers to the market until it holds ``total`` of them (institutions only; their profiles
    are drawn with the others)."""
    stream = random.Random(f"equity-funds-{seed}")
    names = {i["name"] for i in market.institutions}
    have = sum(1 for i in market.institutions if i["kind"] == "fund")
    while have < total:
        place, (specialty, short) = stream.choice(PLACES), stream.choice(SPECIALTIES)
        name = f"重庆{place}{specialty}基金管理有限公司"
        if name in names:
            name = f"重庆{place}{specialty}二期基金管理有限公司"
            if name in names:
                continue
        names.add(name)
        market.institutions.append({"id": len(market.institutions) + 1, "name": name, "short_name": f"{place}{short}",
                                    "kind": "fund", "service_target_days": 5,
                                    "created_at": dt.datetime.combine(as_of - dt.timedelta(days=stream.randrange(30, 1_200)),
                                                                      dt.time(2), dt.timezone.utc)})
        have += 1


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
