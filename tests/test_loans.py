"""Loans after disbursement (issue 17, first part): a disbursement makes a loan with its schedule, to the yuan;
the bank reports repayments and overdue events through the API and the pages; the status and the five-category
class follow; another bank, another firm and the wrong role never reach a loan. On both databases."""
from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from models import loan_schedule as plan
from matchmaker.loans import services as loans
from models import Loan, LoanRepayment, LoanStatus, db
from tests.test_api import assert_error, token_for
from tests.test_institution import PRODUCT, market_of

DAY = dt.date(2026, 1, 31)


@pytest.mark.parametrize("method", ["equal_installment", "interest_only", "bullet"])
@pytest.mark.parametrize(("principal", "rate", "term"), [
    (1_000_000, 3.45, 12), (2_350_001, 4.35, 18), (99_999, 0.0, 7), (50_000_000, 5.9, 60), (10_000, 24.0, 1)])
def test_a_schedules_principal_sums_to_the_principal_to_the_yuan(method, principal, rate, term):
    entries = plan.schedule(principal_cny=principal, rate_pct=rate, term_months=term, disbursed_on=DAY,
                            repayment=method)
    assert sum(e.principal_cny for e in entries) == principal
    assert all(isinstance(e.principal_cny, int) and isinstance(e.interest_cny, int) for e in entries)
    assert all(e.principal_cny >= 0 and e.interest_cny >= 0 for e in entries)
    assert entries[-1].due_on == plan.months_after(DAY, term)
    assert [e.due_on for e in entries] == sorted(e.due_on for e in entries)


def test_the_three_methods_on_a_worked_example():
    """100 万 at 3.6 % for 12 months: 0.3 % a month."""
    equal = plan.schedule(principal_cny=1_000_000, rate_pct=3.6, term_months=12, disbursed_on=DAY,
                          repayment="equal_installment")
    assert [e.due_on for e in equal[:3]] == [dt.date(2026, 2, 28), dt.date(2026, 3, 31), dt.date(2026, 4, 30)]
    # 等额本息: the payment is 1,000,000 × 0.003 / (1 − 1.003^−12) = 84,967.26; the first month's interest 3,000.
    assert (equal[0].principal_cny, equal[0].interest_cny) == (81_967, 3_000)
    assert all(abs(e.principal_cny + e.interest_cny - 84_967) <= 1 for e in equal)
    interest_only = plan.schedule(principal_cny=1_000_000, rate_pct=3.6, term_months=12, disbursed_on=DAY,
                                  repayment="interest_only")
    assert [e.principal_cny for e in interest_only] == [0] * 11 + [1_000_000]
    assert {e.interest_cny for e in interest_only} == {3_000}
    bullet = plan.schedule(principal_cny=1_000_000, rate_pct=3.6, term_months=12, disbursed_on=DAY, repayment="bullet")
    assert bullet == [plan.Instalment(dt.date(2027, 1, 31), 1_000_000, 36_000)]
    with pytest.raises(ValueError):
        plan.schedule(principal_cny=1, rate_pct=1, term_months=1, disbursed_on=DAY, repayment="weekly")


@pytest.mark.parametrize(("day", "months", "expected"), [
    (dt.date(2026, 1, 31), 1, dt.date(2026, 2, 28)), (dt.date(2028, 1, 31), 1, dt.date(2028, 2, 29)),
    (dt.date(2026, 11, 15), 2, dt.date(2027, 1, 15)), (dt.date(2026, 12, 31), 12, dt.date(2027, 12, 31))])
def test_a_month_later_keeps_the_day_or_takes_the_months_last(day, months, expected):
    assert plan.months_after(day, months) == expected


@pytest.fixture
def lent(client, make_user):
    """A credit loan of 120 万 at 4.2 % for 12 months, disbursed today through the API."""
    market = market_of(client, make_user("institution"), make_user("enterprise"))
    application = market["application"]["id"]
    approved = client.post(f"/api/v1/applications/{application}/decision", headers=market["bank"], json={
        "decision": "approve", "approved_amount_cny": 1_500_000, "rate_pct": 4.2, "term_months": 12})
    assert approved.status_code == 200, approved.json
    paid = client.post(f"/api/v1/applications/{application}/disbursement", headers=market["bank"],
                       json={"amount_cny": 1_200_000, "repayment": "interest_only"})
    assert paid.status_code == 200, paid.json
    (loan,) = client.get("/api/v1/loans", headers=market["bank"]).json["items"]
    return {**market, "loan": loan}


