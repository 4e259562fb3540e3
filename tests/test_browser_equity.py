"""The equity side in a browser (issue 18), on a phone and a desktop: a firm publishes a round and sees investors
ranked with reasons; a fund finds it in its deal flow, expresses interest and moves it step by step to invested, a
refused step keeping what was typed; the firm sees each step; the bureau schedules a roadshow, the firm applies to
pitch, the bureau accepts, the fund reserves a seat."""
from __future__ import annotations

import datetime as dt
import os

import pytest

from tests.test_browser import SCREENSHOTS, browser, live_server, seeded  # noqa: F401  (fixtures)
from tests.test_browser_market import SIZES, _api, _page, _sign_in

pytestmark = pytest.mark.browser


def _signed_in(browser, live_server, size, login, path):  # noqa: F811
    page, errors = _page(browser, size)
    page.goto(live_server + path)
    _sign_in(page, live_server, login)
    page.wait_for_url(live_server + path)
    return page, errors


@pytest.mark.parametrize("size", SIZES)
def test_a_round_from_publication_to_investment_and_a_roadshow(browser, live_server, seeded, app, size):  # noqa: F811
    from models import User, db

    with app.app_context():
        firm_name = db.session.query(User).filter_by(email=seeded["enterprise"][0]).one().enterprise.name
    fund_client, fund = _api(app, seeded["fund"])
    # The demo fund takes any industry at A rounds of 1,000–5,000 万, so the demo firm's round fits it.
    assert fund_client.put("/api/v1/investor-profile", headers=fund, json={
        "stages": ["pre_a", "a"], "industries": [], "min_ticket_cny": 10_000_000, "max_ticket_cny": 50_000_000,
        "fund_size_cny": 2_000_000_000, "accepts_deal_flow": True}).status_code == 200
    firm, firm_errors = _signed_in(browser, live_server, size, seeded["enterprise"], "/enterprise/equity")
    firm.select_option("#round", "a")
    firm.fill("#amount_cny", "3000")
    firm.fill("#pre_money_valuation_cny", "24000")
    firm.fill("#use_of_funds", "建设第二条中试产线，扩充算法团队")
    firm.get_by_role("button", name="发布", exact=True).click()
    firm.wait_for_url(live_server + "/enterprise/equity/*")
    round_url = firm.url
    investors = firm.get_by_test_id("investors")
    assert "投资阶段包含A 轮" in investors.inner_text() and "不限行业" in investors.inner_text()
    firm.screenshot(path=os.path.join(SCREENSHOTS, f"equity-round-{size}.png"), full_page=True)

    deals, fund_errors = _signed_in(browser, live_server, size, seeded["fund"], "/institution/deals")
    card = deals.get_by_test_id("deal-flow").locator(".list-group-item").filter(has_text=firm_name).first
    assert "投资阶段包含A 轮" in card.inner_text()
    deals.screenshot(path=os.path.join(SCREENSHOTS, f"deal-flow-{size}.png"), full_page=True)
    card.get_by_role("button", name="表达投资意向").click()
    deals.wait_for_url(live_server + "/institution/deals")
    deals.get_by_test_id("pipeline").get_by_role("link").filter(has_text=firm_name).filter(has_text="3,000 万元") \
        .first.click()
    deals.wait_for_url(live_server + "/institution/deals/*")
    deal_url = deals.url
    for stage, label in (("meeting", "约见"), ("due_diligence", "尽职调查"), ("term_sheet", "投资意向书")):
        deals.select_option("#stage", stage)
        deals.get_by_role("button", name="更新进度").click()
        deals.wait_for_url(deal_url)
        firm.goto(round_url)
        assert firm.get_by_test_id("interest-stage").first.inner_text() == label
    deals.select_option("#stage", "invested")
    deals.fill("#reason", "团队与技术均已核实")
    deals.get_by_role("button", name="更新进度").click()
    assert deals.locator("#amount_cny-feedback").is_visible()  # the amount is missing
    assert deals.input_value("#reason") == "团队与技术均已核实"  # what was typed is kept
    deals.fill("#amount_cny", "3000")
    deals.get_by_role("button", name="更新进度").click()
    deals.wait_for_url(deal_url)
    assert "已投资" in deals.get_by_test_id("steps").inner_text()
    deals.screenshot(path=os.path.join(SCREENSHOTS, f"deal-{size}.png"), full_page=True)
    firm.goto(round_url)
    assert firm.get_by_test_id("interest-stage").first.inner_text() == "已投资"
    assert "投资金额 3,000 万元" in firm.get_by_test_id("interests").inner_text()

    # A roadshow: scheduled by the bureau, a pitch from the firm's next round, accepted; the fund takes a seat.
    admin, admin_errors = _signed_in(browser, live_server, size, seeded["admin"], "/admin/roadshows")
    admin.fill("#title", "科技成果转化专场路演")
    admin.fill("#held_on", (dt.date.today() + dt.timedelta(days=14)).isoformat())
    admin.fill("#capacity", "12")
    admin.get_by_role("button", name="发布", exact=True).click()
    admin.wait_for_url(live_server + "/admin/roadshows")
    firm.goto(live_server + "/enterprise/equity")
    firm.select_option("#round", "b")
    firm.fill("#amount_cny", "8000")
    firm.fill("#pre_money_valuation_cny", "60000")
    firm.fill("#use_of_funds", "拓展全国销售渠道")
    firm.get_by_role("button", name="发布", exact=True).click()
    firm.wait_for_url(live_server + "/enterprise/equity/*")
    firm.locator("#pitch-roadshow_id").select_option(label=firm.locator("#pitch-roadshow_id option")
                                                     .filter(has_text="科技成果转化专场路演").first.inner_text())
    firm.get_by_role("button", name="申请路演").click()
    firm.wait_for_url(live_server + "/enterprise/equity/*")
    assert "待审核" in firm.get_by_test_id("pitch").inner_text()
    admin.goto(live_server + "/admin/roadshows")
    show = admin.get_by_test_id("desk").locator(".card").filter(has_text="科技成果转化专场路演").first
    show.get_by_role("button", name="入选", exact=True).click()
    admin.wait_for_url(live_server + "/admin/roadshows")
    deals.goto(live_server + "/roadshows")
    show = deals.get_by_test_id("roadshows").locator(".card").filter(has_text="科技成果转化专场路演").first
    show.get_by_role("button", name="预约席位").click()
    deals.wait_for_url(live_server + "/roadshows")
    show = deals.get_by_test_id("roadshows").locator(".card").filter(has_text="科技成果转化专场路演").first
    assert "投资机构席位 1 / 12" in show.inner_text() and "贵机构已预约席位" in show.inner_text()
    deals.screenshot(path=os.path.join(SCREENSHOTS, f"roadshows-{size}.png"), full_page=True)
    admin.goto(live_server + "/admin/roadshows")
    assert "已入选" in admin.get_by_test_id("desk").inner_text()
    admin.screenshot(path=os.path.join(SCREENSHOTS, f"roadshow-desk-{size}.png"), full_page=True)
    firm.goto(round_url)
    assert not (firm_errors or fund_errors or admin_errors), (firm_errors, fund_errors, admin_errors)
