"""The JSON API's contract: paths, status codes, the error shape and field names."""
import datetime as dt
import json

import pytest
import sqlalchemy as sa

from models import AuthToken, Enterprise, User, db
from tests.conftest import valid_uscc


def registration(**overrides):
    body = {
        "email": "cfo@xinrui.cn",
        "password": "a-strong-password",
        "enterprise": {
            "name": "重庆芯瑞半导体有限公司", "uscc": valid_uscc("91500106MA60X2K3Q"), "industry": "next_gen_it",
            "founded_on": "2015-03-01", "employees": 120, "annual_revenue_cny": 56_000_000, "rd_ratio_pct": 11.2,
            "ip_count": 23, "certifications": ["high_tech_enterprise"], "credit_rating": "AA",
            "district": "沙坪坝区", "has_collateral": False,
        },
    }
    body.update(overrides)
    return body


def assert_error(response, status, code=None, fields=None):
    """The contract's error shape; ``fields`` lists field names that must be reported."""
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    body = response.json
    assert set(body) == {"error"}
    error = body["error"]
    assert isinstance(error["code"], str) and error["code"]
    assert isinstance(error["message"], str) and error["message"]
    if code:
        assert error["code"] == code
    if fields is not None:
        assert set(fields) <= set(error["fields"]), error
        for problems in error["fields"].values():
            assert problems and all(isinstance(p, str) for p in problems)
    assert "Traceback" not in response.get_data(as_text=True)
    return error


def token_for(client, email, password):
    response = client.post("/api/v1/auth/token", json={"email": email, "password": password})
    assert response.status_code == 200, response.json
    return {"Authorization": f"Bearer {response.json['token']}"}


def test_register_returns_user_and_enterprise(client, app):
    response = client.post("/api/v1/auth/register", json=registration())
    assert response.status_code == 201, response.json
    body = response.json
    assert body["user"]["email"] == "cfo@xinrui.cn" and body["user"]["role"] == "enterprise"
    assert body["enterprise"]["id"] == body["user"]["enterprise_id"]
    assert body["enterprise"]["name"] == "重庆芯瑞半导体有限公司"
    assert body["enterprise"]["share_in_leads"] is False
    assert "password" not in json.dumps(body)
    assert "重庆芯瑞" in response.get_data(as_text=True)  # Chinese as-is, not \\u-escaped


@pytest.mark.parametrize("accept, language", [(None, "zh"), ("en-GB,en;q=0.9", "en"), ("fr-FR", "zh")])
def test_a_firm_registered_through_the_api_is_written_to_in_the_language_it_asked_in(client, app, accept, language):
    headers = {"Accept-Language": accept} if accept else {}
    response = client.post("/api/v1/auth/register", json=registration(), headers=headers)
    assert response.status_code == 201
    with app.app_context():
        assert db.session.get(User, response.json["user"]["id"]).language == language


def test_register_bad_check_character_names_the_field(client):
    body = registration()
    body["enterprise"]["uscc"] = body["enterprise"]["uscc"][:-1] + "0" if body["enterprise"]["uscc"][-1] != "0" \
        else body["enterprise"]["uscc"][:-1] + "1"
    error = assert_error(client.post("/api/v1/auth/register", json=body), 422, "invalid_input",
                         ["enterprise.uscc"])
    assert "校验位" in error["fields"]["enterprise.uscc"][0]


def test_register_short_password_is_422(client):
    assert_error(client.post("/api/v1/auth/register", json=registration(password="short")), 422,
                 fields=["password"])


@pytest.mark.parametrize("field, value", [
    ("employees", -1), ("annual_revenue_cny", -5), ("industry", "banking"), ("credit_rating", "Z"),
    ("founded_on", "2015-02-30"), ("founded_on", "2999-01-01"), ("certifications", ["nobel_prize"]),
    ("rd_ratio_pct", 250), ("employees", "many"),
])
def test_register_invalid_values_are_422_with_the_field(client, field, value):
    body = registration()
    body["enterprise"][field] = value
    assert_error(client.post("/api/v1/auth/register", json=body), 422, fields=[f"enterprise.{field}"])


