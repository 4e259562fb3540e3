"""Equity rounds (issue 18, point 2): a firm publishes, reads and withdraws its rounds; another firm's is 404, a
bank or the bureau 403; every bad value is 422 naming its field; the page keeps what was typed. On both databases."""
from __future__ import annotations

import pytest

from tests.test_api import assert_error, token_for

ROUND = {"round": "pre_a", "amount_cny": 20_000_000, "pre_money_valuation_cny": 180_000_000,
         "use_of_funds": "建设中试产线，扩充研发团队", "highlights": "三项发明专利；已获天使轮投资"}


@pytest.fixture
def firms(client, make_user):
    people = {k: make_user("enterprise") for k in ("A", "B")}
    people.update(bank=make_user("institution"), admin=make_user("admin"))
    return {k: token_for(client, who.email, who.password) for k, who in people.items()} | {"people": people}


def test_a_firm_publishes_reads_and_withdraws_its_round(client, firms):
    a = firms["A"]
    made = client.post("/api/v1/equity-needs", headers=a, json=ROUND)
    assert made.status_code == 201
    assert {k: made.json[k] for k in ROUND} == ROUND and made.json["status"] == "open"
    assert made.json["interests"] == [] and made.json["enterprise_id"] == firms["people"]["A"].enterprise_id
    url = f"/api/v1/equity-needs/{made.json['id']}"
    assert client.get(url, headers=a).json == made.json
    listed = client.get("/api/v1/equity-needs", headers=a).json
    assert listed["total"] == 1 and listed["items"][0]["id"] == made.json["id"]
    assert client.get("/api/v1/equity-needs", headers=firms["B"]).json == {"items": [], "total": 0}
    assert_error(client.get(url, headers=firms["B"]), 404)
    assert_error(client.post(url + "/withdraw", headers=firms["B"]), 404)
    for other in ("bank", "admin"):
        assert_error(client.get(url, headers=firms[other]), 403)
        assert_error(client.post("/api/v1/equity-needs", headers=firms[other], json=ROUND), 403)
    withdrawn = client.post(url + "/withdraw", headers=a)
    assert (withdrawn.status_code, withdrawn.json["status"]) == (200, "withdrawn")
    assert_error(client.post(url + "/withdraw", headers=a), 409)


@pytest.mark.parametrize(("change", "field"), [
    ({"round": "series_z"}, "round"), ({"amount_cny": 0}, "amount_cny"), ({"amount_cny": 10**11}, "amount_cny"),
    ({"pre_money_valuation_cny": -1}, "pre_money_valuation_cny"), ({"use_of_funds": "   "}, "use_of_funds"),
    ({"use_of_funds": "用" * 1_001}, "use_of_funds"), ({"highlights": "亮" * 2_001}, "highlights"),
    ({"amount_cny": "2000万"}, "amount_cny"), ({"use_of_funds": "扩产\u202e"}, "use_of_funds"),
])
def test_a_bad_round_is_422_naming_the_field(client, firms, change, field):
    assert_error(client.post("/api/v1/equity-needs", headers=firms["A"], json={**ROUND, **change}), 422, fields=[field])
    assert client.get("/api/v1/equity-needs", headers=firms["A"]).json["total"] == 0


def test_the_page_keeps_what_was_typed(client, firms):
    from tests.conftest import csrf_token
    from tests.test_auth_pages import field_errors, submit

    owner = firms["people"]["A"]
    assert submit(client, "/auth/login", {"email": owner.email, "password": owner.password}).status_code == 302
    page = client.get("/enterprise/equity").get_data(as_text=True)
    assert "发布股权融资需求" in page and "股权融资" in client.get("/account").get_data(as_text=True)
    token = csrf_token(page)
    form = {"csrf_token": token, "round": "a", "amount_cny": "3000", "pre_money_valuation_cny": "",
            "use_of_funds": "购置设备", "highlights": "团队来自重庆大学"}
    wrong = client.post("/enterprise/equity", data=form)
    assert wrong.status_code == 422 and "pre_money_valuation_cny" in field_errors(wrong.get_data(as_text=True))
    assert "团队来自重庆大学" in wrong.get_data(as_text=True) and 'value="3000' in wrong.get_data(as_text=True)
    done = client.post("/enterprise/equity", data={**form, "pre_money_valuation_cny": "30000"})
    assert done.status_code == 302
    shown = client.get("/enterprise/equity").get_data(as_text=True)
    assert "A 轮 · 3,000 万元" in shown and "投前估值 3.00 亿元" in shown
    (need,) = client.get("/api/v1/equity-needs", headers=firms["A"]).json["items"]
    assert (need["amount_cny"], need["pre_money_valuation_cny"]) == (30_000_000, 300_000_000)
    back = client.post(f"/enterprise/equity/{need['id']}/withdraw", data={"csrf_token": token})
    assert back.status_code == 302 and "已撤回" in client.get("/enterprise/equity").get_data(as_text=True)
