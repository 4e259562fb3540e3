"""A firm's registered IP (技术评估): patents and software copyrights, valued for pledging."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import UTCDateTime, db, enum_column, now_utc
from .codes import IpKind


class IpAsset(db.Model):
    __tablename__ = "ip_assets"
    __table_args__ = (
        sa.UniqueConstraint("enterprise_id", "number"),  # a number once per firm
        sa.CheckConstraint("expires_on > granted_on", name="expires_after_grant"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(sa.ForeignKey("enterprises.id"), index=True)
    kind: Mapped[IpKind] = mapped_column(enum_column(IpKind))
    number: Mapped[str] = mapped_column(sa.String(40))  # the grant or registration number, as printed
    title: Mapped[str] = mapped_column(sa.String(120))
    granted_on: Mapped[dt.date] = mapped_column(sa.Date)
    expires_on: Mapped[dt.date] = mapped_column(sa.Date)
    pledged: Mapped[bool] = mapped_column(default=False)  # already pledged or exclusively licensed
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=now_utc)

    enterprise = relationship("Enterprise")

    def __repr__(self) -> str:
        return f"<IpAsset {self.id} {self.kind.value} {self.number}>"
