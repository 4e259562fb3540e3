"""The institution's journey: products, the public catalogue, decisions, disbursement, leads, scoping."""
import threading

import pytest
import sqlalchemy as sa

from models import Application, AuditEvent, Notification, db
from tests.conftest import csrf_token
from tests.test_api import assert_error, token_for
from tests.test_auth_pages import field_errors, submit

PRODUCT = {"name": "科创信用贷", "kind": "credit_loan", "min_amount_cny": 100_000, "max_amount_cny": 5_000_000,
           "min_term_months": 3, "max_term_months": 36, "rate_min_pct": 3.65, "rate_max_pct": 5.5,
           "eligibility": {"industries": [], "min_years": 1, "min_annual_revenue_cny": 1_000_000, "min_ip_count": 0,
                           "required_certifications": [], "min_credit_rating": "BBB", "collateral_required": False},
           "description": "面向科技型中小企业"}


def market_of(client, officer, firm) -> dict:
    """The officer publishes PRODUCT, the firm a need of 200 万元 for 12 months and applies to it."""
    bank = token_for(client, officer.email, officer.password)
    owner = token_for(client, firm.email, firm.password)
    product = client.post("/api/v1/products", json=PRODUCT, headers=bank).json
    need = client.post("/api/v1/needs", json={"amount_cny": 2_000_000, "term_months": 12}, headers=owner).json
    application = client.post("/api/v1/applications", json={"need_id": need["id"], "product_id": product["id"]},
                              headers=owner).json
    return {"officer": officer, "firm": firm, "bank": bank, "owner": owner, "product": product, "need": need,
            "application": application}


@pytest.fixture
def market(client, make_user):
    return market_of(client, make_user("institution"), make_user("enterprise", share_in_leads=True))


def test_publish_product_and_catalogue_filters(client, market):
    product = market["product"]
    assert product["status"] == "active" and product["eligibility"]["min_credit_rating"] == "BBB"
    public = client.get("/api/v1/products").json
    assert [p["id"] for p in public["items"]] == [product["id"]]
    assert client.get("/api/v1/products?kind=ip_pledge").json["total"] == 0
    assert client.get("/api/v1/products?amount_cny=6000000").json["total"] == 0
    assert client.get("/api/v1/products?amount_cny=2000000").json["total"] == 1
    paused = client.patch(f"/api/v1/products/{product['id']}", json={"status": "paused"}, headers=market["bank"])
    assert paused.status_code == 200 and paused.json["status"] == "paused"
    assert client.get("/api/v1/products").json["total"] == 0


def test_an_institution_lists_its_own_products_of_every_status_through_the_api(client, market, make_user):
    product, bank = market["product"], market["bank"]
    second = client.post("/api/v1/products", json={**PRODUCT, "name": "知识价值贷"}, headers=bank).json
    third = client.post("/api/v1/products", json={**PRODUCT, "name": "高新贷"}, headers=bank).json
    client.patch(f"/api/v1/products/{product['id']}", json={"status": "paused"}, headers=bank)
    other = make_user("institution")
    client.post("/api/v1/products", json=PRODUCT, headers=token_for(client, other.email, other.password))
    mine = client.get("/api/v1/products?mine=true", headers=bank)
    assert mine.status_code == 200 and mine.json["total"] == 3
    assert [(p["id"], p["status"]) for p in mine.json["items"]] == [
        (second["id"], "active"), (third["id"], "active"), (product["id"], "paused")]  # active first, then by id
    page = client.get("/api/v1/products?mine=true&limit=1&offset=1", headers=bank).json
    assert ([p["id"] for p in page["items"]], page["total"]) == ([third["id"]], 3)
    assert_error(client.get("/api/v1/products?mine=true"), 401, "unauthorized")
    assert_error(client.get("/api/v1/products?mine=true", headers=market["owner"]), 403, "forbidden")
    public = client.get("/api/v1/products?mine=false", headers=bank).json
    assert product["id"] not in [p["id"] for p in public["items"]]  # the catalogue: active products only


@pytest.mark.parametrize("change, field", [
    ({"min_amount_cny": 9_000_000}, "min_amount_cny"),
    ({"min_amount_cny": -1}, "min_amount_cny"),
    ({"kind": "lottery"}, "kind"),
    ({"rate_min_pct": 7.0}, "rate_min_pct"),
    ({"min_term_months": 48}, "min_term_months"),
])
def test_bad_products_are_422_with_the_field(client, market, change, field):
    assert_error(client.post("/api/v1/products", json={**PRODUCT, **change}, headers=market["bank"]), 422,
                 fields=[field])


