"""Policy fulfilment (政策兑现) through the API: policies, a firm's entitlements and claims, the bureau's queue."""
from __future__ import annotations

from flask_smorest import Blueprint

from models import Role

from ..api.access import access
from ..auth.current import current_user
from ..views import writes_on_get
from . import claims, services
from .schemas import (
    PolicyClaimInSchema, PolicyClaimListSchema, PolicyClaimQuerySchema, PolicyClaimSchema, PolicyDecisionSchema, EntitlementListSchema,
    EntitlementSchema, PolicyPaymentSchema, PolicyInSchema, PolicyListSchema, PolicyPatchSchema, PolicySchema,
)

bp = Blueprint("api_policy", __name__, url_prefix="/api/v1", description="Policy fulfilment")


@bp.route("/policies", methods=["GET"])
@bp.response(200, PolicyListSchema)
def list_policies():
    """The policies in force today (anyone may read them)"""
    items = services.get_all()
    return {"items": items, "total": len(items)}


@bp.route("/admin/policies", methods=["POST"])
@access(bp, Role.ADMIN)
@bp.arguments(PolicyInSchema)
@bp.response(201, PolicySchema)
def create_policy(body):
    """Publish a policy: conditions and benefit are checked when saved (unknown fact, operator or benefit: 422)"""
    return services.create(actor=current_user(), values=body)


@bp.route("/admin/policies/<int:policy_id>", methods=["PATCH"])
@access(bp, Role.ADMIN)
@bp.arguments(PolicyPatchSchema)
@bp.response(200, PolicySchema)
@bp.alt_response(404, response="NOT_FOUND")
def update_policy(body, policy_id):
    """Amend a policy (its budget never below what was approved)"""
    return services.update(actor=current_user(), policy_id=policy_id, values=body)


@bp.route("/enterprise/entitlements", methods=["GET"])
@access(bp, Role.ENTERPRISE)
@bp.response(200, EntitlementListSchema)
@writes_on_get  # computed afresh when read: a disbursement shows at once
def list_entitlements():
    """What the firm is entitled to now, computed from what the platform knows (免申即享), and its past claims"""
    return {"items": claims.get_all_for_firm(actor=current_user())}


@bp.route("/entitlements/<int:entitlement_id>/claim", methods=["POST"])
@access(bp, Role.ENTERPRISE)
@bp.arguments(PolicyClaimInSchema)
@bp.response(200, EntitlementSchema)
@bp.alt_response(404, response="NOT_FOUND")
@bp.alt_response(409, response="CONFLICT")
def claim_entitlement(body, entitlement_id):
    """Confirm the payee account: the entitlement is claimed (twice: 409; another firm's: 404)"""
    return claims.claim(actor=current_user(), entitlement_id=entitlement_id, **body)


@bp.route("/admin/claims", methods=["GET"])
@access(bp, Role.ADMIN)
@bp.arguments(PolicyClaimQuerySchema, location="query")
@bp.response(200, PolicyClaimListSchema)
def list_claims(query):
    """The bureau's queue of claims, oldest first; filter by status and policy_id"""
    items = claims.get_claims(actor=current_user(), **query)
    return {"items": items, "total": len(items)}


@bp.route("/admin/claims/<int:claim_id>/decision", methods=["POST"])
@access(bp, Role.ADMIN)
@bp.arguments(PolicyDecisionSchema)
@bp.response(200, PolicyClaimSchema)
@bp.alt_response(404, response="NOT_FOUND")
@bp.alt_response(409, response="CONFLICT")
def decide_claim(body, claim_id):
    """Approve (within the policy's remaining budget, else 409) or reject with a reason"""
    return claims.decide(actor=current_user(), claim_id=claim_id, **body)


@bp.route("/admin/claims/<int:claim_id>/payment", methods=["POST"])
@access(bp, Role.ADMIN)
@bp.arguments(PolicyPaymentSchema)
@bp.response(200, PolicyClaimSchema)
@bp.alt_response(404, response="NOT_FOUND")
@bp.alt_response(409, response="CONFLICT")
def pay_claim(body, claim_id):
    """Record the payment of an approved claim"""
    return claims.pay(actor=current_user(), claim_id=claim_id, **body)
