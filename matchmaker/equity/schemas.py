"""An investor profile as the API reads and shows it."""
from __future__ import annotations

import marshmallow as ma

from models import EquityNeedStatus, EquityStage, Industry

from ..schemas import Code, StrictSchema


class InvestorProfileSchema(StrictSchema):
    stages = ma.fields.List(ma.fields.String(), required=True, metadata={"items": {"enum": EquityStage.values()}})
    industries = ma.fields.List(ma.fields.String(), load_default=list, metadata={
        "items": {"enum": Industry.values()}, "description": "empty: any industry"})
    min_ticket_cny = ma.fields.Integer(required=True, strict=True)
    max_ticket_cny = ma.fields.Integer(required=True, strict=True)
    fund_size_cny = ma.fields.Integer(required=True, strict=True)
    accepts_deal_flow = ma.fields.Boolean(load_default=True)


class EquityNeedInSchema(StrictSchema):
    round = ma.fields.String(required=True, metadata={"enum": EquityStage.values()})
    amount_cny = ma.fields.Integer(required=True, strict=True)
    pre_money_valuation_cny = ma.fields.Integer(required=True, strict=True)
    use_of_funds = ma.fields.String(required=True)
    highlights = ma.fields.String(load_default=None, allow_none=True)


class EquityNeedSchema(ma.Schema):
    id = ma.fields.Integer()
    enterprise_id = ma.fields.Integer()
    round = Code(EquityStage)
    amount_cny = ma.fields.Integer()
    pre_money_valuation_cny = ma.fields.Integer()
    use_of_funds = ma.fields.String()
    highlights = ma.fields.String(allow_none=True)
    status = Code(EquityNeedStatus)
    interests = ma.fields.Function(lambda need: [], metadata={
        "type": "array", "description": "investors' interests and their stages (the deal pipeline, still to come)"})
    created_at = ma.fields.AwareDateTime()


class EquityNeedListSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(EquityNeedSchema))
    total = ma.fields.Integer()
