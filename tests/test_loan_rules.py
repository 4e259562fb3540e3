"""A loan's rules read one by one (``matchmaker/loans/services.py``): the loan a disbursement makes, each
refusal with the message that names its field, the states a repayment and an overdue report move, what is
due next, the filter and order of the list, and the audit trail and notification each report leaves.
Written to leave no mutant of the module alive; service calls only, so ``make mutation`` runs them fast."""
from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
import sqlalchemy as sa

from matchmaker.errors import Conflict, Forbidden, InvalidInput, NotFound
from matchmaker.loans import services as loans
from matchmaker.products import services as products
from models import (
    Application, ApplicationStatus, FinancingNeed, Loan, LoanRepayment, LoanStatus, Notification, ProductKind,
    RepaymentMethod, db,
)
from tests.rule_helpers import audited, person, refusal, user
from tests.test_institution import PRODUCT

TODAY = dt.date(2026, 12, 6)


@pytest.fixture
def parties(ctx, monkeypatch):
    monkeypatch.setattr(loans, "today", lambda: TODAY)
    return {"bank": person("institution"), "firm": person("enterprise"), "other_bank": person("institution")}


def _lent(parties, *, kind="credit_loan", principal=1_200_000, rate=4.2, term=12, repayment="equal_installment",
          disbursed_at=dt.datetime(2026, 3, 1, 20, 0, tzinfo=dt.timezone.utc)) -> Loan | None:
    legacy = kind == "equity_investment"  # refused as a new product since it became an investor profile
    product = products.create(actor=user(parties["bank"]), values={**PRODUCT, "kind": "credit_loan" if legacy else kind})
    if legacy:
        product.kind = ProductKind.EQUITY_INVESTMENT
    need = FinancingNeed(enterprise_id=parties["firm"].enterprise_id, amount_cny=principal, term_months=term)
    db.session.add(need)
    db.session.flush()
    application = Application(need_id=need.id, product_id=product.id, enterprise_id=parties["firm"].enterprise_id,
                              institution_id=product.institution_id, amount_cny=principal, term_months=term,
                              status=ApplicationStatus.DISBURSED, approved_amount_cny=principal, rate_pct=rate,
                              approved_term_months=term, disbursed_amount_cny=principal, disbursed_at=disbursed_at)
    db.session.add(application)
    db.session.flush()
    loan = loans.create(application=application, repayment=repayment)
    db.session.commit()
    return loan


def test_a_disbursement_makes_a_loan_of_the_approvals_terms(parties):
    loan = _lent(parties)
    assert (loan.principal_cny, loan.outstanding_cny, loan.rate_pct, loan.term_months) == (1_200_000, 1_200_000, 4.2, 12)
    assert loan.disbursed_on == dt.date(2026, 3, 2)  # 20:00 UTC is the next morning in Chongqing
    assert (loan.status, loan.repayment, loan.overdue_principal_cny, loan.overdue_since) == (
        LoanStatus.CURRENT, RepaymentMethod.EQUAL_INSTALLMENT, 0, None)
    assert (loan.enterprise_id, loan.institution_id) == (parties["firm"].enterprise_id, parties["bank"].institution_id)
    assert loan.risk_fund_covered is False
    assert _lent(parties, kind="knowledge_value").risk_fund_covered is True
    assert _lent(parties, repayment=None).repayment is RepaymentMethod.EQUAL_INSTALLMENT
    assert _lent(parties, repayment="bullet").repayment is RepaymentMethod.BULLET
    for kind in ("guarantee", "tech_insurance", "equity_investment"):
        assert _lent(parties, kind=kind) is None
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Loan)) == 4


