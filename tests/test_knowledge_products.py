"""Products that lend on knowledge value: a minimum knowledge-value grade, an IP-pledge product's pledge ratio,
and the firm's IP register standing in for its declared IP count where it is kept. The engine's rules and
features at their edges, the product's terms through the service, the API and the page, and a firm whose
register fills and whose matches follow."""
from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
import sqlalchemy as sa

from matchmaker.errors import InvalidInput
from matchmaker.matching import data as matching_data
from matchmaker.matching import services as matching
from matchmaker.products import services as products
from matchmaker.ranking import eligibility
from matchmaker.ranking.features import FEATURES, pair_features
from models import CreditGrade, FinancingNeed, IpAsset, IpKind, Product, db
from tests.ranking_fixtures import need_row, needs, product_row
from tests.ranking_fixtures import products as product_frame
from tests.rule_helpers import person, refusal, user
from tests.test_api import assert_error, token_for
from tests.test_institution import PRODUCT

COL = {name: k for k, name in enumerate(FEATURES)}
NAN = float("nan")


def check(need: dict, product: dict):
    return eligibility.check(needs(need_row(**need)), product_frame(product_row(**product)))


@pytest.mark.parametrize(("grade", "required", "fails"), [
    (None, "E", True), ("E", "E", False), ("D", "C", True), ("C", "C", False), ("A", "C", False),
    ("B", "A", True), ("A", "A", False), (None, None, False), ("E", None, False),
])
def test_a_minimum_grade_admits_that_grade_and_better(grade, required, fails):
    block = check({"credit_grade": grade}, {"min_credit_grade": required})
    assert bool(block.failed["credit_grade"][0, 0]) is fails
    assert bool(block.eligible[0, 0]) is not fails


def test_the_grade_refusal_says_the_grades():
    assert check({"credit_grade": "D"}, {"min_credit_grade": "B"}).reasons(0, 0) == [
        "知识价值信用评级 D 级 低于该产品要求的 B 级"]
    assert check({"credit_grade": None}, {"min_credit_grade": "E"}).reasons(0, 0) == [
        "尚未获得知识价值信用评级，该产品要求 E 级及以上"]


PLEDGE = {"kind": "ip_pledge", "pledge_ratio_pct": 40.0}


@pytest.mark.parametrize(("amount", "pledgeable", "ratio", "fails"), [
    (400_000, 1_000_000.0, 40.0, False),  # exactly covered
    (400_001, 1_000_000.0, 40.0, True),  # one yuan beyond what the pledge supports
    (500_000, 1_000_000.0, 50.0, False),
    (5_000_000, NAN, 40.0, False),  # no register: the bank values the IP itself
    (5_000_000, 1_000_000.0, None, False),  # no ratio published
    (100_000, 0.0, 40.0, True),  # a register with nothing left to pledge
])
def test_a_pledge_ratio_caps_the_amount_when_the_register_is_kept(amount, pledgeable, ratio, fails):
    block = check({"amount_cny": amount, "pledgeable_ip_value_cny": pledgeable,
                   "pledgeable_ip_count": 0.0 if pledgeable != pledgeable else 2.0},
                  {"kind": "ip_pledge", "pledge_ratio_pct": ratio, "min_amount_cny": 50_000})
    assert bool(block.failed["pledge"][0, 0]) is fails


def test_the_pledge_refusal_does_the_arithmetic():
    block = check({"amount_cny": 5_000_000, "pledgeable_ip_value_cny": 840_000.0, "pledgeable_ip_count": 2.0},
                  PLEDGE)
    assert block.reasons(0, 0) == [
        "可质押知识产权估值 84 万元，按质押率 40% 可贷 33.6 万元，低于申请金额 500 万元"]


@pytest.mark.parametrize(("kind", "registered", "counted", "fails"), [
    ("ip_pledge", 2.0, 2.0, True),  # 12 declared, 2 pledgeable in the register: the register counts
    ("ip_pledge", 3.0, 3.0, False),
    ("ip_pledge", NAN, 12.0, False),  # no register: the declared count
    ("credit_loan", 2.0, 12.0, False),  # not a pledge: the declared count
    ("knowledge_value", 2.0, 12.0, False),
])
def test_an_ip_pledge_product_counts_the_pledgeable_register(kind, registered, counted, fails):
    need = need_row(ip_count=12, pledgeable_ip_value_cny=NAN if registered != registered else 900_000.0,
                    pledgeable_ip_count=registered)
    product = product_row(kind=kind, min_ip_count=3)
    n, p = needs(need), product_frame(product)
    assert eligibility.counted_ip(n, p, np.array([0]), np.array([0]))[0] == counted
    block = eligibility.check(n, p)
    assert bool(block.failed["ip"][0, 0]) is fails
    if fails:
        assert block.reasons(0, 0) == ["可质押的已登记知识产权 2 项 少于该产品要求的 3 项"]


