"""Access control, walked exhaustively: every route of ``app.url_map``, as an anonymous visitor, as each
wrong role, and as the right role reaching for another tenant's objects. Nothing may answer with data.

The policy below is the contract's table written once more, by endpoint; a route added without a line
here fails the walk, so a new route's access is decided on purpose.
"""
import collections
import datetime as dt
import io
import re
from zoneinfo import ZoneInfo

import pytest

from models import Job, db
from tests.conftest import csrf_token
from tests.test_admin_ops import sign_in
from tests.test_api import token_for
from tests.test_documents import PDF
from tests.test_institution import PRODUCT

ANYONE = "anyone"
SIGNED_IN = "signed-in"
E, I, A = "enterprise", "institution", "admin"
# endpoint → who may use it (on their own objects). Admin-only and page areas are added by prefix.
TODAY = dt.datetime.now(ZoneInfo("Asia/Shanghai")).date().isoformat()  # the platform's day (the loans were lent on it)
POLICY = {
    "public.index": ANYONE, "public.healthz": ANYONE, "public.switch_language": ANYONE, "auth.login": ANYONE,
    "registration.register": ANYONE, "api_enterprise.register": ANYONE, "api_auth.token": ANYONE,
    "api_products.catalogue": ANYONE, "api_products.get_product": ANYONE, "market.catalogue": ANYONE,
    "market.product": ANYONE, "public.privacy": ANYONE, "api-docs.openapi_json": ANYONE,
    "auth.logout": ANYONE,  # signing out when not signed in just goes home
    "auth.account": SIGNED_IN, "auth.two_factor_setup": SIGNED_IN, "auth.password_change": SIGNED_IN, "auth.notification_settings": SIGNED_IN, "auth.second_factor": ANYONE, "api_auth.logout": SIGNED_IN, "api_auth.me": SIGNED_IN,
    "api_enterprise.get_enterprise": {E}, "api_enterprise.patch_enterprise": {E},
    "api_needs.create_need": {E}, "api_needs.list_needs": {E, A}, "api_needs.get_need": {E, A},
    "api_matching.need_matches": {E, A}, "api_needs.withdraw_need": {E},
    "api_applications.create_application": {E}, "api_applications.list_applications": {E, I, A},
    "api_applications.get_application": {E, I, A}, "api_applications.withdraw_application": {E},
    "api_applications.decide": {I}, "api_applications.disburse": {I}, "api_products.create_product": {I},
    "api_products.update_product": {I}, "api_matching.leads": {I},
    "api_documents.list_documents": {E}, "api_documents.upload_document": {E}, "api_documents.get_document": {E},
    "api_documents.read_document": {E}, "api_documents.delete_document": {E}, "api_documents.list_shared": {E, I},
    "api_documents.share_documents": {E}, "api_documents.read_shared": {E, I}, "api_credit.credit_grade": {E},
    "api_credit.list_ip_assets": {E}, "api_credit.create_ip_asset": {E}, "api_credit.delete_ip_asset": {E},
    "api_loans.list_loans": {E, I, A}, "api_loans.get_loan": {E, I, A}, "api_loans.create_repayment": {I},
    "api_loans.report_overdue": {I}, "api_loans.create_claim": {I}, "api_loans.create_recovery": {I},
    "api_loans.list_warnings": {I, A}, "api_loans.handle_warning": {I},
    "api_listing.readiness": {E}, "api_listing.get_facts": {E}, "api_listing.put_facts": {E},
    "api_equity.get_profile": {I}, "api_equity.put_profile": {I},  # a fund manager's: a bank's is refused (403)
    "api_equity.create_equity_need": {E}, "api_equity.list_equity_needs": {E}, "api_equity.get_equity_need": {E},
    "api_equity.withdraw_equity_need": {E}, "api_equity.investors": {E}, "api_equity.deal_flow": {I},
    "api_equity.express_interest": {I}, "api_equity.list_interests": {I}, "api_equity.move_interest": {I},
    "api_equity.list_roadshows": ANYONE, "roadshows.index": ANYONE, "api_equity.apply_to_pitch": {E},
    "api_equity.reserve_seat": {I}, "api_policy.list_policies": ANYONE, "api_policy.list_entitlements": {E},
    "api_policy.claim_entitlement": {E},
}
# A fund manager's (股权投资机构): the institution walking the routes is a bank, refused as one (403) whatever it
# names; another fund's deal is 404 (tests/test_equity_deals.py, tests/test_equity_pages.py).
FUND_ONLY = {"api_equity.get_profile", "api_equity.put_profile", "api_equity.deal_flow", "api_equity.express_interest",
             "api_equity.list_interests", "api_equity.move_interest", "api_equity.reserve_seat", "investor.profile",
             "investor.deals", "investor.express", "investor.deal", "investor.plan", "investor.seat"}
