"""Entitlements computed, not applied for (免申即享): for every firm and every policy in force, what the firm is owed
now and why, from the facts and deals the platform already holds. Recomputed for one firm as soon as its facts move
(a disbursement, a repayment, a listing stage) and for the whole market by a nightly task; an entitlement the firm
has claimed is frozen, its amount what the bureau decides on. The firm confirms only where the money goes."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from celery import shared_task
from flask import current_app

from models import Entitlement, EntitlementStatus, Policy, db, now_utc

from .. import notifications, signals
from ..sql import LOCAL
from ..wording import N_
from . import benefits, conditions, facts

ONCE = "once"
PAID_OR_GOING = (EntitlementStatus.CLAIMED, EntitlementStatus.APPROVED, EntitlementStatus.PAID)


def today() -> dt.date:
    return now_utc().astimezone(LOCAL).date()


def in_force(on: dt.date) -> list[Policy]:
    return list(db.session.scalars(sa.select(Policy).where(Policy.valid_from <= on, Policy.valid_to >= on)
                                   .order_by(Policy.id)))


def owed(policy: Policy, *, firm: dict, deals: list[dict], on: dt.date, paid_this_year_cny: int = 0):
    """(period, amount, basis) of what the firm is owed under the policy now, or None when it does not qualify.
    ``basis``: each condition met in words, then the arithmetic."""
    verdict = conditions.evaluate(policy.conditions, firm=firm, loans=deals)
    if not verdict.met:
        return None
    benefit, kind = policy.benefit, policy.benefit["type"]
    if kind == "interest_subsidy":
        lent = [d for d in verdict.loans if "balance_cny" in d]
        if not lent:
            return None
        lpr = benefits.lpr_on(current_app.config["LPR_1Y_PCT"], on)
        amount = benefits.interest_subsidy(benefit, loans=lent, lpr_pct=lpr, today=on,
                                           paid_this_year_cny=paid_this_year_cny)
        period = str(on.year)
    elif kind in ("guarantee_fee_subsidy", "premium_subsidy"):
        granted = [d for d in verdict.loans if "charge_cny" in d and d["disbursed_on"] and d["disbursed_on"].year == on.year]
        if not granted:
            return None
        charge = sum(d["charge_cny"] for d in granted)
        if kind == "premium_subsidy":
            amount = benefits.premium_subsidy(benefit, premium_cny=charge, paid_this_year_cny=paid_this_year_cny)
        else:
            amount = benefits.guarantee_fee_subsidy(benefit, fee_cny=charge, guaranteed_cny=sum(
                d["amount_cny"] for d in granted), paid_this_year_cny=paid_this_year_cny)
        period = str(on.year)
    else:  # fixed_award: once a firm
        amount, period = benefits.fixed_award(benefit), ONCE
    if amount.amount_cny <= 0:
        return None
    return period, amount.amount_cny, verdict.basis + amount.basis


def refresh(*, enterprise_ids: list[int] | None = None, on: dt.date | None = None, tell: bool = True) -> int:
    """Compute what each firm (all, or those named) is owed now and write it: the open entitlement of each policy and
    firm follows the facts until the firm claims it; a yearly benefit keeps accruing after a claim, and what accrues
    later in the year is a further entitlement (``2026-2`` …), less what was claimed before. A new one is told to the
    firm. → how many were created or changed."""
    on = on or today()
    policies = in_force(on)
    if not policies:
        return 0
    firms, deals = facts.firms(enterprise_ids), facts.deals(enterprise_ids)
    query = sa.select(Entitlement).where(Entitlement.policy_id.in_([p.id for p in policies]))
    if enterprise_ids is not None:
        query = query.where(Entitlement.enterprise_id.in_(enterprise_ids))
    rows: dict[tuple[int, int], list[Entitlement]] = {}
    for row in db.session.scalars(query.order_by(Entitlement.id)):
        rows.setdefault((row.policy_id, row.enterprise_id), []).append(row)
    changed = 0
    for policy in policies:
        yearly = policy.benefit["type"] != "fixed_award"
        for firm_id, firm in firms.items():
            mine = [r for r in rows.get((policy.id, firm_id), []) if not yearly or r.period.split("-")[0] == str(on.year)]
            frozen = [r for r in mine if r.status is not EntitlementStatus.AVAILABLE]
            if not yearly and frozen:
                continue  # an award is owed once
            claimed = sum(r.amount_cny for r in frozen if r.status in PAID_OR_GOING)
            result = owed(policy, firm=firm, deals=deals.get(firm_id, []), on=on, paid_this_year_cny=claimed)
            if result is None:
                continue
            period, amount, basis = result
            if yearly and frozen:
                period = f"{on.year}-{len(frozen) + 1}"
            open_row = next((r for r in mine if r.status is EntitlementStatus.AVAILABLE), None)
            if open_row is None:
                db.session.add(Entitlement(policy_id=policy.id, enterprise_id=firm_id, period=period, amount_cny=amount,
                                           basis=basis, status=EntitlementStatus.AVAILABLE, computed_at=now_utc()))
                if tell:
                    notifications.notify(enterprise_id=firm_id, kind="policy.entitlement", link="/enterprise/policies",
                                         message=N_("您可享受「%(value)s」%(amount)s 元，确认收款账户即可申领",
                                                    value=policy.name, amount=f"{amount:,}"))
                changed += 1
            elif (open_row.amount_cny, open_row.basis) != (amount, basis):
                open_row.amount_cny, open_row.basis, open_row.computed_at = amount, basis, now_utc()
                changed += 1
    db.session.flush()
    return changed


def expire(*, on: dt.date | None = None) -> int:
    """Entitlements still unclaimed under a policy that has ended expire."""
    on = on or today()
    ended = sa.select(Policy.id).where(Policy.valid_to < on)
    moved = db.session.execute(sa.update(Entitlement).where(Entitlement.status == EntitlementStatus.AVAILABLE,
                                                            Entitlement.policy_id.in_(ended))
                               .values(status=EntitlementStatus.EXPIRED).execution_options(synchronize_session=False))
    return moved.rowcount


@signals.firm_facts_changed.connect
def _on_firm_facts_changed(_sender=None, *, enterprise_id: int) -> None:
    """A firm's loan, repayment or listing stage moved: what it is owed is computed at once, in the same
    transaction, and a new entitlement told to it."""
    refresh(enterprise_ids=[enterprise_id])


@shared_task(name="matchmaker.policy.refresh")
def refresh_task() -> int:
    changed = refresh() + expire()
    db.session.commit()  # the task is its own boundary
    return changed
