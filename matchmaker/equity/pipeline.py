"""The deal pipeline (投资进度): a fund's interest in a round moves interested → meeting → due diligence → term
sheet → invested (with the amount), or to passed from any open stage; every step is dated, told to the firm and
kept for the learner. A fund sees a firm's contacts only once the firm accepts its interest. Stale deals (no step
for ``EQUITY_STALE_DAYS``) are e-mailed to the fund's officers once a day."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from celery import shared_task
from flask import current_app

from models import (
    MAX_MONEY_CNY, Enterprise, EquityInterest, EquityNeed, EquityNeedStatus, InterestStage, InterestStep,
    OutgoingMail, PitchStatus, RoadshowPitch, RoadshowSeat, User, db, now_utc,
)

from .. import audit, mail, notifications, scoping, text
from ..errors import Conflict, InvalidInput, NotFound
from ..wording import N_
from .services import _fund, get_need

ORDER = [InterestStage.INTERESTED, InterestStage.MEETING, InterestStage.DUE_DILIGENCE, InterestStage.TERM_SHEET,
         InterestStage.INVESTED]
ENDED = frozenset({InterestStage.INVESTED, InterestStage.PASSED})
STALE_KIND = "digest.stale_deals"


def next_stages(stage: InterestStage) -> list[InterestStage]:
    """Where an interest may go from ``stage``: the next stage, or passed; nowhere once it has ended."""
    if stage in ENDED:
        return []
    return [ORDER[ORDER.index(stage) + 1], InterestStage.PASSED]


def _visible_round(fund_id: int, need_id, roadshow_id) -> EquityNeed:
    """A round a fund may follow: open, of a firm that agreed to be shown, or pitched in a room it sat in."""
    need = db.session.get(EquityNeed, need_id) if scoping.is_row_id(need_id) else None
    if need is None:
        raise NotFound("股权融资需求不存在")
    if roadshow_id is not None:
        in_room = db.session.scalar(sa.select(sa.func.count()).select_from(RoadshowPitch).join(
            RoadshowSeat, RoadshowSeat.roadshow_id == RoadshowPitch.roadshow_id).where(
            RoadshowPitch.roadshow_id == roadshow_id if scoping.is_row_id(roadshow_id) else sa.false(),
            RoadshowPitch.equity_need_id == need.id, RoadshowPitch.status == PitchStatus.ACCEPTED,
            RoadshowSeat.institution_id == fund_id))
        if not in_room:
            raise InvalidInput("该项目未在贵机构入座的路演上推介", {"roadshow_id": ["该项目未在贵机构入座的路演上推介"]})
    elif not need.enterprise.share_in_leads:
        raise NotFound("股权融资需求不存在")
    if need.status is not EquityNeedStatus.OPEN:
        raise Conflict(N_("该需求%(status)s，不能表达投资意向", status=need.status.label))
    return need


def express(*, actor: User, need_id: int, roadshow_id: int | None = None) -> EquityInterest:
    fund = _fund(actor)
    need = _visible_round(fund.id, need_id, roadshow_id)
    if db.session.scalar(sa.select(EquityInterest.id).where(EquityInterest.equity_need_id == need.id,
                                                            EquityInterest.institution_id == fund.id)):
        raise Conflict("贵机构已对该需求表达过投资意向")
    interest = EquityInterest(equity_need_id=need.id, institution_id=fund.id, stage=InterestStage.INTERESTED,
                              roadshow_id=roadshow_id)
    db.session.add(interest)
    try:
        with db.session.begin_nested():  # two officers of one fund at once: the second is a conflict
            db.session.flush()
    except sa.exc.IntegrityError:
        raise Conflict("贵机构已对该需求表达过投资意向") from None
    _step(interest, InterestStage.INTERESTED, actor)
    audit.record("equity_interest.create", actor_id=actor.id, target_type="equity_interest", target_id=interest.id)
    return interest


def _step(interest: EquityInterest, stage: InterestStage, actor: User) -> None:
    db.session.add(InterestStep(interest_id=interest.id, stage=stage, actor_id=actor.id))
    notifications.notify(enterprise_id=interest.need.enterprise_id, kind="equity.interest",
                         message=N_("%(value)s将投资进度更新为「%(status)s」", value=interest.institution.name,
                                    status=stage.label),
                         link="/enterprise/equity")


def get(*, actor: User, interest_id: int) -> EquityInterest:
    """The fund's own interest; another fund's, or none, answers 404."""
    fund = _fund(actor)
    interest = db.session.get(EquityInterest, interest_id) if scoping.is_row_id(interest_id) else None
    if interest is None or interest.institution_id != fund.id:
        raise NotFound("投资意向不存在")
    return interest


def get_all(*, actor: User) -> list[EquityInterest]:
    """The fund's pipeline: open deals first, the longest untouched first."""
    fund = _fund(actor)
    return list(db.session.scalars(sa.select(EquityInterest).where(EquityInterest.institution_id == fund.id)
                                   .order_by(EquityInterest.stage.in_(ENDED), EquityInterest.moved_at,
                                             EquityInterest.id)))