def test_decision_then_disbursement_and_the_state_machine(client, market, app):
    application_id = market["application"]["id"]
    bank = market["bank"]
    assert_error(client.post(f"/api/v1/applications/{application_id}/disbursement", json={"amount_cny": 1},
                             headers=bank), 409)
    approved = client.post(f"/api/v1/applications/{application_id}/decision", headers=bank,
                           json={"decision": "approve", "approved_amount_cny": 1_500_000, "rate_pct": 4.1,
                                 "term_months": 12})
    assert approved.status_code == 200 and approved.json["status"] == "approved"
    assert_error(client.post(f"/api/v1/applications/{application_id}/decision", headers=bank,
                             json={"decision": "reject", "reason": "quota_full"}), 409)
    assert_error(client.post(f"/api/v1/applications/{application_id}/disbursement", headers=bank,
                             json={"amount_cny": 1_600_000}), 422, fields=["amount_cny"])
    paid = client.post(f"/api/v1/applications/{application_id}/disbursement", headers=bank,
                       json={"amount_cny": 1_500_000})
    assert paid.status_code == 200 and paid.json["status"] == "disbursed"
    assert client.get(f"/api/v1/needs/{market['need']['id']}", headers=market["owner"]).json["status"] == "closed"
    with app.app_context():
        kinds = db.session.scalars(sa.select(Notification.kind).order_by(Notification.id)).all()
        assert kinds == ["application.approved", "application.disbursed"]


def test_reject_with_a_reason(client, market):
    application_id = market["application"]["id"]
    assert_error(client.post(f"/api/v1/applications/{application_id}/decision", headers=market["bank"],
                             json={"decision": "reject"}), 422, fields=["reason"])
    rejected = client.post(f"/api/v1/applications/{application_id}/decision", headers=market["bank"],
                           json={"decision": "reject", "reason": "近两年营业收入下滑"})
    assert rejected.json["status"] == "rejected" and rejected.json["reject_reason_code"] == "other"
    assert rejected.json["reject_reason"] == "近两年营业收入下滑"


def test_other_institutions_get_404(client, market, make_user):
    other = make_user("institution")
    headers = token_for(client, other.email, other.password)
    application_id = market["application"]["id"]
    product_id = market["product"]["id"]
    assert_error(client.get(f"/api/v1/applications/{application_id}", headers=headers), 404)
    assert_error(client.post(f"/api/v1/applications/{application_id}/decision", headers=headers,
                             json={"decision": "reject", "reason": "other"}), 404)
    assert_error(client.patch(f"/api/v1/products/{product_id}", json={"status": "retired"}, headers=headers), 404)
    assert_error(client.get(f"/api/v1/products/{product_id}/leads", headers=headers), 404)
    assert client.get("/api/v1/applications", headers=headers).json["total"] == 0
    assert_error(client.post(f"/api/v1/applications/{application_id}/decision", headers=market["owner"],
                             json={"decision": "reject", "reason": "other"}), 403)


def test_leads_show_opted_in_firms_without_contact_details(client, market, make_user, app):
    other_firm = make_user("enterprise")  # not opted in
    owner = token_for(client, other_firm.email, other_firm.password)
    client.post("/api/v1/needs", json={"amount_cny": 2_000_000, "term_months": 12}, headers=owner)
    leads = client.get(f"/api/v1/products/{market['product']['id']}/leads", headers=market["bank"]).json
    assert [item["need_id"] for item in leads["items"]] == [market["need"]["id"]]
    assert set(leads["items"][0]) >= {"need_id", "enterprise_name", "industry", "amount_cny", "score", "reasons"}
    assert not {"uscc", "email", "enterprise_id"} & set(leads["items"][0])


def test_two_officers_deciding_at_once_get_one_success_and_one_409(app, market, migrated):
    application_id = market["application"]["id"]
    results = []
    barrier = threading.Barrier(2)

    def officer(decision):
        client = app.test_client()
        barrier.wait()
        body = ({"decision": "approve", "approved_amount_cny": 1_000_000, "rate_pct": 4.0, "term_months": 12}
                if decision == "approve" else {"decision": "reject", "reason": "quota_full"})
        results.append(client.post(f"/api/v1/applications/{application_id}/decision", json=body,
                                   headers=market["bank"]).status_code)

    threads = [threading.Thread(target=officer, args=(d,)) for d in ("approve", "reject")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [200, 409]
    with app.app_context():
        events = db.session.execute(sa.text(
            "SELECT count(*) FROM application_events WHERE application_id = :a AND from_status = 'submitted'"),
            {"a": application_id}).scalar()
        assert events == 1


def test_officer_pages_inbox_open_decide_disburse(client, market, app):
    submit(client, "/auth/login", {"email": market["officer"].email, "password": market["officer"].password})
    inbox = client.get("/institution/inbox").get_data(as_text=True)
    assert market["firm"].email not in inbox and "已等待" in inbox
    application_id = market["application"]["id"]
    page = client.get(f"/institution/applications/{application_id}").get_data(as_text=True)
    assert "企业画像" in page
    with app.app_context():
        view = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "profile.view"))
        assert view.target_id == market["firm"].enterprise_id
    bad = client.post(f"/institution/applications/{application_id}/decision",
                      data={"decision": "approve", "approved_amount": "", "rate_pct": "4", "term_months": "12",
                            "csrf_token": csrf_token(page)})
    assert bad.status_code == 422 and "此项为必填项" in field_errors(bad.get_data(as_text=True))["approved_amount"]
    client.post(f"/institution/applications/{application_id}/decision",
                data={"decision": "approve", "approved_amount": "150", "rate_pct": "4.2", "term_months": "12",
                      "csrf_token": csrf_token(page)})
    page = client.get(f"/institution/applications/{application_id}").get_data(as_text=True)
    assert 'data-testid="status">已批准' in page
    client.post(f"/institution/applications/{application_id}/disbursement",
                data={"amount": "150", "csrf_token": csrf_token(page)})
    assert 'data-testid="status">已放款' in client.get(f"/institution/applications/{application_id}").get_data(
        as_text=True)
    with app.app_context():
        assert db.session.get(Application, application_id).disbursed_amount_cny == 1_500_000


