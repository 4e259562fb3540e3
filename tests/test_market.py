"""The public catalogue (金融超市): search, filters, orders and pages through the API and the page; a
product's own page with its terms in words, its institution's service figures and 申请 for a firm; the
comparison with full terms."""
from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from models import Application, Consent, Institution, db
from tests.conftest import csrf_token
from tests.rule_helpers import use_cheap_argon2
from tests.test_api import assert_error, token_for
from tests.test_auth_pages import submit
from tests.test_institution import PRODUCT

RULES = PRODUCT["eligibility"]
# Six products of two banks, unlike in every figure a filter or an order reads.
SHELF = [
    ("bank_a", dict(name="科创信用贷", kind="credit_loan", min_amount_cny=100_000, max_amount_cny=3_000_000,
                    min_term_months=3, max_term_months=12, rate_min_pct=3.9, rate_max_pct=5.2,
                    repayment_methods=["equal_installment", "interest_only"])),
    ("bank_a", dict(name="专利质押贷", kind="ip_pledge", min_amount_cny=500_000, max_amount_cny=30_000_000,
                    min_term_months=12, max_term_months=36, rate_min_pct=4.2, rate_max_pct=5.0,
                    repayment_methods=["interest_only"],
                    eligibility={**RULES, "min_ip_count": 3, "industries": ["life_health"]})),
    ("bank_a", dict(name="设备抵押贷", kind="equipment_mortgage", min_amount_cny=1_000_000,
                    max_amount_cny=20_000_000, min_term_months=12, max_term_months=60, rate_min_pct=4.6,
                    rate_max_pct=5.4, repayment_methods=["equal_installment"],
                    eligibility={**RULES, "collateral_required": True})),
    ("bank_b", dict(name="绿色节能贷", kind="green_loan", min_amount_cny=2_000_000, max_amount_cny=50_000_000,
                    min_term_months=24, max_term_months=60, rate_min_pct=3.3, rate_max_pct=4.1,
                    repayment_methods=["equal_installment"],
                    eligibility={**RULES, "industries": ["green_smart_manufacturing", "life_health"]})),
    ("bank_b", dict(name="科技担保", kind="guarantee", min_amount_cny=500_000, max_amount_cny=10_000_000,
                    min_term_months=6, max_term_months=24, rate_min_pct=1.0, rate_max_pct=1.8,
                    repayment_methods=[])),
    ("bank_b", dict(name="小微快贷", kind="credit_loan", min_amount_cny=100_000, max_amount_cny=5_000_000,
                    min_term_months=6, max_term_months=24, rate_min_pct=4.8, rate_max_pct=6.0,
                    repayment_methods=["bullet"])),
]


@pytest.fixture
def shelf(client, make_user, app, monkeypatch):
    use_cheap_argon2(monkeypatch)
    officers = {"bank_a": make_user("institution"), "bank_b": make_user("institution")}
    with app.app_context():  # a name to search the institution by
        db.session.get(Institution, officers["bank_a"].institution_id).name = "重庆三峡银行科学城支行"
        db.session.commit()
    tokens = {key: token_for(client, o.email, o.password) for key, o in officers.items()}
    products = []
    for owner, terms in SHELF:
        body = {**PRODUCT, **terms, "eligibility": terms.get("eligibility", RULES)}
        response = client.post("/api/v1/products", json=body, headers=tokens[owner])
        assert response.status_code == 201, response.json
        products.append(response.json)
    return {"officers": officers, "tokens": tokens, "products": products}


def _ids(response) -> list[int]:
    assert response.status_code == 200, response.json
    return [p["id"] for p in response.json["items"]]


def test_the_catalogue_is_searched_by_the_product_or_the_institution_name(client, shelf):
    by_name = client.get("/api/v1/products", query_string={"q": "质押"})
    assert _ids(by_name) == [p["id"] for p in shelf["products"] if "质押" in p["name"]]
    bank_a = shelf["officers"]["bank_a"].institution_id
    by_institution = client.get("/api/v1/products", query_string={"q": "三峡", "limit": 100})
    assert sorted(_ids(by_institution)) == sorted(p["id"] for p in shelf["products"] if p["institution_id"] == bank_a)
    # LIKE's wildcards are plain characters in a search
    assert client.get("/api/v1/products", query_string={"q": "%"}).json["total"] == 0
    assert client.get("/api/v1/products", query_string={"q": "_"}).json["total"] == 0


