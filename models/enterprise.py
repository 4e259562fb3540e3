"""An enterprise (企业): the firm that needs money, with the facts lenders look at."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import CodeList, UTCDateTime, db, enum_column, now_utc
from .codes import CreditRating, Industry


class Enterprise(db.Model):
    __tablename__ = "enterprises"
    __table_args__ = (
        sa.CheckConstraint("length(uscc) = 18", name="uscc_length"),
        sa.CheckConstraint("employees >= 0", name="employees_not_negative"),
        sa.CheckConstraint("annual_revenue_cny >= 0", name="revenue_not_negative"),
        sa.CheckConstraint("rd_ratio_pct >= 0 AND rd_ratio_pct <= 100", name="rd_ratio_range"),
        sa.CheckConstraint("ip_count >= 0", name="ip_count_not_negative"),
        sa.CheckConstraint("total_assets_cny IS NULL OR total_assets_cny >= 0", name="assets_not_negative"),
        sa.CheckConstraint("total_liabilities_cny IS NULL OR total_liabilities_cny >= 0",
                           name="liabilities_not_negative"),
        sa.CheckConstraint("rd_staff IS NULL OR rd_staff >= 0", name="rd_staff_not_negative"),
        sa.CheckConstraint("tech_talent IS NULL OR tech_talent >= 0", name="tech_talent_not_negative"),
        sa.CheckConstraint("innovative_products IS NULL OR innovative_products >= 0",
                           name="innovative_products_not_negative"),
        sa.CheckConstraint("awards IS NULL OR awards >= 0", name="awards_not_negative"),
        sa.Index("ix_enterprises_industry_district", "industry", "district"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(120), index=True)
    uscc: Mapped[str] = mapped_column(sa.String(18), unique=True)
    industry: Mapped[Industry] = mapped_column(enum_column(Industry))
    founded_on: Mapped[dt.date] = mapped_column(sa.Date)
    employees: Mapped[int] = mapped_column()
    annual_revenue_cny: Mapped[int] = mapped_column(sa.BigInteger)
    rd_ratio_pct: Mapped[float] = mapped_column(sa.Float)
    ip_count: Mapped[int] = mapped_column()
    certifications: Mapped[list[str]] = mapped_column(CodeList, default=list)
    credit_rating: Mapped[CreditRating] = mapped_column(enum_column(CreditRating))
    district: Mapped[str] = mapped_column(sa.String(40))
    has_collateral: Mapped[bool] = mapped_column(default=False)
    # Who the bank calls: asked at registration on the page (the API's older clients may leave them out).
    contact_name: Mapped[str | None] = mapped_column(sa.String(40))
    contact_phone: Mapped[str | None] = mapped_column(sa.String(11))  # a mainland mobile number
    legal_representative: Mapped[str | None] = mapped_column(sa.String(40))
    # Balance-sheet and profit facts for leverage and listing, optional (None: not given).
    total_assets_cny: Mapped[int | None] = mapped_column(sa.BigInteger)
    total_liabilities_cny: Mapped[int | None] = mapped_column(sa.BigInteger)
    net_profit_cny: Mapped[int | None] = mapped_column(sa.BigInteger)  # last year; a loss is negative
    net_profit_prev_cny: Mapped[int | None] = mapped_column(sa.BigInteger)  # the year before
    # What the knowledge-value credit evaluation reads besides IP and R&D (optional; None: not given):
    # R&D staff, tech talent (master's, doctorate or a senior title), innovative products, S&T awards.
    rd_staff: Mapped[int | None] = mapped_column()
    tech_talent: Mapped[int | None] = mapped_column()
    innovative_products: Mapped[int | None] = mapped_column()
    awards: Mapped[int | None] = mapped_column()
    # The firm's consent to appear in institutions' leads; off until the firm opts in.
    share_in_leads: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    # True for firms created from an imported loan history: they are claimed through the
    # administrator, never by whoever knows their public code.
    imported: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=now_utc, index=True)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=now_utc, onupdate=now_utc)

    users = relationship("User", back_populates="enterprise")
    needs = relationship("FinancingNeed", back_populates="enterprise")

    def years_in_business(self, on: dt.date) -> float:
        return max((on - self.founded_on).days / 365.25, 0.0)

    def __repr__(self) -> str:
        return f"<Enterprise {self.id} {self.name}>"
