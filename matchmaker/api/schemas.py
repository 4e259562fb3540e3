"""Marshmallow schemas of the contract. They parse types; business rules live in the services."""
from __future__ import annotations

import marshmallow as ma

from models import ApplicationStatus, Certification, CreditRating, Industry, NeedStatus, ProductKind, Role

from ..matching.listing import BANDS, SORTS


# What the database can hold: row ids are INTEGER, amounts BIGINT. Larger numbers are invalid input
# (422 naming the field), not an overflow deep in the driver.
ROW_ID = ma.validate.Range(1, 2**31 - 1)
AMOUNT = ma.validate.Range(-(2**63), 2**63 - 1)


class StrictSchema(ma.Schema):
    class Meta:
        unknown = ma.RAISE  # a misspelt or forbidden field is refused, never silently dropped


class EnterpriseFactsSchema(StrictSchema):
    name = ma.fields.String(required=True, metadata={"example": "重庆云启智能科技有限公司"})
    uscc = ma.fields.String(required=True, metadata={"description": "统一社会信用代码, 18 characters"})
    industry = ma.fields.String(required=True, metadata={"enum": Industry.values()})
    founded_on = ma.fields.Date(required=True)
    employees = ma.fields.Integer(required=True, strict=True)
    annual_revenue_cny = ma.fields.Integer(required=True, strict=True)
    rd_ratio_pct = ma.fields.Float(required=True, allow_nan=False)
    ip_count = ma.fields.Integer(required=True, strict=True)
    certifications = ma.fields.List(
        ma.fields.String(metadata={"enum": Certification.values()}), load_default=list
    )
    credit_rating = ma.fields.String(required=True, metadata={"enum": CreditRating.values()})
    district = ma.fields.String(required=True)
    has_collateral = ma.fields.Boolean(required=True)


class EnterpriseSchema(EnterpriseFactsSchema):
    id = ma.fields.Integer(dump_only=True)
    share_in_leads = ma.fields.Boolean(dump_default=False)


class RegisterSchema(StrictSchema):
    email = ma.fields.String(required=True)
    password = ma.fields.String(required=True, load_only=True)
    enterprise = ma.fields.Nested(EnterpriseFactsSchema, required=True)


class UserSchema(ma.Schema):
    id = ma.fields.Integer()
    email = ma.fields.String()
    role = ma.fields.String(metadata={"enum": Role.values()})
    enterprise_id = ma.fields.Integer(allow_none=True)
    institution_id = ma.fields.Integer(allow_none=True)


class RegisteredSchema(ma.Schema):
    user = ma.fields.Nested(UserSchema)
    enterprise = ma.fields.Nested(EnterpriseSchema)


class TokenRequestSchema(StrictSchema):
    email = ma.fields.String(required=True)
    password = ma.fields.String(required=True, load_only=True)
    otp = ma.fields.String(load_default=None, load_only=True,
                           metadata={"description": "the one-time code (or a recovery code) of an account with "
                                                    "two-factor sign-in"})


class TokenSchema(ma.Schema):
    token = ma.fields.String()
    expires_at = ma.fields.AwareDateTime()
    role = ma.fields.String(metadata={"enum": Role.values()})


def user_dict(user) -> dict:
    return {
        "id": user.id,
        "email": user.email,
        "role": user.role.value,
        "enterprise_id": user.enterprise_id,
        "institution_id": user.institution_id,
    }


class EnterprisePatchSchema(StrictSchema):
    name = ma.fields.String()
    industry = ma.fields.String(metadata={"enum": Industry.values()})
    founded_on = ma.fields.Date()
    employees = ma.fields.Integer(strict=True)
    annual_revenue_cny = ma.fields.Integer(strict=True)
    rd_ratio_pct = ma.fields.Float(allow_nan=False)
    ip_count = ma.fields.Integer(strict=True)
    certifications = ma.fields.List(ma.fields.String(metadata={"enum": Certification.values()}))
    credit_rating = ma.fields.String(metadata={"enum": CreditRating.values()})
    district = ma.fields.String()
    has_collateral = ma.fields.Boolean()
    share_in_leads = ma.fields.Boolean(metadata={"description": "consent to appear, without contact details, "
                                                                "in institutions' leads"})


class ListQuerySchema(ma.Schema):
    limit = ma.fields.Integer(load_default=20, validate=ma.validate.Range(1, 100))
    offset = ma.fields.Integer(load_default=0, validate=ma.validate.Range(0, 10**9))


