"""What matching answers through the API: a need's ranked products, a product's leads."""
from __future__ import annotations

import marshmallow as ma

from models import ProductKind

from ..schemas import Code
from .listing import BANDS, SORTS


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
    kind = Code(ProductKind)
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


class LeadQuerySchema(ma.Schema):
    limit = ma.fields.Integer(load_default=10, validate=ma.validate.Range(1, 200))
    order = ma.fields.String(load_default="fit", validate=ma.validate.OneOf(("fit", "expected_loss")), metadata={
        "description": "fit: most likely approved first; expected_loss: lowest expected loss first (where a "
                       "default-risk model was trained; otherwise by fit)"})


class LeadSchema(ma.Schema):
    need_id = ma.fields.Integer()
    enterprise_name = ma.fields.String()
    industry = ma.fields.String()
    amount_cny = ma.fields.Integer()
    score = ma.fields.Float()
    reasons = ma.fields.List(ma.fields.String())
    default_probability = ma.fields.Float(allow_none=True, metadata={
        "description": "estimated chance the loan goes bad (null until enough loans have run to learn it)"})
    expected_loss_cny = ma.fields.Integer(allow_none=True, metadata={
        "description": "default_probability × amount × the share the bank bears (less the fund's cover)"})


class LeadListSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(LeadSchema))
    model_version = ma.fields.String()
    order = ma.fields.String()
