"""Accessibility: axe-core (vendored from the npm registry in tests/vendor/axe-core) run in Chromium on
every page type of every role, on a phone and a desktop: no serious or critical violation (WCAG 2 A and
AA: contrast, names, landmarks, ARIA). Also a skip link to the content on every page."""
from __future__ import annotations

import io
from pathlib import Path

import pytest

from tests.test_browser import browser, live_server, seeded  # noqa: F401  (fixtures)
from tests.test_documents import PDF

pytestmark = pytest.mark.browser
AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
SIZES = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 900}}
RUN_AXE = """async () => {
  const result = await axe.run(document, {resultTypes: ['violations']});
  return result.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
    .map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}));
}"""


def _world(app, seeded):  # noqa: F811
    """One of everything a page shows: a need with matches, an application with a document, a product."""
    client = app.test_client()

    def token(role):
        email, password = seeded[role]
        return {"Authorization": "Bearer " + client.post("/api/v1/auth/token", json={
            "email": email, "password": password}).json["token"]}

    owner, bank = token("enterprise"), token("institution")
    product = client.get("/api/v1/products?mine=true&limit=100", headers=bank).json["items"][0]
    client.patch(f"/api/v1/products/{product['id']}", headers=bank, json={
        "min_amount_cny": 100_000, "max_amount_cny": 10_000_000, "min_term_months": 1, "max_term_months": 60,
        "status": "active"})
    need = client.post("/api/v1/needs", json={"amount_cny": 800_000, "term_months": 12, "purpose": "研发"},
                       headers=owner).json
    paper = client.post("/api/v1/enterprise/documents", headers=owner, data={
        "kind": "business_license", "file": (io.BytesIO(PDF), "licence.pdf")}).json
    application = client.post("/api/v1/applications", headers=owner, json={
        "need_id": need["id"], "product_id": product["id"], "document_ids": [paper["id"]]}).json
    others = [p["id"] for p in client.get("/api/v1/products?limit=3").json["items"]]
    # The loans' pages: the firm's and the officer's first loan of the seeded history (a page of each kind).
    firm_loans = [f"/enterprise/loans/{loan['id']}" for loan in
                  client.get("/api/v1/loans?limit=1", headers=owner).json["items"]]
    bank_loans = [f"/institution/loans/{loan['id']}" for loan in
                  (client.get("/api/v1/loans?limit=1&status=overdue", headers=bank).json["items"]
                   or client.get("/api/v1/loans?limit=1", headers=bank).json["items"])]
    fund = token("fund")
    round_ = client.post("/api/v1/equity-needs", headers=owner, json={
        "round": "a", "amount_cny": 30_000_000, "pre_money_valuation_cny": 240_000_000, "use_of_funds": "扩产"}).json
    deals = [f"/institution/deals/{deal['id']}" for deal in client.get("/api/v1/interests", headers=fund).json[:1]]
    return {
        None: ["/", "/market", f"/market/products/{product['id']}", "/privacy", "/auth/login", "/auth/register",
               "/roadshows"],
        "enterprise": ["/account", "/enterprise/needs", "/enterprise/needs/new", f"/enterprise/needs/{need['id']}",
                       f"/enterprise/needs/{need['id']}/compare?" + "&".join(f"product={i}" for i in others),
                       "/enterprise/applications", f"/enterprise/applications/{application['id']}",
                       "/enterprise/profile", "/enterprise/credit-grade", "/enterprise/ip-assets", "/enterprise/documents",
                       "/enterprise/profile/views",
                       "/enterprise/notifications", "/account/password", "/account/notifications",
                       "/enterprise/loans", *firm_loans, "/enterprise/listing", "/enterprise/equity",
                       f"/enterprise/equity/{round_['id']}", "/enterprise/policies"],  # the demo firm has a past loan (seed/__init__.py)
        "institution": ["/account", "/institution/inbox", f"/institution/applications/{application['id']}",
                        "/institution/products", "/institution/products/new",
                        f"/institution/products/{product['id']}/leads", "/account/two-factor",
                        "/institution/loans", *bank_loans, "/institution/risk-warnings"],
        "admin": ["/account", "/admin/", "/admin/users", "/admin/institutions", "/admin/audit", "/admin/ranker",
                  "/admin/unserved", "/admin/import", "/admin/risk-fund", "/admin/listing", "/admin/roadshows",
                  "/admin/policies"],
        "fund": ["/account", "/institution/investor-profile", "/institution/deals", *deals, "/roadshows"],
    }


def sign_in_as(page, base: str, login: tuple[str, str]) -> None:
    """Sign in on the login page as a person does, and land on the account's home."""
    page.goto(base + "/auth/login")
    page.fill("#email", login[0])
    page.fill("#password", login[1])
    page.click("main button[type=submit]")
    page.wait_for_url(base + "/account")


@pytest.mark.parametrize("size", SIZES)
def test_no_page_has_a_serious_or_critical_accessibility_violation(browser, live_server, seeded, app, size):  # noqa: F811
    pages = _world(app, seeded)
    found, walked = {}, 0
    for role, paths in pages.items():
        # The pages' own CSP admits only their scripts; axe is the test's, so the context lets it in.
        context = browser.new_context(locale="zh-CN", viewport=SIZES[size], bypass_csp=True)
        page = context.new_page()
        if role:
            sign_in_as(page, live_server, seeded[role])
        for path in paths:
            response = page.goto(live_server + path)
            assert response.status == 200, (role, path, response.status)
            assert page.locator("a.skip-link[href='#main']").count() == 1 and page.locator("main#main").count() == 1
            page.add_script_tag(path=str(AXE))
            violations = page.evaluate(RUN_AXE)
            walked += 1
            if violations:
                found[(role, path)] = violations
        if role is None:  # a form shown again with its messages
            page.goto(live_server + "/auth/register")
            page.click("main button[type=submit]")
            page.wait_for_load_state()
            page.add_script_tag(path=str(AXE))
            if violations := page.evaluate(RUN_AXE):
                found[(role, "/auth/register (refused)")] = violations
        context.close()
    assert walked >= 30
    assert found == {}
