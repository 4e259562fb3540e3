"""Investor profiles (issue 18, point 1): a fund manager's officers publish what the fund invests in; banks, firms
and the bureau are refused (403); every bad value is 422 naming its field; the page keeps what was typed. On both
databases."""
from __future__ import annotations

import pytest

from tests.test_api import assert_error, token_for

PROFILE = {"stages": ["a", "angel"], "industries": ["life_health"], "min_ticket_cny": 5_000_000,
           "max_ticket_cny": 30_000_000, "fund_size_cny": 2_000_000_000, "accepts_deal_flow": True}


@pytest.fixture
def fund_officer(make_user, app):
    officer = make_user("institution")
    with app.app_context():
        from models import Institution, InstitutionKind, User, db
        institution = db.session.get(Institution, db.session.get(User, officer.id).institution_id)
        institution.kind = InstitutionKind.FUND
        db.session.commit()
    return officer


def test_a_fund_publishes_and_replaces_its_profile(client, fund_officer, make_user):
    fund = token_for(client, fund_officer.email, fund_officer.password)
    assert_error(client.get("/api/v1/investor-profile", headers=fund), 404)
    saved = client.put("/api/v1/investor-profile", headers=fund, json=PROFILE)
    assert saved.status_code == 200
    # The codes come back in their own order (angel before A), each once.
    assert saved.json == {**PROFILE, "stages": ["angel", "a"]}
    assert client.get("/api/v1/investor-profile", headers=fund).json == saved.json
    replaced = client.put("/api/v1/investor-profile", headers=fund, json={
        **PROFILE, "stages": ["pre_ipo", "pre_ipo"], "industries": [], "accepts_deal_flow": False})
    assert (replaced.status_code, replaced.json["stages"], replaced.json["industries"],
            replaced.json["accepts_deal_flow"]) == (200, ["pre_ipo"], [], False)
    admin = make_user("admin")
    goals = {t["code"]: t for t in client.get("/api/v1/admin/targets", headers=token_for(
        client, admin.email, admin.password)).json["items"]}
    assert {k: goals["equity_funds"][k] for k in ("target", "unit", "actual", "met")} == {
        "target": 50_000_000_000, "unit": "元", "actual": PROFILE["fund_size_cny"], "met": False}  # 500 亿 planned
    for role in ("institution", "enterprise", "admin"):  # a bank, a firm, the bureau
        who = make_user(role)
        headers = token_for(client, who.email, who.password)
        assert_error(client.put("/api/v1/investor-profile", headers=headers, json=PROFILE), 403)
        assert_error(client.get("/api/v1/investor-profile", headers=headers), 403)


@pytest.mark.parametrize(("change", "field"), [
    ({"stages": []}, "stages"), ({"stages": ["series_z"]}, "stages"), ({"industries": ["mining"]}, "industries"),
    ({"min_ticket_cny": 0}, "min_ticket_cny"), ({"max_ticket_cny": 4_000_000}, "max_ticket_cny"),
    ({"fund_size_cny": 20_000_000}, "fund_size_cny"), ({"fund_size_cny": 10**13}, "fund_size_cny"),
    ({"min_ticket_cny": "5000000"}, "min_ticket_cny"), ({"max_ticket_cny": 10**11}, "max_ticket_cny"),
])
def test_a_bad_profile_is_422_naming_the_field_and_keeps_the_old_one(client, fund_officer, change, field):
    fund = token_for(client, fund_officer.email, fund_officer.password)
    assert client.put("/api/v1/investor-profile", headers=fund, json=PROFILE).status_code == 200
    assert_error(client.put("/api/v1/investor-profile", headers=fund, json={**PROFILE, **change}), 422, fields=[field])
    assert client.get("/api/v1/investor-profile", headers=fund).json["min_ticket_cny"] == PROFILE["min_ticket_cny"]


def test_the_fund_s_page_keeps_what_was_typed(client, fund_officer, make_user, app):
    from tests.conftest import csrf_token
    from tests.test_auth_pages import field_errors, submit

    assert submit(client, "/auth/login", {"email": fund_officer.email, "password": fund_officer.password}).status_code == 302
    page = client.get("/institution/investor-profile").get_data(as_text=True)
    assert "投资阶段" in page and "投资偏好" in client.get("/account").get_data(as_text=True)  # in its navigation
    token = csrf_token(page)
    form = {"csrf_token": token, "stages": ["a", "b"], "industries": ["next_gen_it"], "min_ticket_cny": "3000",
            "max_ticket_cny": "1000", "fund_size_cny": "100000", "accepts_deal_flow": "y"}
    wrong = client.post("/institution/investor-profile", data=form)
    assert wrong.status_code == 422
    assert field_errors(wrong.get_data(as_text=True))["max_ticket_cny"] == "单笔投资上限不能低于下限"
    assert 'value="3000' in wrong.get_data(as_text=True)
    done = client.post("/institution/investor-profile", data={**form, "max_ticket_cny": "5000"})
    assert done.status_code == 302
    shown = client.get("/institution/investor-profile").get_data(as_text=True)
    assert "A 轮、B 轮" in shown and "3,000 万元" in shown
    bank = make_user("institution")
    other = app.test_client()
    assert submit(other, "/auth/login", {"email": bank.email, "password": bank.password}).status_code == 302
    assert other.get("/institution/investor-profile").status_code == 403
    assert "投资偏好" not in other.get("/account").get_data(as_text=True)
