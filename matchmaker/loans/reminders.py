"""What is due soon: each firm is told, once, a few days before an instalment falls due (LOAN_REMINDER_DAYS)."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from celery import shared_task
from flask import current_app

from models import Loan, Notification, db

from .. import notifications
from ..ranking.eligibility import wan
from ..wording import N_
from . import services

KIND = "loan.due"


def remind(*, on: dt.date | None = None) -> int:
    """Notify every firm with an open loan whose next instalment is due within the configured days; a
    reminder already sent for that loan and date is not sent again. Returns how many were sent."""
    on = on or services.today()
    horizon = on + dt.timedelta(days=current_app.config["LOAN_REMINDER_DAYS"])
    sent = 0
    for loan in db.session.scalars(sa.select(Loan).where(Loan.status.in_(services.OPEN)).order_by(Loan.id)):
        due = services.next_due(loan, on=on)
        if due is None or not on <= due.due_on <= horizon:
            continue
        message = N_("贷款「%(value)s」将于 %(day)s 到期还款：本金 %(wan)s 万元，利息 %(wan_interest)s 万元",
                     value=loan.product.name, day=due.due_on.isoformat(), wan=wan(due.principal_cny),
                     wan_interest=wan(due.interest_cny))
        link = f"/enterprise/loans/{loan.id}"
        told = db.session.scalar(sa.select(sa.func.count()).select_from(Notification).where(
            Notification.enterprise_id == loan.enterprise_id, Notification.kind == KIND,
            Notification.link == link, Notification.message == message))
        if told:
            continue
        notifications.notify(enterprise_id=loan.enterprise_id, kind=KIND, message=message, link=link)
        sent += 1
    db.session.flush()
    return sent


@shared_task(name="matchmaker.loans.remind")
def remind_task() -> int:
    sent = remind()
    db.session.commit()  # the task is its own boundary
    return sent
