"""Where the market fails: open needs no product fits, and needs nobody applied for in two weeks."""
from __future__ import annotations

import datetime as dt

import numpy as np
import sqlalchemy as sa

from models import Application, Enterprise, FinancingNeed, Industry, NeedStatus, db, now_utc

from ..matching import data
from ..ranking import eligibility
from ..ranking.frames import Needs

STALE_AFTER = dt.timedelta(days=14)
# Lower bounds in yuan, with the labels the bureau uses.
AMOUNT_BANDS = ((0, "100 万元以下"), (1_000_000, "100–500 万元"), (5_000_000, "500–1000 万元"),
                (10_000_000, "1000 万元及以上"))


def band_of(amount: float) -> str:
    label = AMOUNT_BANDS[0][1]
    for floor, name in AMOUNT_BANDS:
        if amount >= floor:
            label = name
    return label


def _band_sql(amount):
    return sa.case(*[(amount >= floor, name) for floor, name in reversed(AMOUNT_BANDS[1:])],
                   else_=AMOUNT_BANDS[0][1])


def _grid(counts: dict[tuple[str, str], tuple[int, int]]) -> list[dict]:
    """Rows per industry with one cell per amount band, so the page reads as a table."""
    out = []
    for industry in Industry:
        cells = {band: counts.get((industry.value, band), (0, 0)) for _, band in AMOUNT_BANDS}
        needs = sum(c[0] for c in cells.values())
        out.append({"industry": industry.value, "label": industry.label, "needs": needs,
                    "amount_cny": sum(c[1] for c in cells.values()),
                    "bands": [{"band": band, "needs": n, "amount_cny": a} for band, (n, a) in cells.items()]})
    return out


def without_product(*, today: dt.date) -> list[dict]:
    """Open needs for which no active product passes every eligibility rule (the engine's own rules,
    checked for all open needs against the whole catalogue at once)."""
    frame = data.open_needs_frame(at=today)
    products = data.active_products()
    if frame.empty:
        return _grid({})
    if len(products):
        fits = eligibility.check(Needs(frame), products).eligible.any(axis=1)
    else:
        fits = np.zeros(len(frame), dtype=bool)
    left = frame.loc[~fits].assign(band=lambda f: f["amount_cny"].map(band_of))
    grouped = left.groupby(["industry", "band"])["amount_cny"].agg(["count", "sum"])
    return _grid({key: (int(row["count"]), int(row["sum"])) for key, row in grouped.iterrows()})


def without_application(*, now: dt.datetime | None = None) -> list[dict]:
    """Open needs older than two weeks that no firm has applied with."""
    cutoff = (now or now_utc()) - STALE_AFTER
    band = _band_sql(FinancingNeed.amount_cny)
    rows = db.session.execute(
        sa.select(Enterprise.industry, band, sa.func.count(FinancingNeed.id), sa.func.sum(FinancingNeed.amount_cny))
        .join(FinancingNeed.enterprise)
        .where(FinancingNeed.status == NeedStatus.OPEN, FinancingNeed.created_at < cutoff,
               ~sa.exists().where(Application.need_id == FinancingNeed.id))
        .group_by(Enterprise.industry, band)
    ).all()
    return _grid({(industry.value, name): (int(count), int(amount)) for industry, name, count, amount in rows})


def report(*, today: dt.date | None = None) -> dict:
    today = today or dt.date.today()
    return {"without_product": without_product(today=today), "without_application": without_application(),
            "bands": [name for _, name in AMOUNT_BANDS], "stale_days": STALE_AFTER.days}
