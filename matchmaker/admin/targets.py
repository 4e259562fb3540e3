"""The zone's 2025 financial plan (重庆高新区"十四五"金融业发展规划): the targets the platform can measure."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from models import Application, Institution, InstitutionKind, Product, ProductKind, db

from ..sql import LOCAL, local_month

INSTITUTIONS_TARGET = 42  # 金融机构及金融服务机构, end of 2025
EQUITY_INVESTORS_TARGET = 50  # 股权投资机构, end of 2025
GROWTH_TARGET = 0.15  # loans and government guarantee volume: at least 15 % a year


def _yearly_disbursed(*where) -> dict[str, int]:
    year = sa.func.substr(local_month(Application.disbursed_at), 1, 4)
    rows = db.session.execute(
        sa.select(year, sa.func.sum(Application.disbursed_amount_cny))
        .join(Product, Product.id == Application.product_id)
        .where(Application.disbursed_at.is_not(None), *where).group_by(year).order_by(year)
    ).all()
    return {y: int(amount) for y, amount in rows}


def _growth(series: dict[str, int], *, where=()) -> list[dict]:
    """Year-on-year growth. The latest year is usually incomplete: it is compared with the same
    days of the year before (同比), not with a whole year."""
    out, previous = [], None
    last = db.session.scalar(sa.select(sa.func.max(Application.disbursed_at)).join(
        Product, Product.id == Application.product_id).where(*where))
    for year, amount in series.items():
        base, partial = previous, False
        if last is not None and year == list(series)[-1]:
            local_last = last.astimezone(LOCAL).date()
            partial = local_last < dt.date(local_last.year, 12, 31)
            if partial and previous:
                base = _same_days_year_before(local_last, where)
        growth = round(amount / base - 1, 4) if base else None
        out.append({"year": year, "amount_cny": amount, "growth": growth, "partial": partial,
                    "met": None if growth is None else growth >= GROWTH_TARGET})
        previous = amount
    return out


def _same_days_year_before(last: dt.date, where) -> int:
    start = dt.datetime(last.year - 1, 1, 1, tzinfo=LOCAL)
    end = dt.datetime.combine(last.replace(year=last.year - 1) + dt.timedelta(days=1), dt.time(), LOCAL)
    return int(db.session.scalar(
        sa.select(sa.func.coalesce(sa.func.sum(Application.disbursed_amount_cny), 0))
        .join(Product, Product.id == Application.product_id)
        .where(Application.disbursed_at >= start, Application.disbursed_at < end, *where)))


def plan_targets() -> list[dict]:
    """Each measurable plan figure beside its target; ``met`` is judged on the latest value."""
    institutions = db.session.scalar(sa.select(sa.func.count(Institution.id)))
    funds = db.session.scalar(sa.select(sa.func.count(Institution.id)).where(Institution.kind == InstitutionKind.FUND))
    lending = _growth(_yearly_disbursed())
    guarantee = (Product.kind == ProductKind.GUARANTEE,)
    guarantees = _growth(_yearly_disbursed(*guarantee), where=guarantee)

    def latest(series):
        complete = [row for row in series if row["growth"] is not None]
        return complete[-1] if complete else None

    return [
        {"code": "institutions", "label": "金融机构及金融服务机构", "target": INSTITUTIONS_TARGET, "unit": "家",
         "actual": institutions, "met": institutions >= INSTITUTIONS_TARGET},
        {"code": "equity_investors", "label": "股权投资机构", "target": EQUITY_INVESTORS_TARGET, "unit": "家",
         "actual": funds, "met": funds >= EQUITY_INVESTORS_TARGET},
        {"code": "lending_growth", "label": "平台促成融资额年增速", "target": GROWTH_TARGET, "unit": "%",
         "actual": (latest(lending) or {}).get("growth"), "met": (latest(lending) or {}).get("met"),
         "years": lending},
        {"code": "guarantee_growth", "label": "融资担保额年增速", "target": GROWTH_TARGET, "unit": "%",
         "actual": (latest(guarantees) or {}).get("growth"), "met": (latest(guarantees) or {}).get("met"),
         "years": guarantees},
    ]
