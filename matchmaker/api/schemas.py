"""Marshmallow schemas of the contract. They parse types; business rules live in the services."""
from __future__ import annotations

import marshmallow as ma

from models import Certification, CreditRating, Industry, Role


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
