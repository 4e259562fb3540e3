"""Who is acting: loaded once per request from the session cookie or the bearer token."""
from __future__ import annotations

import functools

from flask import Blueprint, Flask, g, redirect, request, session, url_for

from models import Role, TokenKind, User, now_utc

from ..errors import Forbidden, Unauthorized
from . import sessions

SESSION_KEY = "sid"


def load_actor() -> None:
    g.user = None
    g.auth_token = None
    if request.path.startswith("/api/"):
        # The API trusts bearer tokens only: a browser's cookie must not authorise API calls,
        # which carry no CSRF token.
        header = request.headers.get("Authorization", "")
        scheme, _, secret = header.partition(" ")
        token = sessions.resolve(secret.strip(), kind=TokenKind.API) if scheme.lower() == "bearer" else None
    else:
        token = sessions.resolve(session.get(SESSION_KEY), kind=TokenKind.WEB)
        if token is None and SESSION_KEY in session:
            session.pop(SESSION_KEY)
    if token is not None:
        g.auth_token = token
        g.user = token.user


def current_user() -> User | None:
    return g.get("user")


def start_web_session(user: User, *, second_factor: bool = False) -> None:
    from .services import sign_in

    secret, _ = sign_in(user=user, kind=TokenKind.WEB, second_factor=second_factor)
    lang = session.get("lang")
    session.clear()  # a fresh session at sign-in, so nothing planted before it survives (nor "permanent")
    session[SESSION_KEY] = secret
    if lang:
        session["lang"] = lang


def login_required(view):
    """Pages: anonymous visitors go to the login page and come back afterwards."""

    @functools.wraps(view)
    def wrapped(*args, **kwargs):
        if current_user() is None:
            return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
        return view(*args, **kwargs)

    return wrapped


def role_required(*roles: Role):
    """Pages: signed in with one of ``roles``, else the login page (anonymous) or 403."""

    def decorator(view):
        @functools.wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if current_user().role not in roles:
                raise Forbidden("当前账户无权访问此页面")
            return view(*args, **kwargs)

        return wrapped

    return decorator


def pages_of(role: Role, name: str, import_name: str, **options) -> Blueprint:
    """A blueprint of one role's pages: every route in it is behind that role's sign-in, so a new page
    cannot forget it."""
    blueprint = Blueprint(name, import_name, **options)
    blueprint.before_request(role_required(role)(lambda: None))
    return blueprint


def api_actor(*roles: Role) -> User:
    """API: the acting user, or 401 without a valid token and 403 for a role not allowed."""
    user = current_user()
    if user is None:
        raise Unauthorized("未提供有效的访问令牌（Authorization: Bearer <token>）",
                           headers={"WWW-Authenticate": "Bearer"})
    if roles and user.role not in roles:
        raise Forbidden("当前角色无权执行此操作")
    return user


def api_roles(*roles: Role):
    """API: check the token and the role before the body is even parsed (401/403 before 422).

    Goes between ``@bp.route`` and ``@bp.arguments``; functools.wraps carries flask-smorest's
    documentation attributes along.
    """

    def decorator(view):
        @functools.wraps(view)
        def wrapped(*args, **kwargs):
            api_actor(*roles)
            return view(*args, **kwargs)

        return wrapped

    return decorator


# What an account that must still turn on two-factor sign-in may reach: the setup page and the way out.
SETUP_ENDPOINTS = frozenset({"auth.two_factor_setup", "auth.logout", "api_auth.logout", "static",
                             "public.switch_language", "public.healthz"})


def require_second_factor():
    """A sign-in made without the second factor, where one is required (production: officers and
    administrators) or the account has one, reaches nothing but the setup page and the way out, for
    as long as it lives: it is the sign-in that counts, not what the account does later."""
    from flask import current_app

    from . import two_factor

    user = current_user()
    if user is None or g.auth_token.second_factor or request.endpoint in SETUP_ENDPOINTS:
        return None
    if user.role.value not in current_app.config["TWO_FACTOR_REQUIRED_ROLES"] and not two_factor.enabled(user):
        return None
    if request.path.startswith("/api/"):
        raise Forbidden("该账户须先在网页上开启两步验证")
    return redirect(url_for("auth.two_factor_setup"))


def init_app(app: Flask) -> None:
    app.before_request(load_actor)
    app.before_request(require_second_factor)
    app.context_processor(lambda: {"current_user": current_user(), "Role": Role, "now": now_utc})
