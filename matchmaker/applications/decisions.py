"""An institution's side of an application: opening it, deciding, disbursing, inviting leads."""
from __future__ import annotations

import sqlalchemy as sa

from models import (
    MAX_RATE_PCT, Application, ApplicationStatus, Enterprise, FinancingNeed, NeedStatus, RejectReason, Role, User, db,
    now_utc,
)

from .. import audit, notifications, scoping
from ..errors import Conflict, Forbidden, InvalidInput, NotFound
from . import services


def _officer(actor: User) -> None:
    if actor.role is not Role.INSTITUTION:
        raise Forbidden("只有受理机构可以处理申请")


def open_application(*, actor: User, application_id: int) -> Application:
    """An officer opens an application: the applicant's profile is shown, so the view is recorded
    (the firm sees who looked) and the application is marked as viewed the first time."""
    _officer(actor)
    application = services.get(actor=actor, application_id=application_id)
    if application.viewed_at is None:
        application.viewed_at = now_utc()
    audit.record("profile.view", actor_id=actor.id, target_type="enterprise", target_id=application.enterprise_id,
                 detail={"application_id": application.id})
    return application


def decide(*, actor: User, application_id: int, decision: str, approved_amount_cny: int | None = None,
           rate_pct: float | None = None, term_months: int | None = None, reason_code: str | None = None,
           reason: str | None = None) -> Application:
    _officer(actor)
    application = services.get(actor=actor, application_id=application_id)
    product = application.product
    problems: dict[str, list[str]] = {}
    if decision == "approve":
        if approved_amount_cny is None or approved_amount_cny <= 0:
            problems["approved_amount_cny"] = ["请填写大于 0 的批准金额"]
        elif approved_amount_cny > product.max_amount_cny:
            problems["approved_amount_cny"] = [f"批准金额不能超过该产品上限 {product.max_amount_cny // 10_000} 万元"]
        if rate_pct is None or not (0 <= rate_pct <= MAX_RATE_PCT):
            problems["rate_pct"] = [f"年利率应在 0 到 {MAX_RATE_PCT}% 之间"]
        if term_months is None or not (0 < term_months <= 360):
            problems["term_months"] = ["期限应在 1 到 360 个月之间"]
        if problems:
            raise InvalidInput("审批信息有误", problems)
        values = {"approved_amount_cny": approved_amount_cny, "rate_pct": rate_pct,
                  "approved_term_months": term_months, "decided_at": now_utc()}
        to, note = ApplicationStatus.APPROVED, f"批准 {approved_amount_cny / 10_000:g} 万元，年利率 {rate_pct:g}%"
    elif decision == "reject":
        # The contract's single "reason" may itself be a code; free text alone counts as "other".
        if reason_code is None and reason in RejectReason.values():
            reason_code, reason = reason, None
        elif reason_code is None and reason and reason.strip():
            reason_code = RejectReason.OTHER.value
        if reason_code not in RejectReason.values():
            problems["reason"] = [f"请说明拒绝原因（原因代码可选：{'、'.join(RejectReason.values())}）"]
        if problems:
            raise InvalidInput("审批信息有误", problems)
        values = {"reject_reason_code": RejectReason(reason_code), "reject_reason": (reason or "").strip()[:1000],
                  "decided_at": now_utc()}
        to, note = ApplicationStatus.REJECTED, RejectReason(reason_code).label
    else:
        raise InvalidInput("决定只能是 approve 或 reject", {"decision": ["决定只能是 approve 或 reject"]})
    services.transition(application=application, to=to, actor=actor, note=note, values=values)
    audit.record("application.decision", actor_id=actor.id, target_type="application", target_id=application.id,
                 detail={"decision": decision})
    word = "已获批" if to is ApplicationStatus.APPROVED else "未获批"
    notifications.notify(enterprise_id=application.enterprise_id, kind=f"application.{to.value}",
                         message=f"您向「{product.name}」提交的申请{word}",
                         link=f"/enterprise/applications/{application.id}")
    return application


def disburse(*, actor: User, application_id: int, amount_cny: int) -> Application:
    _officer(actor)
    application = services.get(actor=actor, application_id=application_id)
    if amount_cny is None or amount_cny <= 0:
        raise InvalidInput("放款金额有误", {"amount_cny": ["请填写大于 0 的放款金额"]})
    if application.approved_amount_cny is not None and amount_cny > application.approved_amount_cny:
        raise InvalidInput("放款金额不能超过批准金额",
                           {"amount_cny": [f"放款金额不能超过批准金额 {application.approved_amount_cny / 10_000:g} 万元"]})
    services.transition(application=application, to=ApplicationStatus.DISBURSED, actor=actor,
                        note=f"放款 {amount_cny / 10_000:g} 万元",
                        values={"disbursed_amount_cny": amount_cny, "disbursed_at": now_utc()})
    db.session.execute(sa.update(FinancingNeed).where(FinancingNeed.id == application.need_id)
                       .values(status=NeedStatus.CLOSED, updated_at=now_utc()))
    audit.record("application.disbursement", actor_id=actor.id, target_type="application", target_id=application.id,
                 detail={"amount_cny": amount_cny})
    notifications.notify(enterprise_id=application.enterprise_id, kind="application.disbursed",
                         message=f"「{application.product.name}」已放款 {amount_cny / 10_000:g} 万元",
                         link=f"/enterprise/applications/{application.id}")
    return application


def invite(*, actor: User, product_id: int, need_id: int) -> None:
    """Invite the firm behind an open lead to apply; only firms that opted in to leads can be invited."""
    _officer(actor)
    from ..products import services as product_services

    product = product_services.get(actor=actor, product_id=product_id)
    row = db.session.execute(
        sa.select(FinancingNeed.id, FinancingNeed.enterprise_id).join(Enterprise)
        .where(FinancingNeed.id == need_id, FinancingNeed.status == NeedStatus.OPEN,
               Enterprise.share_in_leads.is_(True))).first()
    if row is None:
        raise NotFound("该潜在客户不存在或已不可见")
    exists = db.session.scalar(sa.select(Application.id).where(Application.need_id == need_id,
                                                               Application.product_id == product.id))
    if exists is not None:
        raise Conflict("该企业已申请此产品")
    notifications.notify(enterprise_id=row.enterprise_id, kind="invitation",
                         message=f"{product.institution.name} 邀请您申请「{product.name}」",
                         link=f"/enterprise/needs/{need_id}")
    audit.record("lead.invite", actor_id=actor.id, target_type="need", target_id=need_id,
                 detail={"product_id": product.id})


def inbox(*, actor: User, order: str = "waiting", status: str | None = "submitted", limit: int = 50):
    """The institution's applications; 'waiting' puts the longest-waiting first, 'newest' the newest."""
    _officer(actor)
    query = scoping.applications(actor)
    if status:
        query = query.where(Application.status == ApplicationStatus(status))
    query = query.order_by(Application.created_at.asc() if order == "waiting" else Application.created_at.desc())
    return db.session.scalars(query.limit(limit)).all()
