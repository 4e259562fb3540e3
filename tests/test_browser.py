"""Browser tests: Debian's Chromium driven by Playwright against a live server.

Outside CI a machine without Chromium skips only these tests, saying how to install it; in CI
(CI=true) a missing browser is a failure.
"""
from __future__ import annotations

import os
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
    assert page.get_by_text("企业画像").is_visible()
    assert page.get_by_text("我的融资需求").is_visible()
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
    page.get_by_role("link", name="English").click()
    assert page.get_by_text("Live market figures").is_visible()
    page.close()
