"""The firm through the API: registering it, its profile and its consent to appear in leads."""
from __future__ import annotations

from flask_babel import get_locale
from flask_smorest import Blueprint

from models import Role

from ..api.access import access
from ..auth import limits
from ..auth.current import current_user
from . import registration, services
from .schemas import EnterprisePatchSchema, EnterpriseSchema, RegisteredSchema, RegisterSchema

bp = Blueprint("api_enterprise", __name__, url_prefix="/api/v1", description="Enterprises: registration and "
                                                                              "profile")


@bp.route("/auth/register", methods=["POST"])
@limits.registration
@bp.arguments(RegisterSchema)
@bp.response(201, RegisteredSchema)
@bp.alt_response(409, response="CONFLICT")
def register(body):
    """Self-registration of an enterprise and its first user"""
    user = registration.create(email=body["email"], password=body["password"], facts=body["enterprise"],
                               language=str(get_locale()))
    return {"user": user, "enterprise": user.enterprise}


@bp.route("/enterprise", methods=["GET"])
@access(bp, Role.ENTERPRISE)
@bp.response(200, EnterpriseSchema)
def get_enterprise():
    """The signed-in firm's profile"""
    return current_user().enterprise


@bp.route("/enterprise", methods=["PATCH"])
@access(bp, Role.ENTERPRISE)
@bp.arguments(EnterprisePatchSchema)
@bp.response(200, EnterpriseSchema)
def patch_enterprise(body):
    """Change the firm's facts or its consent to appear in leads (not its credit code)"""
    return services.update(actor=current_user(), values=body)
