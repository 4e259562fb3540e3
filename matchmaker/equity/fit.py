"""Two-way equity matching with reasons: investors ranked for a firm's round, rounds ranked for a fund (its deal
flow). The rules read the fund's profile first (stage, industry, ticket, the round against the fund's size:
``EQUITY_POINTS``); once the deal pipeline has taught something (``ranking.equity_fit``, learned with each
ranker training), its estimate of reaching due diligence weighs ``EQUITY_LEARNED_WEIGHT`` of the score and is
said as a reason too."""
from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field

import numpy as np
import sqlalchemy as sa
from flask import current_app

from models import (
    Enterprise, EquityInterest, EquityNeed, EquityNeedStatus, EquityStage, InterestStage, InterestStep, InvestorProfile,
    RankerModel, User, db, now_utc,
)

from ..credit import services as credit
from ..ranking.equity_fit import EquityFit, pair_features
from ..ranking.eligibility import wan
from ..wording import N_
from . import services

STAGES = EquityStage.values()
GRADE_ORDINAL = {"A": 5, "B": 4, "C": 3, "D": 2, "E": 1, None: 0}


@dataclass
class Fit:
    profile: InvestorProfile
    need: EquityNeed
    rule: float
    reasons: list[str] = field(default_factory=list)
    learned: float | None = None

    @property
    def score(self) -> float:
        if self.learned is None:
            return round(self.rule, 4)
        weight = current_app.config["EQUITY_LEARNED_WEIGHT"]
        return round((1 - weight) * self.rule + weight * self.learned, 4)


def stage_gap(profile: InvestorProfile, round_code: str) -> int:
    """How many rounds away the round is from the nearest stage the fund names (0: one it names)."""
    at = STAGES.index(round_code)
    return min((abs(at - STAGES.index(s)) for s in profile.stages), default=len(STAGES))


def judge(profile: InvestorProfile, need: EquityNeed) -> Fit:
    """The rules' score in [0, 1] and their reasons, from the fund's profile and the round."""
    points, stretch = current_app.config["EQUITY_POINTS"], current_app.config["EQUITY_TICKET_STRETCH"]
    reasons, got = [], 0
    gap, round_label = stage_gap(profile, need.round.value), need.round.label
    if gap == 0:
        got += points["stage"]
        reasons.append(N_("投资阶段包含%(value)s", value=round_label))
    elif gap == 1:
        got += points["stage_adjacent"]
        reasons.append(N_("投资阶段与%(value)s相邻", value=round_label))
    else:
        reasons.append(N_("投资阶段不含%(value)s", value=round_label))
    industry = need.enterprise.industry
    if not profile.industries:
        got += points["industry_any"]
        reasons.append("不限行业")
    elif industry.value in profile.industries:
        got += points["industry"]
        reasons.append(N_("关注%(value)s行业", value=industry.label))
    else:
        reasons.append(N_("不关注%(value)s行业", value=industry.label))
    amount, low, high = need.amount_cny, profile.min_ticket_cny, profile.max_ticket_cny
    span = N_("%(wan)s–%(wan_high)s 万元", wan=wan(low), wan_high=wan(high))
    if low <= amount <= high:
        got += points["ticket"]
        reasons.append(N_("本轮金额在单笔投资区间 %(value)s 内", value=span))
    elif low / stretch <= amount <= high * stretch:
        got += points["ticket_near"]
        reasons.append(N_("本轮金额接近单笔投资区间 %(value)s", value=span))
    else:
        reasons.append(N_("本轮金额不在单笔投资区间 %(value)s 内", value=span))
    share = 100 * amount / profile.fund_size_cny
    if share <= current_app.config["EQUITY_FUND_SHARE_MAX_PCT"]:
        got += points["fund_size"]
    else:
        reasons.append(N_("本轮金额占基金规模的 %(value)s%%，偏大", value=f"{share:.0f}"))
    best = points["stage"] + points["industry"] + points["ticket"] + points["fund_size"]
    return Fit(profile=profile, need=need, rule=got / best, reasons=reasons)


def features(fits: list[Fit], *, grades: dict[int, str | None]) -> np.ndarray:
    firms = [f.need.enterprise for f in fits]
    return pair_features(
        rule_score=[f.rule for f in fits], stage_gap=[stage_gap(f.profile, f.need.round.value) for f in fits],
        industry_match=[f.need.enterprise.industry.value in f.profile.industries for f in fits],
        industry_any=[not f.profile.industries for f in fits], amount=[f.need.amount_cny for f in fits],
        min_ticket=[f.profile.min_ticket_cny for f in fits], max_ticket=[f.profile.max_ticket_cny for f in fits],
        fund_size=[f.profile.fund_size_cny for f in fits], valuation=[f.need.pre_money_valuation_cny for f in fits],
        ip_count=[e.ip_count for e in firms], revenue=[e.annual_revenue_cny for e in firms],
        kv_grade=[GRADE_ORDINAL.get(grades.get(e.id)) for e in firms],
        years=[e.years_in_business(f.need.created_at.date()) for e, f in zip(firms, fits)])


def grades_of(needs) -> dict[int, str | None]:
    rules = credit.table()
    return {n.enterprise_id: credit.standing_of(n.enterprise, rules)[0] for n in needs}


