"""Two-factor sign-in (OWASP ASVS 2.8): time-based one-time codes (RFC 6238, pyotp) and recovery codes.

A code is accepted within one 30-second step either side (clock drift) and only once: the step it
matched is stored, and older or equal steps are refused, so a code seen over a shoulder is useless.
Recovery codes are stored as SHA-256 hashes and each works once.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import io
import secrets
import time

import pyotp
import segno

from models import User

from .. import audit
from ..errors import InvalidInput

ISSUER = "高新金服"
RECOVERY_CODES = 10
ROLES = ("institution", "admin")  # who is offered (and, in production, required) a second factor


def new_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(user: User, secret: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=ISSUER)


def qr_svg_data_uri(uri: str) -> str:
    buffer = io.BytesIO()
    segno.make(uri, error="m").save(buffer, kind="svg", scale=5, xmldecl=False)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


def enabled(user: User) -> bool:
    return user.totp_secret is not None


def _digest(code: str) -> str:
    return hashlib.sha256(code.replace("-", "").strip().lower().encode()).hexdigest()


def _matching_step(secret: str, code: str, now: float) -> int | None:
    if not (len(code) == 6 and code.isascii() and code.isdigit()):
        return None  # compare_digest takes ASCII only, and nothing else can be a code
    totp = pyotp.TOTP(secret)
    step = int(now // totp.interval)
    for candidate in (step - 1, step, step + 1):
        if hmac.compare_digest(totp.generate_otp(candidate), code):
            return candidate
    return None


def confirm(*, user: User, secret: str, code: str) -> list[str]:
    """Turn two-factor sign-in on once the person proves the authenticator app has the secret;
    → the recovery codes, shown once."""
    step = _matching_step(secret, code.strip(), time.time()) if code else None
    if step is None:
        raise InvalidInput("验证码不正确", {"code": ["验证码不正确，请核对手机上的 6 位数字"]})
    codes = [f"{secrets.token_hex(3)}-{secrets.token_hex(3)}" for _ in range(RECOVERY_CODES)]
    user.totp_secret, user.totp_last_step = secret, step
    user.recovery_codes = [_digest(c) for c in codes]
    audit.record("auth.two_factor_enable", actor_id=user.id, target_type="user", target_id=user.id)
    return codes


def verify(*, user: User, code: str | None) -> bool:
    """The second factor: a fresh one-time code, or an unused recovery code (then spent)."""
    if not code or not code.strip() or not enabled(user):
        return False
    code = code.strip()
    step = _matching_step(user.totp_secret, code, time.time())
    if step is not None:
        if user.totp_last_step is not None and step <= user.totp_last_step:
            return False  # already used
        user.totp_last_step = step
        return True
    digest = _digest(code)
    if digest in (user.recovery_codes or []):
        user.recovery_codes = [d for d in user.recovery_codes if d != digest]
        audit.record("auth.recovery_code_used", actor_id=user.id, target_type="user", target_id=user.id,
                     detail={"left": len(user.recovery_codes)})
        return True
    return False
