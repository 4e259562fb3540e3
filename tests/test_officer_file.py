"""The officer's file of an application: the need as the firm wrote it, the platform's match reasons,
the firm's collateral as its profile says it; the workbench's overdue applications, waiting time in
days and hours, and one look at a firm recorded once however often the page is reloaded."""
from __future__ import annotations

import datetime as dt
import re

import pytest
import sqlalchemy as sa

from models import Application, AuditEvent, db, now_utc
from tests.conftest import csrf_token
from tests.rule_helpers import use_cheap_argon2
from tests.test_admin_ops import sign_in
from tests.test_institution import market_of


@pytest.fixture
def market(client, make_user, monkeypatch):
    use_cheap_argon2(monkeypatch)
    return market_of(client, make_user("institution"), make_user("enterprise", has_collateral=True))


def _age(app, application_id: int, hours: float) -> None:
    with app.app_context():
        application = db.session.get(Application, application_id)
        application.created_at = now_utc() - dt.timedelta(hours=hours)
        db.session.commit()


def _views(app, enterprise_id: int) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent).where(
            AuditEvent.action == "profile.view", AuditEvent.target_id == enterprise_id))


def test_the_file_holds_the_need_the_match_reasons_and_the_profile_collateral(client, market, app):
    with app.app_context():
        from models import FinancingNeed

        db.session.get(FinancingNeed, market["need"]["id"]).purpose = "采购研发设备\n扩建中试线"
        db.session.commit()
    sign_in(client, market["officer"])
    html = client.get(f"/institution/applications/{market['application']['id']}").get_data(as_text=True)
    assert re.search(r'data-testid="purpose">采购研发设备\n扩建中试线<', html)
    assert re.search(r'data-testid="collateral-offered">否<', html)  # this need offers none ...
    assert re.search(r'data-testid="has-collateral">有<', html)  # ... though the firm's profile owns some
    match = re.search(r'data-testid="match">(.*?)</div></div>', html, re.S).group(1)
    from matchmaker.matching import services as matching

    with app.app_context():
        expected = matching.match_of(need_id=market["need"]["id"], product_id=market["product"]["id"])
    assert expected is not None and expected["reasons"]
    for reason in expected["reasons"]:
        assert reason in match
    assert f"{expected['score'] * 100:.0f}%" in match


def test_a_paused_product_leaves_no_match_but_the_file_still_opens(client, market):
    client.patch(f"/api/v1/products/{market['product']['id']}", json={"status": "paused"}, headers=market["bank"])
    sign_in(client, market["officer"])
    html = client.get(f"/institution/applications/{market['application']['id']}").get_data(as_text=True)
    assert "该产品已不在架，平台不再给出匹配分析" in html


@pytest.mark.parametrize("owns", [True, False])
def test_a_new_need_offers_collateral_as_the_profile_says(client, make_user, monkeypatch, owns):
    use_cheap_argon2(monkeypatch)
    sign_in(client, make_user("enterprise", has_collateral=owns))
    html = client.get("/enterprise/needs/new").get_data(as_text=True)
    box = re.search(r'<input[^>]*id="collateral_offered"[^>]*>', html).group(0)
    assert ("checked" in box) is owns


def test_the_workbench_lists_the_overdue_applications(client, market, make_user, app):
    late, fresh = market["application"]["id"], None
    owner = market["owner"]
    need = client.post("/api/v1/needs", json={"amount_cny": 1_000_000, "term_months": 12}, headers=owner).json
    fresh = client.post("/api/v1/applications", json={"need_id": need["id"], "product_id": market["product"]["id"]},
                        headers=owner).json["id"]
    _age(app, late, hours=24 * 9 + 5)  # three working days are long past, whatever the weekday
    sign_in(client, market["officer"])
    box = re.search(r'data-testid="overdue">(.*?)</div></div>', client.get("/account").get_data(as_text=True),
                    re.S).group(1)
    assert f"/institution/applications/{late}" in box and f"/institution/applications/{fresh}" not in box
    assert re.search(r'text-bg-danger">1<', box) and "已等待 9 天 5 小时" in box
    client.post(f"/api/v1/applications/{late}/decision", headers=market["bank"],
                json={"decision": "reject", "reason": "资料不全"})
    box = re.search(r'data-testid="overdue">(.*?)</div></div>', client.get("/account").get_data(as_text=True),
                    re.S).group(1)
    assert "没有超时的申请" in box and f"/institution/applications/{late}" not in box


def test_waiting_time_reads_in_days_and_hours(client, market, app):
    _age(app, market["application"]["id"], hours=51.7)
    sign_in(client, market["officer"])
    inbox = client.get("/institution/inbox").get_data(as_text=True)
    assert "已等待 2 天 4 小时" in inbox and "小时，" not in inbox
    page = client.get(f"/institution/applications/{market['application']['id']}").get_data(as_text=True)
    assert "已等待 2 天 4 小时" in page


def test_one_decision_records_one_profile_view(client, market, make_user, app):
    firm_id, application_id = market["firm"].enterprise_id, market["application"]["id"]
    sign_in(client, market["officer"])
    page = client.get(f"/institution/applications/{application_id}").get_data(as_text=True)
    refused = client.post(f"/institution/applications/{application_id}/decision",
                          data={"decision": "approve", "approved_amount": "", "rate_pct": "4", "term_months": "12",
                                "csrf_token": csrf_token(page)})
    assert refused.status_code == 422
    done = client.post(f"/institution/applications/{application_id}/decision",
                       data={"decision": "approve", "approved_amount": "150", "rate_pct": "4.2",
                             "term_months": "12", "csrf_token": csrf_token(page)}, follow_redirects=True)
    assert done.status_code == 200 and 'data-testid="status">已批准' in done.get_data(as_text=True)
    assert _views(app, firm_id) == 1
    with app.app_context():  # the window has passed: the next look is a look again
        view = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "profile.view"))
        view.at = now_utc() - dt.timedelta(minutes=app.config["PROFILE_VIEW_WINDOW_MINUTES"] + 1)
        db.session.commit()
    client.get(f"/institution/applications/{application_id}")
    assert _views(app, firm_id) == 2
