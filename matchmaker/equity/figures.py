"""The equity side as the bureau's statistics read it. Money raised is counted on the day a fund recorded the
investment (its ``invested`` step), rounds on the day they were published, investors as active when they moved a
deal within the period; the pipeline is as it stands now (open deals by stage). Roadshows held in the period: their
pitches, seats and what the room led to (interests recorded from it, and what those invested)."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from models import (
    Enterprise, EquityInterest, EquityNeed, EquityStage, Industry, InterestStage, InterestStep, InvestorProfile,
    PitchStatus, Roadshow, RoadshowPitch, RoadshowStatus, db,
)

from ..sql import local_month


def _within(column, start: dt.datetime | None, end: dt.datetime | None) -> sa.ColumnElement[bool]:
    return sa.and_(column >= start if start else sa.true(), column < end if end else sa.true())


def _invested(start, end):
    """(interest, step) rows of the investments recorded within the period."""
    return (sa.select(EquityInterest, InterestStep.at)
            .join(InterestStep, sa.and_(InterestStep.interest_id == EquityInterest.id,
                                        InterestStep.stage == InterestStage.INVESTED))
            .where(_within(InterestStep.at, start, end)))


def headline(start, end) -> dict:
    invested = _invested(start, end).subquery()
    raised = db.session.execute(sa.select(sa.func.count(), sa.func.coalesce(sa.func.sum(invested.c.amount_cny), 0))
                                .select_from(invested)).one()
    rounds = db.session.scalar(sa.select(sa.func.count(EquityNeed.id)).where(_within(EquityNeed.created_at, start, end)))
    active = db.session.scalar(sa.select(sa.func.count(sa.distinct(EquityInterest.institution_id))).join(
        InterestStep, InterestStep.interest_id == EquityInterest.id).where(_within(InterestStep.at, start, end)))
    return {"rounds": int(rounds), "deals_invested": int(raised[0]), "raised_cny": int(raised[1]),
            "investors": int(db.session.scalar(sa.select(sa.func.count(InvestorProfile.id)))),
            "investors_active": int(active)}


def monthly(start, end) -> list[dict]:
    invested = _invested(start, end).subquery()
    month = local_month(invested.c.at)
    rows = {m: (int(n), int(amount or 0)) for m, n, amount in db.session.execute(
        sa.select(month, sa.func.count(), sa.func.sum(invested.c.amount_cny)).group_by(month)).all()}
    # Every month from the first investment to the last, quiet ones as zeros, so a chart never jumps over them.
    months = []
    if rows:
        year, at = map(int, min(rows).split("-"))
        while (label := f"{year:04d}-{at:02d}") <= max(rows):
            months.append(label)
            year, at = (year + 1, 1) if at == 12 else (year, at + 1)
    return [{"month": m, "deals_invested": rows.get(m, (0, 0))[0], "raised_cny": rows.get(m, (0, 0))[1]}
            for m in months]


def _by(code_column, codes, start, end, key: str) -> list[dict]:
    published = dict(db.session.execute(sa.select(code_column, sa.func.count(EquityNeed.id)).select_from(EquityNeed)
                                        .join(Enterprise, Enterprise.id == EquityNeed.enterprise_id)
                                        .where(_within(EquityNeed.created_at, start, end)).group_by(code_column)).all())
    invested = _invested(start, end).subquery()
    raised = dict(db.session.execute(
        sa.select(code_column, sa.func.sum(invested.c.amount_cny)).select_from(invested)
        .join(EquityNeed, EquityNeed.id == invested.c.equity_need_id)
        .join(Enterprise, Enterprise.id == EquityNeed.enterprise_id).group_by(code_column)).all())
    return [{key: code.value, "label": code.label, "rounds": int(published.get(code, 0)),
             "raised_cny": int(raised.get(code, 0) or 0)} for code in codes if code in published or code in raised]


def pipeline_by_stage() -> list[dict]:
    counts = dict(db.session.execute(sa.select(EquityInterest.stage, sa.func.count()).group_by(EquityInterest.stage)).all())
    return [{"stage": s.value, "label": s.label, "interests": int(counts.get(s, 0))} for s in InterestStage]


def roadshows(first_day: dt.date | None, last_day: dt.date | None) -> dict:
    held = sa.select(Roadshow.id).where(Roadshow.status == RoadshowStatus.HELD,
                                        Roadshow.held_on >= first_day if first_day else sa.true(),
                                        Roadshow.held_on <= last_day if last_day else sa.true())
    pitches = dict(db.session.execute(sa.select(RoadshowPitch.status, sa.func.count())
                                      .where(RoadshowPitch.roadshow_id.in_(held)).group_by(RoadshowPitch.status)).all())
    room = db.session.execute(sa.select(sa.func.count(EquityInterest.id), sa.func.coalesce(sa.func.sum(
        sa.case((EquityInterest.stage == InterestStage.INVESTED, EquityInterest.amount_cny), else_=0)), 0))
        .where(EquityInterest.roadshow_id.in_(held))).one()
    return {"held": int(db.session.scalar(sa.select(sa.func.count()).select_from(held.subquery()))),
            "seats": int(db.session.scalar(sa.select(sa.func.coalesce(sa.func.sum(Roadshow.seats_taken), 0))
                                           .where(Roadshow.id.in_(held)))),
            "pitches": int(sum(pitches.values())), "pitches_accepted": int(pitches.get(PitchStatus.ACCEPTED, 0)),
            "room_interests": int(room[0]), "room_invested_cny": int(room[1])}


def market(*, first_day: dt.date | None = None, last_day: dt.date | None = None,
           start: dt.datetime | None = None, end: dt.datetime | None = None) -> dict:
    """Local days bound the roadshows (the day they were held), instants the rest."""
    return {"equity": {**headline(start, end), "roadshows": roadshows(first_day, last_day)},
            "equity_monthly": monthly(start, end),
            "equity_by_stage": _by(EquityNeed.round, list(EquityStage), start, end, "round"),
            "equity_by_industry": _by(Enterprise.industry, list(Industry), start, end, "industry"),
            "equity_pipeline": pipeline_by_stage()}
