"""Service figures of the applications, shared by the bureau's statistics and the firm's matches."""
from __future__ import annotations

import sqlalchemy as sa

from models import Application, ApplicationStatus, db

from ..sql import hours_between

PERCENTILES = {"median": 50, "p90": 90}


def response_hours(*, where=(), group=None) -> dict:
    """Median and 90th percentile of the hours from application to decision, per group (or overall
    under the key None), interpolated like PostgreSQL's percentile_cont. Window functions, so SQLite
    (which has no percentile aggregate) computes them in SQL too. Imported history is left out: it
    carries no response time."""
    hours = hours_between(Application.created_at, Application.decided_at)
    partition = [group] if group is not None else []
    ranked = (
        sa.select((group if group is not None else sa.literal(0)).label("grp"), hours.label("hours"),
                  sa.func.row_number().over(partition_by=partition, order_by=hours).label("rn"),
                  sa.func.count().over(partition_by=partition).label("n"))
        .where(Application.decided_at.is_not(None), Application.imported.is_(False), *where)
        .subquery()
    )
    columns = []
    for name, pct in PERCENTILES.items():
        # Position 1 + pct·(n−1)/100 split into its integer part and its fraction, in integers.
        scaled = pct * (ranked.c.n - 1)
        low = 1 + scaled // 100
        fraction = (scaled % 100) / 100.0
        columns.append(sa.func.sum(sa.case(
            (ranked.c.rn == low, ranked.c.hours * (1 - fraction)),
            (ranked.c.rn == low + 1, ranked.c.hours * fraction),
            else_=0.0,
        )).label(name))
    rows = db.session.execute(sa.select(ranked.c.grp, *columns).group_by(ranked.c.grp)).all()
    return {(None if group is None else r.grp): {name: round(float(getattr(r, name)), 1) for name in PERCENTILES}
            for r in rows}


def approval_rate(approved: int, rejected: int) -> float | None:
    """The share approved of what was decided, as the bureau counts it (withdrawn applications left out);
    the statistics and a product's page both say it this way."""
    return round(approved / (approved + rejected), 4) if approved + rejected else None


def institution_service(*, institution_id: int) -> dict:
    """What a firm reading a product asks of its institution: how many applications it has decided on
    the platform, the share it approved (as the bureau counts it: approved of approved + rejected), and
    its median hours to a decision. Imported history has no response time but counts as decided."""
    decided = Application.decided_at.is_not(None)
    approved, rejected = db.session.execute(
        sa.select(sa.func.count().filter(decided, Application.approved_amount_cny.is_not(None)),
                  sa.func.count().filter(decided, Application.status == ApplicationStatus.REJECTED))
        .where(Application.institution_id == institution_id)
    ).one()
    hours = response_hours(where=(Application.institution_id == institution_id,)).get(None, {})
    return {"decided": approved + rejected,
            "approval_rate": approval_rate(approved, rejected),
            "median_response_hours": hours.get("median")}
