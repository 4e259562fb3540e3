"""Hardening: headers and cookies, HTTPS behind a proxy."""
import re

import pytest

from matchmaker import create_app
from models import db
from tests.conftest import csrf_token
from tests.test_admin_ops import sign_in


def _nonce(response) -> str:
    match = re.search(r"script-src 'self' 'nonce-([A-Za-z0-9_-]{20,})'", response.headers["Content-Security-Policy"])
    assert match, response.headers["Content-Security-Policy"]
    return match.group(1)


def test_every_script_carries_this_responses_nonce(client, make_user):
    sign_in(client, make_user("admin"))
    nonces = set()
    for path in ("/", "/auth/register", "/admin/", "/admin/ranker", "/admin/import"):
        response = client.get(path)
        assert response.status_code == 200, path
        nonce = _nonce(response)
        nonces.add(nonce)
        scripts = re.findall(r"<script\b[^>]*>", response.get_data(as_text=True))
        assert scripts and all(f'nonce="{nonce}"' in tag for tag in scripts), (path, scripts)
        csp = response.headers["Content-Security-Policy"]
        assert "'unsafe-inline'" not in csp and "base-uri 'none'" in csp and "frame-ancestors 'none'" in csp
        assert "object-src 'none'" in csp and response.headers["Referrer-Policy"] == "same-origin"
    assert len(nonces) == 5  # a fresh nonce per response


def test_signed_in_pages_are_not_cached(client, make_user):
    assert "no-store" not in client.get("/").headers.get("Cache-Control", "")
    sign_in(client, make_user("enterprise"))
    assert client.get("/account").headers["Cache-Control"] == "no-store"


@pytest.fixture
def production(migrated, monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", migrated)
    monkeypatch.setenv("PROXY_FIX_HOPS", "1")
    monkeypatch.setattr("matchmaker.config.ProductionConfig.SECRET_KEY", "p" * 64)
    monkeypatch.setattr("matchmaker.config.Config.PROXY_FIX_HOPS", 1)
    app = create_app("production")
    yield app
    with app.app_context():  # its pool holds connections to the test database: close them now
        db.session.remove()
        db.engine.dispose()


def test_behind_a_tls_proxy_cookies_are_host_prefixed_and_secure(production, make_user):
    user = make_user("enterprise")
    client = production.test_client()
    https = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9"}
    page = client.get("/auth/login", headers=https, base_url="https://localhost")
    assert page.headers["Strict-Transport-Security"].startswith("max-age=")
    # Over HTTPS Flask-WTF also wants a same-site Referer, as browsers send it.
    response = client.post("/auth/login", headers={**https, "Referer": "https://localhost/auth/login"},
                           base_url="https://localhost", data={
        "email": user.email, "password": user.password, "csrf_token": csrf_token(page.get_data(as_text=True))})
    assert response.status_code == 302
    cookie = next(v for v in response.headers.getlist("Set-Cookie") if v.startswith("__Host-mm_session="))
    attributes = {part.strip().split("=")[0].lower() for part in cookie.split(";")[1:]}
    assert {"secure", "httponly", "samesite", "path"} <= attributes and "domain" not in attributes
    assert "SameSite=Lax" in cookie and "Path=/" in cookie
    # Without the proxy's word the request is plain HTTP: no HSTS.
    assert "Strict-Transport-Security" not in client.get("/").headers


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:alert(1)"])
def test_login_never_redirects_off_site(client, make_user, target):
    user = make_user("enterprise")
    page = client.get("/auth/login", query_string={"next": target}).get_data(as_text=True)
    response = client.post("/auth/login", query_string={"next": target}, data={
        "email": user.email, "password": user.password, "csrf_token": csrf_token(page)})
    assert response.status_code == 302
    location = response.headers["Location"]
    assert location.startswith("/") and not location.startswith("//") and "evil" not in location


def _redis_or_fail():
    """The shared store is part of the stack (Redis on 127.0.0.1:6379, started by .ci/run when it
    sleeps): without it this test fails rather than pass unseen. Database 15 is the tests' own and
    starts empty."""
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).flushdb()
    except redis.exceptions.ConnectionError:
        pytest.fail(f"Redis does not answer at {REDIS_URL}: start redis-server (the shared-limit test needs it)")


