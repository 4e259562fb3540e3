"""Ranker operations for the administrator: status, training on the task workers, rollback.

Training is a job (matchmaker/jobs): the page and the API start it and follow its progress; a worker
runs it, so no web worker waits on it; the command line runs the same job itself.
"""
from __future__ import annotations

import time
from collections.abc import Callable

from models import Job, RankerModel, User, db

from ..jobs import services as jobs
from ..matching import services as matching_services

KIND = "ranker.train"
# The steps matching.services.train reports, by the start of their message, and the share of the
# work done when each begins (fitting twice takes most of the time).
STEPS = (("loading", 0.05), ("fitting on", 0.1), ("evaluating", 0.5), ("fitting the model to keep", 0.6),
         ("learning default risk", 0.85), ("learning from the deal pipeline", 0.9), ("storing", 0.95))


def train(*, actor: User | None) -> Job:
    """Queue a training, unless one is queued or running (two at once would race to activate)."""
    return jobs.create(kind=KIND, actor=actor)


@jobs.handler(KIND, label="训练")
def _run_training(job: Job, report: Callable[[float, str], None]) -> dict:
    def progress(message: str) -> None:
        share = max((share for start, share in STEPS if message.startswith(start)), default=0.0)
        report(share, message)

    started = time.perf_counter()
    actor_id = job.created_by_id
    fitted = matching_services.fit_and_evaluate(progress=progress)
    jobs.begin_writing()
    progress("storing the model")
    actor = db.session.get(User, actor_id) if actor_id else None
    trained = matching_services.store(fitted, actor=actor)
    # The contract's names: the stored model's baselines are "baselines" in a job's result.
    return {"model_version": trained["model_version"], "activated": trained["activated"],
            "primary_metric": trained["primary_metric"], "metrics": trained["metrics"],
            "baselines": trained["baseline_metrics"], "trained_rows": trained["trained_rows"],
            "default_metrics": trained["default_metrics"], "equity_metrics": trained["equity_metrics"], "seconds": round(time.perf_counter() - started, 1)}


def train_here(*, echo: Callable[[str], None] = lambda _message: None) -> Job:
    """The command line's training: the same job, run in this process, its steps echoed."""
    # A training left by a worker that died (a killed make run, say) is run here rather than refused.
    left = jobs.stale(kind=KIND, limit=1)
    job_id = left[0] if left else jobs.create(kind=KIND, actor=None, dispatch=False).id
    db.session.commit()  # nothing held open while the job runs (on SQLite, it would hold the write lock)
    jobs.run(job_id=job_id, on_progress=lambda _share, message: echo(message))
    db.session.expire_all()
    return db.session.get(Job, job_id)



def _version_dict(row: RankerModel) -> dict:
    return {"version": row.version, "created_at": row.created_at, "activated_at": row.activated_at,
            "is_active": row.is_active, "trained_rows": row.trained_rows, "sklearn_version": row.sklearn_version,
            "metrics": row.metrics, "baseline_metrics": row.baseline_metrics}


def status() -> dict:
    history = matching_services.get_all_models()
    active = next((row for row in history if row.is_active), None)
    return {
        "model_version": active.version if active else "rules",
        "trained_at": active.created_at if active else None,
        "activated_at": active.activated_at if active else None,
        "trained_rows": active.trained_rows if active else None,
        "metrics": active.metrics if active else None,
        "baseline_metrics": active.baseline_metrics if active else None,
        "default_metrics": active.default_metrics if active else None,
        "equity_metrics": (active.equity_fit or {}).get("metrics") if active else None,
        "history": [_version_dict(row) for row in history],
    }


def activate(*, actor: User, version: str) -> RankerModel:
    return matching_services.activate(actor=actor, version=version)
