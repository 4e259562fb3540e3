"""The enterprise's pages, submitted as a browser submits them."""
import datetime as dt
import re

import pytest
import sqlalchemy as sa

from models import Application, Consent, FinancingNeed, db
from seed import load_market
from tests.conftest import csrf_token
from tests.test_auth_pages import field_errors, submit


@pytest.fixture
def signed_in(app, client, make_user):
    with app.app_context():
        load_market(enterprises=60, seed=9, progress=False, as_of=dt.date(2026, 11, 1))
    user = make_user("enterprise", annual_revenue_cny=50_000_000, credit_rating="AA", ip_count=20)
    submit(client, "/auth/login", {"email": user.email, "password": user.password})
    return user


def publish(client, **overrides):
    data = {"amount": "300", "term_months": "12", "purpose": "购置研发设备", "collateral_offered": "y", **overrides}
    return submit(client, "/enterprise/needs/new", data)


def test_publishing_a_need_leads_to_its_ranked_matches(client, signed_in):
    response = publish(client)
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "为您匹配的产品" in page and "匹配度" in page
    assert page.count('data-testid="match"') > 0
    assert "符合该产品全部准入条件" in page
    assert "预计总利息/费用" in page


def test_bad_need_values_are_named_and_what_was_typed_stays(client, signed_in, app):
    response = publish(client, amount="-5", term_months="十二", purpose="扩大产能")
    html = response.get_data(as_text=True)
    errors = field_errors(html)
    assert response.status_code == 422
    assert "请输入整数" in errors["term_months"]
    assert "扩大产能" in html and 'value="-5"' in html
    response = publish(client, amount="0.5")
    assert "至少 1 万元" in field_errors(response.get_data(as_text=True))["amount"]
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(FinancingNeed).where(
            FinancingNeed.enterprise_id == signed_in.enterprise_id)) == 0


def test_filters_by_kind_and_rate_ceiling(client, signed_in):
    location = publish(client).headers["Location"]
    page = client.get(location + "?kind=credit_loan&rate=4.0&all=1").get_data(as_text=True)
    kinds = re.findall(r'<div class="small text-muted">[^·]+· ([^·]+) · 年利率 ([\d.]+)%', page)
    assert kinds and all(kind.strip() == "信用贷款" and float(rate) <= 4.0 for kind, rate in kinds)


def test_apply_once_even_when_clicked_twice(client, signed_in, app):
    location = publish(client).headers["Location"]
    page = client.get(location).get_data(as_text=True)
    product_id = re.search(r'name="product_id" value="(\d+)"', page).group(1)
    token = csrf_token(page)
    first = client.post(location + "/apply", data={"product_id": product_id, "csrf_token": token})
    second = client.post(location + "/apply", data={"product_id": product_id, "csrf_token": token})
    assert first.headers["Location"].startswith("/enterprise/applications/")
    assert second.headers["Location"] == location
    assert "已向该产品提交过申请" in client.get(location).get_data(as_text=True)
    timeline = client.get(first.headers["Location"]).get_data(as_text=True)
    assert "已提交" in timeline and 'data-testid="timeline"' in timeline
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Application).where(
            Application.enterprise_id == signed_in.enterprise_id)) == 1
        assert db.session.scalar(sa.select(Consent.scope).where(
            Consent.enterprise_id == signed_in.enterprise_id)) == "profile_share"


def test_withdraw_an_undecided_application(client, signed_in):
    location = publish(client).headers["Location"]
    page = client.get(location).get_data(as_text=True)
    product_id = re.search(r'name="product_id" value="(\d+)"', page).group(1)
    application = client.post(location + "/apply", data={"product_id": product_id,
                                                          "csrf_token": csrf_token(page)}).headers["Location"]
    page = client.get(application).get_data(as_text=True)
    asked = client.post(application + "/withdraw", data={"csrf_token": csrf_token(page)})
    question = asked.get_data(as_text=True)
    assert asked.status_code == 200 and "确认撤回申请？" in question and "须重新提交" in question
    assert 'data-testid="status">已提交' in client.get(application).get_data(as_text=True)  # nothing happened yet
    client.post(application + "/withdraw", data={"csrf_token": csrf_token(question), "confirm": "yes"})
    page = client.get(application).get_data(as_text=True)
    assert 'data-testid="status">已撤回' in page
    assert "1" in client.get("/enterprise/notifications").get_data(as_text=True)


def test_compare_up_to_three(client, signed_in):
    location = publish(client).headers["Location"]
    page = client.get(location).get_data(as_text=True)
    ids = re.findall(r'name="product" value="(\d+)"', page)[:4]
    compared = client.get(f"{location}/compare?" + "&".join(f"product={i}" for i in ids))
    assert compared.status_code == 200
    assert compared.get_data(as_text=True).count('<th scope="col">') == 4  # the row heads' column and three
    assert compared.get_data(as_text=True).count('<td>符合</td>') + compared.get_data(as_text=True).count(
        '<td>不符合</td>') == 3


def test_profile_edit_and_consent_are_recorded(client, signed_in, app):
    page = client.get("/enterprise/profile").get_data(as_text=True)
    assert "不可修改" in page
    form = dict(re.findall(r'name="(\w+)"[^>]*value="([^"]*)"', page))
    data = {k: form.get(k, "") for k in ("name", "founded_on", "employees", "annual_revenue", "rd_ratio_pct",
                                          "ip_count")}
    data.update(industry="life_health", credit_rating="A", district="北碚区", share_in_leads="y", employees="77")
    response = submit(client, "/enterprise/profile", data)
    assert response.status_code == 302, field_errors(response.get_data(as_text=True))
    with app.app_context():
        consent = db.session.scalar(sa.select(Consent).where(Consent.enterprise_id == signed_in.enterprise_id))
        assert consent.scope == "leads" and consent.granted
    bad = submit(client, "/enterprise/profile", dict(data, employees="-1"))
    assert bad.status_code == 422 and "不能为负数" in field_errors(bad.get_data(as_text=True))["employees"]


def test_other_roles_and_other_firms_are_kept_out(client, signed_in, make_user, app):
    location = publish(client).headers["Location"]
    client.post("/auth/logout", data={"csrf_token": csrf_token(client.get("/account").get_data(as_text=True))})
    other = make_user("enterprise")
    submit(client, "/auth/login", {"email": other.email, "password": other.password})
    assert client.get(location).status_code == 404
    client.post("/auth/logout", data={"csrf_token": csrf_token(client.get("/account").get_data(as_text=True))})
    officer = make_user("institution")
    submit(client, "/auth/login", {"email": officer.email, "password": officer.password})
    assert client.get("/enterprise/needs").status_code == 403
