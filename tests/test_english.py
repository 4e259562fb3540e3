"""English that is English: every page each role reaches, and every form those pages carry sent back
wrong, read in English; no Han character may remain outside proper names and what people typed.

What people typed is read from the database (every text column of every row), so the firm's, the
product's and the institution's names may stay Chinese; anything else Chinese on an English page is a
text the platform wrote and forgot to translate (a match reason, a timeline note, a notification, a
field message, a band of the unserved demand).
"""
from __future__ import annotations

import io
import re
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa

from models import User, db
from tests.test_access import world  # noqa: F401  (the fixture)
from tests.test_admin_ops import sign_in
from tests.test_fuzz_pages import forms_of, page_paths

# Han characters, and the Chinese punctuation an English reader should not meet either (、。（），：；「」).
HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff\u3001\u3002\uff08\uff09\uff0c\uff1a\uff1b\u300c\u300d]+")
# The way back to Chinese is named in Chinese on purpose, as every bilingual site does.
ALLOWED = ("中文", "简体")


# The columns people type into (or choose a place name for); every other text the platform writes.
TYPED = {"enterprises": ("name", "district", "contact_name", "legal_representative"), "institutions": ("name",),
         "financing_needs": ("purpose",), "products": ("name", "description"), "applications": ("reject_reason",),
         "documents": ("title", "filename"), "jobs": ("error",), "ip_assets": ("title", "number"),
         "equity_needs": ("use_of_funds", "highlights"), "risk_warnings": ("action",),
         "equity_interests": ("pass_reason",), "roadshows": ("title",), "roadshow_pitches": ("reason",),
         "policies": ("name", "summary", "legal_basis"), "entitlements": ("reason", "payee_account_name", "payee_bank")}


def typed_by_people(app) -> list[str]:
    """Every string people typed, as stored: names, purposes, descriptions, reasons written by hand."""
    values = set()
    with app.app_context():
        for table, names in TYPED.items():
            columns = [db.metadata.tables[table].c[name] for name in names]
            for row in db.session.execute(sa.select(*columns)):
                values.update(v for v in row if isinstance(v, str) and HAN.search(v))
    return sorted(values, key=len, reverse=True)


def stray_chinese(html: str, typed: list[str]) -> list[str]:
    for value in typed:
        html = html.replace(value, " ")
        html = html.replace(value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
                            .replace('"', "&#34;").replace("'", "&#39;"), " ")
    for allowed in ALLOWED:
        html = html.replace(allowed, " ")
    return [html[max(0, m.start() - 60):m.end() + 30].replace("\n", " ") for m in HAN.finditer(html)]


@pytest.fixture
def lived_in(app, world):  # noqa: F811
    """The world after a market's events: an approval and a disbursement, a rejection, an invitation, a
    withdrawn need; every kind of timeline note and notification exists once."""
    client = app.test_client()
    people, tokens = world["people"], world["tokens"]
    a, b = world["applications"]["A"], world["applications"]["B"]
    assert client.post(f"/api/v1/applications/{a}/decision", headers=tokens["X"], json={
        "decision": "approve", "approved_amount_cny": 1_500_000, "rate_pct": 4.2, "term_months": 12}).status_code == 200
    assert client.post(f"/api/v1/applications/{a}/disbursement", headers=tokens["X"],
                       json={"amount_cny": 1_200_000}).status_code == 200
    assert client.post(f"/api/v1/applications/{b}/decision", headers=tokens["Y"],
                       json={"decision": "reject", "reason": "insufficient_rating"}).status_code == 200
    spare = client.post("/api/v1/needs", json={"amount_cny": 900_000, "term_months": 6}, headers=tokens["B"]).json
    with app.app_context():
        from matchmaker.applications import decisions

        decisions.invite(actor=db.session.get(User, people["X"].id), product_id=world["products"]["X"],
                         need_id=spare["id"])
        db.session.commit()
    withdrawn = client.post("/api/v1/needs", json={"amount_cny": 800_000, "term_months": 6}, headers=tokens["A"]).json
    client.post("/api/v1/applications", json={"need_id": withdrawn["id"], "product_id": world["products"]["X"]},
                headers=tokens["A"])
    assert client.post(f"/api/v1/needs/{withdrawn['id']}/withdraw", headers=tokens["A"]).status_code == 200
    return world


def english_client(app, world, actor):  # noqa: F811
    client = app.test_client()
    if actor != "anon":
        sign_in(client, world["people"][actor])
    client.get("/lang/en")
    return client


