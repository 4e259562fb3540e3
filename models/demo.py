"""A record of the demo market that was seeded, so its known truth can be recomputed."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from .base import UTCDateTime, db, now_utc


class DemoMarket(db.Model):
    """The seed parameters of a synthetic market; absent on a real platform's database."""

    __tablename__ = "demo_markets"

    id: Mapped[int] = mapped_column(primary_key=True)
    seed: Mapped[int] = mapped_column()
    enterprises: Mapped[int] = mapped_column()
    as_of: Mapped[dt.date] = mapped_column(sa.Date)
    loaded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=now_utc)
