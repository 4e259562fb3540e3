"""The audit trail: one row per security- or business-relevant act."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import UTCDateTime, db, now_utc


class AuditEvent(db.Model):
    __tablename__ = "audit_events"
    __table_args__ = (
        sa.Index("ix_audit_events_action_at", "action", "at"),
        sa.Index("ix_audit_events_target", "target_type", "target_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=now_utc, index=True)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), index=True)
    action: Mapped[str] = mapped_column(sa.String(64))  # dotted code, e.g. auth.login
    target_type: Mapped[str | None] = mapped_column(sa.String(40))
    target_id: Mapped[int | None] = mapped_column()
    ip: Mapped[str | None] = mapped_column(sa.String(64))
    request_id: Mapped[str | None] = mapped_column(sa.String(64))
    # Never passwords or tokens: callers pass only what an auditor needs to read.
    detail: Mapped[dict] = mapped_column(sa.JSON, default=dict)

    actor: Mapped["User | None"] = relationship(viewonly=True)  # noqa: F821  (models/user.py)

    @property
    def actor_email(self) -> str | None:
        return self.actor.email if self.actor is not None else None
