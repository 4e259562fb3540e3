"""The administrator's API: accounts, the market's figures, the history import, ranker operations and the
audit trail. (Onboarding institutions is the institutions' API; following jobs, the jobs'.)"""
from __future__ import annotations

from flask import url_for
from flask_smorest import Blueprint

from models import Role

from ..api.access import access
from ..auth.current import current_user
from ..jobs.schemas import JobStartedSchema
from ..views import writes_on_get
from . import export, outcomes, stats, trail, unserved, users
from . import ranker as ranker_ops
from .schemas import (
    AccountListSchema, AccountPatchSchema, AccountQuerySchema, AccountSchema, ActivateSchema, AuditListSchema,
    AuditQuerySchema, ImportResultSchema, PeriodQuerySchema, PlanTargetsSchema, RankerStatusSchema,
    StatsQuerySchema, StatsSchema, UnservedSchema, UploadSchema,
)
from .targets import plan_targets

bp = Blueprint("api_admin", __name__, url_prefix="/api/v1/admin", description="Administrator")


@bp.route("/users", methods=["GET"])
@access(bp, Role.ADMIN)
@bp.arguments(AccountQuerySchema, location="query")
@bp.response(200, AccountListSchema)
def list_users(query):
    """Accounts, by id; filters search and role"""
    items, total = users.get_all(search=query["search"], role=query["role"], limit=query["limit"],
                                 offset=query["offset"])
    return {"items": items, "total": total}


@bp.route("/users/<int:user_id>", methods=["PATCH"])
@access(bp, Role.ADMIN)
@bp.arguments(AccountPatchSchema)
@bp.response(200, AccountSchema)
@bp.alt_response(404, response="NOT_FOUND")
@bp.alt_response(409, response="CONFLICT")
def update_user(body, user_id):
    """Disable (every session and token ends at once) or enable an account"""
    return users.set_active(actor=current_user(), user_id=user_id, active=body["is_active"])


def _period(query) -> stats.Period:
    return stats.period(start=query.get("from_"), end=query.get("to"))


@bp.route("/stats", methods=["GET"])
@access(bp, Role.ADMIN)
@bp.arguments(StatsQuerySchema, location="query")
@bp.response(200, StatsSchema)
@bp.alt_response(422, response="UNPROCESSABLE_ENTITY")
def market_stats(query):
    """The market's figures for a period (all time without from/to); sort and dir order by_institution
    as the service ranking"""
    descending = None if query["dir"] is None else query["dir"] == "desc"
    return stats.market(period=_period(query), sort=query["sort"], descending=descending)


@bp.route("/stats.csv", methods=["GET"])
@access(bp, Role.ADMIN)
@writes_on_get
@bp.arguments(PeriodQuerySchema, location="query")
@bp.response(200, description="the same figures as CSV, UTF-8 with a BOM", content_type="text/csv")
def market_stats_csv(query):
    """The market's figures as CSV (Excel opens the Chinese intact)"""
    body, name = export.export(actor=current_user(), period=_period(query))
    return export.csv_response(body, name)


@bp.route("/unserved", methods=["GET"])
@access(bp, Role.ADMIN)
@bp.response(200, UnservedSchema)
def unserved_demand():
    """Open needs no active product fits, and needs with no application after 14 days, by industry and amount"""
    return unserved.report()


@bp.route("/targets", methods=["GET"])
@access(bp, Role.ADMIN)
@bp.response(200, PlanTargetsSchema)
def targets():
    """The 2025 plan's measurable targets beside the platform's actual values"""
    return {"items": plan_targets()}


@bp.route("/outcomes/import", methods=["POST"])
@access(bp, Role.ADMIN)
@bp.arguments(UploadSchema, location="files")
@bp.response(200, ImportResultSchema)
@bp.alt_response(413, response="REQUEST_ENTITY_TOO_LARGE")
@bp.alt_response(422, response="UNPROCESSABLE_ENTITY")
def import_outcomes(files):
    """Import a bank's past decisions (CSV, multipart field file); bad rows are reported by line"""
    return outcomes.import_csv(actor=current_user(), data=files["file"].read())


@bp.route("/ranker", methods=["GET"])
@access(bp, Role.ADMIN)
@bp.response(200, RankerStatusSchema)
def ranker_status():
    """The active model's version, training time, metrics and its baselines' metrics, and the version history"""
    return ranker_ops.status()


@bp.route("/ranker/train", methods=["POST"])
@access(bp, Role.ADMIN)
@bp.response(202, JobStartedSchema, headers={"Location": {"description": "the job to follow",
                                                          "schema": {"type": "string"}}})
@bp.alt_response(409, response="CONFLICT")
def ranker_train():
    """Start a training job on the workers (evaluated on the hold-out, then fitted on every decided
    application); follow it at the Location given"""
    job = ranker_ops.train(actor=current_user())
    return {"job": job}, 202, {"Location": url_for("api_jobs.job", job_id=job.id)}


@bp.route("/ranker/activate", methods=["POST"])
@access(bp, Role.ADMIN)
@bp.arguments(ActivateSchema)
@bp.response(200, RankerStatusSchema)
@bp.alt_response(404, response="NOT_FOUND")
@bp.alt_response(409, response="CONFLICT")
def ranker_activate(body):
    """Make a stored version the active one (rollback)"""
    ranker_ops.activate(actor=current_user(), version=body["version"])
    return ranker_ops.status()


@bp.route("/audit", methods=["GET"])
@access(bp, Role.ADMIN)
@bp.arguments(AuditQuerySchema, location="query")
@bp.response(200, AuditListSchema)
def audit_trail(query):
    """The audit trail, newest first; filters action (or its prefix), actor_id, from, to"""
    items, total = trail.get_all(period=_period(query), actor_id=query["actor_id"], action=query["action"],
                                 limit=query["limit"], offset=query["offset"])
    return {"items": items, "total": total}