FILTERS = [
    ({"amount_cny": 4_000_000}, lambda p: p["min_amount_cny"] <= 4_000_000 <= p["max_amount_cny"]),
    ({"term_months": 48}, lambda p: p["min_term_months"] <= 48 <= p["max_term_months"]),
    ({"max_rate_pct": 4.2}, lambda p: p["rate_min_pct"] <= 4.2),
    ({"collateral_required": "false"}, lambda p: not p["eligibility"]["collateral_required"]),
    ({"collateral_required": "true"}, lambda p: p["eligibility"]["collateral_required"]),
    ({"industry": "next_gen_it"}, lambda p: not p["eligibility"]["industries"]
     or "next_gen_it" in p["eligibility"]["industries"]),
    ({"industry": "green_smart_manufacturing", "kind": "green_loan"},
     lambda p: p["kind"] == "green_loan"),
]


@pytest.mark.parametrize(("query", "fits"), FILTERS, ids=[",".join(q) for q, _f in FILTERS])
def test_each_filter_keeps_exactly_the_products_that_fit(client, shelf, query, fits):
    expected = sorted(p["id"] for p in shelf["products"] if fits(p))
    assert 0 < len(expected) < len(shelf["products"])  # the filter has something to keep and to drop
    response = client.get("/api/v1/products", query_string={**query, "limit": 100})
    assert sorted(_ids(response)) == expected
    assert response.json["total"] == len(expected)


KIND_ORDER = ["credit_loan", "gaoxin_dai", "knowledge_value", "ip_pledge", "equity_pledge", "equipment_mortgage",
              "green_loan", "supply_chain", "renewal_loan", "leasing", "guarantee", "tech_insurance",
              "equity_investment"]
ORDERS = {
    "id": lambda p: (p["id"],),
    "kind": lambda p: (KIND_ORDER.index(p["kind"]), p["rate_min_pct"], p["id"]),
    "rate": lambda p: (p["rate_min_pct"], p["rate_max_pct"], p["id"]),
    "amount": lambda p: (-p["max_amount_cny"], p["id"]),
    "term": lambda p: (-p["max_term_months"], p["id"]),
    "newest": lambda p: (p["created_at"], p["id"]),
}


@pytest.mark.parametrize("sort", ORDERS)
def test_each_order_of_the_catalogue(client, shelf, sort):
    expected = sorted(shelf["products"], key=ORDERS[sort], reverse=sort == "newest")
    assert _ids(client.get("/api/v1/products", query_string={"sort": sort, "limit": 100})) == \
        [p["id"] for p in expected]


def test_pages_of_the_catalogue_neither_overlap_nor_leave_out(client, shelf):
    seen = []
    for offset in range(0, 6, 4):
        page = client.get("/api/v1/products", query_string={"sort": "rate", "limit": 4, "offset": offset})
        assert page.json["total"] == 6
        seen += _ids(page)
    assert seen == _ids(client.get("/api/v1/products", query_string={"sort": "rate", "limit": 100}))


@pytest.mark.parametrize(("query", "field"), [
    ({"sort": "cheapest"}, "sort"), ({"industry": "mining"}, "industry"), ({"term_months": 0}, "term_months"),
    ({"term_months": 361}, "term_months"), ({"max_rate_pct": 36.5}, "max_rate_pct"), ({"max_rate_pct": "nan"},
                                                                                       "max_rate_pct"),
    ({"q": "贷" * 61}, "q"), ({"collateral_required": "maybe"}, "collateral_required"),
])
def test_bad_catalogue_queries_are_422_naming_the_parameter(client, shelf, query, field):
    assert_error(client.get("/api/v1/products", query_string=query), 422, fields=[field])


