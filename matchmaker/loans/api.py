"""Loans through the API: a bank's loan system reports each loan's life; firms and the bureau read them."""
from __future__ import annotations

from flask_smorest import Blueprint

from models import Role

from ..api.access import access
from ..api.idempotency import DOC as IDEMPOTENCY
from ..api.idempotency import idempotent
from ..auth.current import current_user
from . import fund, services, warnings
from .schemas import (
    ClaimDecisionSchema, ClaimInSchema, ClaimListSchema, ClaimQuerySchema, ClaimSchema, ContributionInSchema,
    ContributionSchema, FundSchema, LoanDetailSchema, LoanListSchema, LoanQuerySchema, OverdueInSchema,
    RecoveryInSchema, RecoverySchema, RepaymentInSchema, RepaymentSchema, WarningActionSchema, WarningListSchema,
    WarningQuerySchema, WarningSchema,
)

bp = Blueprint("api_loans", __name__, url_prefix="/api/v1", description="Loans after disbursement")
ALL_ROLES = (Role.ENTERPRISE, Role.INSTITUTION, Role.ADMIN)


@bp.route("/loans", methods=["GET"])
@access(bp, *ALL_ROLES)
@bp.arguments(LoanQuerySchema, location="query")
@bp.response(200, LoanListSchema)
def list_loans(query):
    """Loans in the caller's scope (a firm its own, a bank those it lent, the bureau all), newest first"""
    items, total = services.get_all(actor=current_user(), **query)
    return {"items": items, "total": total}


@bp.route("/loans/<int:loan_id>", methods=["GET"])
@access(bp, *ALL_ROLES)
@bp.response(200, LoanDetailSchema)
@bp.alt_response(404, response="NOT_FOUND")
def get_loan(loan_id):
    """One loan with its schedule and repayments (outside the caller's scope answers 404)"""
    return services.get(actor=current_user(), loan_id=loan_id)


@bp.route("/loans/<int:loan_id>/repayments", methods=["POST"])
@access(bp, Role.INSTITUTION)
@idempotent
@bp.arguments(RepaymentInSchema)
@bp.response(201, RepaymentSchema)
@bp.alt_response(404, response="NOT_FOUND")
@bp.alt_response(409, response="CONFLICT")
@bp.doc(parameters=[IDEMPOTENCY])
def create_repayment(body, loan_id):
    """Report a repayment (principal beyond what is outstanding, a date before disbursement or ahead: 422)"""
    return services.repay(actor=current_user(), loan_id=loan_id, **body)


@bp.route("/loans/<int:loan_id>/overdue", methods=["POST"])
@access(bp, Role.INSTITUTION)
@idempotent
@bp.arguments(OverdueInSchema)
@bp.response(200, LoanDetailSchema)
@bp.alt_response(404, response="NOT_FOUND")
@bp.alt_response(409, response="CONFLICT")
@bp.doc(parameters=[IDEMPOTENCY])
def report_overdue(body, loan_id):
    """Report principal past due since a date: the loan becomes overdue until it is repaid"""
    return services.overdue(actor=current_user(), loan_id=loan_id, **body)


@bp.route("/loans/<int:loan_id>/compensation-claims", methods=["POST"])
@access(bp, Role.INSTITUTION)
@idempotent
@bp.arguments(ClaimInSchema)
@bp.response(201, ClaimSchema)
@bp.alt_response(404, response="NOT_FOUND")
@bp.alt_response(409, response="CONFLICT")
@bp.doc(parameters=[IDEMPOTENCY])
def create_claim(body, loan_id):
    """Claim on the risk-compensation fund for a covered overdue loan (80 % of the loss, split city 4 : district 6)"""
    return fund.claim(actor=current_user(), loan_id=loan_id, **body)


@bp.route("/loans/<int:loan_id>/recoveries", methods=["POST"])
@access(bp, Role.INSTITUTION)
@idempotent
@bp.arguments(RecoveryInSchema)
@bp.response(201, RecoverySchema)
@bp.alt_response(404, response="NOT_FOUND")
@bp.alt_response(409, response="CONFLICT")
@bp.doc(parameters=[IDEMPOTENCY])
def create_recovery(body, loan_id):
    """Report money recovered on a loan whose claim the fund paid: the fund's share (covered ÷ loss) goes back"""
    return fund.recover(actor=current_user(), loan_id=loan_id, **body)


@bp.route("/admin/compensation-claims", methods=["GET"])
@access(bp, Role.ADMIN)
@bp.arguments(ClaimQuerySchema, location="query")
@bp.response(200, ClaimListSchema)
def list_claims(query):
    """The claims on the fund, oldest first (the bureau's queue)"""
    items = fund.get_claims(actor=current_user(), **query)
    return {"items": items, "total": len(items)}


@bp.route("/admin/compensation-claims/<int:claim_id>/decision", methods=["POST"])
@access(bp, Role.ADMIN)
@bp.arguments(ClaimDecisionSchema)
@bp.response(200, ClaimSchema)
@bp.alt_response(404, response="NOT_FOUND")
@bp.alt_response(409, response="CONFLICT")
def decide_claim(body, claim_id):
    """Approve (the fund pays, the loan is written off; never beyond the balance) or reject with a reason"""
    return fund.decide(actor=current_user(), claim_id=claim_id, **body)


@bp.route("/admin/risk-fund/contributions", methods=["POST"])
@access(bp, Role.ADMIN)
@bp.arguments(ContributionInSchema)
@bp.response(201, ContributionSchema)
def contribute(body):
    """Money paid into the fund by the city and the district"""
    return fund.contribute(actor=current_user(), **body)


@bp.route("/admin/risk-fund", methods=["GET"])
@access(bp, Role.ADMIN)
@bp.response(200, FundSchema)
def get_fund():
    """The fund's balance, what it paid, and per institution its covered principal, losses, loss rate and fuse"""
    return fund.get(actor=current_user())


@bp.route("/risk-warnings", methods=["GET"])
@access(bp, Role.INSTITUTION, Role.ADMIN)
@bp.arguments(WarningQuerySchema, location="query")
@bp.response(200, WarningListSchema)
def list_warnings(query):
    """Risk warnings, worst first: an officer its institution's tasks, the bureau all"""
    items, total = warnings.get_all(actor=current_user(), **query)
    return {"items": items, "total": total}


@bp.route("/risk-warnings/<int:warning_id>/handle", methods=["POST"])
@access(bp, Role.INSTITUTION)
@bp.arguments(WarningActionSchema)
@bp.response(200, WarningSchema)
@bp.alt_response(404, response="NOT_FOUND")
@bp.alt_response(409, response="CONFLICT")
def handle_warning(body, warning_id):
    """Record what was done about a warning (another institution's: 404; handled already: 409)"""
    return warnings.handle(actor=current_user(), warning_id=warning_id, **body)
