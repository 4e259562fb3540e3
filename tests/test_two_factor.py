"""Two-factor sign-in for officers and administrators: enrol, sign in with a code, codes work once."""
import re
import time

import pyotp
import sqlalchemy as sa

from models import User, db
from tests.conftest import csrf_token
from tests.test_api import assert_error
from tests.test_admin_ops import sign_in
from tests.test_auth_pages import field_errors


def enrol(client, user) -> tuple[str, list[str]]:
    sign_in(client, user)
    page = client.get("/account/two-factor").get_data(as_text=True)
    secret = re.search(r'<code id="totp-secret">([A-Z2-7]+)</code>', page).group(1)
    assert 'src="data:image/svg+xml;base64,' in page  # the QR code, allowed by the CSP (img-src data:)
    wrong = client.post("/account/two-factor", data={"code": "000000", "csrf_token": csrf_token(page)})
    assert wrong.status_code == 422 and "code" in field_errors(wrong.get_data(as_text=True))
    right = client.post("/account/two-factor", data={"code": pyotp.TOTP(secret).now(),
                                                      "csrf_token": csrf_token(page)})
    html = right.get_data(as_text=True)
    codes = re.findall(r'<li class="recovery-code">([0-9a-f-]+)</li>', html)
    assert right.status_code == 200 and len(codes) == 10
    client.post("/auth/logout", data={"csrf_token": csrf_token(html)})
    return secret, codes


def password_step(client, user):
    page = client.get("/auth/login").get_data(as_text=True)
    response = client.post("/auth/login", data={"email": user.email, "password": user.password,
                                                "csrf_token": csrf_token(page)})
    assert response.status_code == 302 and response.headers["Location"].endswith("/auth/two-factor")
    return client.get("/auth/two-factor").get_data(as_text=True)


def test_an_officer_signs_in_with_password_and_code_and_a_code_works_once(app, make_user):
    officer = make_user("institution")
    client = app.test_client()
    secret, recovery = enrol(client, officer)
    page = password_step(client, officer)
    assert client.get("/account").status_code == 302  # the password alone signs nobody in
    bad = client.post("/auth/two-factor", data={"code": "123456", "csrf_token": csrf_token(page)})
    assert bad.status_code == 401
    code = pyotp.TOTP(secret).at(time.time() + 30)  # the next step (the current one was used to enrol)
    good = client.post("/auth/two-factor", data={"code": code, "csrf_token": csrf_token(page)})
    assert good.status_code == 302 and client.get("/account").status_code == 200
    other = app.test_client()
    again = other.post("/auth/two-factor", data={"code": code, "csrf_token": csrf_token(password_step(other, officer))})
    assert again.status_code == 401  # replayed
    page = password_step(other, officer)
    assert other.post("/auth/two-factor", data={"code": recovery[0], "csrf_token": csrf_token(page)}).status_code == 302
    third = app.test_client()
    page = password_step(third, officer)
    assert third.post("/auth/two-factor", data={"code": recovery[0], "csrf_token": csrf_token(page)}).status_code == 401
    with app.app_context():
        assert len(db.session.scalar(sa.select(User).where(User.id == officer.id)).recovery_codes) == 9


def test_the_api_wants_the_code_too(app, make_user, client):
    admin = make_user("admin")
    secret, recovery = enrol(app.test_client(), admin)
    missing = client.post("/api/v1/auth/token", json={"email": admin.email, "password": admin.password})
    assert_error(missing, 401, fields=["otp"])
    token = client.post("/api/v1/auth/token", json={"email": admin.email, "password": admin.password,
                                                    "otp": pyotp.TOTP(secret).at(time.time() + 30)})
    assert token.status_code == 200 and token.json["role"] == "admin"
    assert client.post("/api/v1/auth/token", json={"email": admin.email, "password": admin.password,
                                                   "otp": recovery[3]}).status_code == 200


def test_guessing_codes_locks_the_account(app, make_user, client):
    officer = make_user("institution")
    enrol(app.test_client(), officer)
    statuses = [client.post("/api/v1/auth/token", json={"email": officer.email, "password": officer.password,
                                                         "otp": f"{k:06d}"}).status_code for k in range(11)]
    assert statuses[:10] == [401] * 10 and statuses[10] == 429


def test_where_required_an_officer_without_it_can_only_turn_it_on(other_app, make_user):
    app = other_app(TWO_FACTOR_REQUIRED_ROLES=("institution", "admin"))
    officer, firm = make_user("institution"), make_user("enterprise")
    client = app.test_client()
    sign_in(client, officer)
    response = client.get("/institution/inbox")
    assert response.status_code == 302 and response.headers["Location"].endswith("/account/two-factor")
    assert client.get("/account/two-factor").status_code == 200
    token = app.test_client().post("/api/v1/auth/token", json={"email": officer.email, "password": officer.password})
    assert_error(app.test_client().get("/api/v1/me", headers={"Authorization": f"Bearer {token.json['token']}"}), 403)
    owner = app.test_client()
    sign_in(owner, firm)
    assert owner.get("/enterprise/needs").status_code == 200  # firms are not asked
    secret, _codes = enrol(app.test_client(), officer)
    client = app.test_client()
    page = password_step(client, officer)
    client.post("/auth/two-factor", data={"code": pyotp.TOTP(secret).at(time.time() + 30),
                                          "csrf_token": csrf_token(page)})
    assert client.get("/institution/inbox").status_code == 200