PREFIX_ROLES = (("/enterprise/", {E}), ("/institution/", {I}), ("/admin/", {A}), ("/api/v1/admin/", {A}))


def roles_for(rule) -> str | set:
    if rule.endpoint in POLICY:
        return POLICY[rule.endpoint]
    for prefix, roles in PREFIX_ROLES:
        if rule.rule.startswith(prefix):
            return roles
    raise AssertionError(f"{rule.rule} ({rule.endpoint}) has no access policy in tests/test_access.py")


@pytest.fixture
def world(client, make_user):
    """Two firms and two institutions, each with its own objects; an administrator."""
    people = {"A": make_user(E, share_in_leads=True), "B": make_user(E, share_in_leads=True),
              "X": make_user(I), "Y": make_user(I), "admin": make_user(A)}
    tokens = {k: token_for(client, u.email, u.password) for k, u in people.items()}
    products = {k: client.post("/api/v1/products", json=PRODUCT, headers=tokens[k]).json["id"] for k in "XY"}
    needs = {k: client.post("/api/v1/needs", json={"amount_cny": 2_000_000, "term_months": 12},
                            headers=tokens[k]).json["id"] for k in "AB"}
    applications = {
        k: client.post("/api/v1/applications", json={"need_id": needs[k], "product_id": products[p]},
                       headers=tokens[k]).json["id"] for k, p in (("A", "X"), ("B", "Y"))}
    documents = {}
    for k in "AB":  # each firm's document, shared with its application's institution
        documents[k] = client.post("/api/v1/enterprise/documents", headers=tokens[k], data={
            "kind": "business_license", "file": (io.BytesIO(PDF), "licence.pdf")}).json["id"]
        assert client.put(f"/api/v1/applications/{applications[k]}/documents", headers=tokens[k],
                          json={"document_ids": [documents[k]]}).status_code == 200
    assets = {k: client.post("/api/v1/enterprise/ip-assets", headers=tokens[k], json={
        "kind": "invention_patent", "number": f"ZL 2020 1 000000{n}.1", "title": "一种检测装置",
        "granted_on": "2021-03-01", "expires_on": "2040-03-01"}).json["id"] for n, k in enumerate("AB")}
    loans = {}
    for k, bank in (("A", "X"), ("B", "Y")):  # each firm's loan from its own bank, on a second need
        need = client.post("/api/v1/needs", json={"amount_cny": 1_000_000, "term_months": 12},
                           headers=tokens[k]).json["id"]
        lent = client.post("/api/v1/applications", json={"need_id": need, "product_id": products[bank]},
                           headers=tokens[k]).json["id"]
        assert client.post(f"/api/v1/applications/{lent}/decision", headers=tokens[bank], json={
            "decision": "approve", "approved_amount_cny": 1_000_000, "rate_pct": 4.2, "term_months": 12}).status_code == 200
        assert client.post(f"/api/v1/applications/{lent}/disbursement", headers=tokens[bank],
                           json={"amount_cny": 1_000_000}).status_code == 200
        loans[k] = client.get("/api/v1/loans", headers=tokens[k]).json["items"][0]["id"]
    rounds = {k: client.post("/api/v1/equity-needs", headers=tokens[k], json={
        "round": "a", "amount_cny": 10_000_000, "pre_money_valuation_cny": 100_000_000, "use_of_funds": "扩产"}).json["id"]
        for k in "AB"}
    warnings = {}
    for k, bank in (("A", "X"), ("B", "Y")):  # each loan reported overdue: a risk warning for its bank
        assert client.post(f"/api/v1/loans/{loans[k]}/overdue", headers=tokens[bank],
                           json={"since": TODAY, "overdue_principal_cny": 1}).status_code == 200
        warnings[k] = client.get("/api/v1/risk-warnings", headers=tokens[bank]).json["items"][0]["id"]
    roadshow = client.post("/api/v1/admin/roadshows", headers=tokens["admin"], json={
        "title": "访问测试路演", "held_on": TODAY, "capacity": 5}).json["id"]
    with client.application.app_context():  # a finished training, for the job routes
        job = Job(kind="ranker.train", status="failed", progress=0.1, params={}, attempts=1, error="测试")
        db.session.add(job)
        db.session.commit()
        job_id = job.id
    return {"people": people, "tokens": tokens, "products": products, "needs": needs, "applications": applications,
            "job": job_id, "documents": documents, "assets": assets, "loans": loans,
            "warnings": warnings, "rounds": rounds, "roadshow": roadshow}