def move(*, actor: User, interest_id: int, stage: str | None, amount_cny: int | None = None,
         reason: str | None = None) -> EquityInterest:
    interest = get(actor=actor, interest_id=interest_id)
    if stage not in InterestStage.values():
        raise InvalidInput("请选择投资进度", {"stage": ["请选择投资进度"]})
    target = InterestStage(stage)
    if target not in next_stages(interest.stage):
        raise Conflict(N_("投资进度不能从「%(value)s」改为「%(status)s」", value=interest.stage.label,
                          status=target.label))
    values = {"stage": target, "moved_at": now_utc()}
    if target is InterestStage.INVESTED:
        if amount_cny is None or isinstance(amount_cny, bool) or not isinstance(amount_cny, int) \
                or not 0 < amount_cny <= MAX_MONEY_CNY:
            raise InvalidInput("请填写投资金额", {"amount_cny": [N_("投资金额应为大于 0 且不超过 %(value)s 元的整数",
                                                                 value=f"{MAX_MONEY_CNY:,}")]})
        values["amount_cny"] = amount_cny
    if target is InterestStage.PASSED and reason:
        if (problem := text.free_text_problem(reason.strip(), label="放弃原因", high=500)) is not None:
            raise InvalidInput(problem, {"reason": [problem]})
        values["pass_reason"] = reason.strip()
    moved = db.session.execute(sa.update(EquityInterest).where(
        EquityInterest.id == interest.id, EquityInterest.stage == interest.stage).values(**values)
        .execution_options(synchronize_session=False))
    if moved.rowcount != 1:
        raise Conflict("投资进度已被他人更新，请刷新后重试")
    db.session.expire(interest)
    _step(interest, target, actor)
    if target is InterestStage.INVESTED:
        _close_when_raised(interest.need)
    audit.record("equity_interest.move", actor_id=actor.id, target_type="equity_interest", target_id=interest.id,
                 detail={"stage": target.value})
    return interest


def _close_when_raised(need: EquityNeed) -> None:
    raised = db.session.scalar(sa.select(sa.func.coalesce(sa.func.sum(EquityInterest.amount_cny), 0)).where(
        EquityInterest.equity_need_id == need.id, EquityInterest.stage == InterestStage.INVESTED))
    if raised >= need.amount_cny:
        db.session.execute(sa.update(EquityNeed).where(EquityNeed.id == need.id,
                                                       EquityNeed.status == EquityNeedStatus.OPEN)
                           .values(status=EquityNeedStatus.CLOSED, updated_at=now_utc())
                           .execution_options(synchronize_session=False))
        db.session.expire(need)


def accept(*, actor: User, need_id: int, interest_id: int) -> EquityInterest:
    """The firm shows its contacts to a fund that is interested in its round."""
    need = get_need(actor=actor, need_id=need_id)
    interest = db.session.get(EquityInterest, interest_id) if scoping.is_row_id(interest_id) else None
    if interest is None or interest.equity_need_id != need.id:
        raise NotFound("投资意向不存在")
    moved = db.session.execute(sa.update(EquityInterest).where(EquityInterest.id == interest.id,
                                                               EquityInterest.accepted_at.is_(None))
                               .values(accepted_at=now_utc()).execution_options(synchronize_session=False))
    if moved.rowcount != 1:
        raise Conflict("已向该机构展示联系方式")
    db.session.expire(interest)
    audit.record("equity_interest.accept", actor_id=actor.id, target_type="equity_interest", target_id=interest.id)
    return interest


def contact_of(interest: EquityInterest) -> dict | None:
    """What the fund may read of the firm's contacts: nothing until the firm accepted its interest."""
    if interest.accepted_at is None:
        return None
    firm: Enterprise = interest.need.enterprise
    return {"contact_name": firm.contact_name, "contact_phone": firm.contact_phone}


def steps_of(interest: EquityInterest) -> list[InterestStep]:
    return list(db.session.scalars(sa.select(InterestStep).where(InterestStep.interest_id == interest.id)
                                   .order_by(InterestStep.at, InterestStep.id)))


def stale(*, now: dt.datetime | None = None, institution_id: int | None = None) -> dict[int, list[EquityInterest]]:
    """Open deals untouched for EQUITY_STALE_DAYS, by fund (every fund, or the one named)."""
    since = (now or now_utc()) - dt.timedelta(days=current_app.config["EQUITY_STALE_DAYS"])
    query = sa.select(EquityInterest).where(EquityInterest.stage.not_in(ENDED), EquityInterest.moved_at < since)
    if institution_id is not None:
        query = query.where(EquityInterest.institution_id == institution_id)
    found: dict[int, list[EquityInterest]] = {}
    for interest in db.session.scalars(query.order_by(EquityInterest.moved_at)):
        found.setdefault(interest.institution_id, []).append(interest)
    return found


def remind_stale(*, now: dt.datetime | None = None) -> int:
    """One e-mail a day to each officer (who wants e-mail) of a fund with stale deals; → how many were queued."""
    now = now or now_utc()
    today = now - dt.timedelta(hours=20)  # runs daily: nobody gets two within a day
    already = set(db.session.scalars(sa.select(OutgoingMail.user_id).where(OutgoingMail.kind == STALE_KIND,
                                                                          OutgoingMail.created_at >= today)))
    queued = 0
    for fund_id, deals in stale(now=now).items():
        for officer in mail.recipients(institution_id=fund_id):
            if officer.id not in already:
                mail.queue(user=officer, kind=STALE_KIND, deals=deals, now=now, link="/institution/deals")
                queued += 1
    return queued


@shared_task(name="matchmaker.equity.remind_stale")
def remind_stale_task() -> int:
    queued = remind_stale()
    db.session.commit()  # the task is its own boundary
    return queued