def test_a_disbursement_makes_a_loan_the_contract_describes(client, lent):
    loan = client.get(f"/api/v1/loans/{lent['loan']['id']}", headers=lent["owner"]).json
    assert {"id", "application_id", "enterprise_id", "product_id", "principal_cny", "rate_pct", "term_months",
            "disbursed_on", "repayment", "schedule", "outstanding_cny", "status", "risk_fund_covered"} <= set(loan)
    assert (loan["application_id"], loan["product_id"]) == (lent["application"]["id"], lent["product"]["id"])
    assert (loan["principal_cny"], loan["outstanding_cny"], loan["rate_pct"], loan["term_months"]) == (
        1_200_000, 1_200_000, 4.2, 12)
    assert (loan["status"], loan["repayment"], loan["risk_fund_covered"]) == ("current", "interest_only", False)
    assert loan["enterprise_id"] == lent["application"]["enterprise_id"]
    assert dt.date.fromisoformat(loan["disbursed_on"]) == loans.today()
    assert len(loan["schedule"]) == 12 and set(loan["schedule"][0]) == {"due_on", "principal_cny", "interest_cny"}
    assert sum(e["principal_cny"] for e in loan["schedule"]) == 1_200_000
    assert loan["schedule"][0]["interest_cny"] == 4_200  # 1,200,000 × 4.2 % / 12
    assert loan["next_due"] == loan["schedule"][0] and loan["loan_class"] == "normal" and loan["repayments"] == []


def test_a_disbursement_with_an_unknown_repayment_is_422_and_makes_nothing(client, make_user, app):
    market = market_of(client, make_user("institution"), make_user("enterprise"))
    application = market["application"]["id"]
    client.post(f"/api/v1/applications/{application}/decision", headers=market["bank"], json={
        "decision": "approve", "approved_amount_cny": 1_500_000, "rate_pct": 4.2, "term_months": 12})
    assert_error(client.post(f"/api/v1/applications/{application}/disbursement", headers=market["bank"],
                             json={"amount_cny": 1_000_000, "repayment": "weekly"}), 422, fields=["repayment"])
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Loan)) == 0
    assert client.get(f"/api/v1/applications/{application}", headers=market["bank"]).json["status"] == "approved"


def test_repayments_bring_the_principal_down_and_the_last_one_ends_the_loan(client, lent):
    url = f"/api/v1/loans/{lent['loan']['id']}"
    today = loans.today().isoformat()
    first = client.post(f"{url}/repayments", headers=lent["bank"],
                        json={"paid_on": today, "principal_cny": 200_000, "interest_cny": 4_200})
    assert first.status_code == 201, first.json
    assert {"id", "paid_on", "principal_cny", "interest_cny"} <= set(first.json)
    assert client.get(url, headers=lent["bank"]).json["outstanding_cny"] == 1_000_000
    assert_error(client.post(f"{url}/repayments", headers=lent["bank"],
                             json={"paid_on": today, "principal_cny": 1_000_001, "interest_cny": 0}),
                 422, fields=["principal_cny"])
    last = client.post(f"{url}/repayments", headers=lent["bank"],
                       json={"paid_on": today, "principal_cny": 1_000_000, "interest_cny": 0})
    assert last.status_code == 201
    done = client.get(url, headers=lent["owner"]).json
    assert (done["status"], done["outstanding_cny"], done["next_due"]) == ("repaid", 0, None)
    assert [r["principal_cny"] for r in done["repayments"]] == [200_000, 1_000_000]
    assert_error(client.post(f"{url}/repayments", headers=lent["bank"],
                             json={"paid_on": today, "principal_cny": 0, "interest_cny": 10}), 409)


@pytest.mark.parametrize(("body", "field"), [
    ({"paid_on": "2020-01-01", "principal_cny": 1, "interest_cny": 0}, "paid_on"),  # before the disbursement
    ({"paid_on": "2099-01-01", "principal_cny": 1, "interest_cny": 0}, "paid_on"),  # ahead
    ({"paid_on": "TODAY", "principal_cny": -5, "interest_cny": 0}, "principal_cny"),
    ({"paid_on": "TODAY", "principal_cny": 0, "interest_cny": -1}, "interest_cny"),
    ({"paid_on": "TODAY", "principal_cny": 0, "interest_cny": 0}, "principal_cny"),
    ({"paid_on": "TODAY", "principal_cny": "100", "interest_cny": 0}, "principal_cny"),
    ({"paid_on": "yesterday", "principal_cny": 1, "interest_cny": 0}, "paid_on"),
    ({"principal_cny": 1, "interest_cny": 0}, "paid_on"),
])
def test_a_bad_repayment_is_422_naming_the_field_and_changes_nothing(client, lent, body, field):
    body = {k: (loans.today().isoformat() if v == "TODAY" else v) for k, v in body.items()}
    url = f"/api/v1/loans/{lent['loan']['id']}"
    assert_error(client.post(f"{url}/repayments", headers=lent["bank"], json=body), 422, fields=[field])
    assert client.get(url, headers=lent["bank"]).json["outstanding_cny"] == 1_200_000


