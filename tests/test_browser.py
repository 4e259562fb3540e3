"""Browser tests: Debian's Chromium driven by Playwright against a live server.

Outside CI a machine without Chromium skips only these tests, saying how to install it; in CI
(CI=true) a missing browser is a failure.
"""
from __future__ import annotations

import os
import re
import shutil
import threading

import pytest
from werkzeug.serving import make_server

from models import db
from seed import CREDENTIALS_FILE, load_market

pytestmark = pytest.mark.browser
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def browser():
    if not shutil.which(CHROMIUM):
        if os.environ.get("CI") == "true":
            pytest.fail(f"Chromium is missing at {CHROMIUM}; .ci/run installs it with apt-get")
        pytest.skip("Chromium not installed: run `apt-get install chromium fonts-noto-cjk` to run browser tests")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def live_server(app):
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture
def seeded(app, tmp_path):
    with app.app_context():
        load_market(enterprises=80, seed=11, credentials_path=tmp_path, progress=False)
    logins = {}
    for line in (tmp_path / CREDENTIALS_FILE).read_text(encoding="utf-8").splitlines():
        role, email, password = line.split("\t")
        logins[role] = (email, password)
    return logins


def test_seeded_enterprise_signs_in_and_sees_its_home_in_chinese(browser, live_server, seeded, app):
    from models import User

    email, password = seeded["enterprise"]
    with app.app_context():
        firm_name = db.session.query(User).filter_by(email=email).one().enterprise.name
    page = browser.new_page(locale="zh-CN", viewport={"width": 390, "height": 844})  # a phone
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: msg.type == "error" and errors.append(msg.text))
    page.goto(live_server + "/account")
    assert "/auth/login" in page.url
    page.fill("#email", email)
    page.fill("#password", password)
    page.click("button[type=submit]")
    page.wait_for_url(live_server + "/account")
    assert page.locator("html").get_attribute("lang") == "zh-CN"
    assert page.get_by_test_id("enterprise-name").inner_text() == firm_name
    assert page.get_by_role("heading", name="企业画像").is_visible()
    assert page.get_by_role("heading", name="我的融资需求").is_visible()
    # On a phone the menu folds away; the toggler opens it and shows the logout button.
    page.click(".navbar-toggler")
    logout = page.get_by_role("button", name="退出登录")
    page.wait_for_selector("#mainNav.show")  # Bootstrap's collapse has finished opening
    with page.expect_navigation(url=live_server + "/"):
        logout.click()
    assert page.get_by_text("您已安全退出").is_visible()
    assert errors == []  # no script errors and no resources blocked by the CSP
    page.close()


def test_landing_page_shows_live_figures_and_switches_to_english(browser, live_server, seeded):
    page = browser.new_page(locale="zh-CN")
    page.goto(live_server + "/")
    assert page.locator('[data-figure="enterprises"]').inner_text() == "80"
    assert page.locator('[data-figure="institutions"]').inner_text() == "34"
    with page.expect_navigation(url=live_server + "/"):  # through /lang/en and its redirect back
        page.get_by_role("link", name="English").click()
    assert page.get_by_text("Live market figures").is_visible()
    page.close()


SCREENSHOTS = os.path.join(os.path.dirname(__file__), os.pardir, "docs", "screenshots")


