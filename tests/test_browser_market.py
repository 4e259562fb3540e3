"""Browser tests of issue 15's journeys, on a phone and a desktop: the product supermarket to a product's
page and 申请 with a document; the comparison with full terms and a fourth product refused; the officer's
file with the firm's contact and documents. Debian's Chromium driven by Playwright (tests/test_browser.py)."""
from __future__ import annotations

import io
import os
import re

import pytest

from tests.test_browser import SCREENSHOTS, browser, live_server, seeded  # noqa: F401  (fixtures)
from tests.test_documents import PDF

pytestmark = pytest.mark.browser
SIZES = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 900}}


def _page(browser, size):  # noqa: F811
    page = browser.new_page(locale="zh-CN", viewport=SIZES[size])
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: msg.type == "error" and "status of 4" not in msg.text and errors.append(msg.text))
    return page, errors


def _api(app, login):
    client = app.test_client()
    token = client.post("/api/v1/auth/token", json={"email": login[0], "password": login[1]}).json["token"]
    return client, {"Authorization": f"Bearer {token}"}


def _sign_in(page, base, login):
    page.fill("#email", login[0])
    page.fill("#password", login[1])
    page.click("main button[type=submit]")


@pytest.mark.parametrize("size", SIZES)
def test_catalogue_to_a_product_page_to_applying(browser, live_server, seeded, app, size):  # noqa: F811
    client, owner = _api(app, seeded["enterprise"])
    client.post("/api/v1/needs", json={"amount_cny": 1_500_000, "term_months": 12, "purpose": "购置检测设备"},
                       headers=owner).json
    client.post("/api/v1/enterprise/documents", headers=owner,
                data={"kind": "business_license", "title": "营业执照", "file": (io.BytesIO(PDF), "licence.pdf")})
    page, errors = _page(browser, size)
    page.goto(live_server + "/")
    page.get_by_role("link", name="信用贷款").first.click()
    page.wait_for_url(re.compile(r".*/market\?kind=credit_loan$"))
    cards = page.get_by_test_id("product")
    assert cards.count() > 0 and "共" in page.get_by_test_id("total").inner_text()
    page.fill("#f-amount", "三百万")
    page.click("form[role=search] button[type=submit]")
    assert page.locator("#f-amount-feedback").inner_text().startswith("金额须为")
    assert page.input_value("#f-amount") == "三百万"  # kept as typed
    page.fill("#f-amount", "150")
    page.fill("#f-term", "12")
    page.click("form[role=search] button[type=submit]")
    page.wait_for_url(re.compile(r".*amount=150.*"))
    if size == "desktop":
        os.makedirs(SCREENSHOTS, exist_ok=True)
        page.screenshot(path=os.path.join(SCREENSHOTS, "market.png"), full_page=False)
    first = page.get_by_test_id("product").first.locator("a")
    name = first.inner_text()
    first.click()
    page.wait_for_url(re.compile(r".*/market/products/\d+$"))
    assert page.get_by_role("heading", level=1).inner_text() == name
    assert "还款方式" in page.get_by_test_id("terms").inner_text()
    assert page.get_by_test_id("requirements").locator("li").count() >= 2
    assert "%" in page.get_by_test_id("approval-rate").inner_text() or "—" in page.get_by_test_id(
        "approval-rate").inner_text()
    page.get_by_role("link", name="登录后申请").click()
    _sign_in(page, live_server, seeded["enterprise"])
    page.wait_for_url(re.compile(r".*/market/products/\d+$"))  # back where the firm was
    fit = page.get_by_test_id("fit").filter(has_text="购置检测设备")
    if size == "phone":
        page.screenshot(path=os.path.join(SCREENSHOTS, "product-phone.png"), full_page=True)
    if fit.locator("button").count() == 0:
        pytest.fail(f"the seeded firm does not fit {name}: {fit.inner_text()}")
    fit.get_by_label("营业执照").check()
    fit.get_by_role("button", name="立即申请").click()
    page.wait_for_url(re.compile(r".*/enterprise/applications/\d+$"))
    assert "申请已提交" in page.get_by_role("status").first.inner_text()
    assert page.locator("#documents input[name=document]").first.is_checked()
    assert errors == []
    page.close()


