"""Applications and their state machine: every move is a conditional update, checked by row count."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from models import (
    TRANSITIONS, Application, ApplicationEvent, ApplicationStatus, Consent, FinancingNeed, NeedStatus, Product,
    ProductStatus, Role, User, db, now_utc,
)

from .. import audit, notifications, scoping
from ..errors import Conflict, Forbidden, InvalidInput
from ..wording import N_

STATUS_WORDS = {s: s.label for s in ApplicationStatus}


def get(*, actor: User, application_id: int) -> Application:
    return scoping.get_or_404(scoping.applications(actor), Application, application_id, "申请不存在")


def get_all(*, actor: User, limit: int = 20, offset: int = 0, status: str | None = None, need_id: int | None = None):
    query = scoping.applications(actor)
    if status:
        query = query.where(Application.status == ApplicationStatus(status))
    if need_id is not None:
        query = query.where(Application.need_id == need_id)
    total = db.session.scalar(sa.select(sa.func.count()).select_from(query.subquery()))
    items = db.session.scalars(query.order_by(Application.created_at.desc(), Application.id.desc())
                               .limit(limit).offset(offset)).all()
    return items, total


def create(*, actor: User, need_id: int, product_id: int) -> Application:
    """Apply with one need to one product. Sharing the profile with that institution is recorded as
    consent. The (need, product) unique constraint makes a double click store one row: 409."""
    if actor.role is not Role.ENTERPRISE:
        raise Forbidden("只有企业可以提交融资申请")
    need = scoping.get_or_404(scoping.needs(actor), FinancingNeed, need_id, "融资需求不存在")
    product = db.session.get(Product, product_id) if scoping.is_row_id(product_id) else None
    if product is None:
        raise InvalidInput("产品不存在", {"product_id": ["产品不存在"]})
    if product.status is not ProductStatus.ACTIVE:
        raise Conflict("该产品当前未上架，暂不接受申请")
    if need.status is not NeedStatus.OPEN:
        raise Conflict("该融资需求已结束，不能再提交申请")
    application = Application(
        need_id=need.id, product_id=product.id, enterprise_id=need.enterprise_id,
        institution_id=product.institution_id, amount_cny=need.amount_cny, term_months=need.term_months,
    )  # submitted: the column's default
    db.session.add(application)
    try:
        db.session.flush()
    except IntegrityError:
        # Another request stored the same (need, product) first; this request ends here anyway.
        db.session.rollback()
        raise Conflict("已向该产品提交过申请，请勿重复提交") from None
    db.session.add(ApplicationEvent(application_id=application.id, to_status=ApplicationStatus.SUBMITTED,
                                    actor_id=actor.id, note="企业提交申请"))  # from no status
    db.session.add(Consent(enterprise_id=need.enterprise_id, scope="profile_share",
                           institution_id=product.institution_id, granted=True, actor_id=actor.id))
    audit.record("application.create", actor_id=actor.id, target_type="application", target_id=application.id,
                 detail={"need_id": need.id, "product_id": product.id})
    audit.record("consent.change", actor_id=actor.id, target_type="enterprise", target_id=need.enterprise_id,
                 detail={"scope": "profile_share", "institution_id": product.institution_id, "granted": True})
    return application


def transition(*, application: Application, to: ApplicationStatus, actor: User, note: str,
               values: dict | None = None) -> Application:
    """Move ``application`` to ``to`` if, and only if, it is still in a state that allows it.

    ``UPDATE … WHERE id = ? AND status IN (allowed)``: of two simultaneous moves, one changes the row
    and the other finds it changed and gets 409.
    """
    allowed = [state for state, targets in TRANSITIONS.items() if to in targets]
    previous = application.status  # as this request read it; the update below brings the copy up to date
    result = db.session.execute(
        sa.update(Application)
        .where(Application.id == application.id, Application.status.in_(allowed))
        .values(status=to, **(values or {}))
    )
    if result.rowcount != 1:
        db.session.refresh(application)
        raise Conflict(N_("申请当前状态为“%(value)s”，不能变为“%(label)s”", value=application.status.label, label=to.label))
    db.session.refresh(application)
    db.session.add(ApplicationEvent(application_id=application.id, from_status=previous, to_status=to,
                                    actor_id=actor.id, note=note))
    return application


def withdraw(*, actor: User, application_id: int, note: str = "企业撤回申请") -> Application:
    if actor.role is not Role.ENTERPRISE:
        raise Forbidden("只有申请企业可以撤回申请")
    application = get(actor=actor, application_id=application_id)
    transition(application=application, to=ApplicationStatus.WITHDRAWN, actor=actor, note=note,
               values={"withdrawn_at": now_utc()})
    audit.record("application.withdraw", actor_id=actor.id, target_type="application", target_id=application.id)
    notifications.notify(enterprise_id=application.enterprise_id, kind="application.withdrawn",
                         message=N_("您对「%(value)s」的申请已撤回", value=application.product.name),
                         link=f"/enterprise/applications/{application.id}")
    return application


# What would change a rejection, per structured reason: shown to the firm beside the reason.
ADVICE = {
    "insufficient_rating": "提升信用评级（按时还款、完善纳税与社保记录），或引入融资担保后再申请",
    "insufficient_years": "经营满该产品要求的年限后再申请，或选择对经营年限要求更低的产品",
    "insufficient_collateral": "补充抵押物或申请融资担保，或选择信用类产品",
    "incomplete_documents": "补齐财务报表、纳税证明等资料后重新申请",
    "high_leverage": "降低申请金额或延长期限，使金额与营业收入更匹配",
    "industry_mismatch": "选择面向贵企业所在行业的产品",
    "quota_full": "下一授信周期再申请，或选择其他机构的同类产品",
    "other": "可联系该机构了解具体原因",
}


def timeline(application: Application) -> list[dict]:
    """The application's steps with their times, and how long each took (hours)."""
    steps = []
    for event in application.events:
        steps.append({"at": event.at, "status": event.to_status, "note": event.note})
    if application.viewed_at is not None:
        steps.append({"at": application.viewed_at, "status": None, "note": "机构已查看企业资料"})
    steps.sort(key=lambda s: s["at"])
    for previous, step in zip([None, *steps], steps):
        step["hours"] = None if previous is None else round((step["at"] - previous["at"]).total_seconds() / 3600, 1)
    return steps