def test_an_overdue_loan_is_current_again_once_the_overdue_principal_is_repaid(client, lent):
    url = f"/api/v1/loans/{lent['loan']['id']}"
    today = loans.today()
    late = client.post(f"{url}/overdue", headers=lent["bank"],
                       json={"since": today.isoformat(), "overdue_principal_cny": 300_000})
    assert late.status_code == 200, late.json
    assert (late.json["status"], late.json["overdue_principal_cny"], late.json["days_past_due"]) == (
        "overdue", 300_000, 0)
    assert_error(client.post(f"{url}/overdue", headers=lent["bank"],
                             json={"since": today.isoformat(), "overdue_principal_cny": 1_200_001}),
                 422, fields=["overdue_principal_cny"])
    client.post(f"{url}/repayments", headers=lent["bank"],
                json={"paid_on": today.isoformat(), "principal_cny": 100_000, "interest_cny": 0})
    still = client.get(url, headers=lent["bank"]).json
    assert (still["status"], still["overdue_principal_cny"], still["outstanding_cny"]) == ("overdue", 200_000, 1_100_000)
    client.post(f"{url}/repayments", headers=lent["bank"],
                json={"paid_on": today.isoformat(), "principal_cny": 200_000, "interest_cny": 0})
    again = client.get(url, headers=lent["bank"]).json
    assert (again["status"], again["overdue_principal_cny"], again["overdue_since"]) == ("current", 0, None)


@pytest.mark.parametrize(("days", "expected"), [
    (0, "special_mention"), (1, "special_mention"), (90, "special_mention"), (91, "substandard"), (270, "substandard"),
    (271, "doubtful"), (360, "doubtful"), (361, "loss")])
def test_the_five_category_class_by_days_past_due(app, days, expected):
    with app.app_context():
        loan = Loan(status=LoanStatus.OVERDUE, overdue_since=dt.date(2026, 1, 1))
        on = dt.date(2026, 1, 1) + dt.timedelta(days=days)
        assert loans.days_past_due(loan, on=on) == days
        assert loans.classify(loan, on=on) == expected
        assert loans.classify(Loan(status=LoanStatus.WRITTEN_OFF), on=on) == "loss"
        assert loans.classify(Loan(status=LoanStatus.CURRENT), on=on) == "normal"


def test_a_knowledge_value_loan_is_covered_by_the_fund(client, make_user):
    officer, firm = make_user("institution"), make_user("enterprise")
    bank = token_for(client, officer.email, officer.password)
    owner = token_for(client, firm.email, firm.password)
    product = client.post("/api/v1/products", headers=bank, json={**PRODUCT, "kind": "knowledge_value"}).json
    need = client.post("/api/v1/needs", headers=owner, json={"amount_cny": 1_000_000, "term_months": 12}).json
    application = client.post("/api/v1/applications", headers=owner,
                              json={"need_id": need["id"], "product_id": product["id"]}).json["id"]
    client.post(f"/api/v1/applications/{application}/decision", headers=bank, json={
        "decision": "approve", "approved_amount_cny": 1_000_000, "rate_pct": 3.65, "term_months": 12})
    client.post(f"/api/v1/applications/{application}/disbursement", headers=bank, json={"amount_cny": 1_000_000})
    (loan,) = client.get("/api/v1/loans", headers=owner).json["items"]
    assert (loan["risk_fund_covered"], loan["repayment"]) == (True, "equal_installment")


def test_another_bank_another_firm_and_the_wrong_role_never_reach_a_loan(client, lent, make_user):
    url = f"/api/v1/loans/{lent['loan']['id']}"
    other_bank = make_user("institution")
    stranger = token_for(client, other_bank.email, other_bank.password)
    other_firm = make_user("enterprise")
    outsider = token_for(client, other_firm.email, other_firm.password)
    today = loans.today().isoformat()
    repayment = {"paid_on": today, "principal_cny": 1, "interest_cny": 0}
    overdue = {"since": today, "overdue_principal_cny": 1}
    for headers in (stranger, outsider):
        assert_error(client.get(url, headers=headers), 404)
        assert client.get("/api/v1/loans", headers=headers).json == {"items": [], "total": 0}
    assert_error(client.post(f"{url}/repayments", headers=stranger, json=repayment), 404)
    assert_error(client.post(f"{url}/overdue", headers=stranger, json=overdue), 404)
    for path, body in ((f"{url}/repayments", repayment), (f"{url}/overdue", overdue)):
        assert_error(client.post(path, headers=lent["owner"], json=body), 403)
        assert_error(client.post(path, headers=outsider, json=body), 403)
        assert_error(client.post(path, json=body), 401)
    assert_error(client.get(url), 401)
    assert_error(client.get("/api/v1/loans/999999", headers=lent["bank"]), 404)
    assert client.get(url, headers=lent["bank"]).json["outstanding_cny"] == 1_200_000


