"""Institutions through the API: the administrator onboards one with its first officer, and adds officers."""
from __future__ import annotations

from flask_smorest import Blueprint

from models import Role

from ..api.access import access
from ..auth.current import current_user
from ..auth.schemas import UserSchema
from . import services
from .schemas import NewInstitutionSchema, NewOfficerSchema, OnboardedSchema

bp = Blueprint("api_institutions", __name__, url_prefix="/api/v1/admin", description="Administrator: institutions")


@bp.route("/institutions", methods=["POST"])
@access(bp, Role.ADMIN)
@bp.arguments(NewInstitutionSchema)
@bp.response(201, OnboardedSchema)
@bp.alt_response(409, response="CONFLICT")
def create_institution(body):
    """Onboard a financial institution with its first officer"""
    institution, officer = services.create_with_officer(actor=current_user(), **body)
    return {"institution": institution, "user": officer}


@bp.route("/institutions/<int:institution_id>/officers", methods=["POST"])
@access(bp, Role.ADMIN)
@bp.arguments(NewOfficerSchema)
@bp.response(201, UserSchema)
@bp.alt_response(404, response="NOT_FOUND")
@bp.alt_response(409, response="CONFLICT")
def add_officer(body, institution_id):
    """Add another officer account to an institution"""
    return services.add_officer(actor=current_user(), institution_id=institution_id, **body)
