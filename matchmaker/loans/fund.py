"""The risk-compensation fund (风险补偿资金池; finance-rules.md): the city and the district pay in 4 : 6; a bank
claims for a covered loan that went overdue, up to its overdue principal; the bureau approves and the fund pays
80 % of the loss (whole yuan), split city : district = 4 : 6 with the district's share taking the rounding, and
the loan is written off. Per institution its covered principal, approved losses and loss rate; its fuse (熔断)
trips at RISK_FUND_FUSE_PCT (a warning from RISK_FUND_WARNING_PCT), and while it is tripped the institution's
new loans are not covered. What the bank recovers afterwards goes back to the fund pro rata (``recover``).

The balance is one row moved by conditional updates, so two approvals at once never pay out more than it holds.
"""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
import sqlalchemy.orm
from flask import current_app

from models import (
    ClaimRecovery, ClaimStatus, CompensationClaim, Institution, Loan, LoanStatus, RiskFund, RiskFundContribution, Role, User, db,
    now_utc,
)

from .. import audit, scoping, text
from ..errors import Conflict, Forbidden, InvalidInput, NotFound
from ..sql import LOCAL
from ..wording import N_
from . import services as loans
from .cover import losses_by_institution

FUND_ROW = 1


def split(loss_cny: int) -> tuple[int, int, int]:
    """(covered, city, district): the covered share of the loss in whole yuan (rounded down), the city's 4/10
    of it rounded down, the district the rest."""
    config = current_app.config
    covered = loss_cny * config["RISK_FUND_COVER_PCT"] // 100
    city = covered * config["RISK_FUND_CITY_SHARE"] // (config["RISK_FUND_CITY_SHARE"] + config["RISK_FUND_DISTRICT_SHARE"])
    return covered, city, covered - city


def _fund() -> RiskFund:
    fund = db.session.get(RiskFund, FUND_ROW)
    if fund is None:
        try:
            with db.session.begin_nested():  # two first contributions at once: one creates the row
                fund = RiskFund(id=FUND_ROW, balance_cny=0, paid_cny=0)
                db.session.add(fund)
        except sa.exc.IntegrityError:
            fund = db.session.get(RiskFund, FUND_ROW)
    return fund


def _admin(actor: User) -> None:
    if actor.role is not Role.ADMIN:
        raise Forbidden("只有管理员可以管理风险补偿资金池")


def get(*, actor: User) -> dict:
    _admin(actor)
    fund = db.session.get(RiskFund, FUND_ROW)  # read only: a page's GET writes nothing; no row yet is empty
    names = dict(db.session.execute(sa.select(Institution.id, Institution.name)).all())
    rows = [{**row, "institution_name": names.get(row["institution_id"], "")} for row in losses_by_institution().values()]
    return {"balance_cny": fund.balance_cny if fund else 0, "paid_cny": fund.paid_cny if fund else 0,
            "returned_cny": fund.returned_cny if fund else 0, "by_institution": rows}


def contribute(*, actor: User, city_cny: int | None, district_cny: int | None,
               received_on: dt.date | None) -> RiskFundContribution:
    _admin(actor)
    problems = {}
    for field, value in (("city_cny", city_cny), ("district_cny", district_cny)):
        if value is None:
            problems[field] = ["此项为必填项"]
        elif value < 0:
            problems[field] = ["金额不能为负数"]
    if not problems and city_cny + district_cny == 0:
        problems["city_cny"] = ["请填写市级或区级出资金额"]
    if received_on is None:
        problems["received_on"] = ["此项为必填项"]
    elif received_on > loans.today():
        problems["received_on"] = ["到账日期不能晚于今天"]
    if problems:
        raise InvalidInput("出资信息有误，请检查标出的字段", problems)
    _fund()
    db.session.execute(sa.update(RiskFund).where(RiskFund.id == FUND_ROW)
                       .values(balance_cny=RiskFund.balance_cny + city_cny + district_cny))
    contribution = RiskFundContribution(city_cny=city_cny, district_cny=district_cny, received_on=received_on,
                                        recorded_by=actor.id)
    db.session.add(contribution)
    db.session.flush()
    db.session.expire_all()
    audit.record("risk_fund.contribution", actor_id=actor.id, target_type="risk_fund", target_id=FUND_ROW,
                 detail={"city_cny": city_cny, "district_cny": district_cny, "received_on": received_on.isoformat()})
    return contribution


