"""A firm's financing needs through the API."""
from __future__ import annotations

from flask_smorest import Blueprint

from models import Role

from ..api.access import access
from ..schemas import ListQuerySchema
from ..auth.current import current_user
from . import services
from .schemas import NeedCreateSchema, NeedListSchema, NeedSchema

bp = Blueprint("api_needs", __name__, url_prefix="/api/v1", description="Financing needs")


@bp.route("/needs", methods=["POST"])
@access(bp, Role.ENTERPRISE)
@bp.arguments(NeedCreateSchema)
@bp.response(201, NeedSchema)
def create_need(body):
    """Publish a financing need"""
    return services.create(actor=current_user(), values=body)


@bp.route("/needs", methods=["GET"])
@access(bp, Role.ENTERPRISE, Role.ADMIN)
@bp.arguments(ListQuerySchema, location="query")
@bp.response(200, NeedListSchema)
def list_needs(query):
    """The firm's own needs, newest first (an administrator sees all)"""
    items, total = services.get_all(actor=current_user(), **query)
    return {"items": items, "total": total}


@bp.route("/needs/<int:need_id>", methods=["GET"])
@access(bp, Role.ENTERPRISE, Role.ADMIN)
@bp.response(200, NeedSchema)
@bp.alt_response(404, response="NOT_FOUND")
def get_need(need_id):
    """One need (another firm's answers 404)"""
    return services.get(actor=current_user(), need_id=need_id)


@bp.route("/needs/<int:need_id>/withdraw", methods=["POST"])
@access(bp, Role.ENTERPRISE)
@bp.response(200, NeedSchema)
@bp.alt_response(404, response="NOT_FOUND")
@bp.alt_response(409, response="CONFLICT")
def withdraw_need(need_id):
    """Withdraw a need; its open applications are withdrawn too"""
    return services.withdraw(actor=current_user(), need_id=need_id)
