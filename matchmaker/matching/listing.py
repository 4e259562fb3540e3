"""What a firm chooses from: its need's matches with a band in words, an estimated cost and the
institution's speed, sorted three ways, filtered and paged. The page and the API both list through
here, so the order a firm sees on its phone is the order a client reads from the API."""
from __future__ import annotations

import collections
import math
import time

from flask import current_app

from models import Application, User, db

from ..applications.figures import response_hours
from ..finance import estimated_cost_cny
from . import services

SORTS = ("approval", "cost", "speed")
BANDS = ("很可能", "较可能", "有一定机会", "可能性低")  # the contract's words, best first

# Per worker: the institutions' median hours to a decision (see RESPONSE_HOURS_KEPT_SECONDS).
_hours: dict = {}


def band(score: float, floors=None) -> str:
    """The words for an approval probability (MATCH_BAND_FLOORS: the lowest probability of each band
    but the last)."""
    floors = floors if floors is not None else current_app.config["MATCH_BAND_FLOORS"]
    for floor, words in zip(floors, BANDS):
        if score >= floor:
            return words
    return BANDS[-1]


def likely_rate_pct(*, rate_min_pct: float, rate_max_pct: float, score: float) -> float:
    """Where in its published range a product is likely to price this firm: banks price the firms
    they are surest of near the floor, so the approval probability places the rate (1 → floor,
    0 → ceiling)."""
    return rate_max_pct - score * (rate_max_pct - rate_min_pct)


def priced(item: dict, *, amount_cny: int, term_months: int) -> dict:
    """A match with what it would cost over the need's term: at the likely rate, and at both ends of
    the published range (None for equity, which charges no interest)."""
    rate = likely_rate_pct(rate_min_pct=item["rate_min_pct"], rate_max_pct=item["rate_max_pct"], score=item["score"])

    def cost(rate_pct: float) -> int | None:
        return estimated_cost_cny(kind=item["kind"], amount_cny=amount_cny, term_months=term_months, rate_pct=rate_pct)

    item.update(likely_rate_pct=round(rate, 2), estimated_cost_cny=cost(rate),
                cost_min_cny=cost(item["rate_min_pct"]), cost_max_cny=cost(item["rate_max_pct"]))
    return item


def median_response_hours() -> dict[int, float]:
    """Per institution, the median hours from application to decision, kept a few minutes per worker:
    a firm paging through its matches must not pay for a window function over every decision."""
    return _response_hours_entry()[1]


def _response_hours_entry() -> tuple[float, dict[int, float]]:
    """(when read, the figures): the time tells the listings priced with them apart."""
    kept_for = current_app.config["RESPONSE_HOURS_KEPT_SECONDS"]
    key = str(db.engine.url)
    entry = _hours.get(key)
    if entry is None or time.monotonic() - entry[0] > kept_for:
        figures = response_hours(group=Application.institution_id)
        entry = (time.monotonic(), {int(k): v["median"] for k, v in figures.items()})
        _hours[key] = entry
    return entry


def forget() -> None:
    _hours.clear()
    _listings.clear()


def _sort_key(sort: str):
    """Each group's order: the chosen figure (missing ones last), then the likelier approval, then the id."""
    figure = {"cost": "estimated_cost_cny", "speed": "median_response_hours"}.get(sort)
    if figure is None:
        return lambda i: (-i["score"], i["product_id"])
    return lambda i: (math.inf if i[figure] is None else i[figure], -i["score"], i["product_id"])


# Per worker: a ranking priced, banded and sorted, kept while its ranking, the speed figures and the
# bands stay the same. Paging through the matches then costs a filter and a slice.
_listings: collections.OrderedDict = collections.OrderedDict()
LISTINGS_KEPT = 1024


def _listing(ranking: services.Ranking) -> dict:
    """{sort: (eligible, failing)}: the ranking's items, priced and banded, in each sort's order."""
    stamp, hours = _response_hours_entry()
    floors = tuple(current_app.config["MATCH_BAND_FLOORS"])
    key = ranking.key, stamp, floors
    if (kept := _listings.get(key)) is not None:
        _listings.move_to_end(key)
        return kept
    eligible, failing = [], []
    for shared in ranking.items:
        item = priced(dict(shared), amount_cny=ranking.amount_cny, term_months=ranking.term_months)
        item.update(band=band(item["score"]), median_response_hours=hours.get(item["institution_id"]))
        (eligible if item["eligible"] else failing).append(item)
    kept = {sort: (sorted(eligible, key=_sort_key(sort)), sorted(failing, key=_sort_key(sort))) for sort in SORTS}
    _listings[key] = kept
    if len(_listings) > LISTINGS_KEPT:
        _listings.popitem(last=False)
    return kept


def get_all(*, need_id: int, actor: User | None = None, sort: str = "approval", offset: int = 0,
            limit: int | None, include_ineligible: bool = False, kind: str | None = None,
            max_rate_pct: float | None = None, product_ids=None) -> dict:
    """A need's matches: eligible ones first, then (with ``include_ineligible``) every active product
    the need fails, with what is missing; each group in ``sort`` order, equal keys by product id.
    ``total`` counts the eligible matches, ``ineligible_total`` the failing ones (after the filters)."""
    if sort not in SORTS:
        raise ValueError(f"unknown sort {sort!r}")
    ranking = services.kept_ranking(need_id=need_id, actor=actor)
    eligible, failing = _listing(ranking)[sort]
    if kind or max_rate_pct is not None or product_ids is not None:
        def wanted(item: dict) -> bool:
            return ((not kind or item["kind"] == kind)
                    and (max_rate_pct is None or item["rate_min_pct"] <= max_rate_pct)
                    and (product_ids is None or item["product_id"] in product_ids))

        eligible, failing = [i for i in eligible if wanted(i)], [i for i in failing if wanted(i)]
    listed = eligible + failing if include_ineligible else eligible
    end = None if limit is None else offset + limit
    return {"items": [dict(item) for item in listed[offset:end]], "total": len(eligible),
            "ineligible_total": len(failing), "offset": offset, "sort": sort, "model_version": ranking.model_version}
