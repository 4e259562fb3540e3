"""A product's rules read one by one (``matchmaker/products/services.py``): every term and eligibility
figure at its edge with the message that names it, ranges against the values kept, retired is final, and
the public catalogue's filters. Written to leave no mutant of the module alive."""
import datetime as dt

import pytest
import sqlalchemy as sa

from matchmaker.errors import Conflict, Forbidden, InvalidInput, NotFound
from matchmaker.matching import reach
from matchmaker.products import services as products
from matchmaker.products.schemas import ProductSchema
from models import AuditEvent, Product, ProductStatus, db
from tests.rule_helpers import person, refusal, user
from tests.test_institution import PRODUCT

FLAT = {k: v for k, v in PRODUCT.items() if k != "eligibility"} | PRODUCT["eligibility"] | {"repayment_methods": [],
                                                                                         "pledge_ratio_pct": None}


def problems(**changes) -> dict:
    return products.check({**FLAT, **changes})


def test_a_good_product_has_no_problem():
    assert problems() == {}


def test_a_new_product_names_every_missing_term():
    assert products.check({}) == {field: ["此项为必填项"] for field in (
        "name", "kind", "min_amount_cny", "max_amount_cny", "min_term_months", "max_term_months", "rate_min_pct",
        "rate_max_pct")}


@pytest.mark.parametrize("changes, expected", [
    ({"name": "贷"}, {"name": ["产品名称应为 2 到 120 个字符"]}),
    ({"name": "科创\u202e贷"}, {"name": ["产品名称包含不可见或控制字符（U+202E），请删除后重试"]}),
    ({"description": "长" * 5001}, {"description": ["产品介绍最多 5,000 个字符（现为 5,001 个）"]}),
    ({"kind": "loan_shark"}, {"kind": ["未知的产品类型：loan_shark"]}),
    ({"kind": "equity_investment"}, {"kind": ["股权投资不再作为产品发布，请在「投资偏好」中发布"]}),
    ({"min_amount_cny": 0}, {"min_amount_cny": ["最低金额应大于 0 且不超过 100 亿元"]}),
    ({"max_amount_cny": 10**10 + 1}, {"max_amount_cny": ["最高金额应大于 0 且不超过 100 亿元"]}),
    ({"min_term_months": 0}, {"min_term_months": ["最短期限应在 1 到 360 个月之间"]}),
    ({"max_term_months": 361}, {"max_term_months": ["最长期限应在 1 到 360 个月之间"]}),
    ({"rate_min_pct": -0.01}, {"rate_min_pct": ["最低年利率应在 0 到 36% 之间"]}),
    ({"rate_max_pct": 36.01}, {"rate_max_pct": ["最高年利率应在 0 到 36% 之间"]}),
    ({"min_amount_cny": 6_000_000}, {"min_amount_cny": ["最低金额不能高于最高金额"]}),
    ({"min_term_months": 37}, {"min_term_months": ["最短期限不能长于最长期限"]}),
    ({"rate_min_pct": 5.6}, {"rate_min_pct": ["最低利率不能高于最高利率"]}),
    ({"industries": ["next_gen_it", "mining", 7]}, {"industries": ["未知的行业代码：mining、7"]}),
    ({"required_certifications": ["iso9001", "tech_sme", "cmmi"]}, {"required_certifications": ["未知的资质代码：iso9001、cmmi"]}),
    ({"repayment_methods": ["weekly", "bullet", 3]}, {"repayment_methods": ["未知的还款方式：weekly、3"]}),
    ({"repayment_methods": None}, {}),
    ({"min_years": None, "min_ip_count": -5}, {"min_ip_count": ["知识产权数量要求不能为负数"]}),
    ({"min_credit_rating": "AAAA"}, {"min_credit_rating": ["未知的信用评级：AAAA"]}),
    ({"min_years": -1}, {"min_years": ["经营年限要求不能为负数"]}),
    ({"min_years": 101}, {"min_years": ["经营年限要求超出合理范围（最大 100）"]}),
    ({"min_years": 1e308}, {"min_years": ["经营年限要求超出合理范围（最大 100）"]}),
    ({"min_annual_revenue_cny": 10**10 + 1}, {"min_annual_revenue_cny": ["营业收入要求超出合理范围（最大 10,000,000,000）"]}),
    ({"min_ip_count": 100_001}, {"min_ip_count": ["知识产权数量要求超出合理范围（最大 100,000）"]}),
    ({"min_ip_count": -5}, {"min_ip_count": ["知识产权数量要求不能为负数"]}),
    ({"status": "deleted"}, {"status": ["未知的状态：deleted（可选：active、paused、retired）"]}),
    # A range with a bad end is named once, for that end.
    ({"min_amount_cny": 0, "max_amount_cny": -1}, {"min_amount_cny": ["最低金额应大于 0 且不超过 100 亿元"],
                                                   "max_amount_cny": ["最高金额应大于 0 且不超过 100 亿元"]}),
    ({"min_term_months": 400, "max_term_months": 12}, {"min_term_months": ["最短期限应在 1 到 360 个月之间"]}),
    ({"rate_min_pct": 9.0, "rate_max_pct": 40.0}, {"rate_max_pct": ["最高年利率应在 0 到 36% 之间"]}),
])
def test_each_rule_names_its_field(changes, expected):
    assert problems(**changes) == expected


