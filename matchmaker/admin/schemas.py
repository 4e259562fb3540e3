"""What the administrator's API reads and answers: accounts, the market's figures, the history import,
the ranker's versions and the audit trail."""
from __future__ import annotations

import marshmallow as ma
from flask_smorest.fields import Upload

from models import Role

from ..auth.schemas import UserSchema
from ..equity.schemas import (
    EquityFiguresSchema, EquityIndustryRowSchema, EquityMonthSchema, EquityStageRowSchema, PipelineStageSchema,
)
from ..listing.schemas import StageCountSchema
from ..schemas import ROW_ID, Code, ListQuerySchema, StrictSchema
from .stats import RANKING_SORTS


class AccountSchema(UserSchema):
    """An account as the administrator sees it, dumped from its row."""

    is_active = ma.fields.Boolean()
    last_login_at = ma.fields.AwareDateTime(allow_none=True)


class AccountListSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(AccountSchema))
    total = ma.fields.Integer()


class AccountQuerySchema(ListQuerySchema):
    search = ma.fields.String(load_default=None, metadata={"description": "part of the email, firm or institution name"})
    role = Code(Role, load_default=None)


class AccountPatchSchema(StrictSchema):
    is_active = ma.fields.Boolean(required=True)


class PeriodQuerySchema(ma.Schema):
    # Strings, so the service names a bad date in the contract's error shape (fields.from / fields.to).
    from_ = ma.fields.String(data_key="from", load_default=None, metadata={"format": "date"})
    to = ma.fields.String(load_default=None, metadata={"format": "date"})


class StatsQuerySchema(PeriodQuerySchema):
    sort = ma.fields.String(load_default=None, validate=ma.validate.OneOf(RANKING_SORTS), metadata={
        "description": "order by_institution by this figure (the service ranking); default: the largest "
                       "lenders first"})
    dir = ma.fields.String(load_default=None, validate=ma.validate.OneOf(("asc", "desc")), metadata={
        "description": "with sort: desc (default; asc for name); institutions without the figure come last"})


class AuditQuerySchema(ListQuerySchema, PeriodQuerySchema):
    action = ma.fields.String(load_default=None, metadata={"description": "a dotted code, or its prefix (auth)"})
    actor_id = ma.fields.Integer(load_default=None, validate=ROW_ID)


class FigureRowSchema(ma.Schema):
    applications = ma.fields.Integer()
    approved = ma.fields.Integer()
    rejected = ma.fields.Integer()
    disbursed = ma.fields.Integer()
    disbursed_amount_cny = ma.fields.Integer()
    approval_rate = ma.fields.Float(allow_none=True)


class KindRowSchema(FigureRowSchema):
    kind = ma.fields.String()
    label = ma.fields.String()
    products = ma.fields.Integer()


class IndustryRowSchema(FigureRowSchema):
    industry = ma.fields.String()
    label = ma.fields.String()
    enterprises = ma.fields.Integer()
    needs = ma.fields.Integer()


class InstitutionRowSchema(FigureRowSchema):
    institution_id = ma.fields.Integer()
    name = ma.fields.String()
    kind = ma.fields.String()
    kind_label = ma.fields.String()
    products = ma.fields.Integer()
    service_target_days = ma.fields.Integer()
    decided = ma.fields.Integer()
    within_target = ma.fields.Integer()
    within_target_share = ma.fields.Float(allow_none=True)
    median_response_hours = ma.fields.Float(allow_none=True)
    p90_response_hours = ma.fields.Float(allow_none=True)


class MonthRowSchema(ma.Schema):
    month = ma.fields.String(metadata={"description": "YYYY-MM, China Standard Time"})
    needs = ma.fields.Integer()
    applications = ma.fields.Integer()
    approved = ma.fields.Integer()
    rejected = ma.fields.Integer()
    disbursed_amount_cny = ma.fields.Integer()


class GradeRowSchema(ma.Schema):
    grade = ma.fields.String(allow_none=True)
    label = ma.fields.String(metadata={"description": "the grade as people read it, also for the firms not graded"})
    enterprises = ma.fields.Integer()
    indicative_line_cny = ma.fields.Integer()


class IpValueRowSchema(ma.Schema):
    industry = ma.fields.String()
    enterprises = ma.fields.Integer()
    assets = ma.fields.Integer()
    pledgeable_ip_value_cny = ma.fields.Integer()


class LoanFiguresSchema(ma.Schema):
    loans = ma.fields.Integer(metadata={"description": "live loans (current and overdue)"})
    outstanding_cny = ma.fields.Integer()
    overdue_loans = ma.fields.Integer()
    overdue_cny = ma.fields.Integer(metadata={"description": "all that overdue loans still owe (逾期贷款余额)"})
    overdue_ratio = ma.fields.Float(allow_none=True, metadata={"description": "overdue_cny ÷ outstanding_cny"})
    lent_cny = ma.fields.Integer(metadata={"description": "principal lent within the period (disbursement day)"})
    defaulted_cny = ma.fields.Integer(metadata={"description": "of it, lent on loans now overdue or written off"})
    default_rate = ma.fields.Float(allow_none=True, metadata={"description": "defaulted_cny ÷ lent_cny"})


class LoanBookSchema(LoanFiguresSchema):
    written_off = ma.fields.Integer()


class LoanInstitutionRowSchema(LoanFiguresSchema):
    institution_id = ma.fields.Integer()
    institution_name = ma.fields.String()


