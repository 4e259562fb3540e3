"""Equity financing (股权融资): what a fund manager invests in (its investor profile) and what firms raise (their
equity rounds)."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import CodeList, UTCDateTime, db, enum_column, now_utc
from .codes import EquityNeedStatus, EquityStage, InterestStage


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

    institution = relationship("Institution", lazy="joined", innerjoin=True)


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
    plan_document_id: Mapped[int | None] = mapped_column(sa.ForeignKey("documents.id"))  # its business plan
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=now_utc, index=True)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=now_utc, onupdate=now_utc)

    enterprise = relationship("Enterprise", lazy="joined", innerjoin=True)
    interests: Mapped[list[EquityInterest]] = relationship(back_populates="need", order_by="EquityInterest.id")


class EquityInterest(db.Model):
    """A fund's interest in a round: where the deal stands (the deal pipeline), one per fund and round."""

    __tablename__ = "equity_interests"
    __table_args__ = (
        sa.UniqueConstraint("equity_need_id", "institution_id"),
        sa.CheckConstraint("amount_cny IS NULL OR amount_cny > 0", name="amount_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    equity_need_id: Mapped[int] = mapped_column(sa.ForeignKey("equity_needs.id"), index=True)
    institution_id: Mapped[int] = mapped_column(sa.ForeignKey("institutions.id"), index=True)
    stage: Mapped[InterestStage] = mapped_column(enum_column(InterestStage), default=InterestStage.INTERESTED)
    amount_cny: Mapped[int | None] = mapped_column(sa.BigInteger)  # what was invested
    pass_reason: Mapped[str | None] = mapped_column(sa.Text)
    accepted_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)  # the firm showed its contacts
    roadshow_id: Mapped[int | None] = mapped_column(sa.ForeignKey("roadshows.id"))  # recorded from that room
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=now_utc)
    moved_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=now_utc, index=True)  # the last step

    need: Mapped[EquityNeed] = relationship(lazy="joined", innerjoin=True, back_populates="interests")
    institution = relationship("Institution", lazy="joined", innerjoin=True)


class InterestStep(db.Model):
    """Each stage an interest reached, dated: the firm sees the history, the learner reads how far deals go."""

    __tablename__ = "equity_interest_steps"

    id: Mapped[int] = mapped_column(primary_key=True)
    interest_id: Mapped[int] = mapped_column(sa.ForeignKey("equity_interests.id"), index=True)
    stage: Mapped[InterestStage] = mapped_column(enum_column(InterestStage))
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=now_utc)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))


class PlanShare(db.Model):
    """The firm's consent to show its business plan (a document of its own) to one fund for one round."""

    __tablename__ = "equity_plan_shares"
    __table_args__ = (sa.UniqueConstraint("equity_need_id", "institution_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    equity_need_id: Mapped[int] = mapped_column(sa.ForeignKey("equity_needs.id"), index=True)
    institution_id: Mapped[int] = mapped_column(sa.ForeignKey("institutions.id"))
    document_id: Mapped[int] = mapped_column(sa.ForeignKey("documents.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=now_utc)
