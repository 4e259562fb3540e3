"""A financial institution (金融机构): bank branch, guarantor, lessor, insurer or fund."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import UTCDateTime, db, enum_column, now_utc
from .codes import InstitutionKind


class Institution(db.Model):
    __tablename__ = "institutions"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(120), unique=True)
    kind: Mapped[InstitutionKind] = mapped_column(enum_column(InstitutionKind), index=True)
    # Working days within which the institution promises to answer an application.
    service_target_days: Mapped[int] = mapped_column(default=3, server_default="3")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=now_utc)

    __table_args__ = (sa.CheckConstraint("service_target_days > 0", name="service_target_positive"),)

    users = relationship("User", back_populates="institution")
    products = relationship("Product", back_populates="institution")

    def __repr__(self) -> str:
        return f"<Institution {self.id} {self.name}>"
