"""Users, their sign-in tokens (web sessions and API bearer tokens) and failed sign-ins."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import UTCDateTime, db, enum_column, now_utc
from .codes import Role, TokenKind

_hasher = PasswordHasher()  # Argon2id with the library's current (RFC 9106 low-memory) parameters


class User(db.Model):
    __tablename__ = "users"
    __table_args__ = (
        # A user belongs to exactly the tenant its role implies.
        sa.CheckConstraint(
            "(role = 'enterprise' AND enterprise_id IS NOT NULL AND institution_id IS NULL)"
            " OR (role = 'institution' AND institution_id IS NOT NULL AND enterprise_id IS NULL)"
            " OR (role = 'admin' AND enterprise_id IS NULL AND institution_id IS NULL)",
            name="tenant_matches_role",
        ),
        sa.CheckConstraint("email = lower(email)", name="email_lowercase"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    role: Mapped[Role] = mapped_column(enum_column(Role), index=True)
    enterprise_id: Mapped[int | None] = mapped_column(sa.ForeignKey("enterprises.id"), index=True)
    institution_id: Mapped[int | None] = mapped_column(sa.ForeignKey("institutions.id"), index=True)
    is_active: Mapped[bool] = mapped_column(default=True, server_default=sa.true())
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=now_utc)
    last_login_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    # Two-factor sign-in (TOTP, RFC 6238): the shared secret once confirmed, the last time step used
    # (a code works once), and SHA-256 hashes of the unused recovery codes.
    totp_secret: Mapped[str | None] = mapped_column(sa.String(64))
    totp_last_step: Mapped[int | None] = mapped_column(sa.BigInteger)
    recovery_codes: Mapped[list[str]] = mapped_column(sa.JSON, default=list, server_default="[]")
    # E-mail about what happens to the account's applications (or, for an officer, a daily digest of
    # the overdue ones), in the language the person last chose on the site.
    email_notifications: Mapped[bool] = mapped_column(default=True, server_default=sa.true())
    language: Mapped[str] = mapped_column(sa.String(8), default="zh", server_default="zh")

    enterprise = relationship("Enterprise", back_populates="users")
    institution = relationship("Institution", back_populates="users")

    def set_password(self, password: str) -> None:
        self.password_hash = hash_password(password)

    def check_password(self, password: str) -> bool:
        try:
            return _hasher.verify(self.password_hash, password)
        except (VerificationError, InvalidHashError):
            return False

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email} {self.role.value}>"


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_dummy_password(password: str) -> None:
    """Spend the same time as a real check, so an unknown email cannot be told by its speed."""
    try:
        _hasher.verify(_DUMMY_HASH, password)
    except VerificationError:
        pass


_DUMMY_HASH = _hasher.hash("not-a-real-password")


class AuthToken(db.Model):
    """A sign-in: a browser session or an API bearer token.

    Only the SHA-256 of the secret is stored. Revoking the row ends the session at once, which is
    what makes a session cookie copied before logout worthless afterwards.
    """

    __tablename__ = "auth_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    kind: Mapped[TokenKind] = mapped_column(enum_column(TokenKind))
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=now_utc)
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    last_used_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    ip: Mapped[str | None] = mapped_column(sa.String(64))
    # Whether the sign-in passed the second factor. One that did not stays limited to the two-factor
    # setup pages for its whole life, whatever the account does later (enrolling ends it anyway).
    second_factor: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    # The secret offered while this session sets up two-factor sign-in: server-side, never in a cookie.
    totp_setup_secret: Mapped[str | None] = mapped_column(sa.String(64))

    user: Mapped[User] = relationship()

    def is_live(self, at: dt.datetime) -> bool:
        return self.revoked_at is None and self.expires_at > at and self.user.is_active


class LoginFailure(db.Model):
    """One failed sign-in; counted per email to throttle password guessing across workers."""

    __tablename__ = "login_failures"
    __table_args__ = (sa.Index("ix_login_failures_email_at", "email", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254))
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=now_utc)
    ip: Mapped[str | None] = mapped_column(sa.String(64))