class LoanKindRowSchema(LoanFiguresSchema):
    kind = ma.fields.String()
    label = ma.fields.String()


class FundFiguresSchema(ma.Schema):
    balance_cny = ma.fields.Integer()
    paid_cny = ma.fields.Integer()
    returned_cny = ma.fields.Integer()
    claims_paid = ma.fields.Integer(metadata={"description": "claims approved and paid within the period"})
    claims_paid_cny = ma.fields.Integer()
    claims_pending = ma.fields.Integer()


class StatsSchema(FigureRowSchema):
    enterprises = ma.fields.Integer()
    institutions = ma.fields.Integer()
    products = ma.fields.Integer()
    needs = ma.fields.Integer()
    median_response_hours = ma.fields.Float(allow_none=True)
    by_kind = ma.fields.List(ma.fields.Nested(KindRowSchema))
    by_industry = ma.fields.List(ma.fields.Nested(IndustryRowSchema))
    by_institution = ma.fields.List(ma.fields.Nested(InstitutionRowSchema))
    monthly = ma.fields.List(ma.fields.Nested(MonthRowSchema))
    period = ma.fields.Dict()
    credit_grades = ma.fields.List(ma.fields.Nested(GradeRowSchema), metadata={
        "description": "firms and indicative lines per knowledge-value grade, now (grade null: not graded)"})
    ip_value_by_industry = ma.fields.List(ma.fields.Nested(IpValueRowSchema))
    loan_book = ma.fields.Nested(LoanBookSchema, metadata={"description": "the loan book now, whatever the period"})
    loans_by_institution = ma.fields.List(ma.fields.Nested(LoanInstitutionRowSchema))
    loans_by_kind = ma.fields.List(ma.fields.Nested(LoanKindRowSchema))
    risk_fund = ma.fields.Nested(FundFiguresSchema)
    equity = ma.fields.Nested(EquityFiguresSchema)
    equity_monthly = ma.fields.List(ma.fields.Nested(EquityMonthSchema))
    equity_by_stage = ma.fields.List(ma.fields.Nested(EquityStageRowSchema))
    equity_by_industry = ma.fields.List(ma.fields.Nested(EquityIndustryRowSchema))
    equity_pipeline = ma.fields.List(ma.fields.Nested(PipelineStageSchema), metadata={
        "description": "the deal pipeline now: interests by stage"})
    listing_by_stage = ma.fields.List(ma.fields.Nested(StageCountSchema), metadata={
        "description": "firms by the listing stage they stand at now"})


class UnservedSchema(ma.Schema):
    without_product = ma.fields.List(ma.fields.Dict())
    without_application = ma.fields.List(ma.fields.Dict())
    bands = ma.fields.List(ma.fields.String())
    stale_days = ma.fields.Integer()


class PlanTargetsSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Dict())


class UploadSchema(ma.Schema):
    file = Upload(required=True)


class RejectedRowSchema(ma.Schema):
    line = ma.fields.Integer()
    error = ma.fields.String()


class ImportResultSchema(ma.Schema):
    imported = ma.fields.Integer()
    rejected_rows = ma.fields.List(ma.fields.Nested(RejectedRowSchema))


class RankerVersionSchema(ma.Schema):
    version = ma.fields.String()
    created_at = ma.fields.DateTime()
    activated_at = ma.fields.DateTime(allow_none=True)
    is_active = ma.fields.Boolean()
    trained_rows = ma.fields.Integer()
    sklearn_version = ma.fields.String()
    metrics = ma.fields.Dict()
    baseline_metrics = ma.fields.Dict()


class RankerStatusSchema(ma.Schema):
    model_version = ma.fields.String(metadata={"description": "\"rules\" when no model is active"})
    trained_at = ma.fields.DateTime(allow_none=True)
    activated_at = ma.fields.DateTime(allow_none=True)
    trained_rows = ma.fields.Integer(allow_none=True)
    metrics = ma.fields.Dict(allow_none=True)
    baseline_metrics = ma.fields.Dict(allow_none=True)
    default_metrics = ma.fields.Dict(allow_none=True, metadata={"description": "the default-risk model trained with it: loans, defaults, base_rate, auc, brier, by_grade (predicted against actual); or why none was"})
    equity_metrics = ma.fields.Dict(allow_none=True, metadata={"description": "what the deal pipeline taught about investors and rounds, stored with it: trained_rows, progressed, and on the latest fifth held out its auc beside the rules' (rules_auc); null until enough interests have moved"})
    history = ma.fields.List(ma.fields.Nested(RankerVersionSchema))


class ActivateSchema(ma.Schema):
    version = ma.fields.String(required=True)


class AuditItemSchema(ma.Schema):
    """An audit event, dumped from its row (its actor's e-mail with it)."""

    id = ma.fields.Integer()
    at = ma.fields.DateTime()
    actor_id = ma.fields.Integer(allow_none=True)
    actor_email = ma.fields.String(allow_none=True)
    action = ma.fields.String()
    target_type = ma.fields.String(allow_none=True)
    target_id = ma.fields.Integer(allow_none=True)
    ip = ma.fields.String(allow_none=True)
    request_id = ma.fields.String(allow_none=True)
    detail = ma.fields.Function(lambda event: event.detail or {}, metadata={"type": "object"})


class AuditListSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(AuditItemSchema))
    total = ma.fields.Integer()
