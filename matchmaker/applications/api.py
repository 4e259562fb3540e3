"""Applications through the API: a firm applying and following, an institution deciding and disbursing."""
from __future__ import annotations

from flask_smorest import Blueprint

from models import Role

from ..api.access import access
from ..api.idempotency import DOC as IDEMPOTENCY
from ..api.idempotency import idempotent
from ..auth.current import current_user
from ..schemas import ListQuerySchema
from ..documents import services as documents
from . import decisions, services
from .schemas import (
    ApplicationCreateSchema, ApplicationDetailSchema, ApplicationListSchema, ApplicationSchema, DecisionSchema,
    DisbursementSchema,
)

bp = Blueprint("api_applications", __name__, url_prefix="/api/v1", description="Applications and decisions")
ALL_ROLES = (Role.ENTERPRISE, Role.INSTITUTION, Role.ADMIN)


@bp.route("/applications", methods=["POST"])
@access(bp, Role.ENTERPRISE)
@idempotent
@bp.arguments(ApplicationCreateSchema)
@bp.response(201, ApplicationSchema)
@bp.alt_response(404, response="NOT_FOUND")
@bp.alt_response(409, response="CONFLICT")
@bp.doc(parameters=[IDEMPOTENCY])
def create_application(body):
    """Apply to a product with a need (shares the profile, and the documents named, with that institution only)"""
    actor = current_user()
    document_ids = body.pop("document_ids")
    application = services.create(actor=actor, **body)
    if document_ids:
        documents.share(actor=actor, application_id=application.id, document_ids=document_ids)
    return application


@bp.route("/applications", methods=["GET"])
@access(bp, *ALL_ROLES)
@bp.arguments(ListQuerySchema, location="query")
@bp.response(200, ApplicationListSchema)
def list_applications(query):
    """Applications in the caller's scope, newest first"""
    items, total = services.get_all(actor=current_user(), **query)
    return {"items": items, "total": total}


@bp.route("/applications/<int:application_id>", methods=["GET"])
@access(bp, *ALL_ROLES)
@bp.response(200, ApplicationDetailSchema)
@bp.alt_response(404, response="NOT_FOUND")
def get_application(application_id):
    """One application (outside the caller's scope answers 404)"""
    return services.get(actor=current_user(), application_id=application_id)


@bp.route("/applications/<int:application_id>/withdraw", methods=["POST"])
@access(bp, Role.ENTERPRISE)
@bp.response(200, ApplicationSchema)
@bp.alt_response(404, response="NOT_FOUND")
@bp.alt_response(409, response="CONFLICT")
def withdraw_application(application_id):
    """Withdraw an application while it is submitted or approved"""
    return services.withdraw(actor=current_user(), application_id=application_id)


@bp.route("/applications/<int:application_id>/decision", methods=["POST"])
@access(bp, Role.INSTITUTION)
@idempotent
@bp.arguments(DecisionSchema)
@bp.response(200, ApplicationSchema)
@bp.alt_response(404, response="NOT_FOUND")
@bp.alt_response(409, response="CONFLICT")
@bp.doc(parameters=[IDEMPOTENCY])
def decide(body, application_id):
    """Approve (amount, rate, term) or reject (reason) a submitted application"""
    return decisions.decide(actor=current_user(), application_id=application_id, **body)


@bp.route("/applications/<int:application_id>/disbursement", methods=["POST"])
@access(bp, Role.INSTITUTION)
@idempotent
@bp.arguments(DisbursementSchema)
@bp.response(200, ApplicationSchema)
@bp.alt_response(404, response="NOT_FOUND")
@bp.alt_response(409, response="CONFLICT")
@bp.doc(parameters=[IDEMPOTENCY])
def disburse(body, application_id):
    """Record the disbursement of an approved application (not above the approved amount)"""
    return decisions.disburse(actor=current_user(), application_id=application_id, **body)
