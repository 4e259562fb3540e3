"""What every feature's pages do the same way around a state change."""
from __future__ import annotations

from collections.abc import Callable

from flask import flash

from models import db

from .errors import DomainError
from .forms import attach_problems


def change(action: Callable[[], object], *, done: str, form=None, names: dict | None = None) -> bool:
    """Run ``action`` and commit, flashing ``done``. A conflict (409: someone else moved first, or the
    state no longer allows it) is flashed instead, so the page shows what is now true; with ``form``,
    invalid values are shown next to its fields. Returns True when the change was made."""
    try:
        action()
    except DomainError as error:
        if error.status == 409:
            flash(error.message, "warning")
            return False
        if form is None or not error.fields:
            raise
        attach_problems(form, error.fields, names=names)
        return False
    db.session.commit()
    flash(done, "success")
    return True
