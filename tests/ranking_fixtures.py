"""Small hand-made needs and products for the engine's tests."""
from __future__ import annotations

import pandas as pd

from matchmaker.ranking.frames import Needs, Products


def need_row(**overrides) -> dict:
    row = {"need_id": 1, "amount_cny": 2_000_000, "term_months": 12, "preferred_kinds": [], "max_rate_pct": None,
           "collateral_offered": True, "years": 6.0, "employees": 80, "annual_revenue_cny": 30_000_000,
           "rd_ratio_pct": 8.0, "ip_count": 12, "certifications": ["high_tech_enterprise", "tech_sme"],
           "credit_rating": "A", "industry": "next_gen_it", "credit_grade": None,
           "pledgeable_ip_value_cny": float("nan"), "pledgeable_ip_count": float("nan")}
    row.update(overrides)
    return row


def product_row(**overrides) -> dict:
    row = {"product_id": 1, "kind": "credit_loan", "min_amount_cny": 100_000, "max_amount_cny": 5_000_000,
           "min_term_months": 6, "max_term_months": 36, "rate_min_pct": 3.65, "rate_max_pct": 5.5, "industries": [],
           "min_years": 0, "min_annual_revenue_cny": 0, "min_ip_count": 0, "required_certifications": [],
           "min_credit_rating": None, "collateral_required": False, "min_credit_grade": None,
           "pledge_ratio_pct": None}
    row.update(overrides)
    return row


def needs(*rows: dict) -> Needs:
    return Needs(pd.DataFrame(list(rows) or [need_row()]))


def products(*rows: dict) -> Products:
    return Products(pd.DataFrame(list(rows) or [product_row()]))
