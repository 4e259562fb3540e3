"""A firm's consents: to appear in leads, and to share its profile with one institution."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from .base import UTCDateTime, db, now_utc


class Consent(db.Model):
    """One act of giving or taking back consent; the latest row per (firm, scope) is in force."""

    __tablename__ = "consents"
    __table_args__ = (
        sa.CheckConstraint("scope IN ('leads', 'profile_share')", name="scope_known"),
        sa.CheckConstraint(
            "(scope = 'profile_share') = (institution_id IS NOT NULL)", name="share_names_institution"
        ),
        sa.Index("ix_consents_enterprise_scope_at", "enterprise_id", "scope", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(sa.ForeignKey("enterprises.id"))
    scope: Mapped[str] = mapped_column(sa.String(20))
    institution_id: Mapped[int | None] = mapped_column(sa.ForeignKey("institutions.id"))
    granted: Mapped[bool] = mapped_column()
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=now_utc)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
