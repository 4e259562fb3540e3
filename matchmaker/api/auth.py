"""Accounts through the API: registration, bearer tokens, who am I."""
from __future__ import annotations

from flask import g
from flask_smorest import Blueprint

from models import TokenKind, db

from ..auth import limits, services, two_factor
from ..auth.current import api_actor
from ..enterprise import services as enterprise_services
from .schemas import RegisteredSchema, RegisterSchema, TokenRequestSchema, TokenSchema, UserSchema, user_dict
from .access import access

bp = Blueprint("api_auth", __name__, url_prefix="/api/v1", description="Accounts and tokens")


@bp.route("/auth/register", methods=["POST"])
@limits.registration
@bp.arguments(RegisterSchema)
@bp.response(201, RegisteredSchema)
@bp.alt_response(409, response="CONFLICT")
def register(body):
    """Self-registration of an enterprise and its first user"""
    user = services.register_enterprise(email=body["email"], password=body["password"],
                                        facts=body["enterprise"])
    return {"user": user_dict(user), "enterprise": enterprise_services.as_dict(user.enterprise)}


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
    return {"token": secret, "expires_at": issued.expires_at, "role": user.role.value}


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
    return user_dict(api_actor())
