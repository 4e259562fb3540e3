"""Matching: products for a need, leads for a product, training and evaluating the ranker."""
from __future__ import annotations

import collections
import dataclasses
import datetime as dt
from collections.abc import Callable
from typing import NamedTuple

import numpy as np
import sklearn
import sqlalchemy as sa
import sqlalchemy.orm
from flask import current_app

from models import DemoMarket, RankerModel, User, db, now_utc

from .. import audit, scoping
from ..equity import fit as equity_fit
from ..errors import Conflict, InvalidInput, NotFound
from ..ranking import engine, registry, rules, training
from ..ranking.default_risk import FEATURES as DEFAULT_FEATURES
from ..ranking.features import FEATURES
from ..ranking.frames import Needs, Products
from ..wording import N_
from . import data, repayment, scorer

MIN_OUTCOMES = 200  # below this the rules score is more trustworthy than anything learned


PRODUCT_FIELDS = ("product_id", "product_name", "institution_id", "institution_name", "kind", "rate_min_pct",
                  "rate_max_pct")


def _product_rows(products) -> list[dict]:
    """The catalogue's rows as plain dicts, made once per cached catalogue: a pandas row lookup per
    match cost more than the ranking itself."""
    rows = getattr(products, "_rows", None)
    if rows is None:
        rows = products.frame[list(PRODUCT_FIELDS)].to_dict("records")
        products._rows = rows
    return rows


def _match_dict(match: engine.Match, products, needs=None) -> dict:
    product = _product_rows(products)[match.product_row]
    item = {
        "product_id": int(product["product_id"]),
        "product_name": product["product_name"],
        "institution_id": int(product["institution_id"]),
        "institution_name": product["institution_name"],
        "kind": product["kind"],
        "rate_min_pct": float(product["rate_min_pct"]),
        "rate_max_pct": float(product["rate_max_pct"]),
        "score": round(float(np.clip(match.score, 0, 1)), 4),
        "eligible": match.eligible,
        "reasons": match.reasons,
    }
    if needs is not None:
        need = needs.frame.iloc[match.need_row]
        item.update(need_id=int(need["need_id"]), enterprise_name=need["enterprise_name"],
                    industry=need["industry"], amount_cny=int(need["amount_cny"]))
    return item


# Per worker: a need's ranking, kept while nothing it depends on changes (the need, its firm, the
# catalogue entry with its track records, the model, the day). A firm looks at its matches again
# and again; only the first look pays for loading and ranking.
_rankings: collections.OrderedDict = collections.OrderedDict()
RANKINGS_KEPT = 4096


class Ranking(NamedTuple):
    """Every active product ranked for one need, failing ones after the eligible, each with its
    reasons. ``items`` are kept and shared: read them, copy before changing."""

    key: tuple  # what it was computed from: equal keys, equal rankings
    items: list
    model_version: str
    amount_cny: int
    term_months: int


def kept_ranking(*, need_id: int, actor: User | None = None, today: dt.date | None = None) -> Ranking:
    """The need's ranking, from the worker's keep when nothing it depends on changed.

    With ``actor``, a need outside their scope is answered 404 as if absent; the owner and the need's
    terms are read in the same round trip as what the kept ranking depends on, so the API's hot path
    needs no separate load of the need.
    """
    today = today or dt.date.today()
    fresh = data.freshness(need_id=need_id)
    if fresh is None or (actor is not None and not scoping.may_see_need(actor, enterprise_id=fresh.enterprise_id)):
        raise NotFound("融资需求不存在")
    products = data.active_products(fresh.catalogue)
    current = scorer.for_version(fresh.model_version)
    key = need_id, fresh.need, products.generation, current.version, current.stamp, today
    ranking = Ranking(key, [], current.version, fresh.amount_cny, fresh.term_months)
    if (kept := _rankings.get(key)) is not None:
        _rankings.move_to_end(key)
        return ranking._replace(items=kept)
    frame = data.need_frame(where=data.FinancingNeed.id == need_id, at=today)
    if frame.empty:
        raise NotFound("融资需求不存在")
    if len(products) == 0:
        return ranking
    matches = engine.rank_products(current, Needs(frame), 0, products, limit=None, include_ineligible=True)
    items = [_match_dict(m, products) for m in matches]
    _rankings[key] = items
    if len(_rankings) > RANKINGS_KEPT:
        _rankings.popitem(last=False)
    return ranking._replace(items=items)


def products_for_need(*, need_id: int, actor: User | None = None, limit: int | None = 10, include_ineligible: bool = True,
                      today: dt.date | None = None) -> dict:
    """Active products ranked for one need, eligible ones first, each with its reasons (``limit``
    None: all of them; listing.get_all sorts, filters and pages them for the firm)."""
    ranking = kept_ranking(need_id=need_id, actor=actor, today=today)
    items = ranking.items if include_ineligible else [item for item in ranking.items if item["eligible"]]
    return {"items": [dict(item) for item in items[:limit]], "model_version": ranking.model_version}


