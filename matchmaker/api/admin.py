"""The administrator's API: onboarding institutions."""
from __future__ import annotations

import marshmallow as ma
from flask_smorest import Blueprint

from models import InstitutionKind, Role, db

from ..auth.current import api_roles, current_user
from ..institution import services as institution_services
from .schemas import StrictSchema, UserSchema, user_dict

bp = Blueprint("api_admin", __name__, url_prefix="/api/v1/admin", description="Administrator")
BEARER = [{"bearerAuth": []}]


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
@api_roles(Role.ADMIN)
@bp.arguments(NewInstitutionSchema)
@bp.response(201, OnboardedSchema)
@bp.alt_response(401, response="UNAUTHORIZED")
@bp.alt_response(403, response="FORBIDDEN")
@bp.alt_response(409, response="CONFLICT")
@bp.doc(security=BEARER)
def create_institution(body):
    """Onboard a financial institution with its first officer"""
    actor = current_user()
    institution, officer = institution_services.create_with_officer(actor=actor, **body)
    db.session.commit()
    return {"institution": institution_services.as_dict(institution), "user": user_dict(officer)}


@bp.route("/institutions/<int:institution_id>/officers", methods=["POST"])
@api_roles(Role.ADMIN)
@bp.arguments(NewOfficerSchema)
@bp.response(201, UserSchema)
@bp.alt_response(404, response="NOT_FOUND")
@bp.alt_response(409, response="CONFLICT")
@bp.doc(security=BEARER)
def add_officer(body, institution_id):
    """Add another officer account to an institution"""
    officer = institution_services.add_officer(actor=current_user(), institution_id=institution_id, **body)
    db.session.commit()
    return user_dict(officer)
