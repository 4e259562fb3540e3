"""The administrator's API: onboarding institutions and their officers, and accounts."""
from __future__ import annotations

import marshmallow as ma
from flask_smorest import Blueprint

from models import InstitutionKind, Role, db

from ..auth.current import current_user
from ..admin import users
from ..institution import services as institution_services
from .schemas import ListQuerySchema, StrictSchema, UserSchema, user_dict
from .access import access

bp = Blueprint("api_admin", __name__, url_prefix="/api/v1/admin", description="Administrator")


class NewInstitutionSchema(StrictSchema):
    name = ma.fields.String(required=True)
    kind = ma.fields.String(required=True, metadata={"enum": InstitutionKind.values()})
    officer_email = ma.fields.String(required=True)
    officer_password = ma.fields.String(required=True, load_only=True)
    service_target_days = ma.fields.Integer(load_default=3, strict=True,
                                            metadata={"description": "working days to answer an application"})


class NewOfficerSchema(StrictSchema):
    officer_email = ma.fields.String(required=True)
    officer_password = ma.fields.String(required=True, load_only=True)


class InstitutionSchema(ma.Schema):
    id = ma.fields.Integer()
    name = ma.fields.String()
    kind = ma.fields.String(metadata={"enum": InstitutionKind.values()})
    service_target_days = ma.fields.Integer()


class OnboardedSchema(ma.Schema):
    institution = ma.fields.Nested(InstitutionSchema)
    user = ma.fields.Nested(UserSchema)


@bp.route("/institutions", methods=["POST"])
@access(bp, Role.ADMIN)
@bp.arguments(NewInstitutionSchema)
@bp.response(201, OnboardedSchema)
@bp.alt_response(409, response="CONFLICT")
def create_institution(body):
    """Onboard a financial institution with its first officer"""
    actor = current_user()
    institution, officer = institution_services.create_with_officer(actor=actor, **body)
    return {"institution": institution_services.as_dict(institution), "user": user_dict(officer)}


@bp.route("/institutions/<int:institution_id>/officers", methods=["POST"])
@access(bp, Role.ADMIN)
@bp.arguments(NewOfficerSchema)
@bp.response(201, UserSchema)
@bp.alt_response(404, response="NOT_FOUND")
@bp.alt_response(409, response="CONFLICT")
def add_officer(body, institution_id):
    """Add another officer account to an institution"""
    officer = institution_services.add_officer(actor=current_user(), institution_id=institution_id, **body)
    return user_dict(officer)


class AccountSchema(UserSchema):
    is_active = ma.fields.Boolean()
    last_login_at = ma.fields.AwareDateTime(allow_none=True)


class AccountListSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(AccountSchema))
    total = ma.fields.Integer()


class AccountQuerySchema(ListQuerySchema):
    search = ma.fields.String(load_default=None, metadata={"description": "part of the email, firm or institution name"})
    role = ma.fields.String(load_default=None, metadata={"enum": Role.values()})


class AccountPatchSchema(StrictSchema):
    is_active = ma.fields.Boolean(required=True)


def _account(user) -> dict:
    return {**user_dict(user), "is_active": user.is_active, "last_login_at": user.last_login_at}


@bp.route("/users", methods=["GET"])
@access(bp, Role.ADMIN)
@bp.arguments(AccountQuerySchema, location="query")
@bp.response(200, AccountListSchema)
def list_users(query):
    """Accounts, by id; filters search and role"""
    items, total = users.get_all(search=query["search"], role=query["role"], limit=query["limit"],
                                 offset=query["offset"])
    return {"items": [_account(u) for u in items], "total": total}


@bp.route("/users/<int:user_id>", methods=["PATCH"])
@access(bp, Role.ADMIN)
@bp.arguments(AccountPatchSchema)
@bp.response(200, AccountSchema)
@bp.alt_response(404, response="NOT_FOUND")
@bp.alt_response(409, response="CONFLICT")
def update_user(body, user_id):
    """Disable (every session and token ends at once) or enable an account"""
    user = users.set_active(actor=current_user(), user_id=user_id, active=body["is_active"])
    return _account(user)
