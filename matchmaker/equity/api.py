"""Equity financing through the API: investor profiles, rounds, two-way matching, the deal pipeline, roadshows."""
from __future__ import annotations

from flask_smorest import Blueprint

from models import Role

from ..api.access import access
from ..auth.current import current_user
from . import fit, pipeline, roadshows, services
from .schemas import (
    DealFlowSchema, EquityNeedInSchema, EquityNeedListSchema, EquityNeedSchema, InterestInSchema, InterestMoveSchema,
    InterestSchema, InvestorListSchema, InvestorProfileSchema, LimitQuerySchema, PitchDecisionSchema, PitchInSchema,
    PitchSchema, RoadshowInSchema, RoadshowListSchema, RoadshowQuerySchema, RoadshowSchema, SeatSchema,
)

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


@bp.route("/equity-needs/<int:equity_need_id>/investors", methods=["GET"])
@access(bp, Role.ENTERPRISE)
@bp.arguments(LimitQuerySchema, location="query")
@bp.response(200, InvestorListSchema)
@bp.alt_response(404, response="NOT_FOUND")
def investors(query, equity_need_id):
    """Funds ranked by fit to the firm's own round, with the reasons"""
    return {"items": fit.investors_for(actor=current_user(), need_id=equity_need_id, limit=query["limit"])}


@bp.route("/deal-flow", methods=["GET"])
@access(bp, Role.INSTITUTION)
@bp.arguments(LimitQuerySchema, location="query")
@bp.response(200, DealFlowSchema)
def deal_flow(query):
    """Open rounds of firms that agreed to be shown, ranked by fit to the fund's profile, without contacts
    (fund managers only; none without a profile or when the profile takes no deal flow)"""
    return {"items": fit.deal_flow(actor=current_user(), limit=query["limit"])}


@bp.route("/equity-needs/<int:equity_need_id>/interests", methods=["POST"])
@access(bp, Role.INSTITUTION)
@bp.arguments(InterestInSchema)
@bp.response(201, InterestSchema)
@bp.alt_response(404, response="NOT_FOUND")
@bp.alt_response(409, response="CONFLICT")
def express_interest(body, equity_need_id):
    """The fund's interest in a round it was shown (deal flow, or a roadshow it sat in): stage interested"""
    return pipeline.express(actor=current_user(), need_id=equity_need_id, roadshow_id=body["roadshow_id"])


@bp.route("/interests", methods=["GET"])
@access(bp, Role.INSTITUTION)
@bp.response(200, InterestSchema(many=True))
def list_interests():
    """The fund's deal pipeline: open deals first, the longest untouched first"""
    return pipeline.get_all(actor=current_user())


@bp.route("/interests/<int:interest_id>", methods=["PATCH"])
@access(bp, Role.INSTITUTION)
@bp.arguments(InterestMoveSchema)
@bp.response(200, InterestSchema)
@bp.alt_response(404, response="NOT_FOUND")
@bp.alt_response(409, response="CONFLICT")
def move_interest(body, interest_id):
    """Move a deal to its next stage, or to passed; invested takes amount_cny (any other move: 409)"""
    return pipeline.move(actor=current_user(), interest_id=interest_id, **body)


@bp.route("/roadshows", methods=["GET"])
@bp.arguments(RoadshowQuerySchema, location="query")
@bp.response(200, RoadshowListSchema)
def list_roadshows(query):
    """The zone's roadshows, the latest date first (anyone may read them)"""
    items = roadshows.get_all(status=query["status"])
    return {"items": items, "total": len(items)}


@bp.route("/admin/roadshows", methods=["POST"])
@access(bp, Role.ADMIN)
@bp.arguments(RoadshowInSchema)
@bp.response(201, RoadshowSchema)
def create_roadshow(body):
    """Schedule a roadshow: title, date, theme industries, seats for investors; it opens for applications"""
    return roadshows.create(actor=current_user(), **body)


@bp.route("/admin/roadshows/<int:roadshow_id>/held", methods=["POST"])
@access(bp, Role.ADMIN)
@bp.response(200, RoadshowSchema)
@bp.alt_response(404, response="NOT_FOUND")
@bp.alt_response(409, response="CONFLICT")
def mark_roadshow_held(roadshow_id):
    """The roadshow took place: applications and seats close, funds record interests from the room"""
    return roadshows.mark_held(actor=current_user(), roadshow_id=roadshow_id)


@bp.route("/roadshows/<int:roadshow_id>/pitches", methods=["POST"])
@access(bp, Role.ENTERPRISE)
@bp.arguments(PitchInSchema)
@bp.response(201, PitchSchema)
@bp.alt_response(404, response="NOT_FOUND")
@bp.alt_response(409, response="CONFLICT")
def apply_to_pitch(body, roadshow_id):
    """Apply to pitch one of the firm's open rounds at an open roadshow"""
    return roadshows.pitch(actor=current_user(), roadshow_id=roadshow_id, equity_need_id=body["equity_need_id"])


@bp.route("/admin/pitches/<int:pitch_id>/decision", methods=["POST"])
@access(bp, Role.ADMIN)
@bp.arguments(PitchDecisionSchema)
@bp.response(200, PitchSchema)
@bp.alt_response(404, response="NOT_FOUND")
@bp.alt_response(409, response="CONFLICT")
def decide_pitch(body, pitch_id):
    """Accept or decline a firm's application to pitch (decided already: 409)"""
    return roadshows.decide(actor=current_user(), pitch_id=pitch_id, **body)


@bp.route("/roadshows/<int:roadshow_id>/seats", methods=["POST"])
@access(bp, Role.INSTITUTION)
@bp.response(201, SeatSchema)
@bp.alt_response(404, response="NOT_FOUND")
@bp.alt_response(409, response="CONFLICT")
def reserve_seat(roadshow_id):
    """Reserve the fund's seat (full, closed or reserved already: 409)"""
    return roadshows.reserve(actor=current_user(), roadshow_id=roadshow_id)