def test_one_product_reads_alone_while_it_is_active(client, shelf):
    product = shelf["products"][0]
    alone = client.get(f"/api/v1/products/{product['id']}")
    assert alone.status_code == 200 and alone.json == product
    assert alone.json["repayment_methods"] == ["equal_installment", "interest_only"]
    bank = shelf["tokens"]["bank_a"]
    client.patch(f"/api/v1/products/{product['id']}", json={"status": "paused"}, headers=bank)
    assert_error(client.get(f"/api/v1/products/{product['id']}"), 404)
    assert_error(client.get("/api/v1/products/999999"), 404)


def test_repayment_methods_are_published_changed_and_checked(client, shelf):
    product, bank = shelf["products"][4], shelf["tokens"]["bank_b"]
    assert product["repayment_methods"] == []
    changed = client.patch(f"/api/v1/products/{product['id']}", json={"repayment_methods": ["bullet", "bullet"]},
                           headers=bank)
    assert changed.status_code == 200 and changed.json["repayment_methods"] == ["bullet"]
    assert_error(client.patch(f"/api/v1/products/{product['id']}", json={"repayment_methods": ["monthly"]},
                              headers=bank), 422, fields=["repayment_methods"])
    assert client.get(f"/api/v1/products/{product['id']}").json["repayment_methods"] == ["bullet"]


# ---------------------------------------------------------------- the pages


def _listed(html: str) -> list[str]:
    return re.findall(r'<a class="stretched-link" href="/market/products/\d+">([^<]+)</a>', html)


def test_the_catalogue_page_filters_and_names_a_bad_box_keeping_what_was_typed(client, shelf):
    everything = client.get("/market").get_data(as_text=True)
    assert sorted(_listed(everything)) == sorted(p["name"] for p in shelf["products"])
    assert "共 6 款产品" in everything
    cheap = client.get("/market", query_string={"rate": "4.2", "collateral": "no", "sort": "rate"})
    expected = [p["name"] for p in sorted(shelf["products"], key=ORDERS["rate"])
                if p["rate_min_pct"] <= 4.2 and not p["eligibility"]["collateral_required"]]
    assert _listed(cheap.get_data(as_text=True)) == expected
    bad = client.get("/market", query_string={"amount": "三百万", "term": "12", "q": "贷"})
    html = bad.get_data(as_text=True)
    assert bad.status_code == 200
    assert re.search(r'id="f-amount-feedback" class="invalid-feedback">金额须为', html)
    assert 'value="三百万"' in html and 'value="12"' in html and 'value="贷"' in html
    assert sorted(_listed(html)) == sorted(p["name"] for p in shelf["products"]
                                           if "贷" in p["name"] and p["min_term_months"] <= 12 <= p["max_term_months"])


def test_the_catalogue_pages_through_its_shelf(client, shelf, monkeypatch):
    from matchmaker.products import views

    monkeypatch.setattr(views, "PER_PAGE", 4)
    first = client.get("/market", query_string={"sort": "amount"}).get_data(as_text=True)
    second = client.get("/market", query_string={"sort": "amount", "page": 2}).get_data(as_text=True)
    assert "第 1 / 2 页" in first and "page=2" in first and "sort=amount" in first
    assert _listed(first) + _listed(second) == [p["name"] for p in sorted(shelf["products"], key=ORDERS["amount"])]


def test_an_institution_shelf_and_an_unknown_one(client, shelf):
    bank_b = shelf["officers"]["bank_b"].institution_id
    html = client.get("/market", query_string={"institution": bank_b}).get_data(as_text=True)
    assert sorted(_listed(html)) == sorted(p["name"] for p in shelf["products"] if p["institution_id"] == bank_b)
    assert client.get("/market", query_string={"institution": 999999}).status_code == 404


def _decide(client, shelf, product, firm_token, amount, decision):
    need = client.post("/api/v1/needs", json={"amount_cny": amount, "term_months": 12}, headers=firm_token).json
    application = client.post("/api/v1/applications", json={"need_id": need["id"], "product_id": product["id"]},
                              headers=firm_token).json
    body = ({"decision": "approve", "approved_amount_cny": amount, "rate_pct": product["rate_min_pct"],
             "term_months": 12} if decision == "approve" else {"decision": "reject", "reason": "资料不全"})
    bank = shelf["tokens"]["bank_a"]
    assert client.post(f"/api/v1/applications/{application['id']}/decision", json=body, headers=bank).status_code == 200


