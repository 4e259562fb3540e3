"""Loans after disbursement (贷后): a disbursed application becomes a loan with its schedule; the lending bank
reports repayments and overdue events (pages and API alike), and the loan's outstanding principal, status and
five-category class (五级分类) follow. Amounts are whole yuan.

The outstanding principal is brought down by a conditional update, so two reports at once can never repay
more than is owed.
"""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
import sqlalchemy.orm
from flask import current_app

from models import Application, Enterprise, Loan, LoanRepayment, LoanStatus, RepaymentMethod, Role, User, db, now_utc
from models.loan_schedule import Instalment, schedule

from .. import audit, notifications, scoping, signals
from ..errors import Conflict, Forbidden, InvalidInput
from ..ranking.eligibility import wan
from ..sql import LOCAL
from ..wording import N_
from ..credit import services as credit
from . import cover, warnings

# What is not lent is not repaid: a guarantee, a policy or an investment becomes no loan.
NOT_LOANS = frozenset({"guarantee", "tech_insurance", "equity_investment"})
OPEN = (LoanStatus.CURRENT, LoanStatus.OVERDUE)
# The five-category class (五级分类), best first.
CLASSES = {"normal": "正常", "special_mention": "关注", "substandard": "次级", "doubtful": "可疑", "loss": "损失"}


def today() -> dt.date:
    return now_utc().astimezone(LOCAL).date()


def get(*, actor: User, loan_id: int) -> Loan:
    return scoping.get_or_404(scoping.loans(actor), Loan, loan_id, "贷款不存在")


def get_all(*, actor: User, status: str | None = None, limit: int | None = 20, offset: int = 0) -> tuple[list[Loan], int]:
    """The caller's loans, newest disbursement first."""
    query = scoping.loans(actor)
    if status:
        if status not in LoanStatus.values():
            raise InvalidInput("筛选条件有误", {"status": [N_("未知的状态：%(value)s", value=status)]})
        query = query.where(Loan.status == LoanStatus(status))
    total = db.session.scalar(sa.select(sa.func.count()).select_from(query.subquery()))
    # Each listed loan shows its product's name: loaded with the page, not one query per loan.
    query = (query.options(sa.orm.selectinload(Loan.product))
             .order_by(Loan.disbursed_on.desc(), Loan.id.desc()).offset(offset))
    if limit is not None:
        query = query.limit(limit)
    return list(db.session.scalars(query)), total


def instalments(loan: Loan) -> list[Instalment]:
    return schedule(principal_cny=loan.principal_cny, rate_pct=loan.rate_pct, term_months=loan.term_months,
                    disbursed_on=loan.disbursed_on, repayment=RepaymentMethod(loan.repayment).value)


def next_due(loan: Loan, *, on: dt.date | None = None) -> Instalment | None:
    """The first instalment not yet covered by the principal repaid (interest-only months: the next date)."""
    if loan.status not in OPEN:
        return None
    on = on or today()
    repaid = loan.principal_cny - loan.outstanding_cny
    owed = 0
    for instalment in instalments(loan):
        owed += instalment.principal_cny
        if owed > repaid or (instalment.principal_cny == 0 and instalment.due_on >= on):
            return instalment
    return None


def days_past_due(loan: Loan, *, on: dt.date | None = None) -> int:
    if loan.status is not LoanStatus.OVERDUE or loan.overdue_since is None:
        return 0
    return max(0, ((on or today()) - loan.overdue_since).days)


def classify(loan: Loan, *, on: dt.date | None = None) -> str:
    """The five-category class (五级分类) by days past due, as the banks' 2023 rule sets its floors
    (LOAN_CLASS_DAYS); a loan written off is 损失, one repaid or current 正常."""
    if loan.status is LoanStatus.WRITTEN_OFF:
        return "loss"
    if loan.status is not LoanStatus.OVERDUE:
        return "normal"
    days = days_past_due(loan, on=on)
    floors = current_app.config["LOAN_CLASS_DAYS"]
    return next((code for floor, code in floors if days > floor), floors[-1][1])  # any overdue: the lowest floor


def create(*, application: Application, repayment: str | None = None) -> Loan | None:
    """The loan a disbursement makes (None for what is not lent). Its terms are the approval's; the fund's
    cover is fixed now, by the rules as they stand."""
    kind = application.product.kind.value
    if kind in NOT_LOANS:
        return None
    method = repayment or RepaymentMethod.EQUAL_INSTALLMENT.value
    if method not in RepaymentMethod.values():
        raise InvalidInput("还款方式有误", {"repayment": [N_("未知的还款方式：%(value)s", value=method)]})
    principal = application.disbursed_amount_cny
    loan = Loan(application_id=application.id, enterprise_id=application.enterprise_id,
                institution_id=application.institution_id, product_id=application.product_id,
                principal_cny=principal, outstanding_cny=principal,
                rate_pct=application.rate_pct if application.rate_pct is not None else application.product.rate_min_pct,
                term_months=application.approved_term_months or application.term_months,
                disbursed_on=(application.disbursed_at or now_utc()).astimezone(LOCAL).date(),
                repayment=RepaymentMethod(method), status=LoanStatus.CURRENT, overdue_principal_cny=0,
                risk_fund_covered=cover.covers(kind=kind, institution_id=application.institution_id),
                credit_grade=credit.standing_of(db.session.get(Enterprise, application.enterprise_id))[0])
    db.session.add(loan)
    db.session.flush()
    return loan