def claim(*, actor: User, loan_id: int, loss_cny: int | None) -> CompensationClaim:
    """The lending bank's claim for a covered overdue loan: at most its overdue principal, once per loan."""
    loan = loans.get(actor=actor, loan_id=loan_id) if actor.role is Role.INSTITUTION else None
    if loan is None:
        raise Forbidden("只有放款机构可以申请风险补偿")
    if not loan.risk_fund_covered:
        raise Conflict("该贷款不在风险补偿资金池覆盖范围内")
    if db.session.scalar(sa.select(CompensationClaim.id).where(CompensationClaim.loan_id == loan.id)) is not None:
        raise Conflict("该贷款已申请过风险补偿")
    if loan.status is not LoanStatus.OVERDUE:
        raise Conflict("贷款逾期后才能申请风险补偿")
    if loss_cny is None:
        raise InvalidInput("补偿申请有误", {"loss_cny": ["此项为必填项"]})
    if not 0 < loss_cny <= loan.overdue_principal_cny:
        raise InvalidInput("补偿申请有误", {"loss_cny": [N_("损失金额应大于 0 且不超过逾期本金 %(value)s 元",
                                                         value=f"{loan.overdue_principal_cny:,}")]})
    covered, city, district = split(loss_cny)
    made = CompensationClaim(loan_id=loan.id, institution_id=loan.institution_id, loss_cny=loss_cny,
                             covered_cny=covered, city_cny=city, district_cny=district, status=ClaimStatus.SUBMITTED,
                             submitted_by=actor.id)
    try:
        with db.session.begin_nested():  # two claims for one loan at once: the unique loan_id keeps one
            db.session.add(made)
    except sa.exc.IntegrityError:
        raise Conflict("该贷款已申请过风险补偿") from None
    audit.record("risk_fund.claim", actor_id=actor.id, target_type="compensation_claim", target_id=made.id,
                 detail={"loan_id": loan.id, "loss_cny": loss_cny, "covered_cny": covered})
    return made


def claim_of(*, loan_id: int) -> CompensationClaim | None:
    return db.session.scalar(sa.select(CompensationClaim).where(CompensationClaim.loan_id == loan_id))


def get_claims(*, actor: User, status: str | None = None) -> list[CompensationClaim]:
    _admin(actor)
    # The queue names each claim's loan and product: loaded with the claims, not one query per claim.
    query = (sa.select(CompensationClaim).options(sa.orm.selectinload(CompensationClaim.loan).selectinload(Loan.product))
             .order_by(CompensationClaim.created_at, CompensationClaim.id))
    if status:
        if status not in ClaimStatus.values():
            raise InvalidInput("筛选条件有误", {"status": [N_("未知的状态：%(value)s", value=status)]})
        query = query.where(CompensationClaim.status == ClaimStatus(status))
    return list(db.session.scalars(query))


def decide(*, actor: User, claim_id: int, decision: str | None, reason: str | None = None) -> CompensationClaim:
    """The bureau's decision: an approval pays the covered share from the fund (never beyond its balance) and
    writes the loan off; a rejection says why."""
    _admin(actor)
    found = db.session.get(CompensationClaim, claim_id) if scoping.is_row_id(claim_id) else None
    if found is None:
        raise NotFound("补偿申请不存在")
    if decision not in ("approve", "reject"):
        raise InvalidInput("审核结果有误", {"decision": ["请选择批准（approve）或驳回（reject）"]})
    reason = (reason or "").strip()
    if decision == "reject" and not reason:
        raise InvalidInput("审核结果有误", {"reason": ["驳回时请说明理由"]})
    if reason and (problem := text.free_text_problem(reason, label="理由", high=500)) is not None:
        raise InvalidInput("审核结果有误", {"reason": [problem]})
    now = now_utc()
    status = ClaimStatus.APPROVED if decision == "approve" else ClaimStatus.REJECTED
    moved = db.session.execute(
        sa.update(CompensationClaim).where(CompensationClaim.id == found.id,
                                           CompensationClaim.status == ClaimStatus.SUBMITTED)
        .values(status=status, reason=reason or None, decided_by=actor.id, decided_at=now)
        .execution_options(synchronize_session=False))
    if moved.rowcount != 1:
        raise Conflict("该补偿申请已审核")
    if status is ClaimStatus.APPROVED:
        _fund()
        paid = db.session.execute(
            sa.update(RiskFund).where(RiskFund.id == FUND_ROW, RiskFund.balance_cny >= found.covered_cny)
            .values(balance_cny=RiskFund.balance_cny - found.covered_cny, paid_cny=RiskFund.paid_cny + found.covered_cny)
            .execution_options(synchronize_session=False))
        if paid.rowcount != 1:
            raise Conflict(N_("资金池余额不足以支付 %(value)s 元", value=f"{found.covered_cny:,}"))
        db.session.execute(sa.update(Loan).where(Loan.id == found.loan_id)
                           .values(status=LoanStatus.WRITTEN_OFF, updated_at=now)
                           .execution_options(synchronize_session=False))
    db.session.flush()
    db.session.expire_all()
    audit.record(f"risk_fund.claim_{decision}", actor_id=actor.id, target_type="compensation_claim",
                 target_id=found.id, detail={"covered_cny": found.covered_cny} if decision == "approve" else {"reason": reason})
    return db.session.get(CompensationClaim, claim_id)


