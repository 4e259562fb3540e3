"""The landing page, the language switch and the load balancer's health check."""
from __future__ import annotations

from flask import Blueprint, current_app, jsonify, redirect, render_template, request, session, url_for

from models import ProductKind

from ..auth import services as auth_services
from ..auth.current import current_user
from ..urls import safe_next
from ..views import writes_on_get
from . import services

bp = Blueprint("public", __name__)


@bp.route("/")
def index():
    return render_template("public/index.html", figures=services.market_figures(),
                           product_kinds=list(ProductKind))


@bp.route("/privacy")
def privacy():
    return render_template("public/privacy.html", version=current_app.config["PRIVACY_POLICY_VERSION"],
                           document_limit=current_app.config["DOCUMENT_MAX_BYTES"] // 1_000_000)


@bp.route("/lang/<code>")
@writes_on_get
def switch_language(code: str):
    if code in current_app.config["LANGUAGES"]:
        session["lang"] = code
        user = current_user()
        if user is not None and user.language != code:  # e-mails follow the language last chosen
            auth_services.update_preferences(user=user, language=code)
    return redirect(safe_next(request.args.get("next"), url_for("public.index")))


@bp.route("/healthz")
def healthz():
    if not services.database_answers():
        return jsonify({"status": "unavailable", "database": "unreachable", "model_version": None}), 503
    return jsonify({"status": "ok", "database": "ok", "model_version": services.active_model_version()})
