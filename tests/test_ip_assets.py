"""Technology valuation (技术评估): the IP register through the API and the page, each asset's indicative
pledge value by the documented method on worked examples (decay with remaining life, industry, pledged and
expired at nothing), the pledgeable total on the credit grade, and another firm's asset as if it did not
exist."""
from __future__ import annotations

import datetime as dt
import re
from types import SimpleNamespace

import pytest
import sqlalchemy as sa

from matchmaker.credit import ip
from models import IpKind
from tests.conftest import csrf_token
from tests.rule_helpers import use_cheap_argon2
from tests.test_admin_ops import sign_in
from tests.test_api import assert_error, token_for

TODAY = dt.date(2026, 12, 6)


def asset(kind="invention_patent", years_left=20.0, pledged=False, statutory=None):
    expires = TODAY + dt.timedelta(days=round(365.25 * years_left))
    return SimpleNamespace(kind=IpKind(kind), expires_on=expires, pledged=pledged)


@pytest.mark.parametrize(("thing", "industry", "low", "high"), [
    (asset(), "next_gen_it", 420_000, 780_000),  # 500,000 × 1.2 × 1 ± 30 %
    (asset(years_left=10), "next_gen_it", 297_000, 552_000),  # × √0.5
    (asset(years_left=30), "next_gen_it", 420_000, 780_000),  # no more than its whole life
    (asset("utility_model", years_left=2.5), "other", 28_000, 52_000),  # 100,000 × 0.8 × √0.25
    (asset("design", years_left=15), "life_health", 46_000, 84_000),  # 50,000 × 1.3
    (asset("software_copyright", years_left=12.5), "high_tech_services", 28_000, 52_000),  # 80,000 × √0.25
    (asset(pledged=True), "next_gen_it", 0, 0),  # already pledged: nothing left to pledge
    (asset(years_left=0), "next_gen_it", 0, 0),  # expires today
    (asset(years_left=-1), "next_gen_it", 0, 0),
])
def test_pledge_values_on_worked_examples(app, thing, industry, low, high):
    with app.app_context():
        assert ip.pledge_value(thing, industry=industry, today=TODAY) == {"low": low, "high": high}


def test_the_method_is_configuration(app):
    with app.app_context():
        app.config["IP_BASE_VALUE_CNY"] = {**app.config["IP_BASE_VALUE_CNY"], "invention_patent": 1_000_000}
        app.config["IP_VALUE_SPREAD"] = 0.5
        app.config["IP_VALUE_DECAY"] = 1.0
        assert ip.pledge_value(asset(years_left=10), industry="high_tech_services", today=TODAY) == {
            "low": 250_000, "high": 750_000}


@pytest.fixture
def firms(client, make_user, monkeypatch):
    use_cheap_argon2(monkeypatch)
    people = {k: make_user("enterprise") for k in "AB"}
    return {k: SimpleNamespace(person=p, token=token_for(client, p.email, p.password)) for k, p in people.items()}


PATENT = {"kind": "invention_patent", "number": "ZL 2021 1 0123456.7", "title": "一种细胞培养装置",
          "granted_on": "2022-05-10", "expires_on": "2041-05-09"}


def test_a_firm_registers_its_ip_and_reads_the_values(client, firms, app):
    token = firms["A"].token
    made = client.post("/api/v1/enterprise/ip-assets", headers=token, json=PATENT)
    assert made.status_code == 201, made.json
    assert set(made.json) == {"id", "kind", "number", "title", "granted_on", "expires_on", "pledged",
                              "pledge_value_cny"}
    assert set(made.json["pledge_value_cny"]) == {"low", "high"}
    assert 0 < made.json["pledge_value_cny"]["low"] < made.json["pledge_value_cny"]["high"]
    pledged = client.post("/api/v1/enterprise/ip-assets", headers=token, json={
        **PATENT, "number": "2023SR0123456", "kind": "software_copyright", "pledged": True}).json
    assert pledged["pledge_value_cny"] == {"low": 0, "high": 0}
    listed = client.get("/api/v1/enterprise/ip-assets", headers=token).json
    assert listed["total"] == 2 and [a["id"] for a in listed["items"]] == [pledged["id"], made.json["id"]]
    grade = client.get("/api/v1/enterprise/credit-grade", headers=token).json
    assert grade["pledgeable_ip_value_cny"] == listed["pledgeable_ip_value_cny"] == \
        made.json["pledge_value_cny"]["low"]


@pytest.mark.parametrize(("change", "field", "status"), [
    ({"expires_on": "2022-05-01"}, "expires_on", 422),  # before its grant
    ({"granted_on": "2001-01-01", "expires_on": "2021-01-01"}, "expires_on", 422),  # expired already
    ({"granted_on": "2099-01-01", "expires_on": "2119-01-01"}, "granted_on", 422),  # granted in the future
    ({"kind": "trademark"}, "kind", 422), ({"number": ""}, "number", 422), ({"title": "\u202e"}, "title", 422),
    ({"granted_on": "2022-02-30"}, "granted_on", 422), ({"pledged": "maybe"}, "pledged", 422),
])
def test_impossible_assets_are_refused_by_name(client, firms, change, field, status):
    assert_error(client.post("/api/v1/enterprise/ip-assets", headers=firms["A"].token, json={**PATENT, **change}),
                 status, fields=[field])
    assert client.get("/api/v1/enterprise/ip-assets", headers=firms["A"].token).json["total"] == 0


