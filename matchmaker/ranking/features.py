"""Features for (need, product) pairs, built for all pairs at once.

Firm facts (with the knowledge-value grade and, when the firm keeps an IP register, what it can pledge),
need terms, product terms, pair features and the product's own id (the ranker learns each
product's appetite from its history and scores a product it never saw as its kind). No enterprise id
appears, so a firm that is new today is scored like any other.
"""
from __future__ import annotations

import numpy as np

from .codes import INDUSTRIES, IP_BASED_KINDS, KINDS, NON_LENDING_KINDS, SECURED_KINDS
from .eligibility import Eligibility, counted_ip, pledge_cover
from .frames import Needs, Products

FIRM = ["rating", "log_years", "log_revenue", "log_employees", "rd_ratio", "log_ip", "high_tech", "specialized",
        "tech_sme", "collateral_offered", *[f"industry_{c}" for c in INDUSTRIES], "log_amount", "term",
        "kv_grade", "ip_registered", "log_pledgeable"]
PRODUCT = [*[f"kind_{k}" for k in KINDS], "log_min_amount", "log_max_amount", "min_term", "max_term", "rate_min",
           "rate_max", "focused", "min_rating", "min_years", "log_min_revenue", "min_ip", "required_certs",
           "collateral_required", "lending", "ip_based", "secured", "min_kv_grade"]
PAIR = ["product_id", "leverage", "amount_position", "term_position", "rate_headroom", "industry_focus", "ip_for_ip_product",
        "collateral_for_secured", "rate_x_lending", "failed_rules", "rating_margin", "years_margin", "kv_grade_margin",
        "pledge_cover"]
FEATURES = FIRM + PRODUCT + PAIR

# What a firm and its need bring: each product kind may weigh these its own way.
INTERACTING = ["rating", "log_years", "log_revenue", "log_employees", "rd_ratio", "log_ip", "high_tech", "specialized",
               "tech_sme", "collateral_offered", *[f"industry_{c}" for c in INDUSTRIES], "log_amount", "term",
               "leverage", "term_position", "rating_margin", "years_margin", "industry_focus", "rate_headroom",
               "kv_grade", "log_pledgeable"]


def model_roles() -> dict:
    """Which columns the ranker reads as the product's kind, its identity and the amount's place."""
    col = {name: k for k, name in enumerate(FEATURES)}
    return {"kind_columns": tuple(col[f"kind_{k}"] for k in KINDS), "product_column": col["product_id"],
            "position_column": col["amount_position"], "interacting": tuple(col[n] for n in INTERACTING)}


def _firm_block(n: Needs, i: np.ndarray) -> list[np.ndarray]:
    onehot = np.eye(len(INDUSTRIES), dtype=np.float32)[n.industry[i]]
    return [n.rating[i], np.log1p(np.maximum(n.years[i], 0)), np.log10(np.maximum(n.revenue[i], 1e5)),
            np.log10(np.maximum(n.employees[i], 1)), n.rd_ratio[i], np.log1p(n.ip[i]),
            n.certs[i, 0], n.certs[i, 1], n.certs[i, 2], n.collateral[i], *onehot.T,
            np.log10(np.maximum(n.amount[i], 1)), n.term[i], n.grade[i], n.registered[i],
            np.log1p(np.nan_to_num(n.pledgeable[i]) / 10_000)]


def _product_block(p: Products, j: np.ndarray) -> list[np.ndarray]:
    kinds = np.asarray(KINDS)[p.kind[j]]
    onehot = np.eye(len(KINDS), dtype=np.float32)[p.kind[j]]
    return [*onehot.T, np.log10(p.min_amount[j]), np.log10(p.max_amount[j]), p.min_term[j], p.max_term[j],
            p.rate_min[j], p.rate_max[j], p.focused[j], p.min_rating[j], p.min_years[j],
            np.log10(np.maximum(p.min_revenue[j], 1)), p.min_ip[j], p.required[j].sum(axis=1),
            p.collateral_required[j], ~np.isin(kinds, list(NON_LENDING_KINDS)), np.isin(kinds, list(IP_BASED_KINDS)),
            np.isin(kinds, list(SECURED_KINDS)), p.min_grade[j]]


def pair_features(needs: Needs, products: Products, i: np.ndarray, j: np.ndarray,
                  failed_rules: np.ndarray) -> np.ndarray:
    """The feature matrix (pairs × FEATURES) for need rows ``i`` paired with product rows ``j``."""
    n, p = needs, products
    kinds = np.asarray(KINDS)[p.kind[j]]
    ip_based = np.isin(kinds, list(IP_BASED_KINDS))
    secured = np.isin(kinds, list(SECURED_KINDS))
    lending = ~np.isin(kinds, list(NON_LENDING_KINDS))
    log_amount = np.log(np.maximum(n.amount[i], 1))
    span = np.maximum(np.log(p.max_amount[j]) - np.log(p.min_amount[j]), 1e-6)
    term_span = np.maximum(p.max_term[j] - p.min_term[j], 1)
    industry_in = p.industry_ok[j, n.industry[i]]
    # How many times the pledge covers the amount, where both a register and a ratio are known (0 elsewhere).
    cover = np.nan_to_num(pledge_cover(n, p, i, j) / np.maximum(n.amount[i], 1))
    pair = [
        p.id[j],
        n.amount[i] / np.maximum(n.revenue[i], 1e5),
        (log_amount - np.log(p.min_amount[j])) / span,
        (n.term[i] - p.min_term[j]) / term_span,
        np.clip(n.max_rate[i] - p.rate_min[j], -10, 10),
        p.focused[j] & industry_in,
        np.sqrt(np.minimum(counted_ip(n, p, i, j), 25)) * ip_based,
        n.collateral[i] & secured,
        p.rate_min[j] * lending,
        failed_rules,
        n.rating[i] - p.min_rating[j],
        np.clip(n.years[i] - p.min_years[j], -10, 30),
        # Only where the product sets a minimum: elsewhere it would repeat the grade itself.
        np.where(p.min_grade[j] > 0, n.grade[i] - p.min_grade[j], 0),
        np.minimum(cover, 3),
    ]
    columns = _firm_block(n, i) + _product_block(p, j) + pair
    return np.column_stack([np.asarray(c, dtype=np.float32) for c in columns])


def block_features(elig: Eligibility) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Features for every pair of an eligibility block, row-major (need by need)."""
    rows, cols = np.indices(elig.failed_count.shape)
    i = elig.need_index[rows.ravel()]
    j = elig.product_index[cols.ravel()]
    return pair_features(elig.needs, elig.products, i, j, elig.failed_count.ravel()), i, j
