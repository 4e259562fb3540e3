"""An officer's product form and decision page, submitted as a person does: what is prefilled, where a
problem is shown, which status a page answers with, and what is stored. Argon2 at its cheapest, so
``make mutation`` can run these once per mutant."""
from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from models import Application, FinancingNeed, Product, db
from tests.conftest import csrf_token
from tests.rule_helpers import use_cheap_argon2
from tests.test_auth_pages import field_errors, submit

FORM = {"name": "科创信用贷", "kind": "credit_loan", "min_amount": "10", "max_amount": "500",
        "min_term_months": "3", "max_term_months": "36", "rate_min_pct": "3.5", "rate_max_pct": "5",
        "min_credit_rating": "", "description": "面向科技型中小企业"}


@pytest.fixture
def officer(client, make_user, monkeypatch):
    use_cheap_argon2(monkeypatch)
    person = make_user("institution")
    assert submit(client, "/auth/login", {"email": person.email, "password": person.password}).status_code == 302
    return person


def _value(html: str, name: str) -> str | None:
    """What the input called ``name`` holds, as the browser shows it."""
    found = re.search(rf'<input[^>]*\bname="{name}"[^>]*\bvalue="([^"]*)"', html)
    return found.group(1) if found else None


def _products(app) -> list[Product]:
    with app.app_context():
        return db.session.scalars(sa.select(Product).order_by(Product.id)).all()


def _application_to(product: Product, firm, app) -> int:
    """A firm's need of 235 万元 over 18 months, sent to ``product``."""
    with app.app_context():
        need = FinancingNeed(enterprise_id=firm.enterprise_id, amount_cny=2_350_000, term_months=18)
        db.session.add(need)
        db.session.flush()
        application = Application(need_id=need.id, product_id=product.id, enterprise_id=firm.enterprise_id,
                                  institution_id=product.institution_id, amount_cny=2_350_000, term_months=18)
        db.session.add(application)
        db.session.commit()
        return application.id


def test_publishing_a_product_stores_it_and_says_so(client, officer, app):
    blank = client.get("/institution/products/new")
    assert blank.status_code == 200 and "发布产品" in blank.get_data(as_text=True)
    response = submit(client, "/institution/products/new", FORM)
    assert response.status_code == 302 and response.headers["Location"] == "/institution/products"
    listing = client.get("/institution/products").get_data(as_text=True)
    assert '<div class="alert alert-success" role="status">产品已保存</div>' in listing
    (product,) = _products(app)
    assert (product.name, product.min_amount_cny, product.max_amount_cny, product.rate_min_pct) == (
        "科创信用贷", 100_000, 5_000_000, 3.5)
    assert product.institution_id == officer.institution_id


def test_editing_starts_from_the_stored_terms_and_changes_only_that_product(client, officer, app):
    submit(client, "/institution/products/new", FORM)
    submit(client, "/institution/products/new", {**FORM, "name": "另一款产品"})
    first, second = _products(app)
    page = client.get(f"/institution/products/{first.id}/edit")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "修改产品" in html and "保存修改" in html
    assert (_value(html, "name"), _value(html, "max_amount"), _value(html, "rate_min_pct")) == (
        "科创信用贷", "500.00", "3.50")
    response = submit(client, f"/institution/products/{first.id}/edit", {**FORM, "max_amount": "800"})
    assert response.status_code == 302 and response.headers["Location"] == "/institution/products"
    assert "产品已保存" in client.get("/institution/products").get_data(as_text=True)
    first, second = _products(app)
    assert first.max_amount_cny == 8_000_000 and second.max_amount_cny == 5_000_000
    assert second.name == "另一款产品"