REDIS_URL = "redis://127.0.0.1:6379/15"


def test_failed_sign_ins_are_limited_per_address_across_workers(other_app, make_user):
    """Two apps stand for two gunicorn workers: failures at either count against the same address."""
    _redis_or_fail()
    settings = dict(RATELIMIT_STORAGE_URI=REDIS_URL, SIGN_IN_FAILURES_PER_ADDRESS="6 per 15 minutes")
    workers = [other_app(**settings).test_client() for _ in range(2)]
    victims = [make_user("enterprise") for _ in range(3)]  # spread over accounts: no account lockout
    statuses = []
    for k in range(6):
        victim = victims[k % 3]
        response = workers[k % 2].post("/api/v1/auth/token", json={"email": victim.email, "password": "wrong-guess-1"})
        statuses.append(response.status_code)
    assert statuses == [401] * 6
    blocked = workers[0].post("/api/v1/auth/token", json={"email": victims[0].email, "password": victims[0].password})
    assert blocked.status_code == 429 and int(blocked.headers["Retry-After"]) > 0
    assert blocked.json["error"]["code"] == "too_many_requests"
    assert len(blocked.headers["X-Request-ID"]) == 32  # a refused call can be traced like any other
    token = csrf_token(workers[1].get("/auth/login").get_data(as_text=True))
    page = workers[1].post("/auth/login", data={"email": victims[1].email, "password": victims[1].password,
                                                "csrf_token": token})
    assert page.status_code == 429  # the login page shares the address's count


def test_an_integration_server_is_not_slowed_by_successful_calls(app, other_app, make_user):
    from limits import parse

    per_minute = {name: parse(app.config[name]).amount * 60 / parse(app.config[name]).get_expiry()
                  for name in ("SIGN_IN_REQUESTS_PER_ADDRESS", "REGISTRATIONS_PER_ADDRESS")}
    assert per_minute["SIGN_IN_REQUESTS_PER_ADDRESS"] >= 300 and per_minute["REGISTRATIONS_PER_ADDRESS"] >= 120
    # Scaled down: successes never count against the failure limit (3), only the overall one (12).
    client = other_app(SIGN_IN_FAILURES_PER_ADDRESS="3 per 15 minutes", SIGN_IN_REQUESTS_PER_ADDRESS="12 per minute",
                       REGISTRATIONS_PER_ADDRESS="2 per minute").test_client()
    user = make_user("institution")
    statuses = [client.post("/api/v1/auth/token", json={"email": user.email, "password": user.password}).status_code
                for _ in range(13)]
    assert statuses == [200] * 12 + [429]
    from tests.test_api import registration

    answers = []
    for k in range(3):
        body = registration(email=f"cfo{k}@bulk.cn")
        body["enterprise"]["uscc"] = _uscc(k)
        answers.append(client.post("/api/v1/auth/register", json=body).status_code)
    assert answers == [201, 201, 429]


@pytest.mark.parametrize("password, ok", [
    ("qwertyuiop", False), ("1234567890", False), ("Password123", False), ("woaini1314", False),
    ("aaaaaaaaaaaa", False), ("correct-horse-42", True), ("高新区金融服务平台的密码", True), ("x" * 8 + "Zq", True),
    ("短密码", False), ("我们公司位于重庆高新区，主要从事集成电路设计与制造。" * 9, True),
])
def test_password_policy(password, ok):
    from matchmaker.auth.services import check_password

    assert (check_password(password) is None) is ok, check_password(password)