def test_enterprise_journey_register_publish_match_apply_follow(browser, live_server, seeded):
    """On a phone: register → publish a need → ranked matches with reasons → apply → timeline."""
    from models.uscc import check_character

    page = browser.new_page(locale="zh-CN", viewport={"width": 390, "height": 844})
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(live_server + "/auth/register")
    page.fill("#email", "owner@jinfeng-bio.cn")
    page.fill("#password", "金凤生物-2026-secure")
    page.fill("#password_confirm", "金凤生物-2026-secure")
    page.fill("#name", "重庆金凤生物医药有限公司")
    first17 = "91500107MA60K3P2X"
    page.fill("#uscc", first17 + check_character(first17))
    page.select_option("#industry", "life_health")
    page.select_option("#district", "九龙坡区")
    page.fill("#founded_on", "2014-03-18")
    page.fill("#employees", "160")
    page.fill("#annual_revenue", "8600")
    page.fill("#rd_ratio_pct", "12.5")
    page.fill("#ip_count", "26")
    page.select_option("#credit_rating", "AA")
    page.check("#certifications-high_tech_enterprise")
    page.check("#certifications-tech_sme")
    page.check("#has_collateral")
    page.fill("#contact_name", "刘金凤")
    page.fill("#contact_phone", "139 8888 0000")
    page.check("#accept_terms")
    page.click("main button[type=submit]")
    page.wait_for_url(live_server + "/account")
    assert page.get_by_test_id("enterprise-name").inner_text() == "重庆金凤生物医药有限公司"

    page.goto(live_server + "/enterprise/needs/new")
    page.fill("#amount", "500")
    page.fill("#term_months", "24")
    page.fill("#purpose", "新药临床试验与检测设备采购")
    page.check("#collateral_offered")
    page.click("main button[type=submit]")
    page.wait_for_url(re.compile(r".*/enterprise/needs/\d+$"))
    matches = page.get_by_test_id("match")
    assert matches.count() > 0
    assert "符合该产品全部准入条件" in matches.first.get_by_test_id("reasons").inner_text()
    scores = [int(s.rstrip("%")) for s in page.get_by_test_id("score").all_inner_texts()]
    assert scores == sorted(scores, reverse=True)
    assert set(page.get_by_test_id("band").all_inner_texts()) <= {"很可能", "较可能", "有一定机会", "可能性低"}
    assert page.locator("#sort option").all_inner_texts() == ["最可能获批", "综合成本最低", "最快答复"]
    # The cheapest first: the estimated costs (万) read off the cards are in order.
    page.select_option("#sort", "cost")
    page.get_by_role("button", name="筛选").click()
    page.wait_for_url(re.compile(r".*sort=cost.*"))
    costs = [float(re.match(r"\s*([\d.,]+)", text).group(1).replace(",", ""))
             for text in page.get_by_test_id("cost").all_inner_texts() if not text.startswith("不适用")]
    assert costs and costs == sorted(costs)
    page.select_option("#sort", "approval")
    page.get_by_role("button", name="筛选").click()
    page.wait_for_url(re.compile(r".*sort=approval.*"))
    os.makedirs(SCREENSHOTS, exist_ok=True)
    page.evaluate("document.getElementById('sort').scrollIntoView()")
    page.screenshot(path=os.path.join(SCREENSHOTS, "matches-phone.png"), full_page=False)

    product_name = matches.first.locator(".fw-bold").first.inner_text()
    with page.expect_navigation(url=re.compile(r".*/enterprise/applications/\d+$")):
        matches.first.get_by_role("button", name="一键申请").click()
    assert page.get_by_test_id("status").inner_text() == "已提交"
    assert "企业提交申请" in page.get_by_test_id("timeline").inner_text()
    assert product_name in page.locator("h1").inner_text()
    assert errors == []
    page.close()