def test_a_preview_counts_fitting_needs_without_saving(client, officer, app, make_user):
    firm = make_user("enterprise")
    with app.app_context():
        db.session.add(FinancingNeed(enterprise_id=firm.enterprise_id, amount_cny=2_000_000, term_months=12))
        db.session.commit()
    page = submit(client, "/institution/products/new", {**FORM, "preview": "1"})
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "今天有 1 笔进行中的融资需求符合该产品" in html
    assert _value(html, "name") == "科创信用贷" and _value(html, "min_amount") == "10"  # what was typed stays
    assert _products(app) == []


def test_a_preview_with_a_problem_shows_it_beside_the_field_and_counts_nothing(client, officer, app):
    page = submit(client, "/institution/products/new", {**FORM, "min_amount": "600", "preview": "1"})
    html = page.get_data(as_text=True)
    assert "最低金额不能高于最高金额" in field_errors(html).get("min_amount", "")
    assert 'data-testid="fit-count"' not in html
    assert _products(app) == []


def test_a_form_that_does_not_validate_answers_422_keeping_what_was_typed(client, officer, app):
    page = submit(client, "/institution/products/new", {**FORM, "name": "", "max_amount": "abc"})
    html = page.get_data(as_text=True)
    assert page.status_code == 422
    errors = field_errors(html)
    assert "请填写产品名称" in errors["name"] and errors["max_amount"]
    assert "面向科技型中小企业</textarea>" in html and _value(html, "min_amount") == "10"
    assert _products(app) == []


def test_the_services_refusal_is_shown_beside_the_form_field_with_its_status(client, officer, app):
    page = submit(client, "/institution/products/new", {**FORM, "min_amount": "600"})
    assert page.status_code == 422
    assert "最低金额不能高于最高金额" in field_errors(page.get_data(as_text=True)).get("min_amount", "")
    submit(client, "/institution/products/new", FORM)
    (product,) = _products(app)
    page = submit(client, f"/institution/products/{product.id}/edit", {**FORM, "min_amount": "600"})
    html = page.get_data(as_text=True)
    assert page.status_code == 422 and "修改产品" in html
    assert "最低金额不能高于最高金额" in field_errors(html).get("min_amount", "")
    assert _products(app)[0].min_amount_cny == 100_000


def test_the_decision_page_starts_from_what_the_firm_asked(client, officer, app, make_user):
    submit(client, "/institution/products/new", {**FORM, "rate_min_pct": "3.85"})
    (product,) = _products(app)
    application_id = _application_to(product, make_user("enterprise"), app)
    page = client.get(f"/institution/applications/{application_id}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert re.search(r"剩余 \d+ (天|小时)", html)  # the service clock, counting down from the target, in days and hours
    assert (_value(html, "approved_amount"), _value(html, "term_months"), _value(html, "rate_pct")) == (
        "235.00", "18", "3.85")
    assert _value(html, "amount") is None  # nothing to disburse before an approval
    token = csrf_token(html)
    client.post(f"/institution/applications/{application_id}/decision",
                data={"decision": "approve", "approved_amount": "200", "rate_pct": "4", "term_months": "12",
                      "csrf_token": token})
    html = client.get(f"/institution/applications/{application_id}").get_data(as_text=True)
    assert _value(html, "amount") == "200.00"  # the disbursement starts at the approved amount


def test_a_refused_decision_answers_422_keeping_what_the_officer_typed(client, officer, app, make_user):
    submit(client, "/institution/products/new", {**FORM, "rate_min_pct": "3.85"})
    (product,) = _products(app)
    application_id = _application_to(product, make_user("enterprise"), app)
    token = csrf_token(client.get(f"/institution/applications/{application_id}").get_data(as_text=True))
    page = client.post(f"/institution/applications/{application_id}/decision",
                       data={"decision": "approve", "approved_amount": "", "rate_pct": "4.1", "term_months": "12",
                             "csrf_token": token})
    html = page.get_data(as_text=True)
    assert page.status_code == 422 and "企业画像" in html
    assert (_value(html, "approved_amount"), _value(html, "rate_pct"), _value(html, "term_months")) == ("", "4.1", "12")
    assert "此项为必填项" in field_errors(html)["approved_amount"]
