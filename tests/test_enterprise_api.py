"""The enterprise's API journey: profile, needs, matches, applications, with the contract's codes."""
import pytest
import sqlalchemy as sa

from models import Consent, Institution, Product, db
from tests.test_api import assert_error, token_for


@pytest.fixture
def catalogue(app):
    """Two active products and a paused one, at one bank."""
    with app.app_context():
        bank = Institution(name="测试银行科学城支行", kind="bank")
        db.session.add(bank)
        db.session.flush()
        common = dict(institution_id=bank.id, min_term_months=3, max_term_months=36, rate_max_pct=6.0)
        products = [
            Product(name="科创信用贷", kind="credit_loan", min_amount_cny=100_000, max_amount_cny=5_000_000,
                    rate_min_pct=3.65, **common),
            Product(name="知识产权质押贷", kind="ip_pledge", min_amount_cny=500_000, max_amount_cny=30_000_000,
                    rate_min_pct=3.9, min_ip_count=5, **common),
            Product(name="暂停的产品", kind="credit_loan", min_amount_cny=100_000, max_amount_cny=5_000_000,
                    rate_min_pct=3.5, status="paused", **common),
        ]
        db.session.add_all(products)
        db.session.commit()
        return {"bank": bank.id, "credit": products[0].id, "ip": products[1].id, "paused": products[2].id}


@pytest.fixture
def owner(client, make_user):
    user = make_user("enterprise")
    return user, token_for(client, user.email, user.password)


NEED = {"amount_cny": 8_000_000, "term_months": 12, "purpose": "购置研发设备", "preferred_kinds": [],
        "max_rate_pct": 6.0, "collateral_offered": True}


def test_profile_get_and_patch(client, owner, app):
    user, headers = owner
    profile = client.get("/api/v1/enterprise", headers=headers).json
    assert profile["id"] == user.enterprise_id and profile["share_in_leads"] is False
    changed = client.patch("/api/v1/enterprise", json={"employees": 120, "share_in_leads": True}, headers=headers)
    assert changed.status_code == 200 and changed.json["employees"] == 120 and changed.json["share_in_leads"]
    assert_error(client.patch("/api/v1/enterprise", json={"uscc": "91500107MA5U8XGK7C"}, headers=headers), 422,
                 fields=["uscc"])
    assert_error(client.patch("/api/v1/enterprise", json={"employees": -4}, headers=headers), 422,
                 fields=["employees"])
    with app.app_context():
        consents = db.session.scalars(sa.select(Consent)).all()
        assert [(c.scope, c.granted) for c in consents] == [("leads", True)]


def test_need_lifecycle_and_matches(client, owner, catalogue):
    _user, headers = owner
    created = client.post("/api/v1/needs", json=NEED, headers=headers)
    assert created.status_code == 201 and created.json["status"] == "open"
    need_id = created.json["id"]
    listed = client.get("/api/v1/needs", headers=headers).json
    assert listed["total"] == 1 and listed["items"][0]["id"] == need_id
    matches = client.get(f"/api/v1/needs/{need_id}/matches?limit=10&include_ineligible=true", headers=headers).json
    assert matches["model_version"] == "rules"
    items = matches["items"]
    assert [i["product_id"] for i in items][:1] == [catalogue["ip"]]  # 800 万: only the IP loan's range fits
    assert items[0]["eligible"] is True and not items[1]["eligible"]
    assert "超过该产品上限 500 万元" in " ".join(items[1]["reasons"])
    assert catalogue["paused"] not in [i["product_id"] for i in items]


def test_need_validation_names_fields(client, owner):
    _user, headers = owner
    bad = {"amount_cny": -5, "term_months": 0, "preferred_kinds": ["lottery"], "max_rate_pct": 99}
    assert_error(client.post("/api/v1/needs", json=bad, headers=headers), 422,
                 fields=["amount_cny", "term_months", "preferred_kinds", "max_rate_pct"])
    sneaky = dict(NEED, status="closed", enterprise_id=1)
    assert_error(client.post("/api/v1/needs", json=sneaky, headers=headers), 422, fields=["status", "enterprise_id"])