def test_unknown_email_and_wrong_password_get_the_same_answer(client, make_user):
    user = make_user("enterprise")
    wrong = client.post("/api/v1/auth/token", json={"email": user.email, "password": "not-the-password"})
    unknown = client.post("/api/v1/auth/token", json={"email": "nobody@nowhere.cn", "password": "not-the-password"})
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json == unknown.json


def _uscc(k: int) -> str:
    from tests.conftest import valid_uscc

    return valid_uscc(f"91500106MA6{k:06d}")


@pytest.mark.parametrize("unused_minutes, still_signed_in", [(29, True), (31, False)])
def test_a_browser_session_ends_after_30_idle_minutes(client, make_user, app, unused_minutes, still_signed_in):
    import datetime as dt

    import sqlalchemy as sa

    from models import AuthToken, TokenKind, now_utc

    sign_in(client, make_user("enterprise"))
    with app.app_context():
        earlier = now_utc() - dt.timedelta(minutes=unused_minutes)
        db.session.execute(sa.update(AuthToken).where(AuthToken.kind == TokenKind.WEB).values(last_used_at=earlier))
        db.session.commit()
    response = client.get("/account")
    assert (response.status_code == 200) is still_signed_in
    if still_signed_in:  # using it restarts the clock
        with app.app_context():
            used = db.session.scalar(sa.select(AuthToken.last_used_at).where(AuthToken.kind == TokenKind.WEB))
        assert now_utc() - used < dt.timedelta(minutes=1)
    else:
        assert "/auth/login" in response.headers["Location"]


def test_a_browser_session_ends_12_hours_after_sign_in_however_busy(client, make_user, app):
    import datetime as dt

    import sqlalchemy as sa

    from models import AuthToken, now_utc

    sign_in(client, make_user("enterprise"))
    with app.app_context():
        token = db.session.scalar(sa.select(AuthToken))
        assert abs(token.expires_at - token.created_at - dt.timedelta(hours=12)) < dt.timedelta(seconds=5)
        db.session.execute(sa.update(AuthToken).values(expires_at=now_utc() - dt.timedelta(seconds=1),
                                                       last_used_at=now_utc()))
        db.session.commit()
    assert client.get("/account").status_code == 302


def test_nul_characters_are_refused_naming_the_field(client):
    from tests.test_api import assert_error

    response = client.post("/api/v1/auth/token", json={"email": "a\x00b@x.cn", "password": "whatever-long"})
    assert_error(response, 422, fields=["email"])
    nested = client.post("/api/v1/auth/register", json={"email": "x@y.cn", "password": "long-enough-pw",
                                                        "enterprise": {"name": "坏\x00名字"}})
    assert_error(nested, 422, fields=["enterprise.name"])
    assert client.get("/api/v1/products?kind=a%00b").status_code == 422


def test_behind_a_proxy_the_client_address_scheme_and_host_are_the_proxys_word(other_app):
    app = other_app(PROXY_FIX_HOPS=2)  # two load balancers: each appends what it was told
    seen = {}

    @app.route("/_echo")
    def echo():
        from flask import request

        seen.update(address=request.remote_addr, scheme=request.scheme, host=request.host)
        return "ok"

    app.test_client().get("/_echo", headers={"X-Forwarded-For": "198.51.100.7, 203.0.113.9",
                                             "X-Forwarded-Proto": "https, http",
                                             "X-Forwarded-Host": "gaoxin.example.cn, lb.internal"})
    assert seen == {"address": "198.51.100.7", "scheme": "https", "host": "gaoxin.example.cn"}
    direct = other_app().test_client()
    seen.clear()
    direct.application.add_url_rule("/_echo", view_func=app.view_functions["echo"])
    direct.get("/_echo", headers={"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Host": "gaoxin.example.cn"})
    assert seen["address"] != "203.0.113.9" and seen["host"] == "localhost"  # no proxy: its headers are ignored
