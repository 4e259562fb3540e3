"""A financing need (融资需求) published by an enterprise."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import CodeList, UTCDateTime, db, enum_column, now_utc
from .codes import NeedStatus
from .limits import MAX_RATE_PCT, MAX_TERM_MONTHS


class FinancingNeed(db.Model):
    __tablename__ = "financing_needs"
    __table_args__ = (
        sa.CheckConstraint("amount_cny > 0", name="amount_positive"),
        sa.CheckConstraint(f"term_months > 0 AND term_months <= {MAX_TERM_MONTHS}", name="term_range"),
        sa.CheckConstraint(
            f"max_rate_pct IS NULL OR (max_rate_pct >= 0 AND max_rate_pct <= {MAX_RATE_PCT})", name="max_rate_range"
        ),
        sa.Index("ix_financing_needs_status_created_at", "status", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(sa.ForeignKey("enterprises.id"), index=True)
    amount_cny: Mapped[int] = mapped_column(sa.BigInteger)
    term_months: Mapped[int] = mapped_column()
    purpose: Mapped[str] = mapped_column(sa.Text, default="")
    # Empty means any kind of product will do.
    preferred_kinds: Mapped[list[str]] = mapped_column(CodeList, default=list)
    max_rate_pct: Mapped[float | None] = mapped_column(sa.Float)
    collateral_offered: Mapped[bool] = mapped_column(default=False)
    status: Mapped[NeedStatus] = mapped_column(enum_column(NeedStatus), default=NeedStatus.OPEN)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=now_utc)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=now_utc, onupdate=now_utc)

    enterprise = relationship("Enterprise", back_populates="needs")
    applications = relationship("Application", back_populates="need")

    def __repr__(self) -> str:
        return f"<FinancingNeed {self.id} {self.amount_cny}>"
