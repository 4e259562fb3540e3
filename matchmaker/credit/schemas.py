"""The knowledge-value credit evaluation as the API shows it (the contract's "Credit service")."""
from __future__ import annotations

import marshmallow as ma

from models import IpKind

from ..schemas import Code, StrictSchema
from . import ip


class IndicatorSchema(ma.Schema):
    code = ma.fields.String()
    label = ma.fields.String()
    value = ma.fields.Float()
    points = ma.fields.Integer()
    max_points = ma.fields.Integer()


class CreditGradeSchema(ma.Schema):
    """Dumped from ``credit.services.Evaluation``; ``grade`` null when the firm does not qualify."""

    grade = ma.fields.String(allow_none=True)
    score = ma.fields.Integer()
    indicative_line_cny = ma.fields.Integer(allow_none=True)
    indicators = ma.fields.List(ma.fields.Nested(IndicatorSchema))
    improvements = ma.fields.Method("sentences", metadata={"description": "what would raise the grade, in sentences"})
    evaluated_at = ma.fields.DateTime()
    pledgeable_ip_value_cny = ma.fields.Integer(metadata={"description": "the IP register's pledgeable value"})

    def sentences(self, evaluation) -> list[str]:
        return [step.sentence for step in evaluation.improvements]


class PledgeValueSchema(ma.Schema):
    low = ma.fields.Integer()
    high = ma.fields.Integer()


class IpAssetInSchema(StrictSchema):
    kind = Code(IpKind, required=True)
    number = ma.fields.String(required=True, metadata={"description": "the grant or registration number"})
    title = ma.fields.String(required=True)
    granted_on = ma.fields.Date(required=True)
    expires_on = ma.fields.Date(required=True)
    pledged = ma.fields.Boolean(load_default=False, metadata={"description": "already pledged or licensed"})


class IpAssetSchema(ma.Schema):
    """An asset of the register, dumped from its row with its indicative pledge value."""

    id = ma.fields.Integer()
    kind = Code(IpKind)
    number = ma.fields.String()
    title = ma.fields.String()
    granted_on = ma.fields.Date()
    expires_on = ma.fields.Date()
    pledged = ma.fields.Boolean()
    pledge_value_cny = ma.fields.Method("_value")

    def _value(self, asset) -> dict:
        return ip.pledge_value(asset, industry=asset.enterprise.industry.value)


class IpAssetListSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(IpAssetSchema))
    total = ma.fields.Integer()
    pledgeable_ip_value_cny = ma.fields.Integer()
