"""Long work on real Celery workers: a job survives the worker that ran it, and is never run twice."""
from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import redis
import sqlalchemy as sa

from matchmaker.jobs import services as jobs
from matchmaker.jobs.schemas import JobSchema
from models import Job, RankerModel, db, now_utc
from seed import load_market
from tests.test_admin_ops import follow_job
from tests.test_api import assert_error, token_for
from tests.test_matching import AS_OF

ROOT = Path(__file__).resolve().parent.parent
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


@pytest.fixture
def redis_queue():
    """A queue of this test's own on the machine's Redis, and after it every key kombu made for it (the
    queue, its bindings) and the deliveries it left unacknowledged (the killed worker's), nothing else."""
    name = f"matchmaker-test-{uuid.uuid4().hex[:8]}"
    yield name
    client = redis.Redis.from_url(REDIS_URL)
    for key in [name, *client.scan_iter(match=f"*{name}*")]:
        client.delete(key)
    for tag, delivery in client.hscan_iter("unacked"):
        if name.encode() in delivery:
            client.hdel("unacked", tag)
            client.zrem("unacked_index", tag)


def start_worker(database_url: str, queue: str, name: str, log: Path, *, beat: bool) -> subprocess.Popen:
    env = {**os.environ, "MATCHMAKER_ENV": "testing", "DATABASE_URL": database_url, "CELERY_BROKER_URL": REDIS_URL,
           "CELERY_QUEUE": queue, "JOB_LEASE_SECONDS": "3", "JOB_SWEEP_SECONDS": "1",
           "CELERY_VISIBILITY_TIMEOUT": "6"}
    command = [sys.executable, "-m", "celery", "-A", "matchmaker.worker:celery", "worker", "--pool", "solo",
               "-n", f"{name}@%h", "-Q", queue, "--without-mingle", "--without-gossip", "--loglevel", "INFO"]
    if beat:
        command += ["-B", "-s", str(log.with_suffix(".beat"))]
    with log.open("w") as output:  # the child keeps its own copy of the file
        return subprocess.Popen(command, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT,
                                start_new_session=True)


def wait_for(predicate, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"{what}: not within {timeout} s")


@pytest.mark.workers
def test_a_worker_killed_mid_training_leaves_the_job_to_another(app, other_app, migrated, make_user, redis_queue,
                                                               tmp_path):
    with app.app_context():
        load_market(enterprises=700, seed=5, progress=False, as_of=AS_OF)
    web = other_app(CELERY_BROKER_URL=REDIS_URL, CELERY_QUEUE=redis_queue, JOB_LEASE_SECONDS=3)
    client = web.test_client()
    admin = make_user("admin")
    headers = token_for(client, admin.email, admin.password)
    first = start_worker(migrated, redis_queue, "first", tmp_path / "first.log", beat=False)
    second = None
    try:
        started = client.post("/api/v1/admin/ranker/train", headers=headers)
        assert started.status_code == 202, started.json
        job_id = started.json["job"]["id"]

        def fitting():
            assert first.poll() is None, (tmp_path / "first.log").read_text()[-3000:]
            with web.app_context():
                job = db.session.get(Job, job_id)
                return job if job.status == "running" and (job.message or "").startswith("fitting") else None

        taken = wait_for(fitting, 120, "the first worker takes the job and fits")
        os.killpg(first.pid, signal.SIGKILL)  # no warm shutdown, no goodbye: as a machine that dies
        first.wait(10)
        second = start_worker(migrated, redis_queue, "second", tmp_path / "second.log", beat=True)
        seen = follow_job(client, headers, started.headers["Location"], timeout=240)
        job = seen[-1]
        assert job["status"] == "succeeded", (job, (tmp_path / "second.log").read_text()[-3000:])
        assert job["attempts"] == 2 and job["result"]["trained_rows"] > 200
        with web.app_context():
            row = db.session.get(Job, job_id)
            assert row.worker != taken.worker and row.worker.startswith(os.uname().nodename)
            # Run once to the end: one model stored, the one the job names, active.
            models = db.session.scalars(sa.select(RankerModel)).all()
            assert [m.version for m in models] == [job["result"]["model_version"]] and models[0].is_active
        # The message the dead worker never acknowledged comes back; it finds the job done and leaves it.
        time.sleep(7)
        with web.app_context():
            assert db.session.scalar(sa.select(sa.func.count()).select_from(RankerModel)) == 1
            assert db.session.get(Job, job_id).attempts == 2
    finally:
        for worker in (first, second):
            if worker and worker.poll() is None:
                os.killpg(worker.pid, signal.SIGTERM)
                worker.wait(30)