def test_the_funds_cover_is_configuration_and_the_approval_fills_the_gaps(parties, app):
    app.config["RISK_FUND_KINDS"] = ("credit_loan",)
    assert _lent(parties).risk_fund_covered is True
    product = products.create(actor=user(parties["bank"]), values=PRODUCT)
    need = FinancingNeed(enterprise_id=parties["firm"].enterprise_id, amount_cny=500_000, term_months=9)
    db.session.add(need)
    db.session.flush()
    bare = Application(need_id=need.id, product_id=product.id, enterprise_id=parties["firm"].enterprise_id,
                       institution_id=product.institution_id, amount_cny=500_000, term_months=9,
                       status=ApplicationStatus.DISBURSED, approved_amount_cny=500_000, disbursed_amount_cny=400_000,
                       disbursed_at=dt.datetime(2026, 5, 1, 1, tzinfo=dt.timezone.utc))
    db.session.add(bare)
    db.session.flush()
    loan = loans.create(application=bare)
    assert (loan.rate_pct, loan.term_months, loan.principal_cny) == (PRODUCT["rate_min_pct"], 9, 400_000)


def test_an_unknown_repayment_method_is_refused_by_name(parties):
    error = refusal(InvalidInput, _lent, parties, repayment="weekly")
    assert (error.message, error.fields) == ("还款方式有误", {"repayment": ["未知的还款方式：weekly"]})


@pytest.mark.parametrize(("day", "problem"), [
    (None, "此项为必填项"), (dt.date(2026, 3, 1), "还款日期不能早于放款日 2026-03-02"),
    (dt.date(2026, 12, 7), "还款日期不能晚于今天"), (dt.date(2026, 3, 2), None), (TODAY, None)])
def test_a_repayment_date_lies_between_the_disbursement_and_today(parties, day, problem):
    loan = _lent(parties)
    call = (loans.repay, dict(actor=user(parties["bank"]), loan_id=loan.id, paid_on=day, principal_cny=100,
                              interest_cny=0))
    if problem is None:
        assert call[0](**call[1]).paid_on == day
        return
    error = refusal(InvalidInput, call[0], **call[1])
    assert (error.message, error.fields) == ("还款信息有误，请检查标出的字段", {"paid_on": [problem]})


@pytest.mark.parametrize(("principal", "interest", "fields"), [
    (-1, 0, {"principal_cny": ["还款本金不能为负数"]}),
    (0, -1, {"interest_cny": ["还款利息不能为负数"]}),
    (-1, -1, {"principal_cny": ["还款本金不能为负数"], "interest_cny": ["还款利息不能为负数"]}),
    (0, 0, {"principal_cny": ["请填写还款本金或利息"]}),
    (None, None, {"principal_cny": ["请填写还款本金或利息"]}),
    (1_200_001, 0, {"principal_cny": ["还款本金超过未还本金 1,200,000 元"]}),
])
def test_a_bad_repayment_names_its_field(parties, principal, interest, fields):
    loan = _lent(parties)
    error = refusal(InvalidInput, loans.repay, actor=user(parties["bank"]), loan_id=loan.id, paid_on=TODAY,
                    principal_cny=principal, interest_cny=interest)
    assert error.fields == fields
    db.session.rollback()
    assert db.session.get(Loan, loan.id).outstanding_cny == 1_200_000


def test_a_repayment_is_recorded_audited_and_moves_the_loan(parties):
    loan = _lent(parties)
    bank = user(parties["bank"])
    paid = loans.repay(actor=bank, loan_id=loan.id, paid_on=TODAY, principal_cny=None, interest_cny=4_200)
    assert (paid.loan_id, paid.principal_cny, paid.interest_cny, paid.recorded_by) == (loan.id, 0, 4_200, bank.id)
    paid = loans.repay(actor=bank, loan_id=loan.id, paid_on=TODAY, principal_cny=100_000, interest_cny=None)
    assert (paid.principal_cny, paid.interest_cny) == (100_000, 0)
    paid = loans.repay(actor=bank, loan_id=loan.id, paid_on=TODAY, principal_cny=100_000, interest_cny=100_000)
    assert (paid.principal_cny, paid.interest_cny) == (100_000, 100_000)  # as much interest as principal is fine
    db.session.commit()
    assert (db.session.get(Loan, loan.id).outstanding_cny, db.session.get(Loan, loan.id).status) == (
        1_000_000, LoanStatus.CURRENT)
    assert [(e.actor_id, e.target_type, e.target_id, e.detail) for e in audited("loan.repayment")] == [
        (bank.id, "loan", loan.id, {"principal_cny": 0, "interest_cny": 4_200, "paid_on": TODAY.isoformat()}),
        (bank.id, "loan", loan.id, {"principal_cny": 100_000, "interest_cny": 0, "paid_on": TODAY.isoformat()}),
        (bank.id, "loan", loan.id, {"principal_cny": 100_000, "interest_cny": 100_000, "paid_on": TODAY.isoformat()})]
    loans.repay(actor=bank, loan_id=loan.id, paid_on=TODAY, principal_cny=1_000_000, interest_cny=0)
    db.session.commit()
    done = db.session.get(Loan, loan.id)
    assert (done.outstanding_cny, done.status, done.overdue_since) == (0, LoanStatus.REPAID, None)
    error = refusal(Conflict, loans.repay, actor=bank, loan_id=loan.id, paid_on=TODAY, principal_cny=0,
                    interest_cny=1)
    assert error.message == "该贷款已结清，不能再登记还款"