def test_officer_journey_publish_open_approve_disburse(browser, live_server, seeded, app):
    """Officer logs in → publishes a product → opens an application → approves → records disbursement."""
    email, password = seeded["institution"]
    page = browser.new_page(locale="zh-CN", viewport={"width": 1280, "height": 900})
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(live_server + "/auth/login")
    page.fill("#email", email)
    page.fill("#password", password)
    page.click("main button[type=submit]")
    page.wait_for_url(live_server + "/account")

    page.goto(live_server + "/institution/products/new")
    page.fill("#name", "科学城知识产权快贷")
    page.select_option("#kind", "ip_pledge")
    page.fill("#min_amount", "50")
    page.fill("#max_amount", "2000")
    page.fill("#min_term_months", "6")
    page.fill("#max_term_months", "36")
    page.fill("#rate_min_pct", "3.8")
    page.fill("#rate_max_pct", "5.6")
    page.fill("#min_ip_count", "3")
    page.click("button[name=preview]")
    assert "符合该产品" in page.get_by_test_id("fit-count").inner_text()
    page.get_by_role("button", name="保存并发布").click()
    page.wait_for_url(live_server + "/institution/products")
    assert page.get_by_role("cell", name="科学城知识产权快贷").is_visible()

    # The demo firm applies to the new product through the API, as its own software would.
    api = app.test_client()
    owner, owner_password = seeded["enterprise"]
    token = api.post("/api/v1/auth/token", json={"email": owner, "password": owner_password}).json["token"]
    headers = {"Authorization": f"Bearer {token}"}
    need = api.post("/api/v1/needs", json={"amount_cny": 3_000_000, "term_months": 12}, headers=headers).json
    product_id = api.get("/api/v1/products?kind=ip_pledge&limit=100").json["items"][-1]["id"]
    assert api.post("/api/v1/applications", json={"need_id": need["id"], "product_id": product_id},
                    headers=headers).status_code == 201

    page.goto(live_server + "/institution/inbox?order=newest")
    page.get_by_test_id("inbox").wait_for()
    os.makedirs(SCREENSHOTS, exist_ok=True)
    page.screenshot(path=os.path.join(SCREENSHOTS, "inbox.png"), full_page=False)
    page.get_by_test_id("inbox").locator("a").first.click()
    page.wait_for_url(re.compile(r".*/institution/applications/\d+$"))
    assert page.get_by_test_id("status").inner_text() == "已提交"
    page.get_by_role("button", name="批准").click()
    page.wait_for_url(re.compile(r".*/institution/applications/\d+$"))
    assert page.get_by_test_id("status").inner_text() == "已批准"
    page.get_by_role("button", name="确认放款").click()
    page.wait_for_url(re.compile(r".*/institution/applications/\d+$"))
    assert page.get_by_test_id("status").inner_text() == "已放款"
    assert errors == []
    page.close()


@pytest.fixture
def full_market(app, tmp_path):
    """The market `make run` loads (5,928 firms), for the administrator's view of it."""
    with app.app_context():
        load_market(credentials_path=tmp_path, progress=False)
    role, email, password = next(line.split("\t") for line in (tmp_path / CREDENTIALS_FILE).read_text(
        encoding="utf-8").splitlines() if line.startswith("admin"))
    return email, password


