"""Ranker operations for the administrator: status, training with visible progress, rollback.

Training runs inside the request that asked for it (the contract answers when it is done); its
progress goes to a small file in the instance folder, which every worker on the host can read, so
the page can show the steps while the request runs.
"""
from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from pathlib import Path

from flask import current_app

from models import RankerModel, User

from ..errors import Conflict
from ..matching import services as matching_services

# The steps matching.services.train reports, in order; progress is the share of them passed.
STEPS = ("loading", "fitting", "evaluating", "storing")
# A "running" state older than this was left by a worker that died mid-training.
STALE_AFTER_S = 600


def _progress_path() -> Path:
    return Path(current_app.instance_path) / "ranker-progress.json"


def _write_progress(**state) -> None:
    path = _progress_path()
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps(state, ensure_ascii=False))
    os.replace(temporary, path)  # readers see the old or the new state, never half of one


def progress() -> dict:
    try:
        return json.loads(_progress_path().read_text())
    except (FileNotFoundError, json.JSONDecodeError):
        return {"running": False}


def train(*, actor: User | None, echo: Callable[[str], None] = lambda _message: None) -> dict:
    """Train now, unless a training is already running (two at once would race to activate), from the
    page, the API or the command line alike; ``echo`` also hears each step."""
    state = progress()
    if state.get("running") and time.time() - state.get("started", 0) < STALE_AFTER_S:
        raise Conflict(f"已有一次训练正在进行（已 {int(time.time() - state['started'])} 秒），请等它完成")
    started = time.time()

    def report(message: str) -> None:
        step = next((k for k, name in enumerate(STEPS) if message.startswith(name)), 0)
        _write_progress(running=True, started=started, step=step + 1, steps=len(STEPS) + 1, message=message,
                        elapsed=round(time.time() - started, 1))
        echo(message)

    report("loading")
    try:
        result = matching_services.train(actor=actor, progress=report)
    except Exception as error:
        _write_progress(running=False, started=started, failed=str(error)[:300], elapsed=round(time.time() - started, 1))
        raise
    _write_progress(running=False, started=started, step=len(STEPS) + 1, steps=len(STEPS) + 1,
                    message="done", version=result["model_version"], elapsed=round(time.time() - started, 1))
    return result


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
        "history": [_version_dict(row) for row in history],
    }


def activate(*, actor: User, version: str) -> RankerModel:
    return matching_services.activate(actor=actor, version=version)
