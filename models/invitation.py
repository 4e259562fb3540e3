"""An institution's invitation to the firm behind a lead: one per (product, need)."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from .base import UTCDateTime, db, now_utc


class LeadInvitation(db.Model):
    __tablename__ = "lead_invitations"
    # The database itself refuses a second invitation, so two officers clicking at once store one.
    __table_args__ = (sa.UniqueConstraint("product_id", "need_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(sa.ForeignKey("products.id"))
    need_id: Mapped[int] = mapped_column(sa.ForeignKey("financing_needs.id"), index=True)
    invited_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=now_utc)