def test_register_duplicates_are_409(client):
    assert client.post("/api/v1/auth/register", json=registration()).status_code == 201
    assert_error(client.post("/api/v1/auth/register", json=registration()), 409, "conflict", ["email"])
    again = registration(email="other@xinrui.cn")
    assert_error(client.post("/api/v1/auth/register", json=again), 409, "conflict", ["enterprise.uscc"])


def test_register_refuses_a_code_of_an_imported_firm(client, app):
    body = registration()
    with app.app_context():
        facts = dict(body["enterprise"], founded_on=dt.date(2015, 3, 1), imported=True)
        db.session.add(Enterprise(**facts))
        db.session.commit()
    assert_error(client.post("/api/v1/auth/register", json=body), 409, fields=["enterprise.uscc"])


def test_unknown_fields_are_refused_not_applied(client, app):
    body = registration(role="admin")
    assert_error(client.post("/api/v1/auth/register", json=body), 422, fields=["role"])
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 0


def test_token_me_and_logout(client, make_user):
    user = make_user("enterprise")
    response = client.post("/api/v1/auth/token", json={"email": user.email.upper(), "password": user.password})
    assert response.status_code == 200
    body = response.json
    assert body["role"] == "enterprise"
    expires = dt.datetime.fromisoformat(body["expires_at"])
    assert expires.tzinfo is not None and expires > dt.datetime.now(dt.timezone.utc)
    headers = {"Authorization": f"Bearer {body['token']}"}
    me = client.get("/api/v1/me", headers=headers)
    assert me.status_code == 200
    assert me.json == {"id": user.id, "email": user.email, "role": "enterprise",
                       "enterprise_id": user.enterprise_id, "institution_id": None}
    assert client.post("/api/v1/auth/logout", headers=headers).status_code == 204
    assert_error(client.get("/api/v1/me", headers=headers), 401, "unauthorized")


def test_expired_token_is_refused(client, app, make_user):
    user = make_user("admin")
    headers = token_for(client, user.email, user.password)
    with app.app_context():
        db.session.execute(sa.update(AuthToken).values(expires_at=dt.datetime.now(dt.timezone.utc)))
        db.session.commit()
    assert_error(client.get("/api/v1/me", headers=headers), 401)


def test_session_cookie_does_not_authorise_the_api(client, make_user):
    from tests.test_auth_pages import submit

    user = make_user("admin")
    submit(client, "/auth/login", {"email": user.email, "password": user.password})
    assert client.get("/account").status_code == 200
    assert_error(client.get("/api/v1/me"), 401)


def test_wrong_credentials_same_answer_whether_or_not_the_email_exists(client, make_user):
    user = make_user("admin")
    known = assert_error(client.post("/api/v1/auth/token", json={"email": user.email, "password": "nope-nope-1"}),
                         401)
    unknown = assert_error(client.post("/api/v1/auth/token", json={"email": "ghost@x.cn", "password": "nope-nope-1"}),
                           401)
    assert known == unknown


def test_repeated_failures_lock_the_email_even_for_the_right_password(client, make_user):
    user = make_user("admin")
    for _ in range(10):
        assert client.post("/api/v1/auth/token", json={"email": user.email, "password": "guess-guess"}).status_code == 401
    locked = client.post("/api/v1/auth/token", json={"email": user.email, "password": user.password})
    assert_error(locked, 429, "too_many_requests")
    assert int(locked.headers["Retry-After"]) >= 5 * 60 - 5
    # Another account is not affected.
    other = make_user("admin")
    assert client.post("/api/v1/auth/token", json={"email": other.email, "password": other.password}).status_code == 200


def test_error_400_malformed_json(client):
    response = client.post("/api/v1/auth/token", data="{not json", content_type="application/json")
    assert_error(response, 400, "bad_request")


