"""Matching through the API: the products that fit a need, the firms that fit a product."""
from __future__ import annotations

from flask_smorest import Blueprint

from models import Role

from ..api.access import access
from ..auth.current import current_user
from ..products import services as product_services
from . import listing, services
from .schemas import LeadListSchema, LeadQuerySchema, MatchListSchema, MatchQuerySchema

bp = Blueprint("api_matching", __name__, url_prefix="/api/v1", description="Matches and leads")


@bp.route("/needs/<int:need_id>/matches", methods=["GET"])
@access(bp, Role.ENTERPRISE, Role.ADMIN)
@bp.arguments(MatchQuerySchema, location="query")
@bp.response(200, MatchListSchema)
@bp.alt_response(404, response="NOT_FOUND")
def need_matches(query, need_id):
    """Ranked products for a need: eligible first, each with a score in [0, 1], its band, reasons, estimated
    cost and the institution's speed; sorted by approval (default), cost or speed"""
    return listing.get_all(need_id=need_id, actor=current_user(), **query)


@bp.route("/products/<int:product_id>/leads", methods=["GET"])
@access(bp, Role.INSTITUTION)
@bp.arguments(LeadQuerySchema, location="query")
@bp.response(200, LeadListSchema)
@bp.alt_response(404, response="NOT_FOUND")
def leads(query, product_id):
    """Open needs of firms that opted in, ranked by fit (or by expected loss), without contact details or credit
    code; each with its default probability and expected loss once a default-risk model was trained"""
    product = product_services.get(actor=current_user(), product_id=product_id)
    return services.needs_for_product(product_id=product.id, **query)
