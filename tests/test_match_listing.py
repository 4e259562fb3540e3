"""A need's matches as a firm chooses from them: three sorts, bands in words, cost and speed, paging,
and every failing product after the eligible ones; the API's fields and codes as the contract fixes
them, and the page that lists through the same service."""
import datetime as dt
import re

import pytest

from matchmaker import create_app
from matchmaker.finance import estimated_cost_cny
from matchmaker.matching import listing
from matchmaker.matching.listing import priced as listing_priced
from models import Application, Enterprise, FinancingNeed, Institution, Product, db
from tests.conftest import enterprise_facts, valid_uscc
from tests.test_api import assert_error, token_for
from tests.test_auth_pages import field_errors, submit

CONTRACT_ITEM_FIELDS = {"product_id", "product_name", "institution_name", "kind", "score", "eligible", "reasons",
                        "band", "estimated_cost_cny", "median_response_hours"}
TERMS = dict(min_amount_cny=100_000, max_amount_cny=5_000_000, min_term_months=3, max_term_months=36)


def _utc(*args):
    return dt.datetime(*args, tzinfo=dt.timezone.utc)


@pytest.fixture
def market(app, make_user):
    """A firm with a 100 万, 12-month need; three institutions, one of them without any decision yet;
    eligible loans, a guarantee and an equity investment, two identical twins, two products the need
    fails (one too small, one asking for 50 patents) and a paused one."""
    owner = make_user("enterprise")
    with app.app_context():
        fast = Institution(name="快银行", kind="bank")
        slow = Institution(name="慢银行", kind="bank")
        new = Institution(name="新机构", kind="guarantee")
        db.session.add_all([fast, slow, new])
        db.session.flush()

        def product(name, institution, kind="credit_loan", low=3.5, high=6.0, **rules):
            terms = {**TERMS, **{k: rules.pop(k) for k in list(rules) if k in TERMS}}
            return Product(name=name, kind=kind, institution_id=institution.id, rate_min_pct=low,
                           rate_max_pct=high, **terms, **rules)

        products = {
            "cheap": product("低息贷", slow, low=3.0, high=3.6),
            "dear": product("高息贷", fast, low=5.0, high=8.0),
            "twin_a": product("双胞贷", fast, low=4.5, high=4.5),  # a fixed rate: the same cost whatever the score
            "twin_b": product("双胞贷", fast, low=4.5, high=4.5),
            "fee": product("融资担保", new, kind="guarantee", low=1.0, high=2.0),
            "equity": product("天使投资", slow, kind="equity_investment", low=0.0, high=0.0),
            "small": product("小额贷", fast, max_amount_cny=500_000),
            "patents": product("知识产权贷", fast, kind="ip_pledge", low=2.0, high=2.5, min_ip_count=50),
            "paused": product("暂停贷", fast, status="paused"),
        }
        db.session.add_all(products.values())
        need = FinancingNeed(enterprise_id=owner.enterprise_id, amount_cny=1_000_000, term_months=12)
        db.session.add(need)
        other = Enterprise(**enterprise_facts(name="历史企业", uscc=valid_uscc("915001070000H0001")))
        db.session.add(other)
        db.session.flush()
        # Decision times: the fast bank 2 h, 4 h, 30 h (median 4); the slow bank 50 h and 70 h (median 60).
        for institution, chosen, hours in ((fast, products["dear"], (2, 4, 30)), (slow, products["cheap"], (50, 70))):
            for h in hours:
                old = FinancingNeed(enterprise_id=other.id, amount_cny=1_000_000, term_months=12)
                db.session.add(old)
                db.session.flush()
                db.session.add(Application(
                    need_id=old.id, product_id=chosen.id, enterprise_id=other.id, institution_id=institution.id,
                    amount_cny=1_000_000, term_months=12, status="rejected", created_at=_utc(2026, 1, 1),
                    decided_at=_utc(2026, 1, 1) + dt.timedelta(hours=h)))
        # An application still waiting has no response time yet: it counts in no median.
        waiting = FinancingNeed(enterprise_id=other.id, amount_cny=1_000_000, term_months=12)
        db.session.add(waiting)
        db.session.flush()
        db.session.add(Application(need_id=waiting.id, product_id=products["dear"].id, enterprise_id=other.id,
                                   institution_id=fast.id, amount_cny=1_000_000, term_months=12,
                                   status="submitted", created_at=_utc(2026, 1, 5)))
        db.session.commit()
        listing.forget()
        return {"need": need.id, "ids": {k: p.id for k, p in products.items()},
                "headers": token_for(app.test_client(), owner.email, owner.password), "owner": owner}


