"""The knowledge-value credit grade through the API and the pages: the firm reads its grade, line, points
and what would raise them, and changes the facts that raise them; an officer sees the grade with every
application (its page and ``GET /applications/{id}``); nobody else reads a firm's grade."""
from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from matchmaker.credit import services
from models import Enterprise, IpAsset, db
from tests.rule_helpers import use_cheap_argon2
from tests.test_admin_ops import sign_in
from tests.test_api import assert_error, token_for
from tests.test_institution import market_of
from tests.test_ip_assets import PATENT


@pytest.fixture
def market(client, make_user, monkeypatch):
    use_cheap_argon2(monkeypatch)
    # 14 IP (25), R&D 8.5 % (18), certified high-tech and tech SME (8): 51 points before the new facts.
    return market_of(client, make_user("institution"), make_user("enterprise"))


def _expected(app, enterprise_id: int):
    with app.app_context():
        return services.of_enterprise(db.session.get(Enterprise, enterprise_id))


def test_the_firm_reads_its_grade_with_every_field_the_contract_names(client, market, app):
    body = client.get("/api/v1/enterprise/credit-grade", headers=market["owner"]).json
    assert set(body) == {"grade", "score", "indicative_line_cny", "indicators", "improvements", "evaluated_at",
                         "pledgeable_ip_value_cny"}
    assert body["evaluated_at"] and body["pledgeable_ip_value_cny"] == 0
    expected = _expected(app, market["firm"].enterprise_id)
    assert (body["grade"], body["score"], body["indicative_line_cny"]) == (
        expected.grade, expected.score, expected.indicative_line_cny) == ("C", 51, 3_000_000)
    assert [set(i) for i in body["indicators"]] == [{"code", "label", "value", "points", "max_points"}] * 6
    assert [i["code"] for i in body["indicators"]] == ["ip", "rd_investment", "rd_staff", "talent", "products",
                                                       "status"]
    assert sum(i["points"] for i in body["indicators"]) == body["score"]
    assert body["improvements"] == [step.sentence for step in expected.improvements] and body["improvements"]


def test_the_facts_that_raise_it_are_the_firms_to_give(client, market, app):
    owner = market["owner"]
    before = client.get("/api/v1/enterprise/credit-grade", headers=owner).json
    patched = client.patch("/api/v1/enterprise", headers=owner, json={
        "rd_staff": 30, "tech_talent": 12, "innovative_products": 5, "awards": 1})
    assert patched.status_code == 200, patched.json
    assert {k: patched.json[k] for k in ("rd_staff", "tech_talent", "innovative_products", "awards")} == {
        "rd_staff": 30, "tech_talent": 12, "innovative_products": 5, "awards": 1}
    after = client.get("/api/v1/enterprise/credit-grade", headers=owner).json
    # R&D staff 30 of 86 (35 %: 15), talent 12 (10), products 5 (10), one award (status 8 + 2 = 10).
    assert (before["score"], after["score"], after["grade"], after["indicative_line_cny"]) == (
        51, 51 + 15 + 10 + 10 + 2, "A", 5_000_000)


@pytest.mark.parametrize(("body", "field"), [
    ({"rd_staff": 87}, "rd_staff"),  # more R&D staff than employees (86)
    ({"rd_staff": -1}, "rd_staff"), ({"tech_talent": -3}, "tech_talent"), ({"awards": 10**9}, "awards"),
    ({"innovative_products": "5"}, "innovative_products"), ({"employees": 10, "rd_staff": 11}, "rd_staff"),
])
def test_impossible_innovation_facts_are_refused_by_name(client, market, app, body, field):
    assert_error(client.patch("/api/v1/enterprise", headers=market["owner"], json=body), 422, fields=[field])
    with app.app_context():
        firm = db.session.get(Enterprise, market["firm"].enterprise_id)
        assert (firm.rd_staff, firm.employees) == (None, 86)  # nothing of it kept


def test_only_the_firm_reads_its_grade(client, market, make_user):
    admin = make_user("admin")
    assert client.get("/api/v1/enterprise/credit-grade").status_code == 401
    assert_error(client.get("/api/v1/enterprise/credit-grade", headers=market["bank"]), 403)
    assert_error(client.get("/api/v1/enterprise/credit-grade", headers=token_for(client, admin.email, admin.password)),
                 403)


def test_the_officer_sees_the_grade_with_the_application(client, market, app):
    application = market["application"]["id"]
    body = client.get(f"/api/v1/applications/{application}", headers=market["bank"]).json
    assert (body["credit_grade"], body["indicative_line_cny"]) == ("C", 3_000_000)
    listed = client.get("/api/v1/applications", headers=market["bank"]).json["items"][0]
    assert "credit_grade" not in listed  # a list stays light
    sign_in(client, market["officer"])
    html = client.get(f"/institution/applications/{application}").get_data(as_text=True)
    cell = re.search(r'data-testid="credit-grade">(.*?)</dd>', html, re.S).group(1)
    assert "<strong>C</strong>" in cell and "51 分" in cell and "300 万元" in cell


