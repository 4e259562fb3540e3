"""The risk-compensation fund (issue 17, second part): a claim pays exactly 80 % of the loss, split city 4 :
district 6 with the district taking the rounding; only covered overdue loans, once, up to the overdue principal;
the bureau's approval never spends beyond the balance and writes the loan off; the fuse trips at the configured
loss rate and stops cover for new loans only. On both databases."""
from __future__ import annotations

import pytest

from matchmaker.loans import fund as fund_rules
from matchmaker.loans import services as loans
from tests.test_api import assert_error, token_for
from tests.test_institution import PRODUCT


@pytest.mark.parametrize(("loss", "covered", "city", "district"), [
    (1_000_000, 800_000, 320_000, 480_000),
    (1_000_001, 800_000, 320_000, 480_000),  # 800,000.8 → 800,000: whole yuan, rounded down
    (1_000_004, 800_003, 320_001, 480_002),  # 4/10 of 800,003 is 320,001.2: the district takes the 0.8
    (7, 5, 2, 3), (1, 0, 0, 0), (123_456_789, 98_765_431, 39_506_172, 59_259_259)])
def test_a_claim_pays_80_percent_split_4_to_6(app, loss, covered, city, district):
    with app.app_context():
        assert fund_rules.split(loss) == (covered, city, district)
        assert city + district == covered


@pytest.fixture
def bureau(client, make_user):
    officer, firm, admin, other = (make_user("institution"), make_user("enterprise"), make_user("admin"),
                                   make_user("institution"))
    tokens = {name: token_for(client, who.email, who.password) for name, who in
              (("bank", officer), ("firm", firm), ("admin", admin), ("other", other))}
    return {"people": {"bank": officer, "firm": firm}, **tokens}


def lend(client, bureau, *, kind="knowledge_value", amount=1_000_000) -> dict:
    bank, firm = bureau["bank"], bureau["firm"]
    product = client.post("/api/v1/products", headers=bank, json={**PRODUCT, "kind": kind}).json
    need = client.post("/api/v1/needs", headers=firm, json={"amount_cny": amount, "term_months": 12}).json
    application = client.post("/api/v1/applications", headers=firm,
                              json={"need_id": need["id"], "product_id": product["id"]}).json["id"]
    assert client.post(f"/api/v1/applications/{application}/decision", headers=bank, json={
        "decision": "approve", "approved_amount_cny": amount, "rate_pct": 3.65, "term_months": 12}).status_code == 200
    assert client.post(f"/api/v1/applications/{application}/disbursement", headers=bank,
                       json={"amount_cny": amount}).status_code == 200
    return next(loan for loan in client.get("/api/v1/loans?limit=100", headers=bank).json["items"]
                if loan["application_id"] == application)


def overdue(client, bureau, loan, principal):
    response = client.post(f"/api/v1/loans/{loan['id']}/overdue", headers=bureau["bank"],
                           json={"since": loans.today().isoformat(), "overdue_principal_cny": principal})
    assert response.status_code == 200, response.json


def test_a_covered_overdue_loan_is_claimed_once_up_to_its_overdue_principal(client, bureau):
    loan = lend(client, bureau)
    assert loan["risk_fund_covered"] is True
    url = f"/api/v1/loans/{loan['id']}/compensation-claims"
    assert_error(client.post(url, headers=bureau["bank"], json={"loss_cny": 100}), 409)  # not overdue yet
    overdue(client, bureau, loan, 600_000)
    assert_error(client.post(url, headers=bureau["bank"], json={"loss_cny": 600_001}), 422, fields=["loss_cny"])
    assert_error(client.post(url, headers=bureau["bank"], json={"loss_cny": 0}), 422, fields=["loss_cny"])
    assert_error(client.post(url, headers=bureau["other"], json={"loss_cny": 100}), 404)
    assert_error(client.post(url, headers=bureau["firm"], json={"loss_cny": 100}), 403)
    made = client.post(url, headers=bureau["bank"], json={"loss_cny": 500_000})
    assert made.status_code == 201, made.json
    assert {k: made.json[k] for k in ("loan_id", "loss_cny", "covered_cny", "city_cny", "district_cny", "status")} == {
        "loan_id": loan["id"], "loss_cny": 500_000, "covered_cny": 400_000, "city_cny": 160_000,
        "district_cny": 240_000, "status": "submitted"}
    assert "id" in made.json
    assert_error(client.post(url, headers=bureau["bank"], json={"loss_cny": 100}), 409)  # a second claim
    plain = lend(client, bureau, kind="credit_loan")
    assert plain["risk_fund_covered"] is False
    overdue(client, bureau, plain, 100_000)
    assert_error(client.post(f"/api/v1/loans/{plain['id']}/compensation-claims", headers=bureau["bank"],
                             json={"loss_cny": 100}), 409)


