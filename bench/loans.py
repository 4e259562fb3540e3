"""Loans after disbursement: the repayment schedules of the whole seeded market in one batch (the seed's loan
history, seed/loans.py), timed. Lines: BENCH loans_seeded …, BENCH loan_schedules_whole_market …"""
from __future__ import annotations

import time

from models.loan_schedule import schedule
from seed import loans as loan_history

from . import worlds
from .ranking import bench


def main() -> None:
    market = worlds.seed_market(2022)
    started = time.perf_counter()
    loans, repayments = loan_history.draw(market, seed=2022, as_of=worlds.AS_OF)
    bench("loan_history_draw", time.perf_counter() - started, "s")
    bench("loans_seeded", len(loans), "loans")
    bench("loan_repayments_seeded", len(repayments), "repayments")
    started = time.perf_counter()
    plans = [schedule(principal_cny=loan["principal_cny"], rate_pct=loan["rate_pct"], term_months=loan["term_months"],
                      disbursed_on=loan["disbursed_on"], repayment=loan["repayment"]) for loan in loans]
    elapsed = time.perf_counter() - started
    assert all(sum(i.principal_cny for i in plan) == loan["principal_cny"] for plan, loan in zip(plans, loans))
    bench("loan_schedules_whole_market", elapsed * 1000, "ms")
    bench("loan_instalments_whole_market", sum(len(plan) for plan in plans), "instalments")


if __name__ == "__main__":
    main()
