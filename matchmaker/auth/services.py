"""Accounts: the e-mail and password rules, sign-in with throttling, second factor, administrators."""
from __future__ import annotations

import datetime as dt
import unicodedata

import idna
import sqlalchemy as sa
from email_validator import EmailNotValidError, validate_email
from flask import current_app

from models import (
    AuthToken, Enterprise, LoginFailure, Role, TokenKind, User, db, now_utc, verify_dummy_password,
)

from .. import audit
from ..errors import Conflict, Forbidden, InvalidInput, TooManyRequests, Unauthorized
from ..wording import N_
from . import passwords, sessions, two_factor

MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 256
BAD_CREDENTIALS = "邮箱或密码错误"
ACCOUNT_DISABLED = "该账户已停用，如有疑问请联系平台管理员"


def normalize_email(email: str) -> str:
    """One spelling per mailbox (the contract): Unicode NFC, the local part lower-cased, the domain
    in lower-case ASCII through IDNA (UTS 46, which also maps full-width dots), so ``U@BÜCHER.example``,
    ``u@xn--bcher-kva.example`` and ``u@bücher．example`` are one address."""
    text = unicodedata.normalize("NFC", (email or "").strip())
    local, at, domain = text.rpartition("@")
    if not at:
        return text.lower()
    try:
        domain = idna.encode(domain, uts46=True).decode("ascii")
    except (idna.IDNAError, UnicodeError):
        pass  # not a valid domain: check_email says so
    return f"{local.lower()}@{domain.lower()}"


def check_email(email: str) -> str | None:
    if not email:
        return "请填写邮箱"
    try:
        validate_email(email, check_deliverability=False)
    except EmailNotValidError:
        return "邮箱格式不正确"
    return None


def check_password(password: str | None) -> str | None:
    if not password:
        return "请填写密码"
    if len(password) < MIN_PASSWORD_LENGTH:
        return N_("密码至少需要 %(value)s 个字符", value=MIN_PASSWORD_LENGTH)
    if len(password) > MAX_PASSWORD_LENGTH:
        return N_("密码最多 %(value)s 个字符", value=MAX_PASSWORD_LENGTH)
    if passwords.is_common(password):
        return "这个密码太常见，很容易被猜中，请换一个"
    return None


def check_credentials(*, email: str, password: str, email_field: str = "email",
                      password_field: str = "password") -> dict[str, list[str]]:
    """The problems with a new account's e-mail (normalised already) and password, under the names of the
    fields that carry them: the one rule for a firm's registration, an officer and an administrator."""
    problems = {}
    if (problem := check_email(email)) is not None:
        problems[email_field] = [problem]
    if (problem := check_password(password)) is not None:
        problems[password_field] = [problem]
    return problems


def refuse_taken(email: str, *, field: str = "email") -> None:
    if email_taken(email):
        raise Conflict("该邮箱已注册", {field: ["该邮箱已注册"]})


def new_account(*, email: str, password: str, role: Role, **tenant) -> User:
    """A user row with its password hashed, in the session (the caller has checked both)."""
    user = User(email=email, role=role, **tenant)
    user.set_password(password)
    db.session.add(user)
    return user


def email_taken(email: str) -> bool:
    return db.session.scalar(sa.select(User.id).where(User.email == email)) is not None


def locked_until(email: str, at: dt.datetime | None = None) -> dt.datetime | None:
    """When the email's sign-in lock ends, or None if it is not locked.

    Locked while the last window holds the limit of failures, and for at least LOGIN_LOCKOUT after
    the failure that reached the limit.
    """
    cfg = current_app.config
    at = at or now_utc()
    limit, window, lockout = cfg["LOGIN_FAILURE_LIMIT"], cfg["LOGIN_FAILURE_WINDOW"], cfg["LOGIN_LOCKOUT"]
    times = db.session.scalars(
        sa.select(LoginFailure.at)
        .where(LoginFailure.email == email, LoginFailure.at > at - window - lockout)
        .order_by(LoginFailure.at.desc())
        .limit(500)
    ).all()
    until = None
    for newest in range(len(times) - limit + 1):
        oldest = newest + limit - 1
        if times[newest] - times[oldest] <= window:
            end = max(times[newest] + lockout, times[oldest] + window)
            until = end if until is None else max(until, end)
    return until if until is not None and until > at else None


def _refuse_while_locked(email: str) -> None:
    until = locked_until(email)
    if until is not None:
        seconds = max(int((until - now_utc()).total_seconds()), 1)
        raise TooManyRequests("登录失败次数过多，请稍后再试", headers={"Retry-After": str(seconds)})


def _count_failure(email: str, action: str, **audited) -> None:
    """A failed password or code counts towards the email's lockout, and is audited."""
    db.session.add(LoginFailure(email=email, ip=audit.client_ip()))
    audit.record(action, **audited)
    # The failure must count even though the request ends in an error (which rolls back).
    db.session.commit()