def test_the_bureau_pays_within_the_balance_and_writes_the_loan_off(client, bureau):
    loan = lend(client, bureau)
    overdue(client, bureau, loan, 1_000_000)
    claim = client.post(f"/api/v1/loans/{loan['id']}/compensation-claims", headers=bureau["bank"],
                        json={"loss_cny": 1_000_000}).json
    admin = bureau["admin"]
    decide = f"/api/v1/admin/compensation-claims/{claim['id']}/decision"
    assert_error(client.post(decide, headers=admin, json={"decision": "approve"}), 409)  # the fund is empty
    assert client.get(f"/api/v1/loans/{loan['id']}", headers=admin).json["status"] == "overdue"
    paid_in = client.post("/api/v1/admin/risk-fund/contributions", headers=admin,
                          json={"city_cny": 320_000, "district_cny": 480_000, "received_on": loans.today().isoformat()})
    assert paid_in.status_code == 201 and {"id", "city_cny", "district_cny", "received_on"} <= set(paid_in.json)
    assert client.get("/api/v1/admin/risk-fund", headers=admin).json["balance_cny"] == 800_000
    assert_error(client.post(decide, headers=admin, json={"decision": "reject"}), 422, fields=["reason"])
    assert_error(client.post(decide, headers=admin, json={"decision": "maybe"}), 422, fields=["decision"])
    approved = client.post(decide, headers=admin, json={"decision": "approve"})
    assert approved.status_code == 200 and approved.json["status"] == "approved"
    assert_error(client.post(decide, headers=admin, json={"decision": "approve"}), 409)  # decided already
    assert client.get(f"/api/v1/loans/{loan['id']}", headers=admin).json["status"] == "written_off"
    pool = client.get("/api/v1/admin/risk-fund", headers=admin).json
    assert (pool["balance_cny"], pool["paid_cny"]) == (0, 800_000)
    (row,) = pool["by_institution"]
    assert set(row) >= {"institution_id", "covered_principal_cny", "loss_cny", "loss_rate", "fuse_tripped"}
    assert (row["covered_principal_cny"], row["loss_cny"], row["loss_rate"], row["fuse_tripped"]) == (
        1_000_000, 1_000_000, 1.0, True)
    for path in ("/api/v1/admin/risk-fund", "/api/v1/admin/compensation-claims"):
        assert_error(client.get(path, headers=bureau["bank"]), 403)
    assert_error(client.post("/api/v1/admin/compensation-claims/999999/decision", headers=admin,
                             json={"decision": "approve"}), 404)


@pytest.mark.parametrize(("body", "field"), [
    ({"city_cny": -1, "district_cny": 5, "received_on": "2026-01-01"}, "city_cny"),
    ({"city_cny": 0, "district_cny": 0, "received_on": "2026-01-01"}, "city_cny"),
    ({"city_cny": 1, "district_cny": 1, "received_on": "2099-01-01"}, "received_on"),
    ({"city_cny": 1, "district_cny": "1", "received_on": "2026-01-01"}, "district_cny"),
])
def test_a_bad_contribution_is_422_naming_the_field(client, bureau, body, field):
    assert_error(client.post("/api/v1/admin/risk-fund/contributions", headers=bureau["admin"], json=body), 422,
                 fields=[field])
    assert client.get("/api/v1/admin/risk-fund", headers=bureau["admin"]).json["balance_cny"] == 0


