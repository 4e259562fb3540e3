"""A loan's repayment schedule in whole yuan, as its terms define it (the loans feature shows it, the seed
draws its history from it): equal instalments (等额本息), interest only (先息后本) or a bullet
(到期一次还本付息). Each month's interest is the outstanding principal × the monthly rate, rounded to the yuan;
the principal parts are rounded too and the last one takes what is left, so they sum to the principal exactly.
"""
from __future__ import annotations

import calendar
import datetime as dt
from typing import NamedTuple


class Instalment(NamedTuple):
    due_on: dt.date
    principal_cny: int
    interest_cny: int


def months_after(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later, or that month's last day (31 January + 1 month = 28 or 29 February)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def schedule(*, principal_cny: int, rate_pct: float, term_months: int, disbursed_on: dt.date,
             repayment: str) -> list[Instalment]:
    monthly = rate_pct / 100 / 12
    dues = [months_after(disbursed_on, k) for k in range(1, term_months + 1)]
    if repayment == "bullet":
        return [Instalment(dues[-1], principal_cny, round(principal_cny * monthly * term_months))]
    if repayment == "interest_only":
        interest = round(principal_cny * monthly)
        return [Instalment(due, principal_cny if k == term_months - 1 else 0, interest) for k, due in enumerate(dues)]
    if repayment != "equal_installment":
        raise ValueError(repayment)
    payment = principal_cny / term_months if monthly == 0 else \
        principal_cny * monthly / (1 - (1 + monthly) ** -term_months)
    out, left = [], principal_cny
    for k, due in enumerate(dues):
        interest = round(left * monthly)
        part = left if k == term_months - 1 else min(left, round(payment - left * monthly))
        out.append(Instalment(due, part, interest))
        left -= part
    return out
