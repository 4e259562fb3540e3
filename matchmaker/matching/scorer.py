"""The active ranker per worker process: loaded lazily, reloaded when another version is activated."""
from __future__ import annotations

import logging
import threading

import sqlalchemy as sa

from models import RankerModel, db

from ..ranking import registry
from ..ranking.engine import Scorer

log = logging.getLogger(__name__)
_lock = threading.Lock()
_cached: Scorer = Scorer()


def active_version() -> str | None:
    return db.session.scalar(sa.select(RankerModel.version).where(RankerModel.is_active))


def current() -> Scorer:
    """The active model's scorer, or the rules scorer when none is active or it cannot be trusted.

    One small query per call tells whether the process holds the active version; the bytes are read
    and verified only when it changed.
    """
    return for_version(active_version())


def for_version(version: str | None) -> Scorer:
    """The scorer of ``version``, just read as the active one (None: the rules score)."""
    global _cached
    if version is None:
        return Scorer()
    if _cached.version == version:
        return _cached
    with _lock:
        if _cached.version == version:
            return _cached
        row = db.session.scalar(sa.select(RankerModel).where(RankerModel.version == version))
        try:
            model = registry.loads(row.blob, sha256=row.sha256, sklearn_version=row.sklearn_version)
        except registry.UntrustedModel as error:
            log.error("active ranker %s refused, using the rules score: %s", version, error)
            return Scorer()
        _cached = Scorer(model=model, version=version)
        return _cached


def forget() -> None:
    """Drop what this process cached: the model and the catalogue (tests, and after a rollback)."""
    global _cached
    _cached = Scorer()
    from . import data

    data.forget_catalogue()