def _matches(client, market, query=""):
    response = client.get(f"/api/v1/needs/{market['need']}/matches?{query}", headers=market["headers"])
    assert response.status_code == 200, response.json
    return response.json


def test_every_field_the_contract_fixes_is_there(client, market):
    body = _matches(client, market, "limit=200&include_ineligible=true")
    assert {"items", "model_version", "total", "offset"} <= set(body)
    assert body["offset"] == 0
    for item in body["items"]:
        assert CONTRACT_ITEM_FIELDS <= set(item), CONTRACT_ITEM_FIELDS - set(item)
        assert 0 <= item["score"] <= 1 and item["band"] in listing.BANDS
        assert isinstance(item["reasons"], list) and item["reasons"]


def test_total_counts_the_eligible_and_every_failing_product_follows_with_what_is_missing(client, market):
    ids = market["ids"]
    body = _matches(client, market, "limit=200&include_ineligible=true")
    flags = [i["eligible"] for i in body["items"]]
    assert flags == sorted(flags, reverse=True)  # eligible first
    eligible = {i["product_id"] for i in body["items"] if i["eligible"]}
    failing = {i["product_id"]: i for i in body["items"] if not i["eligible"]}
    assert body["total"] == len(eligible) == 6
    assert set(failing) == {ids["small"], ids["patents"]}  # every active product it fails, never the paused one
    assert "超过该产品上限 50 万元" in " ".join(failing[ids["small"]]["reasons"])
    assert "50" in " ".join(failing[ids["patents"]]["reasons"])
    assert ids["paused"] not in eligible
    without = _matches(client, market, "limit=200")
    assert [i["product_id"] for i in without["items"]] == [i["product_id"] for i in body["items"] if i["eligible"]]
    assert without["total"] == body["total"]


def test_approval_order_is_best_first_with_equal_scores_by_product_id(client, market):
    items = _matches(client, market, "limit=200")["items"]
    keys = [(-i["score"], i["product_id"]) for i in items]
    assert keys == sorted(keys)
    twins = [i["product_id"] for i in items if i["product_name"] == "双胞贷"]
    assert twins == sorted([market["ids"]["twin_a"], market["ids"]["twin_b"]])
    twin_scores = {i["score"] for i in items if i["product_name"] == "双胞贷"}
    assert len(twin_scores) == 1  # really a tie, so the id decided


def test_cost_order_is_cheapest_first_with_equity_last(client, market):
    items = _matches(client, market, "limit=200&sort=cost")["items"]
    costs = [i["estimated_cost_cny"] for i in items]
    assert costs[-1] is None and items[-1]["product_id"] == market["ids"]["equity"]
    assert costs[:-1] == sorted(costs[:-1]) and None not in costs[:-1]
    for item in items[:-1]:  # each the cost over the need's term at the rate the score places in the range
        rate = item["likely_rate_pct"]
        assert item["estimated_cost_cny"] == pytest.approx(estimated_cost_cny(
            kind=item["kind"], amount_cny=1_000_000, term_months=12, rate_pct=rate), abs=60)
    fee = next(i for i in items if i["product_id"] == market["ids"]["fee"])
    assert fee["estimated_cost_cny"] == pytest.approx(1_000_000 * fee["likely_rate_pct"] / 100, abs=50)  # a yearly fee
    assert 1.0 <= fee["likely_rate_pct"] <= 2.0


def test_failing_products_follow_in_the_same_order(client, market):
    items = _matches(client, market, "limit=200&sort=cost&include_ineligible=true")["items"]
    failing = [i["estimated_cost_cny"] for i in items if not i["eligible"]]
    assert len(failing) == 2 and failing == sorted(failing)  # the IP loan is cheaper, though listed later by id
    assert [i["product_id"] for i in items if not i["eligible"]] == [market["ids"]["patents"], market["ids"]["small"]]


