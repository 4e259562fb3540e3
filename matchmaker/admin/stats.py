"""The market's statistics for the finance bureau: every figure is a SQL aggregate.

Periods follow the contract: needs and applications count by the day they were created, decisions by
the day they were made, disbursements by the day the money went out; ``products`` counts active
products. Days are China Standard Time days.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import sqlalchemy as sa

from models import (
    Application, ApplicationStatus, Enterprise, FinancingNeed, Institution, Product, ProductStatus, db,
)

from ..applications.figures import approval_rate, response_hours
from ..credit import services as credit
from ..errors import InvalidInput
from ..equity import figures as equity_figures
from ..listing import services as listing
from ..loans import figures as loan_figures
from ..sql import LOCAL, due_epoch_days, epoch_days, local_month
from ..wording import N_

@dataclass(frozen=True)
class Period:
    """Inclusive local days; None on a side means open-ended."""

    start: dt.date | None = None
    end: dt.date | None = None

    @property
    def start_utc(self) -> dt.datetime | None:
        return _local_midnight(self.start) if self.start else None

    @property
    def end_utc(self) -> dt.datetime | None:
        return _local_midnight(min(self.end, LATEST_DAY) + dt.timedelta(days=1)) if self.end else None

    def holds(self, column) -> sa.ColumnElement[bool]:
        conditions = [column.is_not(None)]
        if self.start_utc is not None:
            conditions.append(column >= self.start_utc)
        if self.end_utc is not None:
            conditions.append(column < self.end_utc)
        return sa.and_(*conditions)

    def existed(self, column) -> sa.ColumnElement[bool]:
        """Created by the end of the period (the market's size at that time)."""
        return column < self.end_utc if self.end_utc is not None else sa.true()

    def as_dict(self) -> dict:
        return {"from": self.start.isoformat() if self.start else None,
                "to": self.end.isoformat() if self.end else None}


# Days outside these hold no data; a query naming year 1 or 9999 means "from the start" or "until the
# end", and must not overflow the arithmetic around the calendar's edges.
EARLIEST_DAY, LATEST_DAY = dt.date(1900, 1, 1), dt.date(2999, 12, 31)


def _local_midnight(day: dt.date) -> dt.datetime:
    day = min(max(day, EARLIEST_DAY), LATEST_DAY)
    return dt.datetime.combine(day, dt.time(), LOCAL).astimezone(dt.timezone.utc)


def period(*, start: str | None = None, end: str | None = None) -> Period:
    """A period from the ``from``/``to`` query values (YYYY-MM-DD), or 422 naming the bad one."""
    problems: dict[str, list[str]] = {}
    days = {}
    for field, value in (("from", start), ("to", end)):
        if value in (None, ""):
            days[field] = None
            continue
        try:
            days[field] = dt.date.fromisoformat(value)
        except ValueError:
            problems[field] = [N_("日期格式应为 YYYY-MM-DD：%(value)s", value=value)]
    if not problems and days["from"] and days["to"] and days["from"] > days["to"]:
        problems["to"] = ["结束日期不能早于开始日期"]
    if problems:
        raise InvalidInput("统计区间有误", problems)
    return Period(days["from"], days["to"])


def _count_if(condition) -> sa.ColumnElement[int]:
    return sa.func.coalesce(sa.func.sum(sa.case((condition, 1), else_=0)), 0)


def _sum_if(condition, value) -> sa.ColumnElement[int]:
    return sa.func.coalesce(sa.func.sum(sa.case((condition, value), else_=0)), 0)


FIGURES = ("applications", "approved", "rejected", "disbursed", "disbursed_amount_cny")


def _application_figures(p: Period) -> list:
    """The application columns every breakdown shares, as conditional aggregates of one scan."""
    decided = p.holds(Application.decided_at)
    disbursed = p.holds(Application.disbursed_at)
    return [
        _count_if(p.holds(Application.created_at)).label("applications"),
        _count_if(sa.and_(decided, Application.approved_amount_cny.is_not(None))).label("approved"),
        _count_if(sa.and_(decided, Application.status == ApplicationStatus.REJECTED)).label("rejected"),
        _count_if(disbursed).label("disbursed"),
        _sum_if(disbursed, Application.disbursed_amount_cny).label("disbursed_amount_cny"),
    ]


def _row(mapping) -> dict:
    # PostgreSQL sums BIGINT columns as NUMERIC; the contract's amounts are integers.
    row = {k: (int(v) if isinstance(v, (int, Decimal)) else v) for k, v in mapping.items()}
    row["approval_rate"] = approval_rate(row["approved"], row["rejected"])
    return row


def _response_hours(p: Period, *, group=None) -> dict:
    return response_hours(where=[p.holds(Application.decided_at)], group=group)


def headline(p: Period) -> dict:
    counts = db.session.execute(sa.select(
        sa.select(sa.func.count(Enterprise.id)).where(p.existed(Enterprise.created_at)).scalar_subquery().label("enterprises"),
        sa.select(sa.func.count(Institution.id)).where(p.existed(Institution.created_at)).scalar_subquery().label("institutions"),
        sa.select(sa.func.count(Product.id)).where(Product.status == ProductStatus.ACTIVE, p.existed(Product.created_at))
        .scalar_subquery().label("products"),
        sa.select(sa.func.count(FinancingNeed.id)).where(p.holds(FinancingNeed.created_at)).scalar_subquery().label("needs"),
    )).one()._asdict()
    figures = db.session.execute(sa.select(*_application_figures(p))).one()._asdict()
    result = {**{k: int(v) for k, v in counts.items()}, **{k: int(v) for k, v in figures.items()}}
    result["approval_rate"] = approval_rate(result["approved"], result["rejected"])
    result["median_response_hours"] = _response_hours(p).get(None, {}).get("median")
    return result


def _by_code(key: str, code_column, join_on, p: Period, **counts: dict) -> list[dict]:
    """The application figures grouped by a code (kind, industry), one row for every code that has
    either figures or one of the extra ``counts``, largest amount first."""
    rows = db.session.execute(
        sa.select(code_column.label("code"), *_application_figures(p)).join(*join_on).group_by(code_column)
    ).mappings().all()
    found = {r["code"]: _row({k: v for k, v in r.items() if k != "code"}) for r in rows}
    codes = set(found).union(*counts.values())
    out = []
    for code in codes:
        row = found.get(code) or _row({name: 0 for name in FIGURES})
        row.update({key: code.value, "label": code.label},
                   **{name: int(values.get(code, 0)) for name, values in counts.items()})
        out.append(row)
    return sorted(out, key=lambda r: (-r["disbursed_amount_cny"], r[key]))


def _counted(query) -> dict:
    return dict(db.session.execute(query).all())


def by_kind(p: Period) -> list[dict]:
    products = _counted(sa.select(Product.kind, sa.func.count(Product.id))
                        .where(Product.status == ProductStatus.ACTIVE, p.existed(Product.created_at))
                        .group_by(Product.kind))
    return _by_code("kind", Product.kind, (Product, Product.id == Application.product_id), p, products=products)


def by_industry(p: Period) -> list[dict]:
    firms = _counted(sa.select(Enterprise.industry, sa.func.count(Enterprise.id))
                     .where(p.existed(Enterprise.created_at)).group_by(Enterprise.industry))
    needs = _counted(sa.select(Enterprise.industry, sa.func.count(FinancingNeed.id)).join(FinancingNeed.enterprise)
                     .where(p.holds(FinancingNeed.created_at)).group_by(Enterprise.industry))
    return _by_code("industry", Enterprise.industry, (Enterprise, Enterprise.id == Application.enterprise_id), p,
                    enterprises=firms, needs=needs)


def by_institution(p: Period) -> list[dict]:
    """Per institution: volume, approval rate and service (response percentiles, share within target;
    imported history carries no response time and is left out of the service figures)."""
    decided = sa.and_(p.holds(Application.decided_at), Application.imported.is_(False))
    on_time = sa.and_(decided, epoch_days(Application.decided_at)
                      <= due_epoch_days(Application.created_at, Institution.service_target_days))
    rows = db.session.execute(
        sa.select(Institution.id.label("institution_id"), Institution.name.label("name"),
                  Institution.kind.label("kind"), Institution.service_target_days.label("service_target_days"),
                  *_application_figures(p), _count_if(decided).label("decided"),
                  _count_if(on_time).label("within_target"))
        .select_from(Institution).outerjoin(Application, Application.institution_id == Institution.id)
        .where(p.existed(Institution.created_at))
        .group_by(Institution.id)  # its other columns follow from the primary key (SQL:1999, both databases)
    ).mappings().all()
    products = _counted(sa.select(Product.institution_id, sa.func.count(Product.id))
                        .where(Product.status == ProductStatus.ACTIVE, p.existed(Product.created_at))
                        .group_by(Product.institution_id))
    hours = _response_hours(p, group=Application.institution_id)
    out = []
    for r in rows:
        row = _row(r)
        row.update(kind=r["kind"].value, kind_label=r["kind"].label, products=int(products.get(r["institution_id"], 0)),
                   median_response_hours=hours.get(r["institution_id"], {}).get("median"),
                   p90_response_hours=hours.get(r["institution_id"], {}).get("p90"),
                   within_target_share=round(row["within_target"] / row["decided"], 4) if row["decided"] else None)
        out.append(row)
    return sorted(out, key=lambda r: (-r["disbursed_amount_cny"], r["institution_id"]))


# What the service ranking may be ordered by (the page's column heads and the API's ``sort``).
RANKING_SORTS = ("name", "applications", "approval_rate", "disbursed_amount_cny", "median_response_hours",
                 "p90_response_hours", "within_target_share")


def descending_by_default(sort: str) -> bool:
    """Names read A to Z; every figure of the ranking reads best-known high first."""
    return sort != "name"


def ranking(rows: list[dict], *, sort: str, descending: bool | None = None) -> list[dict]:
    """``by_institution`` rows ordered by one figure (names A to Z, figures high to low unless told);
    institutions without the figure yet (no decisions) go last whichever the direction."""
    if sort not in RANKING_SORTS:
        raise InvalidInput("未知的排序字段", {"sort": [N_("可选：%(value)s", value="、".join(RANKING_SORTS))]})
    descending = descending_by_default(sort) if descending is None else descending
    ranked = sorted((r for r in rows if r[sort] is not None), key=lambda r: r[sort], reverse=descending)
    return ranked + [r for r in rows if r[sort] is None]


def monthly(p: Period) -> list[dict]:
    series: dict[str, dict] = {}

    def collect(name, column, value, *where):
        month = local_month(column)
        query = sa.select(month, value).where(p.holds(column), *where).group_by(month)
        for month_key, amount in db.session.execute(query).all():
            series.setdefault(month_key, {"month": month_key, "needs": 0, "applications": 0, "approved": 0,
                                          "rejected": 0, "disbursed_amount_cny": 0})[name] = int(amount)

    collect("needs", FinancingNeed.created_at, sa.func.count())
    collect("applications", Application.created_at, sa.func.count())
    collect("approved", Application.decided_at, sa.func.count(), Application.approved_amount_cny.is_not(None))
    collect("rejected", Application.decided_at, sa.func.count(), Application.status == ApplicationStatus.REJECTED)
    collect("disbursed_amount_cny", Application.disbursed_at, sa.func.sum(Application.disbursed_amount_cny))
    if not series:
        return []
    # Every month from the first with activity to the period's end (today for an open end): a month in
    # which nothing happened is a zero on the chart, not a jump the eye does not see.
    last_day = min(p.end or dt.date.max, dt.datetime.now(LOCAL).date())
    months = _months(min(series), max(max(series), f"{last_day.year:04d}-{last_day.month:02d}"))
    return [series.get(m) or {"month": m, "needs": 0, "applications": 0, "approved": 0, "rejected": 0,
                              "disbursed_amount_cny": 0} for m in months]


def _months(first: str, last: str) -> list[str]:
    """"YYYY-MM" from ``first`` to ``last``, both included."""
    year, month = int(first[:4]), int(first[5:7])
    out = []
    while f"{year:04d}-{month:02d}" <= last:
        out.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def market(*, period: Period, sort: str | None = None, descending: bool | None = None) -> dict:
    """The contract's ``GET /admin/stats`` document for a period; with ``sort``, ``by_institution`` is the
    service ranking (``ranking``) instead of the largest lenders first."""
    institutions = by_institution(period)
    if sort is not None:
        institutions = ranking(institutions, sort=sort, descending=descending)
    return {**headline(period), "by_kind": by_kind(period), "by_industry": by_industry(period),
            "by_institution": institutions, "monthly": monthly(period), "period": period.as_dict(),
            **credit.market(), **loan_figures.market(first_day=period.start, last_day=period.end, start=period.start_utc,
                                   end=period.end_utc),
            **equity_figures.market(first_day=period.start, last_day=period.end, start=period.start_utc, end=period.end_utc),
            "listing_by_stage": listing.by_stage()}
