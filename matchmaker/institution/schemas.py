"""An institution as the API shows it, and its onboarding by the administrator."""
from __future__ import annotations

import marshmallow as ma

from models import InstitutionKind

from ..auth.schemas import UserSchema
from ..schemas import Code, StrictSchema


class NewInstitutionSchema(StrictSchema):
    name = ma.fields.String(required=True)
    kind = Code(InstitutionKind, required=True)
    officer_email = ma.fields.String(required=True)
    officer_password = ma.fields.String(required=True, load_only=True)
    service_target_days = ma.fields.Integer(load_default=3, strict=True,
                                            metadata={"description": "working days to answer an application"})


class NewOfficerSchema(StrictSchema):
    officer_email = ma.fields.String(required=True)
    officer_password = ma.fields.String(required=True, load_only=True)


class InstitutionSchema(ma.Schema):
    """An institution, dumped from its row."""

    id = ma.fields.Integer()
    name = ma.fields.String()
    kind = Code(InstitutionKind)
    service_target_days = ma.fields.Integer()


class OnboardedSchema(ma.Schema):
    institution = ma.fields.Nested(InstitutionSchema)
    user = ma.fields.Nested(UserSchema)