def test_speed_order_is_the_institutions_median_hours_with_no_history_last(client, market):
    items = _matches(client, market, "limit=200&sort=speed")["items"]
    hours = [i["median_response_hours"] for i in items]
    by_institution = {i["institution_name"]: i["median_response_hours"] for i in items}
    assert by_institution == {"快银行": 4.0, "慢银行": 60.0, "新机构": None}
    assert hours[-1] is None and hours[:-1] == sorted(hours[:-1])
    fast = [i for i in items if i["institution_name"] == "快银行"]
    assert [(-i["score"], i["product_id"]) for i in fast] == sorted((-i["score"], i["product_id"]) for i in fast)


def test_pages_put_together_are_the_whole_list(client, market):
    whole = _matches(client, market, "limit=200&include_ineligible=true&sort=cost")["items"]
    pages = [_matches(client, market, f"limit=3&offset={k}&include_ineligible=true&sort=cost") for k in (0, 3, 6)]
    assert [p["offset"] for p in pages] == [0, 3, 6]
    assert [i["product_id"] for p in pages for i in p["items"]] == [i["product_id"] for i in whole]
    assert _matches(client, market, "limit=3&offset=60")["items"] == []


def test_bands_follow_the_configured_floors(app):
    with app.app_context():
        floors = app.config["MATCH_BAND_FLOORS"]
        assert [listing.band(s) for s in (1.0, floors[0], floors[0] - 1e-9, floors[1], floors[2], floors[2] - 1e-9,
                                          0.0)] == ["很可能", "很可能", "较可能", "较可能", "有一定机会", "可能性低",
                                                    "可能性低"]
    assert listing.band(0.6, (0.9, 0.6, 0.3)) == "较可能" and listing.band(0.59, (0.9, 0.6, 0.3)) == "有一定机会"


@pytest.mark.parametrize("query, field", [
    ("sort=cheapest", "sort"), ("offset=-1", "offset"), ("include_ineligible=perhaps", "include_ineligible"),
    ("limit=0", "limit"), ("limit=201", "limit"), ("offset=x", "offset"),
])
def test_bad_query_values_name_their_field(client, market, query, field):
    response = client.get(f"/api/v1/needs/{market['need']}/matches?{query}", headers=market["headers"])
    assert_error(response, 422, fields=[field])


def test_the_page_offers_the_sorts_bands_and_pages(client, market, app):
    owner = market["owner"]
    assert submit(client, "/auth/login", {"email": owner.email, "password": owner.password}).status_code == 302
    page = client.get(f"/enterprise/needs/{market['need']}?sort=speed")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    for words in ("最可能获批", "综合成本最低", "最快答复"):
        assert words in html
    assert '<option value="speed" selected>' in html
    assert "4 小时" in html and "2 天 12 小时" in html and "暂无记录" in html  # 4 h, 60 h, no history
    api_order = [i["product_name"] for i in _matches(client, market, "sort=speed")["items"]]
    assert _names(html) == api_order  # the page lists in the API's order
    everything = client.get(f"/enterprise/needs/{market['need']}?all=1").get_data(as_text=True)
    assert "知识产权贷" in everything and "不符合条件" in everything and "暂停贷" not in everything


def test_the_page_pages_through_the_matches(client, market, app, monkeypatch):
    from matchmaker.matching import views

    monkeypatch.setattr(views, "MATCHES_PER_PAGE", 4)
    owner = market["owner"]
    assert submit(client, "/auth/login", {"email": owner.email, "password": owner.password}).status_code == 302
    first = client.get(f"/enterprise/needs/{market['need']}?all=1").get_data(as_text=True)
    assert "第 1 / 2 页" in first
    second = client.get(f"/enterprise/needs/{market['need']}?all=1&page=2").get_data(as_text=True)
    assert "第 2 / 2 页" in second
    seen = first.count('data-testid="match"') + second.count('data-testid="match"')
    assert seen == 8  # six eligible and two failing, none twice


