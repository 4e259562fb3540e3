"""A firm as the API reads and shows it, and a registration (the firm with its first account)."""
from __future__ import annotations

import marshmallow as ma

from models import Certification, CreditRating, Industry

from ..schemas import Code, Codes, StrictSchema
from ..auth.schemas import UserSchema


class EnterpriseFactsSchema(StrictSchema):
    name = ma.fields.String(required=True, metadata={"example": "重庆云启智能科技有限公司"})
    uscc = ma.fields.String(required=True, metadata={"description": "统一社会信用代码, 18 characters"})
    industry = Code(Industry, required=True)
    founded_on = ma.fields.Date(required=True)
    employees = ma.fields.Integer(required=True, strict=True)
    annual_revenue_cny = ma.fields.Integer(required=True, strict=True)
    rd_ratio_pct = ma.fields.Float(required=True, allow_nan=False)
    ip_count = ma.fields.Integer(required=True, strict=True)
    certifications = Codes(Certification, load_default=list)
    credit_rating = Code(CreditRating, required=True)
    district = ma.fields.String(required=True)
    has_collateral = ma.fields.Boolean(required=True)
    contact_name = ma.fields.String(allow_none=True, load_default=None)
    contact_phone = ma.fields.String(allow_none=True, load_default=None, metadata={
        "description": "a mainland mobile number; stored as its 11 digits"})
    legal_representative = ma.fields.String(allow_none=True, load_default=None)
    total_assets_cny = ma.fields.Integer(strict=True, allow_none=True, load_default=None)
    total_liabilities_cny = ma.fields.Integer(strict=True, allow_none=True, load_default=None)
    net_profit_cny = ma.fields.Integer(strict=True, allow_none=True, load_default=None,
                                       metadata={"description": "last year's; a loss is negative"})
    net_profit_prev_cny = ma.fields.Integer(strict=True, allow_none=True, load_default=None,
                                            metadata={"description": "the year before's"})
    rd_staff = ma.fields.Integer(strict=True, allow_none=True, load_default=None,
                                 metadata={"description": "R&D staff (knowledge-value evaluation)"})
    tech_talent = ma.fields.Integer(strict=True, allow_none=True, load_default=None,
                                    metadata={"description": "staff with a master's, a doctorate or a senior title"})
    innovative_products = ma.fields.Integer(strict=True, allow_none=True, load_default=None)
    awards = ma.fields.Integer(strict=True, allow_none=True, load_default=None,
                               metadata={"description": "science and technology awards"})


class EnterpriseSchema(EnterpriseFactsSchema):
    """The firm, dumped from its row."""

    id = ma.fields.Integer(dump_only=True)
    share_in_leads = ma.fields.Boolean(dump_default=False)


class EnterprisePatchSchema(StrictSchema):
    name = ma.fields.String()
    industry = Code(Industry)
    founded_on = ma.fields.Date()
    employees = ma.fields.Integer(strict=True)
    annual_revenue_cny = ma.fields.Integer(strict=True)
    rd_ratio_pct = ma.fields.Float(allow_nan=False)
    ip_count = ma.fields.Integer(strict=True)
    certifications = Codes(Certification)
    credit_rating = Code(CreditRating)
    district = ma.fields.String()
    has_collateral = ma.fields.Boolean()
    contact_name = ma.fields.String(allow_none=True)
    contact_phone = ma.fields.String(allow_none=True)
    legal_representative = ma.fields.String(allow_none=True)
    total_assets_cny = ma.fields.Integer(strict=True, allow_none=True)
    total_liabilities_cny = ma.fields.Integer(strict=True, allow_none=True)
    net_profit_cny = ma.fields.Integer(strict=True, allow_none=True)
    net_profit_prev_cny = ma.fields.Integer(strict=True, allow_none=True)
    rd_staff = ma.fields.Integer(strict=True, allow_none=True)
    tech_talent = ma.fields.Integer(strict=True, allow_none=True)
    innovative_products = ma.fields.Integer(strict=True, allow_none=True)
    awards = ma.fields.Integer(strict=True, allow_none=True)
    share_in_leads = ma.fields.Boolean(metadata={"description": "consent to appear, without contact details, "
                                                                "in institutions' leads"})


class RegisterSchema(StrictSchema):
    email = ma.fields.String(required=True)
    password = ma.fields.String(required=True, load_only=True)
    enterprise = ma.fields.Nested(EnterpriseFactsSchema, required=True)


class RegisteredSchema(ma.Schema):
    """The new account, with its firm (``user.enterprise``)."""

    user = ma.fields.Nested(UserSchema)
    enterprise = ma.fields.Nested(EnterpriseSchema)
