"""Policy fulfilment through the contract (issue 19, in part): the bureau publishes policies whose conditions and
benefit are checked when saved; a firm's entitlement is computed from its platform loan the moment it reads (免申即享)
and told to it; it claims with its account; the bureau approves within the budget (two approvals at once: one 200,
one 409), pays, and the firm sees it paid; a listing stage brings its award; no firm sees another's. Both databases."""
from __future__ import annotations

import datetime as dt
import threading
from decimal import ROUND_FLOOR, Decimal

import pytest
import sqlalchemy as sa

from models import Loan, Notification, Policy, db
from tests.test_api import assert_error, token_for
from tests.test_risk_fund import lend

LOCAL = dt.timezone(dt.timedelta(hours=8))
SUBSIDY = {"name": "科技信贷贴息", "kind": "interest_subsidy", "summary": "知识价值信用贷款等按 LPR 的 50% 贴息",
           "legal_basis": "重庆高新区科技金融扶持办法", "valid_from": "2026-01-01", "valid_to": "2030-12-31",
           "budget_cny": 50_000_000,
           "conditions": [{"fact": "loan.kind", "op": "in", "value": ["knowledge_value", "ip_pledge", "gaoxin_dai"]}],
           "benefit": {"type": "interest_subsidy", "share_pct": 50, "cap_cny": 1_000_000}}


@pytest.fixture
def bureau(client, make_user):
    people = {k: make_user(role) for k, role in (("bank", "institution"), ("firm", "enterprise"), ("admin", "admin"),
                                                 ("other", "enterprise"))}
    tokens = {k: token_for(client, who.email, who.password) for k, who in people.items()}
    return tokens | {"people": people}


def backdate(app, loan_id: int, days: int) -> dt.date:
    """The loan went out ``days`` ago (the platform's day), so interest has run on it."""
    with app.app_context():
        loan = db.session.get(Loan, loan_id)
        loan.disbursed_on = dt.datetime.now(LOCAL).date() - dt.timedelta(days=days)
        db.session.commit()
        return loan.disbursed_on


def expected_subsidy(balance: int, since: dt.date) -> int:
    """The policy's arithmetic written out once more: balance × LPR 3.00 % × 50 % × days run this year ÷ 365."""
    today = dt.datetime.now(LOCAL).date()
    days = (today - max(since, dt.date(today.year, 1, 1))).days
    return int((Decimal(balance) * Decimal("0.03") * Decimal("0.5") * days / 365).to_integral_value(ROUND_FLOOR))


def test_a_policy_is_checked_when_saved_and_listed_while_in_force(client, bureau):
    made = client.post("/api/v1/admin/policies", headers=bureau["admin"], json=SUBSIDY)
    assert made.status_code == 201
    assert set(made.json) >= {"id", "name", "kind", "summary", "conditions", "benefit", "budget_cny", "remaining_cny",
                              "valid_from", "valid_to"}
    assert (made.json["remaining_cny"], made.json["benefit"], made.json["conditions"]) == (
        50_000_000, SUBSIDY["benefit"], SUBSIDY["conditions"])
    listed = client.get("/api/v1/policies")  # anyone
    assert listed.status_code == 200 and [p["id"] for p in listed.json["items"]] == [made.json["id"]]
    assert listed.json["total"] == 1
    ended = client.post("/api/v1/admin/policies", headers=bureau["admin"], json={
        **SUBSIDY, "valid_from": "2020-01-01", "valid_to": "2020-12-31"}).json
    assert ended["id"] not in [p["id"] for p in client.get("/api/v1/policies").json["items"]]
    for changes, field in (({"conditions": [{"fact": "enterprise.wealth", "op": "gte", "value": 1}]}, "conditions"),
                           ({"conditions": [{"fact": "loan.kind", "op": "like", "value": "k%"}]}, "conditions"),
                           ({"conditions": [{"fact": "loan.kind", "op": "eq", "value": "__import__('os')"}]}, "conditions"),
                           ({"benefit": {"type": "cash", "amount_cny": 1}}, "benefit"),
                           ({"benefit": {"type": "fixed_award"}}, "benefit"),
                           ({"budget_cny": 0}, "budget_cny"), ({"valid_to": "2025-12-31"}, "valid_to"),
                           ({"kind": "gift"}, "kind")):
        assert_error(client.post("/api/v1/admin/policies", headers=bureau["admin"], json={**SUBSIDY, **changes}), 422,
                     fields=[field])
    assert_error(client.post("/api/v1/admin/policies", headers=bureau["firm"], json=SUBSIDY), 403)
    patched = client.patch(f"/api/v1/admin/policies/{made.json['id']}", headers=bureau["admin"],
                           json={"budget_cny": 60_000_000})
    assert patched.status_code == 200, patched.json
    assert patched.json["remaining_cny"] == 60_000_000
    assert_error(client.patch("/api/v1/admin/policies/999999", headers=bureau["admin"], json={}), 404)