def test_a_product_page_shows_its_terms_in_words_and_its_institution_figures(client, shelf, make_user, app):
    product = shelf["products"][1]  # 专利质押贷 of the bank in 科学城
    html = client.get(f"/market/products/{product['id']}").get_data(as_text=True)
    assert "暂无记录" in html and "—" in html  # no decision yet: no figures made up
    firm = make_user("enterprise")
    owner = token_for(client, firm.email, firm.password)
    for amount, decision in ((1_000_000, "approve"), (2_000_000, "approve"), (3_000_000, "reject")):
        _decide(client, shelf, product, owner, amount, decision)
    html = client.get(f"/market/products/{product['id']}").get_data(as_text=True)
    terms = re.search(r'data-testid="terms">(.*?)</dl>', html, re.S).group(1)
    assert "50 万元 – 3,000 万元" in terms and "12 – 36 个月" in terms and "年利率 4.20%–5.00%" in terms
    assert "先息后本" in terms
    assert "面向科技型中小企业" in html  # the officer's 产品说明
    requirements = re.search(r'data-testid="requirements">(.*?)</ul>', html, re.S).group(1)
    for words in ("仅限生命健康", "成立满 1 年", "年营业收入不低于 100 万元", "拥有知识产权不少于 3 项",
                  "信用评级 BBB 及以上", "无需抵押物"):
        assert words in requirements
    with app.app_context():
        decided = db.session.scalars(sa.select(Application).where(Application.product_id == product["id"])).all()
        approved = sum(a.approved_amount_cny is not None for a in decided)
    assert re.search(rf'data-testid="approval-rate">{approved / len(decided) * 100:.1f}%<', html)
    assert re.search(r'data-testid="median-hours">(\d+ 小时|\d+ 天)', html)
    assert "重庆三峡银行科学城支行" in html


def test_nothing_but_an_active_product_has_a_page(client, shelf):
    product = shelf["products"][0]
    client.patch(f"/api/v1/products/{product['id']}", json={"status": "retired"}, headers=shelf["tokens"]["bank_a"])
    assert client.get(f"/market/products/{product['id']}").status_code == 404
    assert client.get("/market/products/999999").status_code == 404


def _apply_box(html: str) -> str:
    return re.search(r'data-testid="apply">(.*?)</div></div>\s*</div>\s*</div>', html, re.S).group(1)


def test_who_may_apply_from_a_product_page(client, shelf, make_user):
    product = shelf["products"][0]
    path = f"/market/products/{product['id']}"
    assert "登录后申请" in _apply_box(client.get(path).get_data(as_text=True))
    firm = make_user("enterprise")
    submit(client, "/auth/login", {"email": firm.email, "password": firm.password})
    assert "发布融资需求" in _apply_box(client.get(path).get_data(as_text=True))
    client.post("/auth/logout", data={"csrf_token": csrf_token(client.get("/account").get_data(as_text=True))})
    officer = shelf["officers"]["bank_b"]
    submit(client, "/auth/login", {"email": officer.email, "password": officer.password})
    assert "只有企业用户可以申请产品" in _apply_box(client.get(path).get_data(as_text=True))


