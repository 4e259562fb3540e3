"""A product and its eligibility rules as the API reads and shows them."""
from __future__ import annotations

import marshmallow as ma

from models import Certification, CreditRating, Industry, ProductKind, ProductStatus

from ..schemas import AMOUNT, ROW_ID, Code, Codes, ListQuerySchema, StrictSchema


class EligibilitySchema(StrictSchema):
    """The rules a firm must meet. Dumped from the product's row, whose columns bear these names."""

    industries = Codes(Industry, load_default=list)
    min_years = ma.fields.Float(load_default=0, allow_nan=False)
    min_annual_revenue_cny = ma.fields.Integer(load_default=0, strict=True)
    min_ip_count = ma.fields.Integer(load_default=0, strict=True)
    required_certifications = Codes(Certification, load_default=list)
    min_credit_rating = Code(CreditRating, allow_none=True, load_default=None)
    collateral_required = ma.fields.Boolean(load_default=False)


_RULES = EligibilitySchema()


class EligibilityPatchSchema(StrictSchema):
    """The same rules as EligibilitySchema; only those given change."""

    industries = Codes(Industry)
    min_years = ma.fields.Float(allow_nan=False)
    min_annual_revenue_cny = ma.fields.Integer(strict=True)
    min_ip_count = ma.fields.Integer(strict=True)
    required_certifications = Codes(Certification)
    min_credit_rating = Code(CreditRating, allow_none=True)
    collateral_required = ma.fields.Boolean()


class ProductCreateSchema(StrictSchema):
    name = ma.fields.String(required=True)
    kind = Code(ProductKind, required=True)
    min_amount_cny = ma.fields.Integer(required=True, strict=True)
    max_amount_cny = ma.fields.Integer(required=True, strict=True)
    min_term_months = ma.fields.Integer(required=True, strict=True)
    max_term_months = ma.fields.Integer(required=True, strict=True)
    rate_min_pct = ma.fields.Float(required=True, allow_nan=False)
    rate_max_pct = ma.fields.Float(required=True, allow_nan=False)
    eligibility = ma.fields.Nested(EligibilitySchema, load_default=dict)
    description = ma.fields.String(load_default="")


class ProductPatchSchema(StrictSchema):
    name = ma.fields.String()
    kind = Code(ProductKind)
    min_amount_cny = ma.fields.Integer(strict=True)
    max_amount_cny = ma.fields.Integer(strict=True)
    min_term_months = ma.fields.Integer(strict=True)
    max_term_months = ma.fields.Integer(strict=True)
    rate_min_pct = ma.fields.Float(allow_nan=False)
    rate_max_pct = ma.fields.Float(allow_nan=False)
    eligibility = ma.fields.Nested(EligibilityPatchSchema)
    description = ma.fields.String()
    status = Code(ProductStatus)


def flatten(body: dict) -> dict:
    """The API nests the rules under ``eligibility``; the service takes terms and rules side by side."""
    values = {k: v for k, v in body.items() if k != "eligibility"}
    values.update(body.get("eligibility") or {})
    return values


class ProductSchema(ma.Schema):
    """A product, dumped from its row (its rules nested, as they were published)."""

    id = ma.fields.Integer()
    institution_id = ma.fields.Integer()
    name = ma.fields.String()
    kind = Code(ProductKind)
    min_amount_cny = ma.fields.Integer()
    max_amount_cny = ma.fields.Integer()
    min_term_months = ma.fields.Integer()
    max_term_months = ma.fields.Integer()
    rate_min_pct = ma.fields.Float()
    rate_max_pct = ma.fields.Float()
    description = ma.fields.String()
    status = Code(ProductStatus)
    # One rules schema for every row: building a marshmallow schema per product cost the catalogue's dump.
    eligibility = ma.fields.Function(lambda product: _RULES.dump(product),
                                     metadata={"type": "object", "description": "the rules (EligibilitySchema)"})
    created_at = ma.fields.AwareDateTime()
    updated_at = ma.fields.AwareDateTime()


class ProductListSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(ProductSchema))
    total = ma.fields.Integer()


class CatalogueQuerySchema(ListQuerySchema):
    kind = Code(ProductKind)
    institution_id = ma.fields.Integer(validate=ROW_ID)
    amount_cny = ma.fields.Integer(validate=AMOUNT)