def test_a_retried_repayment_with_its_key_is_recorded_once(client, lent, app):
    url = f"/api/v1/loans/{lent['loan']['id']}/repayments"
    body = {"paid_on": loans.today().isoformat(), "principal_cny": 50_000, "interest_cny": 4_200}
    headers = {**lent["bank"], "Idempotency-Key": "core-banking-7781"}
    first = client.post(url, headers=headers, json=body)
    second = client.post(url, headers=headers, json=body)
    assert (first.status_code, second.status_code) == (201, 201) and first.json == second.json
    assert second.headers.get("Idempotent-Replayed") == "true"
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(LoanRepayment)) == 1
        assert db.session.scalar(sa.select(Loan.outstanding_cny)) == 1_150_000


def test_the_officer_records_a_repayment_on_the_page_and_the_firm_reads_its_loan(client, lent, app):
    from tests.conftest import csrf_token
    from tests.test_auth_pages import field_errors, submit

    officer = lent["officer"]
    loan_id = lent["loan"]["id"]
    assert submit(client, "/auth/login", {"email": officer.email, "password": officer.password}).status_code == 302
    assert "贷后管理" in client.get("/institution/loans").get_data(as_text=True)
    page = client.get(f"/institution/loans/{loan_id}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "登记还款" in html and "还款计划" in html
    today = loans.today().isoformat()
    token = csrf_token(html)
    wrong = client.post(f"/institution/loans/{loan_id}/repayments",
                        data={"paid_on": today, "principal_cny": "9999999", "interest_cny": "0", "csrf_token": token})
    assert wrong.status_code == 422
    assert field_errors(wrong.get_data(as_text=True))["principal_cny"] == "还款本金超过未还本金 1,200,000 元"
    assert 'value="9999999"' in wrong.get_data(as_text=True)  # what was typed stays
    done = client.post(f"/institution/loans/{loan_id}/repayments",
                       data={"paid_on": today, "principal_cny": "200000", "interest_cny": "4200", "csrf_token": token})
    assert done.status_code == 302
    late = client.post(f"/institution/loans/{loan_id}/overdue",
                       data={"since": today, "overdue_principal_cny": "", "csrf_token": token})
    assert late.status_code == 422 and "overdue_principal_cny" in field_errors(late.get_data(as_text=True))
    with app.app_context():
        assert db.session.get(Loan, loan_id).outstanding_cny == 1_000_000
    firm = lent["firm"]
    client.post("/auth/logout", data={"csrf_token": csrf_token(client.get("/account").get_data(as_text=True))})
    assert submit(client, "/auth/login", {"email": firm.email, "password": firm.password}).status_code == 302
    mine = client.get(f"/enterprise/loans/{loan_id}").get_data(as_text=True)
    assert "还款计划" in mine and "登记还款" not in mine and "100 万元" in mine
    assert client.get(f"/institution/loans/{loan_id}").status_code in (302, 403, 404)


def test_a_firm_is_reminded_once_a_few_days_before_an_instalment(client, lent, app):
    from matchmaker.loans import reminders
    from models import Notification

    with app.app_context():
        loan = db.session.get(Loan, lent["loan"]["id"])
        due = loans.next_due(loan).due_on
        days = app.config["LOAN_REMINDER_DAYS"]
        assert reminders.remind(on=due - dt.timedelta(days=days + 1)) == 0  # too early
        assert reminders.remind(on=due - dt.timedelta(days=days)) == 1
        assert reminders.remind(on=due - dt.timedelta(days=days - 1)) == 0  # told already
        db.session.commit()
        (note,) = db.session.scalars(sa.select(Notification).where(Notification.kind == "loan.due")).all()
        assert note.enterprise_id == loan.enterprise_id and note.link == f"/enterprise/loans/{loan.id}"
        assert note.message == f"贷款「{loan.product.name}」将于 {due.isoformat()} 到期还款：本金 0 万元，利息 0.42 万元"
        loan.status = LoanStatus.REPAID
        db.session.commit()
        assert reminders.remind(on=due - dt.timedelta(days=days)) == 0  # nothing open
