"""Listing readiness (上市辅导) through the API: the firm's standards and facts, the bureau's pipeline."""
from __future__ import annotations

from flask_smorest import Blueprint

from models import Role

from ..api.access import access
from ..auth.current import current_user
from . import services
from .schemas import ListingFactsSchema, PipelineSchema, ReadinessSchema, StageChangeSchema, StageInSchema

bp = Blueprint("api_listing", __name__, url_prefix="/api/v1", description="Listing readiness (上市辅导)")


@bp.route("/enterprise/listing-readiness", methods=["GET"])
@access(bp, Role.ENTERPRISE)
@bp.response(200, ReadinessSchema)
def readiness():
    """Each board's published financial standards checked on the firm's facts, with the gaps, and its stage"""
    return services.readiness(actor=current_user())


@bp.route("/enterprise/listing-facts", methods=["GET"])
@access(bp, Role.ENTERPRISE)
@bp.response(200, ListingFactsSchema)
def get_facts():
    """The firm's listing facts (market value, share capital, earlier years' revenue and R&D, cash flow, ROE …)"""
    return services.get_facts(actor=current_user())


@bp.route("/enterprise/listing-facts", methods=["PUT"])
@access(bp, Role.ENTERPRISE)
@bp.arguments(ListingFactsSchema)
@bp.response(200, ListingFactsSchema)
def put_facts(body):
    """Replace the firm's listing facts (a fact left out or null is cleared)"""
    return services.update_facts(actor=current_user(), facts=body)


@bp.route("/admin/listing-pipeline", methods=["GET"])
@access(bp, Role.ADMIN)
@bp.response(200, PipelineSchema)
def pipeline():
    """Firms by pipeline stage and reserve tier, each where it stands now, beside the plan's target"""
    return services.pipeline(actor=current_user())


@bp.route("/admin/listing-pipeline/<int:enterprise_id>", methods=["POST"])
@access(bp, Role.ADMIN)
@bp.arguments(StageInSchema)
@bp.response(201, StageChangeSchema)
@bp.alt_response(404, response="NOT_FOUND")
def set_stage(body, enterprise_id):
    """Record a firm's new stage in the listing pipeline (a reserve-pool entry names its tier)"""
    return services.set_stage(actor=current_user(), enterprise_id=enterprise_id, **body)