LEAD_ORDERS = ("fit", "expected_loss")


def needs_for_product(*, product_id: int, limit: int = 10, order: str = "fit", today: dt.date | None = None) -> dict:
    """Leads: open needs of firms that opted in, eligible for this product, best fit first, or lowest expected
    loss first (where a default-risk model was trained); each with its default probability and expected loss."""
    if order not in LEAD_ORDERS:
        raise InvalidInput("排序方式有误", {"order": [N_("可选：%(value)s", value="、".join(LEAD_ORDERS))]})
    products = Products(data.product_frame(active_only=False, product_ids=[product_id]))
    if len(products) == 0:
        raise NotFound("产品不存在")
    frame = data.open_needs_frame(at=today or dt.date.today(), shared_only=True)
    current = scorer.current()
    if frame.empty:
        return {"items": [], "model_version": current.version, "order": order}
    needs = Needs(frame)
    by_loss = order == "expected_loss" and current.default is not None
    matches = engine.rank_needs(current, needs, products, 0, limit=None if by_loss else limit)
    risks = repayment.for_leads(current.default, needs, products, np.array([m.need_row for m in matches], dtype=int),
                                np.array([m.product_row for m in matches], dtype=int))
    leads = list(zip(matches, risks))
    if by_loss:  # a stable sort: equal losses keep the order of fit; only the kept ones are explained
        leads = sorted(leads, key=lambda lead: lead[1]["expected_loss_cny"])[:limit]
    items = [_match_dict(m, products, needs) | risk for m, risk in leads]
    return {"items": items, "model_version": current.version, "order": order}


def demo_truth() -> Callable | None:
    """The approval law's truth when this database holds an untouched seeded demo market."""
    record = db.session.scalar(sa.select(DemoMarket).order_by(DemoMarket.id.desc()))
    if record is None:
        return None
    from seed.truth import approval_truth

    return approval_truth(seed=record.seed, enterprises=record.enterprises, as_of=record.as_of)


def _truth_by_rows(outcomes: training.Outcomes, truth_by_ids: Callable | None):
    if truth_by_ids is None:
        return None
    return lambda i, j: truth_by_ids(outcomes.needs.id[i], outcomes.products.id[j])


def _cold_start(outcomes: training.Outcomes, rows: np.ndarray) -> Callable:
    """What the platform serves without a model, from the same training rows: the products' track
    record (the published rules alone when there are none)."""
    if len(rows) == 0:
        return rules.rules_score
    return rules.TrackRecord().fit(outcomes.features(rows), outcomes.label[rows]).approval_probability


def train(*, actor: User | None = None, progress: Callable[[str], None] = lambda _message: None) -> dict:
    """Fit on the decided applications, evaluate on the same hold-out as the active model, store,
    and activate only if the new model beats the active one (or, with none, the rules score)."""
    trained = fit_and_evaluate(progress=progress)
    progress("storing the model")
    return store(trained, actor=actor)


@dataclasses.dataclass(frozen=True)
class Trained:
    """A model fitted and judged, not yet stored: the reading half of a training, which on SQLite
    runs without holding the write lock for its minutes."""

    model: object
    result: dict
    primary: str
    rival: str
    activate: bool
    trained_rows: int
    training_data_hash: str
    default_model: object = None
    default_metrics: dict | None = None
    equity_fit: dict | None = None


def fit_and_evaluate(*, progress: Callable[[str], None] = lambda _message: None) -> Trained:
    progress("loading decided applications")
    outcomes = data.outcomes()
    if len(outcomes) < MIN_OUTCOMES or len(np.unique(outcomes.label)) < 2:
        raise Conflict(N_("已决策的申请不足 %(value)s 条（现有 %(value2)s 条），继续使用规则评分", value=MIN_OUTCOMES, value2=len(outcomes)))
    train_rows, test_rows = training.holdout_split(outcomes)
    progress(f"fitting on {len(train_rows)} applications, holding out {len(test_rows)}")
    params = current_app.config["RANKER_PARAMS"]
    model = training.fit(outcomes, train_rows, **params)
    strategies = {"model": model.approval_probability, "rules": _cold_start(outcomes, train_rows)}
    active = scorer.current()
    if active.model is not None:
        strategies["active"] = active.model.approval_probability
    progress("evaluating against random order, the rules score" + (", the active model" if active.model else "")
             + " and, on the seeded market, the oracle")
    truth = _truth_by_rows(outcomes, demo_truth())
    result = training.evaluate(outcomes, test_rows, strategies, truth=truth)
    primary = "oracle_ndcg_at_5" if truth is not None else "auc"
    rival = "active" if "active" in result else "rules"
    # The hold-out decided whether it beats the rival; what is stored learns from every outcome, the
    # freshest included.
    progress(f"fitting the model to keep on all {len(outcomes)} decided applications")
    everything = np.arange(len(outcomes))
    kept = training.fit(outcomes, everything, **params)
    progress("learning default risk from the loans that have run long enough")
    default_model, default_metrics = repayment.fit(today=now_utc().date())
    progress("learning from the deal pipeline which interests reach due diligence")
    equity_learned = equity_fit.train()
    return Trained(model=kept, result=result, primary=primary,
                   rival=rival, activate=result["model"][primary] > result[rival][primary],
                   trained_rows=int(len(everything)), training_data_hash=training.training_data_hash(outcomes),
                   default_model=default_model, default_metrics=default_metrics, equity_fit=equity_learned)


