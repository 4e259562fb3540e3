"""A loan as the API shows it (dumped from its row), and the bank's reports as the API reads them."""
from __future__ import annotations

import marshmallow as ma

from models import ClaimStatus, LoanStatus, RepaymentMethod, RiskBand, WarningStatus

from ..schemas import Code, ListQuerySchema, StrictSchema
from . import services


class InstalmentSchema(ma.Schema):
    due_on = ma.fields.Date()
    principal_cny = ma.fields.Integer()
    interest_cny = ma.fields.Integer()


class RepaymentSchema(ma.Schema):
    id = ma.fields.Integer()
    loan_id = ma.fields.Integer()
    paid_on = ma.fields.Date()
    principal_cny = ma.fields.Integer()
    interest_cny = ma.fields.Integer()
    created_at = ma.fields.AwareDateTime()


class LoanSchema(ma.Schema):
    id = ma.fields.Integer()
    application_id = ma.fields.Integer()
    enterprise_id = ma.fields.Integer()
    institution_id = ma.fields.Integer()
    product_id = ma.fields.Integer()
    product_name = ma.fields.Function(lambda loan: loan.product.name)
    principal_cny = ma.fields.Integer()
    rate_pct = ma.fields.Float()
    term_months = ma.fields.Integer()
    disbursed_on = ma.fields.Date()
    repayment = Code(RepaymentMethod)
    schedule = ma.fields.Function(lambda loan: InstalmentSchema(many=True).dump(services.instalments(loan)),
                                  metadata={"type": "array", "description": "due_on, principal_cny, interest_cny"})
    outstanding_cny = ma.fields.Integer()
    status = Code(LoanStatus)
    risk_fund_covered = ma.fields.Boolean()
    overdue_since = ma.fields.Date(allow_none=True)
    overdue_principal_cny = ma.fields.Integer()
    days_past_due = ma.fields.Function(lambda loan: services.days_past_due(loan))
    loan_class = ma.fields.Function(lambda loan: services.classify(loan), metadata={
        "enum": list(services.CLASSES), "description": "the five-category class by days past due"})
    next_due = ma.fields.Function(
        lambda loan: InstalmentSchema().dump(due) if (due := services.next_due(loan)) else None,
        metadata={"type": "object", "nullable": True})


class LoanDetailSchema(LoanSchema):
    repayments = ma.fields.List(ma.fields.Nested(RepaymentSchema))


class LoanListSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(LoanSchema))
    total = ma.fields.Integer()


class LoanQuerySchema(ListQuerySchema):
    status = Code(LoanStatus)


class RepaymentInSchema(StrictSchema):
    paid_on = ma.fields.Date(required=True)
    principal_cny = ma.fields.Integer(required=True, strict=True)
    interest_cny = ma.fields.Integer(required=True, strict=True)


class OverdueInSchema(StrictSchema):
    since = ma.fields.Date(required=True)
    overdue_principal_cny = ma.fields.Integer(required=True, strict=True)


class ClaimInSchema(StrictSchema):
    loss_cny = ma.fields.Integer(required=True, strict=True)


class ClaimSchema(ma.Schema):
    id = ma.fields.Integer()
    loan_id = ma.fields.Integer()
    institution_id = ma.fields.Integer()
    loss_cny = ma.fields.Integer()
    covered_cny = ma.fields.Integer()
    city_cny = ma.fields.Integer()
    district_cny = ma.fields.Integer()
    status = Code(ClaimStatus)
    reason = ma.fields.String(allow_none=True)
    created_at = ma.fields.AwareDateTime()
    decided_at = ma.fields.AwareDateTime(allow_none=True)
    recovered_cny = ma.fields.Integer()
    returned_cny = ma.fields.Integer()


class ClaimListSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(ClaimSchema))
    total = ma.fields.Integer()


class ClaimQuerySchema(ma.Schema):
    status = Code(ClaimStatus)


class ClaimDecisionSchema(StrictSchema):
    decision = ma.fields.String(required=True, metadata={"enum": ["approve", "reject"]})
    reason = ma.fields.String(load_default=None)


class ContributionInSchema(StrictSchema):
    city_cny = ma.fields.Integer(required=True, strict=True)
    district_cny = ma.fields.Integer(required=True, strict=True)
    received_on = ma.fields.Date(required=True)


class ContributionSchema(ma.Schema):
    id = ma.fields.Integer()
    city_cny = ma.fields.Integer()
    district_cny = ma.fields.Integer()
    received_on = ma.fields.Date()
    created_at = ma.fields.AwareDateTime()


class InstitutionFundSchema(ma.Schema):
    institution_id = ma.fields.Integer()
    institution_name = ma.fields.String()
    covered_principal_cny = ma.fields.Integer()
    loss_cny = ma.fields.Integer()
    loss_rate = ma.fields.Float()
    warning = ma.fields.Boolean()
    fuse_tripped = ma.fields.Boolean()


class FundSchema(ma.Schema):
    balance_cny = ma.fields.Integer()
    paid_cny = ma.fields.Integer()
    returned_cny = ma.fields.Integer()
    by_institution = ma.fields.List(ma.fields.Nested(InstitutionFundSchema))


class RecoveryInSchema(StrictSchema):
    amount_cny = ma.fields.Integer(required=True, strict=True)
    recovered_on = ma.fields.Date(required=True)


class RecoverySchema(ma.Schema):
    id = ma.fields.Integer()
    claim_id = ma.fields.Integer()
    loan_id = ma.fields.Integer(attribute="claim.loan_id")
    amount_cny = ma.fields.Integer()
    returned_cny = ma.fields.Integer()
    city_cny = ma.fields.Integer()
    district_cny = ma.fields.Integer()
    recovered_on = ma.fields.Date()


class WarningSchema(ma.Schema):
    id = ma.fields.Integer()
    enterprise_id = ma.fields.Integer()
    enterprise_name = ma.fields.String(attribute="enterprise.name")
    institution_id = ma.fields.Integer()
    score = ma.fields.Integer(metadata={"description": "0–100, higher is riskier (RISK_SCORE)"})
    band = Code(RiskBand)
    reasons = ma.fields.List(ma.fields.String())
    status = Code(WarningStatus)
    action = ma.fields.String(allow_none=True)
    handled_at = ma.fields.AwareDateTime(allow_none=True)
    created_at = ma.fields.AwareDateTime()
    updated_at = ma.fields.AwareDateTime()


class WarningListSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(WarningSchema))
    total = ma.fields.Integer()


class WarningQuerySchema(ListQuerySchema):
    status = Code(WarningStatus)
    band = Code(RiskBand)


class WarningActionSchema(StrictSchema):
    action = ma.fields.String(required=True)