def returned_share(claim: CompensationClaim, recovered_cny: int) -> tuple[int, int]:
    """(fund's share, city's part) of a claim's recoveries up to ``recovered_cny`` in total: the fund paid
    covered/loss of the loss, so it gets that share of what comes back, rounded down on the running total so
    a loss recovered in full returns exactly what was paid, city and district as they paid it."""
    returned = recovered_cny * claim.covered_cny // claim.loss_cny
    return returned, (returned * claim.city_cny // claim.covered_cny) if claim.covered_cny else 0


def recover(*, actor: User, loan_id: int, amount_cny: int | None, recovered_on: dt.date | None) -> ClaimRecovery:
    """The lending bank reports money recovered on a loan whose claim the fund paid; the fund's share returns."""
    loan = loans.get(actor=actor, loan_id=loan_id) if actor.role is Role.INSTITUTION else None
    if loan is None:
        raise Forbidden("只有放款机构可以登记追偿回收")
    paid = claim_of(loan_id=loan.id)
    if paid is None or paid.status is not ClaimStatus.APPROVED:
        raise Conflict("该贷款没有已赔付的风险补偿，无需分配追偿回收")
    problems = {}
    left = paid.loss_cny - paid.recovered_cny
    if amount_cny is None:
        problems["amount_cny"] = ["此项为必填项"]
    elif not 0 < amount_cny <= left:
        problems["amount_cny"] = [N_("回收金额应大于 0 且不超过尚未回收的损失 %(value)s 元", value=f"{left:,}")]
    decided_on = paid.decided_at.astimezone(LOCAL).date()
    if recovered_on is None:
        problems["recovered_on"] = ["此项为必填项"]
    elif recovered_on > loans.today():
        problems["recovered_on"] = ["回收日期不能晚于今天"]
    elif recovered_on < decided_on:
        problems["recovered_on"] = [N_("回收日期不能早于补偿赔付日 %(value)s", value=decided_on.isoformat())]
    if problems:
        raise InvalidInput("追偿回收信息有误，请检查标出的字段", problems)
    before, before_city = returned_share(paid, paid.recovered_cny)
    after, after_city = returned_share(paid, paid.recovered_cny + amount_cny)
    # Two reports at once: the one that read a stale running total moves nothing and is told to look again.
    moved = db.session.execute(
        sa.update(CompensationClaim).where(CompensationClaim.id == paid.id,
                                           CompensationClaim.recovered_cny == paid.recovered_cny)
        .values(recovered_cny=paid.recovered_cny + amount_cny, returned_cny=after)
        .execution_options(synchronize_session=False))
    if moved.rowcount != 1:
        raise Conflict("该贷款的追偿回收刚被更新，请刷新后重试")
    _fund()
    db.session.execute(sa.update(RiskFund).where(RiskFund.id == FUND_ROW)
                       .values(balance_cny=RiskFund.balance_cny + (after - before),
                               returned_cny=RiskFund.returned_cny + (after - before)))
    recovery = ClaimRecovery(claim_id=paid.id, amount_cny=amount_cny, returned_cny=after - before,
                             city_cny=after_city - before_city, district_cny=(after - before) - (after_city - before_city),
                             recovered_on=recovered_on, recorded_by=actor.id)
    db.session.add(recovery)
    db.session.flush()
    db.session.expire_all()
    audit.record("risk_fund.recovery", actor_id=actor.id, target_type="compensation_claim", target_id=paid.id,
                 detail={"loan_id": loan.id, "amount_cny": amount_cny, "returned_cny": after - before})
    return recovery


def recoveries_of(*, claim_id: int) -> list[ClaimRecovery]:
    return list(db.session.scalars(sa.select(ClaimRecovery).where(ClaimRecovery.claim_id == claim_id)
                                   .order_by(ClaimRecovery.recovered_on, ClaimRecovery.id)))
