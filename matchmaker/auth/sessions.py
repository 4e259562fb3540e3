"""Sign-ins as revocable tokens: browser sessions and API bearer tokens share one mechanism.

The client holds a random secret; the database holds its SHA-256 with an expiry. Revoking the row
ends the sign-in everywhere, in every worker, at once.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import logging
import secrets

import sqlalchemy as sa
import sqlalchemy.orm
from flask import current_app, request

from models import AuthToken, TokenKind, User, db, now_utc

from ..audit import client_ip

log = logging.getLogger(__name__)


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def issue(*, user: User, kind: TokenKind, second_factor: bool = False) -> tuple[str, AuthToken]:
    ttl = current_app.config["API_TOKEN_TTL" if kind is TokenKind.API else "WEB_SESSION_TTL"]
    secret = secrets.token_urlsafe(32)
    token = AuthToken(token_hash=_digest(secret), kind=kind, user=user, second_factor=second_factor,
                      expires_at=now_utc() + ttl, ip=client_ip())
    db.session.add(token)
    db.session.flush()
    return secret, token


# Built once: every signed-in request runs it, and building the expression each time cost as much as
# the round trip to the database. The user comes in the same round trip.
_LIVE_TOKEN = (sa.select(AuthToken).options(sa.orm.joinedload(AuthToken.user, innerjoin=True))
               .where(AuthToken.token_hash == sa.bindparam("token_hash"), AuthToken.kind == sa.bindparam("kind")))


def resolve(secret: str | None, *, kind: TokenKind) -> AuthToken | None:
    """The live token for ``secret``, or None when it is unknown, expired, revoked or disabled."""
    if not secret or len(secret) > 200:
        return None
    token = db.session.scalar(_LIVE_TOKEN, {"token_hash": _digest(secret), "kind": kind})
    now = now_utc()
    if token is None or not token.is_live(now):
        return None
    if kind is TokenKind.WEB:
        idle = current_app.config["WEB_SESSION_IDLE"]
        if now - (token.last_used_at or token.created_at) > idle:
            return None
        _touch(token, now)
    return token


TOUCH_EVERY = dt.timedelta(minutes=1)
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


def _touch(token: AuthToken, now: dt.datetime) -> None:
    """Record use for the idle timeout, at most once a minute. A request that writes anyway carries
    it in its own transaction; a page view, which commits nothing, writes it on a connection of its
    own and then starts its reads afresh, so a later write in the same view never sits on a snapshot
    older than this one (SQLite would refuse that write outright)."""
    if token.last_used_at is not None and now - token.last_used_at < TOUCH_EVERY:
        return
    if request.method not in SAFE_METHODS:
        token.last_used_at = now
        return
    try:
        with db.engine.begin() as connection:
            connection.execute(sa.update(AuthToken).where(AuthToken.id == token.id).values(last_used_at=now))
    except sa.exc.OperationalError:
        # SQLite busy with a long write (a training, an import): the page must not fail for this;
        # the next request records the use.
        log.warning("could not record the use of session %s now", token.id)
        return
    db.session.commit()  # ends this read's snapshot; the token's copy is read afresh when next used


def revoke(token: AuthToken) -> None:
    token.revoked_at = now_utc()


def revoke_all(*, user: User, keep: AuthToken | None = None) -> int:
    """End every sign-in of ``user`` (but ``keep``, the one making the change); → how many ended."""
    query = sa.update(AuthToken).where(AuthToken.user_id == user.id, AuthToken.revoked_at.is_(None))
    if keep is not None:
        query = query.where(AuthToken.id != keep.id)
    # The session's own copies of those tokens are revoked too (synchronize_session "auto").
    return db.session.execute(query.values(revoked_at=now_utc())).rowcount


def expires_in(token: AuthToken) -> dt.timedelta:
    return token.expires_at - now_utc()