def test_without_a_register_an_ip_pledge_product_names_the_declared_count():
    block = check({"ip_count": 1}, {"kind": "ip_pledge", "min_ip_count": 3})
    assert block.reasons(0, 0) == ["有效知识产权 1 项 少于该产品要求的 3 项"]


def test_the_features_read_the_grade_and_the_pledge():
    n = needs(need_row(credit_grade="B", amount_cny=1_000_000, pledgeable_ip_value_cny=5_000_000.0,
                       pledgeable_ip_count=4.0),
              need_row(need_id=2, credit_grade=None, amount_cny=1_000_000))
    p = product_frame(product_row(kind="ip_pledge", min_credit_grade="D", pledge_ratio_pct=50.0, min_ip_count=0),
                      product_row(product_id=2, kind="knowledge_value", min_credit_grade="A"))
    i, j = np.array([0, 0, 1, 1]), np.array([0, 1, 0, 1])
    X = pair_features(n, p, i, j, np.zeros(4))
    assert X[:, COL["kv_grade"]].tolist() == [4, 4, 0, 0]
    assert X[:, COL["min_kv_grade"]].tolist() == [2, 5, 2, 5]
    assert X[:, COL["kv_grade_margin"]].tolist() == [2, -1, -2, -5]
    no_minimum = product_frame(product_row(min_credit_grade=None))
    assert pair_features(n, no_minimum, np.array([0, 1]), np.array([0, 0]), np.zeros(2))[
        :, COL["kv_grade_margin"]].tolist() == [0, 0]
    assert X[:, COL["ip_registered"]].tolist() == [1, 1, 0, 0]
    assert X[:, COL["log_pledgeable"]].tolist() == pytest.approx([np.log1p(500), np.log1p(500), 0, 0])
    # 5,000,000 × 50 % over 1,000,000 asked covers it 2.5 times; capped at 3; nothing where nothing is known.
    assert X[:, COL["pledge_cover"]].tolist() == pytest.approx([2.5, 0, 0, 0])
    assert X[:, COL["ip_for_ip_product"]].tolist() == pytest.approx([2, np.sqrt(12), np.sqrt(12), np.sqrt(12)])
    rich = needs(need_row(amount_cny=100_000, pledgeable_ip_value_cny=5_000_000.0, pledgeable_ip_count=4.0))
    assert pair_features(rich, p, np.array([0]), np.array([0]), np.zeros(1))[0, COL["pledge_cover"]] == 3


# ------------------------------------------------------------------ the product's terms


def test_a_pledge_ratio_belongs_to_ip_pledge_products_and_a_grade_to_any(ctx):
    officer = user(person("institution"))
    ip_loan = products.create(actor=officer, values={**PRODUCT, "kind": "ip_pledge", "pledge_ratio_pct": 45.0,
                                                     "min_credit_grade": "C"})
    assert (ip_loan.pledge_ratio_pct, ip_loan.min_credit_grade) == (45.0, CreditGrade.C)
    db.session.commit()
    for ratio, message in ((0, "质押率应大于 0 且不超过 100%"), (100.5, "质押率应大于 0 且不超过 100%"),
                           (-5, "质押率应大于 0 且不超过 100%")):
        assert products.check({**PRODUCT, "kind": "ip_pledge", "pledge_ratio_pct": ratio}) == {
            "pledge_ratio_pct": [message]}
    for ratio in (100, 0.5, 30):
        assert products.check({**PRODUCT, "kind": "ip_pledge", "pledge_ratio_pct": ratio}) == {}
    assert products.check({**PRODUCT, "kind": "ip_pledge", "pledge_ratio_pct": 100.01}) == {
        "pledge_ratio_pct": ["质押率应大于 0 且不超过 100%"]}
    assert products.check({**PRODUCT, "kind": "ip_pledge", "pledge_ratio_pct": None}) == {}
    assert products.check({**PRODUCT, "pledge_ratio_pct": None, "min_credit_grade": None}) == {}
    for grade in ("A", "E"):
        assert products.check({**PRODUCT, "min_credit_grade": grade}) == {}
    assert products.check({**PRODUCT, "pledge_ratio_pct": 40}) == {
        "pledge_ratio_pct": ["只有知识产权质押贷款可以设置质押率"]}
    assert products.check({**PRODUCT, "min_credit_grade": "F"}) == {
        "min_credit_grade": ["未知的知识价值信用评级：F（可选：A、B、C、D、E）"]}
    # Turning the pledge product into another kind while its ratio stands is refused, and nothing changes.
    error = refusal(InvalidInput, products.update, actor=officer, product_id=ip_loan.id,
                    values={"kind": "credit_loan"})
    assert error.fields == {"pledge_ratio_pct": ["只有知识产权质押贷款可以设置质押率"]}
    db.session.rollback()
    kept = db.session.get(Product, ip_loan.id)
    assert (kept.kind.value, kept.pledge_ratio_pct) == ("ip_pledge", 45.0)
    changed = products.update(actor=officer, product_id=ip_loan.id,
                              values={"kind": "credit_loan", "pledge_ratio_pct": None, "min_credit_grade": None})
    assert (changed.kind.value, changed.pledge_ratio_pct, changed.min_credit_grade) == ("credit_loan", None, None)


