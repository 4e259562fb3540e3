"""The ranker registry: trained models stored as skops bytes with what is needed to trust them."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from .base import UTCDateTime, db, now_utc


class RankerModel(db.Model):
    __tablename__ = "ranker_models"
    __table_args__ = (
        # At most one active model, on SQLite and PostgreSQL alike.
        sa.Index(
            "uq_ranker_models_one_active",
            "is_active",
            unique=True,
            sqlite_where=sa.text("is_active"),
            postgresql_where=sa.text("is_active"),
        ),
        sa.CheckConstraint("trained_rows >= 0", name="trained_rows_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=now_utc)
    activated_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    is_active: Mapped[bool] = mapped_column(default=False)
    blob: Mapped[bytes] = mapped_column(sa.LargeBinary)
    sha256: Mapped[str] = mapped_column(sa.String(64))
    sklearn_version: Mapped[str] = mapped_column(sa.String(32))
    features: Mapped[list[str]] = mapped_column(sa.JSON)
    training_data_hash: Mapped[str] = mapped_column(sa.String(64))
    trained_rows: Mapped[int] = mapped_column()
    metrics: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    baseline_metrics: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    # The default-risk model trained with it, where enough loans had run long enough (None otherwise), and its
    # figures: hold-out AUC and Brier score, the base rate, predicted against actual default by grade.
    default_blob: Mapped[bytes | None] = mapped_column(sa.LargeBinary)
    default_sha256: Mapped[str | None] = mapped_column(sa.String(64))
    default_features: Mapped[list[str] | None] = mapped_column(sa.JSON)
    default_metrics: Mapped[dict | None] = mapped_column(sa.JSON)
    # What the deal pipeline taught about investors and rounds: a logistic model's standardised coefficients
    # (plain numbers, no pickle) and its held-out figures; none until enough interests have moved.
    equity_fit: Mapped[dict | None] = mapped_column(sa.JSON)