def test_apply_twice_is_409_and_paused_product_is_409(client, owner, catalogue, app):
    _user, headers = owner
    need_id = client.post("/api/v1/needs", json=NEED, headers=headers).json["id"]
    first = client.post("/api/v1/applications", json={"need_id": need_id, "product_id": catalogue["ip"]},
                        headers=headers)
    assert first.status_code == 201 and first.json["status"] == "submitted"
    assert_error(client.post("/api/v1/applications", json={"need_id": need_id, "product_id": catalogue["ip"]},
                             headers=headers), 409, "conflict")
    assert_error(client.post("/api/v1/applications", json={"need_id": need_id, "product_id": catalogue["paused"]},
                             headers=headers), 409)
    listed = client.get("/api/v1/applications", headers=headers).json
    assert listed["total"] == 1 and listed["items"][0]["need_id"] == need_id
    with app.app_context():
        share = db.session.scalar(sa.select(Consent).where(Consent.scope == "profile_share"))
        assert share.institution_id == catalogue["bank"] and share.granted


def test_withdrawing_a_need_withdraws_its_open_applications(client, owner, catalogue):
    _user, headers = owner
    need_id = client.post("/api/v1/needs", json=NEED, headers=headers).json["id"]
    application_id = client.post("/api/v1/applications", json={"need_id": need_id, "product_id": catalogue["ip"]},
                                 headers=headers).json["id"]
    withdrawn = client.post(f"/api/v1/needs/{need_id}/withdraw", headers=headers)
    assert withdrawn.status_code == 200 and withdrawn.json["status"] == "withdrawn"
    assert client.get(f"/api/v1/applications/{application_id}", headers=headers).json["status"] == "withdrawn"
    assert_error(client.post(f"/api/v1/needs/{need_id}/withdraw", headers=headers), 409)
    assert_error(client.post("/api/v1/applications", json={"need_id": need_id, "product_id": catalogue["credit"]},
                             headers=headers), 409)


def test_another_firms_objects_answer_404(client, owner, catalogue, make_user):
    _user, headers = owner
    need_id = client.post("/api/v1/needs", json=NEED, headers=headers).json["id"]
    application_id = client.post("/api/v1/applications", json={"need_id": need_id, "product_id": catalogue["ip"]},
                                 headers=headers).json["id"]
    other = make_user("enterprise")
    intruder = token_for(client, other.email, other.password)
    assert_error(client.get(f"/api/v1/needs/{need_id}", headers=intruder), 404, "not_found")
    assert_error(client.get(f"/api/v1/needs/{need_id}/matches", headers=intruder), 404)
    assert_error(client.post(f"/api/v1/needs/{need_id}/withdraw", headers=intruder), 404)
    assert_error(client.get(f"/api/v1/applications/{application_id}", headers=intruder), 404)
    assert_error(client.post("/api/v1/applications", json={"need_id": need_id, "product_id": catalogue["credit"]},
                             headers=intruder), 404)
    assert client.get("/api/v1/applications", headers=intruder).json == {"items": [], "total": 0}
    officer = make_user("institution")
    bank_headers = token_for(client, officer.email, officer.password)
    assert_error(client.get(f"/api/v1/applications/{application_id}", headers=bank_headers), 404)
    assert_error(client.post("/api/v1/needs", json=NEED, headers=bank_headers), 403)


def test_admin_sees_every_need_and_its_matches(client, owner, catalogue, make_user):
    _user, headers = owner
    need_id = client.post("/api/v1/needs", json=NEED, headers=headers).json["id"]
    admin = make_user("admin")
    admin_headers = token_for(client, admin.email, admin.password)
    assert client.get(f"/api/v1/needs/{need_id}", headers=admin_headers).status_code == 200
    assert client.get(f"/api/v1/needs/{need_id}/matches", headers=admin_headers).json["items"]


def test_list_limit_is_bounded(client, owner):
    _user, headers = owner
    assert_error(client.get("/api/v1/needs?limit=101", headers=headers), 422, fields=["limit"])
    assert client.get("/api/v1/needs?limit=100&offset=0", headers=headers).status_code == 200
