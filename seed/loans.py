"""The demo market's loans: every lending application disbursed in the history becomes a loan, repaid on its
schedule up to the market's date, except for a few firms that stop paying (more often the weaker ones, by
the hidden quality that also shaped their approvals): their loans are overdue since the first instalment
missed. Drawn from a stream of its own, so the rest of the market is the same draw for draw.
"""
from __future__ import annotations

import datetime as dt
import math
import random
from zoneinfo import ZoneInfo

from models.loan_schedule import schedule

from .market import Market

LOCAL = ZoneInfo("Asia/Shanghai")
NOT_LOANS = frozenset({"guarantee", "tech_insurance", "equity_investment"})
COVERED_KINDS = frozenset({"knowledge_value"})  # the fund's default cover (RISK_FUND_KINDS)
STOP_PAYING = 0.04  # the share of loans whose firm stops paying at some instalment, for an average firm


def draw(market: Market, *, seed: int, as_of: dt.date) -> tuple[list[dict], list[dict]]:
    """(loan rows, repayment rows) for the disbursed applications of ``market``."""
    stream = random.Random(f"loans-{seed}")
    products = {p["id"]: p for p in market.products}
    loans, repayments = [], []
    for app in market.applications:
        product = products[app["product_id"]]
        if app["status"] != "disbursed" or product["kind"] in NOT_LOANS:
            continue
        method = (product["repayment_methods"] or ["equal_installment"])[0]
        disbursed_on = app["disbursed_at"].astimezone(LOCAL).date()
        term = app["approved_term_months"] or app["term_months"]
        principal = app["disbursed_amount_cny"]
        plan = schedule(principal_cny=principal, rate_pct=app["rate_pct"], term_months=term,
                        disbursed_on=disbursed_on, repayment=method)
        quality = float(market.quality[app["enterprise_id"] - 1])
        stops = stream.random() < min(0.5, STOP_PAYING * math.exp(-0.8 * quality))
        stop_at = stream.randrange(len(plan)) if stops else len(plan)
        loan_id = len(loans) + 1
        paid = 0
        for k, instalment in enumerate(plan):
            if k >= stop_at or instalment.due_on > as_of:
                break
            repayments.append({"loan_id": loan_id, "paid_on": instalment.due_on, "principal_cny": instalment.principal_cny,
                               "interest_cny": instalment.interest_cny, "recorded_by": None,
                               "created_at": _utc(instalment.due_on)})
            paid += instalment.principal_cny
        missed = [i for i in plan[stop_at:] if i.due_on <= as_of]
        outstanding = principal - paid
        status, since, overdue = "current", None, 0
        if outstanding == 0:
            status = "repaid"
        elif missed:
            status, since = "overdue", missed[0].due_on
            overdue = min(outstanding, max(1, sum(i.principal_cny for i in missed)))
        loans.append({"id": loan_id, "application_id": app["id"], "enterprise_id": app["enterprise_id"],
                      "institution_id": app["institution_id"], "product_id": app["product_id"],
                      "principal_cny": principal, "rate_pct": app["rate_pct"], "term_months": term,
                      "disbursed_on": disbursed_on, "repayment": method, "outstanding_cny": outstanding,
                      "status": status, "risk_fund_covered": product["kind"] in COVERED_KINDS,
                      "overdue_since": since, "overdue_principal_cny": overdue,
                      "created_at": app["disbursed_at"], "updated_at": app["disbursed_at"]})
    return loans, repayments


def _utc(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(10), LOCAL).astimezone(dt.timezone.utc)
