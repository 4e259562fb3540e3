"""A firm on its way to the stock market (上市辅导): the financial facts the exchanges' listing standards read,
kept by the firm, and its stage in the zone's listing pipeline, each change a dated fact (a listing reward, a
policy, reads it)."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from .base import UTCDateTime, db, enum_column, now_utc
from .codes import ListingStage, ReserveTier


class ListingFacts(db.Model):
    """One row per firm that filled them; every figure in whole yuan (or %), None while not given. "Net profit"
    is the lower of before and after non-recurring items (the exchanges' rule)."""

    __tablename__ = "listing_facts"

    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(sa.ForeignKey("enterprises.id"), unique=True)
    expected_market_value_cny: Mapped[int | None] = mapped_column(sa.BigInteger)
    share_capital_cny: Mapped[int | None] = mapped_column(sa.BigInteger)
    revenue_prev_cny: Mapped[int | None] = mapped_column(sa.BigInteger)  # the year before last (last: the firm's)
    revenue_prev2_cny: Mapped[int | None] = mapped_column(sa.BigInteger)
    rd_expense_cny: Mapped[int | None] = mapped_column(sa.BigInteger)  # last year
    rd_expense_prev_cny: Mapped[int | None] = mapped_column(sa.BigInteger)
    rd_expense_prev2_cny: Mapped[int | None] = mapped_column(sa.BigInteger)
    operating_cash_flow_cny: Mapped[int | None] = mapped_column(sa.BigInteger)  # last year; negative allowed
    operating_cash_flow_3y_cny: Mapped[int | None] = mapped_column(sa.BigInteger)
    roe_pct: Mapped[float | None] = mapped_column(sa.Float)  # last year
    roe_prev_pct: Mapped[float | None] = mapped_column(sa.Float)
    neeq_innovation_months: Mapped[int | None] = mapped_column()  # months on the NEEQ innovation tier
    national_main_product: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=now_utc, onupdate=now_utc)


class ListingStageChange(db.Model):
    """The firm entered ``stage`` (with its reserve tier while in the reserve pool) on ``changed_on``; the latest
    row is where it stands."""

    __tablename__ = "listing_stage_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(sa.ForeignKey("enterprises.id"), index=True)
    stage: Mapped[ListingStage] = mapped_column(enum_column(ListingStage))
    tier: Mapped[ReserveTier | None] = mapped_column(enum_column(ReserveTier))
    changed_on: Mapped[dt.date] = mapped_column(sa.Date)
    recorded_by: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=now_utc)
