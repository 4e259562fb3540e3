"""Claims and payment: the firm confirms where the money goes; the bureau reviews the claim with its basis, approves
it against the policy's remaining budget (a conditional update of what is used: two approvals at once can never
spend past the budget) or rejects it with a reason, and records the payment. Everything audited."""
from __future__ import annotations

import datetime as dt
import re

import sqlalchemy as sa

from models import Entitlement, EntitlementStatus, Policy, Role, User, db, now_utc

from .. import audit, notifications, scoping, text
from ..errors import Conflict, Forbidden, InvalidInput, NotFound
from ..wording import N_
from . import conditions, entitlements, facts

ACCOUNT_NO = re.compile(r"^\d{8,30}$")


def _firm(actor: User) -> int:
    if actor.role is not Role.ENTERPRISE:
        raise Forbidden("只有企业可以申领政策兑现")
    return actor.enterprise_id


def _admin(actor: User) -> None:
    if actor.role is not Role.ADMIN:
        raise Forbidden("只有管理员可以审核政策兑现")


def get_all_for_firm(*, actor: User) -> list[Entitlement]:
    """What the firm is owed now, computed afresh from what the platform knows, and everything it claimed before."""
    firm_id = _firm(actor)
    entitlements.refresh(enterprise_ids=[firm_id])
    return list(db.session.scalars(sa.select(Entitlement).where(Entitlement.enterprise_id == firm_id)
                                   .order_by(Entitlement.status != "available", Entitlement.id.desc())))


def nearly(*, actor: User, most_missing: int = 2) -> list[tuple]:
    """The policies in force the firm does not yet meet, with what is missing (at most ``most_missing`` conditions
    away, the nearest first): what it could do next."""
    firm_id = _firm(actor)
    firm, deals = facts.firms([firm_id]).get(firm_id, {}), facts.deals([firm_id]).get(firm_id, [])
    found = []
    for policy in entitlements.in_force(entitlements.today()):
        verdict = conditions.evaluate(policy.conditions, firm=firm, loans=deals)
        if not verdict.met and len(verdict.missing) <= most_missing:
            found.append((policy, verdict.missing))
    return sorted(found, key=lambda pair: (len(pair[1]), pair[0].id))


def get(*, actor: User, entitlement_id: int) -> Entitlement:
    """The firm's own entitlement; another firm's, or none, answers 404."""
    return _own(actor, entitlement_id)


def _own(actor: User, entitlement_id) -> Entitlement:
    firm_id = _firm(actor)
    row = db.session.get(Entitlement, entitlement_id) if scoping.is_row_id(entitlement_id) else None
    if row is None or row.enterprise_id != firm_id:  # another firm's entitlement is as if it did not exist
        raise NotFound("政策兑现记录不存在")
    return row


def claim(*, actor: User, entitlement_id: int, payee_account_name: str | None, payee_account_no: str | None,
          payee_bank: str | None) -> Entitlement:
    row = _own(actor, entitlement_id)
    problems = {}
    name, number, bank = ((v or "").strip() for v in (payee_account_name, payee_account_no, payee_bank))
    number = number.replace(" ", "")
    for field, value, label in (("payee_account_name", name, "收款户名"), ("payee_bank", bank, "开户银行")):
        if not value:
            problems[field] = ["此项为必填项"]
        elif (problem := text.name_problem(value, label=label)) is not None:
            problems[field] = [problem]
    if not number:
        problems["payee_account_no"] = ["此项为必填项"]
    elif not ACCOUNT_NO.match(number):
        problems["payee_account_no"] = ["银行账号应为 8 到 30 位数字"]
    if problems:
        raise InvalidInput("收款账户有误，请检查标出的字段", problems)
    moved = db.session.execute(sa.update(Entitlement).where(
        Entitlement.id == row.id, Entitlement.status == EntitlementStatus.AVAILABLE).values(
        status=EntitlementStatus.CLAIMED, payee_account_name=name, payee_account_no=number, payee_bank=bank,
        claimed_at=now_utc()).execution_options(synchronize_session=False))
    if moved.rowcount != 1:
        raise Conflict(N_("该政策兑现%(status)s，不能再次申领", status=row.status.label))
    db.session.expire(row)
    audit.record("entitlement.claim", actor_id=actor.id, target_type="entitlement", target_id=row.id)
    return row


