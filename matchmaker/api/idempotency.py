"""Idempotency-Key on the API's writes: a client that retries after a lost answer gets the first answer
again instead of a second application or a 409 it cannot interpret.

The key is reserved in the request's own transaction before the work is done, so a simultaneous
retry waits on the unique index and then replays (or, if the first is still running, gets 409).
A request that ends in an error rolls its reservation back: a retry runs again.
"""
from __future__ import annotations

import functools
import hashlib

import sqlalchemy as sa
from flask import Response, jsonify, request

from models import IdempotentRequest, db

from ..auth.current import current_user
from ..errors import Conflict, InvalidInput

HEADER = "Idempotency-Key"
DOC = {"in": "header", "name": HEADER, "required": False, "schema": {"type": "string", "maxLength": 255},
       "description": "retrying with the same key replays the first answer instead of acting twice"}


def _fingerprint() -> str:
    digest = hashlib.sha256(f"{request.method} {request.path}\n".encode())
    digest.update(request.get_data(cache=True))
    return digest.hexdigest()


def _stored(user_id: int, key: str) -> IdempotentRequest | None:
    return db.session.scalar(sa.select(IdempotentRequest).where(IdempotentRequest.user_id == user_id,
                                                                IdempotentRequest.key == key))


def _replay(stored: IdempotentRequest, fingerprint: str) -> Response:
    if stored.fingerprint != fingerprint:
        raise InvalidInput("该 Idempotency-Key 已用于另一个请求", {HEADER: ["同一个键只能用于同一个请求"]})
    if stored.status is None:
        raise Conflict("同一个 Idempotency-Key 的请求正在处理中，请稍后重试")
    response = jsonify(stored.body)
    response.status_code = stored.status
    response.headers["Idempotent-Replayed"] = "true"
    return response


def idempotent(view):
    """Goes right under the role check, above flask-smorest's ``arguments``/``response``."""

    @functools.wraps(view)
    def wrapped(*args, **kwargs):
        key = request.headers.get(HEADER)
        if key is None:
            return view(*args, **kwargs)
        if not 1 <= len(key) <= 255:
            raise InvalidInput("Idempotency-Key 应为 1 到 255 个字符", {HEADER: ["应为 1 到 255 个字符"]})
        user, fingerprint = current_user(), _fingerprint()
        stored = _stored(user.id, key)
        if stored is not None:
            return _replay(stored, fingerprint)
        reservation = IdempotentRequest(user_id=user.id, key=key, fingerprint=fingerprint)
        try:
            with db.session.begin_nested():
                db.session.add(reservation)
        except sa.exc.IntegrityError:
            # A simultaneous request with this key committed first.
            return _replay(_stored(user.id, key), fingerprint)
        response = view(*args, **kwargs)
        # The request's end commits the work and the reservation together.
        reservation.status, reservation.body = response.status_code, response.get_json()
        return response

    return wrapped
