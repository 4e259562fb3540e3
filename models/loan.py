"""A loan: what a disbursed application becomes, and its life as the lending bank reports it."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import UTCDateTime, db, enum_column, now_utc
from .codes import CreditGrade, LoanStatus, RepaymentMethod


class Loan(db.Model):
    __tablename__ = "loans"
    __table_args__ = (
        sa.CheckConstraint("principal_cny > 0", name="principal_positive"),
        sa.CheckConstraint("outstanding_cny >= 0 AND outstanding_cny <= principal_cny", name="outstanding_range"),
        sa.CheckConstraint("term_months > 0", name="term_positive"),
        sa.CheckConstraint("overdue_principal_cny >= 0 AND overdue_principal_cny <= outstanding_cny",
                           name="overdue_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(sa.ForeignKey("applications.id"), unique=True)
    enterprise_id: Mapped[int] = mapped_column(sa.ForeignKey("enterprises.id"), index=True)
    institution_id: Mapped[int] = mapped_column(sa.ForeignKey("institutions.id"), index=True)
    product_id: Mapped[int] = mapped_column(sa.ForeignKey("products.id"), index=True)
    principal_cny: Mapped[int] = mapped_column(sa.BigInteger)
    rate_pct: Mapped[float] = mapped_column(sa.Float)
    term_months: Mapped[int] = mapped_column()
    disbursed_on: Mapped[dt.date] = mapped_column(sa.Date)
    repayment: Mapped[RepaymentMethod] = mapped_column(enum_column(RepaymentMethod))
    outstanding_cny: Mapped[int] = mapped_column(sa.BigInteger)
    status: Mapped[LoanStatus] = mapped_column(enum_column(LoanStatus), default=LoanStatus.CURRENT)
    # Fixed at disbursement (the fund's rules as they stood then).
    risk_fund_covered: Mapped[bool] = mapped_column(default=False)
    # The firm's knowledge-value grade when the money went out, so a falling grade can be seen later.
    credit_grade: Mapped[CreditGrade | None] = mapped_column(enum_column(CreditGrade, name="credit_grade"))
    # While overdue: since when, and how much principal is past due (repayments bring it down).
    overdue_since: Mapped[dt.date | None] = mapped_column(sa.Date)
    overdue_principal_cny: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=now_utc)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=now_utc, onupdate=now_utc)

    repayments: Mapped[list[LoanRepayment]] = relationship(back_populates="loan", order_by="LoanRepayment.id")
    product = relationship("Product")

    def __repr__(self) -> str:
        return f"<Loan {self.id} {self.status.value}>"


class LoanRepayment(db.Model):
    """A repayment as the bank reported it."""

    __tablename__ = "loan_repayments"
    __table_args__ = (
        sa.CheckConstraint("principal_cny >= 0 AND interest_cny >= 0", name="amounts_not_negative"),
        sa.CheckConstraint("principal_cny + interest_cny > 0", name="something_paid"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    loan_id: Mapped[int] = mapped_column(sa.ForeignKey("loans.id"), index=True)
    paid_on: Mapped[dt.date] = mapped_column(sa.Date)
    principal_cny: Mapped[int] = mapped_column(sa.BigInteger)
    interest_cny: Mapped[int] = mapped_column(sa.BigInteger)
    recorded_by: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))  # None: the seeded history
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=now_utc)

    loan: Mapped[Loan] = relationship(back_populates="repayments")