def test_the_fuse_stops_cover_for_new_loans_only(client, bureau, app):
    admin = bureau["admin"]
    client.post("/api/v1/admin/risk-fund/contributions", headers=admin,
                json={"city_cny": 4_000_000, "district_cny": 6_000_000, "received_on": loans.today().isoformat()})
    covered = [lend(client, bureau, amount=1_000_000) for _ in range(3)]  # 3,000,000 covered principal
    overdue(client, bureau, covered[0], 1_000_000)
    claim = client.post(f"/api/v1/loans/{covered[0]['id']}/compensation-claims", headers=bureau["bank"],
                        json={"loss_cny": 200_000}).json  # 200,000 / 3,000,000 = 6.7 %: a warning
    client.post(f"/api/v1/admin/compensation-claims/{claim['id']}/decision", headers=admin, json={"decision": "approve"})
    (row,) = client.get("/api/v1/admin/risk-fund", headers=admin).json["by_institution"]
    assert (row["warning"], row["fuse_tripped"]) == (True, False)
    assert lend(client, bureau)["risk_fund_covered"] is True  # still covered (4,000,000 now)
    overdue(client, bureau, covered[1], 1_000_000)
    claim = client.post(f"/api/v1/loans/{covered[1]['id']}/compensation-claims", headers=bureau["bank"],
                        json={"loss_cny": 150_000}).json  # 350,000 / 4,000,000 = 8.75 %: tripped
    client.post(f"/api/v1/admin/compensation-claims/{claim['id']}/decision", headers=admin, json={"decision": "approve"})
    (row,) = client.get("/api/v1/admin/risk-fund", headers=admin).json["by_institution"]
    assert row["fuse_tripped"] is True and row["loss_rate"] == pytest.approx(350_000 / 4_000_000)
    assert lend(client, bureau)["risk_fund_covered"] is False  # new loans: not covered
    kept = client.get(f"/api/v1/loans/{covered[2]['id']}", headers=bureau["bank"]).json
    assert kept["risk_fund_covered"] is True  # loans made before keep their cover
    with app.app_context():
        app.config["RISK_FUND_FUSE_PCT"] = 9.0
    assert lend(client, bureau)["risk_fund_covered"] is True  # the trigger is configuration


def test_two_approvals_at_once_never_spend_beyond_the_balance(client, bureau, app, migrated):
    """Two claims of 400,000 covered each, 600,000 in the fund, two administrators approving at once:
    one 200 and one 409, and the fund never goes below zero."""
    import threading

    admin = bureau["admin"]
    claims = []
    for _ in range(2):
        loan = lend(client, bureau)
        overdue(client, bureau, loan, 500_000)
        claims.append(client.post(f"/api/v1/loans/{loan['id']}/compensation-claims", headers=bureau["bank"],
                                  json={"loss_cny": 500_000}).json["id"])
    client.post("/api/v1/admin/risk-fund/contributions", headers=admin,
                json={"city_cny": 240_000, "district_cny": 360_000, "received_on": loans.today().isoformat()})
    results, barrier = [], threading.Barrier(2)

    def approve(claim_id):
        other = app.test_client()
        barrier.wait()
        results.append(other.post(f"/api/v1/admin/compensation-claims/{claim_id}/decision", headers=admin,
                                  json={"decision": "approve"}).status_code)

    threads = [threading.Thread(target=approve, args=(c,)) for c in claims]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [200, 409]
    pool = client.get("/api/v1/admin/risk-fund", headers=admin).json
    assert (pool["balance_cny"], pool["paid_cny"]) == (200_000, 400_000)
    statuses = sorted(c["status"] for c in client.get("/api/v1/admin/compensation-claims", headers=admin).json["items"])
    assert statuses == ["approved", "submitted"]  # the refused approval left its claim as it was