def _lender(actor: User, loan_id: int) -> Loan:
    if actor.role is not Role.INSTITUTION:
        raise Forbidden("只有放款机构可以报告贷款情况")
    return get(actor=actor, loan_id=loan_id)


def _day_problem(day: dt.date | None, loan: Loan, label: str) -> str | None:
    if day is None:
        return "此项为必填项"
    if day < loan.disbursed_on:
        return N_("%(label)s不能早于放款日 %(day)s", label=label, day=loan.disbursed_on.isoformat())
    if day > today():
        return N_("%(label)s不能晚于今天", label=label)
    return None


def repay(*, actor: User, loan_id: int, paid_on: dt.date | None, principal_cny: int | None,
          interest_cny: int | None) -> LoanRepayment:
    """A repayment as the bank reports it; the last principal makes the loan repaid, repaying the overdue
    principal makes it current again."""
    loan = _lender(actor, loan_id)
    principal, interest = principal_cny or 0, interest_cny or 0
    problems = {}
    if (problem := _day_problem(paid_on, loan, "还款日期")) is not None:
        problems["paid_on"] = [problem]
    if principal < 0:
        problems["principal_cny"] = ["还款本金不能为负数"]
    if interest < 0:
        problems["interest_cny"] = ["还款利息不能为负数"]
    if not problems and principal + interest == 0:
        problems["principal_cny"] = ["请填写还款本金或利息"]
    if loan.status not in OPEN:
        raise Conflict(N_("该贷款%(status)s，不能再登记还款", status=loan.status.label))
    if principal > loan.outstanding_cny:
        problems["principal_cny"] = [N_("还款本金超过未还本金 %(value)s 元", value=f"{loan.outstanding_cny:,}")]
    if problems:
        raise InvalidInput("还款信息有误，请检查标出的字段", problems)
    # Conditional: of two reports at once, the one that would repay more than is owed finds nothing to update.
    moved = db.session.execute(
        sa.update(Loan).where(Loan.id == loan.id, Loan.outstanding_cny >= principal, Loan.status.in_(OPEN))
        .values(outstanding_cny=Loan.outstanding_cny - principal,
                overdue_principal_cny=sa.case((Loan.overdue_principal_cny > principal,
                                               Loan.overdue_principal_cny - principal), else_=0),
                updated_at=now_utc()).execution_options(synchronize_session=False))
    if moved.rowcount != 1:
        raise Conflict("贷款已被同时更新，请刷新后重试")
    db.session.refresh(loan)
    if loan.outstanding_cny == 0:
        loan.status, loan.overdue_since = LoanStatus.REPAID, None
    elif loan.status is LoanStatus.OVERDUE and loan.overdue_principal_cny == 0:
        loan.status, loan.overdue_since = LoanStatus.CURRENT, None
    repayment = LoanRepayment(loan_id=loan.id, paid_on=paid_on, principal_cny=principal, interest_cny=interest,
                              recorded_by=actor.id)
    db.session.add(repayment)
    db.session.flush()
    audit.record("loan.repayment", actor_id=actor.id, target_type="loan", target_id=loan.id,
                 detail={"principal_cny": principal, "interest_cny": interest, "paid_on": paid_on.isoformat()})
    signals.firm_facts_changed.send(enterprise_id=loan.enterprise_id)  # the balance a subsidy is paid on moved
    return repayment


def overdue(*, actor: User, loan_id: int, since: dt.date | None, overdue_principal_cny: int | None) -> Loan:
    """An overdue event as the bank reports it: principal past due since a date."""
    loan = _lender(actor, loan_id)
    if loan.status not in OPEN:
        raise Conflict(N_("该贷款%(status)s，不能登记逾期", status=loan.status.label))
    problems = {}
    if (problem := _day_problem(since, loan, "逾期起始日")) is not None:
        problems["since"] = [problem]
    if overdue_principal_cny is None:
        problems["overdue_principal_cny"] = ["此项为必填项"]
    elif not 0 < overdue_principal_cny <= loan.outstanding_cny:
        problems["overdue_principal_cny"] = [N_("逾期本金应大于 0 且不超过未还本金 %(value)s 元",
                                                value=f"{loan.outstanding_cny:,}")]
    if problems:
        raise InvalidInput("逾期信息有误，请检查标出的字段", problems)
    loan.status, loan.overdue_since, loan.overdue_principal_cny = LoanStatus.OVERDUE, since, overdue_principal_cny
    db.session.flush()
    audit.record("loan.overdue", actor_id=actor.id, target_type="loan", target_id=loan.id,
                 detail={"since": since.isoformat(), "overdue_principal_cny": overdue_principal_cny})
    notifications.notify(enterprise_id=loan.enterprise_id, kind="loan.overdue",
                         message=N_("贷款「%(value)s」已逾期，逾期本金 %(wan)s 万元，请尽快联系放款机构",
                                    value=loan.product.name, wan=wan(overdue_principal_cny)),
                         link=f"/enterprise/loans/{loan.id}")
    warnings.scan(enterprise_ids=[loan.enterprise_id])  # the lenders' officers are warned now, not tomorrow
    return loan