def foreign_ids(world, actor: str) -> dict:
    """The ids an actor must not reach: the other firm's, the other institution's."""
    firm, bank = ("B", "Y") if actor in ("A", "X", "anon", "admin") else ("A", "X")
    return {"need_id": world["needs"][firm], "application_id": world["applications"][firm],
            "product_id": world["products"][bank], "institution_id": world["people"][bank].institution_id,
            "user_id": world["people"][firm].id, "code": "en", "job_id": world["job"],
            "document_id": world["documents"][firm], "asset_id": world["assets"][firm], "loan_id": world["loans"][firm],
            "claim_id": 999_999, "decision": "approve", "warning_id": world["warnings"][firm],
            "enterprise_id": world["people"][firm].enterprise_id, "equity_need_id": world["rounds"][firm],
            "interest_id": 999_999, "roadshow_id": world["roadshow"], "pitch_id": 999_999, "entitlement_id": 999_999,
            "policy_id": 999_999}


def routes(app):
    # Logging out revokes the actor's token, so those routes are walked last.
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: ("logout" in r.rule, r.rule)):
        if rule.endpoint == "static":
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule, method


def fill(rule, ids) -> str:
    return re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(ids[m.group(1)]), rule.rule)


def call(app, world, actor, rule, method):
    client = app.test_client()
    path = fill(rule, foreign_ids(world, actor))
    if path.startswith("/api/"):
        headers = {} if actor == "anon" else world["tokens"][actor]
        body = BODIES.get(rule.endpoint, {})
        if rule.endpoint == "api_applications.create_application":
            ids = foreign_ids(world, actor)
            body = {"need_id": ids["need_id"], "product_id": ids["product_id"]}
        if rule.endpoint == "api_equity.apply_to_pitch":  # to pitch the other firm's round
            body = {"equity_need_id": foreign_ids(world, actor)["equity_need_id"]}
        return client.open(path, method=method, headers=headers, json=body)
    if actor != "anon":
        sign_in(client, world["people"][actor])
    data = None
    if method == "POST":
        page = "/auth/login" if actor == "anon" else "/account"  # both carry a form with the token
        data = {"csrf_token": csrf_token(client.get(page).get_data(as_text=True))}
    return client.open(path, method=method, data=data)


ACTORS = {"anon": None, "A": E, "X": I, "admin": A}
# Valid bodies, so a request reaches the ownership check instead of stopping at validation.
BODIES = {
    "api_applications.decide": {"decision": "approve", "approved_amount_cny": 1_000_000, "rate_pct": 4.2,
                               "term_months": 12},
    "api_applications.disburse": {"amount_cny": 500_000},
    "api_products.update_product": {"status": "paused"},
    "api_documents.share_documents": {"document_ids": []},
    "api_loans.create_repayment": {"paid_on": "2026-12-01", "principal_cny": 1, "interest_cny": 0},
    "api_loans.report_overdue": {"since": "2026-12-01", "overdue_principal_cny": 1},
    "api_loans.create_claim": {"loss_cny": 1},
    "api_loans.create_recovery": {"amount_cny": 1, "recovered_on": "2026-12-01"},
    "api_loans.handle_warning": {"action": "已核查"},
    "api_equity.move_interest": {"stage": "meeting"},
    "api_equity.put_profile": {"stages": ["a"], "min_ticket_cny": 1, "max_ticket_cny": 2, "fund_size_cny": 3},
    "api_policy.claim_entitlement": {"payee_account_name": "某某公司", "payee_account_no": "12345678",
                                     "payee_bank": "某某银行"},
    "api_applications.create_application": None,  # filled with the other firm's need below
}


def test_every_route_refuses_the_wrong_role_and_hides_other_tenants(app, world):
    walked, seen = 0, collections.Counter()
    for rule, method in routes(app):
        allowed = roles_for(rule)
        for actor, role in ACTORS.items():
            response = call(app, world, actor, rule, method)
            status = response.status_code
            where = (actor, method, rule.rule, status, response.get_data(as_text=True)[:200])
            assert status < 500, where
            walked += 1
            seen[status] += 1
            if allowed == ANYONE or role == A and (allowed == SIGNED_IN or A in allowed):
                continue  # may use it; the administrator sees every tenant
            if role is None:
                if allowed == SIGNED_IN or isinstance(allowed, set):
                    expected = {401} if rule.rule.startswith("/api/") else {302}
                    assert status in expected, where
                    if status == 302:
                        assert "/auth/login" in response.headers["Location"], where
                continue
            if allowed == SIGNED_IN:
                continue
            if rule.endpoint in FUND_ONLY and actor == "X":
                assert status == 403, where
                continue
            if role not in allowed:
                assert status == 403, where
            elif rule.arguments and not rule.arguments <= {"roadshow_id"} or rule.endpoint in (
                    "api_applications.create_application", "api_equity.apply_to_pitch"):
                # The right role reaching for another tenant's object: as if it did not exist.
                assert status == 404, where
    assert walked == 4 * len(list(routes(app))) >= 4 * 85
    assert seen[403] >= 60 and seen[404] >= 15 and seen[401] >= 30 and seen[302] >= 30, seen
