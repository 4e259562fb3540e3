"""What a policy pays (政策兑现), to the yuan, with its arithmetic written out for the firm and the bureau.

- ``interest_subsidy``: on each qualifying loan, its balance × the 1-year LPR × ``share_pct`` × the days it ran this
  year ÷ 365; summed, held at ``cap_cny`` a firm a year, less what the firm already claimed of it this year.
- ``guarantee_fee_subsidy``: ``share_pct`` of the guarantee fees paid, at most ``max_pct_of_amount`` of the amount
  guaranteed, capped at ``cap_cny``.
- ``premium_subsidy``: ``share_pct`` of the tech-insurance premiums paid, capped at ``cap_cny``.
- ``fixed_award``: ``amount_cny`` (a listing reward for a stage reached).

Each amount is rounded down to the yuan once, at the end: the platform never pays a fraction it cannot justify.
Pure arithmetic on numbers given to it; the LPR comes from configuration (dated)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_FLOOR, Decimal

from ..wording import N_

MAX_CAP_CNY = 10**9
# benefit type → its parameters: (name, kind, required)
BENEFITS = {
    "interest_subsidy": (("share_pct", "pct", True), ("cap_cny", "money", True)),
    "guarantee_fee_subsidy": (("share_pct", "pct", True), ("max_pct_of_amount", "pct", False), ("cap_cny", "money", True)),
    "premium_subsidy": (("share_pct", "pct", True), ("cap_cny", "money", True)),
    "fixed_award": (("amount_cny", "money", True),),
}


def check(benefit) -> list[str]:
    """Why this benefit cannot be saved, or nothing."""
    if not isinstance(benefit, dict) or benefit.get("type") not in BENEFITS:
        kind = benefit.get("type") if isinstance(benefit, dict) else None
        return [N_("未知的兑现方式：%(value)s（可用：%(ops)s）", value=str(kind)[:40], ops="、".join(BENEFITS))]
    params = BENEFITS[benefit["type"]]
    problems = []
    if unknown := sorted(set(benefit) - {"type"} - {name for name, _, _ in params}):
        problems.append(N_("未知的参数：%(value)s", value="、".join(unknown)[:80]))
    for name, kind, required in params:
        value = benefit.get(name)
        if value is None:
            if required:
                problems.append(N_("缺少参数：%(value)s", value=name))
            continue
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            problems.append(N_("%(value)s应为数字", value=name))
        elif kind == "pct" and not 0 < value <= 100:
            problems.append(N_("%(value)s应大于 0 且不超过 100", value=name))
        elif kind == "money" and (not isinstance(value, int) or not 0 < value <= MAX_CAP_CNY):
            problems.append(N_("%(value)s应为大于 0 且不超过 10 亿的整数（元）", value=name))
    return problems


@dataclass
class Amount:
    amount_cny: int
    basis: list[str] = field(default_factory=list)  # the arithmetic, line by line


def _yuan(value: Decimal) -> int:
    return int(value.to_integral_value(rounding=ROUND_FLOOR))


def _pct(value) -> str:
    return f"{Decimal(str(value)).normalize():f}%"


def lpr_on(table, day: dt.date) -> float:
    """The 1-year LPR in force on ``day`` from a dated table of ("YYYY-MM-DD", pct); before the first: none."""
    rates = [(dt.date.fromisoformat(since), pct) for since, pct in table]
    in_force = [pct for since, pct in sorted(rates) if since <= day]
    if not in_force:
        raise ValueError(f"no LPR is configured on or before {day.isoformat()}")
    return in_force[-1]


def days_in_year(*, start: dt.date, end: dt.date | None, year: int, today: dt.date) -> int:
    """The days a loan ran within ``year`` up to today: from its start (or 1 January) to its end (or today)."""
    first, last = max(start, dt.date(year, 1, 1)), min(end or today, today, dt.date(year, 12, 31))
    return max((last - first).days, 0)


def interest_subsidy(benefit: dict, *, loans: list[dict], lpr_pct: float, today: dt.date,
                     paid_this_year_cny: int = 0) -> Amount:
    """``loans``: each with ``balance_cny``, ``disbursed_on``, ``ends_on`` (None: still running) and a ``name``."""
    share, lpr = Decimal(str(benefit["share_pct"])), Decimal(str(lpr_pct))
    total, basis = Decimal(0), []
    for loan in loans:
        days = days_in_year(start=loan["disbursed_on"], end=loan.get("ends_on"), year=today.year, today=today)
        part = Decimal(loan["balance_cny"]) * lpr / 100 * share / 100 * days / 365
        total += part
        basis.append(N_("%(value)s：余额 %(amount)s 元 × LPR %(rate)s × %(share)s × %(days)s/365 天 = %(result)s 元",
                        value=loan["name"], amount=f"{loan['balance_cny']:,}", rate=_pct(lpr_pct),
                        share=_pct(benefit["share_pct"]), days=days, result=f"{part.quantize(Decimal('0.01'))}"))
    return _capped(total, benefit["cap_cny"], paid_this_year_cny, basis)


def _capped(total: Decimal, cap: int, paid: int, basis: list[str]) -> Amount:
    """The year's total, rounded down once, held at the cap per firm per year, less what the firm has already
    claimed or received under the policy this year (an accruing subsidy is claimed in parts)."""
    whole = _yuan(total)
    if whole > cap:
        basis.append(N_("合计 %(amount)s 元，超过每户每年上限 %(cap)s 元，按上限计", amount=f"{whole:,}", cap=f"{cap:,}"))
    else:
        basis.append(N_("合计 %(amount)s 元（不足 1 元的部分不计）", amount=f"{whole:,}"))
    amount = max(min(whole, cap) - paid, 0)
    if paid:
        basis.append(N_("今年已申领 %(paid)s 元，本次 %(amount)s 元", paid=f"{paid:,}", amount=f"{amount:,}"))
    return Amount(amount_cny=amount, basis=basis)


def guarantee_fee_subsidy(benefit: dict, *, fee_cny: int, guaranteed_cny: int, paid_this_year_cny: int = 0) -> Amount:
    share = Decimal(str(benefit["share_pct"]))
    part = Decimal(fee_cny) * share / 100
    basis = [N_("担保费 %(amount)s 元 × %(share)s = %(result)s 元", amount=f"{fee_cny:,}", share=_pct(benefit["share_pct"]),
                result=f"{part.quantize(Decimal('0.01'))}")]
    if benefit.get("max_pct_of_amount") is not None:
        ceiling = Decimal(guaranteed_cny) * Decimal(str(benefit["max_pct_of_amount"])) / 100
        if part > ceiling:
            part = ceiling
            basis.append(N_("不超过担保金额 %(amount)s 元的 %(share)s，即 %(result)s 元", amount=f"{guaranteed_cny:,}",
                            share=_pct(benefit["max_pct_of_amount"]), result=f"{ceiling.quantize(Decimal('0.01'))}"))
    return _capped(part, benefit["cap_cny"], paid_this_year_cny, basis)


def premium_subsidy(benefit: dict, *, premium_cny: int, paid_this_year_cny: int = 0) -> Amount:
    part = Decimal(premium_cny) * Decimal(str(benefit["share_pct"])) / 100
    basis = [N_("保费 %(amount)s 元 × %(share)s = %(result)s 元", amount=f"{premium_cny:,}",
                share=_pct(benefit["share_pct"]), result=f"{part.quantize(Decimal('0.01'))}")]
    return _capped(part, benefit["cap_cny"], paid_this_year_cny, basis)


def fixed_award(benefit: dict) -> Amount:
    return Amount(amount_cny=benefit["amount_cny"], basis=[N_("定额奖励 %(amount)s 元", amount=f"{benefit['amount_cny']:,}")])