def test_the_firms_page_shows_grade_table_and_steps_and_the_profile_takes_the_facts(client, market, app):
    from tests.conftest import csrf_token

    sign_in(client, market["firm"])
    html = client.get("/enterprise/credit-grade").get_data(as_text=True)
    assert re.search(r'data-testid="grade">C<', html) and re.search(r'data-testid="line">300 万元<', html)
    assert re.search(r'data-testid="score">51<', html)
    expected = _expected(app, market["firm"].enterprise_id)
    for step in expected.improvements:
        assert f"<li>{step.sentence}</li>" in html
    assert "A ≥ 80 分（500 万元）" in html and "知识产权" in html  # the table it comes from
    profile = client.get("/enterprise/profile").get_data(as_text=True)
    form = dict(re.findall(r'name="(\w+)"[^>]*value="([^"]*)"', profile))  # the boxes as the page fills them
    form.pop("share_in_leads")
    form.update({"csrf_token": csrf_token(profile), "industry": "next_gen_it", "district": "九龙坡区",
                 "credit_rating": "A", "certifications": ["high_tech_enterprise", "tech_sme"], "has_collateral": "y",
                 "rd_staff": "90", "tech_talent": "12"})
    refused = client.post("/enterprise/profile", data=form)
    assert refused.status_code == 422
    assert "研发人员数不能多于员工人数（86 人）" in refused.get_data(as_text=True)
    assert 'value="90"' in refused.get_data(as_text=True)  # kept as typed
    form["rd_staff"] = "30"
    assert client.post("/enterprise/profile", data=form).status_code == 302
    assert re.search(r'data-testid="score">76<', client.get("/enterprise/credit-grade").get_data(as_text=True))


def test_the_bureau_sees_grades_and_ip_value_as_the_firms_rows_add_up(client, market, make_user, app):

    owner = market["owner"]
    assert client.post("/api/v1/enterprise/ip-assets", headers=owner, json=PATENT).status_code == 201
    assert client.post("/api/v1/enterprise/ip-assets", headers=owner, json={
        **PATENT, "number": "ZL 2019 2 0000001.1", "kind": "utility_model", "expires_on": "2029-01-01",
        "granted_on": "2019-01-02", "pledged": True}).status_code == 201
    ungraded = make_user("enterprise", certifications=[], rd_ratio_pct=1.0)
    for _ in range(2):
        make_user("enterprise")  # two more graded like the market's firm
    for industry, number in (("next_gen_it", "ZL 2018 1 0000002.2"), ("life_health", "ZL 2018 1 0000003.3")):
        firm = make_user("enterprise", industry=industry)
        assert client.post("/api/v1/enterprise/ip-assets", headers=token_for(client, firm.email, firm.password),
                           json={**PATENT, "number": number}).status_code == 201
    admin = make_user("admin")
    body = client.get("/api/v1/admin/stats", headers=token_for(client, admin.email, admin.password)).json
    with app.app_context():
        firms = db.session.scalars(sa.select(Enterprise)).all()
        evaluations = [services.of_enterprise(firm) for firm in firms]
        by_industry = {}
        for firm in firms:
            assets = db.session.scalar(sa.select(sa.func.count()).select_from(IpAsset)
                                       .where(IpAsset.enterprise_id == firm.id))
            if assets:
                row = by_industry.setdefault(firm.industry.value, {"industry": firm.industry.value, "enterprises": 0,
                                                                   "assets": 0, "pledgeable_ip_value_cny": 0})
                row["enterprises"] += 1
                row["assets"] += assets
                row["pledgeable_ip_value_cny"] += services.ip.pledgeable_value(firm)
        pledgeable = services.ip.pledgeable_value(db.session.get(Enterprise, market["firm"].enterprise_id))
    expected = {}
    for evaluation in evaluations:
        row = expected.setdefault(evaluation.grade, [0, 0])
        row[0] += 1
        row[1] += evaluation.indicative_line_cny or 0
    assert {r["grade"]: [r["enterprises"], r["indicative_line_cny"]] for r in body["credit_grades"]
            if r["enterprises"]} == expected
    assert [set(r) for r in body["credit_grades"]] == [{"grade", "label", "enterprises", "indicative_line_cny"}] * 6
    assert [r["label"] for r in body["credit_grades"]] == ["A", "B", "C", "D", "E", "未评级"]
    assert body["ip_value_by_industry"] == sorted(by_industry.values(),
                                                  key=lambda r: -r["pledgeable_ip_value_cny"])
    assert [r["industry"] for r in body["ip_value_by_industry"]] == ["next_gen_it", "life_health"]
    assert body["ip_value_by_industry"][0]["enterprises"] == 2 and body["ip_value_by_industry"][0]["assets"] == 3
    assert expected["C"][0] >= 3 and expected[None][0] >= 1 and ungraded  # one without certification, 1 % R&D
    csv_text = client.get("/api/v1/admin/stats.csv", headers=token_for(client, admin.email, admin.password)) \
        .get_data().decode("utf-8-sig")
    top = body["ip_value_by_industry"][0]
    assert "知识价值信用评级（当前）" in csv_text and f"next_gen_it,2,3,{top['pledgeable_ip_value_cny']}" in csv_text
    assert pledgeable > 0
    assert re.search(r"未评级,\d+,0", csv_text)
    assert f"\nC,{expected['C'][0]},{expected['C'][1]}\r" in csv_text  # a graded row reads its grade
