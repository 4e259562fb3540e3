"""The institution's API: products, the public catalogue, leads, decisions and disbursements."""
from __future__ import annotations

from flask_smorest import Blueprint

from models import Role, db

from ..applications import decisions
from ..applications import services as application_services
from ..auth.current import current_user
from .idempotency import DOC as IDEMPOTENCY
from .idempotency import idempotent
from ..matching import services as matching_services
from ..products import services as product_services
from .access import access
from .schemas import (
    ApplicationSchema, CatalogueQuerySchema, DecisionSchema, DisbursementSchema, LeadListSchema, MatchQuerySchema,
    ProductCreateSchema, ProductListSchema, ProductPatchSchema, ProductSchema,
)

bp = Blueprint("api_institution", __name__, url_prefix="/api/v1", description="Institutions: products, leads, "
                                                                               "decisions")


def _flatten(body: dict) -> dict:
    values = {k: v for k, v in body.items() if k != "eligibility"}
    values.update(body.get("eligibility") or {})
    return values


@bp.route("/products", methods=["GET"])
@bp.arguments(CatalogueQuerySchema, location="query")
@bp.response(200, ProductListSchema)
def catalogue(query):
    """The public catalogue: active products; filters kind, institution_id, amount_cny (fits the range)"""
    items, total = product_services.catalogue(**query)
    return {"items": [product_services.as_dict(p) for p in items], "total": total}


@bp.route("/products", methods=["POST"])
@access(bp, Role.INSTITUTION)
@bp.arguments(ProductCreateSchema)
@bp.response(201, ProductSchema)
def create_product(body):
    """Publish a product with its eligibility rules"""
    product = product_services.create(actor=current_user(), values=_flatten(body))
    return product_services.as_dict(product)


@bp.route("/products/<int:product_id>", methods=["PATCH"])
@access(bp, Role.INSTITUTION)
@bp.arguments(ProductPatchSchema)
@bp.response(200, ProductSchema)
@bp.alt_response(404, response="NOT_FOUND")
def update_product(body, product_id):
    """Change a product's terms, rules or status (active, paused, retired)"""
    product = product_services.update(actor=current_user(), product_id=product_id, values=_flatten(body))
    return product_services.as_dict(product)


@bp.route("/products/<int:product_id>/leads", methods=["GET"])
@access(bp, Role.INSTITUTION)
@bp.arguments(MatchQuerySchema, location="query")
@bp.response(200, LeadListSchema)
@bp.alt_response(404, response="NOT_FOUND")
def leads(query, product_id):
    """Open needs of firms that opted in, ranked by fit, without contact details or credit code"""
    product = product_services.get(actor=current_user(), product_id=product_id)
    return matching_services.needs_for_product(product_id=product.id, limit=query["limit"])


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
    application = decisions.decide(actor=current_user(), application_id=application_id, **body)
    return application_services.as_dict(application)


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
    application = decisions.disburse(actor=current_user(), application_id=application_id, **body)
    return application_services.as_dict(application)