def authenticate(*, email: str, password: str) -> User:
    """The active user with these credentials, or Unauthorized / TooManyRequests."""
    email = normalize_email(email)
    _refuse_while_locked(email)
    user = db.session.scalar(sa.select(User).where(User.email == email))
    # The same password work whether the account exists, is disabled or not: the answer's speed
    # must tell nothing. A disabled account is named only to whoever knows its password.
    if user is None:
        verify_dummy_password(password or "")
    if user is None or not user.check_password(password or ""):
        _count_failure(email[:254], "auth.login_failed", actor_id=user.id if user else None,
                       detail={"email": email[:254]})
        raise Unauthorized(BAD_CREDENTIALS)
    if not user.is_active:
        audit.record("auth.login_disabled", actor_id=user.id, target_type="user", target_id=user.id)
        db.session.commit()
        raise Forbidden(ACCOUNT_DISABLED)
    user.last_login_at = now_utc()
    audit.record("auth.login", actor_id=user.id, target_type="user", target_id=user.id)
    return user


def check_second_factor(*, user: User, code: str | None) -> None:
    """The one-time code (or a recovery code) of a user with two-factor sign-in; wrong codes count as
    failed sign-ins, so the per-account lockout covers guessing codes too."""
    _refuse_while_locked(user.email)
    if two_factor.verify(user=user, code=code):
        return
    _count_failure(user.email, "auth.two_factor_failed", actor_id=user.id, target_type="user", target_id=user.id)
    raise Unauthorized("动态验证码不正确或已用过", {"otp": ["请输入验证器应用上的 6 位动态码，或一个未用过的恢复码"]})


def sign_in(*, user: User, kind: TokenKind, second_factor: bool = False) -> tuple[str, AuthToken]:
    """A new sign-in; ``second_factor`` says the person also passed the one-time code."""
    return sessions.issue(user=user, kind=kind, second_factor=second_factor)


def enable_two_factor(*, user: User, token: AuthToken, code: str) -> list[str]:
    """Turn on two-factor sign-in with the secret this session was shown; → the recovery codes.

    Every other sign-in of the account ends: one taken with the password alone (perhaps by whoever
    stole it) must not become a full sign-in now. This one passed the code, so it becomes one."""
    if not token.totp_setup_secret:
        raise InvalidInput("请重新扫描二维码", {"code": ["设置已过期，请刷新页面重新扫描二维码"]})
    codes = two_factor.confirm(user=user, secret=token.totp_setup_secret, code=code)
    token.totp_setup_secret = None
    token.second_factor = True
    ended = sessions.revoke_all(user=user, keep=token)
    audit.record("auth.sessions_ended", actor_id=user.id, target_type="user", target_id=user.id,
                 detail={"ended": ended, "why": "two_factor_enable"})
    return codes


def change_password(*, user: User, token: AuthToken, current: str, new: str) -> int:
    """A new password, given the current one; every other sign-in of the account ends (made with the
    old password, perhaps by whoever learnt it). → how many sign-ins ended."""
    if not (current and user.check_password(current)):
        _count_failure(user.email, "auth.password_change_failed", actor_id=user.id, target_type="user",
                       target_id=user.id)
        raise InvalidInput("当前密码不正确", {"current": ["当前密码不正确"]})
    if (problem := check_password(new)) is not None:
        raise InvalidInput("新密码不符合要求", {"password": [problem]})
    if user.check_password(new):
        raise InvalidInput("新密码不能与当前密码相同", {"password": ["新密码不能与当前密码相同"]})
    user.set_password(new)
    ended = sessions.revoke_all(user=user, keep=token)
    audit.record("auth.password_change", actor_id=user.id, target_type="user", target_id=user.id,
                 detail={"sessions_ended": ended})
    return ended


def update_preferences(*, user: User, email_notifications: bool | None = None, language: str | None = None) -> User:
    """What the account wants told by e-mail, and in which language (the site's languages only)."""
    if language is not None:
        if language not in current_app.config["LANGUAGES"]:
            raise InvalidInput("不支持的语言", {"language": ["请选择简体中文或 English"]})
        user.language = language
    if email_notifications is not None:
        user.email_notifications = bool(email_notifications)
    audit.record("account.preferences", actor_id=user.id, target_type="user", target_id=user.id,
                 detail={"email_notifications": user.email_notifications, "language": user.language})
    return user


def two_factor_setup_secret(*, token: AuthToken) -> str:
    """The secret this session offers for enrolment, kept with the session in the database."""
    if not token.totp_setup_secret:
        token.totp_setup_secret = two_factor.new_secret()
    return token.totp_setup_secret


def sign_out(*, token: AuthToken) -> None:
    sessions.revoke(token)
    audit.record("auth.logout", actor_id=token.user_id, target_type="user", target_id=token.user_id)


def create_or_reset_admin(*, email: str, password: str) -> tuple[User, bool]:
    email = normalize_email(email)
    problems = check_credentials(email=email, password=password)
    if problems:
        raise InvalidInput("管理员信息有误", problems)
    user = db.session.scalar(sa.select(User).where(User.email == email))
    created = user is None
    if created:
        user = User(email=email, role=Role.ADMIN)
        db.session.add(user)
    elif user.role is not Role.ADMIN:
        raise Conflict("该邮箱已属于非管理员账户", {"email": ["该邮箱已属于非管理员账户"]})
    user.set_password(password)
    user.is_active = True
    db.session.flush()
    if not created:
        sessions.revoke_all(user=user)  # a password change ends every sign-in made with the old one
    audit.record("user.admin_password" if not created else "user.admin_create",
                 target_type="user", target_id=user.id)
    return user, created


def enterprise_of(user: User) -> Enterprise | None:
    return user.enterprise  # only an enterprise's user has one (the users table's tenant CHECK)