class NeedCreateSchema(StrictSchema):
    amount_cny = ma.fields.Integer(required=True, strict=True)
    term_months = ma.fields.Integer(required=True, strict=True)
    purpose = ma.fields.String(load_default="")
    preferred_kinds = ma.fields.List(ma.fields.String(metadata={"enum": ProductKind.values()}), load_default=list)
    max_rate_pct = ma.fields.Float(allow_none=True, load_default=None, allow_nan=False)
    collateral_offered = ma.fields.Boolean(load_default=False)


class NeedSchema(ma.Schema):
    id = ma.fields.Integer()
    enterprise_id = ma.fields.Integer()
    amount_cny = ma.fields.Integer()
    term_months = ma.fields.Integer()
    purpose = ma.fields.String()
    preferred_kinds = ma.fields.List(ma.fields.String())
    max_rate_pct = ma.fields.Float(allow_none=True)
    collateral_offered = ma.fields.Boolean()
    status = ma.fields.String(metadata={"enum": NeedStatus.values()})
    created_at = ma.fields.AwareDateTime()
    updated_at = ma.fields.AwareDateTime()


class NeedListSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(NeedSchema))
    total = ma.fields.Integer()


class MatchQuerySchema(ma.Schema):
    limit = ma.fields.Integer(load_default=10, validate=ma.validate.Range(1, 200))
    offset = ma.fields.Integer(load_default=0, validate=ma.validate.Range(0, 10**9))
    include_ineligible = ma.fields.Boolean(load_default=False, metadata={
        "description": "list every active product the need fails after the eligible ones, with what is missing"})
    sort = ma.fields.String(load_default="approval", validate=ma.validate.OneOf(SORTS), metadata={
        "description": "approval: most likely first; cost: estimated cost over the term, lowest first (null "
                       "last); speed: the institution's median hours to a decision, fastest first (null last)"})


class MatchSchema(ma.Schema):
    product_id = ma.fields.Integer()
    product_name = ma.fields.String()
    institution_id = ma.fields.Integer()
    institution_name = ma.fields.String()
    kind = ma.fields.String(metadata={"enum": ProductKind.values()})
    rate_min_pct = ma.fields.Float()
    rate_max_pct = ma.fields.Float()
    score = ma.fields.Float(metadata={"description": "calibrated probability of approval, 0 to 1"})
    band = ma.fields.String(metadata={"enum": list(BANDS), "description": "the score in words"})
    eligible = ma.fields.Boolean()
    reasons = ma.fields.List(ma.fields.String())
    likely_rate_pct = ma.fields.Float(metadata={
        "description": "the published range placed by the score: rate_max - score x (rate_max - rate_min)"})
    estimated_cost_cny = ma.fields.Integer(allow_none=True, metadata={
        "description": "interest (equal monthly instalments) or fees over the need's term at likely_rate_pct; "
                       "null for equity"})
    median_response_hours = ma.fields.Float(allow_none=True, metadata={
        "description": "the institution's median hours from application to decision; null without history"})


class MatchListSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(MatchSchema))
    total = ma.fields.Integer(metadata={"description": "eligible matches"})
    ineligible_total = ma.fields.Integer(metadata={"description": "active products the need fails"})
    offset = ma.fields.Integer()
    sort = ma.fields.String(metadata={"enum": list(SORTS)})
    model_version = ma.fields.String(metadata={"description": '"rules" while no learned model is active'})


class ApplicationCreateSchema(StrictSchema):
    need_id = ma.fields.Integer(required=True, strict=True, validate=ROW_ID)
    product_id = ma.fields.Integer(required=True, strict=True, validate=ROW_ID)


class ApplicationSchema(ma.Schema):
    id = ma.fields.Integer()
    status = ma.fields.String(metadata={"enum": ApplicationStatus.values()})
    need_id = ma.fields.Integer()
    product_id = ma.fields.Integer()
    enterprise_id = ma.fields.Integer()
    institution_id = ma.fields.Integer()
    amount_cny = ma.fields.Integer()
    term_months = ma.fields.Integer()
    approved_amount_cny = ma.fields.Integer(allow_none=True)
    rate_pct = ma.fields.Float(allow_none=True)
    approved_term_months = ma.fields.Integer(allow_none=True)
    disbursed_amount_cny = ma.fields.Integer(allow_none=True)
    reject_reason_code = ma.fields.String(allow_none=True)
    reject_reason = ma.fields.String(allow_none=True)
    created_at = ma.fields.AwareDateTime()
    viewed_at = ma.fields.AwareDateTime(allow_none=True)
    decided_at = ma.fields.AwareDateTime(allow_none=True)
    disbursed_at = ma.fields.AwareDateTime(allow_none=True)
    withdrawn_at = ma.fields.AwareDateTime(allow_none=True)


class ApplicationListSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(ApplicationSchema))
    total = ma.fields.Integer()


class EligibilitySchema(ma.Schema):
    industries = ma.fields.List(ma.fields.String(metadata={"enum": Industry.values()}), load_default=list)
    min_years = ma.fields.Float(load_default=0, allow_nan=False)
    min_annual_revenue_cny = ma.fields.Integer(load_default=0, strict=True)
    min_ip_count = ma.fields.Integer(load_default=0, strict=True)
    required_certifications = ma.fields.List(ma.fields.String(metadata={"enum": Certification.values()}),
                                             load_default=list)
    min_credit_rating = ma.fields.String(allow_none=True, load_default=None,
                                         metadata={"enum": CreditRating.values()})
    collateral_required = ma.fields.Boolean(load_default=False)

    class Meta:
        unknown = ma.RAISE


class EligibilityPatchSchema(StrictSchema):
    """The same rules as EligibilitySchema; only those given change."""

    industries = ma.fields.List(ma.fields.String(metadata={"enum": Industry.values()}))
    min_years = ma.fields.Float(allow_nan=False)
    min_annual_revenue_cny = ma.fields.Integer(strict=True)
    min_ip_count = ma.fields.Integer(strict=True)
    required_certifications = ma.fields.List(ma.fields.String(metadata={"enum": Certification.values()}))
    min_credit_rating = ma.fields.String(allow_none=True, metadata={"enum": CreditRating.values()})
    collateral_required = ma.fields.Boolean()


class ProductCreateSchema(StrictSchema):
    name = ma.fields.String(required=True)
    kind = ma.fields.String(required=True, metadata={"enum": ProductKind.values()})
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
    kind = ma.fields.String(metadata={"enum": ProductKind.values()})
    min_amount_cny = ma.fields.Integer(strict=True)
    max_amount_cny = ma.fields.Integer(strict=True)
    min_term_months = ma.fields.Integer(strict=True)
    max_term_months = ma.fields.Integer(strict=True)
    rate_min_pct = ma.fields.Float(allow_nan=False)
    rate_max_pct = ma.fields.Float(allow_nan=False)
    eligibility = ma.fields.Nested(EligibilityPatchSchema)
    description = ma.fields.String()
    status = ma.fields.String(metadata={"enum": ["active", "paused", "retired"]})


class ProductSchema(ma.Schema):
    id = ma.fields.Integer()
    institution_id = ma.fields.Integer()
    name = ma.fields.String()
    kind = ma.fields.String()
    min_amount_cny = ma.fields.Integer()
    max_amount_cny = ma.fields.Integer()
    min_term_months = ma.fields.Integer()
    max_term_months = ma.fields.Integer()
    rate_min_pct = ma.fields.Float()
    rate_max_pct = ma.fields.Float()
    description = ma.fields.String()
    status = ma.fields.String()
    eligibility = ma.fields.Dict()
    created_at = ma.fields.AwareDateTime()
    updated_at = ma.fields.AwareDateTime()


class ProductListSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(ProductSchema))
    total = ma.fields.Integer()


class CatalogueQuerySchema(ListQuerySchema):
    kind = ma.fields.String(metadata={"enum": ProductKind.values()})
    institution_id = ma.fields.Integer(validate=ROW_ID)
    amount_cny = ma.fields.Integer(validate=AMOUNT)


class LeadSchema(ma.Schema):
    need_id = ma.fields.Integer()
    enterprise_name = ma.fields.String()
    industry = ma.fields.String()
    amount_cny = ma.fields.Integer()
    score = ma.fields.Float()
    reasons = ma.fields.List(ma.fields.String())


class LeadListSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(LeadSchema))
    model_version = ma.fields.String()


class DecisionSchema(StrictSchema):
    decision = ma.fields.String(required=True, validate=ma.validate.OneOf(["approve", "reject"]))
    approved_amount_cny = ma.fields.Integer(strict=True)
    rate_pct = ma.fields.Float(allow_nan=False)
    term_months = ma.fields.Integer(strict=True)
    reason = ma.fields.String(metadata={"description": "reject: a reason code (insufficient_rating, …) or text"})
    reason_code = ma.fields.String()


class DisbursementSchema(StrictSchema):
    amount_cny = ma.fields.Integer(required=True, strict=True)