def test_error_401_without_token(client):
    response = client.get("/api/v1/me")
    assert_error(response, 401, "unauthorized")
    assert response.headers["WWW-Authenticate"] == "Bearer"
    assert_error(client.get("/api/v1/me", headers={"Authorization": "Bearer forged"}), 401)


def test_error_403_role_not_allowed_before_the_body_is_read(client, make_user):
    user = make_user("enterprise")
    headers = token_for(client, user.email, user.password)
    assert_error(client.post("/api/v1/admin/institutions", json={}, headers=headers), 403, "forbidden")
    assert_error(client.post("/api/v1/admin/institutions", json={}), 401)


def test_error_404_unknown_path(client):
    assert_error(client.get("/api/v1/no-such-thing"), 404, "not_found")


def test_error_405_method(client):
    response = client.delete("/api/v1/me")
    assert_error(response, 405, "method_not_allowed")
    assert "GET" in response.headers["Allow"]


def test_error_413_body_over_16_mib(client):
    response = client.post("/api/v1/auth/register", data=b"x" * (16 * 1024 * 1024 + 1),
                           content_type="application/json")
    assert_error(response, 413, "payload_too_large")


def test_error_500_without_internals(other_app):
    app = other_app()

    @app.route("/api/v1/_explode")
    def explode():
        raise RuntimeError("secret internals: password=hunter2")

    response = app.test_client().get("/api/v1/_explode")
    error = assert_error(response, 500, "internal_error")
    assert "hunter2" not in response.get_data(as_text=True) and "RuntimeError" not in error["message"]


def test_admin_onboards_an_institution(client, make_user):
    admin = make_user("admin")
    headers = token_for(client, admin.email, admin.password)
    body = {"name": "重庆科技融资担保二公司", "kind": "guarantee", "officer_email": "li@danbao.cn",
            "officer_password": "officer-password-1"}
    response = client.post("/api/v1/admin/institutions", json=body, headers=headers)
    assert response.status_code == 201, response.json
    assert response.json["institution"]["kind"] == "guarantee"
    assert response.json["user"]["role"] == "institution"
    assert response.json["user"]["institution_id"] == response.json["institution"]["id"]
    officer = token_for(client, "li@danbao.cn", "officer-password-1")
    assert client.get("/api/v1/me", headers=officer).json["institution_id"] == response.json["institution"]["id"]
    assert_error(client.post("/api/v1/admin/institutions", json=body, headers=headers), 409)
    bad = dict(body, kind="casino", officer_email="x@y.cn", name="另一家")
    assert_error(client.post("/api/v1/admin/institutions", json=bad, headers=headers), 422, fields=["kind"])


def test_openapi_document_describes_every_api_route(client, app):
    doc = client.get("/api/v1/openapi.json")
    assert doc.status_code == 200
    spec = doc.json
    assert spec["openapi"].startswith("3.")
    documented = {(path, method.upper()) for path, ops in spec["paths"].items() for method in ops
                  if method in {"get", "post", "patch", "put", "delete"}}
    served = set()
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1/") and rule.endpoint != "api-docs.openapi_json":
            path = rule.rule.replace("<int:", "{").replace("<", "{").replace(">", "}")
            served |= {(path, m) for m in rule.methods - {"HEAD", "OPTIONS"}}
    assert documented == served
    error_schema = spec["components"]["schemas"]["Error"]
    assert "error" in error_schema["properties"]
    register = spec["paths"]["/api/v1/auth/register"]["post"]
    assert {"201", "409", "422"} <= set(register["responses"])


def test_every_endpoint_behind_a_token_documents_its_access(client):
    """One decorator (api/access.py) checks an endpoint's token and roles and documents them: every
    operation that needs a token says so and lists 401; those only some roles may call list 403."""
    document = client.get("/api/v1/openapi.json").json
    guarded = 0
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            if "security" not in operation:
                continue
            guarded += 1
            assert operation["security"] == [{"bearerAuth": []}], (method, path)
            assert "401" in operation["responses"], (method, path)
            if path.startswith("/api/v1/admin/"):
                assert "403" in operation["responses"], (method, path)
    assert guarded >= 33
