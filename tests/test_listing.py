"""Listing readiness through the API and the pages (issue 18, point 6): a firm enters its listing facts and reads
each board's standards with the gaps; the bureau records stages in the listing pipeline (each change dated, never
before the last one) and reads the pipeline against the plan's target; a bank, or a firm at the bureau's
endpoints, is refused. On both databases."""
from __future__ import annotations

import datetime as dt

import pytest

from matchmaker.loans import services as loans
from tests.test_api import assert_error, token_for

YI, WAN = 100_000_000, 10_000


@pytest.fixture
def people(client, make_user):
    firm = make_user("enterprise", annual_revenue_cny=3 * YI)
    bank, admin = make_user("institution"), make_user("admin")
    return {"firm": firm, "tokens": {name: token_for(client, who.email, who.password) for name, who in
                                     (("firm", firm), ("bank", bank), ("admin", admin))}}


def test_a_firm_reads_its_standards_and_fills_its_facts(client, people):
    firm = people["tokens"]["firm"]
    empty = client.get("/api/v1/enterprise/listing-readiness", headers=firm)
    assert empty.status_code == 200
    body = empty.json
    assert set(body) >= {"items", "stage"} and body["stage"] is None
    assert [(i["board"], i["standard"]) for i in body["items"]][:2] == [("star", "1a"), ("star", "1b")]
    assert len(body["items"]) == 14 and not any(i["met"] for i in body["items"])
    assert all(set(i) == {"board", "standard", "met", "gaps"} for i in body["items"])
    assert "缺少数据：预计市值" in body["items"][0]["gaps"]
    for bad, field in (({"roe_pct": 5_000.0}, "roe_pct"), ({"neeq_innovation_months": -1}, "neeq_innovation_months"),
                       ({"share_capital_cny": "3000万"}, "share_capital_cny"),
                       ({"expected_market_value_cny": 10**13}, "expected_market_value_cny")):
        assert_error(client.put("/api/v1/enterprise/listing-facts", headers=firm, json=bad), 422, fields=[field])
    # STAR standard 4 exactly: a 30 亿 market value and 3 亿 of revenue, with 3,000 万 of share capital.
    facts = {"expected_market_value_cny": 30 * YI, "share_capital_cny": 3_000 * WAN}
    saved = client.put("/api/v1/enterprise/listing-facts", headers=firm, json=facts)
    assert saved.status_code == 200 and saved.json["expected_market_value_cny"] == 30 * YI
    assert client.get("/api/v1/enterprise/listing-facts", headers=firm).json["share_capital_cny"] == 3_000 * WAN
    star = {i["standard"]: i for i in client.get("/api/v1/enterprise/listing-readiness", headers=firm).json["items"]
            if i["board"] == "star"}
    assert star["4"] == {"board": "star", "standard": "4", "met": True, "gaps": []}
    assert not star["5"]["met"] and star["5"]["gaps"][0] == "预计市值 300,000 万元，还差 100,000 万元（标准 ≥ 400,000 万元）"
    client.put("/api/v1/enterprise/listing-facts", headers=firm, json={**facts, "share_capital_cny": 3_000 * WAN - 1})
    star = {i["standard"]: i for i in client.get("/api/v1/enterprise/listing-readiness", headers=firm).json["items"]
            if i["board"] == "star"}
    assert star["4"]["gaps"] == ["股本总额 2,999.9999 万元，还差 0.0001 万元（标准 ≥ 3,000 万元）"]
    for who in ("bank", "admin"):
        assert_error(client.get("/api/v1/enterprise/listing-readiness", headers=people["tokens"][who]), 403)