def test_a_firm_applies_from_the_product_page_with_each_open_need_judged(client, shelf, make_user, app):
    fitting, failing = shelf["products"][0], shelf["products"][1]  # 3+ IP in life_health: the firm is next_gen_it
    firm = make_user("enterprise")
    owner = token_for(client, firm.email, firm.password)
    need = client.post("/api/v1/needs", json={"amount_cny": 2_000_000, "term_months": 12, "purpose": "采购原材料"},
                       headers=owner).json
    submit(client, "/auth/login", {"email": firm.email, "password": firm.password})
    refused = _apply_box(client.get(f"/market/products/{failing['id']}").get_data(as_text=True))
    assert "不符合条件" in refused and "采购原材料" in refused and "<button" not in refused
    page = client.get(f"/market/products/{fitting['id']}").get_data(as_text=True)
    box = _apply_box(page)
    assert "符合条件" in box and f'action="/enterprise/needs/{need["id"]}/apply"' in box
    assert "仅共享给重庆三峡银行科学城支行" in box
    sent = client.post(f"/enterprise/needs/{need['id']}/apply",
                       data={"product_id": fitting["id"], "csrf_token": csrf_token(page)})
    assert sent.status_code == 302
    with app.app_context():
        (application,) = db.session.scalars(sa.select(Application).where(Application.need_id == need["id"])).all()
        assert application.product_id == fitting["id"]
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Consent)
                                 .where(Consent.enterprise_id == firm.enterprise_id)) >= 1
    assert "已申请，查看进度" in _apply_box(client.get(f"/market/products/{fitting['id']}").get_data(as_text=True))


def test_the_comparison_shows_full_terms_applies_and_refuses_a_fourth(client, shelf, make_user):
    firm = make_user("enterprise", has_collateral=True)
    owner = token_for(client, firm.email, firm.password)
    need = client.post("/api/v1/needs", json={"amount_cny": 2_000_000, "term_months": 12}, headers=owner).json
    submit(client, "/auth/login", {"email": firm.email, "password": firm.password})
    chosen = [p["id"] for p in shelf["products"][:4]]
    page = client.get(f"/enterprise/needs/{need['id']}/compare", query_string={"product": chosen})
    html = page.get_data(as_text=True)
    assert "最多同时比较 3 个产品：只比较了先选的 3 个，另外 1 个没有加入" in html
    shown = shelf["products"][:3]
    assert re.findall(r'data-testid="amount-range">([^<]+)<', html) == [
        f"{p['min_amount_cny'] // 10_000:,} 万元 – {p['max_amount_cny'] // 10_000:,} 万元" for p in shown]
    assert len(re.findall(r'data-testid="term-range"', html)) == 3
    assert re.findall(r'data-testid="repayment">([^<]+)<', html) == ["等额本息、先息后本", "先息后本", "等额本息"]
    assert html.count('data-testid="requirements"') == 3 and "需提供抵押物" in html
    buttons = re.findall(r'data-testid="compare-apply">(.*?)</td>', html, re.S)
    assert f'<input type="hidden" name="product_id" value="{shown[0]["id"]}">' in buttons[0]
    assert "不符合条件，不能申请" in buttons[1]  # life_health only; the firm is in next_gen_it
    assert "data-compare-max=\"3\"" in client.get(f"/enterprise/needs/{need['id']}").get_data(as_text=True)


def test_the_landing_page_leads_into_the_catalogue_and_promises_nothing_missing(client):
    html = client.get("/").get_data(as_text=True)
    for kind in ("credit_loan", "ip_pledge", "tech_insurance"):
        assert f'href="/market?kind={kind}"' in html
    assert 'href="/roadshows"' in html  # equity: the investors and their roadshows, no longer a product kind
    assert 'href="/market"' in html
    assert "在线申请。" not in html and "暂不受理在线申请" in html


def _statements(app, client, path: str) -> int:
    from models import db as database

    count = []
    with app.app_context():
        engine = database.engine
    listener = lambda *_args: count.append(1)  # noqa: E731
    sa.event.listen(engine, "before_cursor_execute", listener)
    try:
        assert client.get(path).status_code == 200
    finally:
        sa.event.remove(engine, "before_cursor_execute", listener)
    return len(count)


def test_the_catalogue_reads_its_institutions_in_one_go(client, shelf, make_user, app):
    """The shelf names each product's institution: the queries do not grow with the institutions shown."""
    paths = ("/market", "/api/v1/products?limit=100")
    for path in paths:  # the first request of a worker reads what it then keeps
        client.get(path)
    before = {path: _statements(app, client, path) for path in paths}
    for _ in range(4):
        officer = make_user("institution")
        bank = token_for(client, officer.email, officer.password)
        assert client.post("/api/v1/products", json=PRODUCT, headers=bank).status_code == 201
    after = {path: _statements(app, client, path) for path in before}
    assert after == before
