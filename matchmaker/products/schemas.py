"""A product and its eligibility rules as the API reads and shows them."""
from __future__ import annotations

import marshmallow as ma

from models import (
    MAX_RATE_PCT, MAX_TERM_MONTHS, Certification, CreditGrade, CreditRating, Industry, ProductKind, ProductStatus, RepaymentMethod,
)

from ..schemas import AMOUNT, ROW_ID, Code, Codes, ListQuerySchema, StrictSchema
from .services import CATALOGUE_SORTS


class EligibilitySchema(StrictSchema):
    """The rules a firm must meet. Dumped from the product's row, whose columns bear these names."""

    industries = Codes(Industry, load_default=list)
    min_years = ma.fields.Float(load_default=0, allow_nan=False)
    min_annual_revenue_cny = ma.fields.Integer(load_default=0, strict=True)
    min_ip_count = ma.fields.Integer(load_default=0, strict=True)
    required_certifications = Codes(Certification, load_default=list)
    min_credit_rating = Code(CreditRating, allow_none=True, load_default=None)
    min_credit_grade = Code(CreditGrade, allow_none=True, load_default=None, metadata={
        "description": "the lowest knowledge-value credit grade (A best); null: no grade needed"})
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
    min_credit_grade = Code(CreditGrade, allow_none=True)
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
    repayment_methods = Codes(RepaymentMethod, load_default=list)
    pledge_ratio_pct = ma.fields.Float(allow_none=True, allow_nan=False, load_default=None, metadata={
        "description": "IP-pledge products: the share of the pledgeable IP value lent against (0-100]"})
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
    repayment_methods = Codes(RepaymentMethod)
    pledge_ratio_pct = ma.fields.Float(allow_none=True, allow_nan=False, metadata={
        "description": "IP-pledge products: the share of the pledgeable IP value lent against (0-100]"})
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
    repayment_methods = Codes(RepaymentMethod, metadata={"description": "empty: nothing to repay, or agreed case by case"})
    pledge_ratio_pct = ma.fields.Float(allow_none=True)
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
    q = ma.fields.String(validate=ma.validate.Length(max=60), metadata={
        "description": "words in the product's or the institution's name"})
    kind = Code(ProductKind)
    institution_id = ma.fields.Integer(validate=ROW_ID)
    amount_cny = ma.fields.Integer(validate=AMOUNT, metadata={"description": "fits the amount range"})
    term_months = ma.fields.Integer(validate=ma.validate.Range(1, MAX_TERM_MONTHS),
                                    metadata={"description": "fits the term range"})
    max_rate_pct = ma.fields.Float(validate=ma.validate.Range(0, MAX_RATE_PCT), allow_nan=False,
                                   metadata={"description": "the product's lowest rate is within it"})
    collateral_required = ma.fields.Boolean(metadata={"description": "false: only products asking no collateral"})
    industry = Code(Industry, metadata={"description": "open to this industry (or to every industry)"})
    sort = Code(list(CATALOGUE_SORTS), load_default="id")