def test_only_the_lending_bank_reports(parties):
    loan = _lent(parties)
    repayment = {"loan_id": loan.id, "paid_on": TODAY, "principal_cny": 1, "interest_cny": 0}
    overdue = {"loan_id": loan.id, "since": TODAY, "overdue_principal_cny": 1}
    for call, values in ((loans.repay, repayment), (loans.overdue, overdue)):
        assert refusal(Forbidden, call, actor=user(parties["firm"]), **values).message == "只有放款机构可以报告贷款情况"
        assert refusal(NotFound, call, actor=user(parties["other_bank"]), **values).message == "贷款不存在"


@pytest.mark.parametrize(("since", "principal", "fields"), [
    (None, 1, {"since": ["此项为必填项"]}),
    (dt.date(2026, 3, 1), 1, {"since": ["逾期起始日不能早于放款日 2026-03-02"]}),
    (dt.date(2026, 12, 7), 1, {"since": ["逾期起始日不能晚于今天"]}),
    (TODAY, None, {"overdue_principal_cny": ["此项为必填项"]}),
    (TODAY, 0, {"overdue_principal_cny": ["逾期本金应大于 0 且不超过未还本金 1,200,000 元"]}),
    (TODAY, 1_200_001, {"overdue_principal_cny": ["逾期本金应大于 0 且不超过未还本金 1,200,000 元"]}),
    (None, None, {"since": ["此项为必填项"], "overdue_principal_cny": ["此项为必填项"]}),
])
def test_a_bad_overdue_report_names_its_field(parties, since, principal, fields):
    loan = _lent(parties)
    error = refusal(InvalidInput, loans.overdue, actor=user(parties["bank"]), loan_id=loan.id, since=since,
                    overdue_principal_cny=principal)
    assert (error.message, error.fields) == ("逾期信息有误，请检查标出的字段", fields)


def test_an_overdue_report_moves_the_loan_tells_the_firm_and_is_audited(parties):
    loan = _lent(parties)
    bank = user(parties["bank"])
    since = dt.date(2026, 3, 2)
    late = loans.overdue(actor=bank, loan_id=loan.id, since=since, overdue_principal_cny=1_200_000)
    db.session.commit()
    assert (late.status, late.overdue_since, late.overdue_principal_cny) == (LoanStatus.OVERDUE, since, 1_200_000)
    assert loans.days_past_due(late) == (TODAY - since).days
    [event] = audited("loan.overdue")
    assert (event.actor_id, event.target_type, event.target_id, event.detail) == (
        bank.id, "loan", loan.id, {"since": "2026-03-02", "overdue_principal_cny": 1_200_000})
    [note] = db.session.scalars(sa.select(Notification).where(Notification.kind == "loan.overdue")).all()
    assert (note.enterprise_id, note.link) == (parties["firm"].enterprise_id, f"/enterprise/loans/{loan.id}")
    assert note.message == f"贷款「{PRODUCT['name']}」已逾期，逾期本金 120 万元，请尽快联系放款机构"
    # Repaying part of the overdue principal leaves it overdue; the rest makes it current.
    loans.repay(actor=bank, loan_id=loan.id, paid_on=TODAY, principal_cny=1_199_999, interest_cny=0)
    db.session.commit()
    still = db.session.get(Loan, loan.id)
    assert (still.status, still.overdue_principal_cny, still.overdue_since) == (LoanStatus.OVERDUE, 1, since)
    loans.overdue(actor=bank, loan_id=loan.id, since=TODAY, overdue_principal_cny=1)
    loans.repay(actor=bank, loan_id=loan.id, paid_on=TODAY, principal_cny=1, interest_cny=0)
    db.session.commit()
    done = db.session.get(Loan, loan.id)
    assert (done.status, done.overdue_principal_cny, done.overdue_since) == (LoanStatus.REPAID, 0, None)
    error = refusal(Conflict, loans.overdue, actor=bank, loan_id=loan.id, since=TODAY, overdue_principal_cny=1)
    assert error.message == "该贷款已结清，不能登记逾期"


