"""What a product would cost the firm for a given amount and term, computed the same way for all."""
from __future__ import annotations

LENDING_FREE = {"equity_investment"}
FEE_KINDS = {"guarantee", "tech_insurance"}  # the rate is a yearly fee or premium on the amount


def estimated_cost_cny(*, kind: str, amount_cny: int, term_months: int, rate_pct: float) -> int | None:
    """Total interest (equal monthly instalments, 等额本息) or total fees over the term; None for equity."""
    if kind in LENDING_FREE:
        return None
    if kind in FEE_KINDS:
        return round(amount_cny * rate_pct / 100 * term_months / 12)
    monthly = rate_pct / 100 / 12
    if monthly == 0:
        return 0
    instalment = amount_cny * monthly / (1 - (1 + monthly) ** -term_months)
    return round(instalment * term_months - amount_cny)
