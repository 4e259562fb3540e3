"""Domain errors raised by services, and the handlers that turn every error into a response.

Services raise ``DomainError`` subclasses; the JSON API renders them in the contract's shape and
HTML views show their messages next to the fields they name.
"""
from __future__ import annotations

import logging

from flask import Flask, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from models import db

from .error_shape import error_response, flatten_fields
from .wording import N_

log = logging.getLogger(__name__)


class DomainError(Exception):
    status = 400
    code = "bad_request"

    def __init__(self, message: str, fields: dict[str, list[str]] | None = None,
                 headers: dict[str, str] | None = None):
        super().__init__(message)
        self.message = message
        self.fields = fields or {}
        self.headers = headers or {}


class BadRequest(DomainError):
    status, code = 400, "bad_request"


class InvalidInput(DomainError):
    status, code = 422, "invalid_input"


class Conflict(DomainError):
    status, code = 409, "conflict"


class NotFound(DomainError):
    status, code = 404, "not_found"


class Forbidden(DomainError):
    status, code = 403, "forbidden"


class Unauthorized(DomainError):
    status, code = 401, "unauthorized"


class TooManyRequests(DomainError):
    status, code = 429, "too_many_requests"


def wants_json() -> bool:
    return request.path.startswith("/api/") or request.path == "/healthz"


def handle_domain_error(error: DomainError):
    db.session.rollback()
    if wants_json():
        return error_response(error.status, error.message, error.fields or None, error.code,
                              error.headers)
    return _html_error(error.status, error.message)


def handle_http_exception(error: HTTPException):
    db.session.rollback()
    if not wants_json():
        if isinstance(error, CSRFError):
            return _html_error(400, "表单已失效（缺少或无效的安全令牌），请返回上一页重新提交。")
        return _html_error(error.code or 500, None)
    fields = message = None  # the contract's default message for the status, and no fields
    data = getattr(error, "data", None) or {}
    if error.code == 400:
        message = data.get("message") or "请求体不是有效的 JSON"
    elif "messages" in data:  # webargs validation errors: keyed by location, then by field
        messages = data["messages"]
        merged: dict = {}
        for location_messages in messages.values():
            merged.update(flatten_fields(location_messages))
        fields, message = _short(merged)
    elif "message" in data:
        message = data["message"]
    headers = {}
    if error.code == 405 and error.valid_methods:
        headers["Allow"] = ", ".join(error.valid_methods)
    return error_response(error.code or 500, message, fields, headers=headers)


SHOWN_UNKNOWN_FIELDS = 10


def _short(fields: dict[str, list[str]]) -> tuple[dict[str, list[str]], str | None]:
    """Unknown fields are named up to a few; a body of thousands of them gets one short answer."""
    unknown = [name for name, problems in fields.items() if problems == ["Unknown field."]]
    if len(unknown) <= SHOWN_UNKNOWN_FIELDS:
        return fields, None
    dropped = set(unknown[SHOWN_UNKNOWN_FIELDS:])
    kept = {name: problems for name, problems in fields.items() if name not in dropped}
    return kept, N_("请求包含 %(value)s 个未知字段（只列出前 %(value2)s 个）", value=len(unknown), value2=SHOWN_UNKNOWN_FIELDS)


def handle_unexpected(error: Exception):
    # Never show internals; the log keeps the traceback with the request id.
    log.exception("unhandled error on %s %s", request.method, request.path)
    db.session.rollback()
    if wants_json():
        return error_response(500)
    return _html_error(500, None)


def _html_error(status: int, message: str | None):
    return render_template("errors/error.html", status=status, message=message), status


def init_app(app: Flask) -> None:
    app.register_error_handler(DomainError, handle_domain_error)
    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(InternalServerError, handle_unexpected)
    app.register_error_handler(Exception, handle_unexpected)
