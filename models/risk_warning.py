"""A risk warning (风险预警): a firm's risk score crossed into a warning band, and it became a task for the
officers of an institution that lends to it; what they did is recorded on it."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import UTCDateTime, db, enum_column, now_utc
from .codes import RiskBand, WarningStatus


class RiskWarning(db.Model):
    __tablename__ = "risk_warnings"
    __table_args__ = (
        sa.CheckConstraint("score >= 0 AND score <= 100", name="score_range"),
        # One open task per firm and lending institution: a new scan updates it instead of adding another.
        sa.Index("uq_risk_warnings_open", "enterprise_id", "institution_id", unique=True,
                 postgresql_where=sa.text("status = 'open'"), sqlite_where=sa.text("status = 'open'")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(sa.ForeignKey("enterprises.id"), index=True)
    institution_id: Mapped[int] = mapped_column(sa.ForeignKey("institutions.id"), index=True)
    score: Mapped[int] = mapped_column()
    band: Mapped[RiskBand] = mapped_column(enum_column(RiskBand))
    reasons: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    status: Mapped[WarningStatus] = mapped_column(enum_column(WarningStatus), default=WarningStatus.OPEN)
    action: Mapped[str | None] = mapped_column(sa.Text)  # what the officer did, in their words
    handled_by: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    handled_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=now_utc)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=now_utc, onupdate=now_utc)

    enterprise = relationship("Enterprise")
