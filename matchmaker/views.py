"""What every feature's pages do the same way around a state change, and the request's boundary: one
commit per request, after the view, for every answer that is not an error."""
from __future__ import annotations

import functools
from collections.abc import Callable
from typing import NamedTuple

from flask import flash, g, has_app_context, has_request_context, request

from models import db

from .errors import DomainError
from .forms import attach_problems


def change(action: Callable[[], object], *, done: str, form=None, names: dict | None = None) -> bool:
    """Run ``action``, flashing ``done`` (the request's end commits it). A conflict (409: someone else
    moved first, or the state no longer allows it) is flashed instead and what the action did undone,
    so the page shows what is now true; with ``form``, invalid values are shown next to its fields.
    Returns True when the change was made."""
    try:
        action()
    except DomainError as error:
        if error.status == 409:
            db.session.rollback()
            flash(error.message, "warning")
            return False
        if form is None or not error.fields:
            raise
        db.session.rollback()
        attach_problems(form, error.fields, names=names)
        return False
    flash(done, "success")
    return True


class Submitted(NamedTuple):
    done: bool  # the service made the change
    value: object  # what it returned
    status: int  # what the page answers when it shows the form again


def submit(form, action: Callable[[], object], *, done: str | None = None, names: dict | None = None,
           prefix: str | None = None) -> Submitted:
    """A form's POST, the same way on every page: a form that does not validate answers 422 with its
    messages; a valid one runs ``action``, and what the service refuses is shown next to the fields it
    names (or above the form when it names none; ``prefix`` and ``names`` map its field names to the
    form's), what it did undone, and the page answers with the refusal's status; the form keeps
    everything the person typed. ``done`` is flashed on success."""
    if request.method != "POST":
        return Submitted(False, None, 200)
    if not form.validate_on_submit():
        return Submitted(False, None, 422)
    try:
        value = action()
    except DomainError as error:
        db.session.rollback()
        attach_problems(form, error.fields, prefix=prefix, names=names)
        if not error.fields:
            form.form_errors.append(error.message)
        return Submitted(False, None, error.status)
    if done:
        flash(done, "success")
    return Submitted(True, value, 200)


def confirmation(*, title: str, sentence: str, button: str, back: str):
    """A destructive action asks first, in a sentence that says what will happen: a POST without
    ``confirm=yes`` answers a page with that sentence and a button that sends the same form again,
    confirmed. No JavaScript is needed, so the question cannot be skipped by a page that failed to load
    its scripts. → the page to return, or None when the person has confirmed."""
    from flask import render_template

    if request.form.get("confirm") == "yes":
        return None
    fields = {name: value for name, value in request.form.items() if name not in ("csrf_token", "confirm")}
    return render_template("confirm.html", title=title, sentence=sentence, button=button, back=back, fields=fields)


def may_write() -> bool:
    """Whether this request's transactions may write: every request but a plain page or API read."""
    if not has_request_context():
        # Work outside a request (a job, a command) writes, unless it says it only reads for now.
        return not g.get("reads_only", False) if has_app_context() else True
    return request.method not in ("GET", "HEAD", "OPTIONS") or g.get("writes_on_get", False)


def writes_on_get(view):
    """A GET that records something (an export's or a profile view's audit row). Its reads so far
    (the sign-in lookup) are ended, so on SQLite the rest runs in a write transaction from the start."""

    @functools.wraps(view)
    def wrapped(*args, **kwargs):
        g.writes_on_get = True
        db.session.commit()
        return view(*args, **kwargs)

    return wrapped


def commit_at_the_boundary(response):
    """The one commit of a request (indico's rule): what the view and the services it called flushed
    is kept when the answer is not an error; an error answer keeps nothing. A view that catches a
    conflict and answers with a redirect undoes its work itself (``change``). A commit that fails
    here (the database went away) is the request's failure: the error handlers answer 500 or 503."""
    if response.status_code < 400:
        db.session.commit()
    else:
        db.session.rollback()
    return response


def init_app(app) -> None:
    app.after_request(commit_at_the_boundary)
