"""A financial product with its eligibility rules (what a firm must show to qualify)."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import CodeList, UTCDateTime, db, enum_column, now_utc
from .codes import CreditGrade, CreditRating, ProductKind, ProductStatus
from .limits import MAX_RATE_PCT


class Product(db.Model):
    __tablename__ = "products"
    __table_args__ = (
        sa.CheckConstraint("min_amount_cny > 0", name="min_amount_positive"),
        sa.CheckConstraint("min_amount_cny <= max_amount_cny", name="amount_range"),
        sa.CheckConstraint("min_term_months > 0", name="min_term_positive"),
        sa.CheckConstraint("min_term_months <= max_term_months", name="term_range"),
        sa.CheckConstraint("rate_min_pct >= 0", name="rate_not_negative"),
        sa.CheckConstraint("rate_min_pct <= rate_max_pct", name="rate_range"),
        sa.CheckConstraint(f"rate_max_pct <= {MAX_RATE_PCT}", name="rate_plausible"),
        sa.CheckConstraint("min_years >= 0", name="min_years_not_negative"),
        sa.CheckConstraint("min_annual_revenue_cny >= 0", name="min_revenue_not_negative"),
        sa.CheckConstraint("min_ip_count >= 0", name="min_ip_not_negative"),
        sa.CheckConstraint("pledge_ratio_pct > 0 AND pledge_ratio_pct <= 100", name="pledge_ratio_range"),
        sa.Index("ix_products_status_kind", "status", "kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    institution_id: Mapped[int] = mapped_column(sa.ForeignKey("institutions.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    kind: Mapped[ProductKind] = mapped_column(enum_column(ProductKind))
    min_amount_cny: Mapped[int] = mapped_column(sa.BigInteger)
    max_amount_cny: Mapped[int] = mapped_column(sa.BigInteger)
    min_term_months: Mapped[int] = mapped_column()
    max_term_months: Mapped[int] = mapped_column()
    rate_min_pct: Mapped[float] = mapped_column(sa.Float)
    rate_max_pct: Mapped[float] = mapped_column(sa.Float)
    description: Mapped[str] = mapped_column(sa.Text, default="")
    # RepaymentMethod codes the product offers; empty where nothing is repaid (guarantees, insurance,
    # equity) or the method is agreed case by case.
    # An IP-pledge product's pledge ratio (质押率): the share of the pledged IP's value it lends against;
    # None where the product lends on other grounds or has not published one.
    pledge_ratio_pct: Mapped[float | None] = mapped_column(sa.Float)
    repayment_methods: Mapped[list[str]] = mapped_column(CodeList, default=list, server_default="[]")
    status: Mapped[ProductStatus] = mapped_column(
        enum_column(ProductStatus), default=ProductStatus.ACTIVE
    )
    # Eligibility rules. An empty list means "no restriction".
    industries: Mapped[list[str]] = mapped_column(CodeList, default=list)
    min_years: Mapped[float] = mapped_column(sa.Float, default=0)
    min_annual_revenue_cny: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    min_ip_count: Mapped[int] = mapped_column(default=0)
    required_certifications: Mapped[list[str]] = mapped_column(CodeList, default=list)
    min_credit_rating: Mapped[CreditRating | None] = mapped_column(
        enum_column(CreditRating, name="min_credit_rating")
    )
    # The lowest knowledge-value credit grade the product lends to (知识价值信用贷款); None: any or none.
    min_credit_grade: Mapped[CreditGrade | None] = mapped_column(
        enum_column(CreditGrade, name="min_credit_grade")
    )
    collateral_required: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=now_utc)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=now_utc, onupdate=now_utc)

    institution = relationship("Institution", back_populates="products")

    def __repr__(self) -> str:
        return f"<Product {self.id} {self.name}>"
