"""How far a product would reach before it is published: the open needs its terms and rules fit, shown
to the officer while the product form is filled in."""
from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import pandas as pd

from ..products import services as products
from ..ranking import eligibility
from ..ranking.frames import Needs, Products
from . import data


def open_needs_fitting(values: Mapping[str, Any], *, today: dt.date | None = None) -> int:
    """How many of today's open needs a product with these terms and rules would fit (before publishing)."""
    if products.check(values):
        return 0
    row = {"product_id": 0, "industries": [], "min_years": 0, "min_annual_revenue_cny": 0, "min_ip_count": 0,
           "required_certifications": [], "min_credit_rating": None, "collateral_required": False,
           "min_credit_grade": None, "pledge_ratio_pct": None}
    row.update({k: v for k, v in values.items() if k in products.TERMS + products.RULES})
    needs = data.open_needs_frame(at=today or dt.date.today())
    if needs.empty:
        return 0
    block = eligibility.check(Needs(needs), Products(pd.DataFrame([row])))
    return int(block.eligible.sum())
