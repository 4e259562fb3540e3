"""Long work on Celery workers: ranker training, large imports, e-mail.

The broker is Redis in production (``CELERY_BROKER_URL``); with none named, a queue of files in the
instance folder, which needs no server, so ``make run`` starts its own worker on a fresh machine.
The truth about a job is its row in ``jobs`` (models/job.py), not the broker: a message may be lost
or delivered twice, and the row's atomic claim and lease make either harmless (services.run).
"""
from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from celery import Celery, Task
from celery.schedules import crontab
from flask import Flask

from models import db


def init_app(app: Flask) -> Celery:
    celery = Celery(app.import_name, task_cls=_flask_task(app), set_as_current=True)
    celery.conf.update(
        broker_url=broker_url(app),
        broker_transport_options=_transport_options(app),
        broker_connection_retry_on_startup=True,
        task_default_queue=app.config["CELERY_QUEUE"],
        # A message is acknowledged when its task is done, so a worker killed mid-job leaves it to be
        # delivered again; the job's lease decides who runs it (services.run).
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        task_ignore_result=True,  # results live in the jobs table
        worker_hijack_root_logger=False,
        timezone=app.config["BABEL_DEFAULT_TIMEZONE"],
        beat_schedule={
            "sweep-jobs": {"task": "matchmaker.jobs.sweep", "schedule": float(app.config["JOB_SWEEP_SECONDS"])},
            "overdue-digest": {"task": "matchmaker.applications.overdue_digest",
                               "schedule": crontab(hour=app.config["MAIL_DIGEST_HOUR"], minute=0)},
            "loan-reminders": {"task": "matchmaker.loans.remind",
                               "schedule": crontab(hour=app.config["MAIL_DIGEST_HOUR"], minute=15)},
            "risk-scan": {"task": "matchmaker.loans.scan_risk",
                          "schedule": crontab(hour=app.config["MAIL_DIGEST_HOUR"], minute=30)},
            "stale-deals": {"task": "matchmaker.equity.remind_stale",
                            "schedule": crontab(hour=app.config["MAIL_DIGEST_HOUR"], minute=45)},
            # 免申即享: every firm's entitlements, computed for the whole market each night.
            "policy-entitlements": {"task": "matchmaker.policy.refresh", "schedule": crontab(hour=2, minute=0)},
        },
        **app.config["CELERY_OVERRIDES"],
    )
    celery.set_default()
    app.extensions["celery"] = celery
    from . import tasks  # noqa: F401  (registers the shared tasks with this app)

    _dispatch_after_commit()
    return celery


def broker_url(app: Flask) -> str:
    return app.config["CELERY_BROKER_URL"] or "filesystem://"


def _transport_options(app: Flask) -> dict:
    if app.config["CELERY_BROKER_URL"]:
        # Redis hands an unacknowledged message (its worker died) to another worker after this long.
        return {"visibility_timeout": app.config["CELERY_VISIBILITY_TIMEOUT"]}
    folder = Path(app.instance_path) / "queue"
    for part in ("messages", "control"):
        (folder / part).mkdir(parents=True, exist_ok=True)
    return {"data_folder_in": str(folder / "messages"), "data_folder_out": str(folder / "messages"),
            "control_folder": str(folder / "control"), "store_processed": False}


def _flask_task(app: Flask) -> type[Task]:
    class FlaskTask(Task):
        # A context of its own for each task: its own database session, even when run in the web
        # process (the tests' thread worker), never the request's.
        def __call__(self, *args, **kwargs):
            with app.app_context():
                try:
                    return self.run(*args, **kwargs)
                finally:
                    db.session.remove()

    return FlaskTask


# ---------------------------------------------------------------- sending after the commit
# A task is published only once the rows it reads are committed: published earlier, a fast worker
# would find no job; published from a transaction that then rolls back, it would run work undone.

_PENDING = "matchmaker.tasks_after_commit"


def after_commit(task_name: str, *args) -> None:
    db.session.info.setdefault(_PENDING, []).append((task_name, args))


def _dispatch_after_commit() -> None:
    from sqlalchemy.orm import Session

    if sa.event.contains(Session, "after_commit", _publish):
        return
    sa.event.listen(Session, "after_commit", _publish)
    sa.event.listen(Session, "after_soft_rollback", _forget)


def _publish(session) -> None:
    pending = session.info.pop(_PENDING, [])
    if not pending:
        return
    celery = current_celery()
    for task_name, args in pending:
        try:
            celery.send_task(task_name, args=args)
        except Exception:  # noqa: BLE001  the broker is away: the sweep publishes it again
            import logging

            logging.getLogger(__name__).warning("could not publish %s%r; the sweep will", task_name, args)


def current_celery() -> Celery:
    """This Flask app's own Celery (its broker and queue), whichever was made last in the process."""
    from celery import current_app
    from flask import current_app as flask_app, has_app_context

    return flask_app.extensions["celery"] if has_app_context() else current_app


def _forget(session, previous_transaction) -> None:
    if previous_transaction.parent is None:  # the outer transaction, not a savepoint
        session.info.pop(_PENDING, None)
