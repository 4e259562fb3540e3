"""Roadshows (路演推介): the bureau schedules them (date, theme industries, investor seats); firms apply to pitch an
open round and the bureau accepts or declines; funds reserve seats, never beyond capacity: a seat is a conditional
update of the roadshow's count (``seats_taken < capacity``), which two requests at once cannot both pass. After
the event the bureau marks it held, and funds that sat in the room record their interests in the rounds pitched."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from models import (
    EquityNeed, EquityNeedStatus, Industry, PitchStatus, Role, Roadshow, RoadshowPitch, RoadshowSeat, RoadshowStatus, User, db,
    now_utc,
)

from .. import audit, notifications, scoping, text
from ..sql import LOCAL
from ..errors import Conflict, Forbidden, InvalidInput, NotFound
from ..wording import N_
from .services import _fund, get_need

MAX_CAPACITY = 1_000


def _admin(actor: User) -> None:
    if actor.role is not Role.ADMIN:
        raise Forbidden("只有管理员可以安排路演")


def get_all(*, status: str | None = None) -> list[Roadshow]:
    """Every roadshow (or those of one status), the latest date first."""
    query = sa.select(Roadshow)
    if status in RoadshowStatus.values():
        query = query.where(Roadshow.status == RoadshowStatus(status))
    return list(db.session.scalars(query.order_by(Roadshow.held_on.desc(), Roadshow.id.desc())))


def get(*, roadshow_id: int) -> Roadshow:
    return scoping.get_or_404(sa.select(Roadshow), Roadshow, roadshow_id, "路演不存在")


def create(*, actor: User, title: str | None, held_on: dt.date | None, industries: list | None,
           capacity: int | None, today: dt.date | None = None) -> Roadshow:
    _admin(actor)
    today = today or now_utc().astimezone(LOCAL).date()
    problems = {}
    title = (title or "").strip()
    if not title:
        problems["title"] = ["此项为必填项"]
    elif (problem := text.free_text_problem(title, label="路演主题", high=200)) is not None or "\n" in title:
        problems["title"] = [problem or "路演主题应为一行文字"]
    if not isinstance(held_on, dt.date):
        problems["held_on"] = ["请填写举办日期"]
    elif held_on < today:
        problems["held_on"] = ["举办日期不能早于今天"]
    industries = list(industries or [])
    if unknown := [i for i in industries if i not in Industry.values()]:
        problems["industries"] = [N_("未知的行业：%(value)s", value="、".join(map(str, unknown)))]
    if capacity is None or isinstance(capacity, bool) or not isinstance(capacity, int) \
            or not 0 < capacity <= MAX_CAPACITY:
        problems["capacity"] = [N_("席位数应为 1 到 %(value)s 之间的整数", value=MAX_CAPACITY)]
    if problems:
        raise InvalidInput("路演信息有误，请检查标出的字段", problems)
    roadshow = Roadshow(title=title, held_on=held_on, capacity=capacity, status=RoadshowStatus.OPEN,
                        industries=[i for i in Industry.values() if i in industries], seats_taken=0)
    db.session.add(roadshow)
    db.session.flush()
    audit.record("roadshow.create", actor_id=actor.id, target_type="roadshow", target_id=roadshow.id)
    return roadshow


def _open(roadshow: Roadshow) -> None:
    if roadshow.status is not RoadshowStatus.OPEN:
        raise Conflict(N_("该路演%(status)s，不再接受报名", status=roadshow.status.label))


def pitch(*, actor: User, roadshow_id: int, equity_need_id) -> RoadshowPitch:
    """The firm applies to pitch one of its own open rounds (another firm's: 404)."""
    roadshow = get(roadshow_id=roadshow_id)
    if actor.role is not Role.ENTERPRISE:
        raise Forbidden("只有企业可以申请路演")
    if not scoping.is_row_id(equity_need_id):
        raise InvalidInput("请选择要推介的股权融资需求", {"equity_need_id": ["请选择要推介的股权融资需求"]})
    need = get_need(actor=actor, need_id=equity_need_id)
    _open(roadshow)
    if need.status is not EquityNeedStatus.OPEN:
        raise Conflict(N_("该需求%(status)s，不能申请路演", status=need.status.label))
    entry = RoadshowPitch(roadshow_id=roadshow.id, equity_need_id=need.id, status=PitchStatus.PENDING)
    db.session.add(entry)
    try:
        with db.session.begin_nested():
            db.session.flush()
    except sa.exc.IntegrityError:
        raise Conflict("该需求已申请过这场路演") from None
    audit.record("roadshow.pitch", actor_id=actor.id, target_type="roadshow_pitch", target_id=entry.id)
    return entry


def pitches_of(roadshow: Roadshow) -> list[RoadshowPitch]:
    return list(db.session.scalars(sa.select(RoadshowPitch).where(RoadshowPitch.roadshow_id == roadshow.id)
                                   .order_by(RoadshowPitch.created_at, RoadshowPitch.id)))


def pitches_of_firm(*, actor: User) -> list[RoadshowPitch]:
    return list(db.session.scalars(sa.select(RoadshowPitch).join(EquityNeed).where(
        EquityNeed.enterprise_id == actor.enterprise_id).order_by(RoadshowPitch.id.desc())))


def decide(*, actor: User, pitch_id: int, decision: str | None, reason: str | None = None) -> RoadshowPitch:
    _admin(actor)
    entry = scoping.get_or_404(sa.select(RoadshowPitch), RoadshowPitch, pitch_id, "路演申请不存在")
    targets = {"accept": PitchStatus.ACCEPTED, "decline": PitchStatus.DECLINED}
    if decision not in targets:
        raise InvalidInput("请选择入选或不入选", {"decision": ["请选择入选或不入选"]})
    reason = (reason or "").strip() or None
    if reason and (problem := text.free_text_problem(reason, label="说明", high=500)) is not None:
        raise InvalidInput(problem, {"reason": [problem]})
    moved = db.session.execute(sa.update(RoadshowPitch).where(RoadshowPitch.id == entry.id,
                                                              RoadshowPitch.status == PitchStatus.PENDING)
                               .values(status=targets[decision], reason=reason, decided_at=now_utc())
                               .execution_options(synchronize_session=False))
    if moved.rowcount != 1:
        raise Conflict(N_("该申请%(status)s", status=entry.status.label))
    db.session.expire(entry)
    notifications.notify(enterprise_id=entry.need.enterprise_id, kind="roadshow.pitch",
                         message=N_("路演「%(value)s」：%(status)s", value=entry.roadshow.title,
                                    status=targets[decision].label), link="/enterprise/roadshows")
    audit.record("roadshow.decide", actor_id=actor.id, target_type="roadshow_pitch", target_id=entry.id,
                 detail={"decision": decision})
    return entry


def reserve(*, actor: User, roadshow_id: int) -> RoadshowSeat:
    """A seat for the fund; the count moves only while below capacity (full: 409), one seat per fund (409)."""
    fund = _fund(actor)
    roadshow = get(roadshow_id=roadshow_id)
    _open(roadshow)
    if db.session.scalar(sa.select(RoadshowSeat.id).where(RoadshowSeat.roadshow_id == roadshow.id,
                                                          RoadshowSeat.institution_id == fund.id)):
        raise Conflict("贵机构已预约该路演的席位")
    taken = db.session.execute(sa.update(Roadshow).where(
        Roadshow.id == roadshow.id, Roadshow.status == RoadshowStatus.OPEN, Roadshow.seats_taken < Roadshow.capacity)
        .values(seats_taken=Roadshow.seats_taken + 1).execution_options(synchronize_session=False))
    if taken.rowcount != 1:
        raise Conflict("该路演席位已满")
    seat = RoadshowSeat(roadshow_id=roadshow.id, institution_id=fund.id)
    db.session.add(seat)
    try:
        db.session.flush()
    except sa.exc.IntegrityError:
        # The same fund twice at once: the whole request rolls back, the count with it.
        raise Conflict("贵机构已预约该路演的席位") from None
    db.session.expire(roadshow)
    audit.record("roadshow.seat", actor_id=actor.id, target_type="roadshow", target_id=roadshow.id)
    return seat


def seats_of(roadshow: Roadshow) -> list[RoadshowSeat]:
    return list(db.session.scalars(sa.select(RoadshowSeat).where(RoadshowSeat.roadshow_id == roadshow.id)
                                   .order_by(RoadshowSeat.id)))


def seated(*, actor: User) -> set[int]:
    fund = _fund(actor)
    return set(db.session.scalars(sa.select(RoadshowSeat.roadshow_id).where(RoadshowSeat.institution_id == fund.id)))


def mark_held(*, actor: User, roadshow_id: int) -> Roadshow:
    _admin(actor)
    roadshow = get(roadshow_id=roadshow_id)
    moved = db.session.execute(sa.update(Roadshow).where(Roadshow.id == roadshow.id,
                                                         Roadshow.status == RoadshowStatus.OPEN)
                               .values(status=RoadshowStatus.HELD).execution_options(synchronize_session=False))
    if moved.rowcount != 1:
        raise Conflict(N_("该路演%(status)s", status=roadshow.status.label))
    db.session.expire(roadshow)
    audit.record("roadshow.held", actor_id=actor.id, target_type="roadshow", target_id=roadshow.id)
    return roadshow
