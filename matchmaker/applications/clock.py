"""The response clock: an institution promises an answer within N working days (weekends excluded)."""
from __future__ import annotations

import datetime as dt


def due_at(submitted: dt.datetime, working_days: int) -> dt.datetime:
    """The moment the answer is due: ``working_days`` working days after ``submitted``."""
    due = submitted
    remaining = working_days
    while remaining > 0:
        due += dt.timedelta(days=1)
        if due.weekday() < 5:
            remaining -= 1
    return due


def clock(submitted: dt.datetime, working_days: int, now: dt.datetime) -> dict:
    due = due_at(submitted, working_days)
    return {"due_at": due, "overdue": now > due, "hours_left": round((due - now).total_seconds() / 3600, 1),
            "hours_waiting": round((now - submitted).total_seconds() / 3600, 1)}
