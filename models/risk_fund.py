"""The risk-compensation fund (风险补偿资金池): money paid in by the city and the district, and the claims it pays
on covered loans that went bad. Its balance is one row, moved by conditional updates only, so two approvals at
once can never pay out more than is in it."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import UTCDateTime, db, enum_column, now_utc
from .codes import ClaimStatus


class RiskFund(db.Model):
    __tablename__ = "risk_fund"
    __table_args__ = (sa.CheckConstraint("balance_cny >= 0", name="balance_not_negative"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    balance_cny: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    paid_cny: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    # The fund's share of what banks recovered after their claims were paid, back into the balance.
    returned_cny: Mapped[int] = mapped_column(sa.BigInteger, default=0, server_default="0")


class RiskFundContribution(db.Model):
    __tablename__ = "risk_fund_contributions"
    __table_args__ = (sa.CheckConstraint("city_cny >= 0 AND district_cny >= 0 AND city_cny + district_cny > 0",
                                         name="amounts_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    city_cny: Mapped[int] = mapped_column(sa.BigInteger)
    district_cny: Mapped[int] = mapped_column(sa.BigInteger)
    received_on: Mapped[dt.date] = mapped_column(sa.Date)
    recorded_by: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=now_utc)


class CompensationClaim(db.Model):
    """A bank's claim on the fund for a covered loan's unrecovered principal (one per loan)."""

    __tablename__ = "compensation_claims"
    __table_args__ = (
        sa.CheckConstraint("loss_cny > 0", name="loss_positive"),
        sa.CheckConstraint("covered_cny = city_cny + district_cny", name="split_adds_up"),
        sa.CheckConstraint("recovered_cny >= 0 AND recovered_cny <= loss_cny", name="recovered_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    loan_id: Mapped[int] = mapped_column(sa.ForeignKey("loans.id"), unique=True)
    institution_id: Mapped[int] = mapped_column(sa.ForeignKey("institutions.id"), index=True)
    loss_cny: Mapped[int] = mapped_column(sa.BigInteger)
    covered_cny: Mapped[int] = mapped_column(sa.BigInteger)
    city_cny: Mapped[int] = mapped_column(sa.BigInteger)
    district_cny: Mapped[int] = mapped_column(sa.BigInteger)
    status: Mapped[ClaimStatus] = mapped_column(enum_column(ClaimStatus), default=ClaimStatus.SUBMITTED)
    reason: Mapped[str | None] = mapped_column(sa.Text)
    submitted_by: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    decided_by: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=now_utc)
    decided_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    # What the bank recovered of the loss after the claim was paid, and the fund's share of it given back.
    recovered_cny: Mapped[int] = mapped_column(sa.BigInteger, default=0, server_default="0")
    returned_cny: Mapped[int] = mapped_column(sa.BigInteger, default=0, server_default="0")

    loan = relationship("Loan")


class ClaimRecovery(db.Model):
    """Money the bank recovered on a paid claim's loan; the fund gets back the share it paid (pro rata)."""

    __tablename__ = "claim_recoveries"
    __table_args__ = (
        sa.CheckConstraint("amount_cny > 0", name="amount_positive"),
        sa.CheckConstraint("returned_cny = city_cny + district_cny", name="split_adds_up"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    claim_id: Mapped[int] = mapped_column(sa.ForeignKey("compensation_claims.id"), index=True)
    amount_cny: Mapped[int] = mapped_column(sa.BigInteger)
    returned_cny: Mapped[int] = mapped_column(sa.BigInteger)
    city_cny: Mapped[int] = mapped_column(sa.BigInteger)
    district_cny: Mapped[int] = mapped_column(sa.BigInteger)
    recovered_on: Mapped[dt.date] = mapped_column(sa.Date)
    recorded_by: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=now_utc)

    claim = relationship("CompensationClaim")
