"""Features for (need, product) pairs, built for all pairs at once.

Firm facts, need terms, product terms and pair features. No enterprise or product ids appear, so a
firm or a product that is new today is scored like any other.
"""
from __future__ import annotations

import numpy as np

from .codes import INDUSTRIES, IP_BASED_KINDS, KINDS, NON_LENDING_KINDS, SECURED_KINDS
from .eligibility import Eligibility
from .frames import Needs, Products

FIRM = ["rating", "log_years", "log_revenue", "log_employees", "rd_ratio", "log_ip", "high_tech", "specialized",
        "tech_sme", "collateral_offered", *[f"industry_{c}" for c in INDUSTRIES], "log_amount", "term"]
PRODUCT = [*[f"kind_{k}" for k in KINDS], "log_min_amount", "log_max_amount", "min_term", "max_term", "rate_min",
           "rate_max", "focused", "min_rating", "min_years", "log_min_revenue", "min_ip", "required_certs",
           "collateral_required", "lending", "ip_based", "secured"]
PAIR = ["track_lift", "track_volume", "leverage", "amount_position", "term_position", "rate_headroom", "industry_focus", "ip_for_ip_product",
        "collateral_for_secured", "rate_x_lending", "failed_rules", "rating_margin", "years_margin"]
FEATURES = FIRM + PRODUCT + PAIR

# A product's record counts for little until it has this many decisions behind it.
TRACK_PRIOR_WEIGHT = 10

# Where the domain is clear, more of a thing never lowers the estimated chance of approval.
MONOTONIC = {"rating": 1, "log_years": 1, "log_revenue": 1, "high_tech": 1, "specialized": 1, "tech_sme": 1,
             "leverage": -1, "ip_for_ip_product": 1, "collateral_for_secured": 1, "failed_rules": -1,
             "rating_margin": 1, "industry_focus": 1, "track_lift": 1}


def monotonic_constraints() -> list[int]:
    return [MONOTONIC.get(name, 0) for name in FEATURES]


def _firm_block(n: Needs, i: np.ndarray) -> list[np.ndarray]:
    onehot = np.eye(len(INDUSTRIES), dtype=np.float32)[n.industry[i]]
    return [n.rating[i], np.log1p(np.maximum(n.years[i], 0)), np.log10(np.maximum(n.revenue[i], 1e5)),
            np.log10(np.maximum(n.employees[i], 1)), n.rd_ratio[i], np.log1p(n.ip[i]),
            n.certs[i, 0], n.certs[i, 1], n.certs[i, 2], n.collateral[i], *onehot.T,
            np.log10(np.maximum(n.amount[i], 1)), n.term[i]]


def _product_block(p: Products, j: np.ndarray) -> list[np.ndarray]:
    kinds = np.asarray(KINDS)[p.kind[j]]
    onehot = np.eye(len(KINDS), dtype=np.float32)[p.kind[j]]
    return [*onehot.T, np.log10(p.min_amount[j]), np.log10(p.max_amount[j]), p.min_term[j], p.max_term[j],
            p.rate_min[j], p.rate_max[j], p.focused[j], p.min_rating[j], p.min_years[j],
            np.log10(np.maximum(p.min_revenue[j], 1)), p.min_ip[j], p.required[j].sum(axis=1),
            p.collateral_required[j], ~np.isin(kinds, list(NON_LENDING_KINDS)), np.isin(kinds, list(IP_BASED_KINDS)),
            np.isin(kinds, list(SECURED_KINDS))]


def track_lift(approved: np.ndarray, expected: np.ndarray, decided: np.ndarray) -> np.ndarray:
    """How much more often a product approved than its applicants' credit ratings predicted.

    (approvals − expected approvals) / (decisions + prior weight): zero for a new product, and
    shrunk towards zero while its record is short. Adjusting for the applicants' ratings keeps a
    product that attracts strong firms from looking lenient.
    """
    return (approved - expected) / (decided + TRACK_PRIOR_WEIGHT)


def pair_features(needs: Needs, products: Products, i: np.ndarray, j: np.ndarray,
                  failed_rules: np.ndarray, track: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None,
                  ) -> np.ndarray:
    """The feature matrix (pairs × FEATURES) for need rows ``i`` paired with product rows ``j``.

    ``track`` gives each pair's product record (approved, expected, decided) as it stood when the
    need was published; by default the products' current record.
    """
    n, p = needs, products
    approved, expected, decided = track if track is not None else (p.approved[j], p.expected[j], p.decided[j])
    kinds = np.asarray(KINDS)[p.kind[j]]
    ip_based = np.isin(kinds, list(IP_BASED_KINDS))
    secured = np.isin(kinds, list(SECURED_KINDS))
    lending = ~np.isin(kinds, list(NON_LENDING_KINDS))
    log_amount = np.log(np.maximum(n.amount[i], 1))
    span = np.maximum(np.log(p.max_amount[j]) - np.log(p.min_amount[j]), 1e-6)
    term_span = np.maximum(p.max_term[j] - p.min_term[j], 1)
    industry_in = p.industry_ok[j, n.industry[i]]
    pair = [
        track_lift(approved, expected, decided),
        np.log1p(decided),
        n.amount[i] / np.maximum(n.revenue[i], 1e5),
        (log_amount - np.log(p.min_amount[j])) / span,
        (n.term[i] - p.min_term[j]) / term_span,
        np.clip(n.max_rate[i] - p.rate_min[j], -10, 10),
        p.focused[j] & industry_in,
        np.sqrt(np.minimum(n.ip[i], 25)) * ip_based,
        n.collateral[i] & secured,
        p.rate_min[j] * lending,
        failed_rules,
        n.rating[i] - p.min_rating[j],
        np.clip(n.years[i] - p.min_years[j], -10, 30),
    ]
    columns = _firm_block(n, i) + _product_block(p, j) + pair
    return np.column_stack([np.asarray(c, dtype=np.float32) for c in columns])


def block_features(elig: Eligibility) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Features for every pair of an eligibility block, row-major (need by need)."""
    rows, cols = np.indices(elig.failed_count.shape)
    i = elig.need_index[rows.ravel()]
    j = elig.product_index[cols.ravel()]
    return pair_features(elig.needs, elig.products, i, j, elig.failed_count.ravel()), i, j
