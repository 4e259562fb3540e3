"""E-mail notifications, read off a real local SMTP server: what a decision, a disbursement and an
invitation send, in the recipient's language, to those who want them; the officers' daily digest."""
from __future__ import annotations

import datetime as dt
import re
import time

import pytest
import sqlalchemy as sa

from matchmaker.applications import digest
from models import Application, OutgoingMail, User, db, now_utc
from tests.conftest import csrf_token, worker_of
from tests.test_api import token_for
from tests.test_auth_pages import field_errors
from tests.test_institution import market_of


@pytest.fixture
def mailing_app(app, other_app, smtp_server):
    # Made after the test's own app: the last app made is the one a worker thread runs tasks of.
    return other_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp_server.port, PUBLIC_URL="https://jinfu.example")


@pytest.fixture
def mail_worker(mailing_app):
    with worker_of(mailing_app) as worker:
        yield worker


def wait_for_mail(inbox, count: int, timeout: float = 20):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and len(inbox.messages) < count:
        time.sleep(0.05)
    assert len(inbox.messages) >= count, f"{len(inbox.messages)} of {count} e-mails arrived"
    return inbox.messages


def a_submitted_application(client, make_user, firm=None):
    submitted = market_of(client, make_user("institution"), firm or make_user("enterprise"))
    return tuple(submitted[key] for key in ("officer", "firm", "bank", "owner", "product", "application"))


def test_a_decision_and_a_disbursement_are_mailed_to_the_firm(mailing_app, mail_worker, smtp_server, make_user):
    client = mailing_app.test_client()
    officer, firm, bank, _owner, product, application = a_submitted_application(client, make_user)
    approved = client.post(f"/api/v1/applications/{application['id']}/decision", headers=bank, json={
        "decision": "approve", "approved_amount_cny": 1_500_000, "rate_pct": 4.2, "term_months": 12})
    assert approved.status_code == 200
    [message] = wait_for_mail(smtp_server.inbox, 1)
    assert message["To"] == firm.email and message["Subject"] == "【高新金服】您的融资申请已获批"
    body = message.get_content()
    assert product["name"] in body and "150 万元" in body and "4.2%" in body
    assert f"https://jinfu.example/enterprise/applications/{application['id']}" in body
    assert "https://jinfu.example/account/notifications" in body
    assert client.post(f"/api/v1/applications/{application['id']}/disbursement", headers=bank,
                       json={"amount_cny": 1_500_000}).status_code == 200
    second = wait_for_mail(smtp_server.inbox, 2)[1]
    assert second["Subject"] == "【高新金服】贷款已放款" and "150 万元" in second.get_content()
    with mailing_app.app_context():
        sent = db.session.scalars(sa.select(OutgoingMail).order_by(OutgoingMail.id)).all()
        assert [(m.kind, m.attempts, m.sent_at is not None) for m in sent] == [
            ("application.approved", 1, True), ("application.disbursed", 1, True)]
    time.sleep(0.5)
    assert len(smtp_server.inbox.messages) == 2  # each once