def test_a_bad_rate_ceiling_is_named_and_kept(client, market):
    owner = market["owner"]
    assert submit(client, "/auth/login", {"email": owner.email, "password": owner.password}).status_code == 302
    page = client.get(f"/enterprise/needs/{market['need']}?rate=abc")
    assert page.status_code == 200
    errors = field_errors(page.get_data(as_text=True))
    assert "rate" in errors and "0 到 100" in errors["rate"]
    assert len(_names(page.get_data(as_text=True))) == 6  # a ceiling it cannot read filters nothing
    assert 'value="abc"' in page.get_data(as_text=True)
    filtered = client.get(f"/enterprise/needs/{market['need']}?rate=3.0").get_data(as_text=True)
    expected = [i["product_name"] for i in _matches(client, market, "limit=200")["items"] if i["rate_min_pct"] <= 3.0]
    assert _names(filtered) == expected and "低息贷" in expected  # its lowest rate is 3.0 %: not above the ceiling


def _names(html: str) -> list[str]:
    return re.findall(r'<div class="fw-bold"><a href="/market/products/\d+">([^<]+)</a></div>', html)


def test_the_kind_filter_keeps_every_product_of_that_kind_in_order(client, market):
    owner = market["owner"]
    assert submit(client, "/auth/login", {"email": owner.email, "password": owner.password}).status_code == 302
    credit = _names(client.get(f"/enterprise/needs/{market['need']}?kind=credit_loan&all=1").get_data(as_text=True))
    everything = [i for i in _matches(client, market, "limit=200&include_ineligible=true")["items"]]
    assert credit == [i["product_name"] for i in everything if i["kind"] == "credit_loan"]
    assert len(credit) == 5  # cheap, dear, the twins and the small one


def test_the_comparison_shows_the_chosen_products_with_cost_and_speed(client, market):
    owner = market["owner"]
    assert submit(client, "/auth/login", {"email": owner.email, "password": owner.password}).status_code == 302
    ids = market["ids"]
    html = client.get(f"/enterprise/needs/{market['need']}/compare?product={ids['cheap']}&product={ids['fee']}"
                      ).get_data(as_text=True)
    head = html[html.index("<thead>"):html.index("</thead>")]
    assert "低息贷" in head and "融资担保" in head and "高息贷" not in head
    assert "2 天 12 小时" in html and "暂无记录" in html  # the slow bank's 60 h; the new guarantor has none


def test_before_any_model_the_products_own_record_orders_equal_products(client, market, app):
    """Two products with the same published terms: the one whose decisions went well comes first, and
    its card says why; the order follows as soon as a decision is added."""
    ids = market["ids"]
    with app.app_context():
        other = db.session.scalar(db.select(Enterprise).where(Enterprise.name == "历史企业"))
        for product, approved in ((ids["twin_b"], True), (ids["twin_a"], False)):
            for _ in range(6):
                old = FinancingNeed(enterprise_id=other.id, amount_cny=1_000_000, term_months=12)
                db.session.add(old)
                db.session.flush()
                db.session.add(Application(
                    need_id=old.id, product_id=product, enterprise_id=other.id,
                    institution_id=db.session.get(Product, product).institution_id, amount_cny=1_000_000,
                    term_months=12, status="approved" if approved else "rejected", created_at=_utc(2026, 2, 1),
                    decided_at=_utc(2026, 2, 2), approved_amount_cny=1_000_000 if approved else None,
                    rate_pct=4.5 if approved else None))
        db.session.commit()
    body = _matches(client, market, "limit=200")
    assert body["model_version"] == "rules"
    order = [i["product_id"] for i in body["items"]]
    assert order.index(ids["twin_b"]) < order.index(ids["twin_a"])  # the higher id first: the record decided
    twin_b = next(i for i in body["items"] if i["product_id"] == ids["twin_b"])
    twin_a = next(i for i in body["items"] if i["product_id"] == ids["twin_a"])
    assert twin_b["score"] > twin_a["score"]
    assert any("过往审批较宽松" in r for r in twin_b["reasons"])
    assert any("过往审批较严格" in r for r in twin_a["reasons"])
    # Equal cost (a fixed rate) and equal speed (one bank): the likelier approval first, whatever the ids.
    for sort in ("cost", "speed"):
        order = [i["product_id"] for i in _matches(client, market, f"limit=200&sort={sort}")["items"]]
        assert order.index(ids["twin_b"]) < order.index(ids["twin_a"]), sort