def test_admin_dashboard_charts_csv_and_training(browser, live_server, full_market, tmp_path, celery_worker):
    """Admin signs in → the dashboard's charts render → downloads the CSV → trains the ranker."""
    email, password = full_market
    page = browser.new_page(locale="zh-CN", viewport={"width": 1280, "height": 900}, accept_downloads=True)
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: msg.type == "error" and errors.append(msg.text))
    page.goto(live_server + "/auth/login?next=/admin/")
    page.fill("#email", email)
    page.fill("#password", password)
    page.click("button[type=submit]")
    page.wait_for_url(live_server + "/admin/")
    assert page.locator('[data-figure="enterprises"]').inner_text() == "5,928"
    page.wait_for_selector('[data-chart="monthly"][data-rendered="true"] canvas')
    # monthly, by kind, by industry, by institution, and the default rate of what each lender lent
    assert page.locator("[data-chart][data-rendered=true] canvas").count() == 6
    assert page.locator('[data-chart="defaults_by_institution"][data-rendered="true"] canvas').count() == 1
    page.fill("#period-from", "2021-01-01")
    page.fill("#period-to", "2021-12-31")
    page.get_by_role("button", name="查询").click()
    page.wait_for_url(re.compile(r".*from=2021-01-01&to=2021-12-31"))
    page.wait_for_selector('[data-chart="monthly"][data-finished="true"] canvas')  # animation over
    page.screenshot(path=os.path.join(SCREENSHOTS, "dashboard.png"), full_page=True)
    with page.expect_download() as download:
        page.get_by_role("link", name="导出 CSV").click()
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    content = saved.read_bytes()
    assert saved.name == "matchmaker-stats-2021-01-01-2021-12-31.csv" and content.startswith(b"\xef\xbb\xbf")
    assert "促成融资（元）" in content.decode("utf-8-sig")
    page.get_by_role("link", name="匹配模型").click()
    assert page.locator("#active-version").inner_text().startswith("当前没有启用的模型")
    page.get_by_role("button", name="训练新模型").click()
    # The job runs on the worker; the page follows its steps and, once it is done, shows the outcome.
    page.wait_for_selector("#train-progress")
    assert "训练已开始" in page.locator(".alert").first.inner_text()
    page.wait_for_selector("#train-progress p:has-text(' s')")
    page.wait_for_selector("#last-training.alert-success", timeout=120_000)
    assert "已训练并启用" in page.locator("#last-training").inner_text()
    assert page.locator("#active-version").inner_text().startswith("additive-")
    assert "推荐排序" in page.get_by_test_id("plain-words").inner_text()  # in words first
    page.locator("#technical summary").click()  # the engineers' figures one click away
    page.wait_for_selector('[data-chart="metrics"][data-rendered="true"] canvas')
    assert page.locator('[data-chart="metrics"] canvas').first.bounding_box()["width"] > 200
    page.wait_for_selector('[data-chart="reliability"][data-rendered="true"] canvas')
    # History import: an oversized file is stopped before it is sent; a small one is uploaded with
    # progress and its bad line reported in place.
    page.get_by_role("link", name="历史数据导入").click()
    page.set_input_files("#file", files=[{"name": "big.csv", "mimeType": "text/csv", "buffer": b"x" * (17 * 2**20)}])
    page.get_by_role("button", name="上传并导入").click()
    assert "超过 16 MB" in page.locator("#file + .invalid-feedback").inner_text()
    header = ("uscc,enterprise_name,industry,founded_on,employees,annual_revenue_cny,rd_ratio_pct,ip_count,"
              "certifications,credit_rating,has_collateral,product_id,amount_cny,term_months,decision,"
              "approved_amount_cny,rate_pct,decided_on")
    rows = [header, "91500107MA61HXT70X,坏行,next_gen_it,2015-03-01,5,100,1,1,,A,false,1,200000,12,rejected,,,2021-05-01"]
    page.set_input_files("#file", files=[{"name": "h.csv", "mimeType": "text/csv",
                                          "buffer": "\n".join(rows).encode()}])
    page.get_by_role("button", name="上传并导入").click()
    page.wait_for_selector("#import-result")
    assert page.locator("#rejected-rows td").first.inner_text() == "2"
    assert errors == []
    page.close()


def _fits(page) -> bool:
    """Nothing wider than the screen: a phone never scrolls sideways."""
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def _sign_in(browser, live_server, login, viewport):
    page = browser.new_page(locale="zh-CN", viewport=viewport)
    page.goto(live_server + "/auth/login")
    page.fill("#email", login[0])
    page.fill("#password", login[1])
    page.click("main button[type=submit]")
    page.wait_for_url(re.compile(r".*/(account|admin/)$"))
    return page


