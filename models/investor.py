"""Equity financing (股权融资): what a fund manager invests in (its investor profile) and what firms raise (their
equity rounds)."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from .base import CodeList, UTCDateTime, db, enum_column, now_utc
from .codes import EquityNeedStatus, EquityStage


class InvestorProfile(db.Model):
    __tablename__ = "investor_profiles"
    __table_args__ = (
        sa.CheckConstraint("min_ticket_cny > 0 AND max_ticket_cny >= min_ticket_cny", name="tickets_ordered"),
        sa.CheckConstraint("fund_size_cny >= max_ticket_cny", name="fund_holds_a_ticket"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    institution_id: Mapped[int] = mapped_column(sa.ForeignKey("institutions.id"), unique=True)
    stages: Mapped[list[str]] = mapped_column(CodeList, default=list)  # EquityStage codes, at least one
    industries: Mapped[list[str]] = mapped_column(CodeList, default=list)  # Industry codes; empty: any
    min_ticket_cny: Mapped[int] = mapped_column(sa.BigInteger)
    max_ticket_cny: Mapped[int] = mapped_column(sa.BigInteger)
    fund_size_cny: Mapped[int] = mapped_column(sa.BigInteger)
    accepts_deal_flow: Mapped[bool] = mapped_column(default=True)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=now_utc, onupdate=now_utc)


class EquityNeed(db.Model):
    """A firm's equity round (股权融资需求): what it raises, at what valuation, for what."""

    __tablename__ = "equity_needs"
    __table_args__ = (
        sa.CheckConstraint("amount_cny > 0", name="amount_positive"),
        sa.CheckConstraint("pre_money_valuation_cny > 0", name="valuation_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(sa.ForeignKey("enterprises.id"), index=True)
    round: Mapped[EquityStage] = mapped_column(enum_column(EquityStage, name="round"))
    amount_cny: Mapped[int] = mapped_column(sa.BigInteger)
    pre_money_valuation_cny: Mapped[int] = mapped_column(sa.BigInteger)
    use_of_funds: Mapped[str] = mapped_column(sa.Text)
    highlights: Mapped[str | None] = mapped_column(sa.Text)
    status: Mapped[EquityNeedStatus] = mapped_column(enum_column(EquityNeedStatus), default=EquityNeedStatus.OPEN)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=now_utc, index=True)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=now_utc, onupdate=now_utc)
