"""An institution's side of an application: opening it, deciding, disbursing, inviting leads."""
from __future__ import annotations

import datetime as dt
import math

import sqlalchemy as sa
from flask import current_app

from models import (
    Application, ApplicationStatus, AuditEvent, Enterprise, FinancingNeed, LeadInvitation, NeedStatus, RejectReason, Role, User,
    db, now_utc,
)

from .. import audit, notifications, scoping, signals, text
from ..errors import Conflict, Forbidden, InvalidInput, NotFound
from ..loans import services as loans
from ..wording import N_
from . import services
from .clock import clock


def _wan(amount_cny: int) -> str:
    return f"{amount_cny / 10_000:g}"


def _officer(actor: User) -> None:
    if actor.role is not Role.INSTITUTION:
        raise Forbidden("只有受理机构可以处理申请")


def open_application(*, actor: User, application_id: int) -> Application:
    """An officer opens an application: the applicant's profile is shown, so the view is recorded
    (the firm sees who looked) and the application is marked as viewed the first time. Reading the
    file, deciding and landing on it again is one look: the same officer's views of the same firm
    within ``PROFILE_VIEW_WINDOW_MINUTES`` are recorded once."""
    _officer(actor)
    application = services.get(actor=actor, application_id=application_id)
    now = now_utc()
    if application.viewed_at is None:
        application.viewed_at = now
    since = now - dt.timedelta(minutes=current_app.config["PROFILE_VIEW_WINDOW_MINUTES"])
    looked = db.session.scalar(sa.select(AuditEvent.id).where(
        AuditEvent.action == "profile.view", AuditEvent.actor_id == actor.id, AuditEvent.target_type == "enterprise",
        AuditEvent.target_id == application.enterprise_id, AuditEvent.at > since).limit(1))
    if looked is None:
        audit.record("profile.view", actor_id=actor.id, target_type="enterprise",
                     target_id=application.enterprise_id, detail={"application_id": application.id})
    return application


def overdue(*, actor: User, now: dt.datetime | None = None, limit: int = 10) -> tuple[list[tuple], int]:
    """The institution's submitted applications past its promised answer time, the longest waiting
    first, each with its clock; and how many there are."""
    _officer(actor)
    now = now or now_utc()
    target = actor.institution.service_target_days
    waiting = db.session.scalars(scoping.applications(actor).where(
        Application.status == ApplicationStatus.SUBMITTED,
        # N working days span at least N calendar days: an overdue one was sent more than N days ago.
        Application.created_at < now - dt.timedelta(days=target)).order_by(Application.created_at)).all()
    late = [(a, c) for a in waiting if (c := clock(a.created_at, target, now))["overdue"]]
    return late[:limit], len(late)


