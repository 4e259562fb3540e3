"""What the bank recovers after the fund paid its claim goes back to the fund pro rata (finance-rules.md: "fund and
bank then pursue recovery together (recoveries go back pro rata)"): the fund's share is covered ÷ loss of each
recovery, rounded down on the running total, so a loss recovered in full returns exactly what the fund paid, city
and district as they paid it. On both databases."""
from __future__ import annotations

import datetime as dt
import random

import pytest

from matchmaker.loans import fund as fund_rules
from matchmaker.loans import services as loans
from models import CompensationClaim
from tests.test_api import assert_error
from tests.test_risk_fund import bureau, lend, overdue  # noqa: F401  (fixtures and steps shared)


def paid_claims(client, bureau, *, loss=500_000, count=1) -> list[tuple[dict, dict]]:  # noqa: F811
    """``count`` covered loans of 100 万 (all lent before the first claim trips the bank's fuse), each overdue,
    claimed for ``loss`` and paid."""
    made = [lend(client, bureau) for _ in range(count)]
    client.post("/api/v1/admin/risk-fund/contributions", headers=bureau["admin"],
                json={"city_cny": 4_000_000, "district_cny": 6_000_000, "received_on": loans.today().isoformat()})
    out = []
    for loan in made:
        overdue(client, bureau, loan, loss)
        claim = client.post(f"/api/v1/loans/{loan['id']}/compensation-claims", headers=bureau["bank"],
                            json={"loss_cny": loss}).json
        assert client.post(f"/api/v1/admin/compensation-claims/{claim['id']}/decision", headers=bureau["admin"],
                           json={"decision": "approve"}).status_code == 200
        out.append((loan, claim))
    return out


def paid_claim(client, bureau, *, loss=500_000):  # noqa: F811
    return paid_claims(client, bureau, loss=loss)[0]


