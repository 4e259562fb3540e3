"""Products through the API: the public catalogue, and an institution publishing and changing its own."""
from __future__ import annotations

import marshmallow as ma
from flask_smorest import Blueprint

from models import Role

from ..api.access import access
from ..auth.current import api_actor, current_user
from . import services
from .schemas import (
    CatalogueQuerySchema, ProductCreateSchema, ProductListSchema, ProductPatchSchema, ProductSchema, flatten,
)

bp = Blueprint("api_products", __name__, url_prefix="/api/v1", description="Products")


class ProductQuerySchema(CatalogueQuerySchema):
    mine = ma.fields.Boolean(load_default=False, metadata={
        "description": "an institution's own products, every status (active first); needs its token"})


@bp.route("/products", methods=["GET"])
@bp.arguments(ProductQuerySchema, location="query")
@bp.response(200, ProductListSchema)
@bp.alt_response(401, response="UNAUTHORIZED")
@bp.alt_response(403, response="FORBIDDEN")
def catalogue(query):
    """The public catalogue: active products; search q (product or institution name), filters kind,
    institution_id, amount_cny and term_months (fit the ranges), max_rate_pct, collateral_required, industry;
    sort id (the order of publication, default), kind, rate, amount, term, newest.
    With mine=true (an institution's token): its own products, paused and retired ones too"""
    if query.pop("mine"):
        items, total = services.get_all(actor=api_actor(Role.INSTITUTION), limit=query["limit"],
                                        offset=query["offset"])
    else:
        items, total = services.catalogue(**query)
    return {"items": items, "total": total}


@bp.route("/products/<int:product_id>", methods=["GET"])
@bp.response(200, ProductSchema)
@bp.alt_response(404, response="NOT_FOUND")
def get_product(product_id):
    """One product of the public catalogue (active ones only; anyone may read it)"""
    return services.get_public(product_id=product_id)


@bp.route("/products", methods=["POST"])
@access(bp, Role.INSTITUTION)
@bp.arguments(ProductCreateSchema)
@bp.response(201, ProductSchema)
def create_product(body):
    """Publish a product with its eligibility rules"""
    return services.create(actor=current_user(), values=flatten(body))


@bp.route("/products/<int:product_id>", methods=["PATCH"])
@access(bp, Role.INSTITUTION)
@bp.arguments(ProductPatchSchema)
@bp.response(200, ProductSchema)
@bp.alt_response(404, response="NOT_FOUND")
def update_product(body, product_id):
    """Change a product's terms, rules or status (active, paused, retired)"""
    return services.update(actor=current_user(), product_id=product_id, values=flatten(body))