def decide(*, actor: User, application_id: int, decision: str, approved_amount_cny: int | None = None,
           rate_pct: float | None = None, term_months: int | None = None, reason_code: str | None = None,
           reason: str | None = None) -> Application:
    _officer(actor)
    application = services.get(actor=actor, application_id=application_id)
    if application.need.status is not NeedStatus.OPEN and application.status is ApplicationStatus.SUBMITTED:
        raise Conflict("该融资需求已关闭（已获放款或已撤回），不能再审批")
    product = application.product
    problems: dict[str, list[str]] = {}
    if decision == "approve":
        # An approval stays within the product's published terms: what the firm was shown is what it gets.
        if approved_amount_cny is None or approved_amount_cny <= 0:
            problems["approved_amount_cny"] = ["请填写大于 0 的批准金额"]
        elif not product.min_amount_cny <= approved_amount_cny <= product.max_amount_cny:
            problems["approved_amount_cny"] = [
                N_("批准金额应在该产品公布的 %(wan_low)s 到 %(wan_high)s 万元之间", wan_low=_wan(product.min_amount_cny),
                   wan_high=_wan(product.max_amount_cny))]
        if rate_pct is None or not math.isfinite(rate_pct) or not product.rate_min_pct <= rate_pct <= product.rate_max_pct:
            problems["rate_pct"] = [N_("年利率应在该产品公布的 %(low)s%% 到 %(high)s%% 之间",
                                       low=f"{product.rate_min_pct:g}", high=f"{product.rate_max_pct:g}")]
        if term_months is None or not product.min_term_months <= term_months <= product.max_term_months:
            problems["term_months"] = [
                N_("期限应在该产品公布的 %(low)s 到 %(high)s 个月之间", low=product.min_term_months,
                   high=product.max_term_months)]
        if problems:
            raise InvalidInput("审批信息有误", problems)
        values = {"approved_amount_cny": approved_amount_cny, "rate_pct": rate_pct,
                  "approved_term_months": term_months, "decided_at": now_utc()}
        to, note = ApplicationStatus.APPROVED, N_("批准 %(wan)s 万元，年利率 %(rate)s%%",
                                                  wan=_wan(approved_amount_cny), rate=f"{rate_pct:g}")
    elif decision == "reject":
        # The contract's single "reason" may itself be a code; free text alone counts as "other".
        if reason_code is None and reason in RejectReason.values():
            reason_code, reason = reason, None
        elif reason_code is None and reason and reason.strip():
            reason_code = RejectReason.OTHER.value
        if reason_code not in RejectReason.values():
            problems["reason"] = [N_("请说明拒绝原因（原因代码可选：%(value)s）", value="、".join(RejectReason.values()))]
        elif reason and (problem := text.free_text_problem(reason, label="拒绝原因", high=text.REASON_MAX)):
            problems["reason"] = [problem]
        if problems:
            raise InvalidInput("审批信息有误", problems)
        values = {"reject_reason_code": RejectReason(reason_code), "reject_reason": (reason or "").strip(),
                  "decided_at": now_utc()}
        to, note = ApplicationStatus.REJECTED, RejectReason(reason_code).label
    else:
        raise InvalidInput("决定只能是 approve 或 reject", {"decision": ["决定只能是 approve 或 reject"]})
    services.transition(application=application, to=to, actor=actor, note=note, values=values)
    audit.record("application.decision", actor_id=actor.id, target_type="application", target_id=application.id,
                 detail={"decision": decision})
    word = "已获批" if to is ApplicationStatus.APPROVED else "未获批"
    notifications.notify(enterprise_id=application.enterprise_id, kind=f"application.{to.value}",
                         message=N_("您向「%(name)s」提交的申请%(word)s", name=product.name, word=word),
                         link=f"/enterprise/applications/{application.id}", application=application)
    signals.firm_facts_changed.send(enterprise_id=application.enterprise_id)  # e.g. an interest subsidy now owed
    return application


def disburse(*, actor: User, application_id: int, amount_cny: int, repayment: str | None = None) -> Application:
    """The money is paid: the application is disbursed, the need closed, and what was lent becomes a loan
    (``repayment``: how it is paid back, equal instalments unless said)."""
    _officer(actor)
    application = services.get(actor=actor, application_id=application_id)
    if amount_cny is None or amount_cny <= 0:
        raise InvalidInput("放款金额有误", {"amount_cny": ["请填写大于 0 的放款金额"]})
    if application.approved_amount_cny is not None and amount_cny > application.approved_amount_cny:
        raise InvalidInput("放款金额不能超过批准金额",
                           {"amount_cny": [N_("放款金额不能超过批准金额 %(wan)s 万元", wan=_wan(application.approved_amount_cny))]})
    services.transition(application=application, to=ApplicationStatus.DISBURSED, actor=actor,
                        note=N_("放款 %(wan)s 万元", wan=_wan(amount_cny)),
                        values={"disbursed_amount_cny": amount_cny, "disbursed_at": now_utc()})
    # A need is funded once: closing it is conditional too, so of two banks disbursing at once one
    # gets 409; the need's other live applications end, and their banks see why.
    closed = db.session.execute(
        sa.update(FinancingNeed).where(FinancingNeed.id == application.need_id, FinancingNeed.status == NeedStatus.OPEN)
        .values(status=NeedStatus.CLOSED))  # updated_at: its onupdate
    if closed.rowcount != 1:
        raise Conflict("该融资需求已获放款或已撤回，不能再放款")
    _end_others(application, actor=actor)
    loans.create(application=application, repayment=repayment)
    audit.record("application.disbursement", actor_id=actor.id, target_type="application", target_id=application.id,
                 detail={"amount_cny": amount_cny})
    notifications.notify(enterprise_id=application.enterprise_id, kind="application.disbursed",
                         message=N_("「%(value)s」已放款 %(wan)s 万元", value=application.product.name, wan=_wan(amount_cny)),
                         link=f"/enterprise/applications/{application.id}", application=application)
    return application


