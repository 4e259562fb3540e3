"""The Celery tasks. Each is small: the work and its rules live in services, so a job runs the same
from a worker, from the command line and in the tests."""
from __future__ import annotations

import sqlalchemy as sa
from celery import shared_task
from celery.signals import worker_ready

from models import db

from . import current_celery, services


@shared_task(name="matchmaker.jobs.run", bind=True, max_retries=5)
def run(self, job_id: int) -> bool:
    try:
        return services.run(job_id=job_id)
    except sa.exc.OperationalError as error:
        raise self.retry(exc=error, countdown=min(60, 5 * 2 ** self.request.retries)) from None


@shared_task(name="matchmaker.jobs.sweep")
def sweep() -> list[int]:
    """Publish again what a dead worker or a lost message left behind (beat calls it)."""
    celery = current_celery()
    job_ids = services.stale()
    for job_id in job_ids:
        celery.send_task("matchmaker.jobs.run", args=(job_id,))
    services.mark_published(job_ids=job_ids)
    db.session.commit()
    return job_ids


@worker_ready.connect
def _sweep_on_start(sender=None, **_kwargs) -> None:
    # A worker that starts (after a crash, say) picks up at once what was left, not a sweep later.
    sender.app.send_task("matchmaker.jobs.sweep")
