"""The equity pages as their users submit them: a firm's round page (ranked investors, interests, the business plan
by consent, a roadshow application), a fund's deal flow and deal page (each step; a refused move keeps what was
typed), the public roadshow list with a fund's seat and its interest from the room, the bureau's roadshow desk."""
from __future__ import annotations

import datetime as dt
import io
import re

import pytest

from tests.conftest import csrf_token
from tests.test_api import token_for
from tests.test_auth_pages import field_errors, submit
from tests.test_equity_deals import FAR, PROFILE, ROUND, as_fund

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def signed_in(app, who):
    client = app.test_client()
    assert submit(client, "/auth/login", {"email": who.email, "password": who.password}).status_code == 302
    return client


@pytest.fixture
def people(client, app, make_user):
    people = {"firm": make_user("enterprise", share_in_leads=True), "fund": as_fund(app, make_user("institution")),
              "far": as_fund(app, make_user("institution")), "admin": make_user("admin"),
              "bank": make_user("institution")}
    for key, profile in (("fund", PROFILE), ("far", FAR)):
        who = people[key]
        client.put("/api/v1/investor-profile", json=profile, headers=token_for(client, who.email, who.password))
    return people


def name_of(app, officer) -> str:
    from models import Institution, db
    with app.app_context():
        return db.session.get(Institution, officer.institution_id).name


def post(client, url, data=None, **kwargs):
    page = client.get(kwargs.pop("page", url)).get_data(as_text=True)
    return client.post(url, data={"csrf_token": csrf_token(page), **(data or {})}, **kwargs)


def test_a_round_meets_a_fund_and_moves_to_invested_on_the_pages(app, people):
    firm, fund = signed_in(app, people["firm"]), signed_in(app, people["fund"])
    made = post(firm, "/enterprise/equity", {"round": "a", "amount_cny": "3000", "pre_money_valuation_cny": "24000",
                                             "use_of_funds": ROUND["use_of_funds"], "highlights": ""})
    assert made.status_code == 302
    round_url = made.headers["Location"]
    page = firm.get(round_url).get_data(as_text=True)
    investors = page[page.index('data-testid="investors"'):]
    assert investors.index(name_of(app, people["fund"])) < investors.index(name_of(app, people["far"]))
    assert "投资阶段包含A 轮" in investors and "匹配度 100" in investors
    # The fund finds it in its deal flow, without the firm's contacts, and follows it.
    flow = fund.get("/institution/deals").get_data(as_text=True)
    assert "表达投资意向" in flow and "13800" not in flow
    action = re.search(r'action="(/institution/deals/rounds/\d+/interest)"', flow).group(1)
    assert post(fund, action, page="/institution/deals").status_code == 302
    deal_url = re.search(r'href="(/institution/deals/\d+)"', fund.get("/institution/deals").get_data(as_text=True)).group(1)
    assert "企业接受贵机构的意向后显示" in fund.get(deal_url).get_data(as_text=True)
    for stage in ("meeting", "due_diligence", "term_sheet"):
        assert post(fund, deal_url, {"stage": stage, "amount_cny": "", "reason": ""}).status_code == 302
        assert re.search(r'data-testid="interest-stage">([^<]+)<', firm.get(round_url).get_data(as_text=True)).group(1) \
            == {"meeting": "约见", "due_diligence": "尽职调查", "term_sheet": "投资意向书"}[stage]
    refused = post(fund, deal_url, {"stage": "invested", "amount_cny": "", "reason": "看好团队"})
    assert refused.status_code == 422 and "amount_cny" in field_errors(refused.get_data(as_text=True))
    assert "看好团队" in refused.get_data(as_text=True)  # what was typed is kept
    assert post(fund, deal_url, {"stage": "invested", "amount_cny": "3000", "reason": ""}).status_code == 302
    shown = firm.get(round_url).get_data(as_text=True)
    assert "已投资" in shown and "投资金额 3,000 万元" in shown and "已完成" in shown
    assert "该项目已结束" in fund.get(deal_url).get_data(as_text=True)