def test_the_bureau_keeps_the_pipeline_against_the_plan(client, people, app):
    admin, firm_id = people["tokens"]["admin"], people["firm"].enterprise_id
    url, today = f"/api/v1/admin/listing-pipeline/{firm_id}", loans.today()
    assert_error(client.post(url, headers=admin, json={"stage": "reserve", "changed_on": today.isoformat()}),
                 422, fields=["tier"])
    assert_error(client.post(url, headers=admin, json={"stage": "ipo", "tier": "city", "changed_on": today.isoformat()}),
                 422, fields=["stage"])
    assert_error(client.post(url, headers=admin, json={"stage": "reserve", "tier": "city",
                                                       "changed_on": (today + dt.timedelta(days=1)).isoformat()}),
                 422, fields=["changed_on"])
    entered = client.post(url, headers=admin, json={"stage": "reserve", "tier": "city",
                                                    "changed_on": (today - dt.timedelta(days=30)).isoformat()})
    assert entered.status_code == 201
    assert {k: entered.json[k] for k in ("enterprise_id", "stage", "tier")} == {
        "enterprise_id": firm_id, "stage": "reserve", "tier": "city"}
    assert_error(client.post(url, headers=admin, json={"stage": "shareholding_reform",
                                                       "changed_on": (today - dt.timedelta(days=31)).isoformat()}),
                 422, fields=["changed_on"])  # before the last change
    board = client.get("/api/v1/admin/listing-pipeline", headers=admin).json
    assert set(board) >= {"by_stage", "by_tier", "listed", "target_listed", "items"}
    assert {r["stage"]: r["enterprises"] for r in board["by_stage"]}["reserve"] == 1
    assert {r["tier"]: r["enterprises"] for r in board["by_tier"]} == {"district": 0, "city": 1, "city_key": 0}
    assert (board["listed"], board["target_listed"]) == (0, app.config["LISTING_TARGET_LISTED"]) == (0, 10)
    assert client.post(url, headers=admin, json={"stage": "listed", "changed_on": today.isoformat()}).status_code == 201
    board = client.get("/api/v1/admin/listing-pipeline", headers=admin).json
    assert board["listed"] == 1 and {r["tier"]: r["enterprises"] for r in board["by_tier"]}["city"] == 1  # kept
    (item,) = board["items"]
    assert (item["enterprise_id"], item["stage"], item["tier"], item["since"]) == (firm_id, "listed", "city",
                                                                                  today.isoformat())
    goals = {t["code"]: t for t in client.get("/api/v1/admin/targets", headers=admin).json["items"]}
    assert {k: goals["listed_firms"][k] for k in ("target", "unit", "actual", "met")} == {
        "target": 10, "unit": "家", "actual": 1, "met": False}
    mine = client.get("/api/v1/enterprise/listing-readiness", headers=people["tokens"]["firm"]).json
    assert (mine["stage"], mine["tier"]) == ("listed", "city")
    assert_error(client.post("/api/v1/admin/listing-pipeline/999999", headers=admin,
                             json={"stage": "listed", "changed_on": today.isoformat()}), 404)
    for who in ("firm", "bank"):
        assert_error(client.get("/api/v1/admin/listing-pipeline", headers=people["tokens"][who]), 403)


def test_the_pages_keep_what_was_typed_and_name_the_field(client, people, make_user, app):
    from tests.conftest import csrf_token
    from tests.test_auth_pages import field_errors, submit

    firm = people["firm"]
    assert submit(client, "/auth/login", {"email": firm.email, "password": firm.password}).status_code == 302
    page = client.get("/enterprise/listing").get_data(as_text=True)
    assert "科创板" in page and "缺少数据：预计市值" in page
    token = csrf_token(page)
    wrong = client.post("/enterprise/listing", data={"csrf_token": token, "expected_market_value_cny": "30亿",
                                                     "roe_pct": "9.5", "share_capital_cny": "3000"})
    assert wrong.status_code == 422 and "expected_market_value_cny" in field_errors(wrong.get_data(as_text=True))
    assert 'value="9.5"' in wrong.get_data(as_text=True) and 'value="3000"' in wrong.get_data(as_text=True)
    done = client.post("/enterprise/listing", data={"csrf_token": token, "expected_market_value_cny": "300000",
                                                    "share_capital_cny": "3000", "roe_pct": "9.5"})
    assert done.status_code == 302  # 30 亿 and 3,000 万, typed in 万元
    assert client.get("/api/v1/enterprise/listing-facts", headers=people["tokens"]["firm"]).json[
        "expected_market_value_cny"] == 3_000_000_000
    again = client.get("/enterprise/listing").get_data(as_text=True)
    assert "已达标" in again and 'value="300000.00"' in again
    admin = make_user("admin")
    other = app.test_client()
    assert submit(other, "/auth/login", {"email": admin.email, "password": admin.password}).status_code == 302
    page = other.get("/admin/listing").get_data(as_text=True)
    token = csrf_token(page)
    unknown = other.post("/admin/listing", data={"csrf_token": token, "uscc": "91500000MA0000000X",
                                                 "stage": "reserve", "tier": "district",
                                                 "changed_on": loans.today().isoformat()})
    assert unknown.status_code == 422
    assert "平台上没有统一社会信用代码为 91500000MA0000000X 的企业" in field_errors(unknown.get_data(as_text=True))["uscc"]
    with app.app_context():
        from models import Enterprise, db
        code = db.session.get(Enterprise, firm.enterprise_id).uscc
    added = other.post("/admin/listing", data={"csrf_token": token, "uscc": code.lower(), "stage": "reserve",
                                               "tier": "district", "changed_on": loans.today().isoformat()})
    assert added.status_code == 302
    assert "区级后备" in other.get("/admin/listing").get_data(as_text=True)
