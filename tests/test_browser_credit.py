"""Browser path of the knowledge-value credit grade (issue 16, first part), on a phone and a desktop: a firm
reads its grade, line and points, opens the points table, adds R&D staff on its profile and sees the score
rise by what the page promised; its bank's officer sees the grade on the application's file."""
from __future__ import annotations

import os
import re

import pytest

from tests.test_browser import SCREENSHOTS, browser, live_server, seeded  # noqa: F401  (fixtures)
from tests.test_browser_market import SIZES, _api, _page, _sign_in

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("size", SIZES)
def test_a_firm_reads_and_raises_its_grade_and_the_officer_sees_it(browser, live_server, seeded, app, size):  # noqa: F811
    client, owner = _api(app, seeded["enterprise"])
    client.patch("/api/v1/enterprise", headers=owner, json={"rd_staff": 0, "tech_talent": 0, "innovative_products": 0,
                                                           "awards": 0})
    before = client.get("/api/v1/enterprise/credit-grade", headers=owner).json
    staff_step = next((s for s in before["improvements"] if s.startswith("研发人员从 0 人增至")), None)
    assert staff_step is not None, before["improvements"]
    wanted, gained = re.search(r"增至 (\d+) 人.*加 (\d+) 分", staff_step).groups()
    page, errors = _page(browser, size)
    page.goto(live_server + "/enterprise/ip-assets")
    _sign_in(page, live_server, seeded["enterprise"])
    page.wait_for_url(live_server + "/enterprise/ip-assets")
    for number, title, granted in (("ZL 2021 1 0123456.7", "一种细胞培养装置", "2021-06-01"),
                                   ("ZL 2022 1 0654321.0", "一种检测芯片", "2022-09-15")):
        page.select_option("#kind", "invention_patent")
        page.fill("#number", number)
        page.fill("#title", title)
        page.fill("#granted_on", granted)
        page.fill("#expires_on", str(int(granted[:4]) + 20) + granted[4:])
        page.click("main form[data-once] button[type=submit]")
        page.wait_for_url(live_server + "/enterprise/ip-assets")
    assert page.get_by_test_id("ip-assets").get_by_text("一种检测芯片").is_visible()
    register = client.get("/api/v1/enterprise/ip-assets", headers=owner).json
    assert register["total"] == 2 and register["pledgeable_ip_value_cny"] > 0
    page.screenshot(path=os.path.join(SCREENSHOTS, f"ip-assets-{size}.png"), full_page=True)
    page.get_by_role("link", name="信用评价").first.click()
    page.wait_for_url(live_server + "/enterprise/credit-grade")
    before = client.get("/api/v1/enterprise/credit-grade", headers=owner).json
    assert before["pledgeable_ip_value_cny"] == register["pledgeable_ip_value_cny"]
    assert page.get_by_test_id("score").inner_text() == str(before["score"])
    assert page.get_by_test_id("grade").inner_text() == (before["grade"] or "暂未评级")
    assert staff_step in page.get_by_test_id("improvements").inner_text()
    page.get_by_text("计分表与评级标准").click()
    assert page.locator("#points-table").get_by_text("A ≥ 80 分").is_visible()
    page.screenshot(path=os.path.join(SCREENSHOTS, f"credit-grade-{size}.png"), full_page=True)
    page.get_by_role("link", name="补充企业画像").click()
    page.fill("#rd_staff", wanted)
    page.click("main form button[type=submit]")
    page.goto(live_server + "/enterprise/credit-grade")
    assert page.get_by_test_id("score").inner_text() == str(before["score"] + int(gained))
    assert errors == []
    page.close()
    # The firm's bank reads the grade on the file of an application.
    need = client.post("/api/v1/needs", headers=owner, json={"amount_cny": 1_000_000, "term_months": 12}).json
    products = client.get("/api/v1/products?limit=100&amount_cny=1000000&term_months=12").json["items"]
    officer_login = seeded["institution"]
    bank_client, bank = _api(app, officer_login)
    mine = {p["id"] for p in bank_client.get("/api/v1/products?mine=true&limit=100", headers=bank).json["items"]}
    product = next((p for p in products if p["id"] in mine), None)
    if product is None:  # make one of the bank's products fit the need
        product = bank_client.get("/api/v1/products?mine=true&limit=1", headers=bank).json["items"][0]
        bank_client.patch(f"/api/v1/products/{product['id']}", headers=bank, json={
            "min_amount_cny": 100_000, "max_amount_cny": 10_000_000, "min_term_months": 1, "max_term_months": 60,
            "status": "active"})
    application = client.post("/api/v1/applications", headers=owner, json={
        "need_id": need["id"], "product_id": product["id"]}).json
    after = client.get("/api/v1/enterprise/credit-grade", headers=owner).json
    page, errors = _page(browser, size)
    page.goto(live_server + f"/institution/applications/{application['id']}")
    _sign_in(page, live_server, officer_login)
    page.wait_for_url(live_server + f"/institution/applications/{application['id']}")
    cell = page.get_by_test_id("credit-grade").inner_text()
    assert (after["grade"] or "暂未评级") in cell and f"{after['score']} 分" in cell
    assert errors == []
    page.close()