def test_an_interest_subsidy_is_owed_claimed_approved_and_paid(client, app, bureau):
    policy = client.post("/api/v1/admin/policies", headers=bureau["admin"], json=SUBSIDY).json
    assert client.get("/api/v1/enterprise/entitlements", headers=bureau["firm"]).json == {"items": []}
    loan = lend(client, {"bank": bureau["bank"], "firm": bureau["firm"]})  # 1,000,000 knowledge-value
    since = backdate(app, loan["id"], 120)
    got = client.get("/api/v1/enterprise/entitlements", headers=bureau["firm"])
    assert got.status_code == 200
    (item,) = got.json["items"]
    assert set(item) >= {"id", "policy_id", "policy_name", "amount_cny", "basis", "status"}
    assert (item["policy_id"], item["policy_name"], item["status"]) == (policy["id"], "科技信贷贴息", "available")
    assert item["amount_cny"] == expected_subsidy(1_000_000, since) > 0
    assert item["basis"][0] == "1 笔平台贷款满足条件「贷款类型」属于 知识价值信用贷款、知识产权质押贷款、高新贷"
    assert "× LPR 3% × 50% ×" in item["basis"][1]
    assert client.get("/api/v1/enterprise/entitlements", headers=bureau["other"]).json == {"items": []}
    with app.app_context():  # told once, however often it is read
        told = db.session.scalars(sa.select(Notification.message).where(Notification.kind == "policy.entitlement")).all()
    assert told == [f"您可享受「科技信贷贴息」{item['amount_cny']:,} 元，确认收款账户即可申领"]
    url = f"/api/v1/entitlements/{item['id']}/claim"
    account = {"payee_account_name": "重庆云启智能科技有限公司", "payee_account_no": "6222 0212 3456 7890",
               "payee_bank": "中国工商银行重庆高新支行"}
    assert_error(client.post(url, headers=bureau["firm"], json={**account, "payee_account_no": "12ab"}), 422,
                 fields=["payee_account_no"])
    assert_error(client.post(url, headers=bureau["other"], json=account), 404)  # another firm's
    assert_error(client.post(url, headers=bureau["bank"], json=account), 403)
    claimed = client.post(url, headers=bureau["firm"], json=account)
    assert (claimed.status_code, claimed.json["status"]) == (200, "claimed")
    assert_error(client.post(url, headers=bureau["firm"], json=account), 409)
    queue = client.get("/api/v1/admin/claims?status=claimed", headers=bureau["admin"]).json
    assert [set(c) >= {"id", "entitlement_id", "policy_id", "enterprise_id", "amount_cny", "status"}
            for c in queue["items"]] == [True]
    claim = queue["items"][0]
    assert (claim["entitlement_id"], claim["amount_cny"], claim["payee_account_no"]) == (
        item["id"], item["amount_cny"], "6222021234567890")
    decision = f"/api/v1/admin/claims/{claim['id']}/decision"
    assert_error(client.post(decision, headers=bureau["admin"], json={"decision": "reject"}), 422, fields=["reason"])
    assert_error(client.post(decision, headers=bureau["admin"], json={"decision": "maybe"}), 422, fields=["decision"])
    approved = client.post(decision, headers=bureau["admin"], json={"decision": "approve"})
    assert (approved.status_code, approved.json["status"]) == (200, "approved")
    assert_error(client.post(decision, headers=bureau["admin"], json={"decision": "approve"}), 409)
    remaining = client.get("/api/v1/policies").json["items"][0]["remaining_cny"]
    assert remaining == 50_000_000 - item["amount_cny"]
    payment = f"/api/v1/admin/claims/{claim['id']}/payment"
    tomorrow = (dt.datetime.now(LOCAL).date() + dt.timedelta(days=1)).isoformat()
    assert_error(client.post(payment, headers=bureau["admin"], json={"paid_on": tomorrow}), 422, fields=["paid_on"])
    paid = client.post(payment, headers=bureau["admin"], json={"paid_on": dt.datetime.now(LOCAL).date().isoformat()})
    assert (paid.status_code, paid.json["status"]) == (200, "paid")
    seen = client.get("/api/v1/enterprise/entitlements", headers=bureau["firm"]).json["items"]
    assert [(e["id"], e["status"]) for e in seen if e["id"] == item["id"]] == [(item["id"], "paid")]
    assert_error(client.post(payment, headers=bureau["admin"], json={"paid_on": "2026-01-01"}), 409)