def learned_model() -> EquityFit | None:
    stored = db.session.scalar(sa.select(RankerModel.equity_fit).where(RankerModel.is_active.is_(True)))
    if not stored or not stored.get("model"):
        return None
    try:
        return EquityFit.from_dict(stored["model"])
    except (KeyError, ValueError, TypeError):
        current_app.logger.error("stored equity fit refused")
        return None


def rank(fits: list[Fit]) -> list[Fit]:
    """Add what the pipeline taught, where it has, and sort best first (equal scores by id)."""
    model = learned_model() if fits else None
    if model is not None:
        p = model.progress_probability(features(fits, grades=grades_of({f.need for f in fits})))
        for fit, chance in zip(fits, p):
            fit.learned = float(chance)
            fit.reasons.append(N_("平台上相似的意向约 %(value)s%% 进入了尽职调查", value=f"{100 * chance:.0f}"))
    return sorted(fits, key=lambda f: (-f.score, f.profile.institution_id, f.need.id))


def investors_for(*, actor: User, need_id: int, limit: int = 10) -> list[Fit]:
    """The funds with a profile, ranked for the firm's own round (another firm's: 404)."""
    need = services.get_need(actor=actor, need_id=need_id)
    profiles = db.session.scalars(sa.select(InvestorProfile)).all()
    return rank([judge(p, need) for p in profiles])[:limit]


def deal_flow(*, actor: User, limit: int = 10) -> list[Fit]:
    """Open rounds of firms that agreed to be shown, ranked for the fund's profile; rounds it already follows are
    in its pipeline instead. A fund without a profile, or one that takes no deal flow, gets none."""
    profile = services.get_or_none(actor=actor)
    if profile is None or not profile.accepts_deal_flow:
        return []
    followed = sa.select(EquityInterest.equity_need_id).where(EquityInterest.institution_id == profile.institution_id)
    needs = db.session.scalars(sa.select(EquityNeed).join(Enterprise, Enterprise.id == EquityNeed.enterprise_id).where(
        EquityNeed.status == EquityNeedStatus.OPEN, Enterprise.share_in_leads.is_(True),
        EquityNeed.id.not_in(followed))).all()
    return rank([judge(profile, n) for n in needs])[:limit]


# ---------------------------------------------------------------- learning from the pipeline

PROGRESSED = (InterestStage.DUE_DILIGENCE, InterestStage.TERM_SHEET, InterestStage.INVESTED)


def training_rows() -> tuple[list[Fit], np.ndarray]:
    """Every interest whose outcome is known, with the fund's profile, labelled by whether it reached due
    diligence. An interest still open and younger than EQUITY_FIT_SETTLED_DAYS has not had its chance yet: counted
    as a failure it would teach that recent rounds do worse, so it waits."""
    reached = set(db.session.scalars(sa.select(InterestStep.interest_id).where(InterestStep.stage.in_(PROGRESSED))))
    settled = now_utc() - dt.timedelta(days=current_app.config["EQUITY_FIT_SETTLED_DAYS"])
    rows = [(interest, profile) for interest, profile in db.session.execute(
        sa.select(EquityInterest, InvestorProfile).join(
            InvestorProfile, InvestorProfile.institution_id == EquityInterest.institution_id)
        .order_by(EquityInterest.created_at, EquityInterest.id)).all()
        if interest.id in reached or interest.stage in (InterestStage.PASSED, InterestStage.INVESTED)
        or interest.created_at < settled]
    fits = [judge(profile, interest.need) for interest, profile in rows]
    return fits, np.array([interest.id in reached for interest, _ in rows], dtype=int)


def train() -> dict | None:
    """Learn from the pipeline when it holds enough, judged on the latest fifth held out against the rules' own
    score; the model is kept (and read by ``rank``) only when it beats them there, its figures in any case.
    → what the ranker row stores, or None when there was too little to learn from."""
    from sklearn.metrics import roc_auc_score  # noqa: PLC0415  (only training needs it)
    config = current_app.config
    fits, y = training_rows()
    if len(y) < config["EQUITY_FIT_MIN_INTERESTS"] or y.sum() < config["EQUITY_FIT_MIN_PROGRESSED"]:
        return None
    X = features(fits, grades=grades_of({f.need for f in fits}))
    cut = math.floor(len(y) * 0.8)
    metrics = {"trained_rows": int(len(y)), "progressed": int(y.sum()), "holdout_rows": int(len(y) - cut),
               "holdout_progressed": int(y[cut:].sum()), "used": False}
    if not (0 < y[cut:].sum() < len(y) - cut and 0 < y[:cut].sum() < cut):
        return {"model": None, "metrics": metrics}
    model = EquityFit().fit(X[:cut], y[:cut])
    metrics["auc"] = round(float(roc_auc_score(y[cut:], model.progress_probability(X[cut:]))), 4)
    metrics["rules_auc"] = round(float(roc_auc_score(y[cut:], [f.rule for f in fits[cut:]])), 4)
    metrics["used"] = metrics["auc"] > metrics["rules_auc"]
    final = EquityFit().fit(X, y) if metrics["used"] else None
    return {"model": final.to_dict() if final else None, "metrics": metrics}
