"""A loan as the API shows it (dumped from its row), and the bank's reports as the API reads them."""
from __future__ import annotations

import marshmallow as ma

from models import LoanStatus, RepaymentMethod

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