def test_mail_speaks_the_recipients_language_and_respects_the_choice(mailing_app, mail_worker, smtp_server,
                                                                     make_user):
    client = mailing_app.test_client()
    _officer, firm, bank, _owner, _product, application = a_submitted_application(client, make_user)
    # The owner chooses English on the site: e-mails follow.
    signed_in = client.post("/auth/login", data={"csrf_token": csrf_token(client.get("/auth/login").get_data(
        as_text=True)), "email": firm.email, "password": firm.password})
    assert signed_in.status_code == 302
    client.get("/lang/en")
    rejected = client.post(f"/api/v1/applications/{application['id']}/decision", headers=bank, json={
        "decision": "reject", "reason_code": "insufficient_collateral", "reason": "no collateral"})
    assert rejected.status_code == 200, rejected.json
    [message] = wait_for_mail(smtp_server.inbox, 1)
    assert message["Subject"] == "[Gaoxin Jinfu] Your financing application was not approved"
    assert message["Content-Language"] == "en" and "Insufficient collateral" in message.get_content()
    assert "— no collateral" in message.get_content()
    # Turned off on the notification settings page: the next event stays in the page only.
    page = client.get("/account/notifications").get_data(as_text=True)
    assert 'name="email_notifications"' in page and "checked" in page
    saved = client.post("/account/notifications", data={"csrf_token": csrf_token(page), "language": "en"},
                        follow_redirects=True)
    assert saved.status_code == 200
    with mailing_app.app_context():
        user = db.session.get(User, firm.id)
        assert (user.email_notifications, user.language) == (False, "en")
    bad = client.post("/account/notifications", data={"csrf_token": csrf_token(page), "language": "fr",
                                                      "email_notifications": "y"})
    assert bad.status_code == 422 and "language" in field_errors(bad.get_data(as_text=True))
    with mailing_app.app_context():
        assert db.session.get(User, firm.id).email_notifications is False  # nothing stored from the bad form
    _o, _f, bank2, _owner, _p, second = a_submitted_application(client, make_user, firm=firm)
    assert client.post(f"/api/v1/applications/{second['id']}/decision", headers=bank2, json={
        "decision": "approve", "approved_amount_cny": 1_500_000, "rate_pct": 4.2, "term_months": 12}).status_code == 200
    time.sleep(1)
    assert len(smtp_server.inbox.messages) == 1
    with mailing_app.app_context():  # the page still tells
        assert db.session.scalar(sa.select(sa.func.count()).select_from(OutgoingMail)) == 1


def test_officers_get_one_digest_a_day_of_their_overdue_applications(mailing_app, mail_worker, smtp_server,
                                                                     make_user):
    client = mailing_app.test_client()
    officer, firm, _bank, _owner, product, application = a_submitted_application(client, make_user)
    with mailing_app.app_context():
        assert digest.send_overdue_digests() == 0  # nothing is overdue yet
        row = db.session.get(Application, application["id"])
        row.created_at = now_utc() - dt.timedelta(days=9, hours=5)
        db.session.commit()
        assert digest.send_overdue_digests() == 1
        db.session.commit()
        assert digest.send_overdue_digests() == 0  # once a day
        db.session.commit()
    [message] = wait_for_mail(smtp_server.inbox, 1)
    assert message["To"] == officer.email and message["Subject"] == "【高新金服】1 笔申请已超过答复时限"
    body = message.get_content()
    assert product["name"] in body and re.search(r"已等待 9 天 5 小时", body)
    assert "https://jinfu.example/institution/inbox" in body


def test_without_a_mail_server_messages_wait_in_the_outbox(client, make_user, app, celery_worker):
    _officer, firm, bank, _owner, _product, application = a_submitted_application(client, make_user)
    assert client.post(f"/api/v1/applications/{application['id']}/decision", headers=bank, json={
        "decision": "approve", "approved_amount_cny": 1_500_000, "rate_pct": 4.2, "term_months": 12}).status_code == 200
    time.sleep(1)
    with app.app_context():
        [mail] = db.session.scalars(sa.select(OutgoingMail)).all()
        assert (mail.to_address, mail.sent_at, mail.attempts) == (firm.email, None, 0)


def test_a_day_of_digests_starts_at_midnight_china_time(app):
    with app.app_context():
        # 2026-12-06 01:30:45.5 UTC is 09:30 in Chongqing: the day began at 2026-12-05 16:00 UTC.
        start = digest._start_of_local_day(dt.datetime(2026, 12, 6, 1, 30, 45, 500_000, tzinfo=dt.timezone.utc))
        assert start == dt.datetime(2026, 12, 5, 16, 0, tzinfo=dt.timezone.utc) and start.tzinfo == dt.timezone.utc
        # 17:00 UTC is already the next day there.
        assert digest._start_of_local_day(dt.datetime(2026, 12, 6, 17, 0, tzinfo=dt.timezone.utc)) == \
            dt.datetime(2026, 12, 6, 16, 0, tzinfo=dt.timezone.utc)


