"""A firm's consents: to appear in leads, to share its profile and its documents with one institution,
and to the platform's service agreement and privacy policy (by version)."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from .base import CodeList, UTCDateTime, db, now_utc


class Consent(db.Model):
    """One act of giving or taking back consent; the latest row per (firm, scope) is in force."""

    __tablename__ = "consents"
    __table_args__ = (
        sa.CheckConstraint("scope IN ('leads', 'profile_share', 'documents', 'privacy_policy')",
                           name="scope_known"),
        sa.CheckConstraint(
            "(scope IN ('profile_share', 'documents')) = (institution_id IS NOT NULL)", name="share_names_institution"
        ),
        sa.CheckConstraint("(scope = 'privacy_policy') = (version IS NOT NULL)", name="policy_names_version"),
        sa.Index("ix_consents_enterprise_scope_at", "enterprise_id", "scope", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(sa.ForeignKey("enterprises.id"))
    scope: Mapped[str] = mapped_column(sa.String(20))
    institution_id: Mapped[int | None] = mapped_column(sa.ForeignKey("institutions.id"))
    granted: Mapped[bool] = mapped_column()
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=now_utc)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    # scope 'documents': the application and the documents its institution may now see (the whole set,
    # so each row reads alone); scope 'privacy_policy': the version of the text agreed to.
    application_id: Mapped[int | None] = mapped_column(sa.ForeignKey("applications.id"))
    document_ids: Mapped[list[int] | None] = mapped_column(CodeList)
    version: Mapped[str | None] = mapped_column(sa.String(20))
