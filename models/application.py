"""An application of one need to one product, and the history of its state changes."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import UTCDateTime, db, enum_column, now_utc
from .codes import ApplicationStatus, RejectReason

# The only moves the state machine allows (the API contract); anything else is a 409.
TRANSITIONS: dict[ApplicationStatus, frozenset[ApplicationStatus]] = {
    ApplicationStatus.SUBMITTED: frozenset(
        {ApplicationStatus.APPROVED, ApplicationStatus.REJECTED, ApplicationStatus.WITHDRAWN}
    ),
    ApplicationStatus.APPROVED: frozenset({ApplicationStatus.DISBURSED, ApplicationStatus.WITHDRAWN}),
    ApplicationStatus.REJECTED: frozenset(),
    ApplicationStatus.DISBURSED: frozenset(),
    ApplicationStatus.WITHDRAWN: frozenset(),
}


class Application(db.Model):
    __tablename__ = "applications"
    __table_args__ = (
        # One application per need and product, enforced by the database so a double submit
        # stores one row whatever the timing.
        sa.UniqueConstraint("need_id", "product_id", name="uq_applications_need_product"),
        sa.CheckConstraint("amount_cny > 0", name="amount_positive"),
        sa.CheckConstraint("term_months > 0", name="term_positive"),
        sa.CheckConstraint(
            "approved_amount_cny IS NULL OR approved_amount_cny > 0", name="approved_amount_positive"
        ),
        sa.CheckConstraint(
            "disbursed_amount_cny IS NULL OR (disbursed_amount_cny > 0"
            " AND disbursed_amount_cny <= approved_amount_cny)",
            name="disbursed_within_approved",
        ),
        sa.CheckConstraint("rate_pct IS NULL OR (rate_pct >= 0 AND rate_pct <= 36)", name="rate_range"),
        sa.CheckConstraint(
            "status NOT IN ('approved', 'disbursed') OR approved_amount_cny IS NOT NULL",
            name="approval_has_amount",
        ),
        sa.Index("ix_applications_institution_status", "institution_id", "status"),
        sa.Index("ix_applications_status_decided_at", "status", "decided_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    need_id: Mapped[int] = mapped_column(sa.ForeignKey("financing_needs.id"), index=True)
    product_id: Mapped[int] = mapped_column(sa.ForeignKey("products.id"), index=True)
    # Copies of the owners, so every scoped list is one indexed filter instead of a join.
    enterprise_id: Mapped[int] = mapped_column(sa.ForeignKey("enterprises.id"), index=True)
    institution_id: Mapped[int] = mapped_column(sa.ForeignKey("institutions.id"))
    status: Mapped[ApplicationStatus] = mapped_column(
        enum_column(ApplicationStatus), default=ApplicationStatus.SUBMITTED
    )
    amount_cny: Mapped[int] = mapped_column(sa.BigInteger)
    term_months: Mapped[int] = mapped_column()
    approved_amount_cny: Mapped[int | None] = mapped_column(sa.BigInteger)
    rate_pct: Mapped[float | None] = mapped_column(sa.Float)
    approved_term_months: Mapped[int | None] = mapped_column()
    disbursed_amount_cny: Mapped[int | None] = mapped_column(sa.BigInteger)
    reject_reason_code: Mapped[RejectReason | None] = mapped_column(enum_column(RejectReason))
    reject_reason: Mapped[str | None] = mapped_column(sa.Text)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=now_utc, index=True)
    viewed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    decided_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    disbursed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, index=True)
    withdrawn_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    # Imported from a bank's loan history: the outcome is known, the time it took to answer is not,
    # so service statistics leave these rows out.
    imported: Mapped[bool] = mapped_column(default=False, server_default=sa.false())

    need = relationship("FinancingNeed", back_populates="applications")
    product = relationship("Product")
    events: Mapped[list[ApplicationEvent]] = relationship(
        back_populates="application", order_by="ApplicationEvent.at"
    )


class ApplicationEvent(db.Model):
    """One state change of an application: who moved it, when, from what to what."""

    __tablename__ = "application_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        sa.ForeignKey("applications.id", ondelete="CASCADE"), index=True
    )
    from_status: Mapped[ApplicationStatus | None] = mapped_column(
        enum_column(ApplicationStatus, name="from_status")
    )
    to_status: Mapped[ApplicationStatus] = mapped_column(enum_column(ApplicationStatus, name="to_status"))
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=now_utc)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    note: Mapped[str] = mapped_column(sa.Text, default="")

    application: Mapped[Application] = relationship(back_populates="events")