def test_a_number_is_registered_once_per_firm_and_others_are_hidden(client, firms):
    a, b = firms["A"].token, firms["B"].token
    mine = client.post("/api/v1/enterprise/ip-assets", headers=a, json=PATENT).json
    assert_error(client.post("/api/v1/enterprise/ip-assets", headers=a, json={**PATENT, "number": " " + PATENT["number"]}),
                 409, fields=["number"])
    assert client.post("/api/v1/enterprise/ip-assets", headers=b, json=PATENT).status_code == 201  # another firm
    assert_error(client.delete(f"/api/v1/enterprise/ip-assets/{mine['id']}", headers=b), 404)
    assert client.get("/api/v1/enterprise/ip-assets", headers=a).json["total"] == 1
    assert client.delete(f"/api/v1/enterprise/ip-assets/{mine['id']}", headers=a).status_code == 204
    assert client.get("/api/v1/enterprise/ip-assets", headers=a).json["total"] == 0
    assert_error(client.delete(f"/api/v1/enterprise/ip-assets/{mine['id']}", headers=a), 404)


def test_the_register_on_the_page_keeps_what_was_typed_and_asks_before_deleting(client, firms):
    sign_in(client, firms["A"].person)
    page = client.get("/enterprise/ip-assets").get_data(as_text=True)
    form = {"csrf_token": csrf_token(page), "kind": "invention_patent", "number": "ZL 2020 1 0999999.9",
            "title": "一种传感器", "granted_on": "2021-01-01", "expires_on": "2020-12-31"}
    refused = client.post("/enterprise/ip-assets", data=form)
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422 and "到期日期应晚于授权日期" in html and 'value="一种传感器"' in html
    form["expires_on"] = "2040-12-31"
    assert client.post("/enterprise/ip-assets", data=form).status_code == 302
    html = client.get("/enterprise/ip-assets").get_data(as_text=True)
    assert "一种传感器" in html and re.search(r'data-testid="pledgeable">[\d.,]+ 万元<', html)
    asset_id = client.get("/api/v1/enterprise/ip-assets", headers=firms["A"].token).json["items"][0]["id"]
    token = csrf_token(html)
    asked = client.post(f"/enterprise/ip-assets/{asset_id}/delete", data={"csrf_token": token})
    assert asked.status_code == 200 and "确认删除这项知识产权" in asked.get_data(as_text=True)
    assert client.get("/api/v1/enterprise/ip-assets", headers=firms["A"].token).json["total"] == 1
    client.post(f"/enterprise/ip-assets/{asset_id}/delete", data={"csrf_token": token, "confirm": "yes"})
    assert client.get("/api/v1/enterprise/ip-assets", headers=firms["A"].token).json["total"] == 0


def test_an_industry_without_a_factor_counts_at_par(app):
    with app.app_context():
        assert ip.pledge_value(asset(), industry="not_listed", today=TODAY) == {"low": 350_000, "high": 650_000}


def test_registering_and_deleting_are_audited_and_others_get_404(client, firms, app):
    import sqlalchemy as sa

    from matchmaker.errors import NotFound
    from models import AuditEvent, User, db

    made = client.post("/api/v1/enterprise/ip-assets", headers=firms["A"].token, json=PATENT).json
    with app.app_context():
        owner, other = (db.session.get(User, firms[k].person.id) for k in "AB")
        for who, asset_id in ((other, made["id"]), (owner, 2**40)):
            with pytest.raises(NotFound) as hidden:
                ip.delete(actor=who, asset_id=asset_id)
            assert hidden.value.message == "知识产权不存在"
        ip.delete(actor=owner, asset_id=made["id"])
        db.session.commit()
        rows = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.target_type == "ip_asset")
                                  .order_by(AuditEvent.id)).all()
        assert [(r.action, r.actor_id, r.target_id, r.detail) for r in rows] == [
            ("ip_asset.create", owner.id, made["id"], {"kind": "invention_patent", "number": PATENT["number"]}),
            ("ip_asset.delete", owner.id, made["id"], {"number": PATENT["number"]})]


KINDS = "invention_patent、utility_model、design、software_copyright"
GOOD = {"kind": "design", "number": "ZL 2022 3 0000001.X", "title": "一种包装盒", "granted_on": dt.date(2022, 1, 4),
        "expires_on": dt.date(2037, 1, 3)}