def test_repaying_the_overdue_principal_makes_the_loan_current(parties):
    loan = _lent(parties)
    bank = user(parties["bank"])
    loans.overdue(actor=bank, loan_id=loan.id, since=TODAY, overdue_principal_cny=300_000)
    loans.repay(actor=bank, loan_id=loan.id, paid_on=TODAY, principal_cny=300_000, interest_cny=0)
    db.session.commit()
    again = db.session.get(Loan, loan.id)
    assert (again.status, again.overdue_principal_cny, again.overdue_since, again.outstanding_cny) == (
        LoanStatus.CURRENT, 0, None, 900_000)
    assert loans.days_past_due(again) == 0 and loans.classify(again) == "normal"


def test_what_is_due_next(parties):
    loan = _lent(parties)  # 12 equal instalments from 2026-04-02
    plan = loans.instalments(loan)
    assert loans.next_due(loan, on=dt.date(2026, 3, 2)) == plan[0]
    loans.repay(actor=user(parties["bank"]), loan_id=loan.id, paid_on=TODAY, principal_cny=plan[0].principal_cny,
                interest_cny=plan[0].interest_cny)
    db.session.commit()
    assert loans.next_due(db.session.get(Loan, loan.id), on=dt.date(2026, 3, 2)) == plan[1]
    loans.repay(actor=user(parties["bank"]), loan_id=loan.id, paid_on=TODAY, principal_cny=plan[1].principal_cny - 1,
                interest_cny=0)
    db.session.commit()
    assert loans.next_due(db.session.get(Loan, loan.id), on=dt.date(2026, 3, 2)) == plan[1]  # not all of it yet
    interest_only = _lent(parties, repayment="interest_only")
    schedule = loans.instalments(interest_only)
    assert loans.next_due(interest_only, on=schedule[4].due_on) == schedule[4]
    assert loans.next_due(interest_only, on=schedule[4].due_on + dt.timedelta(days=1)) == schedule[5]
    assert loans.next_due(interest_only, on=dt.date(2030, 1, 1)) == schedule[-1]  # the principal is still owed
    interest_only.status = LoanStatus.WRITTEN_OFF
    assert loans.next_due(interest_only) is None


def test_days_past_due_need_an_overdue_loan_with_a_date(parties):
    loan = _lent(parties)
    assert loans.days_past_due(loan, on=dt.date(2027, 1, 1)) == 0
    loan.status = LoanStatus.OVERDUE
    assert loans.days_past_due(loan, on=dt.date(2027, 1, 1)) == 0  # no date: nothing to count from
    loan.overdue_since = dt.date(2026, 12, 1)
    assert loans.days_past_due(loan, on=dt.date(2026, 11, 1)) == 0  # never negative
    assert loans.days_past_due(loan, on=dt.date(2026, 12, 3)) == 2
    assert loans.days_past_due(loan) == 5  # to today
    assert loans.classify(loan) == "special_mention"


