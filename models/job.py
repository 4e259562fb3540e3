"""Long work done by the task workers (ranker training, large imports): one row per job, which the
pages and the API follow and which survives the worker that ran it."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from .base import UTCDateTime, db, now_utc

JOB_STATUSES = ("queued", "running", "succeeded", "failed")
ACTIVE_JOB_STATUSES = ("queued", "running")


class Job(db.Model):
    __tablename__ = "jobs"
    __table_args__ = (
        # One job of a kind at a time (two trainings would race to activate), held by the database
        # itself, on SQLite and PostgreSQL alike.
        sa.Index("uq_jobs_one_active_per_kind", "kind", unique=True,
                 sqlite_where=sa.text("status IN ('queued', 'running')"),
                 postgresql_where=sa.text("status IN ('queued', 'running')")),
        sa.CheckConstraint("status IN ('queued', 'running', 'succeeded', 'failed')", name="status_known"),
        sa.CheckConstraint("progress >= 0 AND progress <= 1", name="progress_share"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(40))  # ranker.train, …
    status: Mapped[str] = mapped_column(sa.String(16), default="queued")
    progress: Mapped[float] = mapped_column(sa.Float, default=0.0)
    message: Mapped[str | None] = mapped_column(sa.String(200))  # the step now running, for the progress bar
    params: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    result: Mapped[dict | None] = mapped_column(sa.JSON)
    error: Mapped[str | None] = mapped_column(sa.Text)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=now_utc, index=True)
    started_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    # The worker running the job renews its lease while it works; a lease left to lapse means the
    # worker died, and another takes the job over (attempts counts the takes).
    heartbeat_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    worker: Mapped[str | None] = mapped_column(sa.String(120))
    attempts: Mapped[int] = mapped_column(default=0)

    def __repr__(self) -> str:
        return f"<Job {self.id} {self.kind} {self.status}>"
