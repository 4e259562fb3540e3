"""An application as the API reads and shows it, and an institution's decision and disbursement."""
from __future__ import annotations

import marshmallow as ma

from models import ApplicationStatus, RejectReason, RepaymentMethod

from ..credit import services as credit
from ..schemas import ROW_ID, Code, StrictSchema


class ApplicationCreateSchema(StrictSchema):
    need_id = ma.fields.Integer(required=True, strict=True, validate=ROW_ID)
    product_id = ma.fields.Integer(required=True, strict=True, validate=ROW_ID)
    document_ids = ma.fields.List(ma.fields.Integer(strict=True, validate=ROW_ID), load_default=list,
                                  validate=ma.validate.Length(max=100), metadata={
                                      "description": "the firm's documents the institution may see (a consent "
                                                     "naming them); more can be shared later"})


class ApplicationSchema(ma.Schema):
    """An application, dumped from its row."""

    id = ma.fields.Integer()
    status = Code(ApplicationStatus)
    need_id = ma.fields.Integer()
    product_id = ma.fields.Integer()
    enterprise_id = ma.fields.Integer()
    institution_id = ma.fields.Integer()
    amount_cny = ma.fields.Integer()
    term_months = ma.fields.Integer()
    approved_amount_cny = ma.fields.Integer(allow_none=True)
    rate_pct = ma.fields.Float(allow_none=True)
    approved_term_months = ma.fields.Integer(allow_none=True)
    disbursed_amount_cny = ma.fields.Integer(allow_none=True)
    reject_reason_code = Code(RejectReason, allow_none=True)
    reject_reason = ma.fields.String(allow_none=True)
    created_at = ma.fields.AwareDateTime()
    viewed_at = ma.fields.AwareDateTime(allow_none=True)
    decided_at = ma.fields.AwareDateTime(allow_none=True)
    disbursed_at = ma.fields.AwareDateTime(allow_none=True)
    withdrawn_at = ma.fields.AwareDateTime(allow_none=True)


class ApplicationDetailSchema(ApplicationSchema):
    """One application, with the firm's knowledge-value credit grade and indicative line (what its
    institution weighs beside the application; a list leaves them out)."""

    credit_grade = ma.fields.Method("_grade", allow_none=True)
    indicative_line_cny = ma.fields.Method("_line", allow_none=True)

    def _grade(self, application):
        return credit.standing_of(application.need.enterprise)[0]

    def _line(self, application):
        return credit.standing_of(application.need.enterprise)[1]


class ApplicationListSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(ApplicationSchema))
    total = ma.fields.Integer()


class DecisionSchema(StrictSchema):
    decision = ma.fields.String(required=True, validate=ma.validate.OneOf(["approve", "reject"]))
    approved_amount_cny = ma.fields.Integer(strict=True)
    rate_pct = ma.fields.Float(allow_nan=False)
    term_months = ma.fields.Integer(strict=True)
    reason = ma.fields.String(metadata={"description": "reject: a reason code (insufficient_rating, …) or text"})
    reason_code = ma.fields.String()


class DisbursementSchema(StrictSchema):
    amount_cny = ma.fields.Integer(required=True, strict=True)
    repayment = Code(RepaymentMethod, load_default=None, metadata={
        "description": "how the loan is paid back (default equal_installment)"})
