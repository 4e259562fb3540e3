"""The English walk in Chromium, on a phone and a desktop: every page type of every role over the seeded
market, read as a person reads it (the rendered text, after the scripts ran, and the words a screen reader
or a tooltip says), with no Han character outside what people typed and the names of places and firms."""
from __future__ import annotations

import os
import re

import pytest

from tests.test_accessibility import SIZES, _world, sign_in_as
from tests.test_browser import SCREENSHOTS, browser, live_server, seeded  # noqa: F401  (fixtures)
from tests.test_english import stray_chinese, typed_by_people

pytestmark = pytest.mark.browser
READ = """() => {
  const said = [...document.querySelectorAll('[placeholder], [title], [aria-label], img[alt]')]
    .map(e => [e.getAttribute('placeholder'), e.getAttribute('title'), e.getAttribute('aria-label'),
               e.getAttribute('alt')].filter(Boolean).join(' '));
  const charts = document.getElementById('chart-data');  // what the charts draw on their canvas
  const drawn = charts ? JSON.stringify(JSON.parse(charts.textContent)) : '';
  return document.body.innerText + '\\n' + said.join('\\n') + '\\n' + drawn;
}"""


@pytest.mark.parametrize("size", SIZES)
def test_every_page_type_reads_in_english_in_the_browser(browser, live_server, seeded, app, size):  # noqa: F811
    pages = _world(app, seeded)
    typed = typed_by_people(app)
    strays, walked = [], 0
    for role, paths in pages.items():
        context = browser.new_context(locale="en-GB", viewport=SIZES[size])
        page = context.new_page()
        errors = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))  # noqa: B023
        page.goto(live_server + "/lang/en")
        if role:
            sign_in_as(page, live_server, seeded[role])
        for path in paths:
            response = page.goto(live_server + path)
            assert response.status == 200, (role, path, response.status)
            assert page.locator("html").get_attribute("lang") == "en"
            page.wait_for_load_state("networkidle")
            strays += [(role, path, s) for s in stray_chinese(page.evaluate(READ), typed)]
            if role == "enterprise" and re.fullmatch(r"/enterprise/needs/\d+", path) \
                    or role == "institution" and path.startswith("/institution/applications/"):
                name = "english-matches" if role == "enterprise" else "english-officer-file"
                page.screenshot(path=os.path.join(SCREENSHOTS, f"{name}-{size}.png"), full_page=True)
            walked += 1
        assert errors == [], (role, errors)
        context.close()
    assert walked >= 30
    assert strays == [], "\n".join(map(str, strays[:40]))
