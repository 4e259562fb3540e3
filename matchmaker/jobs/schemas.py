"""A job as the API and the progress bar show it."""
from __future__ import annotations

import marshmallow as ma

from models import JOB_STATUSES

from ..schemas import ListQuerySchema


class JobSchema(ma.Schema):
    """A job, dumped from its row."""

    id = ma.fields.Integer()
    kind = ma.fields.String()
    status = ma.fields.String(metadata={"enum": list(JOB_STATUSES)})
    progress = ma.fields.Function(lambda job: round(job.progress, 3), metadata={"type": "number", "minimum": 0,
                                                                                 "maximum": 1})
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
