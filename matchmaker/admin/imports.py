"""Large history imports on the task workers: the page hands a file over this size to a job and
follows its progress, so no web worker spends minutes on a bank's export. The API's import stays
synchronous, as the contract says."""
from __future__ import annotations

import uuid
from collections.abc import Callable
from pathlib import Path

from flask import current_app

from models import Job, User, db

from ..jobs import services as jobs
from . import outcomes

KIND = "outcomes.import"


def _folder() -> Path:
    folder = Path(current_app.instance_path) / "imports"
    folder.mkdir(exist_ok=True)
    return folder


def get(*, job_id: int | None) -> Job | None:
    """The import job a page asks after (``?job=``), or None for any other job or none."""
    job = jobs.get(job_id=job_id) if job_id else None
    return job if job is not None and job.kind == KIND else None


def runs_as_job(data: bytes) -> bool:
    return len(data) > current_app.config["HISTORY_IMPORT_INLINE_BYTES"]


def start(*, actor: User, data: bytes, filename: str) -> Job:
    """Queue the import of ``data`` (its header checked now, so a wrong file is told at once)."""
    outcomes.check_header(data)
    name = f"{uuid.uuid4().hex}.csv"
    (_folder() / name).write_bytes(data)
    return jobs.create(kind=KIND, actor=actor, params={"file": name, "filename": (filename or "")[:200],
                                                       "bytes": len(data)})


@jobs.handler(KIND, label="历史数据导入")
def _run_import(job: Job, report: Callable[[float, str], None]) -> dict:
    path = _folder() / job.params["file"]
    data = path.read_bytes()
    lines = max(1, data.count(b"\n"))
    jobs.begin_writing()
    actor = db.session.get(User, job.created_by_id)

    def progress(done: int) -> None:
        # A chunk at a time, so the progress can be written beside it; a retry after a dead worker
        # recognises the rows already imported and counts them as refused duplicates, not twice.
        db.session.commit()
        report(min(done / lines, 0.99), f"imported {done} rows")

    result = outcomes.import_csv(actor=actor, data=data, progress=progress)
    path.unlink(missing_ok=True)
    return {**result, "filename": job.params.get("filename")}