@pytest.mark.parametrize("loss", [1, 7, 1_000_001, 500_000, 123_457])  # 1: the fund covered nothing
def test_a_loss_recovered_in_pieces_returns_exactly_what_the_fund_paid(app, loss):
    with app.app_context():
        covered, city, district = fund_rules.split(loss)
        claim = CompensationClaim(loss_cny=loss, covered_cny=covered, city_cny=city, district_cny=district)
        pieces, left, draw = [], loss, random.Random(loss)
        while left:
            pieces.append(min(left, draw.randint(1, max(1, loss // 3))))
            left -= pieces[-1]
        total = returned = returned_city = 0
        for piece in pieces:
            before = fund_rules.returned_share(claim, total)
            total += piece
            after = fund_rules.returned_share(claim, total)
            share, share_city = after[0] - before[0], after[1] - before[1]
            assert 0 <= share_city <= share <= piece  # never more than came in, the city never more than the share
            assert share == total * covered // loss - returned  # pro rata on the running total, rounded down
            returned, returned_city = returned + share, returned_city + share_city
        assert (returned, returned_city, returned - returned_city) == (covered, city, district)


def test_recoveries_go_back_to_the_fund_pro_rata(client, bureau):  # noqa: F811
    loan, claim = paid_claim(client, bureau)
    url, admin = f"/api/v1/loans/{loan['id']}/recoveries", bureau["admin"]
    before = client.get("/api/v1/admin/risk-fund", headers=admin).json
    first = client.post(url, headers=bureau["bank"], json={"amount_cny": 100_001, "recovered_on": loans.today().isoformat()})
    assert first.status_code == 201, first.json
    # 100,001 × 400,000 ÷ 500,000 = 80,000.8 → 80,000, split as the fund paid it: 32,000 city, 48,000 district
    assert {k: first.json[k] for k in ("claim_id", "loan_id", "amount_cny", "returned_cny", "city_cny", "district_cny")} == {
        "claim_id": claim["id"], "loan_id": loan["id"], "amount_cny": 100_001, "returned_cny": 80_000,
        "city_cny": 32_000, "district_cny": 48_000}
    rest = client.post(url, headers=bureau["bank"], json={"amount_cny": 399_999, "recovered_on": loans.today().isoformat()})
    assert (rest.json["returned_cny"], rest.json["city_cny"], rest.json["district_cny"]) == (320_000, 128_000, 192_000)
    after = client.get("/api/v1/admin/risk-fund", headers=admin).json
    assert after["balance_cny"] - before["balance_cny"] == 400_000 == after["returned_cny"] - before["returned_cny"]
    assert after["paid_cny"] == before["paid_cny"]  # what was paid stays paid; the balance takes the return
    assert_error(client.post(url, headers=bureau["bank"], json={"amount_cny": 1, "recovered_on": loans.today().isoformat()}),
                 422, fields=["amount_cny"])  # nothing left to recover
    listed = client.get("/api/v1/admin/compensation-claims", headers=admin).json["items"]
    assert [(c["recovered_cny"], c["returned_cny"]) for c in listed if c["id"] == claim["id"]] == [(500_000, 400_000)]


def test_a_recovery_needs_a_paid_claim_the_lending_bank_and_a_real_date(client, bureau):  # noqa: F811
    loan = lend(client, bureau)
    overdue(client, bureau, loan, 300_000)
    url, today = f"/api/v1/loans/{loan['id']}/recoveries", loans.today()
    assert_error(client.post(url, headers=bureau["bank"], json={"amount_cny": 1, "recovered_on": today.isoformat()}), 409)
    loan, _ = paid_claim(client, bureau)
    url = f"/api/v1/loans/{loan['id']}/recoveries"
    for body, field in (({"amount_cny": 0, "recovered_on": today.isoformat()}, "amount_cny"),
                        ({"amount_cny": 500_001, "recovered_on": today.isoformat()}, "amount_cny"),
                        ({"amount_cny": 10, "recovered_on": (today + dt.timedelta(days=1)).isoformat()}, "recovered_on"),
                        ({"amount_cny": 10, "recovered_on": (today - dt.timedelta(days=1)).isoformat()}, "recovered_on"),
                        ({"amount_cny": "10", "recovered_on": today.isoformat()}, "amount_cny")):
        assert_error(client.post(url, headers=bureau["bank"], json=body), 422, fields=[field])
    assert_error(client.post(url, headers=bureau["other"], json={"amount_cny": 1, "recovered_on": today.isoformat()}), 404)
    assert_error(client.post(url, headers=bureau["firm"], json={"amount_cny": 1, "recovered_on": today.isoformat()}), 403)
    assert client.get("/api/v1/admin/risk-fund", headers=bureau["admin"]).json["returned_cny"] == 0


def test_the_officer_records_a_recovery_on_the_loan_page(client, bureau):  # noqa: F811
    from tests.conftest import csrf_token
    from tests.test_auth_pages import field_errors, submit

    loan, _ = paid_claim(client, bureau)
    officer = bureau["people"]["bank"]
    assert submit(client, "/auth/login", {"email": officer.email, "password": officer.password}).status_code == 302
    page = client.get(f"/institution/loans/{loan['id']}").get_data(as_text=True)
    assert "登记追偿回收" in page
    token, url = csrf_token(page), f"/institution/loans/{loan['id']}/recoveries"
    wrong = client.post(url, data={"amount_cny": "600000", "recovered_on": loans.today().isoformat(), "csrf_token": token})
    assert wrong.status_code == 422
    assert field_errors(wrong.get_data(as_text=True))["amount_cny"] == "回收金额应大于 0 且不超过尚未回收的损失 500,000 元"
    assert 'value="600000"' in wrong.get_data(as_text=True)
    done = client.post(url, data={"amount_cny": "250000", "recovered_on": loans.today().isoformat(), "csrf_token": token})
    assert done.status_code == 302
    shown = client.get(f"/institution/loans/{loan['id']}").get_data(as_text=True)
    assert "已回收 25 万元，退回资金池 20 万元" in shown


def test_the_service_refuses_with_the_words_the_officer_reads(client, bureau, app, monkeypatch):  # noqa: F811
    """What the forms and the API cannot send is still refused by the rule itself, each refusal in its own words."""
    from matchmaker.errors import Conflict, Forbidden, InvalidInput
    from models import AuditEvent, ClaimRecovery, User, db

    (loan, claim), (other_loan, _) = paid_claims(client, bureau, count=2)
    today = loans.today()
    with app.app_context():
        officer = db.session.get(User, bureau["people"]["bank"].id)
        firm = db.session.get(User, bureau["people"]["firm"].id)
        with pytest.raises(Forbidden) as refused:
            fund_rules.recover(actor=firm, loan_id=loan["id"], amount_cny=1, recovered_on=today)
        assert refused.value.message == "只有放款机构可以登记追偿回收"
        with pytest.raises(InvalidInput) as wrong:
            fund_rules.recover(actor=officer, loan_id=loan["id"], amount_cny=None, recovered_on=None)
        assert wrong.value.message == "追偿回收信息有误，请检查标出的字段"
        assert wrong.value.fields == {"amount_cny": ["此项为必填项"], "recovered_on": ["此项为必填项"]}
        with pytest.raises(InvalidInput) as wrong:
            fund_rules.recover(actor=officer, loan_id=loan["id"], amount_cny=500_001,
                               recovered_on=today + dt.timedelta(days=1))
        assert wrong.value.fields == {"amount_cny": ["回收金额应大于 0 且不超过尚未回收的损失 500,000 元"],
                                      "recovered_on": ["回收日期不能晚于今天"]}
        with pytest.raises(InvalidInput) as wrong:
            fund_rules.recover(actor=officer, loan_id=loan["id"], amount_cny=1, recovered_on=today - dt.timedelta(days=1))
        assert wrong.value.fields == {"recovered_on": [f"回收日期不能早于补偿赔付日 {today.isoformat()}"]}
        # One yuan is a recovery; it moves this claim only, and is recorded as the officer's.
        made = fund_rules.recover(actor=officer, loan_id=loan["id"], amount_cny=1, recovered_on=today)
        db.session.commit()
        assert db.session.get(ClaimRecovery, made.id).recorded_by == officer.id
        assert fund_rules.claim_of(loan_id=loan["id"]).recovered_cny == 1
        assert fund_rules.claim_of(loan_id=other_loan["id"]).recovered_cny == 0
        trail = db.session.scalars(db.select(AuditEvent).where(AuditEvent.action == "risk_fund.recovery")).all()
        assert [(e.actor_id, e.target_id, e.detail["amount_cny"]) for e in trail] == [(officer.id, claim["id"], 1)]
        # A report computed on a total another report has just changed moves nothing and is told so.
        fresh = fund_rules.claim_of(loan_id=loan["id"])
        stale = CompensationClaim(id=fresh.id, loan_id=fresh.loan_id, loss_cny=fresh.loss_cny,
                                  covered_cny=fresh.covered_cny, city_cny=fresh.city_cny,
                                  district_cny=fresh.district_cny, status=fresh.status, decided_at=fresh.decided_at,
                                  recovered_cny=0, returned_cny=0)
        monkeypatch.setattr(fund_rules, "claim_of", lambda loan_id: stale)
        with pytest.raises(Conflict) as late:
            fund_rules.recover(actor=officer, loan_id=loan["id"], amount_cny=10, recovered_on=today)
        assert late.value.message == "该贷款的追偿回收刚被更新，请刷新后重试"
        db.session.rollback()
        monkeypatch.undo()
    unpaid = lend(client, bureau)
    overdue(client, bureau, unpaid, 1_000)
    refused = client.post(f"/api/v1/loans/{unpaid['id']}/recoveries", headers=bureau["bank"],
                          json={"amount_cny": 1, "recovered_on": today.isoformat()})
    assert refused.status_code == 409
    assert refused.json["error"]["message"] == "该贷款没有已赔付的风险补偿，无需分配追偿回收"


def test_each_claim_lists_its_own_recoveries_and_the_trail_says_what_came_back(client, bureau, app):  # noqa: F811
    from models import AuditEvent, User, db

    (loan, claim), (other_loan, other_claim) = paid_claims(client, bureau, count=2)
    today = loans.today()
    with app.app_context():
        officer = db.session.get(User, bureau["people"]["bank"].id)
        first = fund_rules.recover(actor=officer, loan_id=loan["id"], amount_cny=100_001, recovered_on=today).id
        other = fund_rules.recover(actor=officer, loan_id=other_loan["id"], amount_cny=5, recovered_on=today).id
        second = fund_rules.recover(actor=officer, loan_id=loan["id"], amount_cny=2, recovered_on=today).id
        db.session.commit()
        assert [r.id for r in fund_rules.recoveries_of(claim_id=claim["id"])] == [first, second]
        assert [r.id for r in fund_rules.recoveries_of(claim_id=other_claim["id"])] == [other]
        trail = db.session.scalars(db.select(AuditEvent).where(AuditEvent.action == "risk_fund.recovery")
                                   .order_by(AuditEvent.id)).all()
        assert [(e.target_type, e.target_id, e.detail) for e in trail] == [
            ("compensation_claim", claim["id"], {"loan_id": loan["id"], "amount_cny": 100_001, "returned_cny": 80_000}),
            ("compensation_claim", other_claim["id"], {"loan_id": other_loan["id"], "amount_cny": 5, "returned_cny": 4}),
            ("compensation_claim", claim["id"], {"loan_id": loan["id"], "amount_cny": 2, "returned_cny": 2})]
