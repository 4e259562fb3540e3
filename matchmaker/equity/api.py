"""Equity financing through the API: a fund manager's investor profile."""
from __future__ import annotations

from flask_smorest import Blueprint

from models import Role

from ..api.access import access
from ..auth.current import current_user
from . import services
from .schemas import EquityNeedInSchema, EquityNeedListSchema, EquityNeedSchema, InvestorProfileSchema

bp = Blueprint("api_equity", __name__, url_prefix="/api/v1", description="Equity financing and roadshows")


@bp.route("/investor-profile", methods=["GET"])
@access(bp, Role.INSTITUTION)
@bp.response(200, InvestorProfileSchema)
@bp.alt_response(404, response="NOT_FOUND")
def get_profile():
    """The fund manager's investor profile (other institutions: 403; none published yet: 404)"""
    return services.get(actor=current_user())


@bp.route("/investor-profile", methods=["PUT"])
@access(bp, Role.INSTITUTION)
@bp.arguments(InvestorProfileSchema)
@bp.response(200, InvestorProfileSchema)
def put_profile(body):
    """Create or replace the fund manager's investor profile"""
    return services.put(actor=current_user(), **body)


@bp.route("/equity-needs", methods=["POST"])
@access(bp, Role.ENTERPRISE)
@bp.arguments(EquityNeedInSchema)
@bp.response(201, EquityNeedSchema)
def create_equity_need(body):
    """Publish an equity round: its stage, amount, pre-money valuation, use of funds and highlights"""
    return services.create_need(actor=current_user(), **body)


@bp.route("/equity-needs", methods=["GET"])
@access(bp, Role.ENTERPRISE)
@bp.response(200, EquityNeedListSchema)
def list_equity_needs():
    """The firm's equity rounds, newest first"""
    items = services.get_needs(actor=current_user())
    return {"items": items, "total": len(items)}


@bp.route("/equity-needs/<int:equity_need_id>", methods=["GET"])
@access(bp, Role.ENTERPRISE)
@bp.response(200, EquityNeedSchema)
@bp.alt_response(404, response="NOT_FOUND")
def get_equity_need(equity_need_id):
    """One of the firm's equity rounds (another firm's: 404)"""
    return services.get_need(actor=current_user(), need_id=equity_need_id)


@bp.route("/equity-needs/<int:equity_need_id>/withdraw", methods=["POST"])
@access(bp, Role.ENTERPRISE)
@bp.response(200, EquityNeedSchema)
@bp.alt_response(404, response="NOT_FOUND")
@bp.alt_response(409, response="CONFLICT")
def withdraw_equity_need(equity_need_id):
    """Withdraw an open round (withdrawn already: 409)"""
    return services.withdraw_need(actor=current_user(), need_id=equity_need_id)
