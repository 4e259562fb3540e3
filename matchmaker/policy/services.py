"""The zone's policies as data: the bureau publishes and amends them (their conditions and benefit checked when saved,
never run as code); anyone reads those in force."""
from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa

from models import Policy, PolicyKind, Role, User, db

from .. import audit, scoping, text
from ..errors import Forbidden, InvalidInput
from ..wording import N_
from . import benefits, conditions
from .entitlements import today

FIELDS = ("name", "kind", "summary", "legal_basis", "valid_from", "valid_to", "budget_cny", "conditions", "benefit")
MAX_BUDGET_CNY = 10**11


def _admin(actor: User) -> None:
    if actor.role is not Role.ADMIN:
        raise Forbidden("只有管理员可以发布政策")


def check(values: Mapping[str, Any], *, current: Policy | None = None) -> dict[str, list[str]]:
    """What is wrong with a policy's values (all of them when new, those given when amended)."""
    problems: dict[str, list[str]] = {}
    merged = {name: getattr(current, name) for name in FIELDS} if current else {}
    merged.update({k: v for k, v in values.items() if k in FIELDS})
    for name in ("name", "kind", "summary", "valid_from", "valid_to", "budget_cny", "benefit"):
        if merged.get(name) in (None, ""):
            problems.setdefault(name, []).append("此项为必填项")
    if merged.get("name") and (problem := text.name_problem(merged["name"], label="政策名称")) is not None:
        problems.setdefault("name", []).append(problem)
    for name, label, high in (("summary", "政策摘要", 2000), ("legal_basis", "政策依据", 2000)):
        if merged.get(name) and (problem := text.free_text_problem(merged[name], label=label, high=high)) is not None:
            problems.setdefault(name, []).append(problem)
    if merged.get("kind") is not None and merged["kind"] not in PolicyKind.values() \
            and not isinstance(merged["kind"], PolicyKind):
        problems.setdefault("kind", []).append(N_("未知的政策类型：%(value)s", value=str(merged["kind"])[:40]))
    budget = merged.get("budget_cny")
    if budget is not None and (isinstance(budget, bool) or not isinstance(budget, int) or not 0 < budget <= MAX_BUDGET_CNY):
        problems.setdefault("budget_cny", []).append("预算应为大于 0 且不超过 1,000 亿的整数（元）")
    elif current is not None and budget is not None and budget < current.used_cny:
        problems.setdefault("budget_cny", []).append(N_("预算不能低于已批准的 %(value)s 元", value=f"{current.used_cny:,}"))
    start, end = merged.get("valid_from"), merged.get("valid_to")
    if isinstance(start, dt.date) and isinstance(end, dt.date) and end < start:
        problems.setdefault("valid_to", []).append("有效期截止日不能早于起始日")
    if (found := conditions.check(merged.get("conditions", []))):
        problems["conditions"] = found
    if merged.get("benefit") is not None and (found := benefits.check(merged["benefit"])):
        problems["benefit"] = found
    return problems


def create(*, actor: User, values: Mapping[str, Any]) -> Policy:
    _admin(actor)
    values = {"conditions": [], **values}
    if problems := check(values):
        raise InvalidInput("政策信息有误，请检查标出的字段", problems)
    policy = Policy(**{k: values.get(k) for k in FIELDS}, used_cny=0)
    db.session.add(policy)
    db.session.flush()
    audit.record("policy.create", actor_id=actor.id, target_type="policy", target_id=policy.id)
    return policy


def update(*, actor: User, policy_id: int, values: Mapping[str, Any]) -> Policy:
    _admin(actor)
    policy = get(policy_id=policy_id)
    if problems := check(values, current=policy):
        raise InvalidInput("政策信息有误，请检查标出的字段", problems)
    for name in FIELDS:
        if name in values:
            setattr(policy, name, values[name])
    db.session.flush()
    audit.record("policy.update", actor_id=actor.id, target_type="policy", target_id=policy.id,
                 detail={"fields": sorted(values)})
    return policy


def get(*, policy_id: int) -> Policy:
    return scoping.get_or_404(sa.select(Policy), Policy, policy_id, "政策不存在")


def get_all(*, on: dt.date | None = None, everything: bool = False) -> list[Policy]:
    """The policies in force today (the bureau may ask for every one)."""
    query = sa.select(Policy)
    if not everything:
        on = on or today()
        query = query.where(Policy.valid_from <= on, Policy.valid_to >= on)
    return list(db.session.scalars(query.order_by(Policy.id)))
