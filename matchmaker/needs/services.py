"""Financing needs: the one place their rules live (pages and API both call these)."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa

from models import (
    MAX_MONEY_CNY, MAX_RATE_PCT, MAX_TERM_MONTHS, Application, ApplicationStatus, FinancingNeed, NeedStatus,
    ProductKind, Role, User, db, now_utc,
)

from .. import audit, scoping
from ..applications import services as application_services
from ..errors import Conflict, Forbidden, InvalidInput
from ..wording import N_

FIELDS = ("amount_cny", "term_months", "purpose", "preferred_kinds", "max_rate_pct", "collateral_offered")
MIN_AMOUNT_CNY = 10_000


def check(values: Mapping[str, Any], *, partial: bool = False) -> dict[str, list[str]]:
    problems: dict[str, list[str]] = {}

    def add(field, message):
        problems.setdefault(field, []).append(message)

    if not partial:
        for field in ("amount_cny", "term_months"):
            if values.get(field) is None:
                add(field, "此项为必填项")
    amount = values.get("amount_cny")
    if amount is not None:
        if isinstance(amount, bool) or not isinstance(amount, int):
            add("amount_cny", "金额应为整数（元）")
        elif amount < MIN_AMOUNT_CNY:
            add("amount_cny", "融资金额至少 1 万元")
        elif amount > MAX_MONEY_CNY:
            add("amount_cny", "融资金额超出合理范围（最多 100 亿元）")
    term = values.get("term_months")
    if term is not None:
        if isinstance(term, bool) or not isinstance(term, int):
            add("term_months", "期限应为整数（月）")
        elif not 1 <= term <= MAX_TERM_MONTHS:
            add("term_months", N_("期限应在 1 到 %(value)s 个月之间", value=MAX_TERM_MONTHS))
    kinds = values.get("preferred_kinds")
    if kinds is not None:
        unknown = [k for k in kinds if k not in ProductKind.values()]
        if unknown:
            add("preferred_kinds", N_("未知的产品类型：%(value)s", value="、".join(map(str, unknown))))
    rate = values.get("max_rate_pct")
    if rate is not None and not (0 <= rate <= MAX_RATE_PCT):
        add("max_rate_pct", N_("可接受的最高年利率应在 0 到 %(value)s%% 之间", value=MAX_RATE_PCT))
    purpose = values.get("purpose")
    if purpose is not None and len(purpose) > 500:
        add("purpose", "用途说明最多 500 个字符")
    return problems


def _own(actor: User) -> None:
    if actor.role is not Role.ENTERPRISE:
        raise Forbidden("只有企业可以发布融资需求")


def create(*, actor: User, values: Mapping[str, Any]) -> FinancingNeed:
    _own(actor)
    problems = check(values)
    if problems:
        raise InvalidInput("融资需求有误，请检查标出的字段", problems)
    need = FinancingNeed(
        enterprise_id=actor.enterprise_id, amount_cny=values["amount_cny"], term_months=values["term_months"],
        purpose=(values.get("purpose") or "").strip(), preferred_kinds=sorted(set(values.get("preferred_kinds") or [])),
        max_rate_pct=values.get("max_rate_pct"), collateral_offered=bool(values.get("collateral_offered")),
        status=NeedStatus.OPEN,
    )
    db.session.add(need)
    db.session.flush()
    return need


def get(*, actor: User, need_id: int) -> FinancingNeed:
    return scoping.get_or_404(scoping.needs(actor), FinancingNeed, need_id, "融资需求不存在")


def get_all(*, actor: User, limit: int = 20, offset: int = 0, status: str | None = None):
    query = scoping.needs(actor)
    if status:
        query = query.where(FinancingNeed.status == NeedStatus(status))
    total = db.session.scalar(sa.select(sa.func.count()).select_from(query.subquery()))
    items = db.session.scalars(query.order_by(FinancingNeed.created_at.desc(), FinancingNeed.id.desc())
                               .limit(limit).offset(offset)).all()
    return items, total


def update(*, actor: User, need_id: int, values: Mapping[str, Any]) -> FinancingNeed:
    _own(actor)
    need = get(actor=actor, need_id=need_id)
    if need.status is not NeedStatus.OPEN:
        raise Conflict("只能修改进行中的融资需求")
    problems = check(values, partial=True)
    if problems:
        raise InvalidInput("融资需求有误，请检查标出的字段", problems)
    for field in FIELDS:
        if field in values:
            value = values[field]
            if field == "preferred_kinds":
                value = sorted(set(value or []))
            elif field == "purpose":
                value = (value or "").strip()
            setattr(need, field, value)
    db.session.flush()
    return need


def withdraw(*, actor: User, need_id: int) -> FinancingNeed:
    """Withdraw an open need; its undecided and approved applications are withdrawn with it."""
    _own(actor)
    need = get(actor=actor, need_id=need_id)
    if need.status is not NeedStatus.OPEN:
        raise Conflict("该融资需求已结束，无法撤回")
    need.status = NeedStatus.WITHDRAWN
    open_ids = db.session.scalars(sa.select(Application.id).where(
        Application.need_id == need.id,
        Application.status.in_((ApplicationStatus.SUBMITTED, ApplicationStatus.APPROVED)))).all()
    for application_id in open_ids:
        application_services.withdraw(actor=actor, application_id=application_id, note="融资需求已撤回")
    audit.record("need.withdraw", actor_id=actor.id, target_type="need", target_id=need.id,
                 detail={"applications_withdrawn": len(open_ids)})
    need.updated_at = now_utc()
    db.session.flush()
    return need
