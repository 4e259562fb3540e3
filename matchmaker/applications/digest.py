"""The officers' daily e-mail: the applications past their institution's promised answer time."""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from celery import shared_task
from flask import current_app

from models import Application, ApplicationStatus, Institution, OutgoingMail, Product, db, now_utc

from .. import mail
from .clock import clock

KIND = "digest.overdue"


def send_overdue_digests(*, now: dt.datetime | None = None) -> int:
    """Queue one digest per officer (who wants e-mail) of each institution with overdue applications;
    at most one a day per officer, however often it runs. Returns how many were queued."""
    now = now or now_utc()
    rows = db.session.execute(
        sa.select(Application, Institution).join(Product, Application.product_id == Product.id)
        .join(Institution, Product.institution_id == Institution.id)
        .where(Application.status == ApplicationStatus.SUBMITTED).order_by(Application.created_at)).all()
    overdue = defaultdict(list)
    for application, institution in rows:
        state = clock(application.created_at, institution.service_target_days, now)
        if state["overdue"]:
            overdue[institution].append((application, state["hours_waiting"]))
    # Who has had today's digest already, in one query rather than one per officer.
    already = set(db.session.scalars(sa.select(OutgoingMail.user_id).where(
        OutgoingMail.kind == KIND, OutgoingMail.created_at >= _start_of_local_day(now))))
    queued = 0
    for institution, items in overdue.items():
        for officer in mail.recipients(institution_id=institution.id):
            if officer.id not in already:
                mail.queue(user=officer, kind=KIND, institution=institution, items=items, link="/institution/inbox")
                queued += 1
    return queued


def _start_of_local_day(now: dt.datetime) -> dt.datetime:
    zone = ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])
    local = now.astimezone(zone)
    return local.replace(hour=0, minute=0, second=0, microsecond=0).astimezone(dt.timezone.utc)


@shared_task(name="matchmaker.applications.overdue_digest")
def overdue_digest_task() -> int:
    queued = send_overdue_digests()
    db.session.commit()  # the task is its own boundary; the e-mails go out after this commits
    return queued
