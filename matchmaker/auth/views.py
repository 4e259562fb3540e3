"""Sign-in, sign-out, self-registration and the signed-in home (/account)."""
from __future__ import annotations

import time

from flask import Blueprint, flash, g, redirect, render_template, request, session, url_for
from flask_babel import get_locale
from flask_babel import gettext as _

from models import Role, User, db

from ..errors import DomainError, Forbidden, InvalidInput, TooManyRequests, Unauthorized
from ..forms import attach_problems
from ..urls import safe_next
from ..views import writes_on_get
from . import limits, services, two_factor
from .current import current_user, login_required, start_web_session
from .forms import CodeForm, LoginForm, NotificationsForm, PasswordChangeForm, RegisterForm

bp = Blueprint("auth", __name__)

# Service field names that the registration form names differently.
FORM_NAMES = {"annual_revenue_cny": "annual_revenue"}


@bp.route("/auth/login", methods=["GET", "POST"])
@limits.sign_in
def login():
    form = LoginForm()
    next_url = safe_next(request.args.get("next"), url_for("auth.account"))
    if current_user() is not None and request.method == "GET":
        return redirect(next_url)
    status = 200
    if form.validate_on_submit():
        try:
            user = services.authenticate(email=form.email.data, password=form.password.data)
        except (Unauthorized, TooManyRequests, Forbidden) as error:
            form.form_errors.append(error.message)
            status = error.status
        else:
            if two_factor.enabled(user):
                session["two_factor"] = {"user": user.id, "at": time.time(), "next": next_url}
                return redirect(url_for("auth.second_factor"))
            start_web_session(user)
            return redirect(next_url)
    elif request.method == "POST":
        status = 422
    return render_template("auth/login.html", form=form), status


PENDING_SECONDS = 300  # the password step is good for five minutes


@bp.route("/auth/two-factor", methods=["GET", "POST"])
@limits.sign_in
def second_factor():
    """The second step of signing in, for accounts with two-factor sign-in."""
    pending = session.get("two_factor")
    user = db.session.get(User, pending["user"]) if pending else None
    if user is None or time.time() - pending["at"] > PENDING_SECONDS:
        session.pop("two_factor", None)
        flash(_("请重新输入邮箱和密码"), "warning")
        return redirect(url_for("auth.login"))
    form = CodeForm()
    status = 200
    if form.validate_on_submit():
        try:
            services.check_second_factor(user=user, code=form.code.data)
        except (Unauthorized, TooManyRequests) as error:
            attach_problems(form, {"code": [error.message]})
            status = error.status
        else:
            next_url = safe_next(pending.get("next"), url_for("auth.account"))
            # A fresh session: the pending step is gone with the old one.
            start_web_session(user, second_factor=True)
            return redirect(next_url)
    elif request.method == "POST":
        status = 422
    return render_template("auth/second_factor.html", form=form), status


@bp.route("/account/two-factor", methods=["GET", "POST"])
@login_required
@writes_on_get  # the secret offered is kept with the session, server-side
def two_factor_setup():
    """Turn on two-factor sign-in: scan the code, confirm with a one-time code, keep the recovery codes."""
    user = current_user()
    if two_factor.enabled(user):
        return render_template("auth/two_factor.html", user=user, left=len(user.recovery_codes or []))
    form = CodeForm()
    status = 200
    if form.validate_on_submit():
        try:
            codes = services.enable_two_factor(user=user, token=g.auth_token, code=form.code.data)
        except DomainError as error:
            attach_problems(form, error.fields)
            status = error.status
        else:
            return render_template("auth/two_factor.html", user=user, recovery_codes=codes)
    elif request.method == "POST":
        status = 422
    secret = services.two_factor_setup_secret(token=g.auth_token)
    uri = two_factor.provisioning_uri(user, secret)
    return render_template("auth/two_factor.html", user=user, form=form, secret=secret,
                           qr=two_factor.qr_svg_data_uri(uri)), status


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def password_change():
    form = PasswordChangeForm()
    status = 200
    if form.validate_on_submit():
        try:
            ended = services.change_password(user=current_user(), token=g.auth_token, current=form.current.data,
                                             new=form.password.data)
        except DomainError as error:
            attach_problems(form, error.fields)
            status = error.status
        else:
            flash(_("密码已修改，其他 %(n)s 个登录会话和令牌已失效", n=ended), "success")
            return redirect(url_for("auth.account"))
    elif request.method == "POST":
        status = 422
    return render_template("auth/password.html", form=form), status


@bp.route("/account/notifications", methods=["GET", "POST"])
@login_required
def notification_settings():
    user = current_user()
    form = NotificationsForm(obj=user if request.method == "GET" else None)
    status = 200
    if form.validate_on_submit():
        services.update_preferences(user=user, email_notifications=form.email_notifications.data,
                                    language=form.language.data)
        flash(_("通知设置已保存"), "success")
        return redirect(url_for("auth.notification_settings"))
    if request.method == "POST":
        status = 422
    return render_template("auth/notifications.html", form=form, user=user), status


@bp.route("/auth/logout", methods=["POST"])
def logout():
    if g.get("auth_token") is not None:
        services.sign_out(token=g.auth_token)
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang
    flash(_("您已安全退出"), "info")
    return redirect(url_for("public.index"))


@bp.route("/auth/register", methods=["GET", "POST"])
@limits.registration
def register():
    form = RegisterForm()
    status = 200
    if form.validate_on_submit():
        try:
            user = services.register_enterprise(
                email=form.email.data, password=form.password.data, facts=form.facts(), language=str(get_locale())
            )
        except DomainError as error:
            attach_problems(form, error.fields, prefix="enterprise.", names=FORM_NAMES)
            if not error.fields:
                form.form_errors.append(error.message)
            status = error.status
        else:
            start_web_session(user)
            flash(_("注册成功，欢迎使用高新金服"), "success")
            return redirect(url_for("auth.account"))
    elif request.method == "POST":
        # Report the service's findings too, so every problem shows at once, not one per attempt.
        problems = services.check_registration(
            email=form.email.data or "", password=form.password.data or "", facts=form.facts()
        )
        unmarked = {key: messages for key, messages in problems.items()
                    if (field := _field_for(form, key)) is not None and not field.errors}
        attach_problems(form, unmarked, prefix="enterprise.", names=FORM_NAMES)
        status = InvalidInput.status
    return render_template("auth/register.html", form=form), status


def _field_for(form, key: str):
    name = key.removeprefix("enterprise.")
    return getattr(form, FORM_NAMES.get(name, name), None)


@bp.route("/account")
@login_required
def account():
    user = current_user()
    template = {
        Role.ENTERPRISE: "enterprise/home.html",
        Role.INSTITUTION: "institution/home.html",
        Role.ADMIN: "admin/home.html",
    }[user.role]
    return render_template(template, user=user, enterprise=user.enterprise,
                           institution=user.institution)

