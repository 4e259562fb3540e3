"""The firm's knowledge-value credit evaluation through the API."""
from __future__ import annotations

from flask_smorest import Blueprint

from models import Role

from ..api.access import access
from ..auth.current import current_user
from . import ip, services
from .schemas import CreditGradeSchema, IpAssetInSchema, IpAssetListSchema, IpAssetSchema

bp = Blueprint("api_credit", __name__, url_prefix="/api/v1", description="Credit service")


@bp.route("/enterprise/credit-grade", methods=["GET"])
@access(bp, Role.ENTERPRISE)
@bp.response(200, CreditGradeSchema)
def credit_grade():
    """The firm's knowledge-value credit grade, its indicative line, points per indicator and what would raise it"""
    return services.get(actor=current_user())


@bp.route("/enterprise/ip-assets", methods=["GET"])
@access(bp, Role.ENTERPRISE)
@bp.response(200, IpAssetListSchema)
def list_ip_assets():
    """The firm's IP register, each asset with its indicative pledge value, and the pledgeable total"""
    actor = current_user()
    items = ip.get_all(actor=actor)
    return {"items": items, "total": len(items), "pledgeable_ip_value_cny": ip.pledgeable_value(actor.enterprise)}


@bp.route("/enterprise/ip-assets", methods=["POST"])
@access(bp, Role.ENTERPRISE)
@bp.arguments(IpAssetInSchema)
@bp.response(201, IpAssetSchema)
@bp.alt_response(409, response="CONFLICT")
def create_ip_asset(body):
    """Register an IP asset (a number once per firm; unexpired, granted by today)"""
    return ip.create(actor=current_user(), **body)


@bp.route("/enterprise/ip-assets/<int:asset_id>", methods=["DELETE"])
@access(bp, Role.ENTERPRISE)
@bp.response(204)
@bp.alt_response(404, response="NOT_FOUND")
def delete_ip_asset(asset_id):
    """Remove an asset from the register"""
    ip.delete(actor=current_user(), asset_id=asset_id)