def test_two_approvals_at_once_never_spend_past_the_budget(client, app, bureau, make_user):
    """Two firms each owed an award of 600,000 under a budget of 1,000,000: approved at once, one 200, one 409."""
    award = {**SUBSIDY, "name": "股改奖励", "kind": "listing_reward", "budget_cny": 1_000_000,
             "conditions": [{"fact": "enterprise.listing_stage", "op": "in",
                             "value": ["shareholding_reform", "tutoring_filed"]}],
             "benefit": {"type": "fixed_award", "amount_cny": 600_000}}
    policy = client.post("/api/v1/admin/policies", headers=bureau["admin"], json=award).json
    claims = []
    for key in ("firm", "other"):
        firm_id = bureau["people"][key].enterprise_id
        today = dt.datetime.now(LOCAL).date().isoformat()
        for stage in ("reserve", "shareholding_reform"):
            assert client.post(f"/api/v1/admin/listing-pipeline/{firm_id}", headers=bureau["admin"], json={
                "stage": stage, "tier": "district", "changed_on": today}).status_code in (200, 201)
        (owed,) = client.get("/api/v1/enterprise/entitlements", headers=bureau[key]).json["items"]
        assert (owed["policy_id"], owed["amount_cny"]) == (policy["id"], 600_000)
        client.post(f"/api/v1/entitlements/{owed['id']}/claim", headers=bureau[key], json={
            "payee_account_name": "某某公司", "payee_account_no": "12345678", "payee_bank": "某某银行"})
        claims.append(owed["id"])
    results, barrier = [], threading.Barrier(2)

    def approve(claim_id):
        other = app.test_client()
        barrier.wait()
        results.append(other.post(f"/api/v1/admin/claims/{claim_id}/decision", headers=bureau["admin"],
                                  json={"decision": "approve"}).status_code)

    threads = [threading.Thread(target=approve, args=(c,)) for c in claims]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [200, 409]
    with app.app_context():
        assert db.session.get(Policy, policy["id"]).used_cny == 600_000
    statuses = sorted(c["status"] for c in client.get("/api/v1/admin/claims", headers=bureau["admin"]).json["items"])
    assert statuses == ["approved", "claimed"]  # the refused approval left its claim as it was
