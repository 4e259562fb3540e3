"""An account as the API shows it, and the token exchange."""
from __future__ import annotations

import marshmallow as ma

from models import Role

from ..schemas import Code, StrictSchema


class UserSchema(ma.Schema):
    id = ma.fields.Integer()
    email = ma.fields.String()
    role = Code(Role)
    enterprise_id = ma.fields.Integer(allow_none=True)
    institution_id = ma.fields.Integer(allow_none=True)


class TokenRequestSchema(StrictSchema):
    email = ma.fields.String(required=True)
    password = ma.fields.String(required=True, load_only=True)
    otp = ma.fields.String(load_default=None, load_only=True,
                           metadata={"description": "the one-time code (or a recovery code) of an account with "
                                                    "two-factor sign-in"})


class TokenSchema(ma.Schema):
    token = ma.fields.String()
    expires_at = ma.fields.AwareDateTime()
    role = Code(Role)