@pytest.mark.parametrize("changes", [
    {"min_amount_cny": 1}, {"max_amount_cny": 10**10}, {"min_amount_cny": 5_000_000}, {"min_term_months": 1},
    {"max_term_months": 360}, {"min_term_months": 36}, {"rate_min_pct": 0.0}, {"rate_max_pct": 36.0},
    {"rate_min_pct": 5.5}, {"min_years": 0}, {"min_years": 100}, {"min_annual_revenue_cny": 10**10},
    {"min_ip_count": 100_000}, {"min_credit_rating": None}, {"status": "paused"}, {"description": "长" * 5000},
    {"description": None}, {"industries": []}, {"kind": "ip_pledge"},
])
def test_values_on_the_edges_are_accepted(changes):
    assert problems(**changes) == {}


def test_a_change_is_checked_against_the_values_kept(ctx):
    kept = Product(min_amount_cny=100_000, max_amount_cny=5_000_000, min_term_months=3, max_term_months=36,
                   rate_min_pct=3.65, rate_max_pct=5.5)
    assert products.check({"max_amount_cny": 50_000}, current=kept) == {"min_amount_cny": ["最低金额不能高于最高金额"]}
    assert products.check({"min_term_months": 48}, current=kept) == {"min_term_months": ["最短期限不能长于最长期限"]}
    assert products.check({"rate_max_pct": 3.0}, current=kept) == {"rate_min_pct": ["最低利率不能高于最高利率"]}
    assert products.check({"description": "新的说明"}, current=kept) == {}  # nothing required again
    assert products.check({"name": None}, current=kept) == {}


@pytest.fixture
def officer(ctx):
    return user(person("institution"))


def test_only_an_officer_publishes_and_a_bad_product_is_refused_whole(officer):
    firm = user(person("enterprise"))
    assert refusal(Forbidden, products.create, actor=firm, values=PRODUCT).message == "只有金融机构可以发布和管理产品"
    refused = refusal(InvalidInput, products.create, actor=officer, values={**PRODUCT, "min_term_months": 0})
    assert refused.message == "产品信息有误，请检查标出的字段" and list(refused.fields) == ["min_term_months"]
    assert db.session.scalar(sa.select(sa.func.count(Product.id))) == 0


