"""Accounts through the API: bearer tokens, who am I."""
from __future__ import annotations

from flask import g
from flask_smorest import Blueprint

from models import TokenKind

from ..api.access import access
from . import limits, services, two_factor
from .current import api_actor
from .schemas import TokenRequestSchema, TokenSchema, UserSchema

bp = Blueprint("api_auth", __name__, url_prefix="/api/v1", description="Accounts and tokens")


@bp.route("/auth/token", methods=["POST"])
@limits.sign_in
@bp.arguments(TokenRequestSchema)
@bp.response(200, TokenSchema)
@bp.alt_response(401, response="UNAUTHORIZED")
@bp.alt_response(403, response="FORBIDDEN")
@bp.alt_response(429, response="TOO_MANY_REQUESTS")
def token(body):
    """Exchange email and password for a bearer token"""
    user = services.authenticate(email=body["email"], password=body["password"])
    passed = two_factor.enabled(user)
    if passed:
        services.check_second_factor(user=user, code=body.get("otp"))
    secret, issued = services.sign_in(user=user, kind=TokenKind.API, second_factor=passed)
    return {"token": secret, "expires_at": issued.expires_at, "role": user.role}


@bp.route("/auth/logout", methods=["POST"])
@access(bp)
@bp.response(204)
def logout():
    """Revoke the bearer token used for this call"""
    services.sign_out(token=g.auth_token)


@bp.route("/me", methods=["GET"])
@access(bp)
@bp.response(200, UserSchema)
def me():
    """The signed-in user"""
    return api_actor()