@pytest.mark.parametrize(("change", "problems"), [
    ({}, {}),
    ({"kind": None, "number": "", "title": None}, {f: ["此项为必填项"] for f in ("kind", "number", "title")}),
    ({"granted_on": None, "expires_on": None}, {"granted_on": ["此项为必填项"], "expires_on": ["此项为必填项"]}),
    ({"kind": "trademark"}, {"kind": [f"未知的知识产权类型：trademark（可选：{KINDS}）"]}),
    ({"number": "x" * 41}, {"number": ["编号应为 1 到 40 个字符"]}),
    ({"number": "x" * 40, "title": "y" * 120}, {}),
    ({"title": "y" * 121}, {"title": ["名称应为 1 到 120 个字符"]}),
    ({"title": "一\u200b种"}, {"title": ["名称包含不可见或控制字符（U+200B），请删除后重试"]}),
    ({"granted_on": dt.date(2026, 12, 7), "expires_on": dt.date(2046, 12, 7)}, {"granted_on": ["授权日期不能晚于今天"]}),
    ({"granted_on": TODAY, "expires_on": dt.date(2046, 12, 6)}, {}),  # granted today
    ({"expires_on": dt.date(2022, 1, 4)}, {"expires_on": ["到期日期应晚于授权日期"]}),
    ({"expires_on": TODAY}, {"expires_on": ["该知识产权已到期，不能登记为可质押资产"]}),
    ({"granted_on": None, "expires_on": TODAY}, {"granted_on": ["此项为必填项"],
                                                 "expires_on": ["该知识产权已到期，不能登记为可质押资产"]}),
    ({"granted_on": dt.date(2027, 1, 1), "expires_on": dt.date(2026, 1, 1)},
     {"granted_on": ["授权日期不能晚于今天"], "expires_on": ["该知识产权已到期，不能登记为可质押资产"]}),
])
def test_each_fact_of_an_asset_is_checked_with_its_message(app, change, problems):
    with app.test_request_context():
        assert ip.check({**GOOD, **change}, today=TODAY) == problems


def test_the_register_has_a_limit_and_a_refusal_keeps_nothing(client, firms, app):
    from matchmaker.errors import Conflict, InvalidInput
    from models import IpAsset, User, db

    app.config["IP_ASSETS_PER_ENTERPRISE"] = 2
    with app.app_context():
        owner = db.session.get(User, firms["A"].person.id)
        values = {**GOOD, "expires_on": dt.date.today() + dt.timedelta(days=400), "granted_on": dt.date(2022, 1, 4)}
        first = ip.create(actor=owner, **{**values, "number": " A-1 ", "title": " 外观一 "}, pledged=1)
        assert (first.number, first.title, first.pledged, first.kind, first.enterprise_id) == (
            "A-1", "外观一", True, IpKind.DESIGN, owner.enterprise_id)
        with pytest.raises(Conflict) as twice:
            ip.create(actor=owner, **{**values, "number": "A-1"})
        assert (twice.value.message, twice.value.fields) == ("该编号已登记", {"number": ["该编号已登记"]})
        ip.create(actor=owner, **{**values, "number": "A-2"})
        with pytest.raises(Conflict) as full:
            ip.create(actor=owner, **{**values, "number": "A-3"})
        assert (full.value.message, full.value.fields) == ("最多登记 2 项知识产权", {"number": ["知识产权数量已达上限"]})
        with pytest.raises(InvalidInput) as wrong:
            ip.create(actor=owner, **{**values, "number": ""})
        assert wrong.value.message == "知识产权信息有误，请检查标出的字段"
        assert sorted(db.session.scalars(sa.select(IpAsset.number))) == ["A-1", "A-2"]
        other = db.session.get(User, firms["B"].person.id)
        assert ip.create(actor=other, **{**values, "number": "A-3"}).number == "A-3"  # the limit is per firm


def test_only_a_firm_keeps_an_ip_register(make_user, app):
    from matchmaker.errors import Forbidden
    from models import User, db

    officer = make_user("institution")
    with app.app_context():
        with pytest.raises(Forbidden) as refused:
            ip.get_all(actor=db.session.get(User, officer.id))
        assert refused.value.message == "只有企业可以管理自己的知识产权"


def test_the_register_lists_the_latest_grant_first_and_defaults_to_unpledged(client, firms, app):
    from matchmaker.errors import InvalidInput
    from models import User, db

    with app.app_context():
        owner = db.session.get(User, firms["A"].person.id)
        later = ip.create(actor=owner, **{**GOOD, "number": "N-1", "granted_on": dt.date(2024, 1, 1)})
        earlier = ip.create(actor=owner, **{**GOOD, "number": "N-2", "granted_on": dt.date(2023, 1, 1)})
        assert [a.id for a in ip.get_all(actor=owner)] == [later.id, earlier.id]  # not the newest row first
        assert later.pledged is False
        with pytest.raises(InvalidInput) as untitled:
            ip.create(actor=owner, **{**GOOD, "number": "N-3", "title": None})
        assert untitled.value.fields == {"title": ["此项为必填项"]}
        with pytest.raises(InvalidInput) as kindless:
            ip.create(actor=owner, **{**GOOD, "number": "N-3", "kind": ""})
        assert kindless.value.fields == {"kind": ["此项为必填项"]}