def test_a_published_product_keeps_its_terms_tidied(officer):
    values = {**FLAT, "name": "  科创信用贷 ", "description": None, "industries": ["life_health", "next_gen_it",
              "life_health"], "required_certifications": ["tech_sme", "tech_sme"], "min_credit_rating": None,
              "status": "paused", "colour": "red"}
    product = products.create(actor=officer, values=values)
    assert (product.name, product.description, product.status, product.institution_id) == (
        "科创信用贷", "", ProductStatus.ACTIVE, officer.institution_id)  # a new product is active
    assert (product.industries, product.required_certifications, product.min_credit_rating) == (
        ["life_health", "next_gen_it"], ["tech_sme"], None)
    assert (product.kind.value, product.min_years, product.collateral_required) == ("credit_loan", 1, False)
    [event] = db.session.scalars(sa.select(AuditEvent).filter_by(action="product.create")).all()
    assert (event.actor_id, event.target_type, event.target_id, event.detail) == (
        officer.id, "product", product.id, {"name": "科创信用贷", "kind": "credit_loan"})
    bare = products.create(actor=officer, values={k: FLAT[k] for k in products.TERMS if k != "description"})
    assert (bare.description, bare.industries, bare.required_certifications, bare.min_years,
            bare.min_annual_revenue_cny, bare.min_ip_count, bare.collateral_required) == ("", [], [], 0, 0, 0, False)
    shown = ProductSchema().dump(product)
    assert {k: v for k, v in shown.items() if k != "eligibility"} == {
        "id": product.id, "institution_id": officer.institution_id, "name": "科创信用贷", "kind": "credit_loan",
        "min_amount_cny": 100_000, "max_amount_cny": 5_000_000, "min_term_months": 3, "max_term_months": 36,
        "rate_min_pct": 3.65, "rate_max_pct": 5.5, "description": "", "status": "active", "repayment_methods": [],
        "pledge_ratio_pct": None, "created_at": product.created_at.isoformat(), "updated_at": product.updated_at.isoformat()}
    assert ProductSchema().dump(bare)["eligibility"]["industries"] == []
    products.update(actor=officer, product_id=bare.id, values={"min_credit_rating": "BBB"})
    assert ProductSchema().dump(bare)["eligibility"]["min_credit_rating"] == "BBB"
    assert ProductSchema().dump(product)["eligibility"] == {
        "industries": ["life_health", "next_gen_it"], "min_years": 1, "min_annual_revenue_cny": 1_000_000,
        "min_ip_count": 0, "required_certifications": ["tech_sme"], "min_credit_rating": None,
        "min_credit_grade": None, "collateral_required": False}


def test_an_update_changes_what_it_names_and_retired_is_final(officer):
    product = products.create(actor=officer, values=PRODUCT)
    stranger = user(person("institution"))
    assert refusal(NotFound, products.update, actor=stranger, product_id=product.id, values={}).message == "产品不存在"
    assert refusal(Forbidden, products.update, actor=user(person("enterprise")), product_id=product.id, values={})
    refused = refusal(InvalidInput, products.update, actor=officer, product_id=product.id, values={"max_term_months": 1})
    assert refused.message == "产品信息有误，请检查标出的字段" and refused.fields == {"min_term_months": ["最短期限不能长于最长期限"]}
    products.update(actor=officer, product_id=product.id, values={"status": "paused", "min_credit_rating": "A",
                                                                  "institution_id": stranger.institution_id})
    assert (product.status, product.min_credit_rating.value, product.institution_id) == (
        ProductStatus.PAUSED, "A", officer.institution_id)
    event = db.session.scalars(sa.select(AuditEvent).filter_by(action="product.update")).one()
    assert (event.actor_id, event.target_type, event.target_id, event.detail) == (
        officer.id, "product", product.id, {"fields": ["institution_id", "min_credit_rating", "status"]})
    products.update(actor=officer, product_id=product.id, values={"status": "retired"})
    for again in ({"status": "active"}, {"status": "paused"}):
        final = refusal(Conflict, products.update, actor=officer, product_id=product.id, values=again)
        assert final.message == "产品已下架（retired），不能再上架或暂停；请发布新产品"
        assert final.fields == {"status": ["已下架的产品不能再改变状态"]}
    products.update(actor=officer, product_id=product.id, values={"description": "  已下架的说明 \n"})
    products.update(actor=officer, product_id=product.id, values={"status": "retired"})
    assert (product.status, product.description) == (ProductStatus.RETIRED, "已下架的说明")


