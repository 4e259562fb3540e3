"""In-page notifications for an enterprise: an application changed state, an institution invites."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from .base import UTCDateTime, db, now_utc


class Notification(db.Model):
    __tablename__ = "notifications"
    __table_args__ = (sa.Index("ix_notifications_enterprise_unread", "enterprise_id", "read_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(sa.ForeignKey("enterprises.id"))
    kind: Mapped[str] = mapped_column(sa.String(40))  # application.approved, invitation, …
    message: Mapped[str] = mapped_column(sa.Text)
    link: Mapped[str | None] = mapped_column(sa.String(255))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=now_utc)
    read_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
