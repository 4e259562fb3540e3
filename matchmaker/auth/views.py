"""Sign-in, sign-out, self-registration and the signed-in home (/account)."""
from __future__ import annotations

from flask import Blueprint, flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _

from models import Role, db

from ..errors import DomainError, InvalidInput, TooManyRequests, Unauthorized
from ..forms import attach_problems
from ..urls import safe_next
from . import limits, services
from .current import current_user, login_required, start_web_session
from .forms import LoginForm, RegisterForm

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
        except (Unauthorized, TooManyRequests) as error:
            form.form_errors.append(error.message)
            status = error.status
        else:
            start_web_session(user)
            db.session.commit()
            return redirect(next_url)
    elif request.method == "POST":
        status = 422
    return render_template("auth/login.html", form=form), status


@bp.route("/auth/logout", methods=["POST"])
def logout():
    if g.get("auth_token") is not None:
        services.sign_out(token=g.auth_token)
        db.session.commit()
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
                email=form.email.data, password=form.password.data, facts=form.facts()
            )
        except DomainError as error:
            attach_problems(form, error.fields, prefix="enterprise.", names=FORM_NAMES)
            if not error.fields:
                form.form_errors.append(error.message)
            status = error.status
        else:
            start_web_session(user)
            db.session.commit()
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

