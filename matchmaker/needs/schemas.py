"""A financing need as the API reads and shows it."""
from __future__ import annotations

import marshmallow as ma

from models import NeedStatus, ProductKind

from ..schemas import Code, Codes, StrictSchema


class NeedCreateSchema(StrictSchema):
    amount_cny = ma.fields.Integer(required=True, strict=True)
    term_months = ma.fields.Integer(required=True, strict=True)
    purpose = ma.fields.String(load_default="")
    preferred_kinds = Codes(ProductKind, load_default=list)
    max_rate_pct = ma.fields.Float(allow_none=True, load_default=None, allow_nan=False)
    collateral_offered = ma.fields.Boolean(load_default=False)


class NeedSchema(ma.Schema):
    """A need, dumped from its row."""

    id = ma.fields.Integer()
    enterprise_id = ma.fields.Integer()
    amount_cny = ma.fields.Integer()
    term_months = ma.fields.Integer()
    purpose = ma.fields.String()
    preferred_kinds = Codes(ProductKind)
    max_rate_pct = ma.fields.Float(allow_none=True)
    collateral_offered = ma.fields.Boolean()
    status = Code(NeedStatus)
    created_at = ma.fields.AwareDateTime()
    updated_at = ma.fields.AwareDateTime()


class NeedListSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(NeedSchema))
    total = ma.fields.Integer()
