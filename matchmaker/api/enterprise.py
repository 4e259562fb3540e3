"""The enterprise's API: its profile, its needs with their matches, its applications."""
from __future__ import annotations

from flask_smorest import Blueprint

from models import Role, db

from ..applications import services as application_services
from ..auth.current import current_user
from .idempotency import DOC as IDEMPOTENCY
from .idempotency import idempotent
from ..enterprise import services as enterprise_services
from ..matching import listing as matching_listing
from ..needs import services as need_services
from .access import access
from .schemas import (
    ApplicationCreateSchema, ApplicationListSchema, ApplicationSchema, EnterprisePatchSchema, EnterpriseSchema,
    ListQuerySchema, MatchListSchema, MatchQuerySchema, NeedCreateSchema, NeedListSchema, NeedSchema,
)

bp = Blueprint("api_enterprise", __name__, url_prefix="/api/v1", description="Enterprises: profile, needs, "
                                                                              "matches, applications")
ALL_ROLES = (Role.ENTERPRISE, Role.INSTITUTION, Role.ADMIN)


@bp.route("/enterprise", methods=["GET"])
@access(bp, Role.ENTERPRISE)
@bp.response(200, EnterpriseSchema)
def get_enterprise():
    """The signed-in firm's profile"""
    return enterprise_services.as_dict(current_user().enterprise)


@bp.route("/enterprise", methods=["PATCH"])
@access(bp, Role.ENTERPRISE)
@bp.arguments(EnterprisePatchSchema)
@bp.response(200, EnterpriseSchema)
def patch_enterprise(body):
    """Change the firm's facts or its consent to appear in leads (not its credit code)"""
    enterprise = enterprise_services.update(actor=current_user(), values=body)
    return enterprise_services.as_dict(enterprise)


@bp.route("/needs", methods=["POST"])
@access(bp, Role.ENTERPRISE)
@bp.arguments(NeedCreateSchema)
@bp.response(201, NeedSchema)
def create_need(body):
    """Publish a financing need"""
    need = need_services.create(actor=current_user(), values=body)
    return need_services.as_dict(need)


@bp.route("/needs", methods=["GET"])
@access(bp, Role.ENTERPRISE, Role.ADMIN)
@bp.arguments(ListQuerySchema, location="query")
@bp.response(200, NeedListSchema)
def list_needs(query):
    """The firm's own needs, newest first (an administrator sees all)"""
    items, total = need_services.get_all(actor=current_user(), **query)
    return {"items": [need_services.as_dict(n) for n in items], "total": total}


@bp.route("/needs/<int:need_id>", methods=["GET"])
@access(bp, Role.ENTERPRISE, Role.ADMIN)
@bp.response(200, NeedSchema)
@bp.alt_response(404, response="NOT_FOUND")
def get_need(need_id):
    """One need (another firm's answers 404)"""
    return need_services.as_dict(need_services.get(actor=current_user(), need_id=need_id))


@bp.route("/needs/<int:need_id>/withdraw", methods=["POST"])
@access(bp, Role.ENTERPRISE)
@bp.response(200, NeedSchema)
@bp.alt_response(404, response="NOT_FOUND")
@bp.alt_response(409, response="CONFLICT")
def withdraw_need(need_id):
    """Withdraw a need; its open applications are withdrawn too"""
    need = need_services.withdraw(actor=current_user(), need_id=need_id)
    return need_services.as_dict(need)


@bp.route("/needs/<int:need_id>/matches", methods=["GET"])
@access(bp, Role.ENTERPRISE, Role.ADMIN)
@bp.arguments(MatchQuerySchema, location="query")
@bp.response(200, MatchListSchema)
@bp.alt_response(404, response="NOT_FOUND")
def need_matches(query, need_id):
    """Ranked products for a need: eligible first, each with a score in [0, 1], its band, reasons, estimated
    cost and the institution's speed; sorted by approval (default), cost or speed"""
    return matching_listing.get_all(need_id=need_id, actor=current_user(), **query)


@bp.route("/applications", methods=["POST"])
@access(bp, Role.ENTERPRISE)
@idempotent
@bp.arguments(ApplicationCreateSchema)
@bp.response(201, ApplicationSchema)
@bp.alt_response(404, response="NOT_FOUND")
@bp.alt_response(409, response="CONFLICT")
@bp.doc(parameters=[IDEMPOTENCY])
def create_application(body):
    """Apply to a product with a need (shares the profile with that institution only)"""
    application = application_services.create(actor=current_user(), **body)
    return application_services.as_dict(application)


@bp.route("/applications", methods=["GET"])
@access(bp, *ALL_ROLES)
@bp.arguments(ListQuerySchema, location="query")
@bp.response(200, ApplicationListSchema)
def list_applications(query):
    """Applications in the caller's scope, newest first"""
    items, total = application_services.get_all(actor=current_user(), **query)
    return {"items": [application_services.as_dict(a) for a in items], "total": total}


@bp.route("/applications/<int:application_id>", methods=["GET"])
@access(bp, *ALL_ROLES)
@bp.response(200, ApplicationSchema)
@bp.alt_response(404, response="NOT_FOUND")
def get_application(application_id):
    """One application (outside the caller's scope answers 404)"""
    return application_services.as_dict(application_services.get(actor=current_user(), application_id=application_id))


@bp.route("/applications/<int:application_id>/withdraw", methods=["POST"])
@access(bp, Role.ENTERPRISE)
@bp.response(200, ApplicationSchema)
@bp.alt_response(404, response="NOT_FOUND")
@bp.alt_response(409, response="CONFLICT")
def withdraw_application(application_id):
    """Withdraw an application while it is submitted or approved"""
    application = application_services.withdraw(actor=current_user(), application_id=application_id)
    return application_services.as_dict(application)