def test_the_officer_claims_on_the_page_and_the_bureau_pays_on_its_own(client, bureau, app):
    from tests.conftest import csrf_token
    from tests.test_auth_pages import field_errors, submit

    loan = lend(client, bureau)
    overdue(client, bureau, loan, 500_000)
    officer = bureau["people"]["bank"]
    assert submit(client, "/auth/login", {"email": officer.email, "password": officer.password}).status_code == 302
    page = client.get(f"/institution/loans/{loan['id']}").get_data(as_text=True)
    assert "申请风险补偿" in page
    token = csrf_token(page)
    wrong = client.post(f"/institution/loans/{loan['id']}/claim", data={"loss_cny": "600000", "csrf_token": token})
    assert wrong.status_code == 422
    assert field_errors(wrong.get_data(as_text=True))["loss_cny"] == "损失金额应大于 0 且不超过逾期本金 500,000 元"
    assert 'value="600000"' in wrong.get_data(as_text=True)
    done = client.post(f"/institution/loans/{loan['id']}/claim", data={"loss_cny": "500000", "csrf_token": token})
    assert done.status_code == 302
    assert "已申请" in client.get(f"/institution/loans/{loan['id']}").get_data(as_text=True)
    client.post("/api/v1/admin/risk-fund/contributions", headers=bureau["admin"],
                json={"city_cny": 400_000, "district_cny": 600_000, "received_on": loans.today().isoformat()})
    admin_client = app.test_client()
    with app.app_context():
        from models import User, db

        admin = db.session.scalar(db.select(User).where(User.role == "admin"))
        email = admin.email
    from tests.conftest import make_user  # noqa: F401  (the admin's password is the fixture's default)
    assert submit(admin_client, "/auth/login", {"email": email, "password": "correct-horse-42"}).status_code == 302
    pool = admin_client.get("/admin/risk-fund").get_data(as_text=True)
    assert "待审核的补偿申请" in pool and "40 万元" in pool
    claim_id = client.get("/api/v1/admin/compensation-claims", headers=bureau["admin"]).json["items"][0]["id"]
    token = csrf_token(pool)
    refused = admin_client.post(f"/admin/risk-fund/claims/{claim_id}/reject", data={"reason": "", "csrf_token": token})
    assert refused.status_code == 302 and "驳回时请说明理由" in admin_client.get("/admin/risk-fund").get_data(as_text=True)
    paid = admin_client.post(f"/admin/risk-fund/claims/{claim_id}/approve", data={"csrf_token": token})
    assert paid.status_code == 302
    after = admin_client.get("/admin/risk-fund").get_data(as_text=True)
    assert "已批准并支付" in after and "暂无待审核的申请" in after
    assert client.get(f"/api/v1/loans/{loan['id']}", headers=bureau["bank"]).json["status"] == "written_off"


def test_the_decision_refuses_in_its_own_words(client, bureau, app):
    """Ids beyond any row and unknown decisions, straight at the rule (the API's schema stops some before it)."""
    from matchmaker.errors import Conflict, InvalidInput, NotFound
    from models import User, db

    loan = lend(client, bureau)
    overdue(client, bureau, loan, 100_000)
    claim = client.post(f"/api/v1/loans/{loan['id']}/compensation-claims", headers=bureau["bank"],
                        json={"loss_cny": 100_000}).json
    with app.app_context():
        admin = db.session.scalar(db.select(User).where(User.role == "admin"))
        for claim_id in (2**63, -1, 0):
            with pytest.raises(NotFound) as missing:
                fund_rules.decide(actor=admin, claim_id=claim_id, decision="approve")
            assert missing.value.message == "补偿申请不存在"
        with pytest.raises(InvalidInput) as wrong:
            fund_rules.decide(actor=admin, claim_id=claim["id"], decision="later")
        assert (wrong.value.message, wrong.value.fields) == ("审核结果有误", {"decision": ["请选择批准（approve）或驳回（reject）"]})
        with pytest.raises(InvalidInput) as wrong:
            fund_rules.decide(actor=admin, claim_id=claim["id"], decision="reject", reason="  ")
        assert (wrong.value.message, wrong.value.fields) == ("审核结果有误", {"reason": ["驳回时请说明理由"]})
        with pytest.raises(InvalidInput) as wrong:
            fund_rules.decide(actor=admin, claim_id=claim["id"], decision="reject", reason="理" * 501)
        assert wrong.value.message == "审核结果有误" and list(wrong.value.fields) == ["reason"]
        assert "500" in wrong.value.fields["reason"][0]
        with pytest.raises(Conflict) as short:
            fund_rules.decide(actor=admin, claim_id=claim["id"], decision="approve")  # the fund is empty
        assert short.value.message == "资金池余额不足以支付 80,000 元"
        db.session.rollback()
    client.post("/api/v1/admin/risk-fund/contributions", headers=bureau["admin"],
                json={"city_cny": 400_000, "district_cny": 600_000, "received_on": loans.today().isoformat()})
    url = f"/api/v1/admin/compensation-claims/{claim['id']}/decision"
    assert client.post(url, headers=bureau["admin"], json={"decision": "approve"}).status_code == 200
    paid = client.get("/api/v1/admin/risk-fund", headers=bureau["admin"]).json
    again = client.post(url, headers=bureau["admin"], json={"decision": "approve"})
    assert again.status_code == 409 and again.json["error"]["message"] == "该补偿申请已审核"
    assert client.get("/api/v1/admin/risk-fund", headers=bureau["admin"]).json == paid  # not paid twice