def get_claims(*, actor: User, status: str | None = None, policy_id: int | None = None) -> list[Entitlement]:
    """The bureau's queue: claimed, decided and paid entitlements (never the ones nobody claimed), oldest first."""
    _admin(actor)
    query = sa.select(Entitlement).where(Entitlement.claimed_at.is_not(None))
    if status is not None:
        query = query.where(Entitlement.status == status)
    if policy_id is not None:
        query = query.where(Entitlement.policy_id == policy_id)
    return list(db.session.scalars(query.order_by(Entitlement.claimed_at, Entitlement.id)))


def get_claim(*, actor: User, claim_id: int) -> Entitlement:
    _admin(actor)
    row = db.session.get(Entitlement, claim_id) if scoping.is_row_id(claim_id) else None
    if row is None or row.claimed_at is None:
        raise NotFound("申领记录不存在")
    return row


def decide(*, actor: User, claim_id: int, decision: str | None, reason: str | None = None) -> Entitlement:
    row = get_claim(actor=actor, claim_id=claim_id)
    reason = (reason or "").strip() or None
    if decision not in ("approve", "reject"):
        raise InvalidInput("请选择批准或驳回", {"decision": ["请选择批准或驳回"]})
    if decision == "reject" and not reason:
        raise InvalidInput("驳回须说明理由", {"reason": ["驳回须说明理由"]})
    if reason and (problem := text.free_text_problem(reason, label="理由", high=1000)) is not None:
        raise InvalidInput(problem, {"reason": [problem]})
    target = EntitlementStatus.APPROVED if decision == "approve" else EntitlementStatus.REJECTED
    moved = db.session.execute(sa.update(Entitlement).where(
        Entitlement.id == row.id, Entitlement.status == EntitlementStatus.CLAIMED).values(
        status=target, reason=reason, decided_at=now_utc(), decided_by=actor.id)
        .execution_options(synchronize_session=False))
    if moved.rowcount != 1:
        raise Conflict(N_("该申领%(status)s，不能再审核", status=row.status.label))
    if target is EntitlementStatus.APPROVED:
        # The budget is consumed here, by one statement that holds only while it stays within the budget.
        spent = db.session.execute(sa.update(Policy).where(
            Policy.id == row.policy_id, Policy.used_cny + row.amount_cny <= Policy.budget_cny).values(
            used_cny=Policy.used_cny + row.amount_cny).execution_options(synchronize_session=False))
        if spent.rowcount != 1:
            raise Conflict(N_("「%(value)s」剩余预算不足 %(amount)s 元，不能批准", value=row.policy.name,
                              amount=f"{row.amount_cny:,}"))
    db.session.expire(row)
    db.session.expire(row.policy)
    notifications.notify(enterprise_id=row.enterprise_id, kind="policy.decision", link="/enterprise/policies",
                         message=N_("「%(value)s」申领%(status)s", value=row.policy.name, status=target.label))
    audit.record(f"entitlement.{decision}", actor_id=actor.id, target_type="entitlement", target_id=row.id,
                 detail={"amount_cny": row.amount_cny})
    return row


def pay(*, actor: User, claim_id: int, paid_on: dt.date | None) -> Entitlement:
    row = get_claim(actor=actor, claim_id=claim_id)
    if row.status is not EntitlementStatus.APPROVED:
        raise Conflict(N_("该申领%(status)s，不能登记拨付", status=row.status.label))
    if not isinstance(paid_on, dt.date):
        raise InvalidInput("请填写拨付日期", {"paid_on": ["请填写拨付日期"]})
    if paid_on > entitlements.today() or (row.decided_at and paid_on < row.decided_at.date() - dt.timedelta(days=1)):
        raise InvalidInput("拨付日期应在批准之后、不晚于今天", {"paid_on": ["拨付日期应在批准之后、不晚于今天"]})
    moved = db.session.execute(sa.update(Entitlement).where(
        Entitlement.id == row.id, Entitlement.status == EntitlementStatus.APPROVED).values(
        status=EntitlementStatus.PAID, paid_on=paid_on).execution_options(synchronize_session=False))
    if moved.rowcount != 1:
        raise Conflict(N_("该申领%(status)s，不能登记拨付", status=row.status.label))
    db.session.expire(row)
    notifications.notify(enterprise_id=row.enterprise_id, kind="policy.paid", link="/enterprise/policies",
                         message=N_("「%(value)s」%(amount)s 元已拨付", value=row.policy.name, amount=f"{row.amount_cny:,}"))
    audit.record("entitlement.pay", actor_id=actor.id, target_type="entitlement", target_id=row.id)
    return row