PHONE, DESKTOP = {"width": 390, "height": 844}, {"width": 1280, "height": 900}


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_destructive_actions_ask_first_and_the_account_pages_fit(browser, live_server, seeded, app, viewport,
                                                                  tmp_path):
    """A firm withdraws a need through its confirmation page (cancel first, then confirm), marks its messages
    read and meets the password page's checks; an officer's invitation turns into 已邀请; the administrator's
    停用 asks first. Screenshots of each page go to WALK_SCREENSHOTS (or a temporary folder)."""
    shots = os.environ.get("WALK_SCREENSHOTS") or str(tmp_path)
    os.makedirs(shots, exist_ok=True)
    size = "phone" if viewport is PHONE else "desktop"
    api = app.test_client()

    def bearer(login):
        token = api.post("/api/v1/auth/token", json={"email": login[0], "password": login[1]}).json["token"]
        return {"Authorization": f"Bearer {token}"}

    owner, bank = bearer(seeded["enterprise"]), bearer(seeded["institution"])
    product = api.post("/api/v1/products", headers=bank, json={
        "name": "科创快贷", "kind": "credit_loan", "min_amount_cny": 100_000, "max_amount_cny": 9_000_000,
        "min_term_months": 3, "max_term_months": 36, "rate_min_pct": 3.5, "rate_max_pct": 6.0}).json
    need = api.post("/api/v1/needs", json={"amount_cny": 3_000_000, "term_months": 12}, headers=owner).json
    application = api.post("/api/v1/applications", json={"need_id": need["id"], "product_id": product["id"]},
                           headers=owner).json
    api.post(f"/api/v1/applications/{application['id']}/decision", headers=bank,
             json={"decision": "reject", "reason": "quota_full"})
    second = api.post("/api/v1/needs", json={"amount_cny": 2_000_000, "term_months": 12}, headers=owner).json
    api.post("/api/v1/applications", json={"need_id": second["id"], "product_id": product["id"]}, headers=owner)

    page = _sign_in(browser, live_server, seeded["enterprise"], viewport)
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(f"{live_server}/enterprise/needs/{second['id']}")
    page.get_by_role("button", name="撤回需求").click()
    confirm = page.get_by_test_id("confirm")
    assert "1 个进行中的申请将一并撤回" in confirm.inner_text() and _fits(page)
    page.screenshot(path=os.path.join(shots, f"confirm-withdraw-{size}.png"))
    page.get_by_role("link", name="取消，返回").click()
    page.wait_for_url(f"{live_server}/enterprise/needs/{second['id']}")
    assert page.get_by_role("button", name="撤回需求").is_visible()  # still open
    page.get_by_role("button", name="撤回需求").click()
    with page.expect_navigation(url=f"{live_server}/enterprise/needs"):
        page.get_by_role("button", name="确认撤回需求").click()
    assert api.get(f"/api/v1/needs/{second['id']}", headers=owner).json["status"] == "withdrawn"

    page.goto(f"{live_server}/enterprise/notifications")
    assert page.locator(".list-group-item.fw-bold").count() >= 1 and _fits(page)
    page.screenshot(path=os.path.join(shots, f"notifications-{size}.png"))
    page.get_by_role("button", name="全部标为已读").click()
    page.wait_for_url(f"{live_server}/enterprise/notifications")
    assert page.locator(".list-group-item.fw-bold").count() == 0
    assert page.get_by_role("button", name="全部标为已读").count() == 0

    page.goto(f"{live_server}/account/password")

    def change(current, new, again):
        page.fill("#current", current)
        page.fill("#password", new)
        page.fill("#password_confirm", again)
        with page.expect_navigation():
            page.click("main button[type=submit]")
        return " ".join(t for t in page.locator(".invalid-feedback").all_inner_texts() if t.strip())

    assert change(seeded["enterprise"][1], "新的密码-2026-secure", "另一个密码-2026-secure") == "两次输入的密码不一致"
    assert change("not-my-password", "新的密码-2026-secure", "新的密码-2026-secure") == "当前密码不正确"
    assert page.input_value("#password") == "" and page.input_value("#current") == ""  # secrets never echoed
    assert _fits(page)
    page.screenshot(path=os.path.join(shots, f"password-{size}.png"), full_page=True)
    assert errors == []
    page.close()

    officer = _sign_in(browser, live_server, seeded["institution"], viewport)
    officer.goto(f"{live_server}/institution/products/{product['id']}/leads")
    leads = officer.get_by_test_id("lead")
    assert leads.count() > 0
    before = officer.get_by_test_id("invited").count()
    with officer.expect_navigation():
        leads.get_by_role("button", name="邀请申请").first.click()
    officer.goto(f"{live_server}/institution/products/{product['id']}/leads")
    assert officer.get_by_test_id("invited").count() == before + 1 and _fits(officer)
    officer.screenshot(path=os.path.join(shots, f"leads-{size}.png"))
    officer.close()

    admin = _sign_in(browser, live_server, seeded["admin"], viewport)
    admin.goto(f"{live_server}/admin/users?q={seeded['enterprise'][0]}")
    admin.get_by_role("button", name="停用").first.click()
    assert "停用" in admin.get_by_test_id("confirm").inner_text() and _fits(admin)
    admin.screenshot(path=os.path.join(shots, f"confirm-disable-{size}.png"))
    admin.get_by_role("link", name="取消，返回").click()
    assert api.get("/api/v1/enterprise", headers=owner).status_code == 200  # cancelled: still active
    admin.close()
