"""Jobs through the API: the administrator follows long work (a training, a large import)."""
from __future__ import annotations

from flask_smorest import Blueprint

from models import Role

from ..api.access import access
from . import services
from .schemas import JobListSchema, JobQuerySchema, JobSchema

bp = Blueprint("api_jobs", __name__, url_prefix="/api/v1/admin", description="Administrator: jobs")


@bp.route("/jobs", methods=["GET"])
@access(bp, Role.ADMIN)
@bp.arguments(JobQuerySchema, location="query")
@bp.response(200, JobListSchema)
def job_list(query):
    """Jobs, newest first; filter kind"""
    items, total = services.get_all(kind=query["kind"], limit=query["limit"], offset=query["offset"])
    return {"items": items, "total": total}


@bp.route("/jobs/<int:job_id>", methods=["GET"])
@access(bp, Role.ADMIN)
@bp.response(200, JobSchema)
@bp.alt_response(404, response="NOT_FOUND")
def job(job_id):
    """A job's status, progress (0..1), times, and its result or error once finished"""
    return services.get_or_404(job_id=job_id)
