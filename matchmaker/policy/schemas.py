"""Policies, entitlements and claims as the API reads and shows them."""
from __future__ import annotations

import marshmallow as ma

from models import EntitlementStatus, PolicyKind

from ..schemas import Code, StrictSchema


class PolicyInSchema(StrictSchema):
    name = ma.fields.String(required=True)
    kind = ma.fields.String(required=True, metadata={"enum": PolicyKind.values()})
    summary = ma.fields.String(required=True)
    legal_basis = ma.fields.String(load_default=None, allow_none=True)
    valid_from = ma.fields.Date(required=True)
    valid_to = ma.fields.Date(required=True)
    budget_cny = ma.fields.Integer(required=True, strict=True)
    conditions = ma.fields.Raw(load_default=list, metadata={
        "type": "array", "items": {"type": "object"},
        "description": "[{fact, op, value}]: facts of the firm (enterprise.*) and of its platform loans (loan.*), "
                       "op eq | in | contains | gte | lte; checked when saved, never run as code"})
    benefit = ma.fields.Raw(required=True, metadata={
        "type": "object", "description": "{type: interest_subsidy | guarantee_fee_subsidy | premium_subsidy | "
                                         "fixed_award, …its parameters}"})


class PolicyPatchSchema(StrictSchema):
    """An amendment: only the fields sent change (no defaults filled in)."""
    name = ma.fields.String()
    kind = ma.fields.String(metadata={"enum": PolicyKind.values()})
    summary = ma.fields.String()
    legal_basis = ma.fields.String(allow_none=True)
    valid_from = ma.fields.Date()
    valid_to = ma.fields.Date()
    budget_cny = ma.fields.Integer(strict=True)
    conditions = ma.fields.Raw(metadata={"type": "array", "items": {"type": "object"}})
    benefit = ma.fields.Raw(metadata={"type": "object"})


class PolicySchema(ma.Schema):
    id = ma.fields.Integer()
    name = ma.fields.String()
    kind = Code(PolicyKind)
    summary = ma.fields.String()
    legal_basis = ma.fields.String(allow_none=True)
    conditions = ma.fields.Raw(metadata={"type": "array", "items": {"type": "object"}})
    benefit = ma.fields.Raw(metadata={"type": "object"})
    budget_cny = ma.fields.Integer()
    remaining_cny = ma.fields.Function(lambda policy: policy.budget_cny - policy.used_cny, metadata={"type": "integer"})
    valid_from = ma.fields.Date()
    valid_to = ma.fields.Date()


class PolicyListSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(PolicySchema))
    total = ma.fields.Integer()


class EntitlementSchema(ma.Schema):
    id = ma.fields.Integer()
    policy_id = ma.fields.Integer()
    policy_name = ma.fields.Function(lambda row: row.policy.name)
    period = ma.fields.String()
    amount_cny = ma.fields.Integer()
    basis = ma.fields.List(ma.fields.String())
    status = Code(EntitlementStatus)
    reason = ma.fields.String(allow_none=True)
    paid_on = ma.fields.Date(allow_none=True)


class EntitlementListSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(EntitlementSchema))


class PolicyClaimInSchema(StrictSchema):
    payee_account_name = ma.fields.String(required=True)
    payee_account_no = ma.fields.String(required=True)
    payee_bank = ma.fields.String(required=True)


class PolicyClaimSchema(ma.Schema):
    id = ma.fields.Integer()
    entitlement_id = ma.fields.Function(lambda row: row.id, metadata={"type": "integer", "description": "a claim is its entitlement, claimed"})
    policy_id = ma.fields.Integer()
    enterprise_id = ma.fields.Integer()
    amount_cny = ma.fields.Integer()
    status = Code(EntitlementStatus)
    basis = ma.fields.List(ma.fields.String())
    payee_account_name = ma.fields.String()
    payee_account_no = ma.fields.String()
    payee_bank = ma.fields.String()
    reason = ma.fields.String(allow_none=True)
    paid_on = ma.fields.Date(allow_none=True)


class PolicyClaimListSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(PolicyClaimSchema))
    total = ma.fields.Integer()


class PolicyClaimQuerySchema(ma.Schema):
    status = ma.fields.String(load_default=None, validate=ma.validate.OneOf(EntitlementStatus.values()))
    policy_id = ma.fields.Integer(load_default=None, validate=ma.validate.Range(1, 2**31 - 1))


class PolicyDecisionSchema(StrictSchema):
    decision = ma.fields.String(required=True, metadata={"enum": ["approve", "reject"]})
    reason = ma.fields.String(load_default=None, allow_none=True)


class PolicyPaymentSchema(StrictSchema):
    paid_on = ma.fields.Date(required=True)
