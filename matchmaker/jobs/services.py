"""Jobs: create one (refused while another of its kind is queued or running), follow it, run it.

Feature code says what a kind of job does with ``@handler("kind")``; ``run`` is the boundary of a
job's work as a request is of a page's: the work's writes and the job's success commit together.
"""
from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import threading
from collections.abc import Callable

import sqlalchemy as sa
from flask import current_app, g

from models import ACTIVE_JOB_STATUSES, Job, User, db, now_utc

from ..errors import Conflict, DomainError, NotFound
from ..wording import N_
from . import after_commit

log = logging.getLogger(__name__)

# kind -> function(job, report) returning the job's result; report(share 0..1, message).
HANDLERS: dict[str, Callable] = {}
# kind -> what it is called in the messages a person reads ("已有一次训练正在进行").
LABELS: dict[str, str] = {}
UNNAMED = "同类任务"


def handler(kind: str, *, label: str = UNNAMED):
    def register(function):
        HANDLERS[kind] = function
        LABELS[kind] = label
        return function

    return register


def create(*, kind: str, actor: User | None, params: dict | None = None, dispatch: bool = True) -> Job:
    """A queued job, published to the workers once the caller commits (``dispatch=False``: the caller
    runs it itself, as the command line does)."""
    job = Job(kind=kind, status="queued", progress=0.0, params=params or {}, attempts=0,
              created_by_id=actor.id if actor else None, heartbeat_at=now_utc())
    try:
        with db.session.begin_nested():
            db.session.add(job)
    except sa.exc.IntegrityError:
        running = db.session.scalar(sa.select(Job).where(Job.kind == kind, Job.status.in_(ACTIVE_JOB_STATUSES)))
        since = N_("（已 %(value)s 秒）", value=int((now_utc() - running.created_at).total_seconds())) if running else ""
        raise Conflict(N_("已有一次%(value)s正在进行%(since)s，请等它完成", value=LABELS.get(kind, UNNAMED), since=since)) from None
    if dispatch:
        after_commit("matchmaker.jobs.run", job.id)
    return job


def get(*, job_id: int) -> Job | None:
    return db.session.get(Job, job_id)


def get_or_404(*, job_id: int) -> Job:
    job = get(job_id=job_id)
    if job is None:
        raise NotFound("没有这个任务")
    return job


def get_all(*, kind: str | None = None, limit: int = 20, offset: int = 0) -> tuple[list[Job], int]:
    query = sa.select(Job)
    if kind:
        query = query.where(Job.kind == kind)
    total = db.session.scalar(sa.select(sa.func.count()).select_from(query.subquery()))
    items = db.session.scalars(query.order_by(Job.created_at.desc(), Job.id.desc()).limit(limit).offset(offset))
    return list(items), total


def latest(*, kind: str) -> Job | None:
    return db.session.scalar(sa.select(Job).where(Job.kind == kind).order_by(Job.id.desc()).limit(1))


def as_dict(job: Job) -> dict:
    return {"id": job.id, "kind": job.kind, "status": job.status, "progress": round(job.progress, 3),
            "message": job.message, "created_at": job.created_at, "started_at": job.started_at,
            "finished_at": job.finished_at, "attempts": job.attempts, "result": job.result, "error": job.error}


# ---------------------------------------------------------------- running

def _lease() -> dt.timedelta:
    return dt.timedelta(seconds=current_app.config["JOB_LEASE_SECONDS"])


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}"


def claim(*, job_id: int, worker: str) -> bool:
    """Take a queued job, or a running one whose worker let its lease lapse (it died); atomic, so of
    two workers handed the same job only one runs it."""
    now = now_utc()
    with db.engine.begin() as conn:
        taken = conn.execute(sa.update(Job).where(
            Job.id == job_id,
            sa.or_(Job.status == "queued", sa.and_(Job.status == "running", Job.heartbeat_at < now - _lease())),
        ).values(status="running", worker=worker, heartbeat_at=now, attempts=Job.attempts + 1,
                 started_at=sa.func.coalesce(Job.started_at, now)))
    return taken.rowcount == 1


