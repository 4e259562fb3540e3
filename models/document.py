"""A firm's documents (营业执照, 财务报表 …): uploaded once on its profile, shared per application."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import UTCDateTime, db, enum_column, now_utc
from .codes import DocumentKind


class Document(db.Model):
    """The file's bytes live in the document store (outside the web root), under ``storage_key``.
    Deleting keeps the row, so the consent records that named it still read, and drops the bytes."""

    __tablename__ = "documents"
    __table_args__ = (
        sa.CheckConstraint("size_bytes > 0", name="size_positive"),
        sa.Index("ix_documents_enterprise_deleted", "enterprise_id", "deleted_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(sa.ForeignKey("enterprises.id"))
    kind: Mapped[DocumentKind] = mapped_column(enum_column(DocumentKind))
    title: Mapped[str] = mapped_column(sa.String(120))
    filename: Mapped[str] = mapped_column(sa.String(200))
    content_type: Mapped[str] = mapped_column(sa.String(40))  # as read from the bytes, not the name
    size_bytes: Mapped[int] = mapped_column()
    sha256: Mapped[str] = mapped_column(sa.String(64))
    storage_key: Mapped[str] = mapped_column(sa.String(200), unique=True)
    uploaded_by: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=now_utc)
    deleted_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    enterprise = relationship("Enterprise")

    def __repr__(self) -> str:
        return f"<Document {self.id} {self.kind.value} {self.title}>"


class SharedDocument(db.Model):
    """A document the firm lets the institution of one application see (what the consent named)."""

    __tablename__ = "shared_documents"

    application_id: Mapped[int] = mapped_column(sa.ForeignKey("applications.id"), primary_key=True)
    document_id: Mapped[int] = mapped_column(sa.ForeignKey("documents.id"), primary_key=True, index=True)
    shared_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=now_utc)

    document = relationship("Document")
