"""Reading the audit trail: newest first, filtered by actor, action and period."""
from __future__ import annotations

import sqlalchemy as sa

from models import AuditEvent, User, db

from .stats import Period


def get_all(*, period: Period = Period(), actor_id: int | None = None, actor_email: str | None = None,
            action: str | None = None, limit: int = 50, offset: int = 0):
    query = sa.select(AuditEvent, User.email).outerjoin(User, User.id == AuditEvent.actor_id)
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
    rows = db.session.execute(query.order_by(AuditEvent.at.desc(), AuditEvent.id.desc()).limit(limit).offset(offset))
    return [as_dict(event, email) for event, email in rows], total


def actions() -> list[str]:
    return list(db.session.scalars(sa.select(AuditEvent.action).distinct().order_by(AuditEvent.action)))


def as_dict(event: AuditEvent, actor_email: str | None = None) -> dict:
    return {"id": event.id, "at": event.at, "actor_id": event.actor_id, "actor_email": actor_email,
            "action": event.action, "target_type": event.target_type, "target_id": event.target_id,
            "ip": event.ip, "request_id": event.request_id, "detail": event.detail or {}}
