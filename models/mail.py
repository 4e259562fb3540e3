"""E-mail waiting to be sent or sent: the outbox the task workers deliver from, so a message is
written in the same transaction as the event it tells of and sent once, after that commits."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from .base import UTCDateTime, db, now_utc


class OutgoingMail(db.Model):
    __tablename__ = "outgoing_mail"
    __table_args__ = (sa.Index("ix_outgoing_mail_unsent", "sent_at", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), index=True)
    to_address: Mapped[str] = mapped_column(sa.String(254))
    kind: Mapped[str] = mapped_column(sa.String(40))  # application.approved, digest.overdue, …
    language: Mapped[str] = mapped_column(sa.String(8))
    subject: Mapped[str] = mapped_column(sa.String(200))
    body: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=now_utc)
    sent_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(sa.String(500))