@pytest.mark.parametrize("size", SIZES)
def test_the_comparison_shows_full_terms_and_refuses_a_fourth(browser, live_server, seeded, app, size):  # noqa: F811
    client, owner = _api(app, seeded["enterprise"])
    need = client.post("/api/v1/needs", json={"amount_cny": 1_000_000, "term_months": 12}, headers=owner).json
    page, errors = _page(browser, size)
    page.goto(live_server + "/auth/login")
    _sign_in(page, live_server, seeded["enterprise"])
    page.wait_for_url(live_server + "/account")
    page.goto(f"{live_server}/enterprise/needs/{need['id']}?all=1")
    boxes = page.locator("input[name=product]")
    assert boxes.count() >= 4
    for i in range(3):
        boxes.nth(i).check()
    boxes.nth(3).click()
    assert not boxes.nth(3).is_checked()
    assert "最多同时比较 3 个产品" in page.locator("#compare-full").inner_text()
    page.get_by_role("button", name="比较所选产品（最多 3 个）").click()
    page.wait_for_url(re.compile(r".*/compare\?.*"))
    table = page.get_by_test_id("comparison")
    for row in ("额度", "期限", "还款方式", "申请条件", "在线申请"):
        assert table.get_by_role("rowheader", name=row).is_visible() or size == "phone"
    assert page.get_by_test_id("amount-range").count() == 3 and page.get_by_test_id("repayment").count() == 3
    assert page.get_by_test_id("compare-apply").count() == 3
    assert errors == []
    page.close()


@pytest.mark.parametrize("size", SIZES)
def test_an_officer_opens_a_file_with_contact_and_documents(browser, live_server, seeded, app, size):  # noqa: F811
    client, owner = _api(app, seeded["enterprise"])
    _bank_client, bank = _api(app, seeded["institution"])
    product = client.get("/api/v1/products?mine=true&limit=100", headers=bank).json["items"][0]
    product = client.patch(f"/api/v1/products/{product['id']}", headers=bank, json={
        "min_amount_cny": 100_000, "max_amount_cny": 10_000_000, "min_term_months": 1, "max_term_months": 60,
        "status": "active"}).json
    need = client.post("/api/v1/needs", json={"amount_cny": 800_000, "term_months": 12, "purpose": "支付研发人员工资"},
                       headers=owner).json
    paper = client.post("/api/v1/enterprise/documents", headers=owner, data={
        "kind": "financial_statements", "title": "2024–2025 年财务报表", "file": (io.BytesIO(PDF), "fs.pdf")}).json
    application = client.post("/api/v1/applications", headers=owner, json={
        "need_id": need["id"], "product_id": product["id"], "document_ids": [paper["id"]]}).json
    firm = client.get("/api/v1/enterprise", headers=owner).json
    page, errors = _page(browser, size)
    page.goto(live_server + "/auth/login")
    _sign_in(page, live_server, seeded["institution"])
    page.wait_for_url(live_server + "/account")
    page.goto(f"{live_server}/institution/applications/{application['id']}")
    assert "支付研发人员工资" in page.get_by_test_id("purpose").inner_text()
    contact = page.get_by_test_id("contact").inner_text()
    assert firm["contact_name"] in contact and firm["contact_phone"] in contact
    documents = page.get_by_test_id("documents")
    assert "2024–2025 年财务报表" in documents.inner_text()
    if size == "desktop":
        page.screenshot(path=os.path.join(SCREENSHOTS, "officer-file.png"), full_page=True)
    with page.context.expect_page() as opened:
        documents.get_by_role("link", name="2024–2025 年财务报表").click()
    document = opened.value
    document.wait_for_load_state()
    assert re.search(rf"/documents/{paper['id']}$", document.url)
    fetched = page.request.get(document.url)
    assert fetched.status == 200 and fetched.headers["content-type"] == "application/pdf"
    assert errors == []
    page.close()
