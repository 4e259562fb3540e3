"""Needs and products as column arrays: the engine's input, built once per batch.

A need row carries its firm's facts as they stood when it is scored (``years`` is counted to the
need's date for history, to today for live needs), its knowledge-value grade (``credit_grade``, None
without one) and, when the firm keeps an IP register, what it can pledge (``pledgeable_ip_value_cny`` and
``pledgeable_ip_count``, NaN without a register: then only the declared ``ip_count`` is known).
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from .codes import CERTIFICATIONS, GRADE_RANK, INDUSTRIES, KINDS, RATING_RANK

NEED_COLUMNS = ("need_id", "amount_cny", "term_months", "preferred_kinds", "max_rate_pct", "collateral_offered",
                "years", "employees", "annual_revenue_cny", "rd_ratio_pct", "ip_count", "certifications",
                "credit_rating", "industry", "credit_grade", "pledgeable_ip_value_cny", "pledgeable_ip_count")
PRODUCT_COLUMNS = ("product_id", "kind", "min_amount_cny", "max_amount_cny", "min_term_months",
                   "max_term_months", "rate_min_pct", "rate_max_pct", "industries", "min_years",
                   "min_annual_revenue_cny", "min_ip_count", "required_certifications", "min_credit_rating",
                   "collateral_required", "min_credit_grade", "pledge_ratio_pct")


def _codes_mask(lists: Sequence, codes: Sequence[str], empty_means_all: bool) -> np.ndarray:
    """A boolean matrix (rows × codes): which codes each row's list holds."""
    mask = np.zeros((len(lists), len(codes)), dtype=bool)
    index = {c: i for i, c in enumerate(codes)}
    for row, values in enumerate(lists):
        if not values:
            if empty_means_all:
                mask[row] = True
            continue
        for value in values:
            if value in index:
                mask[row, index[value]] = True
    return mask


def _checked(frame: pd.DataFrame, columns: tuple[str, ...], what: str) -> pd.DataFrame:
    missing = set(columns) - set(frame.columns)
    if missing:
        raise ValueError(f"{what} frame lacks columns: {sorted(missing)}")
    return frame.reset_index(drop=True)


class Needs:
    """Needs with their firm's facts, as arrays (one entry per need)."""

    def __init__(self, frame: pd.DataFrame):
        self.frame = _checked(frame, NEED_COLUMNS, "need")
        f = self.frame
        self.id = f["need_id"].to_numpy()
        self.amount = f["amount_cny"].to_numpy(dtype=float)
        self.term = f["term_months"].to_numpy(dtype=float)
        self.preferred = _codes_mask(f["preferred_kinds"], KINDS, empty_means_all=True)
        self.max_rate = f["max_rate_pct"].astype(float).fillna(np.inf).to_numpy()
        self.collateral = f["collateral_offered"].to_numpy(dtype=bool)
        self.years = f["years"].to_numpy(dtype=float)
        self.employees = f["employees"].to_numpy(dtype=float)
        self.revenue = f["annual_revenue_cny"].to_numpy(dtype=float)
        self.rd_ratio = f["rd_ratio_pct"].to_numpy(dtype=float)
        self.ip = f["ip_count"].to_numpy(dtype=float)
        self.certs = _codes_mask(f["certifications"], CERTIFICATIONS, empty_means_all=False)
        self.rating = f["credit_rating"].map(RATING_RANK).to_numpy(dtype=float)
        self.industry = f["industry"].map({c: i for i, c in enumerate(INDUSTRIES)}).to_numpy(dtype=int)
        self.rating_code = f["credit_rating"].to_numpy()
        self.grade = f["credit_grade"].map(GRADE_RANK).fillna(0).to_numpy(dtype=float)
        self.grade_code = f["credit_grade"].to_numpy()
        self.pledgeable = f["pledgeable_ip_value_cny"].astype(float).to_numpy()
        self.registered = ~np.isnan(self.pledgeable)
        self.pledgeable_ip = f["pledgeable_ip_count"].astype(float).to_numpy()

    def __len__(self) -> int:
        return len(self.id)


class Products:
    """Products with their terms and eligibility rules, as arrays (one entry per product)."""

    def __init__(self, frame: pd.DataFrame):
        self.frame = _checked(frame, PRODUCT_COLUMNS, "product")
        f = self.frame
        self.id = f["product_id"].to_numpy()
        self.kind = f["kind"].map({k: i for i, k in enumerate(KINDS)}).to_numpy(dtype=int)
        self.kind_code = f["kind"].to_numpy()
        self.min_amount = f["min_amount_cny"].to_numpy(dtype=float)
        self.max_amount = f["max_amount_cny"].to_numpy(dtype=float)
        self.min_term = f["min_term_months"].to_numpy(dtype=float)
        self.max_term = f["max_term_months"].to_numpy(dtype=float)
        self.rate_min = f["rate_min_pct"].to_numpy(dtype=float)
        self.rate_max = f["rate_max_pct"].to_numpy(dtype=float)
        self.industry_ok = _codes_mask(f["industries"], INDUSTRIES, empty_means_all=True)
        self.focused = np.array([bool(v) for v in f["industries"]])
        self.industry_codes = list(f["industries"])
        self.min_years = f["min_years"].to_numpy(dtype=float)
        self.min_revenue = f["min_annual_revenue_cny"].to_numpy(dtype=float)
        self.min_ip = f["min_ip_count"].to_numpy(dtype=float)
        self.required = _codes_mask(f["required_certifications"], CERTIFICATIONS, empty_means_all=False)
        self.min_rating = f["min_credit_rating"].map(RATING_RANK).fillna(0).to_numpy(dtype=float)
        self.min_rating_code = f["min_credit_rating"].to_numpy()
        self.collateral_required = f["collateral_required"].to_numpy(dtype=bool)
        self.min_grade = f["min_credit_grade"].map(GRADE_RANK).fillna(0).to_numpy(dtype=float)
        self.pledge_ratio = f["pledge_ratio_pct"].astype(float).fillna(0).to_numpy() / 100
        self.ip_pledge = self.kind_code == "ip_pledge"

    def __len__(self) -> int:
        return len(self.id)
