"""The demo market's risk-compensation fund: the city and the district pay in every January (4 : 6), banks claim
on covered loans some three months after they went overdue, the bureau pays 80 % of the loss and writes the loan
off, and on some of them the bank later recovers part of the money, the fund's share going back. The most recent
overdue covered loan of each bank is still unclaimed (its officer can file it) and the two latest claims wait in
the bureau's queue. Drawn from a stream of its own; the balance is what came in, less what was paid, plus what
came back.

The seed imports the data model only, so the fund's figures are the configuration's defaults written again here
(matchmaker/config.py: RISK_FUND_COVER_PCT, RISK_FUND_CITY_SHARE, RISK_FUND_DISTRICT_SHARE).
"""
from __future__ import annotations

import datetime as dt
import random
from zoneinfo import ZoneInfo

LOCAL = ZoneInfo("Asia/Shanghai")
COVER_PCT, CITY_SHARE, DISTRICT_SHARE = 80, 4, 6
FIRST_YEAR_CNY, YEARLY_CNY = 5_000_000, 3_000_000  # the pool's first endowment, then a yearly top-up
CLAIM_AFTER_DAYS = 90  # banks claim once a loan is past 次级 (more than 90 days overdue)
PENDING_CLAIMS = 2
RECOVERY_SHARE = 0.3  # the share of paid claims on which the bank recovers something afterwards


def split(loss_cny: int) -> tuple[int, int, int]:
    covered = loss_cny * COVER_PCT // 100
    city = covered * CITY_SHARE // (CITY_SHARE + DISTRICT_SHARE)
    return covered, city, covered - city


def draw(loans: list[dict], *, seed: int, as_of: dt.date) -> dict[str, list[dict]]:
    """Contribution, claim and recovery rows and the fund's one row; the written-off loans are changed in place."""
    stream = random.Random(f"fund-{seed}")
    first = min((loan["disbursed_on"] for loan in loans), default=as_of)
    contributions = [
        {"city_cny": amount * CITY_SHARE // 10, "district_cny": amount - amount * CITY_SHARE // 10,
         "received_on": day, "recorded_by": None, "created_at": _utc(day)}
        for year in range(first.year, as_of.year + 1)
        if (day := dt.date(year, 1, 15)) <= as_of
        for amount in [FIRST_YEAR_CNY if year == first.year else YEARLY_CNY]]
    overdue = sorted((loan for loan in loans if loan["risk_fund_covered"] and loan["status"] == "overdue"
                      and loan["overdue_since"] + dt.timedelta(days=CLAIM_AFTER_DAYS) <= as_of),
                     key=lambda loan: (loan["overdue_since"], loan["id"]))
    latest = {loan["institution_id"]: loan["id"] for loan in overdue}
    claimed = [loan for loan in overdue if latest[loan["institution_id"]] != loan["id"]]
    claims, recoveries = [], []
    for n, loan in enumerate(claimed):
        loss = loan["overdue_principal_cny"]
        covered, city, district = split(loss)
        filed = min(as_of, loan["overdue_since"] + dt.timedelta(days=CLAIM_AFTER_DAYS + stream.randrange(30)))
        decided = min(as_of, filed + dt.timedelta(days=7 + stream.randrange(24)))
        pending = n >= len(claimed) - PENDING_CLAIMS
        claim = {"id": n + 1, "loan_id": loan["id"], "institution_id": loan["institution_id"], "loss_cny": loss,
                 "covered_cny": covered, "city_cny": city, "district_cny": district,
                 "status": "submitted" if pending else "approved", "reason": None, "submitted_by": None,
                 "decided_by": None, "created_at": _utc(filed), "decided_at": None if pending else _utc(decided),
                 "recovered_cny": 0, "returned_cny": 0}
        claims.append(claim)
        if pending:
            continue
        loan["status"], loan["updated_at"] = "written_off", _utc(decided)
        if stream.random() < RECOVERY_SHARE:
            day = decided + dt.timedelta(days=30 + stream.randrange(300))
            amount = max(1, int(loss * stream.uniform(0.1, 0.4)))
            if day <= as_of:
                recoveries.append(_recovery(claim, amount, day))
    paid = sum(c["covered_cny"] for c in claims if c["status"] == "approved")
    returned = sum(r["returned_cny"] for r in recoveries)
    balance = sum(c["city_cny"] + c["district_cny"] for c in contributions) - paid + returned
    return {"contributions": contributions, "claims": claims, "recoveries": recoveries,
            "fund": [{"id": 1, "balance_cny": balance, "paid_cny": paid, "returned_cny": returned}]}


def _recovery(claim: dict, amount: int, day: dt.date) -> dict:
    """The fund's share of one recovery, as matchmaker.loans.fund.returned_share computes it on a first one."""
    claim["recovered_cny"] = amount
    returned = amount * claim["covered_cny"] // claim["loss_cny"]
    city = returned * claim["city_cny"] // claim["covered_cny"] if claim["covered_cny"] else 0
    claim["returned_cny"] = returned
    return {"claim_id": claim["id"], "amount_cny": amount, "returned_cny": returned, "city_cny": city,
            "district_cny": returned - city, "recovered_on": day, "recorded_by": None, "created_at": _utc(day)}


def _utc(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(10), LOCAL).astimezone(dt.timezone.utc)
