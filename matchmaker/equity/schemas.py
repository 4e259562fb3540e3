"""Equity financing as the API reads and shows it: investor profiles, rounds, their matches, the deal pipeline and
roadshows."""
from __future__ import annotations

import marshmallow as ma

from models import EquityNeedStatus, EquityStage, Industry, InterestStage, PitchStatus, RoadshowStatus

from ..schemas import ROW_ID, Code, Codes, StrictSchema


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
    interests = ma.fields.List(ma.fields.Nested("InterestBriefSchema"), metadata={
        "description": "investors' interests in the round and where each stands (the deal pipeline)"})
    created_at = ma.fields.AwareDateTime()


class EquityNeedListSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(EquityNeedSchema))
    total = ma.fields.Integer()


class InterestBriefSchema(ma.Schema):
    id = ma.fields.Integer()
    institution_id = ma.fields.Integer()
    institution_name = ma.fields.Function(lambda interest: interest.institution.name)
    stage = Code(InterestStage)
    amount_cny = ma.fields.Integer(allow_none=True)


class LimitQuerySchema(ma.Schema):
    limit = ma.fields.Integer(load_default=10, validate=ma.validate.Range(1, 200))


class InvestorMatchSchema(ma.Schema):
    institution_id = ma.fields.Function(lambda fit: fit.profile.institution_id)
    institution_name = ma.fields.Function(lambda fit: fit.profile.institution.name)
    score = ma.fields.Float()
    reasons = ma.fields.List(ma.fields.String())


class DealFlowItemSchema(ma.Schema):
    equity_need_id = ma.fields.Function(lambda fit: fit.need.id)
    enterprise_name = ma.fields.Function(lambda fit: fit.need.enterprise.name)
    industry = ma.fields.Function(lambda fit: fit.need.enterprise.industry.value)
    round = ma.fields.Function(lambda fit: fit.need.round.value)
    amount_cny = ma.fields.Function(lambda fit: fit.need.amount_cny)
    score = ma.fields.Float()
    reasons = ma.fields.List(ma.fields.String())


class InvestorListSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(InvestorMatchSchema))


class DealFlowSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(DealFlowItemSchema))


class InterestInSchema(StrictSchema):
    roadshow_id = ma.fields.Integer(load_default=None, allow_none=True, strict=True, validate=ROW_ID, metadata={
        "description": "the roadshow where the fund met the round (its seat and the round's pitch are checked)"})


class InterestMoveSchema(StrictSchema):
    stage = ma.fields.String(required=True, metadata={"enum": InterestStage.values()})
    amount_cny = ma.fields.Integer(load_default=None, allow_none=True, strict=True, metadata={
        "description": "what was invested; required with stage invested"})
    reason = ma.fields.String(load_default=None, allow_none=True, metadata={"description": "why, with passed"})


class InterestSchema(ma.Schema):
    id = ma.fields.Integer()
    equity_need_id = ma.fields.Integer()
    institution_id = ma.fields.Integer()
    stage = Code(InterestStage)
    amount_cny = ma.fields.Integer(allow_none=True)
    pass_reason = ma.fields.String(allow_none=True)
    roadshow_id = ma.fields.Integer(allow_none=True)
    enterprise_name = ma.fields.Function(lambda interest: interest.need.enterprise.name)
    round = ma.fields.Function(lambda interest: interest.need.round.value)
    round_amount_cny = ma.fields.Function(lambda interest: interest.need.amount_cny)
    accepted = ma.fields.Function(lambda interest: interest.accepted_at is not None, metadata={
        "type": "boolean", "description": "the firm showed the fund its contacts"})
    created_at = ma.fields.AwareDateTime()
    moved_at = ma.fields.AwareDateTime()


class RoadshowInSchema(StrictSchema):
    title = ma.fields.String(required=True)
    held_on = ma.fields.Date(required=True)
    industries = ma.fields.List(ma.fields.String(), load_default=list, metadata={
        "items": {"enum": Industry.values()}, "description": "theme industries; empty: any"})
    capacity = ma.fields.Integer(required=True, strict=True)


class RoadshowSchema(ma.Schema):
    id = ma.fields.Integer()
    title = ma.fields.String()
    held_on = ma.fields.Date()
    industries = Codes(Industry)
    capacity = ma.fields.Integer()
    seats_taken = ma.fields.Integer()
    status = Code(RoadshowStatus)


class RoadshowListSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(RoadshowSchema))
    total = ma.fields.Integer()


class RoadshowQuerySchema(ma.Schema):
    status = ma.fields.String(load_default=None, validate=ma.validate.OneOf(RoadshowStatus.values()))


class PitchInSchema(StrictSchema):
    equity_need_id = ma.fields.Integer(required=True, strict=True, validate=ROW_ID)


class PitchSchema(ma.Schema):
    id = ma.fields.Integer()
    roadshow_id = ma.fields.Integer()
    equity_need_id = ma.fields.Integer()
    status = Code(PitchStatus)
    reason = ma.fields.String(allow_none=True)


class PitchDecisionSchema(StrictSchema):
    decision = ma.fields.String(required=True, metadata={"enum": ["accept", "decline"]})
    reason = ma.fields.String(load_default=None, allow_none=True)


class SeatSchema(ma.Schema):
    id = ma.fields.Integer()
    roadshow_id = ma.fields.Integer()
    institution_id = ma.fields.Integer()


# ---------------------------------------------------------------- the equity side in the bureau's statistics

class RoadshowFiguresSchema(ma.Schema):
    held = ma.fields.Integer(metadata={"description": "roadshows held within the period"})
    seats = ma.fields.Integer()
    pitches = ma.fields.Integer()
    pitches_accepted = ma.fields.Integer()
    room_interests = ma.fields.Integer(metadata={"description": "interests recorded from those rooms"})
    room_invested_cny = ma.fields.Integer()


class EquityFiguresSchema(ma.Schema):
    rounds = ma.fields.Integer(metadata={"description": "equity rounds published within the period"})
    deals_invested = ma.fields.Integer()
    raised_cny = ma.fields.Integer(metadata={"description": "invested within the period (by the day it was recorded)"})
    investors = ma.fields.Integer(metadata={"description": "investor profiles published, now"})
    investors_active = ma.fields.Integer(metadata={"description": "funds that moved a deal within the period"})
    roadshows = ma.fields.Nested(RoadshowFiguresSchema)


class EquityMonthSchema(ma.Schema):
    month = ma.fields.String()
    deals_invested = ma.fields.Integer()
    raised_cny = ma.fields.Integer()


class EquityStageRowSchema(ma.Schema):
    round = ma.fields.String()
    label = ma.fields.String()
    rounds = ma.fields.Integer()
    raised_cny = ma.fields.Integer()


class EquityIndustryRowSchema(ma.Schema):
    industry = ma.fields.String()
    label = ma.fields.String()
    rounds = ma.fields.Integer()
    raised_cny = ma.fields.Integer()


class PipelineStageSchema(ma.Schema):
    stage = ma.fields.String()
    label = ma.fields.String()
    interests = ma.fields.Integer()
