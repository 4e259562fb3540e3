"""Sign-in, sign-out, the account's settings and the signed-in home (/account, each role's dashboard)."""
from __future__ import annotations

import time

from flask import Blueprint, flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _

from models import Role, User, db

from ..applications import decisions
from ..errors import Forbidden, TooManyRequests, Unauthorized
from ..forms import attach_problems
from ..urls import safe_next
from ..views import submit, writes_on_get
from . import limits, services, two_factor
from .current import current_user, login_required, start_web_session
from .forms import CodeForm, LoginForm, NotificationsForm, PasswordChangeForm

bp = Blueprint("auth", __name__)

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
    sent = submit(form, lambda: services.enable_two_factor(user=user, token=g.auth_token, code=form.code.data))
    if sent.done:
        return render_template("auth/two_factor.html", user=user, recovery_codes=sent.value)
    secret = services.two_factor_setup_secret(token=g.auth_token)
    uri = two_factor.provisioning_uri(user, secret)
    return render_template("auth/two_factor.html", user=user, form=form, secret=secret,
                           qr=two_factor.qr_svg_data_uri(uri)), sent.status


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def password_change():
    form = PasswordChangeForm()
    sent = submit(form, lambda: services.change_password(user=current_user(), token=g.auth_token,
                                                         current=form.current.data, new=form.password.data))
    if sent.done:
        flash(_("密码已修改，其他 %(n)s 个登录会话和令牌已失效", n=sent.value), "success")
        return redirect(url_for("auth.account"))
    return render_template("auth/password.html", form=form), sent.status


@bp.route("/account/notifications", methods=["GET", "POST"])
@login_required
def notification_settings():
    user = current_user()
    form = NotificationsForm(obj=user if request.method == "GET" else None)
    sent = submit(form, lambda: services.update_preferences(user=user, language=form.language.data,
                                                            email_notifications=form.email_notifications.data),
                  done=_("通知设置已保存"))
    if sent.done:
        return redirect(url_for("auth.notification_settings"))
    return render_template("auth/notifications.html", form=form, user=user), sent.status


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


@bp.route("/account")
@login_required
def account():
    user = current_user()
    template = {
        Role.ENTERPRISE: "enterprise/home.html",
        Role.INSTITUTION: "institution/home.html",
        Role.ADMIN: "admin/home.html",
    }[user.role]
    late = decisions.overdue(actor=user) if user.role is Role.INSTITUTION else ([], 0)
    return render_template(template, user=user, enterprise=user.enterprise,
                           institution=user.institution, overdue=late[0], overdue_count=late[1])