@pytest.fixture
def bank(client, make_user):
    officer = make_user("institution")
    return token_for(client, officer.email, officer.password)


def test_the_api_publishes_and_shows_the_grade_and_the_ratio(client, bank):
    body = {**PRODUCT, "kind": "ip_pledge", "pledge_ratio_pct": 40,
            "eligibility": {**PRODUCT["eligibility"], "min_credit_grade": "D"}}
    made = client.post("/api/v1/products", headers=bank, json=body)
    assert made.status_code == 201, made.json
    assert made.json["pledge_ratio_pct"] == 40 and made.json["eligibility"]["min_credit_grade"] == "D"
    shown = client.get(f"/api/v1/products/{made.json['id']}").json
    assert (shown["pledge_ratio_pct"], shown["eligibility"]["min_credit_grade"]) == (40, "D")
    plain = client.post("/api/v1/products", headers=bank, json=PRODUCT).json
    assert plain["pledge_ratio_pct"] is None and plain["eligibility"]["min_credit_grade"] is None
    assert_error(client.post("/api/v1/products", headers=bank, json={**PRODUCT, "pledge_ratio_pct": 40}), 422,
                 fields=["pledge_ratio_pct"])
    assert_error(client.post("/api/v1/products", headers=bank, json={**body, "pledge_ratio_pct": 0}), 422,
                 fields=["pledge_ratio_pct"])
    assert_error(client.post("/api/v1/products", headers=bank, json={**body, "pledge_ratio_pct": "40%"}), 422,
                 fields=["pledge_ratio_pct"])
    assert_error(client.post("/api/v1/products", headers=bank, json={
        **body, "eligibility": {**body["eligibility"], "min_credit_grade": "AA"}}), 422)
    patched = client.patch(f"/api/v1/products/{made.json['id']}", headers=bank,
                           json={"pledge_ratio_pct": 30, "eligibility": {"min_credit_grade": None}})
    assert patched.status_code == 200, patched.json
    assert (patched.json["pledge_ratio_pct"], patched.json["eligibility"]["min_credit_grade"]) == (30, None)
    assert_error(client.patch(f"/api/v1/products/{made.json['id']}", headers=bank, json={"kind": "green_loan"}),
                 422, fields=["pledge_ratio_pct"])


# ------------------------------------------------------------------ a firm whose register fills


def _register(firm, *assets) -> None:
    for number, kind, pledged in assets:
        db.session.add(IpAsset(enterprise_id=firm.enterprise_id, kind=IpKind(kind), number=number, title="一种装置",
                               granted_on=dt.date(2022, 1, 1), expires_on=dt.date(2042, 1, 1), pledged=pledged))
    db.session.commit()


def test_the_need_frame_carries_the_grade_and_what_the_register_can_pledge(ctx):
    firm = person("enterprise")  # 14 IP, R&D 8.5 %, 高新 + 科小: 25 + 18 + 8 points, grade C
    bare = person("enterprise", certifications=[], rd_ratio_pct=1.0)  # not evaluated
    for owner in (firm, bare):
        db.session.add(FinancingNeed(enterprise_id=owner.enterprise_id, amount_cny=1_000_000, term_months=12))
    db.session.commit()
    today = dt.date(2026, 12, 6)
    frame = matching_data.open_needs_frame(at=today).set_index("enterprise_id")
    assert frame.loc[firm.enterprise_id, "credit_grade"] == "C"
    assert pd.isna(frame.loc[bare.enterprise_id, "credit_grade"])
    assert np.isnan(frame.loc[firm.enterprise_id, "pledgeable_ip_value_cny"])
    _register(firm, ("ZL1", "invention_patent", False), ("ZL2", "invention_patent", True),
              ("ZL3", "utility_model", False))
    frame = matching_data.open_needs_frame(at=today).set_index("enterprise_id")
    from matchmaker.credit import ip

    expected = sum(ip.pledge_value(a, industry="next_gen_it", today=today)["low"]
                   for a in db.session.scalars(sa.select(IpAsset).where(IpAsset.enterprise_id == firm.enterprise_id)))
    assert expected > 0
    assert frame.loc[firm.enterprise_id, "pledgeable_ip_value_cny"] == expected
    assert frame.loc[firm.enterprise_id, "pledgeable_ip_count"] == 2  # the pledged one does not count
    # A need dated before the grant sees no register yet (history is scored as it stood).
    history = matching_data.need_frame(at=dt.date(2021, 6, 1)).set_index("enterprise_id")
    assert np.isnan(history.loc[firm.enterprise_id, "pledgeable_ip_value_cny"])