def test_the_institutions_speed_is_kept_a_few_minutes_per_database(app, market, monkeypatch, tmp_path):
    clock = [1_000.0]
    monkeypatch.setattr(listing.time, "monotonic", lambda: clock[0])
    listing.forget()
    with app.app_context():
        fast = db.session.scalar(db.select(Institution.id).where(Institution.name == "快银行"))
        assert listing.median_response_hours()[fast] == 4.0  # 2, 4 and 30 hours
        other = db.session.scalar(db.select(Enterprise).where(Enterprise.name == "历史企业"))
        product = db.session.scalar(db.select(Product).where(Product.name == "高息贷"))
        need = FinancingNeed(enterprise_id=other.id, amount_cny=1_000_000, term_months=12)
        db.session.add(need)
        db.session.flush()
        db.session.add(Application(need_id=need.id, product_id=product.id, enterprise_id=other.id,
                                   institution_id=fast, amount_cny=1_000_000, term_months=12, status="rejected",
                                   created_at=_utc(2026, 3, 1), decided_at=_utc(2026, 3, 1, 1)))
        db.session.commit()
        clock[0] += app.config["RESPONSE_HOURS_KEPT_SECONDS"]
        assert listing.median_response_hours()[fast] == 4.0  # still the kept figure
        clock[0] += 1
        assert listing.median_response_hours()[fast] == 3.0  # 1, 2, 4 and 30 hours
    elsewhere = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/elsewhere.sqlite3",
                            "INSTANCE_PATH": str(tmp_path)})
    with elsewhere.app_context():
        db.create_all()
        assert listing.median_response_hours() == {}  # another database, its own figures
        db.engine.dispose()


def test_the_service_lists_a_page_of_eligible_matches_unless_told_otherwise(app, market):
    with app.app_context():
        listed = listing.get_all(need_id=market["need"], limit=10)
        everything = listing.get_all(need_id=market["need"], limit=None, include_ineligible=True)
        with pytest.raises(ValueError, match="cheapest"):
            listing.get_all(need_id=market["need"], sort="cheapest", limit=10)
    assert listed["offset"] == 0 and listed["sort"] == "approval"
    assert [i["product_id"] for i in listed["items"]] == [i["product_id"] for i in everything["items"]
                                                         if i["eligible"]][:10]
    assert len(everything["items"]) == everything["total"] + everything["ineligible_total"] == 8


def test_another_firms_need_has_no_matches_to_show(client, market, make_user, app):
    stranger = make_user("enterprise")
    headers = token_for(client, stranger.email, stranger.password)
    assert_error(client.get(f"/api/v1/needs/{market['need']}/matches?sort=speed", headers=headers), 404)
    assert submit(client, "/auth/login", {"email": stranger.email, "password": stranger.password}).status_code == 302
    assert client.get(f"/enterprise/needs/{market['need']}?sort=cost&all=1").status_code == 404


def test_each_app_bands_by_its_own_floors(app, market, other_app):
    lenient = other_app(MATCH_BAND_FLOORS=(0.0, 0.0, 0.0))  # every score reaches the first floor
    with app.app_context():
        usual = listing.get_all(need_id=market["need"], limit=None)["items"]
    with lenient.app_context():
        banded = listing.get_all(need_id=market["need"], limit=None)["items"]
    assert {i["band"] for i in banded} == {"很可能"} and "很可能" not in {i["band"] for i in usual}
    assert [i["band"] for i in usual] == [listing.band(i["score"], app.config["MATCH_BAND_FLOORS"]) for i in usual]


def test_the_worker_keeps_the_latest_listings_only(app, market, monkeypatch):
    monkeypatch.setattr(listing, "LISTINGS_KEPT", 1)
    priced = []
    monkeypatch.setattr(listing, "priced", lambda item, **terms: priced.append(item) or listing_priced(item, **terms))
    listing.forget()
    with app.app_context():
        listing.get_all(need_id=market["need"], limit=10)
        first, count = list(listing._listings), len(priced)
        listing.get_all(need_id=market["need"], limit=10, sort="speed")  # the same listing: kept, not added
        assert list(listing._listings) == first and len(priced) == count == 8  # priced once
        need = FinancingNeed(enterprise_id=market["owner"].enterprise_id, amount_cny=2_000_000, term_months=6)
        db.session.add(need)
        db.session.commit()
        listing.get_all(need_id=need.id, limit=10)
        assert len(listing._listings) == 1 and list(listing._listings) != first  # the older one dropped
