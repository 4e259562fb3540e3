"""The administrator's API over the market: statistics, history import, ranker operations, audit trail."""
from __future__ import annotations

import marshmallow as ma
from flask import url_for
from flask_smorest import Blueprint
from flask_smorest.fields import Upload

from models import JOB_STATUSES, Role, db

from ..admin import export, outcomes, stats, trail, unserved
from ..admin import ranker as ranker_ops
from ..admin.targets import plan_targets
from ..auth.current import current_user
from ..jobs import services as jobs
from ..views import writes_on_get
from .schemas import ROW_ID, ListQuerySchema
from .access import access

bp = Blueprint("api_admin_market", __name__, url_prefix="/api/v1/admin", description="Administrator: the market")


class PeriodQuerySchema(ma.Schema):
    # Strings, so the service names a bad date in the contract's error shape (fields.from / fields.to).
    from_ = ma.fields.String(data_key="from", load_default=None, metadata={"format": "date"})
    to = ma.fields.String(load_default=None, metadata={"format": "date"})


class AuditQuerySchema(ListQuerySchema, PeriodQuerySchema):
    action = ma.fields.String(load_default=None, metadata={"description": "a dotted code, or its prefix (auth)"})
    actor_id = ma.fields.Integer(load_default=None, validate=ROW_ID)


class FigureRowSchema(ma.Schema):
    applications = ma.fields.Integer()
    approved = ma.fields.Integer()
    rejected = ma.fields.Integer()
    disbursed = ma.fields.Integer()
    disbursed_amount_cny = ma.fields.Integer()
    approval_rate = ma.fields.Float(allow_none=True)


class KindRowSchema(FigureRowSchema):
    kind = ma.fields.String()
    label = ma.fields.String()
    products = ma.fields.Integer()


class IndustryRowSchema(FigureRowSchema):
    industry = ma.fields.String()
    label = ma.fields.String()
    enterprises = ma.fields.Integer()
    needs = ma.fields.Integer()


class InstitutionRowSchema(FigureRowSchema):
    institution_id = ma.fields.Integer()
    name = ma.fields.String()
    kind = ma.fields.String()
    kind_label = ma.fields.String()
    products = ma.fields.Integer()
    service_target_days = ma.fields.Integer()
    decided = ma.fields.Integer()
    within_target = ma.fields.Integer()
    within_target_share = ma.fields.Float(allow_none=True)
    median_response_hours = ma.fields.Float(allow_none=True)
    p90_response_hours = ma.fields.Float(allow_none=True)


class MonthRowSchema(ma.Schema):
    month = ma.fields.String(metadata={"description": "YYYY-MM, China Standard Time"})
    needs = ma.fields.Integer()
    applications = ma.fields.Integer()
    approved = ma.fields.Integer()
    rejected = ma.fields.Integer()
    disbursed_amount_cny = ma.fields.Integer()


class StatsSchema(FigureRowSchema):
    enterprises = ma.fields.Integer()
    institutions = ma.fields.Integer()
    products = ma.fields.Integer()
    needs = ma.fields.Integer()
    median_response_hours = ma.fields.Float(allow_none=True)
    by_kind = ma.fields.List(ma.fields.Nested(KindRowSchema))
    by_industry = ma.fields.List(ma.fields.Nested(IndustryRowSchema))
    by_institution = ma.fields.List(ma.fields.Nested(InstitutionRowSchema))
    monthly = ma.fields.List(ma.fields.Nested(MonthRowSchema))
    period = ma.fields.Dict()


class UploadSchema(ma.Schema):
    file = Upload(required=True)


class RejectedRowSchema(ma.Schema):
    line = ma.fields.Integer()
    error = ma.fields.String()


class ImportResultSchema(ma.Schema):
    imported = ma.fields.Integer()
    rejected_rows = ma.fields.List(ma.fields.Nested(RejectedRowSchema))


class RankerVersionSchema(ma.Schema):
    version = ma.fields.String()
    created_at = ma.fields.DateTime()
    activated_at = ma.fields.DateTime(allow_none=True)
    is_active = ma.fields.Boolean()
    trained_rows = ma.fields.Integer()
    sklearn_version = ma.fields.String()
    metrics = ma.fields.Dict()
    baseline_metrics = ma.fields.Dict()