def test_the_catalogue_shows_active_products_by_kind_institution_and_amount(officer):
    made = [products.create(actor=officer, values={**PRODUCT, "kind": kind, "min_amount_cny": low,
                                                   "max_amount_cny": high})
            for kind, low, high in (("credit_loan", 100_000, 1_000_000), ("ip_pledge", 500_000, 5_000_000),
                                    ("credit_loan", 2_000_000, 9_000_000))]
    other = products.create(actor=user(person("institution")), values=PRODUCT)
    products.update(actor=officer, product_id=made[2].id, values={"status": "paused"})
    ids = lambda **f: [p.id for p in products.catalogue(**f)[0]]  # noqa: E731
    assert ids() == [made[0].id, made[1].id, other.id] and products.catalogue()[1] == 3
    assert ids(kind="credit_loan") == [made[0].id, other.id]
    assert ids(institution_id=officer.institution_id) == [made[0].id, made[1].id]
    assert ids(amount_cny=1_000_000) == [made[0].id, made[1].id, other.id]
    assert ids(amount_cny=500_000) == [made[0].id, made[1].id, other.id]
    assert ids(amount_cny=1_000_001) == [made[1].id, other.id]
    assert ids(amount_cny=99_999) == []
    assert ids(limit=2) == [made[0].id, made[1].id] and ids(offset=1) == [made[1].id, other.id]
    assert products.catalogue(limit=1)[1] == 3
    for _ in range(19):
        products.create(actor=officer, values=PRODUCT)
    assert len(products.catalogue()[0]) == 20 and products.catalogue()[1] == 22  # twenty to a page
    assert ids(kind="") == ids()
    refused = refusal(InvalidInput, products.catalogue, kind="x")
    assert (refused.message, refused.fields) == ("筛选条件有误", {"kind": ["未知的产品类型：x"]})


def test_the_preview_counts_the_open_needs_a_product_would_fit(officer):
    from matchmaker.needs import services as needs

    firm = user(person("enterprise"))
    for amount in (50_000, 2_000_000, 20_000_000):
        needs.create(actor=firm, values={"amount_cny": amount, "term_months": 12})
    db.session.flush()
    today = dt.date.today()
    assert reach.open_needs_fitting(FLAT, today=today) == 1
    assert reach.open_needs_fitting({**FLAT, "max_amount_cny": 50_000_000}, today=today) == 2
    assert reach.open_needs_fitting({k: FLAT[k] for k in products.TERMS}, today=today) == 1
    assert reach.open_needs_fitting({**FLAT, "min_term_months": 0}, today=today) == 0
    assert reach.open_needs_fitting(FLAT) == 1
    # On a day when the firm was not yet a year old, the product's one-year rule leaves it out.
    assert reach.open_needs_fitting(FLAT, today=dt.date(2017, 1, 1)) == 0


def test_a_product_without_rules_fits_a_new_firm_without_revenue_or_ip(officer):
    from matchmaker.needs import services as needs

    young = user(person("enterprise", founded_on=dt.date.today() - dt.timedelta(days=30), annual_revenue_cny=0,
                        ip_count=0))
    needs.create(actor=young, values={"amount_cny": 2_000_000, "term_months": 12})
    db.session.flush()
    assert reach.open_needs_fitting({k: FLAT[k] for k in products.TERMS}, today=dt.date.today()) == 1


def test_the_preview_of_an_empty_market_is_nought(officer):
    assert reach.open_needs_fitting(FLAT, today=dt.date.today()) == 0