def test_contacts_and_the_plan_go_only_where_the_firm_sends_them(app, people, client):
    firm, fund, far = (signed_in(app, people[k]) for k in ("firm", "fund", "far"))
    round_url = post(firm, "/enterprise/equity", {"round": "a", "amount_cny": "3000", "pre_money_valuation_cny": "24000",
                                                  "use_of_funds": "扩建", "highlights": ""}).headers["Location"]
    need_id = int(round_url.rsplit("/", 1)[1])
    post(fund, f"/institution/deals/rounds/{need_id}/interest", page="/institution/deals")
    deal_url = re.search(r'href="(/institution/deals/\d+)"', fund.get("/institution/deals").get_data(as_text=True)).group(1)
    interest_id = int(deal_url.rsplit("/", 1)[1])
    assert far.get(deal_url).status_code == 404  # another fund's deal
    # The plan: a document of the firm's, chosen for the round, then shown to this fund only.
    page = firm.get("/enterprise/documents").get_data(as_text=True)
    uploaded = firm.post("/enterprise/documents", data={"csrf_token": csrf_token(page), "kind": "other",
                                                        "title": "商业计划书2026", "file": (io.BytesIO(PDF), "bp.pdf")},
                         content_type="multipart/form-data")
    assert uploaded.status_code == 302
    page = firm.get(round_url).get_data(as_text=True)
    document_id = re.search(r'<option value="(\d+)"[^>]*>商业计划书2026', page).group(1)
    assert firm.post(round_url, data={"csrf_token": csrf_token(page), "plan-csrf_token": csrf_token(page),
                                      "plan-document_id": document_id}).status_code == 302
    assert fund.get(f"{deal_url}/plan").status_code == 404  # not shown to it yet
    assert post(firm, f"{round_url}/interests/{interest_id}/plan", {"granted": "yes"}, page=round_url).status_code == 302
    opened = fund.get(f"{deal_url}/plan")
    assert opened.status_code == 200 and opened.data == PDF
    assert far.get(f"{deal_url}/plan").status_code == 404
    assert post(firm, f"{round_url}/interests/{interest_id}/plan", {"granted": "no"}, page=round_url).status_code == 302
    assert fund.get(f"{deal_url}/plan").status_code == 404  # consent taken back
    assert post(firm, f"{round_url}/interests/{interest_id}/accept", page=round_url).status_code == 302
    assert "企业接受贵机构的意向后显示" not in fund.get(deal_url).get_data(as_text=True)


def test_a_roadshow_from_the_desk_to_the_room(app, people, client):
    admin, firm, fund, bank = (signed_in(app, people[k]) for k in ("admin", "firm", "fund", "bank"))
    day = (dt.date.today() + dt.timedelta(days=7)).isoformat()
    wrong = post(admin, "/admin/roadshows", {"title": "新一代信息技术专场", "held_on": day, "capacity": "0"})
    assert wrong.status_code == 422 and "capacity" in field_errors(wrong.get_data(as_text=True))
    assert "新一代信息技术专场" in wrong.get_data(as_text=True)
    assert post(admin, "/admin/roadshows", {"title": "新一代信息技术专场", "held_on": day,
                                            "industries": "next_gen_it", "capacity": "1"}).status_code == 302
    public = client.get("/roadshows").get_data(as_text=True)  # anyone may read it
    assert "新一代信息技术专场" in public and "投资机构席位 0 / 1" in public
    round_url = post(firm, "/enterprise/equity", {"round": "a", "amount_cny": "3000", "pre_money_valuation_cny": "24000",
                                                  "use_of_funds": "扩建", "highlights": ""}).headers["Location"]
    page = firm.get(round_url).get_data(as_text=True)
    roadshow_id = re.search(r'<option value="(\d+)"[^>]*>\S+ 新一代信息技术专场', page).group(1)
    assert firm.post(round_url, data={"pitch-csrf_token": csrf_token(page), "pitch-roadshow_id": roadshow_id}) \
        .status_code == 302
    assert "待审核" in firm.get(round_url).get_data(as_text=True)
    desk = admin.get("/admin/roadshows").get_data(as_text=True)
    decide = re.search(r'action="(/admin/roadshows/pitches/\d+/decision)"', desk).group(1)
    assert admin.post(decide, data={"csrf_token": csrf_token(desk), "decision": "accept", "reason": ""}).status_code == 302
    assert "已入选" in firm.get(round_url).get_data(as_text=True)
    assert "/seat\"" not in bank.get("/roadshows").get_data(as_text=True)  # a bank has no seat to take
    assert bank.post(f"/institution/roadshows/{roadshow_id}/seat",
                     data={"csrf_token": csrf_token(bank.get("/roadshows").get_data(as_text=True))}).status_code == 403
    assert post(fund, f"/institution/roadshows/{roadshow_id}/seat", page="/roadshows").status_code == 302
    assert "投资机构席位 1 / 1" in client.get("/roadshows").get_data(as_text=True)
    assert post(admin, f"/admin/roadshows/{roadshow_id}/held", page="/admin/roadshows").status_code == 302
    room = fund.get("/roadshows").get_data(as_text=True)
    assert "记录现场意向" in room
    need_id = round_url.rsplit("/", 1)[1]
    assert post(fund, f"/institution/deals/rounds/{need_id}/interest", {"roadshow_id": roadshow_id, "back": "roadshows"},
                page="/roadshows").status_code == 302
    assert "已在投资进度中" in fund.get("/roadshows").get_data(as_text=True)
    assert "有意向" in firm.get(round_url).get_data(as_text=True)
