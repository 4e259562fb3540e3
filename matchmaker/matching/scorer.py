"""The active ranker per worker process: loaded lazily, reloaded when another version is activated."""
from __future__ import annotations

import logging
import threading
import time

import sqlalchemy as sa
from flask import current_app

from models import Application, Enterprise, Product, RankerModel, db

from ..ranking import registry
from ..ranking.codes import KINDS, RATING_RANK
from ..ranking.engine import Scorer
from ..ranking.rules import TrackRecord
from .data import DECIDED

log = logging.getLogger(__name__)
_lock = threading.Lock()
_cached: Scorer = Scorer()


def active_version() -> str | None:
    return db.session.scalar(sa.select(RankerModel.version).where(RankerModel.is_active))


def current() -> Scorer:
    """The active model's scorer, or the cold start when none is active or it cannot be trusted.

    One small query per call tells whether the process holds the active version; the bytes are read
    and verified only when it changed.
    """
    return for_version(active_version())


_records: dict = {}


def cold_start() -> Scorer:
    """No model active: the products' track record from the decisions so far (rules.TrackRecord),
    refitted from one aggregate when a decision was added, or the published rules before any."""
    kept = _records.get("entry")
    # Checked a moment ago: the match pages of one busy minute need not count every decision each time.
    if kept is not None and kept.stamp[0] == str(db.engine.url) \
            and time.monotonic() - _records["checked"] < current_app.config["COLD_START_KEPT_SECONDS"]:
        return kept
    decided = sa.and_(Application.status.in_(DECIDED), Application.decided_at.is_not(None))
    count, latest = db.session.execute(sa.select(sa.func.count(), sa.func.max(Application.decided_at))
                                       .where(decided)).one()
    stamp = (str(db.engine.url), count, latest)
    _records["checked"] = time.monotonic()
    if kept is not None and kept.stamp == stamp:
        return kept
    record = None
    if count:
        rows = db.session.execute(
            sa.select(Application.product_id, Product.kind, Enterprise.credit_rating, sa.func.count(),
                      sa.func.sum(sa.case((Application.approved_amount_cny.is_not(None), 1), else_=0)))
            .join(Product, Product.id == Application.product_id)
            .join(Enterprise, Enterprise.id == Application.enterprise_id).where(decided)
            .group_by(Application.product_id, Product.kind, Enterprise.credit_rating)).all()
        record = TrackRecord().fit_counts(
            product_ids=[r[0] for r in rows], kinds=[KINDS.index(getattr(r[1], "value", r[1])) for r in rows],
            grades=[RATING_RANK[getattr(r[2], "value", r[2])] for r in rows],
            decided=[r[3] for r in rows], approved=[r[4] for r in rows])
    kept = Scorer(record=record, stamp=stamp)
    _records["entry"] = kept
    return kept


def for_version(version: str | None) -> Scorer:
    """The scorer of ``version``, just read as the active one (None: the cold start)."""
    global _cached
    if version is None:
        return cold_start()
    if _cached.version == version:
        return _cached
    with _lock:
        if _cached.version == version:
            return _cached
        row = db.session.scalar(sa.select(RankerModel).where(RankerModel.version == version))
        try:
            model = registry.loads(row.blob, sha256=row.sha256, sklearn_version=row.sklearn_version,
                                   features=row.features)
        except registry.UntrustedModel as error:
            log.error("active ranker %s refused, using the cold start: %s", version, error)
            return cold_start()
        _cached = Scorer(model=model, version=version, default=_default_of(row))
        return _cached


def _default_of(row: RankerModel):
    """The default-risk model stored with the ranker; none (no estimate shown) when absent or untrusted."""
    if row.default_blob is None:
        return None
    try:
        return registry.loads_default(row.default_blob, sha256=row.default_sha256,
                                      sklearn_version=row.sklearn_version, features=row.default_features)
    except registry.UntrustedModel as error:
        log.error("default-risk model of %s refused: %s", row.version, error)
        return None


def forget() -> None:
    """Drop what this process cached: the model and the catalogue (tests, and after a rollback)."""
    global _cached
    _cached = Scorer()
    _records.clear()
    from . import data

    data.forget_catalogue()