def english_pages(app, world):  # noqa: F811
    """(actor, its client, path, page) for every page each role reaches, read in English."""
    for actor in ("anon", "A", "X", "admin"):
        client = english_client(app, world, actor)
        for path in page_paths(app, world, actor):
            if path == "/auth/logout":
                continue
            response = client.get(path)
            if response.status_code == 200 and response.mimetype == "text/html":
                yield actor, client, path, response


def test_every_page_reads_in_english(app, lived_in):
    typed = typed_by_people(app)
    strays, pages = [], 0
    for actor, _client, path, response in english_pages(app, lived_in):
        pages += 1
        strays += [(actor, path, s) for s in stray_chinese(response.get_data(as_text=True), typed)]
    assert pages >= 40
    assert strays == [], "\n".join(map(str, strays[:60]))


@pytest.mark.parametrize("value", ["", "abc"])
def test_every_form_sent_back_wrong_explains_itself_in_english(app, lived_in, value):
    typed = typed_by_people(app)
    strays, forms, seen = [], 0, set()
    for actor, client, path, page in english_pages(app, lived_in):
        for form in forms_of(page.get_data(as_text=True)):
            action = urlsplit(form["action"]).path or path
            key = (actor, action, tuple(sorted(form["fields"])))
            if form["method"] != "post" or "logout" in action or key in seen or not form["fields"]:
                continue
            seen.add(key)
            data = {name: (sample if name == "csrf_token" else value) for name, sample in form["fields"].items()}
            response = client.post(action, data=data, follow_redirects=True)
            forms += 1
            if response.mimetype == "text/html":
                strays += [(actor, action, s) for s in stray_chinese(response.get_data(as_text=True), typed)]
            if actor != "anon" and "/auth/login" in response.request.path:
                sign_in(client, lived_in["people"][actor])  # a form that ended the session: back in
                client.get("/lang/en")
    assert forms >= 15
    assert strays == [], "\n".join(map(str, strays[:60]))


def _send(client, page: str, action: str, data: dict, **extra):
    from tests.conftest import csrf_token

    token = csrf_token(client.get(page).get_data(as_text=True))
    return client.post(action, data={"csrf_token": token, **data}, **extra)


def test_what_the_rules_refuse_is_said_in_english(app, lived_in):
    """Past the form's own checks, the services' sentences: an approval outside the product's terms, a
    product whose minimum is above its maximum, a file that is not what its name says."""
    typed = typed_by_people(app)
    tokens, product = lived_in["tokens"], lived_in["products"]["X"]
    need = app.test_client().post("/api/v1/needs", json={"amount_cny": 700_000, "term_months": 6},
                                  headers=tokens["A"]).json
    application = app.test_client().post("/api/v1/applications", headers=tokens["A"], json={
        "need_id": need["id"], "product_id": product}).json["id"]
    officer, firm = english_client(app, lived_in, "X"), english_client(app, lived_in, "A")
    page = f"/institution/applications/{application}"
    answers = {
        "decision": _send(officer, page, f"{page}/decision", {
            "decision": "approve", "approved_amount": "600", "rate_pct": "9", "term_months": "48"}),
        "product": _send(officer, "/institution/products/new", "/institution/products/new", {
            "name": "Bridge loan", "kind": "credit_loan", "min_amount": "900", "max_amount": "100",
            "min_term_months": "3", "max_term_months": "12", "rate_min_pct": "4", "rate_max_pct": "6",
            "repayment_methods": "equal_installment", "min_credit_rating": "BBB"}),
        "document": _send(firm, "/enterprise/documents", "/enterprise/documents", {
            "kind": "business_license", "file": (io.BytesIO(b"MZ\x90\x00" + b"\x00" * 64), "licence.pdf")},
            content_type="multipart/form-data"),
    }
    expected = {
        "decision": ["The approved amount must be within the product&#39;s published CNY 100,000 to CNY 5.0 million",
                     "The annual rate must be within the product&#39;s published 3.65% to 5.5%",
                     "The term must be within the product&#39;s published 3 to 36 months"],
        "product": ["The minimum amount cannot be above the maximum"],
        "document": ["Only PDF, JPEG or PNG files are accepted"],
    }
    for name, response in answers.items():
        html = response.get_data(as_text=True)
        assert response.status_code == 422, (name, response.status_code)
        assert stray_chinese(html, typed) == [], name
        for sentence in expected[name]:
            assert sentence in html, (name, sentence, re.findall(r'id="(\w+)-feedback"[^>]*>\s*([^<]+)<', html))