class RankerStatusSchema(ma.Schema):
    model_version = ma.fields.String(metadata={"description": "\"rules\" when no model is active"})
    trained_at = ma.fields.DateTime(allow_none=True)
    activated_at = ma.fields.DateTime(allow_none=True)
    trained_rows = ma.fields.Integer(allow_none=True)
    metrics = ma.fields.Dict(allow_none=True)
    baseline_metrics = ma.fields.Dict(allow_none=True)
    history = ma.fields.List(ma.fields.Nested(RankerVersionSchema))


class JobSchema(ma.Schema):
    id = ma.fields.Integer()
    kind = ma.fields.String()
    status = ma.fields.String(metadata={"enum": list(JOB_STATUSES)})
    progress = ma.fields.Float(metadata={"minimum": 0, "maximum": 1})
    message = ma.fields.String(allow_none=True, metadata={"description": "the step running now"})
    created_at = ma.fields.AwareDateTime()
    started_at = ma.fields.AwareDateTime(allow_none=True)
    finished_at = ma.fields.AwareDateTime(allow_none=True)
    attempts = ma.fields.Integer(metadata={"description": "workers that took the job (more than one: one died)"})
    result = ma.fields.Dict(allow_none=True, metadata={
        "description": "ranker.train: model_version, activated, metrics, baselines, trained_rows"})
    error = ma.fields.String(allow_none=True)


class JobStartedSchema(ma.Schema):
    job = ma.fields.Nested(JobSchema)


class JobListSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(JobSchema))
    total = ma.fields.Integer()


class JobQuerySchema(ListQuerySchema):
    kind = ma.fields.String(load_default=None, metadata={"description": "ranker.train, …"})


class ActivateSchema(ma.Schema):
    version = ma.fields.String(required=True)


class AuditItemSchema(ma.Schema):
    id = ma.fields.Integer()
    at = ma.fields.DateTime()
    actor_id = ma.fields.Integer(allow_none=True)
    actor_email = ma.fields.String(allow_none=True)
    action = ma.fields.String()
    target_type = ma.fields.String(allow_none=True)
    target_id = ma.fields.Integer(allow_none=True)
    ip = ma.fields.String(allow_none=True)
    request_id = ma.fields.String(allow_none=True)
    detail = ma.fields.Dict()


class AuditListSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(AuditItemSchema))
    total = ma.fields.Integer()


def _period(query) -> stats.Period:
    return stats.period(start=query.get("from_"), end=query.get("to"))


@bp.route("/stats", methods=["GET"])
@access(bp, Role.ADMIN)
@bp.arguments(PeriodQuerySchema, location="query")
@bp.response(200, StatsSchema)
@bp.alt_response(422, response="UNPROCESSABLE_ENTITY")
def market_stats(query):
    """The market's figures for a period (all time without from/to)"""
    return stats.market(period=_period(query))


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
@bp.response(200, ma.Schema.from_dict({"without_product": ma.fields.List(ma.fields.Dict()),
                                       "without_application": ma.fields.List(ma.fields.Dict()),
                                       "bands": ma.fields.List(ma.fields.String()),
                                       "stale_days": ma.fields.Integer()}, name="Unserved"))
def unserved_demand():
    """Open needs no active product fits, and needs with no application after 14 days, by industry and amount"""
    return unserved.report()


@bp.route("/targets", methods=["GET"])
@access(bp, Role.ADMIN)
@bp.response(200, ma.Schema.from_dict({"items": ma.fields.List(ma.fields.Dict())}, name="PlanTargets"))
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
    result = outcomes.import_csv(actor=current_user(), data=files["file"].read())
    return result


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
    return {"job": jobs.as_dict(job)}, 202, {"Location": url_for("api_admin_market.job", job_id=job.id)}


@bp.route("/jobs", methods=["GET"])
@access(bp, Role.ADMIN)
@bp.arguments(JobQuerySchema, location="query")
@bp.response(200, JobListSchema)
def job_list(query):
    """Jobs, newest first; filter kind"""
    items, total = jobs.get_all(kind=query["kind"], limit=query["limit"], offset=query["offset"])
    return {"items": [jobs.as_dict(job) for job in items], "total": total}


@bp.route("/jobs/<int:job_id>", methods=["GET"])
@access(bp, Role.ADMIN)
@bp.response(200, JobSchema)
@bp.alt_response(404, response="NOT_FOUND")
def job(job_id):
    """A job's status, progress (0..1), times, and its result or error once finished"""
    return jobs.as_dict(jobs.get_or_404(job_id=job_id))


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