def test_a_job_is_claimed_once_and_a_lapsed_lease_is_taken_over(ctx, make_user):
    lapsed = now_utc() - dt.timedelta(seconds=ctx.config["JOB_LEASE_SECONDS"] + 1)

    def set_job(**values):
        db.session.execute(sa.update(Job).values(**values))
        db.session.commit()  # nothing held open: a claim writes on a connection of its own

    job_id = jobs.create(kind="ranker.train", actor=make_user("admin"), dispatch=False).id
    db.session.commit()
    assert jobs.claim(job_id=job_id, worker="a") is True
    assert jobs.claim(job_id=job_id, worker="b") is False  # a's lease holds
    assert jobs.stale() == []
    db.session.commit()
    set_job(heartbeat_at=lapsed)  # a died
    assert jobs.stale() == [job_id]
    db.session.commit()
    assert jobs.claim(job_id=job_id, worker="b") is True
    assert db.session.execute(sa.select(Job.worker, Job.attempts)).one() == ("b", 2)
    db.session.commit()
    # A finished job is never run again, whoever is handed its message, however old.
    set_job(status="succeeded", heartbeat_at=lapsed)
    assert jobs.claim(job_id=job_id, worker="c") is False and jobs.stale() == []


def test_one_job_of_a_kind_at_a_time_and_a_failed_one_says_why(app, client, make_user, celery_worker):
    admin = make_user("admin")
    headers = token_for(client, admin.email, admin.password)
    # An empty market: the training fails, and says why, in the job.
    started = client.post("/api/v1/admin/ranker/train", headers=headers)
    assert started.status_code == 202
    job = follow_job(client, headers, started.headers["Location"])[-1]
    assert job["status"] == "failed" and "已决策的申请不足" in job["error"] and job["result"] is None
    # Finished, it no longer blocks the next one.
    again = client.post("/api/v1/admin/ranker/train", headers=headers)
    assert again.status_code == 202 and again.json["job"]["id"] != job["id"]
    follow_job(client, headers, again.headers["Location"])
    listed = client.get("/api/v1/admin/jobs?limit=1", headers=headers).json
    assert listed["total"] == 2 and [item["id"] for item in listed["items"]] == [again.json["job"]["id"]]
    firm = make_user("enterprise")
    assert_error(client.get(f"/api/v1/admin/jobs/{job['id']}", headers=token_for(client, firm.email, firm.password)),
                 403)
    assert_error(client.get(f"/api/v1/admin/jobs/{job['id']}"), 401)


def _job(**values) -> Job:
    job = Job(**{"kind": "ranker.train", "status": "succeeded", "progress": 1.0, "params": {}, "attempts": 1,
                 "heartbeat_at": now_utc(), **values})
    db.session.add(job)
    db.session.flush()
    return job


def test_a_job_reads_as_the_contract_names_it(ctx):
    started = now_utc() - dt.timedelta(seconds=30)
    job = _job(status="failed", progress=0.12345, message="fitting on 10 applications", started_at=started,
               finished_at=now_utc(), error="已决策的申请不足", result=None)
    assert JobSchema().dump(job) == {
        "id": job.id, "kind": "ranker.train", "status": "failed", "progress": 0.123,
        "message": "fitting on 10 applications", "created_at": job.created_at.isoformat(),
        "started_at": started.isoformat(), "finished_at": job.finished_at.isoformat(), "attempts": 1, "result": None, "error": "已决策的申请不足"}


def test_jobs_are_listed_newest_first_by_kind_and_page(ctx):
    from matchmaker.errors import NotFound

    base = now_utc() - dt.timedelta(hours=1)
    made = [_job(kind=kind, created_at=base + dt.timedelta(minutes=i))
            for i, kind in enumerate(["ranker.train", "outcomes.import", "ranker.train", "ranker.train"])]
    items, total = jobs.get_all()
    assert total == 4 and [j.id for j in items] == [m.id for m in reversed(made)]
    items, total = jobs.get_all(kind="ranker.train", limit=2, offset=1)
    assert total == 3 and [j.id for j in items] == [made[2].id, made[0].id]
    assert jobs.latest(kind="ranker.train").id == made[3].id
    assert jobs.latest(kind="outcomes.import").id == made[1].id and jobs.latest(kind="nothing") is None
    assert jobs.get_or_404(job_id=made[0].id) is made[0]
    with pytest.raises(NotFound, match="没有这个任务"):
        jobs.get_or_404(job_id=made[-1].id + 1)


