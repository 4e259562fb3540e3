"""The zone's 2025 financial plan (重庆高新区"十四五"金融业发展规划): the targets the platform can measure."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from flask import current_app

from models import (
    Application, Institution, InstitutionKind, InvestorProfile, ListingStage, Product, ProductKind,
    db,
)

from ..listing import services as listing
from ..sql import LOCAL, local_month

INSTITUTIONS_TARGET = 42  # 金融机构及金融服务机构, end of 2025
EQUITY_INVESTORS_TARGET = 50  # 股权投资机构, end of 2025
EQUITY_FUNDS_TARGET_CNY = 50_000_000_000  # 500 亿 of funds managed by them, end of 2025
GROWTH_TARGET = 0.15  # loans and government guarantee volume: at least 15 % a year


def _yearly_disbursed(*where) -> dict[str, int]:
    year = sa.func.substr(local_month(Application.disbursed_at), 1, 4)
    rows = db.session.execute(
        sa.select(year, sa.func.sum(Application.disbursed_amount_cny))
        .join(Product, Product.id == Application.product_id)
        .where(Application.disbursed_at.is_not(None), *where).group_by(year).order_by(year)
    ).all()
    return {y: int(amount) for y, amount in rows}


def _growth(series: dict[str, int], *, where=(), today: dt.date | None = None) -> list[dict]:
    """Year-on-year growth of each year. The current year is not over: it is compared with the same
    days of the year before (同比), not with a whole year; every past year is whole."""
    today = today or dt.datetime.now(LOCAL).date()
    out, previous = [], None
    for year, amount in series.items():
        base, partial = previous, int(year) == today.year
        if partial and previous:
            base = _same_days_year_before(today, where)
        growth = round(amount / base - 1, 4) if base else None
        out.append({"year": year, "amount_cny": amount, "growth": growth, "partial": partial,
                    "met": None if growth is None else growth >= GROWTH_TARGET})
        previous = amount
    return out


def _same_days_year_before(last: dt.date, where) -> int:
    start = dt.datetime(last.year - 1, 1, 1, tzinfo=LOCAL)
    same_day = dt.date(last.year - 1, last.month, min(last.day, 28) if last.month == 2 else last.day)
    end = dt.datetime.combine(same_day + dt.timedelta(days=1), dt.time(), LOCAL)
    return int(db.session.scalar(
        sa.select(sa.func.coalesce(sa.func.sum(Application.disbursed_amount_cny), 0))
        .join(Product, Product.id == Application.product_id)
        .where(Application.disbursed_at >= start, Application.disbursed_at < end, *where)))


def year_to_date(*where, today: dt.date | None = None) -> dict:
    """This year so far against the same days of last year (同比): the growth a plan target is judged on
    today. Not the latest year that has data: in 2026 a market whose history ends in 2022 has grown
    by nothing this year, and saying "2022 against 2021" would answer another question."""
    today = today or dt.datetime.now(LOCAL).date()
    start = dt.date(today.year, 1, 1)
    # 29 February has no day in last year: its year-to-date ends on 28 February.
    base_end = dt.date(today.year - 1, today.month, min(today.day, 28 if today.month == 2 else today.day))

    def disbursed(first: dt.date, last: dt.date) -> int:
        since = dt.datetime.combine(first, dt.time(), LOCAL)
        until = dt.datetime.combine(last + dt.timedelta(days=1), dt.time(), LOCAL)
        return int(db.session.scalar(
            sa.select(sa.func.coalesce(sa.func.sum(Application.disbursed_amount_cny), 0))
            .join(Product, Product.id == Application.product_id)
            .where(Application.disbursed_at >= since, Application.disbursed_at < until, *where)))

    amount, base = disbursed(start, today), disbursed(dt.date(today.year - 1, 1, 1), base_end)
    growth = round(amount / base - 1, 4) if base else None
    return {"from": start.isoformat(), "to": today.isoformat(), "base_from": f"{today.year - 1}-01-01",
            "base_to": base_end.isoformat(), "amount_cny": amount, "base_amount_cny": base, "growth": growth,
            "met": None if growth is None else growth >= GROWTH_TARGET}


def plan_targets(*, today: dt.date | None = None) -> list[dict]:
    """Each measurable plan figure beside its target; growth is judged on this year so far against the
    same days of last year (``compared``), the yearly history beside it."""
    institutions = db.session.scalar(sa.select(sa.func.count(Institution.id)))
    funds = db.session.scalar(sa.select(sa.func.count(Institution.id)).where(Institution.kind == InstitutionKind.FUND))
    lending = _growth(_yearly_disbursed(), today=today)
    guarantee = (Product.kind == ProductKind.GUARANTEE,)
    guarantees = _growth(_yearly_disbursed(*guarantee), where=guarantee, today=today)
    lending_now, guarantees_now = year_to_date(today=today), year_to_date(*guarantee, today=today)
    fund_sizes = int(db.session.scalar(sa.select(sa.func.coalesce(sa.func.sum(InvestorProfile.fund_size_cny), 0))))
    listed = next(row["enterprises"] for row in listing.by_stage() if row["stage"] == ListingStage.LISTED.value)
    listed_target = current_app.config["LISTING_TARGET_LISTED"]

    return [
        {"code": "institutions", "label": "金融机构及金融服务机构", "target": INSTITUTIONS_TARGET, "unit": "家",
         "actual": institutions, "met": institutions >= INSTITUTIONS_TARGET},
        {"code": "equity_investors", "label": "股权投资机构", "target": EQUITY_INVESTORS_TARGET, "unit": "家",
         "actual": funds, "met": funds >= EQUITY_INVESTORS_TARGET},
        {"code": "equity_funds", "label": "股权投资基金规模", "target": EQUITY_FUNDS_TARGET_CNY, "unit": "元",
         "actual": fund_sizes, "met": fund_sizes >= EQUITY_FUNDS_TARGET_CNY},
        {"code": "listed_firms", "label": "上市企业", "target": listed_target, "unit": "家", "actual": listed,
         "met": listed >= listed_target},
        {"code": "lending_growth", "label": "平台促成融资额年增速", "target": GROWTH_TARGET, "unit": "%",
         "actual": lending_now["growth"], "met": lending_now["met"], "compared": lending_now, "years": lending},
        {"code": "guarantee_growth", "label": "融资担保额年增速", "target": GROWTH_TARGET, "unit": "%",
         "actual": guarantees_now["growth"], "met": guarantees_now["met"], "compared": guarantees_now,
         "years": guarantees},
    ]
