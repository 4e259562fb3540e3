"""Listing readiness as the API reads and shows it."""
from __future__ import annotations

import marshmallow as ma

from models import ListingStage, ReserveTier

from ..schemas import Code, StrictSchema


class ListingFactsSchema(StrictSchema):
    """The firm's listing facts; the firm's revenue, net profit and balance sheet are read from its profile."""

    expected_market_value_cny = ma.fields.Integer(allow_none=True, strict=True, load_default=None)
    share_capital_cny = ma.fields.Integer(allow_none=True, strict=True, load_default=None)
    revenue_prev_cny = ma.fields.Integer(allow_none=True, strict=True, load_default=None)
    revenue_prev2_cny = ma.fields.Integer(allow_none=True, strict=True, load_default=None)
    rd_expense_cny = ma.fields.Integer(allow_none=True, strict=True, load_default=None)
    rd_expense_prev_cny = ma.fields.Integer(allow_none=True, strict=True, load_default=None)
    rd_expense_prev2_cny = ma.fields.Integer(allow_none=True, strict=True, load_default=None)
    operating_cash_flow_cny = ma.fields.Integer(allow_none=True, strict=True, load_default=None)
    operating_cash_flow_3y_cny = ma.fields.Integer(allow_none=True, strict=True, load_default=None)
    roe_pct = ma.fields.Float(allow_none=True, load_default=None, allow_nan=False)
    roe_prev_pct = ma.fields.Float(allow_none=True, load_default=None, allow_nan=False)
    neeq_innovation_months = ma.fields.Integer(allow_none=True, strict=True, load_default=None)
    national_main_product = ma.fields.Boolean(load_default=False)


class CheckSchema(ma.Schema):
    board = ma.fields.String(metadata={"enum": ["star", "chinext", "bse"]})
    standard = ma.fields.String(metadata={"description": "the standard's number in the board's rules (1a, 2 …)"})
    met = ma.fields.Boolean()
    gaps = ma.fields.List(ma.fields.String(), metadata={"description": "what is missing, in numbers"})


class ReadinessSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(CheckSchema))
    stage = ma.fields.String(allow_none=True, metadata={"enum": ListingStage.values()})
    tier = ma.fields.String(allow_none=True, metadata={"enum": ReserveTier.values()})
    as_of = ma.fields.String(metadata={"description": "the date of the standards applied"})
    source = ma.fields.String()


class StageInSchema(StrictSchema):
    stage = ma.fields.String(required=True, metadata={"enum": ListingStage.values()})
    tier = ma.fields.String(load_default=None, allow_none=True, metadata={"enum": ReserveTier.values()})
    changed_on = ma.fields.Date(required=True)


class StageChangeSchema(ma.Schema):
    id = ma.fields.Integer()
    enterprise_id = ma.fields.Integer()
    stage = Code(ListingStage)
    tier = Code(ReserveTier, allow_none=True)
    changed_on = ma.fields.Date()


class StageCountSchema(ma.Schema):
    stage = ma.fields.String()
    label = ma.fields.String()
    enterprises = ma.fields.Integer()


class TierCountSchema(ma.Schema):
    tier = ma.fields.String()
    label = ma.fields.String()
    enterprises = ma.fields.Integer()


class PipelineItemSchema(ma.Schema):
    enterprise_id = ma.fields.Integer()
    enterprise_name = ma.fields.String()
    stage = ma.fields.String()
    tier = ma.fields.String(allow_none=True)
    since = ma.fields.Date()


class PipelineSchema(ma.Schema):
    by_stage = ma.fields.List(ma.fields.Nested(StageCountSchema))
    by_tier = ma.fields.List(ma.fields.Nested(TierCountSchema))
    listed = ma.fields.Integer()
    target_listed = ma.fields.Integer(metadata={"description": "the plan's target of listed firms"})
    items = ma.fields.List(ma.fields.Nested(PipelineItemSchema))