def _touch(job_id: int, owner: str, **values) -> bool:
    """Write on the job's row for its owner, on a connection of its own, seen by everyone at once."""
    with db.engine.begin() as conn:
        done = conn.execute(sa.update(Job).where(Job.id == job_id, Job.worker == owner)
                            .values(heartbeat_at=now_utc(), **values))
    return done.rowcount == 1


def begin_writing() -> None:
    """A job reads (for minutes, a training) in a transaction that does not hold SQLite's write lock,
    so its progress and lease can be written beside it; it calls this before it writes, which ends
    the reading and writes from here on (PostgreSQL does not mind either way)."""
    if g.get("reads_only"):
        db.session.commit()
        g.reads_only = False


def run(*, job_id: int, worker: str | None = None,
        on_progress: Callable[[float, str], None] = lambda _share, _message: None) -> bool:
    """Run the job if this worker can claim it; False when another has it or it is finished."""
    worker = worker or worker_name()
    if not claim(job_id=job_id, worker=worker):
        return False
    g.reads_only = True
    job = db.session.get(Job, job_id)
    function = HANDLERS[job.kind]
    stop = threading.Event()
    app = current_app._get_current_object()
    beat = threading.Thread(target=_keep_lease, args=(app, job_id, worker, stop), daemon=True)
    beat.start()

    def report(share: float, message: str) -> None:
        _touch(job_id, worker, progress=max(0.0, min(1.0, share)), message=message[:200])
        on_progress(share, message)

    try:
        result = function(job, report)
    except DomainError as error:
        db.session.rollback()
        _finish(job_id, worker, status="failed", error=error.message)
    except sa.exc.OperationalError:
        # The database went away mid-job: hand it back to the queue (the task retries it).
        db.session.rollback()
        _touch(job_id, worker, status="queued", worker=None)
        raise
    except Exception as error:  # noqa: BLE001  recorded on the job, and logged with its traceback
        log.exception("job %s (%s) failed", job_id, job.kind)
        db.session.rollback()
        _finish(job_id, worker, status="failed", error=f"{type(error).__name__}: {error}"[:500])
    else:
        # The work's rows and the job's success in one transaction: both or neither.
        begin_writing()
        finished = db.session.execute(sa.update(Job).where(Job.id == job_id, Job.worker == worker).values(
            status="succeeded", progress=1.0, message=None, result=result, finished_at=now_utc(),
            heartbeat_at=now_utc()))
        if finished.rowcount == 1:
            db.session.commit()
        else:  # the lease lapsed and another worker took the job over: its run counts, not this one
            db.session.rollback()
    finally:
        stop.set()
        g.pop("reads_only", None)
    return True


def _finish(job_id: int, worker: str, **values) -> None:
    _touch(job_id, worker, finished_at=now_utc(), **values)


def _keep_lease(app, job_id: int, worker: str, stop: threading.Event) -> None:
    every = app.config["JOB_LEASE_SECONDS"] / 4
    while not stop.wait(every):
        with app.app_context():
            if not _touch(job_id, worker):
                return


def stale(*, kind: str | None = None, limit: int = 100) -> list[int]:
    """Jobs to publish again: running ones whose worker's lease lapsed, and queued ones no worker has
    taken within a lease (their message lost with a folder queue or a broker outage); of one kind."""
    cutoff = now_utc() - _lease()
    query = sa.select(Job.id).where(Job.status.in_(ACTIVE_JOB_STATUSES), Job.heartbeat_at < cutoff)
    if kind is not None:
        query = query.where(Job.kind == kind)
    return list(db.session.scalars(query.order_by(Job.id).limit(limit)))


def mark_published(*, job_ids: list[int]) -> None:
    # A queued job's heartbeat is when it was last published, so the sweep sends each once a lease.
    if job_ids:
        db.session.execute(sa.update(Job).where(Job.id.in_(job_ids), Job.status == "queued")
                           .values(heartbeat_at=now_utc()))