def test_product_form_preview_counts_open_needs(client, market):
    submit(client, "/auth/login", {"email": market["officer"].email, "password": market["officer"].password})
    data = {"name": "预估贷", "kind": "credit_loan", "min_amount": "10", "max_amount": "500", "min_term_months": "3",
            "max_term_months": "36", "rate_min_pct": "3.5", "rate_max_pct": "5", "min_credit_rating": "",
            "preview": "1"}
    page = submit(client, "/institution/products/new", data).get_data(as_text=True)
    assert "今天有 1 笔进行中的融资需求符合该产品" in page
    bad = submit(client, "/institution/products/new", {**data, "preview": "", "min_amount": "600"})
    assert bad.status_code == 422 and "最低金额不能高于最高金额" in bad.get_data(as_text=True)


def test_enterprise_sees_who_viewed_its_profile(client, market, app):
    submit(client, "/auth/login", {"email": market["officer"].email, "password": market["officer"].password})
    client.get(f"/institution/applications/{market['application']['id']}")
    client.post("/auth/logout", data={"csrf_token": csrf_token(client.get("/account").get_data(as_text=True))})
    submit(client, "/auth/login", {"email": market["firm"].email, "password": market["firm"].password})
    page = client.get("/enterprise/profile/views").get_data(as_text=True)
    with app.app_context():
        name = db.session.scalar(sa.text("SELECT name FROM institutions"))
    assert name in page


def test_invite_notifies_the_firm(client, market, app):
    submit(client, "/auth/login", {"email": market["officer"].email, "password": market["officer"].password})
    product_id = market["product"]["id"]
    client.post(f"/api/v1/applications/{market['application']['id']}/decision", headers=market["bank"],
                json={"decision": "reject", "reason": "other"})
    with app.app_context():
        db.session.execute(sa.delete(Application))
        db.session.commit()
    page = client.get(f"/institution/products/{product_id}/leads").get_data(as_text=True)
    client.post(f"/institution/products/{product_id}/leads/{market['need']['id']}/invite",
                data={"csrf_token": csrf_token(page)})
    with app.app_context():
        note = db.session.scalar(sa.select(Notification).where(Notification.kind == "invitation"))
        assert note is not None and "邀请您申请" in note.message


def test_an_institution_has_several_officers_each_seeing_only_it(client, market, make_user, app):
    admin = make_user("admin")
    admin_headers = token_for(client, admin.email, admin.password)
    institution_id = market["product"]["institution_id"]
    created = client.post(f"/api/v1/admin/institutions/{institution_id}/officers", headers=admin_headers,
                          json={"officer_email": "second@bank.cn", "officer_password": "second-officer-1"})
    assert created.status_code == 201 and created.json["institution_id"] == institution_id
    assert_error(client.post(f"/api/v1/admin/institutions/{institution_id}/officers", headers=admin_headers,
                             json={"officer_email": "second@bank.cn", "officer_password": "second-officer-1"}), 409)
    assert_error(client.post("/api/v1/admin/institutions/999999/officers", headers=admin_headers,
                             json={"officer_email": "x@bank.cn", "officer_password": "second-officer-1"}), 404)
    assert_error(client.post(f"/api/v1/admin/institutions/{institution_id}/officers", headers=market["bank"],
                             json={"officer_email": "y@bank.cn", "officer_password": "second-officer-1"}), 403)
    second = token_for(client, "second@bank.cn", "second-officer-1")
    seen = client.get("/api/v1/applications", headers=second).json
    assert [a["id"] for a in seen["items"]] == [market["application"]["id"]]
    other = make_user("institution")
    assert client.get("/api/v1/applications", headers=token_for(client, other.email, other.password)).json[
        "total"] == 0