FUNDED_ELSEWHERE = "该融资需求已由其他机构放款，本申请自动撤回"


def _end_others(application: Application, *, actor: User) -> None:
    others = db.session.scalars(sa.select(Application).where(
        Application.need_id == application.need_id, Application.id != application.id,
        Application.status.in_((ApplicationStatus.SUBMITTED, ApplicationStatus.APPROVED)))).all()
    for other in others:
        services.transition(application=other, to=ApplicationStatus.WITHDRAWN, actor=actor, note=FUNDED_ELSEWHERE,
                            values={"withdrawn_at": now_utc()})
        audit.record("application.withdraw", actor_id=actor.id, target_type="application", target_id=other.id,
                     detail={"why": "funded_elsewhere", "funded_by": application.id})


def invite(*, actor: User, product_id: int, need_id: int) -> None:
    """Invite the firm behind an open lead to apply; only firms that opted in to leads can be invited."""
    _officer(actor)
    from ..products import services as product_services

    product = product_services.get(actor=actor, product_id=product_id)
    enterprise_id = db.session.scalar(
        sa.select(FinancingNeed.enterprise_id).join(Enterprise)
        .where(FinancingNeed.id == need_id, FinancingNeed.status == NeedStatus.OPEN,
               Enterprise.share_in_leads.is_(True)))
    if enterprise_id is None:
        raise NotFound("该潜在客户不存在或已不可见")
    exists = db.session.scalar(sa.select(Application.id).where(Application.need_id == need_id,
                                                               Application.product_id == product.id))
    if exists is not None:
        raise Conflict("该企业已申请此产品")
    # One invitation per (product, need), however often the button is pressed; the unique constraint
    # settles two officers pressing it at once.
    try:
        with db.session.begin_nested():
            db.session.add(LeadInvitation(product_id=product.id, need_id=need_id, invited_by_id=actor.id))
    except sa.exc.IntegrityError:
        raise Conflict("已邀请过该企业申请此产品") from None
    notifications.notify(enterprise_id=enterprise_id, kind="invitation",
                         message=N_("%(value)s 邀请您申请「%(name)s」", value=product.institution.name, name=product.name),
                         link=f"/enterprise/needs/{need_id}", product=product)
    audit.record("lead.invite", actor_id=actor.id, target_type="need", target_id=need_id,
                 detail={"product_id": product.id})


def invited_needs(*, actor: User, product_id: int) -> set[int]:
    """The needs already invited to apply to this product (the leads page shows them as sent)."""
    _officer(actor)
    return set(db.session.scalars(sa.select(LeadInvitation.need_id).where(LeadInvitation.product_id == product_id)))


def inbox(*, actor: User, order: str = "waiting", status: str | None = "submitted", limit: int = 50):
    """The institution's applications; 'waiting' puts the longest-waiting first, 'newest' the newest."""
    _officer(actor)
    query = scoping.applications(actor)
    if status:
        query = query.where(Application.status == ApplicationStatus(status))
    query = query.order_by(Application.created_at.asc() if order == "waiting" else Application.created_at.desc())
    return db.session.scalars(query.limit(limit)).all()