def test_the_sweep_finds_what_a_dead_worker_or_a_lost_message_left(ctx):
    lease = dt.timedelta(seconds=ctx.config["JOB_LEASE_SECONDS"])
    lapsed, fresh = now_utc() - lease - dt.timedelta(seconds=1), now_utc() - lease + dt.timedelta(seconds=2)
    running_lapsed = _job(status="running", heartbeat_at=lapsed)
    _job(kind="a", status="running", heartbeat_at=fresh)
    queued_lapsed = _job(kind="b", status="queued", heartbeat_at=lapsed)
    other_queued = _job(kind="c", status="queued", heartbeat_at=fresh)
    _job(kind="d", status="failed", heartbeat_at=lapsed)
    db.session.commit()
    assert jobs.stale() == [running_lapsed.id, queued_lapsed.id]
    assert jobs.stale(limit=1) == [running_lapsed.id]
    jobs.mark_published(job_ids=[running_lapsed.id, queued_lapsed.id])
    db.session.commit()
    db.session.expire_all()
    # Published again: a queued job waits a lease before the next try; a running one is its worker's to renew.
    assert jobs.stale() == [running_lapsed.id]
    assert db.session.get(Job, queued_lapsed.id).heartbeat_at > fresh
    assert db.session.get(Job, other_queued.id).heartbeat_at == fresh  # only those named are marked
    jobs.mark_published(job_ids=[])


def test_a_job_reads_first_and_writes_after(ctx):
    from flask import g

    from matchmaker.views import may_write

    assert may_write() is True  # outside a request, work writes
    g.reads_only = True
    assert may_write() is False
    _job()
    jobs.begin_writing()  # ends the reading transaction, keeping what it did
    assert g.reads_only is False and may_write() is True
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Job)) == 1
    jobs.begin_writing()  # once writing, nothing more happens
    assert g.reads_only is False


def test_each_kind_of_job_has_its_handler(ctx):
    from matchmaker.admin import imports, ranker

    assert jobs.HANDLERS[ranker.KIND] is ranker._run_training
    assert jobs.HANDLERS[imports.KIND] is imports._run_import

    @jobs.handler("test.kind")
    def work(job, report):
        return {"done": job.id}

    try:
        assert jobs.HANDLERS["test.kind"] is work
    finally:
        jobs.HANDLERS.pop("test.kind")


def test_a_job_runs_once_renewing_its_lease_and_only_its_owner_writes_on_it(ctx):
    import socket

    seen = []

    @jobs.handler("test.work")
    def work(job, report):
        def now_stored():  # as another reader sees it (the job's own transaction keeps its first view)
            with db.engine.connect() as connection:
                return connection.execute(sa.select(Job.heartbeat_at, Job.progress, Job.message)
                                          .where(Job.id == job.id)).one()

        before = now_stored()
        report(0.5, "halfway")
        seen.append((before.heartbeat_at, now_stored()))
        return {"done": job.id}

    try:
        mine = jobs.create(kind="test.work", actor=None, dispatch=False).id
        other = _job(kind="other", status="running", worker="someone").id
        sibling = _job(kind="sibling", status="running", worker="someone", progress=0.2).id
        db.session.commit()
        heard = []
        assert jobs.run(job_id=mine, on_progress=lambda share, message: heard.append((share, message))) is True
        (before, (renewed, progress, message)), = seen
        assert renewed > before and (progress, message) == (0.5, "halfway") and heard == [(0.5, "halfway")]
        db.session.expire_all()
        row = db.session.get(Job, mine)
        assert (row.status, row.result, row.progress, row.attempts) == ("succeeded", {"done": mine}, 1.0, 1)
        assert row.worker.startswith(f"{socket.gethostname()}:")
        db.session.commit()  # nothing held open: a claim writes on a connection of its own
        assert jobs.run(job_id=mine) is False  # finished: never run again
        # Writing on a job is its owner's alone, and on that job alone.
        db.session.commit()
        assert jobs._touch(other, "someone else", progress=0.9) is False
        assert jobs._touch(other, "someone", progress=0.4) is True
        db.session.expire_all()
        assert db.session.get(Job, other).progress == 0.4 and db.session.get(Job, mine).progress == 1.0
        assert db.session.get(Job, sibling).progress == 0.2  # the same owner's other job is left alone
    finally:
        jobs.HANDLERS.pop("test.work")