def test_registering_ip_refreshes_the_firms_matches(ctx):
    officer = user(person("institution"))
    pledge = products.create(actor=officer, values={**PRODUCT, "kind": "ip_pledge", "pledge_ratio_pct": 50.0,
                                                    "eligibility": None, "min_annual_revenue_cny": 0,
                                                    "min_credit_rating": None, "min_years": 0})
    firm = person("enterprise")
    need = FinancingNeed(enterprise_id=firm.enterprise_id, amount_cny=150_000, term_months=12)
    db.session.add(need)
    db.session.commit()

    def verdict():
        ranked = matching.products_for_need(need_id=need.id, limit=None)["items"]
        return next(SimpleNamespace(**item) for item in ranked if item["product_id"] == pledge.id)

    assert verdict().eligible  # nothing registered: the bank values the IP itself
    from matchmaker.credit import ip

    owner = user(firm)
    ip.create(actor=owner, kind="utility_model", number="ZL 2020 2 0000001.1", title="一种夹具",
              granted_on=dt.date(2020, 3, 1), expires_on=dt.date(2030, 2, 28), pledged=False)
    db.session.commit()
    refused = verdict()
    assert not refused.eligible
    assert any(r.startswith("可质押知识产权估值") and "低于申请金额 15 万元" in r for r in refused.reasons)
    ip.create(actor=user(firm), kind="invention_patent", number="ZL 2021 1 0000002.2", title="一种装置",
              granted_on=dt.date(2021, 3, 1), expires_on=dt.date(2041, 2, 28), pledged=False)
    db.session.commit()
    assert verdict().eligible  # with an invention patent: about 40 万 pledgeable, at 50 % it covers 15 万


# ------------------------------------------------------------------ the officer's form and the public page


def test_the_form_publishes_the_grade_and_the_ratio_and_the_page_says_them(client, app, monkeypatch, make_user):
    from tests.rule_helpers import use_cheap_argon2
    from tests.test_auth_pages import field_errors, submit
    from tests.test_product_pages import FORM

    use_cheap_argon2(monkeypatch)
    officer = make_user("institution")
    assert submit(client, "/auth/login", {"email": officer.email, "password": officer.password}).status_code == 302
    form = client.get("/institution/products/new").get_data(as_text=True)
    assert 'name="pledge_ratio_pct"' in form and 'name="min_credit_grade"' in form
    wrong = submit(client, "/institution/products/new", {**FORM, "pledge_ratio_pct": "40", "min_credit_grade": "C"})
    assert wrong.status_code == 422
    html = wrong.get_data(as_text=True)
    assert field_errors(html)["pledge_ratio_pct"] == "只有知识产权质押贷款可以设置质押率"
    assert 'value="40"' in html and '<option value="C" selected>' in html  # what was typed stays
    made = submit(client, "/institution/products/new", {**FORM, "kind": "ip_pledge", "pledge_ratio_pct": "40",
                                                        "min_credit_grade": "C"})
    assert made.status_code == 302
    with app.app_context():
        product = db.session.scalars(sa.select(Product)).one()
        assert (product.pledge_ratio_pct, product.min_credit_grade) == (40.0, CreditGrade.C)
        product_id = product.id
    page = client.get(f"/market/products/{product_id}").get_data(as_text=True)
    assert "知识价值信用评级 C 级及以上" in page
    assert "质押率 40%：按可质押知识产权估值的这一比例放款" in page
    edit = client.get(f"/institution/products/{product_id}/edit").get_data(as_text=True)
    assert 'name="pledge_ratio_pct" step="any" type="number" value="40.00"' in edit
    assert '<option value="C" selected>' in edit
