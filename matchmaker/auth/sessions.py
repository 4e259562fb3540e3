"""Sign-ins as revocable tokens: browser sessions and API bearer tokens share one mechanism.

The client holds a random secret; the database holds its SHA-256 with an expiry. Revoking the row
ends the sign-in everywhere, in every worker, at once.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import secrets

import sqlalchemy as sa
from flask import current_app

from models import AuthToken, TokenKind, User, db, now_utc

from ..audit import client_ip


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def issue(*, user: User, kind: TokenKind) -> tuple[str, AuthToken]:
    ttl = current_app.config["API_TOKEN_TTL" if kind is TokenKind.API else "WEB_SESSION_TTL"]
    secret = secrets.token_urlsafe(32)
    token = AuthToken(token_hash=_digest(secret), kind=kind, user=user,
                      expires_at=now_utc() + ttl, ip=client_ip())
    db.session.add(token)
    db.session.flush()
    return secret, token


def resolve(secret: str | None, *, kind: TokenKind) -> AuthToken | None:
    """The live token for ``secret``, or None when it is unknown, expired, revoked or disabled."""
    if not secret or len(secret) > 200:
        return None
    token = db.session.scalar(
        sa.select(AuthToken).where(AuthToken.token_hash == _digest(secret), AuthToken.kind == kind)
    )
    if token is None or not token.is_live(now_utc()):
        return None
    return token


def revoke(token: AuthToken) -> None:
    token.revoked_at = now_utc()


def revoke_all(*, user: User) -> int:
    result = db.session.execute(
        sa.update(AuthToken)
        .where(AuthToken.user_id == user.id, AuthToken.revoked_at.is_(None))
        .values(revoked_at=now_utc())
    )
    return result.rowcount


def expires_in(token: AuthToken) -> dt.timedelta:
    return token.expires_at - now_utc()