def store(trained: Trained, *, actor: User | None) -> dict:
    blob, digest = registry.dumps(trained.model)
    stamp = now_utc()
    result, primary, rival = trained.result, trained.primary, trained.rival
    row = RankerModel(
        version=f"additive-{stamp:%Y%m%d%H%M%S}-{digest[:8]}", blob=blob, sha256=digest,
        sklearn_version=sklearn.__version__, features=list(FEATURES),
        training_data_hash=trained.training_data_hash, trained_rows=trained.trained_rows,
        metrics=_clean(result["model"]),
        baseline_metrics={k: _clean(v) for k, v in result.items() if k != "model"},
        default_metrics=trained.default_metrics, equity_fit=trained.equity_fit,
    )
    if trained.default_model is not None:
        row.default_blob, row.default_sha256 = registry.dumps_default(trained.default_model)
        row.default_features = list(DEFAULT_FEATURES)
    db.session.add(row)
    db.session.flush()
    audit.record("ranker.train", actor_id=actor.id if actor else None, target_type="ranker_model",
                 target_id=row.id, detail={"version": row.version, "primary_metric": primary,
                                           "value": _clean(result["model"][primary]),
                                           "rival": rival, "rival_value": _clean(result[rival][primary])})
    if trained.activate:
        _activate(row, actor=actor)
    return {"model_version": row.version, "activated": bool(trained.activate), "primary_metric": primary,
            "metrics": row.metrics, "baseline_metrics": row.baseline_metrics, "trained_rows": row.trained_rows,
            "default_metrics": row.default_metrics,
            "equity_metrics": trained.equity_fit["metrics"] if trained.equity_fit else None}


def _activate(row: RankerModel, *, actor: User | None) -> None:
    db.session.execute(sa.update(RankerModel).where(RankerModel.is_active).values(is_active=False))
    db.session.flush()
    row.is_active = True
    row.activated_at = now_utc()
    db.session.flush()
    audit.record("ranker.activate", actor_id=actor.id if actor else None, target_type="ranker_model",
                 target_id=row.id, detail={"version": row.version})


def get_all_models() -> list[RankerModel]:
    """The registry, newest first (without the model bytes)."""
    return list(db.session.scalars(
        sa.select(RankerModel).options(sa.orm.defer(RankerModel.blob)).order_by(RankerModel.created_at.desc(),
                                                                              RankerModel.id.desc())))


def activate(*, actor: User, version: str) -> RankerModel:
    """Make an earlier (or any stored) version the active one: the rollback. Every worker picks it up
    on its next request; the bytes are verified before they are trusted."""
    row = db.session.scalar(sa.select(RankerModel).where(RankerModel.version == version))
    if row is None:
        raise NotFound("模型版本不存在")
    if row.is_active:
        raise Conflict("该版本已是当前使用的模型")
    try:
        registry.loads(row.blob, sha256=row.sha256, sklearn_version=row.sklearn_version, features=row.features)
    except registry.UntrustedModel as error:  # a model that cannot be trusted must not become active
        raise Conflict(N_("该版本无法加载，不能启用：%(error)s", error=error)) from None
    _activate(row, actor=actor)
    return row


def evaluate() -> dict:
    """The active scorer (model or rules) on the current hold-out, beside the baselines."""
    outcomes = data.outcomes()
    if len(outcomes) == 0:
        raise Conflict("还没有已决策的申请，无法评估")
    train_rows, test_rows = training.holdout_split(outcomes)
    current = scorer.current()
    strategies = {"rules": _cold_start(outcomes, train_rows)}
    if current.model is not None:
        strategies = {"model": current.model.approval_probability, **strategies}
    truth = _truth_by_rows(outcomes, demo_truth())
    return {"model_version": current.version,
            "metrics": {k: _clean(v) for k, v in training.evaluate(outcomes, test_rows, strategies, truth).items()}}


def _clean(value):
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_clean(v) for v in value]
    if isinstance(value, (float, np.floating)):
        return None if np.isnan(value) else round(float(value), 4)
    if isinstance(value, np.integer):
        return int(value)
    return value


def match_of(*, need_id: int, product_id: int) -> dict | None:
    """The platform's match of one need with one product (score, eligibility, reasons) as the firm's
    matches show it, for the officer deciding on it; None once the product has left the shelf.
    The caller has checked that its actor may see the need."""
    return next((item for item in kept_ranking(need_id=need_id).items if item["product_id"] == product_id), None)