def test_the_list_filters_orders_and_pages(parties):
    first = _lent(parties, disbursed_at=dt.datetime(2026, 2, 1, 2, tzinfo=dt.timezone.utc))
    second = _lent(parties, disbursed_at=dt.datetime(2026, 4, 1, 2, tzinfo=dt.timezone.utc))
    third = _lent(parties, disbursed_at=dt.datetime(2026, 4, 1, 3, tzinfo=dt.timezone.utc))
    loans.overdue(actor=user(parties["bank"]), loan_id=first.id, since=TODAY, overdue_principal_cny=1)
    db.session.commit()
    for who in ("bank", "firm"):
        items, total = loans.get_all(actor=user(parties[who]))
        assert ([i.id for i in items], total) == ([third.id, second.id, first.id], 3)
    earliest = _lent(parties, disbursed_at=dt.datetime(2026, 1, 5, 2, tzinfo=dt.timezone.utc))  # entered last
    items, total = loans.get_all(actor=user(parties["bank"]))
    assert ([i.id for i in items], total) == ([third.id, second.id, first.id, earliest.id], 4)
    db.session.delete(earliest)
    db.session.commit()
    items, total = loans.get_all(actor=user(parties["bank"]), status="overdue")
    assert ([i.id for i in items], total) == ([first.id], 1)
    items, total = loans.get_all(actor=user(parties["bank"]), limit=1, offset=1)
    assert ([i.id for i in items], total) == ([second.id], 3)
    items, _ = loans.get_all(actor=user(parties["bank"]), limit=None)
    assert len(items) == 3
    assert loans.get_all(actor=user(parties["other_bank"])) == ([], 0)
    error = refusal(InvalidInput, loans.get_all, actor=user(parties["bank"]), status="late")
    assert (error.message, error.fields) == ("筛选条件有误", {"status": ["未知的状态：late"]})
    assert refusal(NotFound, loans.get, actor=user(parties["other_bank"]), loan_id=first.id).message == "贷款不存在"
    assert refusal(NotFound, loans.get, actor=user(parties["bank"]), loan_id=0).message == "贷款不存在"


def test_two_reports_at_once_never_repay_more_than_is_owed(parties, monkeypatch):
    """The conditional update: a report that read the outstanding principal before another one brought it
    down finds nothing to update, and records nothing."""
    loan = _lent(parties)
    stale = SimpleNamespace(id=loan.id, status=LoanStatus.CURRENT, outstanding_cny=1_200_000,
                            disbursed_on=loan.disbursed_on)
    db.session.execute(sa.update(Loan).where(Loan.id == loan.id).values(outstanding_cny=100))  # the other report
    db.session.commit()
    monkeypatch.setattr(loans, "_lender", lambda actor, loan_id: stale)
    error = refusal(Conflict, loans.repay, actor=user(parties["bank"]), loan_id=loan.id, paid_on=TODAY,
                    principal_cny=500, interest_cny=0)
    assert error.message == "贷款已被同时更新，请刷新后重试"
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(LoanRepayment)) == 0
    assert db.session.get(Loan, loan.id).outstanding_cny == 100
    # Exactly what is left still goes through.
    monkeypatch.setattr(loans, "_lender", lambda actor, loan_id: db.session.get(Loan, loan_id))
    loans.repay(actor=user(parties["bank"]), loan_id=loan.id, paid_on=TODAY, principal_cny=100, interest_cny=0)
    assert db.session.get(Loan, loan.id).status is LoanStatus.REPAID


def test_a_repayment_moves_its_own_loan_only(parties):
    loan, other = _lent(parties), _lent(parties)
    loans.repay(actor=user(parties["bank"]), loan_id=loan.id, paid_on=TODAY, principal_cny=200_000, interest_cny=0)
    db.session.commit()
    assert (db.session.get(Loan, loan.id).outstanding_cny, db.session.get(Loan, other.id).outstanding_cny) == (
        1_000_000, 1_200_000)


def test_today_is_chongqings_date(parties, monkeypatch):
    monkeypatch.undo()  # the fixture's fixed day
    evening = dt.datetime(2026, 12, 6, 20, 0, tzinfo=dt.timezone.utc)  # 04:00 on the 7th in Chongqing
    monkeypatch.setattr(loans, "now_utc", lambda: evening)
    assert loans.today() == dt.date(2026, 12, 7)
