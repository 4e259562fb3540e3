"""Browser paths of the loans after the money and the risk-compensation fund (issue 17), on a phone and a
desktop: the lending officer records a repayment and an overdue event, files a claim and handles the risk warning
the overdue raised; the bureau pays money into the fund, approves the claim and sees the fund and the loan book."""
from __future__ import annotations

import os

import pytest

from tests.test_browser import SCREENSHOTS, browser, live_server, seeded  # noqa: F401  (fixtures)
from tests.test_browser_market import SIZES, _api, _page, _sign_in
from tests.test_institution import PRODUCT

pytestmark = pytest.mark.browser


def a_covered_loan(app, seeded) -> tuple[dict, str]:
    """A knowledge-value loan of 100 万 from the demo officer's bank to the demo firm, disbursed today."""
    from matchmaker.loans import services as loans

    client, owner = _api(app, seeded["enterprise"])
    bank_client, bank = _api(app, seeded["institution"])
    product = bank_client.post("/api/v1/products", headers=bank, json={
        **PRODUCT, "name": "知识价值信用贷（测试）", "kind": "knowledge_value",
        "eligibility": {**PRODUCT["eligibility"], "min_years": 0, "min_annual_revenue_cny": 0, "min_credit_rating": None}}).json
    need = client.post("/api/v1/needs", headers=owner, json={"amount_cny": 1_000_000, "term_months": 12}).json
    application = client.post("/api/v1/applications", headers=owner,
                              json={"need_id": need["id"], "product_id": product["id"]}).json
    assert bank_client.post(f"/api/v1/applications/{application['id']}/decision", headers=bank, json={
        "decision": "approve", "approved_amount_cny": 1_000_000, "rate_pct": 3.65, "term_months": 12}).status_code == 200
    assert bank_client.post(f"/api/v1/applications/{application['id']}/disbursement", headers=bank,
                            json={"amount_cny": 1_000_000}).status_code == 200
    loan = next(item for item in bank_client.get("/api/v1/loans?limit=100", headers=bank).json["items"]
                if item["application_id"] == application["id"])
    assert loan["risk_fund_covered"] is True
    with app.app_context():
        return loan, loans.today().isoformat()


@pytest.mark.parametrize("size", SIZES)
def test_the_officer_reports_a_loan_s_life_and_the_bureau_pays_the_claim(browser, live_server, seeded, app, size):  # noqa: F811
    loan, today = a_covered_loan(app, seeded)
    bank_client, bank = _api(app, seeded["institution"])
    page, errors = _page(browser, size)
    url = live_server + f"/institution/loans/{loan['id']}"
    page.goto(url)
    _sign_in(page, live_server, seeded["institution"])
    page.wait_for_url(url)
    # A repayment beyond what is owed is refused beside its field, what was typed kept; then a real one.
    page.fill("#paid_on", today)
    page.fill("#principal_cny", "1000001")
    page.fill("#interest_cny", "2875")
    page.get_by_role("button", name="登记还款").last.click()
    assert "还款本金超过未还本金 1,000,000 元" in page.locator("#principal_cny-feedback").inner_text()
    assert page.input_value("#interest_cny") == "2875"
    page.fill("#principal_cny", "100000")
    page.get_by_role("button", name="登记还款").last.click()
    page.wait_for_url(url)
    assert "还款已登记" in page.locator("[role=status]").inner_text()
    assert "本金 100,000 元" in page.get_by_test_id("repayments").inner_text()
    # The overdue event: the loan turns overdue and the claim card appears.
    page.fill("#since", today)
    page.fill("#overdue_principal_cny", "300000")
    page.get_by_role("button", name="登记逾期").last.click()
    page.wait_for_url(url)
    assert bank_client.get(f"/api/v1/loans/{loan['id']}", headers=bank).json["status"] == "overdue"
    page.fill("#loss_cny", "300000")
    page.get_by_role("button", name="提交补偿申请").click()
    page.wait_for_url(url)
    assert "已申请：损失 30 万元，补偿 24 万元" in page.get_by_test_id("claim").inner_text()
    page.screenshot(path=os.path.join(SCREENSHOTS, f"loan-officer-{size}.png"), full_page=True)
    # The overdue report raised a warning for this bank: handled with what was done.
    page.get_by_role("link", name="风险预警").first.click()
    page.wait_for_url(live_server + "/institution/risk-warnings")
    card = page.locator("[data-band]").filter(has_text="平台上有 1 笔贷款逾期").first
    assert card.is_visible()
    card.locator("textarea").fill("已电话联系企业负责人，约定下周上门核查")
    card.get_by_role("button", name="记录措施并关闭").click()
    page.wait_for_url(live_server + "/institution/risk-warnings")
    page.goto(live_server + "/institution/risk-warnings?status=handled")
    assert page.get_by_text("已电话联系企业负责人，约定下周上门核查").first.is_visible()
    page.screenshot(path=os.path.join(SCREENSHOTS, f"risk-warnings-{size}.png"), full_page=True)
    assert errors == []
    page.close()

    # The bureau pays money in, then approves the claim: the fund pays 24 万 and the loan is written off.
    page, errors = _page(browser, size)
    page.goto(live_server + "/admin/risk-fund")
    _sign_in(page, live_server, seeded["admin"])
    page.wait_for_url(live_server + "/admin/risk-fund")
    admin_client, admin = _api(app, seeded["admin"])
    before = admin_client.get("/api/v1/admin/risk-fund", headers=admin).json
    page.fill("#city_cny", "400000")
    page.fill("#district_cny", "600000")
    page.fill("#received_on", today)
    page.get_by_role("button", name="登记出资").click()
    page.wait_for_url(live_server + "/admin/risk-fund")
    claim = next(c for c in admin_client.get("/api/v1/admin/compensation-claims?status=submitted", headers=admin)
                 .json["items"] if c["loan_id"] == loan["id"])
    page.locator(f"form[action$='/claims/{claim['id']}/approve'] button").click()
    page.wait_for_url(live_server + "/admin/risk-fund")
    assert "已批准并支付" in page.locator("[role=status]").inner_text()
    after = admin_client.get("/api/v1/admin/risk-fund", headers=admin).json
    assert after["balance_cny"] == before["balance_cny"] + 1_000_000 - 240_000
    assert after["paid_cny"] == before["paid_cny"] + 240_000
    from matchmaker.filters import wan
    assert page.get_by_test_id("balance").inner_text() == wan(after["balance_cny"])
    assert admin_client.get(f"/api/v1/loans/{loan['id']}", headers=admin).json["status"] == "written_off"
    page.screenshot(path=os.path.join(SCREENSHOTS, f"risk-fund-{size}.png"), full_page=True)
    page.goto(live_server + "/admin/")
    book = admin_client.get("/api/v1/admin/stats", headers=admin).json["loan_book"]
    assert page.locator("[data-figure=outstanding_cny]").inner_text() == wan(book["outstanding_cny"])
    page.locator("#loan-book").scroll_into_view_if_needed()
    page.wait_for_selector("[data-chart=defaults_by_institution][data-rendered=true]")
    page.screenshot(path=os.path.join(SCREENSHOTS, f"loan-book-{size}.png"))
    assert errors == []
    page.close()