def test_the_digest_goes_to_each_officer_who_wants_it_once_a_local_day(client, make_user, app):
    officer, _firm, _bank, _owner, product, application = a_submitted_application(client, make_user)
    with app.app_context():
        bank = db.session.get(User, officer.id).institution
        quiet = User(email="quiet@bank.example", role="institution", institution=bank, email_notifications=False)
        gone = User(email="gone@bank.example", role="institution", institution=bank, is_active=False)
        colleague = User(email="colleague@bank.example", role="institution", institution=bank, language="en")
        for user in (quiet, gone, colleague):
            user.set_password("correct-horse-42")
            db.session.add(user)
        # Another e-mail to the officer today does not count as the day's digest.
        db.session.add(OutgoingMail(user_id=officer.id, to_address=officer.email, kind="invitation", language="zh",
                                    subject="s", body="b", attempts=0))
        db.session.commit()
        assert digest.send_overdue_digests() == 0  # just submitted
        row = db.session.get(Application, application["id"])
        row.created_at = now_utc() - dt.timedelta(days=7)  # three working days are within any week
        db.session.commit()
        assert digest.send_overdue_digests() == 2
        db.session.commit()
        sent = db.session.scalars(sa.select(OutgoingMail).where(OutgoingMail.kind == "digest.overdue")
                                  .order_by(OutgoingMail.id)).all()
        assert [(m.to_address, m.kind, m.language) for m in sent] == [
            (officer.email, "digest.overdue", "zh"), ("colleague@bank.example", "digest.overdue", "en")]
        assert sent[1].subject == "[Gaoxin Jinfu] 1 applications are past your answer time"
        assert product["name"] in sent[0].body and "已等待 7 天 " in sent[0].body and bank.name in sent[0].body
        assert digest.send_overdue_digests() == 0  # the same local day
        # The next day, decided: no longer overdue.
        row.status = "rejected"
        row.decided_at = now_utc()
        db.session.execute(sa.update(OutgoingMail).values(created_at=now_utc() - dt.timedelta(days=1)))
        db.session.commit()
        assert digest.send_overdue_digests() == 0


@pytest.mark.parametrize("language, content_language", [("zh", "zh-CN"), ("en", "en")])
def test_an_e_mail_is_composed_with_every_header_a_mail_client_reads(app, language, content_language):
    from matchmaker import mail

    queued = OutgoingMail(id=4711, to_address="boss@example.cn", subject="审批结果：已获批", body="您好，\n已获批。",
                          language=language, kind="application.approved")
    with app.app_context():
        app.config["MAIL_FROM"] = "高新金服 <noreply@jinfu.example>"
        message = mail.compose(queued)
    assert message.keys() == ["From", "To", "Subject", "Message-ID", "Content-Type", "Content-Transfer-Encoding",
                              "MIME-Version", "Content-Language"]
    assert (str(message["From"]), message["To"], message["Subject"]) == (
        "高新金服 <noreply@jinfu.example>", "boss@example.cn", "审批结果：已获批")
    assert re.fullmatch(r"<\d+\.\d+\.\d+\.mail-4711@jinfu\.example>", message["Message-ID"])
    with app.app_context():
        app.config["MAIL_FROM"] = '"平台 <a@b>" <noreply@mail.jinfu.example>'
        assert mail.compose(queued)["Message-ID"].endswith(".mail-4711@mail.jinfu.example>")
    assert message["Content-Language"] == content_language
    assert message.get_content() == "您好，\n已获批。\n"
    with app.app_context():
        for sender in ("noreply", "高新金服 <noreply>"):
            app.config["MAIL_FROM"] = sender
            assert mail.compose(queued)["Message-ID"].endswith(".mail-4711@localhost>")
