"""Reading the audit trail: newest first, filtered by actor, action and period."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import contains_eager

from models import AuditEvent, User, db

from .stats import Period


def get_all(*, period: Period = Period(), actor_id: int | None = None, actor_email: str | None = None,
            action: str | None = None, limit: int = 50, offset: int = 0) -> tuple[list[AuditEvent], int]:
    """Events, newest first, each with its actor loaded in the same query (``event.actor_email``)."""
    query = sa.select(AuditEvent).outerjoin(AuditEvent.actor)
    if actor_id is not None:
        query = query.where(AuditEvent.actor_id == actor_id)
    if actor_email:
        query = query.where(User.email == actor_email.strip().lower())
    if action:
        # "auth" matches every auth.* action; "auth.login" only that one.
        query = query.where(sa.or_(AuditEvent.action == action, AuditEvent.action.like(f"{action}.%")))
    if period.start_utc is not None:
        query = query.where(AuditEvent.at >= period.start_utc)
    if period.end_utc is not None:
        query = query.where(AuditEvent.at < period.end_utc)
    total = db.session.scalar(sa.select(sa.func.count()).select_from(query.subquery()))
    events = db.session.scalars(query.options(contains_eager(AuditEvent.actor))
                                .order_by(AuditEvent.at.desc(), AuditEvent.id.desc()).limit(limit).offset(offset))
    return list(events), total


def actions() -> list[str]:
    return list(db.session.scalars(sa.select(AuditEvent.action).distinct().order_by(AuditEvent.action)))
