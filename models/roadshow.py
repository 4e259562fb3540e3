"""Roadshows (路演推介): events the bureau schedules, the firms that pitch at them and the funds' seats."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import CodeList, UTCDateTime, db, enum_column, now_utc
from .codes import PitchStatus, RoadshowStatus


class Roadshow(db.Model):
    __tablename__ = "roadshows"
    __table_args__ = (
        sa.CheckConstraint("capacity > 0", name="capacity_positive"),
        # Seats are taken by a conditional update of this count; the database refuses one too many anyway.
        sa.CheckConstraint("seats_taken >= 0 AND seats_taken <= capacity", name="seats_within_capacity"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    held_on: Mapped[dt.date] = mapped_column(sa.Date, index=True)
    industries: Mapped[list[str]] = mapped_column(CodeList, default=list)  # theme industries; empty: any
    capacity: Mapped[int]  # seats for investors
    seats_taken: Mapped[int] = mapped_column(default=0)
    status: Mapped[RoadshowStatus] = mapped_column(enum_column(RoadshowStatus), default=RoadshowStatus.OPEN)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=now_utc)


class RoadshowPitch(db.Model):
    """A firm's application to pitch one of its open rounds at a roadshow, decided by the bureau."""

    __tablename__ = "roadshow_pitches"
    __table_args__ = (sa.UniqueConstraint("roadshow_id", "equity_need_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    roadshow_id: Mapped[int] = mapped_column(sa.ForeignKey("roadshows.id"), index=True)
    equity_need_id: Mapped[int] = mapped_column(sa.ForeignKey("equity_needs.id"), index=True)
    status: Mapped[PitchStatus] = mapped_column(enum_column(PitchStatus), default=PitchStatus.PENDING)
    reason: Mapped[str | None] = mapped_column(sa.Text)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=now_utc)
    decided_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    roadshow: Mapped[Roadshow] = relationship(lazy="joined", innerjoin=True)
    need = relationship("EquityNeed", lazy="joined", innerjoin=True)


class RoadshowSeat(db.Model):
    """A fund's seat in the room, one per fund and roadshow."""

    __tablename__ = "roadshow_seats"
    __table_args__ = (sa.UniqueConstraint("roadshow_id", "institution_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    roadshow_id: Mapped[int] = mapped_column(sa.ForeignKey("roadshows.id"), index=True)
    institution_id: Mapped[int] = mapped_column(sa.ForeignKey("institutions.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=now_utc)

    institution = relationship("Institution", lazy="joined", innerjoin=True)
