"""The approval law of the demo market: how an institution in this market decides.

The seeded 2019-2021 history is drawn from this law, so on the demo market the truth is known and
a ranker can be measured against the oracle that knows it (design.md, "Evaluation").

For an application of firm f with need n to product p, the log-odds of approval are

    z = -1.90
        + 0.55 * (rating_rank - 4)                  # AAA=7 ... BBB=4 ... C=1: the strongest signal
        + 0.45 * ln(1 + years_in_business)
        + 0.35 * log10(annual_revenue / 1,000,000)  # scale, per tenfold revenue
        - 1.60 * max(0, amount / revenue - 0.5)     # asking for more than half a year's revenue
        + 0.35 * high_tech_enterprise + 0.25 * specialized_innovative + 0.15 * tech_sme
        + 0.30 * sqrt(min(ip_count, 25)) * ip_based(p)          # IP matters to IP-based products
        + 0.60 * collateral(f, n) * secured(p)                  # pledged assets matter to secured products
        + 0.45 * industry_focus(p, f)                           # a product built for the firm's industry
        + 0.30 * (rate_min_pct(p) - 4.0) * lending(p)           # risk-based pricing: dearer products accept more risk
        + appetite(p)                                           # the institution's own appetite, N(0, 0.15)
        + 0.30 * q(f)                                           # what lenders learn off the platform, N(0, 1)
        - 2.50 * failed_rules(f, n, p)                          # applications outside the rules rarely pass

    P(approve) = 1 / (1 + exp(-z))

``q`` is the firm's hidden quality; it also nudges the firm's credit rating when the market is drawn,
so the rating carries part of it, as in life. ``appetite`` is drawn once per product.
"""
from __future__ import annotations

import numpy as np

IP_BASED_KINDS = frozenset({"knowledge_value", "ip_pledge", "gaoxin_dai", "equity_investment"})
SECURED_KINDS = frozenset({"equipment_mortgage", "equity_pledge", "leasing", "supply_chain", "guarantee"})
NON_LENDING_KINDS = frozenset({"equity_investment", "tech_insurance", "guarantee"})
RATING_RANK = {"AAA": 7, "AA": 6, "A": 5, "BBB": 4, "BB": 3, "B": 2, "C": 1}


def approval_logit(
    *,
    rating_rank: np.ndarray,
    years: np.ndarray,
    revenue_cny: np.ndarray,
    amount_cny: np.ndarray,
    high_tech: np.ndarray,
    specialized: np.ndarray,
    tech_sme: np.ndarray,
    ip_count: np.ndarray,
    collateral: np.ndarray,
    ip_based: np.ndarray,
    secured: np.ndarray,
    industry_focus: np.ndarray,
    rate_min_pct: np.ndarray,
    lending: np.ndarray,
    appetite: np.ndarray,
    quality: np.ndarray,
    failed_rules: np.ndarray,
) -> np.ndarray:
    """Vectorised over applications: every argument is an array of the same length."""
    revenue = np.maximum(revenue_cny.astype(float), 1e5)
    leverage = amount_cny.astype(float) / revenue
    return (
        -1.90
        + 0.55 * (rating_rank - 4)
        + 0.45 * np.log1p(np.maximum(years, 0))
        + 0.35 * np.log10(revenue / 1e6)
        - 1.60 * np.maximum(0.0, leverage - 0.5)
        + 0.35 * high_tech + 0.25 * specialized + 0.15 * tech_sme
        + 0.30 * np.sqrt(np.minimum(ip_count, 25)) * ip_based
        + 0.60 * collateral * secured
        + 0.45 * industry_focus
        + 0.30 * (rate_min_pct - 4.0) * lending
        + appetite
        + 0.30 * quality
        - 2.50 * failed_rules
    )


def approval_probability(**arrays: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-approval_logit(**arrays)))
