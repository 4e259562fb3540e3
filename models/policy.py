"""Policy fulfilment (政策兑现): the zone's support policies as data (machine-checked conditions, a benefit, a budget
consumed by conditional updates), and what each firm is owed under them (entitlements), computed by the platform and
claimed by the firm, decided and paid by the bureau."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import UTCDateTime, db, enum_column, now_utc
from .codes import EntitlementStatus, PolicyKind


class Policy(db.Model):
    __tablename__ = "policies"
    __table_args__ = (
        sa.CheckConstraint("budget_cny > 0", name="budget_positive"),
        # Approvals move ``used_cny`` by a conditional update; the database refuses an overspend anyway.
        sa.CheckConstraint("used_cny >= 0 AND used_cny <= budget_cny", name="within_budget"),
        sa.CheckConstraint("valid_to >= valid_from", name="valid_ordered"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    kind: Mapped[PolicyKind] = mapped_column(enum_column(PolicyKind))
    summary: Mapped[str] = mapped_column(sa.Text)
    legal_basis: Mapped[str | None] = mapped_column(sa.Text)
    valid_from: Mapped[dt.date] = mapped_column(sa.Date)
    valid_to: Mapped[dt.date] = mapped_column(sa.Date)
    budget_cny: Mapped[int] = mapped_column(sa.BigInteger)
    used_cny: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    conditions: Mapped[list] = mapped_column(sa.JSON, default=list)  # [{"fact", "op", "value"}], checked when saved
    benefit: Mapped[dict] = mapped_column(sa.JSON)  # {"type", …its parameters}
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=now_utc)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=now_utc, onupdate=now_utc)


class Entitlement(db.Model):
    """What one firm is owed under one policy for one period (``period``: the year of an interest subsidy, "once" for
    an award), with the arithmetic; the claim, the decision and the payment ride on the same row."""

    __tablename__ = "entitlements"
    __table_args__ = (
        sa.UniqueConstraint("policy_id", "enterprise_id", "period"),
        sa.CheckConstraint("amount_cny >= 0", name="amount_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    policy_id: Mapped[int] = mapped_column(sa.ForeignKey("policies.id"), index=True)
    enterprise_id: Mapped[int] = mapped_column(sa.ForeignKey("enterprises.id"), index=True)
    period: Mapped[str] = mapped_column(sa.String(20))
    amount_cny: Mapped[int] = mapped_column(sa.BigInteger)
    basis: Mapped[list] = mapped_column(sa.JSON, default=list)  # the conditions met and the arithmetic, in words
    status: Mapped[EntitlementStatus] = mapped_column(enum_column(EntitlementStatus), default=EntitlementStatus.AVAILABLE,
                                                      index=True)
    computed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=now_utc)
    payee_account_name: Mapped[str | None] = mapped_column(sa.String(100))
    payee_account_no: Mapped[str | None] = mapped_column(sa.String(40))
    payee_bank: Mapped[str | None] = mapped_column(sa.String(100))
    claimed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    decided_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    decided_by: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    reason: Mapped[str | None] = mapped_column(sa.Text)
    paid_on: Mapped[dt.date | None] = mapped_column(sa.Date)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=now_utc)

    policy: Mapped[Policy] = relationship(lazy="joined", innerjoin=True)
